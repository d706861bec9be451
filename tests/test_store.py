"""The per-article store: cache hits and misses, lexicon changes, corrupted parts, atomic writes, permissions."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths, store
from helpers.pipeline import build_corpus

from .conftest import TEST_MODEL

A = ("Mistral AI publie un modèle open source. Arthur Mensch défend les poids ouverts face à OpenAI. "
     "« C'est une question de souveraineté », affirme-t-il.")
B = ("Le gouvernement prépare une loi sur les modèles ouverts. Les entreprises attendent des règles claires "
     "pour l'intelligence artificielle.")
C = "Meta diffuse Llama gratuitement. Les chercheurs saluent cette transparence mais craignent des abus."


@pytest.fixture()
def corpus_dir(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text(A, encoding="utf-8")
    (d / "b.txt").write_text(B, encoding="utf-8")
    return d


def _parts(cache: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (cache / "store").rglob("*.parquet") if "corpora" not in p.parts}


def _parses(cache: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in cache.rglob("*.spacy")}


def test_second_run_hits_the_store_and_new_article_is_the_only_one_done(corpus_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False, n_process=1)
    assert (first.parse_stats.parsed, first.parse_stats.annotated) == (2, 2)
    parts = _parts(cache)
    second = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False, n_process=1)
    assert (second.parse_stats.parsed, second.parse_stats.annotated, second.parse_stats.cached) == (0, 0, 2)
    assert _parts(cache) == parts, "a store hit writes no part"
    for name in ("sentences", "tokens", "entities", "quotes", "frames", "stances", "arguments"):
        assert getattr(second, name).equals(getattr(first, name)), name
    (corpus_dir / "c.txt").write_text(C, encoding="utf-8")
    third = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False, n_process=1)
    assert (third.parse_stats.parsed, third.parse_stats.annotated) == (1, 1)
    assert set(third.sentences["doc_id"]) == {"a.txt", "b.txt", "c.txt"}
    assert {p: m for p, m in _parts(cache).items() if p in parts} == parts, "old parts untouched"


def test_lexicon_change_reannotates_without_reparsing(corpus_dir: Path, tmp_path: Path, monkeypatch) -> None:
    lex = tmp_path / "lexicons"
    shutil.copytree(paths.LEXICONS_DIR, lex)
    monkeypatch.setattr(paths, "LEXICONS_DIR", lex)
    cache = tmp_path / "cache"
    first = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False, n_process=1)
    version = store.annotation_version()
    parses = _parses(cache)
    assert len(parses) == 2
    assert not first.frames["cues"].str.contains("attendent").any()
    frames_yml = lex / "frames.yml"
    text = frames_yml.read_text(encoding="utf-8")
    marker = "  regulation:\n    name: Regulation and governance\n"
    head, sep, tail = text.partition(marker)
    assert sep and "    strong:\n" in tail, "frames.yml has a regulation frame with strong cues"
    tail = tail.replace("    strong:\n", "    strong:\n      - attendre\n", 1)  # one new strong cue
    frames_yml.write_text(head + sep + tail, encoding="utf-8")
    assert store.annotation_version() != version
    second = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False, n_process=1)
    assert (second.parse_stats.parsed, second.parse_stats.annotated) == (0, 2)
    assert _parses(cache) == parses, "the parse cache is not rewritten"
    hit = second.frames[second.frames["cues"].str.contains("attendent")]
    assert set(hit["doc_id"]) == {"b.txt"} and set(hit["frame"]) == {"regulation"}


def test_corrupted_part_is_rebuilt_with_a_message(corpus_dir: Path, tmp_path: Path, capsys) -> None:
    cache = tmp_path / "cache"
    first = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False, n_process=1)
    tokens_part = next(p for p in _parts(cache) if p.name.endswith(".tokens.parquet"))
    in_part = len(pd.read_parquet(tokens_part.with_name(tokens_part.name.replace(".tokens.", ".docinfo."))))
    tokens_part.write_bytes(b"not parquet at all")
    capsys.readouterr()
    second = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False, n_process=1)
    out = capsys.readouterr().out
    assert "unreadable" in out and tokens_part.name.split(".")[0] in out
    # only the articles of that part are annotated again, from the parse cache
    assert second.parse_stats.parsed == 0 and second.parse_stats.annotated == in_part >= 1
    assert second.tokens.equals(first.tokens)


def test_writes_are_atomic(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "x" / "part.parquet"
    store.atomic_write_bytes(target, b"old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store.atomic_write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["part.parquet"], "no temporary file left"


def test_outputs_get_the_usual_permissions(corpus_dir: Path, tmp_path: Path) -> None:
    from helpers.export import export_corpus

    old = os.umask(0o022)
    try:
        cache = tmp_path / "cache"
        corpus = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False, n_process=1)
        written = export_corpus(corpus, tmp_path / "out")
    finally:
        os.umask(old)
    files = [*written.values(), *_parts(cache), *_parses(cache), *corpus.tables_dir.glob("*.parquet")]
    assert files
    for f in files:
        assert stat.S_IMODE(Path(f).stat().st_mode) == 0o644, f


def test_docs_are_loaded_lazily(corpus_dir: Path, tmp_path: Path) -> None:
    corpus = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=tmp_path / "cache", progress=False, n_process=1)
    assert len(corpus.docs) == 2 and "a.txt" in corpus.docs
    assert not corpus.docs._loaded, "no Doc is read until one is asked for"
    sub = corpus.subset(["b.txt"])
    assert list(sub) == ["b.txt"] and sub["b.txt"].text == B
    assert list(corpus.docs._loaded) == ["b.txt"]


def test_worker_processes_give_the_same_tables(corpus_dir: Path, tmp_path: Path) -> None:
    (corpus_dir / "c.txt").write_text(C, encoding="utf-8")
    one = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=tmp_path / "c1", progress=False, n_process=1)
    two = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=tmp_path / "c2", progress=False, n_process=2)
    for name in ("documents", "sentences", "tokens", "entities", "quotes", "frames", "devices", "stances"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), obj=name)


def test_long_csv_fields_are_read_back(tmp_path: Path) -> None:
    from helpers.cli import _rows
    from helpers.export import write_csv

    article = "Un très long article sur les modèles ouverts. " * 70_000  # 3.3 MB in one field
    assert len(article) > 3_000_000
    path = tmp_path / "documents.csv"
    write_csv(pd.DataFrame({"doc_id": ["long.txt", "short.txt"], "text": [article, "court"]}), path)
    assert _rows(path) == 2


def test_preparation_is_cached_per_file(corpus_dir: Path, tmp_path: Path, monkeypatch) -> None:
    from helpers import corpus as corpus_mod
    from helpers.pipeline import prepare

    calls: list[str] = []
    real = corpus_mod.read_file

    def counting(path, root, metadata):
        calls.append(path.name)
        return real(path, root, metadata)

    monkeypatch.setattr(corpus_mod, "read_file", counting)
    cache = tmp_path / "cache"
    first = prepare(corpus_dir, cache_dir=cache, use_cache=True)
    assert sorted(calls) == ["a.txt", "b.txt"]
    calls.clear()
    second = prepare(corpus_dir, cache_dir=cache, use_cache=True)
    assert calls == [] and second[0].keys() == first[0].keys()
    assert second[0]["a.txt"].cleaned.text == first[0]["a.txt"].cleaned.text
    (corpus_dir / "c.txt").write_text(C, encoding="utf-8")
    (corpus_dir / "b.txt").write_text(B + " Une phrase de plus pour changer le fichier.", encoding="utf-8")
    prepare(corpus_dir, cache_dir=cache, use_cache=True)
    assert sorted(calls) == ["b.txt", "c.txt"], "only new and changed files are read"
    calls.clear()
    (corpus_dir / "metadata.csv").write_text("file,source\na.txt,Le Journal\n", encoding="utf-8")
    third = prepare(corpus_dir, cache_dir=cache, use_cache=True)
    assert sorted(calls) == ["a.txt", "b.txt", "c.txt", "metadata.csv"], "new metadata: every file read again"
    assert third[0]["a.txt"].article.source == "Le Journal"
    (corpus_dir / "b.txt").write_text(A, encoding="utf-8")  # now an exact duplicate of a.txt
    dups = prepare(corpus_dir, cache_dir=cache, use_cache=True)[2]
    assert [(d.doc_id, d.duplicate_of) for d in dups] == [("b.txt", "a.txt")]


def test_stored_mentions_go_through_the_learned_entity_layer(monkeypatch) -> None:
    """The pipeline's per-article annotation applies the learned filter of model-only names (and the gazetteer's
    ignore list), as entities.entities_table does: the same entities come out of both."""
    from helpers import entities, entity_learning
    from helpers.nlp import load_pipeline

    doc = load_pipeline(TEST_MODEL)("Selon Jean Dupont, la société Zorbatech a publié son modèle à Lyon. "
                                    "Dupont estime que Zorbatech ira loin.")
    seen: list[set[str]] = []

    class DropAllModelNames:
        def apply(self, docs, mentions, texts=None):
            seen.append({m.canonical for m in mentions if m.source == "model"})
            return [m for m in mentions if m.source != "model"]

    monkeypatch.setattr(entity_learning, "load_mention_filter", lambda path=None: DropAllModelNames())
    rows = store.annotate_doc("k", doc)["mentions"]
    assert seen and seen[0], "the filter was not asked about the model's names"
    assert not (rows["source"] == "model").any()
    table = entities.entities_table({"k": doc}, mention_filter=DropAllModelNames())
    assert sorted(rows["canonical"]) == sorted(table["canonical"])
