"""The exported tables of the fixture corpus are byte-identical to the ones main's code wrote.

Speed work on annotation (store, tables, the rule detectors) must not change a single row: the digest of
each exported CSV is stored in tests/fixtures/export_digest.json. When the annotations are meant to change
(a lexicon, a trained model, a detector's rules), regenerate it and commit it with the change:

    HELPERS_UPDATE_DIGEST=1 PYTHONPATH=$PWD/src .venv/bin/python -m pytest -q tests/test_export_digest.py
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from .conftest import ROOT, TEST_MODEL

DIGEST = ROOT / "tests" / "fixtures" / "export_digest.json"
TABLES = ("documents", "sentences", "entities", "quotes", "frames", "devices", "stances", "arguments")


def _digests(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256((out / f"{name}.csv").read_bytes()).hexdigest() for name in TABLES}


def test_exported_tables_are_identical_to_the_stored_digest(fixture_corpus, tmp_path: Path) -> None:
    from helpers.export import export_corpus

    export_corpus(fixture_corpus, tmp_path / "out")
    got = _digests(tmp_path / "out")
    rows = {name: sum(1 for _ in (tmp_path / "out" / f"{name}.csv").open(encoding="utf-8")) for name in TABLES}
    assert rows["sentences"] > 1 and rows["stances"] > 1 and rows["entities"] > 1  # the digest covers real rows
    if os.environ.get("HELPERS_UPDATE_DIGEST"):
        DIGEST.write_text(json.dumps({"model": TEST_MODEL, "tables": got}, indent=1) + "\n", encoding="utf-8")
    stored = json.loads(DIGEST.read_text(encoding="utf-8"))
    if stored["model"] != TEST_MODEL:
        pytest.skip(f"the digest was made with {stored['model']}, this session parses with {TEST_MODEL}")
    changed = [name for name in TABLES if got[name] != stored["tables"].get(name)]
    assert not changed, (f"exported tables differ from {DIGEST.name}: {changed} (if the change is meant, "
                         "regenerate it: see this module's docstring)")
