"""Validation numbers equal the reference scorer's; the vendored scorer matches shared/eval/score.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import gold_score
from helpers.validation import load_gold, sklearn_stance_scores, validate

ROOT = Path(__file__).resolve().parents[1]
SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score.py"
GOLD = ROOT / "data" / "annotations" / "seeds.jsonl"


def test_vendored_scorer_matches_shared_copy() -> None:
    if not SHARED_SCORER.exists():
        pytest.skip("shared/eval/score.py is not beside the project")
    vendored = (ROOT / "src" / "helpers" / "gold_score.py").read_text(encoding="utf-8")
    body = "\n".join(line for line in vendored.splitlines() if not line.startswith("# "))
    assert SHARED_SCORER.read_text(encoding="utf-8").strip() in body


def test_gold_copied_into_annotations() -> None:
    gold = load_gold(GOLD)
    assert len(gold) == 5 and all("sentences" in g and "entities" in g for g in gold)


@pytest.fixture(scope="module")
def seeds_validation(tmp_path_factory, cache_dir):
    from helpers.pipeline import build_corpus

    from .conftest import TEST_MODEL

    corpus = build_corpus(ROOT / "data" / "raw", model=TEST_MODEL, cache_dir=cache_dir, progress=False)
    out = tmp_path_factory.mktemp("seeds-export")
    return validate(corpus, GOLD, export_dir=out), out


def test_validation_equals_command_line_scorer(seeds_validation) -> None:
    v, out = seeds_validation
    r = subprocess.run([sys.executable, "-m", "helpers", "score", str(out), str(GOLD), "--json", str(out / "s.json")],
                       capture_output=True, text=True, check=True)
    assert "SUMMARY" in r.stdout
    cli = json.loads((out / "s.json").read_text(encoding="utf-8"))
    assert cli["stance_macro_f1"] == pytest.approx(v.scores["stance_macro_f1"])
    assert cli["frames_micro"] == pytest.approx(v.scores["frames_micro"])
    assert cli["entities"] == v.scores["entities"]
    assert cli["boilerplate_removed"] == v.scores["boilerplate_removed"]


def test_aligned_sentences_reproduce_the_scores(seeds_validation) -> None:
    v, _ = seeds_validation
    body = v.sentences[~v.sentences["boilerplate"]]
    assert v.scores["body_sentences_kept"] == pytest.approx(body["found"].mean())
    sk = sklearn_stance_scores(v)
    for lab in ("pro", "con"):
        assert sk.loc[lab, "f1"] == pytest.approx(v.scores["stance"][lab]["f1"], abs=1e-3)
    cm = v.stance_confusion
    assert cm.loc["pro"].sum() == v.scores["stance"]["pro"]["support"]
    fc = v.frames_confusion
    for frame, row in fc.iterrows():
        p, r, f = gold_score.prf(row["tp"], row["fp"], row["fn"])
        assert f == pytest.approx(v.scores["frames"][frame]["f1"])


def test_cleaning_goal_on_seeds(seeds_validation) -> None:
    v, _ = seeds_validation
    assert v.scores["boilerplate_removed"] >= 0.95
    assert v.scores["body_sentences_kept"] >= 0.95


def test_no_gold_for_corpus_gives_none(fixture_corpus) -> None:
    assert validate(fixture_corpus, GOLD) is None


def test_codebook_copy_matches_shared() -> None:
    shared = ROOT.parent / "shared" / "CODEBOOK.md"
    if not shared.exists():
        pytest.skip("shared/CODEBOOK.md is not beside the project")
    assert (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")
