"""One place for the project's paths (cookiecutter-data-science style): no '../data' strings elsewhere."""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    """The project root: $HELPERS_PROJECT_ROOT, else the nearest parent with pyproject.toml and data/."""
    env = os.environ.get("HELPERS_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve()):
        for parent in (start, *start.parents):
            if (parent / "pyproject.toml").exists() and (parent / "data").is_dir():
                return parent
    return Path.cwd()


PROJECT_ROOT: Path = _find_root()
DATA_DIR: Path = PROJECT_ROOT / "data"
RAW_DIR: Path = DATA_DIR / "raw"
LEXICONS_DIR: Path = DATA_DIR / "lexicons"
ANNOTATIONS_DIR: Path = DATA_DIR / "annotations"
PROCESSED_DIR: Path = DATA_DIR / "processed"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
GOLD_FILE: Path = ANNOTATIONS_DIR / "seeds.jsonl"


def lexicon(name: str) -> Path:
    """Path of a lexicon file in data/lexicons/ (raises FileNotFoundError naming the file if absent)."""
    path = LEXICONS_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"lexicon not found: {path}")
    return path


def parse_cache_dir() -> Path:
    """Where parsed documents are cached ($HELPERS_CACHE_DIR overrides data/processed/parses)."""
    env = os.environ.get("HELPERS_CACHE_DIR")
    return Path(env) if env else PROCESSED_DIR / "parses"
