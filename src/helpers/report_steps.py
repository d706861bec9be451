"""Report steps that declare their inputs (in the spirit of spaCy projects): a notebook whose inputs
are unchanged since its last rendered page is not executed again.

A step's inputs are, each as a hash:
    notebook     the notebook file
    parameters   the papermill parameters (corpus folder, model, output folder, coding files) and
                 the content of every file they name (a coding file edited in place counts)
    corpus       the corpus's stored tables: their manifest (each article's content key, model and
                 annotation version, so a changed lexicon or trained model counts) and documents.parquet
                 (metadata, relevance labels)
    code         the helpers package (every file under src/helpers: modules, templates, model cards)
                 and requirements.lock
    data         data/lexicons and data/annotations (events, term lists, gold the notebooks read)
    env          the HELPERS_* variables that change what the notebooks compute

After a successful run the record <out>/steps/<notebook>.json keeps the inputs, the run time, the
kernel's CPU time and peak RSS and the pages written. The next report compares: same inputs and the
pages still there -> "up to date", the old pages are kept; otherwise the record says which inputs
changed and the notebook runs. `force=True` (`helpers report --force`) runs every notebook.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import paths

STEPS_DIR = "steps"
ENV_INPUTS = ("HELPERS_RELEVANCE", "HELPERS_OFFTOPIC_DIR", "HELPERS_PROJECT_ROOT")
PACKAGE_DIR = Path(__file__).resolve().parent
_SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}


def file_hash(path: str | Path) -> str:
    """sha256 of a file's bytes (16 hex digits), or 'absent'."""
    p = Path(path)
    try:
        return hashlib.sha256(p.read_bytes()).hexdigest()[:16]
    except OSError:
        return "absent"


def tree_hash(folders: Iterable[Path]) -> str:
    """sha256 over every file under the folders (relative path and bytes), caches left out."""
    h = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            h.update(f"{folder.name}:absent\0".encode())
            continue
        for f in sorted(p for p in folder.rglob("*") if p.is_file() and not _SKIP_PARTS & set(p.parts)
                        and p.suffix != ".pyc"):
            h.update(str(f.relative_to(folder)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_version() -> str:
    """The helpers package (every file under src/helpers) and the pinned environment."""
    return tree_hash([PACKAGE_DIR]) + file_hash(paths.PROJECT_ROOT / "requirements.lock")


def data_version() -> str:
    """data/lexicons and data/annotations (what the notebooks read besides the corpus)."""
    return tree_hash([paths.LEXICONS_DIR, paths.ANNOTATIONS_DIR])


def corpus_version(tables_dir: str | Path | None) -> str:
    """The corpus's stored tables: manifest.json and documents.parquet."""
    if tables_dir is None:
        return "no stored tables"
    folder = Path(tables_dir)
    return file_hash(folder / "manifest.json") + file_hash(folder / "documents.parquet")


def params_version(params: Mapping[str, Any]) -> str:
    """The parameters and the content of the files they name (coding files)."""
    h = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode())
    for k in sorted(params):
        v = params[k]
        if k.endswith("_file") and v:
            h.update(f"{k}:{file_hash(v)}".encode())
    return h.hexdigest()[:16]


@dataclass
class StepInputs:
    """What a notebook's pages are computed from, each part as a hash."""

    parts: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.parts, sort_keys=True).encode()).hexdigest()[:20]


def notebook_inputs(nb: Path, params: Mapping[str, Any], tables_dir: str | Path | None,
                    env: Mapping[str, str] | None = None) -> StepInputs:
    """The declared inputs of one notebook step (see the module docstring)."""
    env = os.environ if env is None else env
    return StepInputs(parts={
        "notebook": file_hash(nb),
        "parameters": params_version(params),
        "corpus": corpus_version(tables_dir),
        "code": code_version(),
        "data": data_version(),
        "env": hashlib.sha256(json.dumps({k: env.get(k, "") for k in ENV_INPUTS}).encode()).hexdigest()[:16],
    })


def step_path(out_dir: Path, name: str) -> Path:
    return Path(out_dir) / STEPS_DIR / f"{name}.json"


def read_step(out_dir: Path, name: str) -> dict | None:
    """The record of the notebook's last successful run, or None (absent or unreadable)."""
    try:
        rec = json.loads(step_path(out_dir, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return rec if isinstance(rec, dict) and isinstance(rec.get("inputs"), dict) else None


def write_step(out_dir: Path, name: str, inputs: StepInputs, **info: Any) -> Path:
    """Record a successful run (written to a temporary name, then renamed)."""
    path = step_path(out_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    rec = {"name": name, "key": inputs.key, "inputs": inputs.parts, "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
           **info}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(rec, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def forget_step(out_dir: Path, name: str) -> None:
    """Drop the record (a failed run must run again next time)."""
    step_path(out_dir, name).unlink(missing_ok=True)


def changed_inputs(record: dict | None, inputs: StepInputs) -> list[str]:
    """Names of the inputs that differ from the record (['never run'] without one)."""
    if record is None:
        return ["never run"]
    old = record.get("inputs", {})
    return [k for k, v in inputs.parts.items() if old.get(k) != v] + [k for k in old if k not in inputs.parts]


def up_to_date(out_dir: Path, name: str, inputs: StepInputs, pages: Iterable[str]) -> tuple[bool, str]:
    """(True, when it last ran) if the recorded inputs equal these and every page is still there;
    else (False, why it runs)."""
    rec = read_step(out_dir, name)
    changed = changed_inputs(rec, inputs)
    if changed:
        return False, ("first run" if changed == ["never run"] else "changed: " + ", ".join(changed))
    missing = [p for p in (*pages, *rec.get("figures", [])) if not (Path(out_dir) / p).exists()]
    if missing:
        return False, f"{len(missing)} output(s) missing ({missing[0]} ...)"
    return True, str(rec.get("finished", ""))
