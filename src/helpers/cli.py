"""Command line.

    python -m helpers export CORPUS_DIR OUT_DIR [--model M]   tables of CODEBOOK.md section 7
    python -m helpers report CORPUS_DIR [--out DIR]           every notebook rendered to HTML
    python -m helpers score EXPORT_DIR GOLD.jsonl             the reference scorer
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
    corpus = build_corpus(corpus_dir, model=args.model, cache_dir=args.cache_dir, relevance=args.relevance)
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
    ex.add_argument("--relevance", default="model", choices=["model", "rules", "all"],
                    help="how articles are judged on topic (helpers.relevance): the learned model (default), "
                         "the rules, or all on topic (no gating); a relevance column in metadata.csv overrides")
    ex.set_defaults(func=_export)
    rp = sub.add_parser("report", help="run every notebook on a corpus and render HTML under reports/<corpus name>")
    rp.add_argument("corpus_dir")
    rp.add_argument("--model", default=DEFAULT_MODEL)
    rp.add_argument("--out", default=None, help="output folder (default reports/<corpus folder name>)")
    rp.add_argument("--cache-dir", default=None)
    rp.set_defaults(func=_report)
    sc = sub.add_parser("score", help="score an export against a gold file (same as shared/eval/score.py)")
    sc.add_argument("export_dir")
    sc.add_argument("gold")
    sc.add_argument("--json", default=None)
    sc.set_defaults(func=_score)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
