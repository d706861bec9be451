"""Scaling of the cold export against bare spaCy: throughput and peak memory at 1,000, 3,000, 10,000 articles.

    nice -n 10 python benchmarks/bench_scale.py [--corpus ../shared/press] [--sizes 1000 3000 10000]
                                                [--bare-sizes 1000 3000 10000] [--model fr_core_news_md]
                                                [--json results.json] [--worktree] [--interval 0.5]

For each size N, in the same run and on the same texts:
- bare: `nlp.pipe` of the model with n_process=2 over the cleaned, de-duplicated French texts
  (benchmarks/bench_store.py's BARE child; only at --bare-sizes);
- export cold: `python -m helpers export` with an empty cache and store.
Each step runs in a child process; printed: wall and CPU seconds (user + system of the whole process
tree, resource.getrusage of the children), words per second of each, the CPU ratio to bare, the peak
RSS of the process tree, and how each grows from one size to the next (exponent b of time ~ words^b).
The export is sampled by memprofile.run_sampled (every --interval s): peak RSS and PSS of the tree and of
its largest main and worker process, with the phase (prepare, parse i/N, after parse) each happened in.

Sizes up to the corpus's size take its first N files (symbolic links, nothing copied). Larger sizes
repeat the corpus: copy k of an article gets its own URL and every 15th word swapped with the next
(offset by k; from k = 15 on, every 16th ...), so that no copy is an exact or near duplicate of another
(Jaccard of word 5-grams far below the 0.8 threshold) while its words, length and language stay those of real press text. The
copies are written to a temporary folder outside the project and deleted at the end.
The code measured is a snapshot of the committed HEAD (`git archive`, into the same temporary folder),
so that editing the worktree during a long run does not change what is measured (--worktree: use it as is).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_store as B  # noqa: E402
import memprofile  # noqa: E402

SWAP_EVERY = 15
_PIECES = re.compile(r"(\s+)")


def changed_copy(text: str, k: int) -> str:
    """Copy k (k >= 1) of an article's file text: URL made unique, every 15th word swapped with the next."""
    head, sep, body = text.partition("\n\n")
    if not sep:
        head, body = "", text
    lines = head.splitlines()
    if any(x.startswith("URL:") for x in lines):
        lines = [f"{x}#copie-{k}" if x.startswith("URL:") else x for x in lines]
    pieces = _PIECES.split(body)
    words = [i for i, p in enumerate(pieces) if p and not p.isspace()]
    stride = SWAP_EVERY + k // SWAP_EVERY  # copies 15 apart get another stride, so they differ too
    for j in range(k % SWAP_EVERY, len(words) - 1, stride):
        a, b = words[j], words[j + 1]
        pieces[a], pieces[b] = pieces[b], pieces[a]
    return ("\n".join(lines) + "\n\n" if sep else "") + "".join(pieces)


def build_corpus_of(source: Path, dest: Path, n: int) -> int:
    """A corpus folder of n articles: the first n files of source (links), or all and changed copies."""
    files = sorted(p for p in source.resolve().rglob("*") if p.is_file() and not p.name.startswith(".")
                   and p.name.lower() != "readme.md" and p.suffix == ".txt")
    if n <= len(files):
        return B.link_corpus(source, dest, n)
    if not files:
        raise SystemExit(f"{source}: no .txt article files (give --corpus)")
    B.link_corpus(source, dest, None)
    made, k = len(files), 0
    while made < n:
        k += 1
        for f in files:
            if made >= n:
                break
            out = dest / f"copie{k:02d}" / f.relative_to(source.resolve())
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(changed_copy(f.read_text(encoding="utf-8"), k), encoding="utf-8")
            made += 1
    return made


def snapshot(dest: Path) -> str:
    """Extract the committed HEAD of the project into dest; returns its commit hash."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=B.ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    data = subprocess.run(["git", "archive", "--format=tar", commit], cwd=B.ROOT, capture_output=True,
                          check=True).stdout
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return commit


def growth(prev: dict, cur: dict, key: str) -> str:
    """Exponent b of key ~ words^b between two sizes."""
    try:
        return f"{math.log(cur[key] / prev[key]) / math.log(cur['words'] / prev['words']):.2f}"
    except (KeyError, ValueError, ZeroDivisionError, TypeError):
        return ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=B.PRESS)
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 3000, 10000])
    ap.add_argument("--bare-sizes", type=int, nargs="*", default=None, help="sizes with a bare run (default: all)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    ap.add_argument("--worktree", action="store_true", help="measure the worktree as is, not a snapshot of HEAD")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between memory samples of the export")
    a = ap.parse_args()
    bare_sizes = set(a.sizes if a.bare_sizes is None else a.bare_sizes)
    py = sys.executable
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    results: list[dict] = []
    try:
        code, what = B.ROOT, "the worktree"
        if not a.worktree:
            code = work / "code"
            what = f"commit {snapshot(code)}"
        env = {**os.environ, "PYTHONPATH": str(code / "src"), "HELPERS_STORE_DIR": "", "HELPERS_CACHE_DIR": "",
               "HELPERS_PROJECT_ROOT": str(code)}
        env = {k: v for k, v in env.items() if v != ""}
        print(f"corpus: {a.corpus}, model {a.model}, {os.cpu_count()} CPUs; code: {what}; work folder {work}",
              flush=True)
        for n in a.sizes:
            corpus = work / f"corpus_{n}"
            got = build_corpus_of(a.corpus, corpus, n)
            row: dict = {"articles": got}
            rows: list = []
            if n in bare_sizes:
                wall, rss, out = B.run([py, "-c", B.BARE, str(corpus), a.model, "2"], env, code)
                info = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
                B.note(rows, f"{got} files: bare nlp.pipe, n_process=2", info.get("seconds", float("nan")), rss,
                       f"{info.get('docs', '?')} docs, {info.get('words', '?')} words")
                row.update(bare_pipe_wall=info.get("seconds"), bare_cpu=B.CPU[-1], bare_rss_mb=rss,
                           docs=info.get("docs"), words=info.get("words"))
            cache = work / f"cache_{n}"
            wall, cpu, out, prof, _ = memprofile.run_sampled(
                [py, "-m", "helpers", "export", str(corpus), str(work / f"out_{n}"), "--model", a.model,
                 "--cache-dir", str(cache)], env, code, interval=a.interval)
            B.CPU.append(cpu)
            rss = prof.tree_rss.mb
            B.note(rows, f"{got} files: export cold", wall, rss, B.parse_line(out))
            print("\n".join("    " + x for x in prof.lines()), flush=True)
            row.update(export_wall=wall, export_cpu=cpu, export_rss_mb=rss, export_pss_mb=prof.tree_pss.mb,
                       export_roles={r: {k: vars(v) for k, v in p.items()} for r, p in prof.roles.items()},
                       export_phase_rss_mb=prof.phase_tree_rss, export_timeline=prof.timeline)
            if row.get("words") is None:  # no bare run: count the words of the exported sentences
                import pandas as pd

                sents = pd.read_csv(work / f"out_{n}" / "sentences.csv", usecols=["text"])
                row["words"] = int(sents["text"].fillna("").str.split().str.len().sum())
            results.append(row)
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(work / f"out_{n}", ignore_errors=True)
            shutil.rmtree(corpus, ignore_errors=True)
            if a.json:
                a.json.write_text(json.dumps(results, indent=1), encoding="utf-8")

        print(f"\n{'articles':>8} {'words':>10} | {'bare CPU s':>10} {'w/s CPU':>8} {'bare wall':>9} {'RSS MB':>7} | "
              f"{'export CPU':>10} {'w/s CPU':>8} {'wall s':>7} {'w/s wall':>8} {'RSS MB':>7} | {'x bare CPU':>10}")
        for r in results:
            w = r["words"]
            bare = (f"{r['bare_cpu']:>10.1f} {w / r['bare_cpu']:>8.0f} {r['bare_pipe_wall']:>9.1f} "
                    f"{r['bare_rss_mb']:>7.0f}") if "bare_cpu" in r else f"{'':>10} {'':>8} {'':>9} {'':>7}"
            ratio = f"{r['export_cpu'] / r['bare_cpu']:>10.2f}" if "bare_cpu" in r else ""
            print(f"{r['articles']:>8} {w:>10} | {bare} | {r['export_cpu']:>10.1f} {w / r['export_cpu']:>8.0f} "
                  f"{r['export_wall']:>7.1f} {w / r['export_wall']:>8.0f} {r['export_rss_mb']:>7.0f} | {ratio}")
        print("\ngrowth between sizes (b in cost ~ words^b; 1.00 = linear):")
        for prev, cur in zip(results, results[1:], strict=False):
            print(f"  {prev['articles']} -> {cur['articles']} articles ({cur['words'] / prev['words']:.2f}x words): "
                  f"export CPU b={growth(prev, cur, 'export_cpu')}, wall b={growth(prev, cur, 'export_wall')}, "
                  f"peak RSS b={growth(prev, cur, 'export_rss_mb')}; bare CPU b={growth(prev, cur, 'bare_cpu')}")
        print("(bare CPU: the whole child, loading and cleaning included, as in bench_store.py; "
              "bare wall: the timed nlp.pipe call)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
