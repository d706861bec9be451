"""Parsing cache, sentence boundaries, tables, the export command and its summary."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import nlp as N
from helpers.pipeline import build_corpus

from .conftest import FIXTURE_CORPUS, TEST_MODEL

FR = ("L'intelligence artificielle open source progresse vite. Les développeurs partagent les poids des "
      "modèles et la communauté améliore les outils.")
FR2 = "Le gouvernement prépare une loi sur les modèles ouverts. Les entreprises attendent des règles claires."
FR3 = "Une start-up lyonnaise publie un modèle de traduction gratuit. Il rivalise avec les services payants."


def test_sentence_boundaries(nlp) -> None:
    doc = nlp("Un titre sans point\nLa start-up chinoise a publié son modèle. M. Dupont l'a dit à J. Martin. "
              "« C'est un mouvement », observe-t-il. Et alors? Rien.")
    sents = [s.text.strip() for s in doc.sents]
    assert sents == ["Un titre sans point", "La start-up chinoise a publié son modèle.",
                     "M. Dupont l'a dit à J. Martin.", "« C'est un mouvement », observe-t-il.", "Et alors?", "Rien."]


def test_cache_second_run_parses_nothing_and_changed_file_is_reparsed(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "c"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text(FR, encoding="utf-8")
    (corpus_dir / "b.txt").write_text(FR2, encoding="utf-8")
    cache = tmp_path / "cache"
    first = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False)
    assert (first.parse_stats.parsed, first.parse_stats.cached) == (2, 0)
    second = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False)
    assert (second.parse_stats.parsed, second.parse_stats.cached) == (0, 2)
    assert second.sentences.equals(first.sentences)
    (corpus_dir / "b.txt").write_text(FR2 + " Une phrase de plus.", encoding="utf-8")
    (corpus_dir / "c.txt").write_text(FR3, encoding="utf-8")
    third = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False)
    assert (third.parse_stats.parsed, third.parse_stats.cached) == (2, 1)
    assert not list(cache.rglob(".tmp-*")), "no temporary file left behind (atomic writes)"


def test_cache_key_depends_on_model(tmp_path: Path) -> None:
    assert N.content_key("texte", "fr_core_news_md") != N.content_key("texte", "fr_core_news_sm")


def test_split_long_text_keeps_the_text() -> None:
    text = "ligne un\nligne deux plus longue\n" + "x" * 50 + " fin"
    for limit in (10, 20, 35, 1000):
        parts = N.split_long_text(text, limit)
        assert "".join(parts) == text
        assert all(len(p) < limit for p in parts) or limit == 1000


def test_corrupt_cache_entry_is_reparsed(tmp_path: Path) -> None:
    texts = {"a": FR}
    N.parse_texts(texts, TEST_MODEL, cache_dir=tmp_path, progress=False)
    for f in tmp_path.rglob("*.spacy"):
        f.write_bytes(b"garbage")
    docs, stats = N.parse_texts(texts, TEST_MODEL, cache_dir=tmp_path, progress=False)
    assert stats.parsed == 1 and docs["a"].text == FR


def test_long_article_is_parsed(tmp_path: Path) -> None:
    nlp = N.load_pipeline(TEST_MODEL)
    old = nlp.max_length
    nlp.max_length = 500  # stand-in for spaCy's 1,000,000 characters default
    try:
        text = "\n".join([FR] * 20)
        assert len(text) > 500
        docs, _ = N.parse_texts({"long": text, "short": FR}, TEST_MODEL, cache_dir=tmp_path, progress=False)
        assert docs["long"].text == text and docs["short"].text == FR
        assert len(list(docs["long"].sents)) == 40
        assert nlp.max_length == 500  # the limit is respected, not raised
    finally:
        nlp.max_length = old


def test_fixture_corpus_tables(fixture_corpus) -> None:
    c = fixture_corpus
    assert set(c.docs) == {"depeches.jsonl#1", "depeches.jsonl#2", "llama_meta.md", "mistral_souverainete.txt",
                           "web/hugging_face.html"}
    skipped = {p.path: p.reason for p in c.problems if p.severity == "skipped"}
    assert "English article" in skipped["english_article.txt"]
    d = c.documents.set_index("doc_id")
    assert d.loc["llama_meta.md", "source"] == "Revue du Numérique (édition web)"  # metadata.csv overrides
    assert d.loc["mistral_souverainete.txt", "date"] == "2025-02-03"
    assert d.loc["depeches.jsonl#1", "date"] == "2025-01-28"
    assert (d["n_sentences"] > 0).all() and (d["n_tokens"] > 0).all()
    # sentences join the tokens on (doc_id, sent_id) and hold no boilerplate
    s = c.sentences
    assert not s.duplicated(["doc_id", "sent_id"]).any()
    assert not s["text"].str.contains("Lire aussi|Photo :|Sources :").any()
    assert "start-up chinoise DeepSeek a publié" in " ".join(s["text"])
    t = c.tokens
    assert set(t["sent_id"]) <= set(s["sent_id"])
    assert {"lemma", "pos", "is_stop"} <= set(t.columns)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers", *args], capture_output=True, text=True, timeout=600)


def test_export_command_writes_codebook_tables(tmp_path: Path, cache_dir: Path) -> None:
    out = tmp_path / "out"
    r = run_cli("export", str(FIXTURE_CORPUS), str(out), "--model", TEST_MODEL, "--cache-dir", str(cache_dir))
    assert r.returncode == 0, r.stderr
    assert "5 articles analysed, 1 skipped" in r.stdout
    assert "english_article.txt" in r.stdout
    with (out / "documents.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header[:10] == ["doc_id", "path", "title", "author", "date", "source", "url", "lang", "n_sentences",
                           "n_tokens"]
    with (out / "sentences.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {"doc_id", "sent_id", "text"} <= set(rows[0])


def test_export_bad_inputs_continue(tmp_path: Path, cache_dir: Path) -> None:
    corpus_dir = tmp_path / "bad"
    corpus_dir.mkdir()
    (corpus_dir / "good.txt").write_text(FR, encoding="utf-8")
    (corpus_dir / "empty.txt").write_bytes(b"")
    (corpus_dir / "blob.txt").write_bytes(bytes(range(256)) * 4)
    (corpus_dir / "nav.txt").write_text("Accueil\nMenu\nPartager sur Facebook\n", encoding="utf-8")
    (corpus_dir / "rows.csv").write_text("title,resume\na,b\n", encoding="utf-8")
    (corpus_dir / "lines.jsonl").write_text(json.dumps({"text": FR2}) + "\n{oops\n", encoding="utf-8")
    r = run_cli("export", str(corpus_dir), str(tmp_path / "out"), "--model", TEST_MODEL, "--cache-dir", str(cache_dir))
    assert r.returncode == 0, r.stderr
    for name, reason in [("empty.txt", "empty file"), ("blob.txt", "binary"), ("nav.txt", "only boilerplate"),
                         ("rows.csv", "without a text column"), ("lines.jsonl#2", "malformed JSON")]:
        line = next((ln for ln in r.stdout.splitlines() if name in ln), "")
        assert reason in line, (name, r.stdout)
    assert "2 articles analysed" in r.stdout  # good.txt and lines.jsonl#1


def test_export_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "empty"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_bytes(b"")
    r = run_cli("export", str(corpus_dir), str(tmp_path / "out"))
    assert r.returncode != 0
    assert "a.txt: empty file" in r.stderr
    r = run_cli("export", str(tmp_path / "missing"), str(tmp_path / "out"))
    assert r.returncode != 0 and "corpus folder not found" in r.stderr


def test_duplicates_analysed_once(tmp_path: Path, cache_dir: Path) -> None:
    corpus_dir = tmp_path / "dups"
    corpus_dir.mkdir()
    long = " ".join([FR] * 5)
    (corpus_dir / "a.txt").write_text(long, encoding="utf-8")
    (corpus_dir / "b.txt").write_text(long, encoding="utf-8")
    (corpus_dir / "c.txt").write_text(long.replace("vite", "lentement", 1), encoding="utf-8")
    c = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache_dir, progress=False)
    assert list(c.docs) == ["a.txt"]
    kinds = {d.doc_id: (d.duplicate_of, d.kind) for d in c.duplicates}
    assert kinds == {"b.txt": ("a.txt", "exact"), "c.txt": ("a.txt", "near")}
    assert "duplicate: b.txt repeats a.txt" in c.summary()


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_english_article_flagged(tmp_path: Path, cache_dir: Path, suffix: str) -> None:
    corpus_dir = tmp_path / "en"
    corpus_dir.mkdir()
    (corpus_dir / f"e{suffix}").write_text("The open model is available to all developers, and they can use it "
                                           "for free. It is a big change for the industry.", encoding="utf-8")
    (corpus_dir / "f.txt").write_text(FR, encoding="utf-8")
    c = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache_dir, progress=False)
    msgs = {p.path: p.reason for p in c.problems}
    if N.english_model():
        assert f"e{suffix}" in c.docs and "English article" in msgs[f"e{suffix}"]
    else:
        assert f"e{suffix}" not in c.docs and "no English spaCy pipeline" in msgs[f"e{suffix}"]
