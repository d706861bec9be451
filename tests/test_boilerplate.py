"""The learned boilerplate line classifier: gold lines, training on a tiny fixture, use in clean_text."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import boilerplate as B
from helpers import boilerplate_train as BT
from helpers.clean import clean_text
from helpers.training_data import GoldArticle

BODY = [
    "Le modèle publié cette semaine par la start-up parisienne rivalise avec les meilleurs systèmes fermés du marché.",
    "Les chercheurs ont pu examiner les poids et reproduire les résultats annoncés par l'entreprise.",
    "Selon plusieurs analystes, cette ouverture pourrait accélérer l'adoption dans les administrations publiques.",
    "La Commission européenne suit le dossier de près, alors que le règlement sur l'IA entre en application.",
    "Les développeurs saluent une licence permissive qui autorise les usages commerciaux sans restriction.",
    "D'autres experts mettent en garde contre des usages malveillants difficiles à contrôler une fois les poids diffusés.",
    "Le coût d'entraînement reste un secret bien gardé, même si l'entreprise évoque quelques millions d'euros.",
    "En Chine, plusieurs laboratoires ont déjà publié des modèles comparables, relançant la course technologique.",
]
COOKIES = [
    "Nous utilisons des cookies pour améliorer votre expérience et mesurer l'audience de notre site, vous pouvez les refuser.",
    "Ce site utilise des cookies afin de vous proposer des contenus adaptés à vos centres d'intérêt, acceptez-vous ?",
    "En poursuivant votre navigation sur ce site, vous acceptez l'utilisation de cookies et de traceurs publicitaires.",
]
NAV = ["Économie › Numérique › Intelligence artificielle", "Tech | Science | Culture | Monde", "Une > Tech > IA",
       "Actualité Économie Numérique Sport"]
CAPTIONS = ["Le siège de l'entreprise à Paris. (Getty Images)", "Vue de la salle des serveurs. PHOTO ARCHIVES",
            "Le patron de la start-up, lors d'une conférence. (Crédit : DR)"]


def _article(rng: np.random.Generator, k: int) -> GoldArticle:
    lines: list[tuple[str, bool]] = [(str(rng.choice(NAV)), True), (f"Un titre d'article numéro {k}", False)]
    body = list(rng.choice(BODY, 5, replace=False))
    lines += [(b, False) for b in body[:2]]
    lines.append((str(rng.choice(CAPTIONS)), True))
    lines += [(b, False) for b in body[2:]]
    lines.append((str(rng.choice(COOKIES)), True))
    text = "\n".join(t for t, _ in lines)
    sents = [{"i": i, "text": t, "boilerplate": bp, "stance": "none", "frames": []} for i, (t, bp) in enumerate(lines)]
    return GoldArticle(doc=f"a{k}.txt", source="fixture", body=text, sentences=sents)


@pytest.fixture(scope="module")
def fixture_articles() -> list[GoldArticle]:
    rng = np.random.default_rng(0)
    return [_article(rng, k) for k in range(12)]


def test_gold_lines_take_the_label_of_their_sentences() -> None:
    body = "Accueil > Tech\nUne phrase du corps. Et une autre phrase.\n\nPhoto : AFP"
    sents = [{"text": "Accueil > Tech", "boilerplate": True}, {"text": "Une phrase du corps.", "boilerplate": False},
             {"text": "Et une autre phrase.", "boilerplate": False}, {"text": "Photo : AFP", "boilerplate": True}]
    lines, labels = B.gold_lines(body, sents)
    assert labels == [1, 0, None, 1]
    assert lines[1] == "Une phrase du corps. Et une autre phrase."


def test_tiny_training_removes_banner_navigation_caption_and_keeps_body(fixture_articles) -> None:
    docs = BT.lined(fixture_articles)
    m1 = BT.fit(docs, seed=0)
    m2 = BT.fit(docs, seed=0)
    new = "\n".join(["Monde | Tech | Science | Culture", "Un titre d'article inédit", BODY[0], BODY[3],
                     "Vue de la salle des serveurs. (Getty Images)", BODY[5], COOKIES[1]])
    assert np.allclose(m1.proba(new.split("\n")), m2.proba(new.split("\n")))  # deterministic
    out = clean_text(new, line_model=m1)
    reasons = {r.text: r.reason for r in out.removed}
    assert reasons.get(COOKIES[1], "").startswith("boilerplate line (learned, p=")
    assert "Monde | Tech | Science | Culture" in reasons
    assert "Vue de la salle des serveurs. (Getty Images)" in reasons
    for body in (BODY[0], BODY[3], BODY[5]):
        assert body in out.text.split("\n")
    assert "learned" not in " ".join(r.reason for r in clean_text(new, line_model=False).removed)


def test_grouped_cross_validation_on_the_fixture(fixture_articles) -> None:
    cv = BT.cross_validate(fixture_articles, n_splits=3)
    assert cv["learned"]["n_articles"] == 12
    assert cv["learned"]["boilerplate_removed"]["mean"] >= cv["rules_only"]["boilerplate_removed"]["mean"]
    assert cv["learned"]["body_kept"]["mean"] >= 0.95


def test_shipped_line_model_loads_offline_and_keeps_seed_body() -> None:
    from helpers.training_data import gold_articles

    B.load_line_model.cache_clear()
    model = B.load_line_model()
    if model is None:
        pytest.skip("no shipped boilerplate model (trained when the press gold exists)")
    assert 0.0 < model.threshold <= 1.0
    rows = BT.score_articles(gold_articles(sources=("seeds",)), model)["rows"]
    kept = sum(r["body_kept"] for r in rows) / sum(r["body"] for r in rows)
    assert kept >= 0.99


def test_a_line_in_another_language_and_a_run_of_short_lines_are_described_as_such() -> None:
    lines = ["Le modèle publié cette semaine par la start-up parisienne rivalise avec les systèmes fermés.",
             "",
             "ETH plant ein Schweizer Sprachmodell, das für alle offen sein soll und in der Schweiz entwickelt wird",
             "You are currently viewing the latest release of the model and its weights",
             "Lens", "1-0", "Montpellier", "Toulouse", "Nice : 1-1",
             "Les chercheurs ont pu examiner les poids et reproduire les résultats annoncés par l'entreprise."]
    feats = B.article_features(lines)
    assert feats[0]["lang=fr"] == 1.0 and feats[9]["lang=fr"] == 1.0
    assert feats[2]["lang=de"] == 1.0
    assert feats[3]["lang=en"] == 1.0
    assert feats[4]["short_run=8"] == 1.0  # five short lines in a row
    assert not any(k.startswith("short_run") for k in feats[0])
    assert not any(k.startswith("lang=") for k in feats[6])  # one word: too short to tell
