"""The learned stance and frame detectors: training end to end, determinism, the shipped model and its card,
and the kinds of arguments the rule detector used to miss (issue 10), on sentences written for these tests."""

from __future__ import annotations

import json
import math
from pathlib import Path

import joblib
import numpy as np
import pytest

from helpers import framing, model_card, stance
from helpers.learning import shipped
from helpers.learning.gold import read_gold
from helpers.learning.train import CARD_FILE, FIXTURE, MODEL_FILE, _parse_uncached, train

# A tiny coded corpus, written for this test (not press text): four articles, all three stances, a few frames.
TINY = [
    {"doc": "t1", "sentences": [
        {"text": "Les modèles ouverts permettent aux chercheurs de vérifier leur fonctionnement.", "stance": "pro",
         "frames": ["transparency"]},
        {"text": "Publier les poids favorise l'innovation des start-up.", "stance": "pro", "frames": ["innovation"]},
        {"text": "Mais diffuser les poids expose à des détournements dangereux.", "stance": "con", "frames": ["security"]},
        {"text": "La conférence a eu lieu mardi.", "stance": "none", "frames": []}]},
    {"doc": "t2", "sentences": [
        {"text": "Les partisans de l'open source saluent cette ouverture.", "stance": "pro", "frames": ["community"]},
        {"text": "Des acteurs malveillants pourraient retirer les garde-fous du modèle ouvert.", "stance": "con",
         "frames": ["security"]},
        {"text": "Le texte compte dix pages.", "stance": "none", "frames": []}]},
    {"doc": "t3", "sentences": [
        {"text": "L'IA open source démocratise l'accès à la technologie.", "stance": "pro", "frames": ["access"]},
        {"text": "Le risque de désinformation augmente avec les modèles ouverts.", "stance": "con",
         "frames": ["security"]},
        {"text": "Il pleuvait ce jour-là.", "stance": "none", "frames": []}]},
    {"doc": "t4", "sentences": [
        {"text": "Un modèle ouvert réduit les coûts pour les entreprises.", "stance": "pro", "frames": ["economy"]},
        {"text": "Les critiques jugent ces modèles ouverts dangereux.", "stance": "con", "frames": ["security"]},
        {"text": "La salle était pleine.", "stance": "none", "frames": []}]},
]


@pytest.fixture(scope="module")
def tiny_gold(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gold") / "tiny.jsonl"
    path.write_text("\n".join(json.dumps({**a, "split": "train"}, ensure_ascii=False) for a in TINY) + "\n",
                    encoding="utf-8")
    return path


def test_tiny_training_runs_end_to_end_and_is_deterministic(tiny_gold: Path, tmp_path: Path) -> None:
    cards, models = [], []
    for run in ("a", "b"):
        out = tmp_path / run
        cards.append(train(out, folds=2, repeats=2, seed=3, gold_files=[("tiny", tiny_gold)], progress=False,
                           n_boot=50))
        models.append(joblib.load(out / MODEL_FILE))
        assert (out / CARD_FILE).exists()
    a, b = cards
    assert a["stance"]["cv"]["macro_f1"] == b["stance"]["cv"]["macro_f1"]
    assert a["frames"]["cv"]["micro_f1"] == b["frames"]["cv"]["micro_f1"]
    assert a["fixture"] == b["fixture"]
    np.testing.assert_array_equal(models[0]["stance"].base.coef_, models[1]["stance"].base.coef_)
    # the card has the agreed schema, with intervals around the means
    m = a["stance"]["cv"]["macro_f1"]
    assert set(m) == {"mean", "ci"} and m["ci"][0] <= m["ci"][1]
    assert set(a["stance"]["cv"]["per_class"]) == {"pro", "con", "none"}
    assert "macro_f1" in a["stance"]["rules_cv"] and "micro_f1" in a["frames"]["rules_cv"]
    assert a["training_data"]["train"]["articles"] == 4
    assert a["final_test"].startswith("not run")
    # another seed gives another fold assignment (the seed matters)
    other = train(tmp_path / "c", folds=2, repeats=2, seed=4, gold_files=[("tiny", tiny_gold)], progress=False,
                  n_boot=50, write=False)
    assert other["cv_design"]["seed"] == 4


def test_training_never_reads_the_held_out_check(tmp_path: Path) -> None:
    heldout = Path(__file__).resolve().parents[1] / "data" / "annotations" / "heldout" / "heldout.jsonl"
    with pytest.raises(ValueError, match="held-out"):
        read_gold([("heldout", heldout)])


def test_bad_gold_line_is_reported_and_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text('{"doc": "a", "sentences": [{"text": "x", "stance": "maybe"}]}\nnot json\n'
                    + json.dumps(TINY[0]) + "\n", encoding="utf-8")
    arts = read_gold([("g", path)])
    assert [a.doc for a in arts] == ["t1"]
    assert "g.jsonl line 1" in caplog.text and "line 2" in caplog.text


# --------------------------------------------------------------------------- the shipped model

needs_model = pytest.mark.skipif(shipped.shipped_models() is None, reason="no shipped model (run make train)")


@needs_model
def test_shipped_model_reproduces_its_card_fixture() -> None:
    card = model_card.load_card()
    assert card is not None and card["fixture"]
    assert [f["text"] for f in card["fixture"]] == FIXTURE
    models = shipped.shipped_models()
    from helpers.learning.features import doc_features

    sf = doc_features(_parse_uncached(_fixture_article(), card["spacy_model"]))
    feats, vecs = [f.feats for f in sf], np.vstack([f.vector for f in sf])
    labels, probs = models["stance"].predict(feats, vecs)
    frames = models["frames"].predict(feats, vecs)
    for exp, lab, p, fr in zip(card["fixture"], labels, probs, frames, strict=True):
        assert lab == exp["stance"], exp["text"]
        assert math.isclose(float(p), exp["prob"], abs_tol=2e-3), exp["text"]
        assert sorted(f for f, _ in fr) == exp["frames"], exp["text"]


def _fixture_article():
    from helpers.learning.gold import GoldArticle, GoldSentence

    return GoldArticle("fixture", "fixture", "train", [GoldSentence(i, t, "none", ()) for i, t in enumerate(FIXTURE)])


@needs_model
def test_shipped_card_has_the_agreed_schema() -> None:
    card = model_card.load_card()
    for key in ("stance", "frames", "training_data", "agreement", "known_weaknesses", "fixture", "final_test"):
        assert key in card
    m = card["stance"]["cv"]["macro_f1"]
    assert 0 <= m["ci"][0] <= m["mean"] <= m["ci"][1] <= 1
    f = card["frames"]["cv"]["micro_f1"]
    assert 0 <= f["ci"][0] <= f["mean"] <= f["ci"][1] <= 1
    for cls in ("pro", "con"):
        assert set(card["stance"]["cv"]["per_class"][cls]) == {"precision", "recall", "f1"}
    assert card["stance"]["rules_cv"]["macro_f1"]["mean"] >= 0
    size = (Path(model_card.CARD_PATH).parent / MODEL_FILE).stat().st_size
    assert size < 8e6  # a few MB at most


# --------------------------------------------------------------------------- the kinds of misses of issue 10

# Each case: a short article (context first), the index of the sentence checked, its expected stance.
# Written for this test: variants of the kinds of sentences listed in the issue, not the issue's own sentences.
MISSES = {
    "verb carries the argument (warning against a ban)": (
        "Les modèles ouverts se multiplient en Europe. La députée met en garde contre la tentation de rendre "
        "illégale la publication des modèles ouverts.", 1, "pro"),
    "verb carries the argument (do not hinder)": (
        "Le rapport parlementaire porte sur l'IA open source. Il recommande de ne pas mettre de bâtons dans les "
        "roues des développeurs de modèles ouverts.", 1, "pro"),
    "doubt about openness without a doubt word": (
        "L'Open Source Initiative a fixé une définition de l'IA ouverte. Or, les modèles Gemma ne respectent pas "
        "cette définition.", 1, "con"),
    "strategic suspicion": (
        "Meta présente sa stratégie open source comme un cadeau fait aux développeurs. Cette stratégie cache "
        "pourtant une réalité bien moins généreuse.", 1, "con"),
    "short reinforcing sentence after a con sentence": (
        "Une fois les poids d'un modèle ouvert publiés, n'importe qui peut retirer ses garde-fous. "
        "La menace est bien réelle.", 1, "con"),
    "stance from the previous sentence": (
        "Des sénateurs proposent d'interdire la diffusion des poids des modèles ouverts. Une telle mesure serait "
        "contre-productive.", 1, "pro"),
}


@pytest.fixture(scope="module")
def nlp():
    from helpers.nlp import load_pipeline

    return load_pipeline()


@pytest.mark.parametrize("detector", ["learned", "rules"])
@pytest.mark.parametrize("kind", list(MISSES))
def test_kinds_of_misses_come_out_right(nlp, kind: str, detector: str) -> None:
    if detector == "learned" and shipped.shipped_models() is None:
        pytest.skip("no shipped model")
    text, k, expected = MISSES[kind]
    table = stance.stance_table({"d": nlp(text)}, detector=detector)
    row = table[table["sent_id"] == k].iloc[0]
    assert row["stance"] == expected, f"{kind}: {row['text']} -> {row['stance']} ({row['evidence']})"


# --------------------------------------------------------------------------- inference and evidence

@needs_model
def test_learned_tables_carry_probability_and_evidence(nlp) -> None:
    doc = nlp(" ".join(FIXTURE))
    st = stance.stance_table({"d": doc}, detector="learned")
    assert list(st.columns) == stance.STANCE_COLUMNS
    assert st["prob"].between(0, 1).all()
    args = stance.arguments_table(st)
    assert len(args) and (args["evidence"].str.len() > 0).all()
    rules = stance.stance_table({"d": doc}, detector="rules")
    assert rules["prob"].isna().all()
    fr = framing.frames_table({"d": doc}, detector="learned")
    assert list(fr.columns) == framing.FRAME_COLUMNS
    assert len(fr) and fr["prob"].between(0, 1).all() and (fr["evidence"].str.len() > 0).all()
    assert framing.frames_table({"d": doc}, detector="rules")["prob"].isna().all()


def test_default_detector_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(shipped.ENV_VAR, raising=False)
    shipped.set_default_detector("rules")
    assert shipped.resolve_detector(None) == "rules"
    shipped.set_default_detector(None)
    with pytest.raises(ValueError, match="unknown detector"):
        shipped.resolve_detector("magic")
    monkeypatch.setattr(shipped, "MODEL_PATH", Path("/nonexistent/model.joblib"))
    with pytest.warns(UserWarning, match="rule detector"):
        assert shipped.resolve_detector(None) == "rules"


def test_rules_are_the_default_unless_the_learned_gain_is_certain(tmp_path: Path, monkeypatch) -> None:
    def card(learned: float, rules: float, ci: list[float]) -> None:
        m = {"stance": {"cv": {"macro_f1": {"mean": learned}}, "rules_cv": {"macro_f1": {"mean": rules}},
                        "difference_cv": {"macro_f1": {"mean": learned - rules, "ci": ci}}}}
        (tmp_path / "model_card.json").write_text(json.dumps(m), encoding="utf-8")

    monkeypatch.setattr(shipped, "MODELS_DIR", tmp_path)
    card(0.50, 0.45, [0.02, 0.09])
    assert not shipped.rules_preferred("stance"), "a certain gain: learned"
    card(0.596, 0.595, [-0.015, 0.015])
    assert shipped.rules_preferred("stance"), "a tie: the explainable rules"
    card(0.40, 0.45, [-0.09, -0.02])
    assert shipped.rules_preferred("stance")
    assert not shipped.rules_preferred("frames"), "no figures for the layer: learned"
    assert shipped.rules_preferred("stance") and shipped.resolve_detector(None, "stance") == "rules"


def test_model_card_helpers_say_not_measured_when_absent(tmp_path: Path) -> None:
    assert model_card.load_card(tmp_path / "missing.json") is None
    assert "not measured yet" in model_card.summary_markdown(None)
    table = model_card.stance_scores(None)
    assert (table.loc[0, "learned f1"] == model_card.NOT_MEASURED)
    assert model_card.frame_scores({})["learned"].iloc[0] == model_card.NOT_MEASURED
    assert model_card.fmt({"mean": 0.5, "ci": [0.4, 0.6]}) == "0.50 [0.40, 0.60]"


def test_agreement_is_computed_from_the_committed_passes(tmp_path):
    """The card's agreement covers the manifest's articles only, from the text-free pass files."""
    import json

    from helpers.learning.train import _agreement

    (tmp_path / "passA").mkdir()
    (tmp_path / "passB").mkdir()
    (tmp_path / "manifest.jsonl").write_text(json.dumps({"doc": "x1.txt"}) + "\n", encoding="utf-8")
    a = [{"i": 0, "s": "p", "f": ["access"]}, {"i": 1, "s": "n", "f": []}, {"i": 2, "s": "c", "f": ["security"]}]
    b = [{"i": 0, "s": "p", "f": ["access"]}, {"i": 1, "s": "c", "f": []}, {"i": 2, "s": "c", "f": []}]
    left_out = {"doc": "x2.txt", "sentences": [{"i": 0, "s": "p", "f": []}]}  # not in the manifest
    (tmp_path / "passA" / "x.labels.jsonl").write_text(
        json.dumps({"doc": "x1.txt", "sentences": a}) + "\n" + json.dumps(left_out) + "\n", encoding="utf-8")
    (tmp_path / "passB" / "x.labels.jsonl").write_text(json.dumps({"doc": "x1.txt", "sentences": b}) + "\n",
                                                      encoding="utf-8")
    agr = _agreement(tmp_path)
    assert agr["articles"] == 1 and agr["sentences"] == 3
    assert agr["stance"]["raw_agreement"] == round(2 / 3, 3)
    assert agr["frames"]["f1_between_passes"] == round(2 / 3, 3)
    assert isinstance(_agreement(tmp_path / "missing"), str)


def test_relevance_gate_removes_stance_and_frames_of_articles_judged_off_topic(tiny_gold: Path) -> None:
    from helpers.framing.lexicon import FRAMES
    from helpers.learning import evaluate
    from helpers.learning.gold import parse_gold
    from helpers.relevance_train import Example

    arts = read_gold([("tiny", tiny_gold)])
    data = evaluate.build_dataset(arts, parse_gold(arts))
    texts = {a.key: " ".join(s.text for s in a.sentences) for a in arts}
    # no AI vocabulary at all: the rule guard of helpers.relevance.decide judges it off topic, whatever the model
    texts["tiny:t4"] = "Le marché du village ouvre le samedi. Les producteurs vendent des légumes et du fromage."
    off = [Example(f"o{i}", "offtopic_press", t, "off_topic") for i, t in enumerate(
        ["Le match de football s'est joué sous la pluie.", "La mairie rénove la piscine municipale cet été.",
         "Le festival de musique attire des milliers de visiteurs.", "Les agriculteurs manifestent contre les prix."])]
    gate = evaluate.RelevanceGate(texts=texts, labels={k: "on_topic" for k in texts}, offtopic=off)
    assert gate.off_groups(["tiny:t1", "tiny:t2", "tiny:t3"], ["tiny:t4"]) == {"tiny:t4"}
    evaluate.N_BOOT = 20
    cv = evaluate.cross_validate(data, FRAMES, folds=2, repeats=1, seed=0, gate=gate)
    assert {"learned", "rules", "learned_ungated", "rules_ungated"} <= set(cv["stance"])
    t4 = [i for i, g in enumerate(data.groups) if g == "tiny:t4"]
    oof = cv["oof_last_repeat"]
    assert all(oof["stance"][i] == "none" and oof["frames"][i] == () for i in t4)
    assert "in-fold relevance classifier" in cv["design"]["relevance_gate"]


def test_retraining_keeps_the_cards_record_of_experiments(tiny_gold: Path, tmp_path: Path) -> None:
    out = tmp_path / "m"
    out.mkdir()
    (out / CARD_FILE).write_text(json.dumps({"experiments": {"runs": [{"what": "earlier try"}]}}), encoding="utf-8")
    card = train(out, folds=2, repeats=1, seed=0, gold_files=[("tiny", tiny_gold)], progress=False, n_boot=20,
                 gate=False)
    assert card["experiments"]["runs"][0]["what"] == "earlier try"
    assert json.loads((out / CARD_FILE).read_text(encoding="utf-8"))["experiments"] == card["experiments"]
    assert card["cv_design"]["relevance_gate"].startswith("none")


def test_cross_validation_also_scores_the_press_articles_alone(tiny_gold: Path, tmp_path: Path) -> None:
    from helpers.framing.lexicon import FRAMES
    from helpers.learning import evaluate
    from helpers.learning.gold import parse_gold

    recs = [json.loads(line) for line in tiny_gold.read_text(encoding="utf-8").splitlines()]
    seeds, press = tmp_path / "seeds.jsonl", tmp_path / "press.jsonl"
    seeds.write_text(json.dumps(recs[0], ensure_ascii=False) + "\n", encoding="utf-8")
    press.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs[1:]) + "\n", encoding="utf-8")
    arts = read_gold([("seeds", seeds), ("press", press)])
    data = evaluate.build_dataset(arts, parse_gold(arts))
    evaluate.N_BOOT = 20
    cv = evaluate.cross_validate(data, FRAMES, folds=2, repeats=1, seed=0)
    assert {"learned_press_only", "rules_press_only"} <= set(cv["stance"]) and "learned_press_only" in cv["frames"]
    # the press-only score is the metric of the press sentences' out-of-fold predictions, nothing else
    oof = cv["oof_last_repeat"]["stance"]
    idx = [i for i, g in enumerate(data.groups) if g.startswith("press:") and data.body[i]]
    want = evaluate.stance_metrics([data.stance[i] for i in idx], [oof[i] for i in idx])["macro_f1"]
    assert cv["stance"]["learned_press_only"]["macro_f1"]["mean"] == round(want, 4)
    # a gold without press articles has no such breakdown
    only_seeds = evaluate.build_dataset(arts[:1] * 1, parse_gold(arts[:1]))
    assert "learned_press_only" not in evaluate._scored(only_seeds, [{"learned": ["none"] * len(only_seeds),
                                                                      "rules": ["none"] * len(only_seeds)}],
                                                       [{"learned": [()] * len(only_seeds),
                                                         "rules": [()] * len(only_seeds)}], FRAMES, 0)["stance"]


def test_retraining_keeps_the_record_of_experiments_on_the_card(tmp_path: Path) -> None:
    from helpers.model_card import carry_experiments

    old = tmp_path / "card.json"
    card: dict = {"cv": {"f1": 0.5}}
    carry_experiments(card, old)  # no card yet: nothing to keep
    assert "experiments" not in card
    old.write_text(json.dumps({"cv": {"f1": 0.4}, "experiments": [{"what": "C 2", "verdict": "noise"}]}), encoding="utf-8")
    carry_experiments(card, old)
    assert card == {"cv": {"f1": 0.5}, "experiments": [{"what": "C 2", "verdict": "noise"}]}
