"""Command line.

    python -m helpers export CORPUS_DIR OUT_DIR [--model M]   tables of CODEBOOK.md section 7
    python -m helpers report CORPUS_DIR [--out DIR]           every notebook rendered to HTML
    python -m helpers score EXPORT_DIR GOLD.jsonl             the reference scorer
    python -m helpers train [--folds 5 --repeats 3 --seed 0]  retrain the stance and frame models and their card
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from .nlp import DEFAULT_MODEL


def _export(args: argparse.Namespace) -> int:
    from .export import ExportError, export_corpus
    from .pipeline import build_corpus

    start = time.perf_counter()
    corpus_dir = Path(args.corpus_dir)
    if not corpus_dir.is_dir():
        print(f"error: corpus folder not found: {corpus_dir}", file=sys.stderr)
        return 2
    corpus = build_corpus(corpus_dir, model=args.model, cache_dir=args.cache_dir)
    if not corpus.docs:
        print(corpus.summary(), file=sys.stderr)
        print(f"error: no article could be read in {corpus_dir}", file=sys.stderr)
        return 1
    status = 0
    try:
        written = export_corpus(corpus, args.out_dir, parquet=args.parquet)
    except ExportError as exc:
        written = exc.written
        for name, reason in exc.failures.items():
            print(f"error: table {name} not written: {reason}", file=sys.stderr)
        status = 1
    print(corpus.summary())
    counts = ", ".join(f"{name} {_rows(path)}" for name, path in written.items())
    print(f"wrote {args.out_dir}: {counts}")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return status


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8") as f:
        import csv

        return max(0, sum(1 for _ in csv.reader(f)) - 1)


def _report(args: argparse.Namespace) -> int:
    from .report import run_report

    try:
        result = run_report(args.corpus_dir, model=args.model, out_dir=args.out, cache_dir=args.cache_dir)
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    failed = [r.name for r in result.runs if not r.ok]
    if failed:
        print(f"error: notebooks failed: {', '.join(failed)} (see their HTML pages)", file=sys.stderr)
        return 1
    return 0


def _score(args: argparse.Namespace) -> int:
    from . import gold_score

    sys.argv = ["score", str(args.export_dir), str(args.gold)] + (["--json", str(args.json)] if args.json else [])
    gold_score.main()
    return 0


def _train(args: argparse.Namespace) -> int:
    from .learning.train import main as train_main

    return train_main(["--out", args.out, "--folds", str(args.folds), "--repeats", str(args.repeats),
                       "--seed", str(args.seed), "--model", args.model]
                      + (["--no-final-test"] if args.no_final_test else []))


def _detector_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--detector", choices=["learned", "rules"], default=None,
                   help="stance and frame detector: the trained model (default when shipped) or the rules alone")


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="helpers", description="Open-source AI media corpus tools")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="load, clean, parse and annotate a corpus folder; write CSV tables")
    ex.add_argument("corpus_dir")
    ex.add_argument("out_dir")
    ex.add_argument("--model", default=DEFAULT_MODEL, help=f"spaCy pipeline (default {DEFAULT_MODEL})")
    ex.add_argument("--cache-dir", default=None, help="parse cache folder (default data/processed/parses)")
    ex.add_argument("--parquet", action="store_true", help="also write Parquet copies of the tables")
    _detector_option(ex)
    ex.set_defaults(func=_export)
    rp = sub.add_parser("report", help="run every notebook on a corpus and render HTML under reports/<corpus name>")
    rp.add_argument("corpus_dir")
    rp.add_argument("--model", default=DEFAULT_MODEL)
    rp.add_argument("--out", default=None, help="output folder (default reports/<corpus folder name>)")
    rp.add_argument("--cache-dir", default=None)
    _detector_option(rp)
    rp.set_defaults(func=_report)
    sc = sub.add_parser("score", help="score an export against a gold file (same as shared/eval/score.py)")
    sc.add_argument("export_dir")
    sc.add_argument("gold")
    sc.add_argument("--json", default=None)
    sc.set_defaults(func=_score)
    from .learning.train import MODELS_DIR

    tr = sub.add_parser("train", help="retrain the stance and frame models from the gold; write model and model card")
    tr.add_argument("--out", default=str(MODELS_DIR), help="output folder (default: the shipped models folder)")
    tr.add_argument("--folds", type=int, default=5)
    tr.add_argument("--repeats", type=int, default=3)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--model", default=DEFAULT_MODEL)
    tr.add_argument("--no-final-test", action="store_true",
                    help="do not score the final_test split (development runs; it is scored once, last)")
    tr.set_defaults(func=_train)
    args = parser.parse_args(argv)
    if getattr(args, "detector", None):
        from .learning.shipped import set_default_detector

        set_default_detector(args.detector)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
