"""Textometry: keyness checked by hand on 2x2 tables, KWIC boundaries, collocation counts, term merging,
and notebook 01 executed end to end (fixture corpus, a single article, a folder with nothing French)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import textometry as tm
from helpers.tables import tokens_table

# --------------------------------------------------------------------------- hand-made token tables


def make_tokens(sentences: list[list[tuple[str, str, str]]], doc_id: str = "d") -> pd.DataFrame:
    """A tokens table from [(text, lemma, pos), ...] per sentence (punctuation: pos PUNCT)."""
    rows, i = [], 0
    for sid, sent in enumerate(sentences):
        for text, lemma, pos in sent:
            rows.append({"doc_id": doc_id, "sent_id": sid, "i": i, "text": text, "lemma": lemma, "pos": pos,
                         "is_punct": pos == "PUNCT", "like_num": pos == "NUM", "is_alpha": text.isalpha()})
            i += 1
    return pd.DataFrame(rows)


def w(text: str, lemma: str | None = None, pos: str = "NOUN") -> tuple[str, str, str]:
    return (text, lemma or text.lower(), pos)


DOT = (".", ".", "PUNCT")
TERMS = tm.TermList.from_mapping({"open source": ["open-source"], "code source": ["codes sources"],
                                  "Hugging Face": [], "Open Source Initiative": []})


# --------------------------------------------------------------------------- keyness by hand

def test_log_likelihood_matches_hand_computation() -> None:
    # term: 10 of 100 words in the part, 20 of 400 in the rest. Expected counts: 6 and 24 (term),
    # 94 and 376 (other words). G2 = 2 * sum O ln(O/E).
    by_hand = 2 * (10 * math.log(10 / 6) + 20 * math.log(20 / 24) + 90 * math.log(90 / 94)
                   + 380 * math.log(380 / 376))
    assert by_hand == pytest.approx(3.13873, abs=1e-4)
    assert float(tm.log_likelihood(10, 20, 90, 380)) == pytest.approx(by_hand, rel=1e-9)
    # no difference between part and rest: G2 = 0; an empty cell counts as 0 * log 0 = 0
    assert float(tm.log_likelihood(5, 20, 95, 380)) == pytest.approx(0.0, abs=1e-12)
    assert float(tm.log_likelihood(0, 10, 50, 40)) > 0


def test_lafon_specificity_matches_hypergeometric_by_hand() -> None:
    # corpus of 10 words, term 3 times, part of 4 words.
    # P(X >= 3) = C(3,3) C(7,1) / C(10,4) = 7 / 210
    score, p = tm.lafon_specificity(3, 3, 4, 10)
    assert float(p) == pytest.approx(7 / 210)
    assert float(score) == pytest.approx(-math.log10(7 / 210))
    # under-use: P(X <= 0) = C(7,4) / C(10,4) = 35 / 210, score negative
    score, p = tm.lafon_specificity(0, 3, 4, 10)
    assert float(p) == pytest.approx(35 / 210)
    assert float(score) == pytest.approx(math.log10(35 / 210))
    # a = 1 below expectation 1.2: P(X <= 1) = (35 + 3 * 35) / 210 = 2/3
    score, p = tm.lafon_specificity(1, 3, 4, 10)
    assert float(p) == pytest.approx(2 / 3)
    assert float(score) < 0


def test_keyness_table_on_a_two_part_corpus() -> None:
    counts = pd.DataFrame({"A": [10, 1], "B": [20, 30]}, index=["x", "y"])
    sizes = pd.Series({"A": 100, "B": 400})
    spec = tm.keyness(counts, sizes, min_freq=1)
    x_a = spec[(spec["part"] == "A") & (spec["key"] == "x")].iloc[0]
    x_b = spec[(spec["part"] == "B") & (spec["key"] == "x")].iloc[0]
    assert (x_a["freq"], x_a["freq_rest"], x_a["size"], x_a["size_rest"]) == (10, 20, 100, 400)
    assert x_a["expected"] == pytest.approx(6.0)
    assert x_a["ll"] == pytest.approx(3.13873, abs=1e-4)  # the 2x2 table computed by hand above
    assert x_b["ll"] == pytest.approx(-3.13873, abs=1e-4)  # the same table seen from B: under-use
    assert x_a["ll_p"] == pytest.approx(math.erfc(math.sqrt(x_a["ll"] / 2)), rel=1e-6)  # chi2, 1 df
    assert x_a["direction"] == "over" and x_b["direction"] == "under"
    assert x_a["per_1000"] == pytest.approx(100.0) and x_a["per_1000_rest"] == pytest.approx(50.0)
    assert not x_a["significant"]  # p = 0.077
    y_a = spec[(spec["part"] == "A") & (spec["key"] == "y")].iloc[0]
    assert y_a["specificity"] < 0 and y_a["ll"] < 0  # y: 1 in 100 vs 30 in 400
    assert tm.keyness(counts, sizes, min_freq=31)["key"].tolist() == ["y", "y"]  # frequency floor: x (30) out
    assert tm.keyness(counts[["A"]], sizes[["A"]]).empty  # one part: nothing to compare


def test_corpus_keyness_by_article_and_by_group() -> None:
    a = make_tokens([[w("jardin"), w("jardin"), w("jardin"), w("modèle"), DOT]], "a")
    b = make_tokens([[w("modèle"), w("modèle"), w("modèle"), w("jardin"), DOT]], "b")
    c = make_tokens([[w("modèle"), w("modèle"), w("budget"), DOT]], "c")
    units = tm.units_table(tokens=pd.concat([a, b, c]), terms=TERMS, merge_names=False)
    spec = tm.corpus_keyness(units, min_freq=2)
    top_a = spec[spec["part"] == "a"].iloc[0]
    assert top_a["label"] == "jardin" and top_a["freq"] == 3 and top_a["specificity"] > 0
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "source": ["S1", "S2", "S2"],
                              "date": ["2025-01-03", "2025-01-20", ""]})
    assert tm.groupable(documents, "source") and not tm.groupable(documents, "month")
    groups = tm.part_of(documents, "source")
    spec_g = tm.corpus_keyness(units, by=groups, min_freq=2)
    assert set(spec_g["part"]) == {"S1", "S2"}
    j = spec_g[(spec_g["part"] == "S2") & (spec_g["key"] == "jardin")].iloc[0]
    assert (j["freq"], j["freq_rest"], j["size"], j["size_rest"]) == (1, 3, 7, 4)
    assert tm.part_of(documents, "month").to_dict() == {"a": "2025-01", "b": "2025-01"}


# --------------------------------------------------------------------------- term merging

def test_find_matches_longest_hyphens_and_sentence_boundaries() -> None:
    trie = tm._build_trie({("open", "source"): "os", ("open", "source", "initiative"): "osi", ("code",): "c"})
    texts = ["l'", "open", "-", "source", "et", "open", "source", "initiative", "open", "source"]
    sids = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]  # the last 'open' / 'source' straddle a sentence boundary
    assert tm.find_matches(texts, texts, sids, trie) == [(1, 4, "os"), (5, 8, "osi")]
    # lemma matching: 'codes' with lemma 'code'
    assert tm.find_matches(["codes"], ["code"], [0], trie) == [(0, 1, "c")]


def test_terms_are_one_unit_everywhere() -> None:
    tokens = make_tokens([
        [w("L'", "le", "DET"), w("open", pos="ADJ"), w("-", "-", "PUNCT"), w("source"), w("progresse", "progresser",
                                                                                          "VERB"), DOT],
        [w("Les", "le", "DET"), w("codes", "code"), w("sources", "source"), w("de", "de", "ADP"),
         w("Hugging", "Hugging", "PROPN"), w("Face", "face"), DOT],
        [w("L'", "le", "DET"), w("Open", "open", "ADJ"), w("Source", "source", "PROPN"),
         w("Initiative", "initiative", "PROPN"), w("juge", "juger", "VERB"), w("la", "le", "DET"), w("source"), DOT],
    ])
    units = tm.units_table(tokens=tokens, terms=TERMS, merge_names=False)
    terms = units[units["kind"] == "term"]
    assert terms["label"].tolist() == ["open source", "code source", "Hugging Face", "Open Source Initiative"]
    assert terms["text"].tolist() == ["open-source", "codes sources", "Hugging Face", "Open Source Initiative"]
    freq = tm.term_frequencies(units)
    assert freq.loc["open source", "total"] == 1
    assert freq.loc["source", "total"] == 1  # only the free-standing 'source' of sentence 3
    assert "hugging" not in {k.lower() for k in freq.index} and "face" not in freq.index
    assert "le" not in freq.index and "de" not in freq.index  # stop words out
    assert "." not in set(tm.content(units)["key"])


def test_project_term_list_and_stop_words() -> None:
    terms = tm.TermList.load()
    assert terms.canonical("Open-Source") == "open source"
    assert terms.canonical("intelligences artificielles") == "intelligence artificielle"
    assert terms.canonical("Hugging Face") == "Hugging Face"
    assert terms.canonical("modèle") is None
    fr = tm.stop_words("fr")
    assert {"le", "de", "être", "falloir"} <= fr  # spaCy's list plus the project list
    assert "modèle" not in fr and "source" not in fr
    assert "the" in tm.stop_words("en")


def test_names_found_by_the_recogniser_merge_in_every_article(fixture_corpus) -> None:
    units = tm.units_table(fixture_corpus)
    multi = tm.multiword_units(units).set_index("label")
    assert "Hugging Face" in multi.index and "Yann LeCun" in multi.index and "Mistral AI" in multi.index
    assert multi.loc["Mistral AI", "freq"] >= 2  # title and body of mistral_souverainete.txt
    # no content unit overlaps another: every token belongs to one unit at most
    spans = units[["doc_id", "i", "i_end"]].sort_values(["doc_id", "i"])
    for _, g in spans.groupby("doc_id"):
        assert (g["i"].to_numpy()[1:] >= g["i_end"].to_numpy()[:-1]).all()


# --------------------------------------------------------------------------- diversity

def test_mattr_and_lexical_diversity_by_hand() -> None:
    assert tm.mattr(["a", "b", "a", "c"], window=2) == pytest.approx(1.0)  # (a b) (b a) (a c)
    assert tm.mattr(["a", "a", "a", "b"], window=2) == pytest.approx((0.5 + 0.5 + 1) / 3)
    assert tm.mattr(["a", "a", "b"], window=10) == pytest.approx(2 / 3)  # shorter than the window: TTR
    tokens = make_tokens([[w("Le", "le", "DET"), w("chat"), w("le", "le", "DET"), w("chien"), DOT,
                           ("3", "3", "NUM")]])
    div = tm.lexical_diversity(tokens).iloc[0]
    assert (div["n_words"], div["n_types"]) == (4, 3)  # 'Le' and 'le' are one type; '.' and '3' are out
    assert div["ttr"] == pytest.approx(0.75) and div["root_ttr"] == pytest.approx(3 / 2)


# --------------------------------------------------------------------------- KWIC

@pytest.fixture(scope="module")
def kwic_docs(nlp):
    return {"a": nlp("Le modèle ouvert est publié. Un modèle fermé coûte très cher."),
            "b": nlp("Les communautés de l'open-source partagent des idées ouvertes.\nModèle gratuit.")}


def test_kwic_context_stops_at_sentence_boundaries(kwic_docs) -> None:
    conc = tm.kwic(kwic_docs, "modèle", window=2)
    rows = conc[["doc_id", "sent_id", "left", "keyword", "right"]].values.tolist()
    assert rows == [["a", 0, "Le", "modèle", "ouvert est"], ["a", 1, "Un", "modèle", "fermé coûte"],
                    ["b", 1, "", "Modèle", "gratuit."]]
    wide = tm.kwic(kwic_docs, "modèle", window=50)
    assert wide.iloc[0]["right"] == "ouvert est publié."  # not into the next sentence
    assert wide.iloc[1]["left"] == "Un"  # not back into the previous one
    doc = kwic_docs["a"]
    first = wide.iloc[0]
    assert doc.text[first["start_char"]:first["end_char"]] == "modèle"


def test_kwic_matches_lemmas_and_term_variants(kwic_docs) -> None:
    conc = tm.kwic(kwic_docs, "ouvert", window=3)
    assert set(conc["keyword"]) >= {"ouvert", "ouvertes"}
    assert tm.kwic(kwic_docs, "ouvert", match="form")["keyword"].tolist() == ["ouvert"]
    os_ = tm.kwic(kwic_docs, "open source", window=2)
    assert os_["keyword"].tolist() == ["open-source"]
    assert os_.iloc[0]["left"] == "de l'" and os_.iloc[0]["right"] == "partagent des"
    assert tm.kwic(kwic_docs, "absent").empty and tm.kwic(kwic_docs, "  ").empty


def test_kwic_html_escapes_article_text(nlp) -> None:
    conc = tm.kwic({"x": nlp("Le <script>alert(1)</script> modèle & co.")}, "modèle", window=5)
    out = tm.kwic_html(conc)
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out
    assert "No occurrence" in tm.kwic_html(conc.iloc[:0])


# --------------------------------------------------------------------------- collocations, co-occurrents

def _colloc_units() -> pd.DataFrame:
    s = [
        [w("Le", "le", "DET"), w("code"), w("ouvert", pos="ADJ"), w("progresse", "progresser", "VERB"), DOT],
        [w("Le", "le", "DET"), w("code"), w("ouvert", pos="ADJ"), w("gagne", "gagner", "VERB"), DOT],
        [w("Le", "le", "DET"), w("code"), w("ouvert", pos="ADJ"), w("progresse", "progresser", "VERB"), DOT],
        [w("Un", "un", "DET"), w("code"), w("fermé", pos="ADJ"), w("recule", "reculer", "VERB"), DOT],
        [w("Le", "le", "DET"), w("budget"), w("de", "de", "ADP"), w("code"), DOT],
    ]
    return tm.units_table(tokens=make_tokens(s), terms=TERMS, merge_names=False)


def test_collocation_counts_and_frequency_floor() -> None:
    units = _colloc_units()
    bi = tm.collocations(units, n=2, min_freq=2, top=None)
    counts = dict(zip(bi["lemmas"], bi["freq"], strict=True))
    # 'code ouvert' 3 times, 'ouvert progresser' twice; 'code fermé' once (below the floor);
    # 'budget de code' holds a stop word; nothing jumps over the sentence-final period
    assert counts == {"code ouvert": 3, "ouvert progresser": 2}
    assert bi.iloc[0]["collocation"] == "code ouvert" and bi.iloc[0]["score"] > bi.iloc[1]["score"]
    assert bi.iloc[1]["collocation"] == "ouvert progresse"  # the spelling met in the text
    tri = tm.collocations(units, n=3, min_freq=2, top=None)
    assert dict(zip(tri["lemmas"], tri["freq"], strict=True)) == {"code ouvert progresser": 2}
    assert tm.collocations(units, n=2, min_freq=4).empty
    pmi = tm.collocations(units, n=2, measure="pmi", min_freq=1, top=None)
    assert len(pmi) == 5 and (pmi["measure"] == "pmi").all()
    with pytest.raises(ValueError):
        tm.collocations(units, measure="nonsense")


def test_cooccurrents_by_hand() -> None:
    units = _colloc_units()
    co = tm.cooccurrents(units, "ouvert", min_cofreq=1).set_index("key")
    # 'ouvert' in sentences 0-2 of 5. 'code' is in all 5 sentences, so in all 3 with 'ouvert':
    # P(X >= 3) with N=5, K=5, n=3 is 1 -> score 0. 'progresser': in 2 sentences, both with 'ouvert':
    # P(X >= 2) = C(2,2) C(3,1) / C(5,3) = 3/10.
    assert co.loc["code", "cofreq"] == 3 and co.loc["code", "score"] == pytest.approx(0.0, abs=1e-9)
    assert co.loc["progresser", "cofreq"] == 2 and co.loc["progresser", "freq"] == 2
    assert co.loc["progresser", "p_value"] == pytest.approx(0.3)
    assert co.index[0] == "progresser"
    assert "fermé" not in co.index and "ouvert" not in co.index
    assert tm.cooccurrents(units, "absent").empty


def test_example_sentence_helpers() -> None:
    units = _colloc_units()
    sentences = units.groupby(["doc_id", "sent_id"])["text"].agg(" ".join).reset_index()
    ex = tm.sentences_with(units, sentences, ["code", "fermé"])
    assert ex["sent_id"].tolist() == [3] and ex.iloc[0]["cues"] == "code; fermé"
    ng = tm.ngram_sentences(units, sentences, ["ouvert", "progresser"])
    assert ng["sent_id"].tolist() == [0, 2]


def test_empty_inputs_do_not_crash() -> None:
    empty = tm.units_table(tokens=make_tokens([]), terms=TERMS)
    assert empty.empty and tm.term_frequencies(empty).empty
    assert tm.collocations(empty).empty and tm.cooccurrents(empty, "x").empty
    assert tm.corpus_keyness(empty).empty and tm.lexical_diversity(make_tokens([])).empty
    assert "nothing to compare" in tm.keyness_remarks(tm.corpus_keyness(empty))


def test_real_tokens_table_units(nlp) -> None:
    doc = nlp("Les modèles d'intelligence artificielle open source progressent. DeepSeek publie ses poids.")
    units = tm.units_table(tokens=tokens_table({"d": doc}), docs={"d": doc})
    labels = tm.content(units)["label"].tolist()
    assert "intelligence artificielle" in labels and "open source" in labels and "DeepSeek" in labels
    assert "modèle" in labels


# --------------------------------------------------------------------------- notebook

def _outputs(path: Path) -> tuple[str, list[str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    texts, errors = [], []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(out.get("ename", ""))
            texts.append("".join(out.get("text", "")))
            for key in ("text/markdown", "text/html", "text/plain"):
                texts.append("".join(out.get("data", {}).get(key, "")))
    return "\n".join(texts), errors


@pytest.mark.notebook
def test_notebook_runs_on_fixture_corpus(run_notebook, tmp_path) -> None:
    out = run_notebook("01_corpus_overview")
    text, errors = _outputs(out)
    assert not errors
    figures = {p.stem for p in (tmp_path / "output" / "figures").glob("*.png")}
    assert {"01_article_lengths", "01_timeline", "01_top_terms", "01_wordcloud_corpus", "01_wordcloud_articles",
            "01_keyness_articles", "01_keyness_source", "01_keyness_month"} <= figures
    assert {p.stem for p in (tmp_path / "output" / "figures").glob("*.svg")} == figures
    assert "english_article.txt" in text  # the skipped English article is reported
    assert "Hugging Face" in text and "open source" in text
    assert "<script>" not in text.replace("&lt;script&gt;", "")  # the hostile HTML page stays escaped
    assert (tmp_path / "output" / "tables" / "01_keyness_articles.csv").exists()


@pytest.mark.notebook
def test_notebook_runs_on_a_single_article(run_notebook, tmp_path) -> None:
    folder = tmp_path / "single"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "corpus" / "mistral_souverainete.txt", folder)
    out = run_notebook("01_corpus_overview", corpus_dir=folder)
    text, errors = _outputs(out)
    assert not errors
    assert "it needs at least two articles" in text
    assert "fewer than two distinct values" in text


@pytest.mark.notebook
def test_notebook_runs_when_no_article_is_french(run_notebook, tmp_path) -> None:
    folder = tmp_path / "english"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "corpus" / "english_article.txt", folder)
    out = run_notebook("01_corpus_overview", corpus_dir=folder)
    text, errors = _outputs(out)
    assert not errors
    assert "no article that could be analysed" in text or "0 articles analysed" in text


def test_largest_parts_keep_natural_order() -> None:
    a = make_tokens([[w("jardin"), w("modèle"), DOT]], "a")
    b = make_tokens([[w("modèle"), w("modèle"), w("jardin"), w("budget"), DOT]], "b")
    c = make_tokens([[w("modèle"), w("budget"), w("code"), DOT]], "c")
    units = tm.units_table(tokens=pd.concat([a, b, c]), terms=TERMS, merge_names=False)
    assert tm.largest_parts(units, "doc_id", n=2) == ["b", "c"]
    groups = pd.Series({"a": "2025-02", "b": "2025-01", "c": "2025-02"})
    assert tm.largest_parts(units, groups, n=5) == ["2025-01", "2025-02"]


def test_kwic_from_the_tokens_table_matches_kwic_on_docs(fixture_corpus) -> None:
    from helpers import textometry as T

    index = T.kwic_index(fixture_corpus.tokens)
    docs = fixture_corpus.subset(list(fixture_corpus.docs))
    for q in ("open source", "ouvert", "Mistral", "modèle"):
        on_docs = T.kwic(docs, q, window=6)
        on_tokens = T.kwic_tokens(index, q, window=6)
        assert len(on_docs) > 0, q
        pd.testing.assert_frame_equal(on_tokens.reset_index(drop=True), on_docs.reset_index(drop=True), obj=q)


def test_bounded_keyness_is_the_top_of_the_full_table(fixture_corpus) -> None:
    from helpers import textometry as T

    units = T.units_table(fixture_corpus)
    full = T.corpus_keyness(units, min_freq=1)
    chunked = T.keyness(T.count_matrix(units), T.part_sizes(units), min_freq=1, labels=T.label_map(units), chunk=2)
    pd.testing.assert_frame_equal(chunked, full)
    top = T.corpus_keyness(units, min_freq=1, top=3)
    assert top.groupby(["part", "direction"]).size().max() <= 3
    assert len(top) < len(full)
    for part, g in full.groupby("part"):
        best = g[g["specificity"] > 0].sort_values(["specificity", "key"], ascending=[False, True]).head(3)
        got = top[(top["part"] == part) & (top["specificity"] > 0)]
        assert list(got["key"]) == list(best["key"]), part
