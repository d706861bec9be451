"""Relevance: article labels, sentence targets, gating of frames and stance, the learned model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import relevance as R
from helpers import relevance_train as RT

ON = ("Meta publie les poids de Llama en open source. Les défenseurs de l'IA ouverte saluent la transparence "
      "des modèles ouverts. Mistral AI défend aussi l'open source face aux modèles fermés d'OpenAI. "
      "Les critiques craignent que des modèles d'IA open source soient détournés.")
AI = ("ChatGPT a conquis les entreprises. L'intelligence artificielle générative transforme les métiers du "
      "droit, selon une étude. Les salariés utilisent l'IA pour rédiger des courriels.")
OFF = ("Les vaches du Cantal ne sont jamais soumises à la trayeuse le dimanche. La coopérative laitière "
       "défend un modèle économique innovant et solidaire face à la concurrence des géants de l'agroalimentaire. "
       "Les éleveurs réclament une régulation des prix et plus de transparence sur les marges.")


def test_rules_tell_on_topic_ai_general_and_off_topic() -> None:
    assert R.rule_relevance(ON)[0] == "on_topic"
    assert R.rule_relevance(AI)[0] == "ai_general"
    assert R.rule_relevance(OFF) == ("off_topic", 0.0)


def test_relevance_table_rules_and_overrides(caplog: pytest.LogCaptureFixture) -> None:
    texts = {"on.txt": ON, "off.txt": OFF, "ai.txt": AI}
    t = R.relevance_table(texts, method="rules", overrides={"off.txt": "on", "ai.txt": "n'importe quoi"})
    got = dict(zip(t["doc_id"], t["relevance"], strict=True))
    assert got == {"on.txt": "on_topic", "off.txt": "on_topic", "ai.txt": "ai_general"}
    assert t.set_index("doc_id").loc["off.txt", "relevance_source"] == "override"
    assert "not recognised" in caplog.text
    assert set(R.relevance_table(texts, method="all")["relevance"]) == {"on_topic"}


def test_missing_model_falls_back_to_rules(tmp_path: Path) -> None:
    R.load_model.cache_clear()
    t = R.relevance_table({"off.txt": OFF}, model_path=str(tmp_path / "absent.joblib"))
    assert t.loc[0, "relevance_source"] == "rules" and t.loc[0, "relevance"] == "off_topic"
    bad = tmp_path / "bad.joblib"
    bad.write_bytes(b"not a model")
    t = R.relevance_table({"on.txt": ON}, model_path=str(bad))
    assert t.loc[0, "relevance_source"] == "rules" and t.loc[0, "relevance"] == "on_topic"


def test_gate_blanks_off_subject_and_keeps_the_original() -> None:
    targets = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [0, 1, 0], "on_subject": [True, True, False],
                            "subject_reason": ["on-topic article"] * 2 + ["article judged off_topic"]})
    frames = pd.DataFrame({"doc_id": ["a", "b", "b"], "sent_id": [0, 0, 0], "frame": ["economy", "economy", "ethics"],
                           "cues": ["x", "y", "z"]})
    stances = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [0, 1, 0], "stance": ["pro", "none", "con"],
                            "categories": ["economy", "", "economy; ethics"]})
    kept, st = R.gate(frames, stances, targets)
    assert kept[["doc_id", "sent_id"]].values.tolist() == [["a", 0]]
    b = st[st["doc_id"] == "b"].iloc[0]
    assert b["stance"] == "none" and b["stance_ungated"] == "con" and not b["on_subject"]
    assert b["frames_off_subject"] == "economy; ethics"
    a = st[(st["doc_id"] == "a") & (st["sent_id"] == 0)].iloc[0]
    assert a["stance"] == "pro" and a["on_subject"] and a["frames_off_subject"] == ""


def _examples(n: int = 8) -> list[RT.Example]:
    rng = np.random.default_rng(0)
    on_words = ["open source", "poids ouverts", "modèles ouverts", "Llama", "Mistral", "transparence", "OpenAI"]
    off_words = ["vaches", "gilets jaunes", "manifestation", "préfecture", "rugby", "élections", "trayeuse"]
    exs = []
    for k in range(n):
        on = " ".join(rng.choice(on_words, 12)) + ". L'IA open source progresse. L'intelligence artificielle aussi."
        off = " ".join(rng.choice(off_words, 12)) + ". Le cortège est parti de la place. Les élus ont réagi."
        exs += [RT.Example(f"on{k}", "fixture", on, "on_topic"), RT.Example(f"off{k}", "fixture", off, "off_topic")]
    return exs


def test_training_on_a_tiny_fixture_is_deterministic_and_cross_validates() -> None:
    exs = _examples()
    texts = [ON, OFF, AI]
    p1 = R.predict_proba(RT.fit(exs, seed=0), texts)
    p2 = R.predict_proba(RT.fit(exs, seed=0), texts)
    pd.testing.assert_frame_equal(p1, p2)
    assert p1.loc[0, "on_topic"] > p1.loc[1, "on_topic"]
    oof = RT.cross_val_predictions(exs, n_splits=4)
    assert len(oof) == len(exs) and set(oof["fold"]) == {0, 1, 2, 3}
    s = RT.scores(oof, n_boot=50)
    assert 0.0 <= s["macro_f1"]["ci"][0] <= s["macro_f1"]["mean"] <= s["macro_f1"]["ci"][1] <= 1.0


def test_shipped_model_loads_offline_and_has_a_card() -> None:
    R.load_model.cache_clear()
    bundle = R.load_model()
    assert bundle is not None, "src/helpers/models/relevance.joblib is missing"
    t = R.relevance_table({"on.txt": ON, "off.txt": OFF})
    assert t["relevance_source"].eq("model").all()
    assert t.set_index("doc_id").loc["off.txt", "relevance"] == "off_topic"
    card = R.model_card()
    assert card["cv"]["macro_f1"]["mean"] > 0.5 and card["data"]["n_articles"] > 100


def test_off_topic_article_gets_no_stance_or_frames(tmp_path: Path, cache_dir: Path) -> None:
    from helpers.pipeline import build_corpus

    from .conftest import TEST_MODEL

    (tmp_path / "vaches.txt").write_text("Les vaches et la coopérative\n\n" + OFF.replace(". ", ".\n"), encoding="utf-8")
    (tmp_path / "llama.txt").write_text("Llama et l'open source\n\n" + ON.replace(". ", ".\n"), encoding="utf-8")
    c = build_corpus(tmp_path, model=TEST_MODEL, cache_dir=cache_dir, progress=False)
    docs = c.documents.set_index("doc_id")
    assert docs.loc["vaches.txt", "relevance"] == "off_topic"
    assert docs.loc["llama.txt", "relevance"] == "on_topic"
    assert not (c.frames["doc_id"] == "vaches.txt").any()
    assert not (c.arguments["doc_id"] == "vaches.txt").any()
    assert (c.frames_ungated["doc_id"] == "vaches.txt").any(), "the ungated detector should see frames here"
    assert (c.frames["doc_id"] == "llama.txt").any()
    off = c.stances[c.stances["doc_id"] == "vaches.txt"]
    assert not off["on_subject"].any() and (off["stance"] == "none").all()
    # a metadata column overrides the machine
    (tmp_path / "metadata.csv").write_text("file,relevance\nvaches.txt,on_topic\n", encoding="utf-8")
    c2 = build_corpus(tmp_path, model=TEST_MODEL, cache_dir=cache_dir, progress=False)
    assert c2.documents.set_index("doc_id").loc["vaches.txt", "relevance_source"] == "override"
    assert (c2.frames["doc_id"] == "vaches.txt").any()
    # and so does the parameter
    c3 = build_corpus(tmp_path, model=TEST_MODEL, cache_dir=cache_dir, progress=False,
                      relevance={"llama.txt": "off_topic"})
    assert not (c3.frames["doc_id"] == "llama.txt").any()


def test_index_page_lists_off_topic_articles() -> None:
    from helpers.report import relevance_section

    docs = pd.DataFrame({"doc_id": ["a.txt", "b<script>.txt"], "title": ["A", "B"],
                         "relevance": ["on_topic", "off_topic"], "relevance_score": [0.9, 0.01],
                         "relevance_source": ["model", "model"]})
    html = relevance_section(docs)
    assert "<b>1</b> judged off topic" in html and "b&lt;script&gt;.txt" in html and "a.txt" not in html


def test_relevance_chosen_for_every_notebook_through_the_environment(monkeypatch, tmp_path):
    """`helpers report --relevance all` sets $HELPERS_RELEVANCE; build_corpus (in each notebook) follows it."""
    from helpers.pipeline import build_corpus

    from .conftest import FIXTURE_CORPUS, TEST_MODEL

    monkeypatch.setenv("HELPERS_RELEVANCE", "all")
    corpus = build_corpus(FIXTURE_CORPUS, model=TEST_MODEL, cache_dir=tmp_path, progress=False)
    assert set(corpus.documents["relevance"]) == {"on_topic"}
    assert set(corpus.documents["relevance_source"]) <= {"parameter (all on topic)", "override"}
    assert len(corpus.frames) == len(corpus.frames_ungated)
    explicit = build_corpus(FIXTURE_CORPUS, model=TEST_MODEL, cache_dir=tmp_path, progress=False, relevance="rules")
    assert set(explicit.documents["relevance_source"]) <= {"rules", "override"}


def test_machine_judgements_are_cached_per_text_and_model(tmp_path, monkeypatch) -> None:
    from helpers import relevance as R

    texts = {"a": "Meta publie Llama, un modèle d'IA open source aux poids ouverts. Les chercheurs saluent l'ouverture.",
             "b": "Le marché du village ouvre le samedi matin.",
             "c": "OpenAI présente un nouveau modèle d'intelligence artificielle fermé."}
    plain = R.relevance_table(texts)
    first = R.relevance_table(texts, cache_dir=tmp_path)
    assert first.equals(plain) and list(tmp_path.glob("relevance-*.pkl"))

    def no_model(*_a, **_k):
        raise AssertionError("the model should not be needed: every text is cached")

    monkeypatch.setattr(R, "load_model", no_model)
    again = R.relevance_table(texts, overrides={"b": "on_topic"}, cache_dir=tmp_path)
    assert again.drop(index=1).equals(plain.drop(index=1))
    assert again.loc[1, "relevance"] == "on_topic" and again.loc[1, "relevance_source"] == "override"
