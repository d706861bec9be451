"""Corpus-level textometry results stored once per version of the corpus tables; bounded frequency tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import textometry as tm
from helpers.pipeline import build_corpus

from .conftest import TEST_MODEL

A = ("Mistral AI publie un modèle open source. Arthur Mensch défend les poids ouverts face à OpenAI. "
     "Le modèle open source de Mistral AI plaît aux chercheurs. Les poids ouverts du modèle sont publiés.")
B = ("Le gouvernement prépare une loi sur les modèles ouverts. Les entreprises attendent des règles claires "
     "pour l'intelligence artificielle. La loi sur l'intelligence artificielle inquiète les entreprises.")
C = ("Meta diffuse Llama gratuitement. Les chercheurs saluent cette transparence mais craignent des abus. "
     "Llama reste un modèle de Meta, et la transparence de Meta a ses limites selon les chercheurs.")


def _frames_equal(a: tm.CorpusResults, b: tm.CorpusResults) -> None:
    for name in ("units", "diversity", "kwic_index", "multiword", "term_totals", "term_counts", "bigrams", "trigrams"):
        pd.testing.assert_frame_equal(getattr(a, name).reset_index(drop=True), getattr(b, name).reset_index(drop=True),
                                      obj=name)
    assert sorted(a.keyness) == sorted(b.keyness)
    for by in a.keyness:
        pd.testing.assert_frame_equal(a.keyness[by], b.keyness[by], obj=f"keyness {by}")


def test_stored_results_are_read_back_equal_to_a_fresh_computation(fixture_corpus) -> None:
    fresh = tm.corpus_results(fixture_corpus, refresh=True)
    assert not fresh.hit and fresh.folder is not None and (fresh.folder / "meta.json").exists()
    again = tm.corpus_results(fixture_corpus)
    assert again.hit and again.key == fresh.key
    _frames_equal(again, fresh)
    # the stored tables are those the functions give on the corpus
    units = tm.units_table(fixture_corpus)
    pd.testing.assert_frame_equal(again.units, units)
    freq = tm.term_frequencies(units)
    pd.testing.assert_frame_equal(again.freq, freq[["total", "n_parts"]])
    pd.testing.assert_frame_equal(again.keyness["doc_id"], tm.corpus_keyness(units, top=50))
    assert list(again.bigrams["words"]) == list(tm.collocations(units, n=2, top=20)["words"])
    # other settings are another version
    other = tm.corpus_results(fixture_corpus, keyness_top=3)
    assert not other.hit and other.key != fresh.key
    assert other.keyness["doc_id"].groupby(["part", "direction"]).size().max() <= 3


def test_results_recomputed_when_the_corpus_changes(tmp_path: Path, capsys) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text(A, encoding="utf-8")
    (corpus_dir / "b.txt").write_text(B, encoding="utf-8")
    cache = tmp_path / "cache"

    def build():
        return build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache, progress=False, n_process=1)

    first = tm.corpus_results(build())
    assert not first.hit
    second = tm.corpus_results(build())
    assert second.hit and second.key == first.key
    assert "llama" not in set(second.term_totals["key"])
    # a new article: another version, computed again; the older one is removed
    (corpus_dir / "c.txt").write_text(C, encoding="utf-8")
    third = tm.corpus_results(build())
    assert not third.hit and third.key != first.key
    assert "llama" in set(third.term_totals["key"]) and set(third.term_counts["doc_id"]) == {"a.txt", "b.txt", "c.txt"}
    assert not first.folder.exists() and third.folder.exists()
    # metadata the results use (the source, for keyness by source) changes the version too
    (corpus_dir / "metadata.csv").write_text("file,source\na.txt,Le Monde\nb.txt,Libération\nc.txt,Le Monde\n",
                                             encoding="utf-8")
    fourth = tm.corpus_results(build())
    assert not fourth.hit and "source" in fourth.keyness and "source" not in third.keyness
    # a corrupted stored file is reported with its path, and the results are computed again
    (fourth.folder / "units.parquet").write_bytes(b"not parquet")
    capsys.readouterr()
    fifth = tm.corpus_results(build())
    assert not fifth.hit and "units.parquet" in capsys.readouterr().out
    _frames_equal(fifth, fourth)
    assert tm.corpus_results(build()).hit


def test_bounded_frequency_tables(fixture_corpus, tmp_path: Path) -> None:
    res = tm.corpus_results(fixture_corpus)
    units = res.units
    wide = tm.term_frequencies(units)
    corpus_terms, article_terms = tm.bounded_frequencies(res, per_part=3, min_total=2)
    assert (corpus_terms["total"] >= 2).all() and len(corpus_terms) == int((wide["total"] >= 2).sum())
    assert len(corpus_terms) < len(wide)
    assert article_terms.groupby("doc_id").size().max() <= 3
    articles = [c for c in wide.columns if c not in ("total", "n_parts")]
    assert set(article_terms["doc_id"]) == set(articles)
    labels = tm.label_map(units)
    for doc_id, g in article_terms.groupby("doc_id"):
        counts = pd.Series({labels.get(k, k): n for k, n in zip(g["key"], g["freq"], strict=True)})
        # the kept terms are the article's most frequent ones
        assert counts.min() >= wide[doc_id].sort_values(ascending=False).iloc[len(g) - 1], doc_id
        assert (wide.loc[counts.index, doc_id].to_numpy() == counts.to_numpy()).all(), doc_id
    # the full table, on request, is the whole matrix in long form
    path = tm.write_full_frequencies(res, tmp_path / "full.parquet")
    full = pd.read_parquet(path)
    melted = wide[articles].stack()
    assert len(full) == int((melted > 0).sum()) and int(full["freq"].sum()) == int(wide["total"].sum())
    # the matrix for a chart: a few terms and articles of the wide table
    some = tm.frequency_matrix(res.term_counts, res.term_totals, terms=5, parts=articles[:2])
    pd.testing.assert_frame_equal(some, wide[[*articles[:2], "total", "n_parts"]].head(5))


@pytest.mark.notebook
def test_notebook_tables_are_bounded(run_notebook, tmp_path: Path) -> None:
    import json

    out = run_notebook("01_corpus_overview", max_table_rows=2, term_table_top=2, keyness_table_top=2, top_n=4)
    nb = json.loads(out.read_text(encoding="utf-8"))
    assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    text = "\n".join("".join(o.get("data", {}).get("text/markdown", "")) + "".join(o.get("text", ""))
                     for c in nb["cells"] for o in c.get("outputs", []))
    assert "First 2 of" in text and "tables/01_term_frequencies.csv" in text
    tables = tmp_path / "output" / "tables"
    per_article = pd.read_csv(tables / "01_term_frequencies_articles.csv")
    assert per_article.groupby("doc_id").size().max() <= 2
    spec = pd.read_csv(tables / "01_keyness_articles.csv")
    assert spec.groupby(["part", "direction"]).size().max() <= 2
    assert not (tables / "01_term_frequencies_full.parquet").exists()
    assert "read from the store" in text or "computed from the corpus tables" in text


def test_only_the_annotating_textometry_modules_count_in_the_annotation_version(tmp_path: Path) -> None:
    import shutil

    from helpers import paths, store

    pkg = tmp_path / "helpers"
    shutil.copytree(Path(store.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__"))

    def version(tag: str) -> str:
        return store._annotation_version(str(paths.LEXICONS_DIR), str(pkg), (tag,))

    base = version("base")
    with (pkg / "textometry" / "keyness.py").open("a", encoding="utf-8") as f:
        f.write("\n# a change to the keyness code\n")
    assert version("keyness edited") == base, "keyness does not change stored rows"
    with (pkg / "textometry" / "names.py").open("a", encoding="utf-8") as f:
        f.write("\n# a change to the name candidates\n")
    assert version("names edited") != base, "the names an article stores do"
