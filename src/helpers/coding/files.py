"""The coding file: a CSV that a coder fills in, one row per sampled sentence.

Columns, in this order (UTF-8 with a byte-order mark, so that a spreadsheet opens it with the
accents intact):

    doc_id, sent_id, context_before, text, context_after, predicted_stance, predicted_frames,
    stance, frames, coder, note

followed, for a stratified sample, by `stratum` and `weight` (the number of corpus sentences each
coded sentence of its stratum stands for). `stance` is one of pro, con, none; `frames` holds
semicolon-separated frame codes of CODEBOOK.md section 3 (empty: no frame). A row is coded when
its `stance` is filled in.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first sentence row 2.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..framing import FRAMES

COLUMNS: list[str] = ["doc_id", "sent_id", "context_before", "text", "context_after", "predicted_stance",
                      "predicted_frames", "stance", "frames", "coder", "note"]
MACHINE_COLUMNS: list[str] = ["predicted_stance", "predicted_frames"]
DESIGN_COLUMNS: list[str] = ["stratum", "weight"]
STANCE_CODES: tuple[str, ...] = ("pro", "con", "none")
FRAME_CODES: tuple[str, ...] = tuple(FRAMES)
ENCODING = "utf-8-sig"


class CodingFileError(ValueError):
    """A coding file that cannot be used at all (missing, unreadable, required columns absent)."""


@dataclass
class RowProblem:
    """One row of a coding file that cannot be used, and why."""

    path: str
    row: int
    doc_id: str
    sent_id: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f" ({self.doc_id} #{self.sent_id})" if self.doc_id else "")
        return f"{self.path}: {where}: {self.reason}"


@dataclass
class Coding:
    """A coding file read and checked: the usable coded rows, every row, and the problems found."""

    path: Path
    rows: pd.DataFrame  # every row as read (strings), with `row` (spreadsheet row number)
    coded: pd.DataFrame  # usable coded rows: doc_id, sent_id (int), stance, frames (list), coder, row, ...
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def stratified(self) -> bool:
        """True when the file carries a stratified design (stratum and weight columns)."""
        return all(c in self.rows.columns for c in DESIGN_COLUMNS)

    @property
    def n_coded(self) -> int:
        return len(self.coded)


def split_frames(value: object) -> list[str]:
    """Frame codes from a cell: 'economy; competition' -> ['economy', 'competition'] (lower-cased, in order)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return list(dict.fromkeys(p.strip().lower() for p in re.split(r"[;,]", str(value)) if p.strip()))


def join_frames(frames: list[str] | tuple[str, ...]) -> str:
    """Frame codes as a cell value, in codebook order."""
    return "; ".join(f for f in FRAME_CODES if f in set(frames))


def _atomic_csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".csv.tmp")
    os.close(fd)
    try:
        df.to_csv(tmp, index=False, encoding=ENCODING)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write any table for coders (disagreements to adjudicate ...): atomic, UTF-8 with BOM, no index."""
    return _atomic_csv(df, Path(path))


def write_coding_file(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a coding table atomically (temporary file then rename), UTF-8 with BOM, required columns first."""
    path = Path(path)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise CodingFileError(f"{path}: cannot write a coding file without columns {', '.join(missing)}")
    extra = [c for c in df.columns if c not in COLUMNS and c != "row"]
    return _atomic_csv(df[COLUMNS + extra], path)


def read_rows(path: str | Path) -> pd.DataFrame:
    """Every row of a coding file as strings (empty cells are ''), with `row`, the spreadsheet row number."""
    path = Path(path)
    if not path.is_file():
        raise CodingFileError(f"{path}: coding file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=ENCODING)
    except UnicodeDecodeError:
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
        except Exception as exc:  # noqa: BLE001
            raise CodingFileError(f"{path}: not readable as CSV ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - pandas raises several kinds for a malformed CSV
        raise CodingFileError(f"{path}: not readable as CSV ({type(exc).__name__}: {exc})") from exc
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    missing = [c for c in ("doc_id", "sent_id", "stance", "frames") if c not in df.columns]
    if missing:
        raise CodingFileError(f"{path}: required column(s) missing: {', '.join(missing)} "
                              f"(a coding file has the columns {', '.join(COLUMNS)})")
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df["row"] = range(2, len(df) + 2)
    return df


def read_coding(path: str | Path, sentences: pd.DataFrame | None = None) -> Coding:
    """Read a coding file and check every coded row; the rows with a problem are listed, not used.

    Checks: stance one of pro, con, none; every frame code in CODEBOOK.md section 3; frames only with a
    stance; sent_id an integer; no sentence coded twice; with `sentences` (the corpus's sentence
    table), the sentence exists in the corpus and its text is the one in the file; for a stratified
    file, a positive weight, the same in every row of a stratum.
    """
    path = Path(path)
    rows = read_rows(path)
    problems: list[RowProblem] = []
    texts: dict[tuple[str, int], str] = {}
    if sentences is not None and len(sentences):
        texts = {(d, int(s)): t for d, s, t in sentences[["doc_id", "sent_id", "text"]].itertuples(index=False)}
    stratified = all(c in rows.columns for c in DESIGN_COLUMNS)
    weight_of: dict[str, tuple[float, int]] = {}
    seen: dict[tuple[str, int], int] = {}
    keep = []
    for r in rows.to_dict("records"):
        doc_id, sid_raw, rown = r["doc_id"].strip(), r["sent_id"].strip(), r["row"]

        def bad(reason: str, r=r, doc_id=doc_id, sid_raw=sid_raw, rown=rown) -> None:
            problems.append(RowProblem(str(path), rown, doc_id, sid_raw, reason))

        stance = r["stance"].strip().lower()
        frames = split_frames(r["frames"])
        if not stance:
            if frames:
                bad(f"frames given ({r['frames']!r}) but no stance: code the stance too (pro, con or none)")
            continue  # not coded yet
        if stance not in STANCE_CODES:
            bad(f"unknown stance label {r['stance']!r} (expected one of {', '.join(STANCE_CODES)})")
            continue
        unknown = [f for f in frames if f not in FRAME_CODES]
        if unknown:
            bad(f"unknown frame code(s) {', '.join(repr(f) for f in unknown)} "
                f"(expected codes of CODEBOOK.md section 3: {', '.join(FRAME_CODES)})")
            continue
        if not doc_id:
            bad("doc_id is empty")
            continue
        try:
            sid = int(float(sid_raw))
        except ValueError:
            bad(f"sent_id {sid_raw!r} is not a number")
            continue
        if (doc_id, sid) in seen:
            bad(f"sentence coded twice (first in row {seen[(doc_id, sid)]})")
            continue
        seen[(doc_id, sid)] = rown
        if sentences is not None:
            if (doc_id, sid) not in texts:
                bad("sentence not in corpus (no such doc_id and sent_id: was the file drawn from another "
                    "corpus, or were the articles changed since?)")
                continue
            if r["text"].strip() and _norm(r["text"]) != _norm(texts[(doc_id, sid)]):
                bad(f"the text differs from the corpus sentence {doc_id} #{sid} ({texts[(doc_id, sid)][:60]!r}...): "
                    "the sentences were renumbered since the sample was drawn")
                continue
        w = None
        if stratified:
            stratum = r["stratum"].strip()
            try:
                w = float(r["weight"])
            except ValueError:
                w = float("nan")
            if not stratum or not w > 0:
                bad(f"stratified file: stratum {stratum!r} or weight {r['weight']!r} missing or not positive")
                continue
            first = weight_of.setdefault(stratum, (w, rown))
            if abs(first[0] - w) > 1e-6 * max(1.0, w):
                bad(f"weight {w:g} differs from the weight {first[0]:g} of the same stratum in row {first[1]}")
                continue
        keep.append({"doc_id": doc_id, "sent_id": sid, "stance": stance, "frames": frames,
                     "coder": r["coder"].strip(), "note": r["note"], "row": rown,
                     "stratum": r["stratum"].strip() if stratified else "", "weight": w})
    coded = pd.DataFrame(keep, columns=["doc_id", "sent_id", "stance", "frames", "coder", "note", "row",
                                        "stratum", "weight"])
    coded["sent_id"] = coded["sent_id"].astype(int)
    return Coding(path=path, rows=rows, coded=coded, problems=problems)


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def stratum_sizes(rows: pd.DataFrame) -> dict[str, float]:
    """Corpus sentences per stratum, from a stratified file: weight x rows of the stratum in the file."""
    if not all(c in rows.columns for c in DESIGN_COLUMNS):
        return {}
    out: dict[str, float] = {}
    for stratum, g in rows.groupby(rows["stratum"].astype(str).str.strip()):
        w = pd.to_numeric(g["weight"], errors="coerce").dropna()
        if stratum and len(w):
            out[stratum] = float(round(w.iloc[0] * len(g)))
    return out
