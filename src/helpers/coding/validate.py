"""One call from a corpus and a coding file to everything the coded sample tells: scores, corrected shares, agreement.

    r = validate_coding(corpus, "coding.csv", second="coding_b.csv")
    r.problems            # rows that could not be used, each naming the file and the row
    r.scores              # scores.CodingScores
    r.prevalence          # prevalence.corrected_prevalence(...) result
    r.agreement           # agreement.Agreement or None
    r.as_json()           # the JSON written by `python -m helpers validate ... --json`
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..display import md_escape
from . import agreement as agreement_mod
from . import prevalence as prevalence_mod
from . import scores as scores_mod
from .files import Coding, CodingFileError, RowProblem, read_coding
from .labels import machine_table
from .statements import no_coding_statement


@dataclass
class CodingReport:
    """What a coding file (and optionally a second coder's) says about the machine on this corpus."""

    coding: Coding
    table: pd.DataFrame
    scores: scores_mod.CodingScores
    prevalence: dict
    agreement: agreement_mod.Agreement | None = None
    second: Coding | None = None
    problems: list[RowProblem] = field(default_factory=list)

    def as_json(self) -> dict:
        out = prevalence_mod.to_json(self.prevalence)
        out["scores"] = self.scores.as_json()
        if self.agreement is not None:
            out["agreement"] = self.agreement.as_json()
        out["problems"] = [str(p) for p in self.problems]
        return out

    def shares(self) -> pd.DataFrame:
        """The corrected shares as a table (see prevalence.prevalence_frame)."""
        return prevalence_mod.prevalence_frame(self.prevalence)


def validate_coding(corpus, coding_file: str | Path, second: str | Path | None = None,
                    table: pd.DataFrame | None = None) -> CodingReport:
    """Read and check the coding file(s) against the corpus, score the machine, correct the shares.

    Raises CodingFileError (naming the file) when a file is missing or unreadable or has too few usable
    rows; rows with problems are left out and listed in `problems`.
    """
    table = machine_table(corpus) if table is None else table
    sentences = table[["doc_id", "sent_id", "text"]]
    coding = read_coding(coding_file, sentences)
    problems = list(coding.problems)
    if coding.n_coded < prevalence_mod.MIN_CODED:
        raise CodingFileError(f"{coding.path}: {coding.n_coded} usable coded sentence(s) "
                              f"(at least {prevalence_mod.MIN_CODED} needed)"
                              + (f"; {len(problems)} row(s) with problems, first: {problems[0]}" if problems else ""))
    sc = scores_mod.score_coding(table, coding)
    prev = prevalence_mod.corrected_prevalence(table, coding)
    agr, second_coding = None, None
    if second:
        second_coding = read_coding(second, sentences)
        problems += second_coding.problems
        agr = agreement_mod.agreement(coding, second_coding)
    return CodingReport(coding, table, sc, prev, agr, second_coding, problems)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def shares_markdown(report: CodingReport | None, kind: str, labels: list[str] | None = None) -> str:
    """Markdown: the corrected shares of `kind` ('stance' or 'frames') with intervals, or the plain statement."""
    if report is None:
        return f"*{no_coding_statement()[0].upper()}{no_coding_statement()[1:]}.*"
    block = report.prevalence[kind]
    names = labels or list(block)
    what = "sentences" if kind == "frames" else "sentences with stance"
    lines = [f"Corrected with **{report.prevalence['n_coded']}** hand-coded sentences "
             f"({report.prevalence['design']} sample, {md_escape(report.coding.path.name)}) by prediction-powered "
             "inference; 95% intervals:"]
    for lab in names:
        e = block[lab]
        lines.append(f"- {what} **{lab}**: {_pct(e.corrected)} ({_pct(e.lo)} to {_pct(e.hi)}); "
                     f"the machine alone says {_pct(e.machine)}")
    return "\n".join(lines)


def load_report(corpus, coding_file: str | Path | None, second: str | Path | None = None) -> tuple[CodingReport | None, str]:
    """(report or None, message) for notebooks: None with the reason when there is no usable coding file."""
    if not coding_file:
        return None, ""
    try:
        return validate_coding(corpus, coding_file, second), ""
    except CodingFileError as exc:
        return None, str(exc)
