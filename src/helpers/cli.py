"""Command line.

    python -m helpers export CORPUS_DIR OUT_DIR [--model M]   tables of CODEBOOK.md section 7
    python -m helpers report CORPUS_DIR [--out DIR]           every notebook rendered to HTML
    python -m helpers score EXPORT_DIR GOLD.jsonl             the reference scorer
    python -m helpers export-iramuteq CORPUS_DIR OUT.txt      cleaned texts as an IRaMuTeQ corpus
    python -m helpers sample CORPUS_DIR OUT.csv [--n 200] [--seed 1] [--by source|month] [--blind]
                                                              sentences to hand-code (helpers.coding)
    python -m helpers validate CORPUS_DIR CODED.csv [--json OUT.json] [--second CODED2.csv]
                                                              scores and corrected shares from a coded sample
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
    corpus = build_corpus(corpus_dir, model=args.model, cache_dir=args.cache_dir, scheduler=args.scheduler,
                          relevance=args.relevance)
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
    """Data rows of a CSV this program wrote (fields of any length: a 3 MB article is one field)."""
    import csv

    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as f:
        return max(0, sum(1 for _ in csv.reader(f)) - 1)


def _report(args: argparse.Namespace) -> int:
    import os

    from .report import run_report

    if args.scheduler:  # build_corpus (here and in every notebook) reads it
        os.environ["DASK_SCHEDULER"] = args.scheduler
    if args.relevance:  # likewise: how articles are judged on topic, in every notebook
        os.environ["HELPERS_RELEVANCE"] = args.relevance
    try:
        result = run_report(args.corpus_dir, model=args.model, out_dir=args.out, cache_dir=args.cache_dir,
                            coding_file=args.coding_file, second_coding_file=args.second_coding_file,
                            force=args.force, jobs=args.jobs,
                            detector=getattr(args, "detector", None))
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


def _export_iramuteq(args: argparse.Namespace) -> int:
    from .formats.iramuteq import write_iramuteq
    from .pipeline import prepare

    corpus_dir = Path(args.corpus_dir)
    if not corpus_dir.is_dir():
        print(f"error: corpus folder not found: {corpus_dir}", file=sys.stderr)
        return 2
    prepared, problems, duplicates, _ = prepare(corpus_dir)  # load and clean only: no parsing needed
    dup = {d.doc_id for d in duplicates}
    items = [({"doc_id": d, "source": p.article.source, "date": p.article.date, "lang": p.article.lang},
              p.cleaned.text) for d, p in prepared.items() if d not in dup]
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    if not items:
        print(f"error: no article could be read in {corpus_dir}", file=sys.stderr)
        return 1
    try:
        n = write_iramuteq(items, args.out)
    except OSError as exc:
        print(f"error: cannot write {args.out} ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {n} texts ({len(dup)} duplicates left out), variables *doc_ *source_ *date_ *am_ "
          "*annee_ *lang_")
    return 0


def _load_corpus(args: argparse.Namespace):
    from .pipeline import build_corpus

    corpus_dir = Path(args.corpus_dir)
    if not corpus_dir.is_dir():
        print(f"error: corpus folder not found: {corpus_dir}", file=sys.stderr)
        return None
    corpus = build_corpus(corpus_dir, model=args.model, cache_dir=args.cache_dir)
    if not corpus.docs:
        print(corpus.summary(), file=sys.stderr)
        print(f"error: no article could be read in {corpus_dir}", file=sys.stderr)
        return None
    return corpus


def _sample(args: argparse.Namespace) -> int:
    from .coding import draw_sample, machine_table, write_coding_file

    out = Path(args.out_csv)
    if out.exists() and not args.force:
        print(f"error: {out} exists (it may hold codes): choose another name or pass --force", file=sys.stderr)
        return 2
    corpus = _load_corpus(args)
    if corpus is None:
        return 1
    table = machine_table(corpus)
    sample = draw_sample(table, n=args.n, seed=args.seed, by=args.by, blind=args.blind)
    write_coding_file(sample, out)
    note = f" (the corpus has only {len(table)} sentences: all are in the sample)" if args.n > len(table) else ""
    design = f"stratified by {args.by}, {sample['stratum'].nunique()} strata" if args.by else "uniform"
    print(f"wrote {out}: {len(sample)} sentences of {len(table)}, {design}, seed {args.seed}"
          f"{', machine labels hidden' if args.blind else ''}{note}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    import json

    from .coding import CodingFileError, validate_coding
    from .coding.prevalence import prevalence_frame

    for path in (args.coded_csv, args.second):
        if path and not Path(path).is_file():
            print(f"error: {path}: coding file not found", file=sys.stderr)
            return 1
    corpus = _load_corpus(args)
    if corpus is None:
        return 1
    try:
        report = validate_coding(corpus, args.coded_csv, second=args.second)
    except CodingFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for p in report.problems:
        print(f"warning: {p} (row left out)", file=sys.stderr)
    sc = report.scores
    print(f"{sc.n_coded} coded sentences ({report.prevalence['design']} sample) of {len(report.table)} "
          f"in corpus {corpus.name}")
    print(f"stance macro-F1 (pro, con): {sc.macro_f1[0]:.3f} (95% bootstrap {sc.macro_f1[1]:.3f}-{sc.macro_f1[2]:.3f})")
    print(sc.stance[["precision", "recall", "f1", "f1_lo", "f1_hi", "support"]].round(3).to_string())
    print("confusion (rows coder, columns machine):")
    print(sc.confusion.to_string())
    shares = prevalence_frame(report.prevalence)
    whole = shares[shares["group"] == "corpus"]
    print("shares (machine -> corrected [95% CI]):")
    for r in whole.itertuples():
        print(f"  {r.label:<13} {r.machine:6.1%} -> {r.corrected:6.1%} [{r.lo:.1%}, {r.hi:.1%}]")
    if report.prevalence.get("too_few_coded"):
        for g, vals in report.prevalence["too_few_coded"].items():
            print(f"  per {g}: no interval for {', '.join(f'{v} ({n} coded)' for v, n in vals.items())}: "
                  "fewer than 2 coded sentences", file=sys.stderr)
    for stratum, size in report.prevalence.get("uncovered_strata", {}).items():
        print(f"warning: stratum {stratum} ({size} sentences) has no coded sentence: the corrected shares "
              "describe the other strata only", file=sys.stderr)
    if report.agreement is not None:
        a = report.agreement
        print(f"agreement on {a.n_both} sentences coded twice: stance kappa {a.stance['cohen_kappa']:.3f}, "
              f"Krippendorff alpha {a.stance['krippendorff_alpha']:.3f}; {len(a.disagreements)} to adjudicate")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"wrote {args.json}")
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
    ex.add_argument("--scheduler", default=None,
                    help="address of a dask.distributed scheduler (tcp://host:8786) to parse and annotate on a "
                         "cluster (default $DASK_SCHEDULER; none: worker processes on this machine)")
    _detector_option(ex)
    ex.add_argument("--relevance", default="model", choices=["model", "rules", "all"],
                    help="how articles are judged on topic (helpers.relevance): the learned model (default), "
                         "the rules, or all on topic (no gating); a relevance column in metadata.csv overrides")
    ex.set_defaults(func=_export)
    rp = sub.add_parser("report", help="run every notebook on a corpus and render HTML under reports/<corpus name>")
    rp.add_argument("corpus_dir")
    rp.add_argument("--model", default=DEFAULT_MODEL)
    rp.add_argument("--out", default=None, help="output folder (default reports/<corpus folder name>)")
    rp.add_argument("--cache-dir", default=None)
    rp.add_argument("--coding-file", default=None, help="a hand-coded sample of the corpus: corrected shares")
    rp.add_argument("--second-coding-file", default=None, help="a second coder's file of the same sample")
    rp.add_argument("--scheduler", default=None, help="dask.distributed scheduler address (see export --scheduler)")
    rp.add_argument("--relevance", default=None, choices=["model", "rules", "all"],
                    help="how articles are judged on topic in every notebook (see export --relevance; default model)")
    rp.add_argument("--force", action="store_true",
                    help="run every notebook, even those whose inputs are unchanged since their last pages")
    rp.add_argument("--jobs", type=int, default=None,
                    help="notebooks run at once (default: $HELPERS_REPORT_JOBS, else the CPUs, at most 2)")
    _detector_option(rp)
    rp.set_defaults(func=_report)
    sc = sub.add_parser("score", help="score an export against a gold file (same as shared/eval/score.py)")
    sc.add_argument("export_dir")
    sc.add_argument("gold")
    sc.add_argument("--json", default=None)
    sc.set_defaults(func=_score)
    ir = sub.add_parser("export-iramuteq", help="write the cleaned texts of a corpus as an IRaMuTeQ corpus file")
    ir.add_argument("corpus_dir")
    ir.add_argument("out")
    ir.set_defaults(func=_export_iramuteq)
    sp = sub.add_parser("sample", help="draw a random sample of body sentences to hand-code (CSV, UTF-8 with BOM)")
    sp.add_argument("corpus_dir")
    sp.add_argument("out_csv")
    sp.add_argument("--n", type=int, default=200, help="sentences to draw (default 200)")
    sp.add_argument("--seed", type=int, default=1, help="random seed (default 1): the same seed draws the same sample")
    sp.add_argument("--by", choices=["source", "month"], default=None, help="stratify by source or by month")
    sp.add_argument("--blind", action="store_true", help="leave the machine's columns empty for the coders")
    sp.add_argument("--force", action="store_true", help="overwrite OUT.csv if it exists")
    sp.add_argument("--model", default=DEFAULT_MODEL)
    sp.add_argument("--cache-dir", default=None)
    sp.set_defaults(func=_sample)
    va = sub.add_parser("validate", help="score the machine on a coded sample and correct every share (PPI)")
    va.add_argument("corpus_dir")
    va.add_argument("coded_csv")
    va.add_argument("--json", default=None, help="write the scores and corrected shares as JSON")
    va.add_argument("--second", default=None, help="a second coder's file of the same sample: agreement")
    va.add_argument("--model", default=DEFAULT_MODEL)
    va.add_argument("--cache-dir", default=None)
    _detector_option(sp)
    _detector_option(va)
    va.set_defaults(func=_validate)
    MODELS_DIR = Path(__file__).resolve().parent / "models"  # = learning.train.MODELS_DIR, without importing sklearn

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
