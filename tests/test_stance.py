"""Stance detector (helpers.stance): one constructed sentence per rule, the tables, and notebook 04."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import stance
from helpers.stance import stance_of_text


def one(text: str, nlp) -> stance.Decision:
    """The decision for the last sentence of a short text."""
    return stance_of_text(text, nlp=nlp)[-1]


# --- targets ---------------------------------------------------------------------------------

def test_no_target_is_none(nlp):
    # the same risk claim: about a technology in general (no target) versus about open models
    assert one("Cette technologie présente des risques importants pour la sécurité.", nlp).stance == "none"
    assert one("Les modèles open source présentent des risques importants pour la sécurité.", nlp).stance == "con"


def test_context_gives_target(nlp):
    text = ("Meta publie les poids de ses modèles en open source.\n"
            "Cette approche permet aux chercheurs du monde entier d'améliorer la technologie.")
    d = one(text, nlp)
    assert d.stance == "pro"
    assert d.target == "anaphor"


def test_success_fact_needs_openness(nlp):
    # success without openness named is a fact (none); with openness as the point it is pro
    assert one("La start-up a réussi à créer un modèle très performant.", nlp).stance == "none"
    assert one("Grâce à son code ouvert, la start-up a réussi à créer un modèle performant et populaire.",
               nlp).stance == "pro"


def test_definition_is_none(nlp):
    assert one("L'open source signifie que n'importe qui peut examiner le code.", nlp).stance == "none"


# --- rules -----------------------------------------------------------------------------------

def test_contrast_concessive_main_clause_wins(nlp):
    d = one("Malgré ses nombreux avantages, le modèle open source présente des risques sérieux.", nlp)
    assert d.stance == "con"
    assert "concession" in d.rules


def test_contrast_adversative_main_clause_wins(nlp):
    d = one("Les modèles ouverts comportent des risques, mais ils favorisent surtout l'innovation.", nlp)
    assert d.stance == "pro"
    assert any(r.startswith("contrast") for r in d.rules)


def test_sentence_opening_with_contrast(nlp):
    text = ("Les modèles open source séduisent les développeurs.\n"
            "Cependant, leur déploiement reste limité par des infrastructures coûteuses.")
    d = one(text, nlp)
    assert d.stance == "con"
    assert "opens with contrast" in d.rules


def test_negation_flips(nlp):
    assert one("L'IA open source n'est pas un danger pour la démocratie.", nlp).stance == "pro"
    assert one("Les modèles ouverts ne favorisent pas l'innovation.", nlp).stance == "con"


def test_local_negation_double(nlp):
    # "ne garantit pas l'absence de failles": two negations, the risk stands
    d = one("La transparence du code open source ne garantit pas l'absence de failles.", nlp)
    assert d.stance == "con"


def test_rhetorical_question_keeps_concern(nlp):
    d = one("Comment empêcher que ces modèles open source ne soient utilisés à des fins malveillantes ?", nlp)
    assert d.stance == "con"
    assert "question" in d.rules


def test_neutral_question_is_none(nlp):
    assert one("Qu'est-ce qu'un modèle open source ?", nlp).stance == "none"


def test_criticism_of_closed_ai_is_pro(nlp):
    d = one("Les systèmes fermés appartiennent déjà au passé.", nlp)
    assert d.stance == "pro"
    assert "about closed AI" in d.rules


def test_futile_restriction_is_pro(nlp):
    assert one("Les tentatives d'interdire les modèles ouverts sont vouées à l'échec.", nlp).stance == "pro"


def test_call_for_restriction_is_con(nlp):
    assert one("Des experts réclament l'interdiction des modèles open source les plus puissants.", nlp).stance == "con"


def test_endorsement_without_reason_is_pro(nlp):
    assert one("La ministre plaide pour des modèles ouverts.", nlp).stance == "pro"


def test_open_washing_doubt_is_con(nlp):
    assert one("Ces modèles prétendument open source ne publient pas leurs données.", nlp).stance == "con"


def test_scare_quotes_take_distance(nlp):
    d = one("Cette « démocratisation » de l'IA open source inquiète.", nlp)
    assert d.stance == "con"
    assert "démocratisation" not in d.cues


def test_short_reinforcing_sentence_takes_neighbour_stance(nlp):
    ds = stance_of_text("Les modèles open source exposent à des cyberattaques.\nC'est indéniable.", nlp=nlp)
    assert [d.stance for d in ds] == ["con", "con"]
    assert any(r.startswith("reinforces") for r in ds[1].rules)


def test_topic_heading_is_none_claim_heading_is_pro(nlp):
    assert one("Les risques de l'open source", nlp).stance == "none"
    assert one("L'ouverture, clé de l'avenir", nlp).stance == "pro"


def test_explain_lists_cues_and_rules(nlp):
    table = stance.explain("Les modèles ouverts ne favorisent pas l'innovation.", nlp=nlp)
    assert list(table.columns) == ["cue", "group", "base", "weight", "rules"]
    row = table[table["cue"] == "favorisent"].iloc[0]
    assert row["base"] > 0 > row["weight"]
    assert "negation" in row["rules"]


# --- lexicon ---------------------------------------------------------------------------------

def test_lexicon_patterns(tmp_path):
    p = stance.compile_pattern("soulever ... question")
    assert p.words[1] is None
    assert stance.compile_pattern("innov*").words[0][1] is True
    assert stance.compile_pattern("avancée/NOUN").words[0][2] == "NOUN"
    # a researcher's own lexicon file is read, and a change shows at once
    lex = tmp_path / "stance.yml"
    lex.write_text("settings: {threshold: 1.0}\ntarget: {open: [open source]}\n"
                   "pro: {mine: {weight: 2, needs: direct, cues: [formidable]}}\n", encoding="utf-8")
    loaded = stance.load_lexicon(lex)
    assert [g.name for g in loaded.groups] == ["pro.mine"]


def test_custom_lexicon_changes_decision(nlp, tmp_path):
    lex_path = tmp_path / "stance.yml"
    lex_path.write_text("settings: {threshold: 1.0}\ntarget: {open: [open source]}\n"
                        "con: {mine: {weight: 1, needs: direct, cues: [formidable]}}\n", encoding="utf-8")
    lex = stance.load_lexicon(lex_path)
    d = stance_of_text("L'open source est formidable.", nlp=nlp, lex=lex)[0]
    assert d.stance == "con"


# --- tables ----------------------------------------------------------------------------------

def test_stance_table_on_fixture_corpus(fixture_corpus):
    st = stance.stance_table(fixture_corpus.docs, frames=fixture_corpus.frames)
    assert list(st.columns) == stance.STANCE_COLUMNS
    assert len(st) == len(fixture_corpus.sentences)
    assert set(st["stance"]) <= {"pro", "con", "none"}
    assert (st[["doc_id", "sent_id"]].values == fixture_corpus.sentences[["doc_id", "sent_id"]].values).all()
    args = stance.arguments_table(st)
    assert set(args["stance"]) <= {"pro", "con"}
    assert (args["categories"].str.len() > 0).all()
    assert (st.loc[st["stance"] == "none", "categories"] == "").all()
    # the fixture has at least one argument for and one against open AI
    assert {"pro", "con"} <= set(args["stance"])


def test_categories_come_from_frames(nlp):
    doc = nlp("Les modèles open source favorisent l'innovation.")
    frames = pd.DataFrame({"doc_id": ["d", "d"], "sent_id": [0, 0], "frame": ["innovation", "community"]})
    st = stance.stance_table({"d": doc}, frames=frames)
    assert st.loc[0, "stance"] == "pro"
    assert st.loc[0, "categories"] == "community; innovation"
    assert stance.stance_table({"d": doc}).loc[0, "categories"] == "other"


def _stances() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "b"], "sent_id": [0, 1, 2, 0, 1],
        "stance": ["pro", "con", "none", "pro", "pro"],
        "categories": ["innovation; access", "security", "", "other", "innovation"],
        "cues": ["favorise", "risque", "", "plaide pour", "permet"], "score": [2.0, -1.5, 0.0, 1.5, 1.0],
        "rules": ["", "", "", "", ""], "text": ["t0", "t1", "t2", "t3", "t4"]})


def test_stance_frame_counts_and_balance():
    st = _stances()
    args = stance.arguments_table(st)
    counts = stance.stance_frame_counts(args)
    assert counts.loc["innovation", "pro"] == 2
    assert counts.loc["security", "con"] == 1
    assert counts.loc["access", "con"] == 0
    bal = stance.article_balance(st)
    a = bal.set_index("doc_id").loc["a"]
    assert (a["pro"], a["con"], a["none"]) == (1, 1, 1)
    assert a["balance"] == 0
    assert bal.set_index("doc_id").loc["b", "pro_share"] == 1.0


def test_top_categories_and_cue_counts():
    args = stance.arguments_table(_stances())
    top = stance.top_categories(args, "pro", n=2)
    assert top.iloc[0]["category"] == "innovation" and top.iloc[0]["count"] == 2
    assert top.iloc[0]["text"] == "t0"  # the strongest example
    assert stance.top_categories(args[args["stance"] == "pro"], "con").empty
    cues = stance.cue_counts(args)
    assert set(cues.columns) == {"cue", "stance", "count"}


def test_actor_and_speaker_stance():
    st = _stances()
    ents = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "sent_id": [0, 1, 0, 0],
                         "text": ["Meta", "Meta", "LeCun", "Meta"], "canonical": ["Meta", "Meta", "Yann LeCun", "Meta"],
                         "type": ["ORG", "ORG", "PER", "ORG"]})
    actors = stance.actor_stance(st, ents).set_index("canonical")
    assert (actors.loc["Meta", "pro"], actors.loc["Meta", "con"]) == (2, 1)
    assert actors.loc["Yann LeCun", "type"] == "PER"
    quotes = pd.DataFrame({"doc_id": ["a", "b"], "sent_id": [1, 1], "quote": ["q1", "q2"],
                           "speaker": ["Yann LeCun", ""], "verb": ["dit", "dit"]})
    speakers = stance.speaker_stance(st, quotes)
    assert speakers.to_dict("records") == [{"speaker": "Yann LeCun", "pro": 0, "con": 1, "none": 0, "quotes": 1}]


def test_helpers_handle_empty_tables():
    empty = pd.DataFrame(columns=stance.STANCE_COLUMNS)
    args = stance.arguments_table(empty)
    assert args.empty and list(args.columns) == stance.ARGUMENT_COLUMNS
    assert stance.stance_frame_counts(args).empty
    assert stance.article_balance(empty).empty
    assert stance.top_categories(args, "pro").empty
    assert stance.actor_stance(empty, None).empty
    assert stance.speaker_stance(empty, pd.DataFrame()).empty
    assert stance.stance_table({}).empty


# --- notebook --------------------------------------------------------------------------------

@pytest.mark.notebook
def test_notebook_04_runs(run_notebook, tmp_path):
    out = run_notebook("04_arguments")
    nb = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    figures = list((tmp_path / "output" / "figures").glob("04_*.png"))
    assert len(figures) >= 3
    assert (tmp_path / "output" / "tables" / "arguments.csv").exists()


@pytest.mark.notebook
def test_notebook_04_single_article(run_notebook, tmp_path):
    one_dir = tmp_path / "one"
    one_dir.mkdir()
    (one_dir / "a.txt").write_text("Le marché des puces progresse.\nLes ventes augmentent ce trimestre.\n",
                                   encoding="utf-8")
    run_notebook("04_arguments", corpus_dir=one_dir)


def test_denied_openness_is_con(nlp):
    d = one("Ces modèles ne sont pas vraiment ouverts au sens de l'Open Source Initiative.", nlp)
    assert d.stance == "con"
    assert "openness denied" in d.rules
    # a negated clause whose subject is open source is not a denial of openness
    assert one("L'open source n'est pas sujet aux contrôles à l'exportation.", nlp).stance == "pro"


# --- rules added for unseen articles (issue 6) ----------------------------------------------------
# Constructed sentences, one per rule; none is taken from the seed or the dev articles.

OPEN_ARTICLE = ("Le laboratoire publie les poids de son modèle sous une licence open source.\n"
                "Les modèles ouverts se multiplient depuis deux ans.\n"
                "Plusieurs équipes universitaires ont déjà téléchargé le modèle.\n")


def test_future_will_be_open_is_endorsement(nlp):
    d = one("Selon la dirigeante, l'avenir de l'intelligence artificielle sera ouvert.", nlp)
    assert d.stance == "pro"


def test_closing_is_a_mistake_is_pro(nlp):
    assert one("Fermer ces modèles serait une erreur, estime le chercheur.", nlp).stance == "pro"
    d = one("Garder les modèles fermés serait une grave erreur pour la recherche publique.", nlp)
    assert d.stance == "pro"


def test_capability_needs_an_enabling_word(nlp):
    # "étudier" is a benefit only when something lets people do it
    enabled = one(OPEN_ARTICLE + "Grâce à ce modèle, les chercheurs peuvent étudier ses biais.", nlp)
    assert enabled.stance == "pro"
    plain = one(OPEN_ARTICLE + "Les chercheurs étudient ses biais depuis mardi.", nlp)
    assert plain.stance == "none"
    blocked = one(OPEN_ARTICLE + "Sans les données, impossible de vérifier ce que le modèle a appris.", nlp)
    assert blocked.stance == "con"


def test_running_locally_is_a_benefit(nlp):
    d = one(OPEN_ARTICLE + "Une mairie peut ainsi faire tourner le modèle sur ses propres serveurs, sans dépendre d'un prestataire.", nlp)
    assert d.stance == "pro"


def test_topic_mentions_count_only_in_an_article_about_open_ai(nlp):
    sentence = "Le modèle pose un vrai problème aux hôpitaux."
    assert one(OPEN_ARTICLE + sentence, nlp).target == "topic"
    assert one(OPEN_ARTICLE + sentence, nlp).stance == "con"
    off = "La météo sera clémente demain.\nLes ventes de voitures reculent.\nLe trafic ferroviaire reprend.\n"
    assert one(off + sentence, nlp).stance == "none"


def test_scepticism_and_undeserved_label_are_open_washing(nlp):
    assert one("Les chercheurs restent sceptiques face à ces modèles dits ouverts.", nlp).stance == "con"
    assert one("Pour l'association, ce modèle ne mérite pas l'appellation open source.", nlp).stance == "con"


def test_licence_forbidding_uses_is_con(nlp):
    d = one(OPEN_ARTICLE + "Or la licence interdit plusieurs usages commerciaux.", nlp)
    assert d.stance == "con"


def test_suspicion_of_motives_is_con(nlp):
    text = OPEN_ARTICLE + "Cette ouverture n'a rien de désintéressé."
    assert one(text, nlp).stance == "con"
    q = one(OPEN_ARTICLE + "Pourquoi une multinationale offrirait-elle par générosité un modèle aussi coûteux ?", nlp)
    assert q.stance == "con"


def test_misuse_once_weights_are_out_is_con(nlp):
    d = one(OPEN_ARTICLE + "Une fois le modèle diffusé, n'importe qui peut supprimer ses garde-fous.", nlp)
    assert d.stance == "con"
    d = one(OPEN_ARTICLE + "Dès lors, personne ne peut plus contrôler ce que deviennent les poids.", nlp)
    assert d.stance == "con"


def test_anyone_next_to_a_risk_is_con(nlp):
    d = one("N'importe qui peut utiliser ces modèles ouverts pour fabriquer des arnaques.", nlp)
    assert d.stance == "con"
    assert "anyone can misuse" in d.rules


def test_harmful_restriction_is_pro(nlp):
    d = one("L'association craint que ces restrictions sur les modèles ouverts ne freinent l'innovation.", nlp)
    assert d.stance == "pro"
    assert "restriction is futile or harmful" in d.rules


def test_support_verb_before_a_restriction_is_a_call(nlp):
    d = one("Des sénateurs souhaitent interdire les modèles open source les plus puissants.", nlp)
    assert d.stance == "con"


def test_futility_answers_the_previous_restriction(nlp):
    ds = stance_of_text("Certains élus proposent de restreindre la publication des modèles ouverts.\n"
                        "Une telle mesure serait vaine, répondent les chercheurs.", nlp=nlp)
    assert [d.stance for d in ds] == ["con", "pro"]
    assert "judges the restriction of the previous sentence" in ds[1].rules


def test_condition_and_check_are_not_claims(nlp):
    cond = one("Les modèles publiés sous licence libre sont exemptés, à condition qu'ils ne présentent pas de risque majeur.", nlp)
    assert cond.stance == "none"
    check = one(OPEN_ARTICLE + "Le laboratoire a testé le modèle ouvert pour vérifier qu'il ne pouvait pas être détourné à des fins dangereuses.", nlp)
    assert check.stance == "none"


def test_reported_camp_takes_its_side(nlp):
    d = one("Les partisans de l'open source répondent que les modèles fermés ne sont pas à l'abri des abus.", nlp)
    assert d.stance == "pro"
    assert "said by supporters of open AI" in d.rules


def test_negation_stops_at_a_colon(nlp):
    d = one("Ce n'est pas un rêve : les modèles ouverts sont la meilleure voie pour la recherche.", nlp)
    assert d.stance == "pro"


def test_self_negated_cue_is_not_flipped(nlp):
    d = one("Publier les poids du modèle ne suffit pas à le rendre réellement utile aux petites entreprises.", nlp)
    assert d.stance == "con"


def test_exact_surface_pattern():
    p = stance.compile_pattern("=fermer")
    assert p.words[0][3] is True
    assert stance._word_ok(("fermer", "fermer", "VERB"), p.words[0])
    assert not stance._word_ok(("fermes", "fermer", "VERB"), p.words[0])
