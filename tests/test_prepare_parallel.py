"""Reading and cleaning shared between processes gives the same articles, problems and order as one process."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import paths, pipeline


def _summary(result):
    prepared, problems, duplicates, n_files = result
    return ([(d, p.cleaned.text, [(r.reason, r.text) for r in p.cleaned.removed], p.article.source, p.article.date,
              p.article.lang) for d, p in prepared.items()],
            [str(x) for x in problems], [(x.doc_id, x.duplicate_of) for x in duplicates], n_files)


def test_parallel_preparation_matches_one_process(tmp_path: Path, monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(paths.RAW_DIR, corpus)
    (corpus / "empty.txt").write_text("", encoding="utf-8")  # a problem, reported the same way
    (corpus / "copy.txt").write_text((corpus / sorted(p.name for p in corpus.glob("0*.txt"))[0]).read_text(
        encoding="utf-8"), encoding="utf-8")  # a duplicate
    monkeypatch.setattr(pipeline, "PREPARE_PARALLEL_MIN", 1)
    one = _summary(pipeline.prepare(corpus, n_process=1))
    two = _summary(pipeline.prepare(corpus, n_process=2))
    assert one == two
    assert one[1] and one[2]  # the problem and the duplicate were seen
