"""Report steps declare their inputs: an unchanged notebook is not run again, a changed input re-runs it,
--force re-runs everything, a failed run is never taken as up to date, notebooks run two at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers import report_steps as steps
from helpers.report import run_report

from .conftest import FIXTURE_CORPUS, TEST_MODEL

# A tiny notebook: it appends one line to a file each time it really runs (so that a skipped run is seen).
TINY = '''from pathlib import Path
with open(Path(output_dir) / "runs_{name}.txt", "a", encoding="utf-8") as f:
    f.write("ran\\n")
{extra}'''


def tiny_notebook(folder: Path, name: str, extra: str = "") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    params = nbformat.v4.new_code_cell('corpus_dir = ""\nmodel = ""\noutput_dir = ""', metadata={"tags": ["parameters"]})
    nb.cells = [nbformat.v4.new_markdown_cell(f"# Tiny {name}"), params,
                nbformat.v4.new_code_cell(TINY.format(name=name, extra=extra))]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def runs(out: Path, name: str) -> int:
    p = out / f"runs_{name}.txt"
    return len(p.read_text(encoding="utf-8").splitlines()) if p.exists() else 0


@pytest.fixture()
def setup(tmp_path, cache_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    a, b = tiny_notebook(nbs, "91_a"), tiny_notebook(nbs, "92_b")
    out = tmp_path / "out"

    def report(*notebooks, **kw):
        log: list[str] = []
        res = run_report(corpus, model=TEST_MODEL, out_dir=out, cache_dir=cache_dir, notebooks=list(notebooks),
                         echo=lambda *m: log.append(" ".join(map(str, m))), **kw)
        return res, "\n".join(log)

    return corpus, out, a, b, report


def test_unchanged_inputs_are_not_run_again_and_a_changed_input_reruns_that_notebook(setup) -> None:
    corpus, out, a, b, report = setup
    first, _ = report(a, b)
    assert first.ok and runs(out, "91_a") == 1 and runs(out, "92_b") == 1
    assert all(not r.up_to_date and r.why == "first run" for r in first.runs)
    assert {r.name for r in first.runs} == {"91_a", "92_b"}
    assert "cpu_s" in first.runs[0].usage and first.runs[0].usage["max_rss_mb"] > 10

    second, log = report(a, b)
    assert runs(out, "91_a") == 1 and runs(out, "92_b") == 1, "nothing changed: nothing runs"
    assert all(r.up_to_date for r in second.runs) and "91_a: up to date" in log
    assert (out / "91_a.html").exists() and (out / "92_b.nocode.html").exists(), "the old pages are kept"
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [n["status"] for n in run["notebooks"]] == ["up to date", "up to date"]

    tiny_notebook(b.parent, "92_b", extra="print('edited')")  # the notebook file changed: only b runs
    third, log = report(a, b)
    assert runs(out, "91_a") == 1 and runs(out, "92_b") == 2
    assert [r.up_to_date for r in third.runs] == [True, False]
    assert "changed: notebook" in third.runs[1].why

    (corpus / "nouveau.txt").write_text("Un nouvel article sur les modèles ouverts publiés par Mistral AI. "
                                        "Les chercheurs saluent cette transparence.", encoding="utf-8")
    fourth, _ = report(a, b)  # the corpus's tables changed: both run
    assert runs(out, "91_a") == 2 and runs(out, "92_b") == 3
    assert all("corpus" in r.why for r in fourth.runs)

    fifth, _ = report(a, b, force=True)
    assert runs(out, "91_a") == 3 and runs(out, "92_b") == 4
    assert all(r.why == "forced" for r in fifth.runs)


def test_a_failed_or_incomplete_run_is_run_again(setup) -> None:
    corpus, out, a, _, report = setup
    bad = tiny_notebook(a.parent, "93_bad", extra="raise ValueError('boom')")
    first, _ = report(a, bad)
    assert not first.ok and runs(out, "93_bad") == 1 and steps.read_step(out, "93_bad") is None
    second, _ = report(a, bad)
    assert runs(out, "93_bad") == 2, "a failed notebook is never up to date"
    assert second.runs[0].up_to_date
    (out / "91_a.nocode.html").unlink()  # a page was removed: the notebook runs to write it again
    third, _ = report(a)
    assert runs(out, "91_a") == 2 and "missing" in third.runs[0].why and (out / "91_a.nocode.html").exists()


def test_inputs_name_what_changed(tmp_path) -> None:
    nb = tiny_notebook(tmp_path, "91_a")
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "manifest.json").write_text('{"articles": []}', encoding="utf-8")
    params = {"corpus_dir": "c", "model": "m", "output_dir": "o"}
    before = steps.notebook_inputs(nb, params, tables, env={})
    assert before.key == steps.notebook_inputs(nb, params, tables, env={}).key
    coded = tmp_path / "coded.csv"
    coded.write_text("doc_id,sent_id,stance\n", encoding="utf-8")
    changes = {
        "parameters": steps.notebook_inputs(nb, {**params, "model": "other"}, tables, env={}),
        "env": steps.notebook_inputs(nb, params, tables, env={"HELPERS_RELEVANCE": "all"}),
    }
    for part, after in changes.items():
        assert steps.changed_inputs({"inputs": before.parts}, after) == [part]
    with_coding = steps.notebook_inputs(nb, {**params, "coding_file": str(coded)}, tables, env={})
    coded.write_text("doc_id,sent_id,stance\nx,1,pro\n", encoding="utf-8")  # same path, edited in place
    edited = steps.notebook_inputs(nb, {**params, "coding_file": str(coded)}, tables, env={})
    assert steps.changed_inputs({"inputs": with_coding.parts}, edited) == ["parameters"]
    (tables / "manifest.json").write_text('{"articles": [["x"]]}', encoding="utf-8")
    assert steps.changed_inputs({"inputs": before.parts}, steps.notebook_inputs(nb, params, tables, env={})) == ["corpus"]
    assert steps.changed_inputs(None, before) == ["never run"]
