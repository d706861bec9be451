"""Memory of a command's process tree over time: RSS and PSS of each process, peak per role and phase.

    python benchmarks/memprofile.py [--interval 0.5] [--json profile.json] -- python -m helpers export IN OUT

Every `interval` seconds the tree of the command (the main process and every descendant) is sampled:
RSS from /proc/PID/status and PSS from /proc/PID/smaps_rollup (PSS shares each page between the
processes that map it, so the PSS of a tree sums to its real use while forked workers' RSS count
their shared copy-on-write pages once each). Printed at the end: the peak of the tree's summed RSS and
PSS, and per role (main; worker = any descendant) the largest single process, each with the time and
the phase it happened in. The phase comes from the export's tqdm bar on stderr: "prepare" before the
bar, "parse i/N" while it runs, "after parse" once it reaches N (assembling tables, relevance, CSV).
bench_scale.py uses run_sampled for its export steps. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

_BAR = re.compile(r"(\d+)/(\d+)")
MB = 2**20


@dataclass
class Peak:
    """The largest value seen of one measure, with when (seconds from start) and in which phase."""

    mb: float = 0.0
    t: float = 0.0
    phase: str = ""

    def see(self, mb: float, t: float, phase: str) -> None:
        if mb > self.mb:
            self.mb, self.t, self.phase = mb, t, phase


@dataclass
class Profile:
    """Peaks of a sampled run: tree sums, and per role the largest single process."""

    tree_rss: Peak = field(default_factory=Peak)
    tree_pss: Peak = field(default_factory=Peak)
    roles: dict[str, dict[str, Peak]] = field(default_factory=dict)  # role -> {"rss": Peak, "pss": Peak}
    phase_tree_rss: dict[str, float] = field(default_factory=dict)  # coarse phase -> peak tree RSS MB
    max_workers: int = 0
    samples: int = 0
    # t, phase, tree RSS, tree PSS, children, main RSS, largest worker RSS (MB)
    timeline: list[tuple[float, str, float, float, int, float, float]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A few lines to print."""
        out = [f"peak tree RSS {self.tree_rss.mb:,.0f} MB at {self.tree_rss.t:.0f} s ({self.tree_rss.phase}); "
               f"peak tree PSS {self.tree_pss.mb:,.0f} MB at {self.tree_pss.t:.0f} s ({self.tree_pss.phase}); "
               f"{self.samples} samples, up to {self.max_workers} child processes at once"]
        for role, peaks in self.roles.items():
            r, p = peaks["rss"], peaks["pss"]
            out.append(f"  {role:<7} largest process: RSS {r.mb:,.0f} MB at {r.t:.0f} s ({r.phase}), "
                       f"PSS {p.mb:,.0f} MB at {p.t:.0f} s ({p.phase})")
        out.append("  peak tree RSS by phase: " + ", ".join(f"{k} {v:,.0f} MB" for k, v in self.phase_tree_rss.items()))
        return out


def _children(pid: int) -> list[int]:
    """Every descendant of pid (psutil scans /proc for parents)."""
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def _mem(pid: int) -> tuple[float, float] | None:
    """(RSS MB, PSS MB) of a process, None if it is gone."""
    try:
        rss = pss = 0.0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024 / MB
                break
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024 / MB
                break
        return rss, pss
    except (OSError, ValueError, IndexError):
        return None


class _Phase:
    """The export's phase, read from its stderr (tqdm bar) by a thread; stderr kept for errors."""

    def __init__(self, stream) -> None:
        self.phase = "prepare"
        self.tail: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        import os

        buf = ""
        fd = stream.fileno()
        while True:
            chunk = os.read(fd, 4096)  # what is there now (a text read(n) would wait for n characters)
            if not chunk:
                break
            buf = (buf + chunk.decode("utf-8", "replace"))[-4096:]
            last = re.split(r"[\r\n]", buf.rstrip("\r\n"))[-1]
            if "parsing and annotating" in last:
                m = _BAR.search(last.split("|")[-1]) or _BAR.search(last)
                if m:
                    i, n = int(m.group(1)), int(m.group(2))
                    self.phase = "after parse" if i >= n else f"parse {i}/{n}"
            self.tail = buf.splitlines()[-5:]

    def join(self) -> None:
        self._thread.join(timeout=5)


def _coarse(phase: str) -> str:
    return "parse" if phase.startswith("parse ") else phase


def run_sampled(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
                interval: float = 0.5, timeline_every: float = 10.0) -> tuple[float, float, str, Profile, int]:
    """Run cmd sampling its tree; return (wall s, CPU s of the tree, stdout, Profile, return code).

    CPU is user + system of the waited-for children (resource.getrusage), as bench_store.run counts it.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out_parts: list[str] = []
    reader = threading.Thread(target=lambda: out_parts.append(proc.stdout.read()), daemon=True)
    reader.start()
    phase = _Phase(proc.stderr)
    prof = Profile()
    last_line = -timeline_every
    while proc.poll() is None:
        t = time.perf_counter() - start
        ph = phase.phase
        kids = _children(proc.pid)
        tot_rss = tot_pss = 0.0
        role_rss = {"main": 0.0, "worker": 0.0}
        for role, pids in (("main", [proc.pid]), ("worker", kids)):
            for pid in pids:
                m = _mem(pid)
                if m is None:
                    continue
                tot_rss += m[0]
                tot_pss += m[1]
                role_rss[role] = max(role_rss[role], m[0])
                peaks = prof.roles.setdefault(role, {"rss": Peak(), "pss": Peak()})
                peaks["rss"].see(m[0], t, ph)
                peaks["pss"].see(m[1], t, ph)
        prof.tree_rss.see(tot_rss, t, ph)
        prof.tree_pss.see(tot_pss, t, ph)
        c = _coarse(ph)
        prof.phase_tree_rss[c] = max(prof.phase_tree_rss.get(c, 0.0), tot_rss)
        prof.max_workers = max(prof.max_workers, len(kids))
        prof.samples += 1
        if t - last_line >= timeline_every:
            prof.timeline.append((round(t, 1), ph, round(tot_rss), round(tot_pss), len(kids), round(role_rss["main"]),
                                  round(role_rss["worker"])))
            last_line = t
        time.sleep(interval)
    reader.join(timeout=10)
    phase.join()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if proc.returncode != 0:
        print(f"  ! {' '.join(cmd[:4])} ... exited {proc.returncode}: {phase.tail[-1:]}", flush=True)
    return wall, cpu, "".join(out_parts), prof, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between samples")
    ap.add_argument("--json", type=Path, default=None, help="also write the profile (and its timeline) here")
    ap.add_argument("--timeline", action="store_true", help="print the timeline (one line per ~10 s)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER, help="the command, after --")
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command given (put it after --)")
    wall, cpu, _out, prof, code = run_sampled(cmd, interval=a.interval)
    if a.timeline:
        for t, ph, rss, pss, n, main_rss, worker_rss in prof.timeline:
            print(f"  {t:>7.1f} s  {ph:<16} tree RSS {rss:>6} MB  PSS {pss:>6} MB  {n} children, "
                  f"main {main_rss:>5} MB, largest child {worker_rss:>5} MB")
    print(f"{wall:.1f} s wall, {cpu:.1f} s CPU, exit {code}")
    print("\n".join(prof.lines()))
    if a.json:
        a.json.write_text(json.dumps({"wall": wall, "cpu": cpu, **asdict(prof)}, indent=1), encoding="utf-8")
    sys.exit(code)


if __name__ == "__main__":
    main()
