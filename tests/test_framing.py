"""Frames and framing devices: lemma matching, multi-word cues, boundary rules, negation, tables, notebook 03."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers import framing
from helpers.paths import lexicon


def frames_of(nlp, text: str) -> dict[str, framing.Hit]:
    """Frame -> hit for a one-sentence text."""
    doc = nlp(text)
    table = framing.frames_table({"t": doc}, detector="rules")
    return {r.frame: r for r in table.itertuples()}


def devices_of(nlp, text: str) -> set[str]:
    return set(framing.devices_table({"t": nlp(text)})["device"])


# --------------------------------------------------------------------------- the lexicon files

def test_lexicons_cover_the_codebook_labels() -> None:
    frames = yaml.safe_load(lexicon("frames.yml").read_text(encoding="utf-8"))
    devices = yaml.safe_load(lexicon("devices.yml").read_text(encoding="utf-8"))
    assert list(frames["frames"]) == framing.FRAMES
    assert list(devices["frames"]) == framing.DEVICES
    for spec in frames["frames"].values():
        assert spec["strong"], "each frame needs strong cues"


def test_every_lexicon_entry_is_matchable() -> None:
    for lex in (framing.frame_lexicon(), framing.device_lexicon()):
        for cue in lex.cues:
            assert cue.tokens, f"empty cue {cue.expr!r}"
            assert cue.tokens[0] is not None and cue.tokens[-1] is not None


def test_lexicon_changes_are_picked_up(tmp_path: Path, nlp) -> None:
    path = tmp_path / "frames.yml"
    path.write_text("frames:\n  economy:\n    strong: [baguette]\n", encoding="utf-8")
    table = framing.frames_table({"t": nlp("Il achète une baguette.")}, lexicon_path=path)
    assert list(table["frame"]) == ["economy"]
    path.write_text("frames:\n  economy:\n    strong: [croissant]\n", encoding="utf-8")
    import os
    os.utime(path, (1, 1))  # a different mtime: the cached lexicon must be re-read
    assert framing.frames_table({"t": nlp("Il achète une baguette.")}, lexicon_path=path).empty


# --------------------------------------------------------------------------- matching

def test_inflected_forms_match_their_lemma(nlp) -> None:
    found = frames_of(nlp, "Les géants investissent massivement dans des modèles toujours plus performants.")
    assert {"competition", "economy", "innovation"} <= set(found)
    assert "investissent" in found["economy"].cues
    assert "géants" in found["competition"].cues


def test_feminine_and_plural_forms(nlp) -> None:
    found = frames_of(nlp, "L'IA démocratisée et les données personnelles exposées inquiètent.")
    assert "access" in found and "démocratisée" in found["access"].cues
    assert "security" in found


def test_multi_word_cues(nlp) -> None:
    found = frames_of(nlp, "Des chercheurs ont trouvé des portes dérobées dans le code.")
    assert "security" in found and "portes dérobées" in found["security"].cues
    found = frames_of(nlp, "Washington a durci ses contrôles à l'exportation de puces.")
    assert "geopolitics" in found and "regulation" in found


def test_gap_in_a_cue(nlp) -> None:
    assert "nature" in devices_of(nlp, "Personne ne peut remettre le génie open source dans la bouteille.")


def test_part_of_speech_constraint(nlp) -> None:
    # "pouvoir/NOUN" (power) must not match the verb "pourraient"
    found = frames_of(nlp, "Ces outils pourraient changer notre quotidien.")
    assert "competition" not in found
    assert "competition" in frames_of(nlp, "Les géants concentrent le pouvoir sur l'IA.")


def test_a_weak_cue_alone_is_not_a_frame(nlp) -> None:
    # développeur (community) and marché (economy) are weak: used in passing, they do not make a frame
    found = frames_of(nlp, "Les développeurs de l'entreprise ont présenté leur modèle sur le marché.")
    assert "community" not in found and "economy" not in found
    found = frames_of(nlp, "Des milliers de développeurs contribuent au projet.")
    assert "community" in found


def test_excluded_expressions(nlp) -> None:
    assert "economy" not in frames_of(nlp, "Le chercheur a reçu le prix Turing en 2019.")
    assert "cuisine" not in devices_of(nlp, "Les recettes publicitaires du groupe ont augmenté.")
    assert "analogie" not in devices_of(nlp, "Le modèle est publié sous licence Apache 2.0.")
    assert "nature" not in devices_of(nlp, "La sortie a déclenché une vague de contributions.")
    assert "nature" in devices_of(nlp, "Personne ne peut arrêter cette vague.")


# --------------------------------------------------------------------------- boundary rules

def test_a_demonym_alone_is_not_geopolitics(nlp) -> None:
    assert "geopolitics" not in frames_of(nlp, "DeepSeek, une entreprise chinoise, a publié un nouveau modèle.")
    assert "geopolitics" not in frames_of(nlp, "Les géants américains gardent leurs modèles fermés.")


def test_rivalry_between_states_is_geopolitics(nlp) -> None:
    found = frames_of(nlp, "La rivalité entre la Chine et les États-Unis s'intensifie.")
    assert "geopolitics" in found
    assert "geopolitics" in frames_of(nlp, "L'Europe veut garantir son indépendance face aux États-Unis.")


def test_rivalry_between_firms_is_competition_not_geopolitics(nlp) -> None:
    # a single country named as a place is the setting of a firms' story
    found = frames_of(nlp, "En Chine, DeepSeek rivalise désormais avec OpenAI.")
    assert "competition" in found and "geopolitics" not in found


def test_money_is_economy_even_when_it_serves_another_point(nlp) -> None:
    found = frames_of(nlp, "Avec un budget de 5 millions de dollars, la start-up rivalise avec les géants.")
    assert {"economy", "competition"} <= set(found)


# --------------------------------------------------------------------------- negation

def test_negated_cue_keeps_its_frame_and_is_reported(nlp) -> None:
    found = frames_of(nlp, "Ce modèle n'est pas accessible aux petites équipes.")
    assert "access" in found
    assert "accessible" in found["access"].negated
    found = frames_of(nlp, "Le code a été publié sans aucune transparence.")
    assert "transparency" in found and "transparence" in found["transparency"].negated


def test_dismissal_removes_the_frame(nlp) -> None:
    found = frames_of(nlp, "Il ne s'agit pas d'une question de coût, mais de souveraineté.")
    assert "economy" not in found
    assert "geopolitics" in found
    assert "security" not in frames_of(nlp, "Cette décision n'a rien à voir avec la sécurité.")
    assert "security" in frames_of(nlp, "Cette décision a tout à voir avec la sécurité.")


def test_restrictive_ne_que_is_not_negation(nlp) -> None:
    found = frames_of(nlp, "Les restrictions ne feront que freiner l'innovation.")
    assert "innovation" in found and not found["innovation"].negated


# --------------------------------------------------------------------------- rules added for unseen articles

def test_a_licence_named_in_passing_is_not_regulation(nlp) -> None:
    assert "regulation" not in frames_of(nlp, "La société a mis son modèle en ligne sous licence MIT.")
    found = frames_of(nlp, "Cette licence interdit aux concurrents d'utiliser le modèle.")
    assert "regulation" in found
    assert "regulation" in frames_of(nlp, "La licence autorise une utilisation commerciale.")


def test_weights_named_in_passing_are_not_transparency(nlp) -> None:
    assert "transparency" not in frames_of(nlp, "Les poids de ce modèle pèsent quarante gigaoctets.")
    assert "transparency" in frames_of(nlp, "Les chercheurs peuvent examiner les poids du modèle.")


def test_control_in_the_regulatory_sense(nlp) -> None:
    found = frames_of(nlp, "Plus personne ne pourra contrôler l'usage de ces outils.")
    assert "regulation" in found
    assert "regulation" in frames_of(nlp, "Sans contrôle strict, ces outils se répandront.")
    assert "regulation" not in frames_of(nlp, "Elle garde le contrôle exclusif de sa technologie.")


def test_elected_bodies_and_red_tape(nlp) -> None:
    found = frames_of(nlp, "Des députés veulent épargner la paperasse aux petites structures.")
    assert {"regulation", "access"} <= set(found)
    assert "regulation" in frames_of(nlp, "La Commission publiera ses critères en juin.")
    assert "regulation" not in frames_of(nlp, "Le courtier prend une commission de trois pour cent.")


def test_dependence_on_a_state_is_geopolitics_even_when_named_as_a_place(nlp) -> None:
    found = frames_of(nlp, "Nos hôpitaux dépendent de logiciels conçus aux États-Unis.")
    assert "geopolitics" in found
    assert "geopolitics" in frames_of(nlp, "Ces données sont hébergées en Chine.")
    # dependence on a firm, or a state as the mere setting of a rivalry between firms, is not
    assert "geopolitics" not in frames_of(nlp, "La start-up dépend entièrement de ses investisseurs.")
    assert "geopolitics" not in frames_of(nlp, "En Chine, DeepSeek rivalise désormais avec OpenAI.")


def test_costs_that_stop_users_are_access(nlp) -> None:
    found = frames_of(nlp, "Pour un étudiant, une carte graphique de ce type coûte bien trop cher.")
    assert {"access", "economy"} <= set(found)
    found = frames_of(nlp, "L'entraînement du modèle a coûté des millions de dollars.")
    assert "economy" in found and "access" not in found


def test_actor_nouns_alone_are_not_community(nlp) -> None:
    found = frames_of(nlp, "Une chercheuse de Hugging Face présente le modèle aux développeurs.")
    assert "community" not in found
    assert "community" in frames_of(nlp, "Les développeurs collaborent sur GitHub pour améliorer le modèle.")


def test_download_counts_are_not_access(nlp) -> None:
    assert "access" not in frames_of(nlp, "Le modèle a été téléchargé 300 000 fois en une semaine.")
    assert "access" in frames_of(nlp, "Chacun peut télécharger le modèle et le faire tourner chez soi.")


def test_doubts_about_sincerity_are_transparency(nlp) -> None:
    assert "transparency" in frames_of(nlp, "Des experts doutent de la sincérité de cette ouverture.")
    assert "transparency" in frames_of(nlp, "Ce discours est jugé incohérent avec leur prétendue ouverture.")


def test_a_long_cue_survives_a_shorter_exclusion_inside_it(nlp) -> None:
    assert "analogie" in devices_of(nlp, "La leçon de l'histoire est claire pour les ingénieurs.")
    assert "analogie" not in devices_of(nlp, "Il a dit cela histoire de plaisanter.")


def test_a_name_cue_is_hidden_only_by_a_longer_capitalised_name(nlp) -> None:
    from spacy.tokens import Span

    doc = nlp("La Pékin Academy of Artificial Intelligence rivalise avec Washington.")
    doc.ents = [Span(doc, 1, 6, label="ORG")]  # "Pékin Academy of Artificial Intelligence"
    ex = framing.explain(doc)
    assert set(ex.loc[ex["surface"] == "Pékin", "status"]) == {"part of a longer name"}
    doc = nlp("AI Act : les règles se durcissent pour les modèles ouverts.")
    doc.ents = [Span(doc, 0, 6, label="MISC")]  # a tagger running past the colon: "AI Act : les règles"
    ex = framing.explain(doc)
    assert set(ex.loc[ex["cue"] == "AI Act", "status"]) == {"counted"}


def test_a_sentence_continuing_an_image_keeps_the_device(nlp) -> None:
    doc = nlp("Imaginez deux restaurants qui gardent leurs recettes. C'est exactement ce qui se passe avec "
              "les modèles fermés. Les ventes progressent.")
    table = framing.devices_table({"t": doc})
    assert table.groupby("sent_id")["device"].apply(set).to_dict() == {0: {"cuisine"}, 1: {"cuisine"}}
    assert table.loc[table["sent_id"] == 1, "cues"].iloc[0].lower().startswith("c'est exactement")
    # the same words with no image before them carry no device
    assert framing.devices_table({"t": nlp("C'est exactement ce qui se passe avec les modèles fermés.")}).empty


# --------------------------------------------------------------------------- tables and profiles

def test_tables_have_the_interface_columns(fixture_corpus) -> None:
    frames, devices = fixture_corpus.frames, fixture_corpus.devices
    for col in ("doc_id", "sent_id", "frame", "cues", "score", "text"):
        assert col in frames.columns
    for col in ("doc_id", "sent_id", "device", "cues", "text"):
        assert col in devices.columns
    assert len(frames) and set(frames["frame"]) <= set(framing.FRAMES)
    assert (frames["score"] >= 1.0).all()
    assert not frames.duplicated(["doc_id", "sent_id", "frame"]).any()
    # every row points at a real sentence, with its text
    sents = fixture_corpus.sentences.set_index(["doc_id", "sent_id"])["text"]
    for r in frames.itertuples():
        assert sents[(r.doc_id, r.sent_id)] == r.text
        for cue in r.cues.split("; "):
            assert cue.lower() in r.text.lower()


def test_empty_and_non_french_documents(nlp) -> None:
    empty = framing.frames_table({})
    assert list(empty.columns) == framing.FRAME_COLUMNS and empty.empty
    assert framing.devices_table({"t": nlp("Le chat dort.")}).empty


def test_profiles_are_consistent(fixture_corpus) -> None:
    frames, sents = fixture_corpus.frames, fixture_corpus.sentences
    prev = framing.frame_prevalence(frames, sents)
    assert set(prev["frame"]) == set(framing.FRAMES)
    assert prev["share_sentences"].between(0, 1).all()
    prof = framing.frame_profile(frames, sents)
    assert len(prof) == sents["doc_id"].nunique() * len(framing.FRAMES)
    assert prof["share"].between(0, 1).all()
    assert prof["n_sentences"].sum() == len(frames)
    matrix = framing.profile_matrix(prof)
    assert matrix.shape == (sents["doc_id"].nunique(), len(framing.FRAMES))
    cooc = framing.frame_cooccurrence(frames)
    assert (cooc.values == cooc.values.T).all()
    counts = prev.set_index("frame")["n_sentences"]
    for f in framing.FRAMES:
        assert cooc.loc[f, f] == counts[f]


def test_profile_of_a_hand_made_table() -> None:
    sents = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"] * 2, "sent_id": [0, 1, 2, 3, 0, 1],
                          "n_tokens": [10, 10, 10, 20, 50, 50], "text": ["x"] * 6})
    frames = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "sent_id": [0, 0, 2, 1],
                           "frame": ["economy", "security", "economy", "economy"], "cues": ["c"] * 4,
                           "score": [1.0] * 4, "text": ["x"] * 4})
    prof = framing.frame_profile(frames, sents).set_index(["doc_id", "frame"])
    assert prof.loc[("a", "economy"), "share"] == 0.5
    assert prof.loc[("a", "economy"), "per_1000_tokens"] == 40.0
    assert prof.loc[("b", "economy"), "per_1000_tokens"] == 10.0
    prev = framing.frame_prevalence(frames, sents).set_index("frame")
    assert prev.loc["economy", "n_sentences"] == 3 and prev.loc["economy", "n_articles"] == 2
    cooc = framing.frame_cooccurrence(frames)
    assert cooc.loc["economy", "security"] == 1
    pairs = framing.top_pairs(cooc)
    assert list(pairs.iloc[0][["frame_a", "frame_b"]]) == ["economy", "security"]


def test_evidence_is_html_escaped(nlp) -> None:
    doc = nlp("<script>alert(1)</script> La sécurité des modèles inquiète.")
    table = framing.frames_table({"t": doc}, detector="rules")
    html = framing.evidence_html(table, "security")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>" in html


def test_explain_lists_excluded_and_dismissed_cues(nlp) -> None:
    ex = framing.explain(nlp("Il ne s'agit pas de sécurité. Le prix Turing."))
    statuses = dict(zip(ex["cue"], ex["status"], strict=False))
    assert statuses.get("sécurité") == "dismissed"
    assert statuses.get("prix") == "excluded"


def test_figures_handle_empty_tables() -> None:
    import matplotlib.pyplot as plt

    empty = framing.frames_table({})
    sents = pd.DataFrame(columns=["doc_id", "sent_id", "n_tokens", "text"])
    figs = [framing.plot_prevalence(framing.frame_prevalence(empty, sents)),
            framing.plot_profile_heatmap(framing.profile_matrix(framing.frame_profile(empty, sents))),
            framing.plot_cooccurrence(framing.frame_cooccurrence(empty)),
            framing.plot_frame_strips(empty, sents),
            framing.plot_devices(framing.devices_table({}), sents)]
    for fig in figs:
        assert fig is not None
        plt.close(fig)


# --------------------------------------------------------------------------- notebook 03

def _outputs(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps([c.get("outputs", []) for c in nb["cells"]])


@pytest.mark.notebook
def test_notebook_runs_on_the_fixture_corpus(run_notebook, tmp_path: Path) -> None:
    out = run_notebook("03_framing")
    text = _outputs(out)
    assert "Traceback" not in text
    figures = tmp_path / "output" / "figures"
    for name in ("03_frame_prevalence", "03_frame_heatmap", "03_frame_cooccurrence", "03_frame_strips",
                 "03_devices"):
        assert (figures / f"{name}.png").exists(), name
    frames = pd.read_csv(tmp_path / "output" / "tables" / "frames.csv")
    assert {"doc_id", "sent_id", "frame", "cues"} <= set(frames.columns) and len(frames)


@pytest.mark.notebook
def test_notebook_runs_on_one_article_without_frames(run_notebook, tmp_path: Path) -> None:
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    (corpus / "calme.txt").write_text("Une journée calme\nLe chat dort sur le canapé. Il fait beau.\n",
                                      encoding="utf-8")
    out = run_notebook("03_framing", corpus_dir=corpus)
    text = _outputs(out)
    assert "No frame" in text
