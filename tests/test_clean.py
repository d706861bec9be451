"""Cleaning on realistic boilerplate written for the tests (not the seeds' lines)."""

from __future__ import annotations

from helpers.clean import clean_text, normalise_text

BODY1 = ("Les modèles d'intelligence artificielle dont les poids sont publiés gagnent du terrain dans les "
         "laboratoires européens, selon plusieurs chercheurs interrogés cette semaine.")
BODY2 = ("Pour les entreprises, la question du coût reste centrale, car l'infrastructure nécessaire pour "
         "exécuter ces modèles demeure onéreuse malgré les progrès récents.")


def reasons(cleaned) -> dict[str, str]:
    return {r.text: r.reason for r in cleaned.removed}


def test_normalise_spaces_apostrophes_soft_hyphens() -> None:
    raw = "l’IA\u00a0: une\u202fpercée\u200b in\u00adcroyable\r\nﬁn"
    out = normalise_text(raw)
    assert out.split("\n")[0] == "l'IA : une percée incroyable"
    assert normalise_text("e\u0301") == "é"  # NFC


def test_news_site_boilerplate_removed_and_kept() -> None:
    raw = "\n".join([
        "Actualités Tech",
        "Par Jeanne Dupuis, publié le 3 mars 2025 à 10h12",
        "Le grand pari des modèles ouverts",
        "À retenir : les modèles ouverts séduisent les chercheurs.",
        BODY1,
        "Lire aussi : Les dix chiffres clés de l'IA générative",
        "![Un centre de données](https://img.example.org/dc.jpg)",
        "Photo : Reuters",
        BODY2 + " [...] Et la suite du raisonnement arrive ici.",
        "Pour en savoir plus sur les licences, consultez notre dossier complet.",
        "Partager sur Facebook",
        "Sources :",
        "Rapport de l'institut X, 2024",
        "Entretien avec Y, février 2025",
    ])
    c = clean_text(raw)
    lines = c.text.split("\n")
    assert lines[0] == "Le grand pari des modèles ouverts"
    assert "les modèles ouverts séduisent les chercheurs." in lines[1] and not lines[1].startswith("À retenir")
    assert BODY1 in lines
    assert any(line.startswith(BODY2) and "Et la suite" in line and "[...]" not in line for line in lines)
    for gone in ("Actualités Tech", "Lire aussi", "Photo", "Partager", "Sources", "Rapport de", "Entretien",
                 "consultez", "![", "Jeanne Dupuis"):
        assert gone not in c.text, gone
    r = reasons(c)
    assert r["Sources :"] == "source list" and r["Entretien avec Y, février 2025"] == "source list"
    assert r["[...]"] == "elision marker"
    assert c.meta["author"].startswith("Jeanne Dupuis")
    assert c.meta["date"] == "3 mars 2025"
    assert c.meta["title"] == "Le grand pari des modèles ouverts"


def test_blog_repost_boilerplate() -> None:
    raw = "\n".join([
        "Marie-Claude Tremblay",
        "Lien vers l'article original : https://blog.example.com/ia-ouverte",
        BODY1,
        BODY2,
        "Vous n'êtes pas redirigé ? Cliquez ici pour continuer.",
        "Retour à l'accueil du Logo Technoblog",
    ])
    c = clean_text(raw)
    assert c.text.split("\n") == [BODY1, BODY2]
    assert c.meta["author"] == "Marie-Claude Tremblay"
    assert c.meta["url"] == "https://blog.example.com/ia-ouverte"
    assert c.meta.get("source") == "Technoblog"
    assert {r.reason for r in c.removed} >= {"byline", "reference line", "redirection", "navigation"}


def test_widget_residue_and_toggle_prefix() -> None:
    c = clean_text("\n".join(["EN BREF", "|", "•", BODY1, "ToggleLes enjeux de la transparence", BODY2]))
    assert c.text.split("\n") == [BODY1, "Les enjeux de la transparence", BODY2]


def test_body_lines_that_look_like_boilerplate_are_kept() -> None:
    # a heading that names a topic, a sentence starting with "En résumé", a quote with "source"
    raw = "\n".join([
        "Les défis de l'open source",
        BODY1,
        "En résumé, l'ouverture des modèles pourrait changer la donne pour les chercheurs du monde entier.",
        "« Le code source doit rester ouvert », insiste la chercheuse.",
        BODY2,
    ])
    c = clean_text(raw)
    assert c.text == raw
    assert c.removed == []


def test_sources_header_in_the_middle_is_not_a_source_list() -> None:
    raw = "\n".join(["Sources :", BODY1, BODY2, BODY1 + " Encore.", BODY2 + " Encore."])
    c = clean_text(raw)
    assert BODY1 in c.text and BODY2 in c.text


def test_boilerplate_only_gives_empty_text() -> None:
    c = clean_text("Accueil\nMenu\nPartager\nSi vous n'êtes pas redirigé automatiquement, cliquez ici")
    assert c.text == ""
    assert len(c.removed) == 4


def test_dateline_of_a_stored_page_goes_to_metadata_and_the_sentence_stays():
    c = clean_text("date 2025-01 (AOF) - DeepSeek a fait perdre mille milliards de dollars aux valeurs américaines.\n"
                   "La suite de l'article.", line_model=False)
    assert c.text.startswith("DeepSeek a fait perdre")
    assert c.meta["date"] == "2025-01" and c.meta["source"] == "AOF"
    alone = clean_text("date 2023-03\nLe 3 mars 2023, soit une semaine après sa publication.", line_model=False)
    assert alone.text == "Le 3 mars 2023, soit une semaine après sa publication." and alone.meta["date"] == "2023-03"
    # only at the start of the article: a body line that begins with the word "date" stays
    later = clean_text("Titre\ndate 2024 : le projet sera livré.", line_model=False)
    assert "date 2024" in later.text


def test_account_forms_go_but_sentences_about_passwords_stay():
    text = ("Mot de passe oublié ?\nIdentifiantMot\nJe m'inscris ! (gratuit)\nDéjà abonné ?\nPas encore abonné ?\n"
            "Vous devez avoir un compte Developpez.com et être connecté pour pouvoir participer aux discussions.\n"
            "Le mot de passe de l'administrateur a fui.\nIl faut avoir un compte Google pour utiliser Gemini.")
    c = clean_text(text, line_model=False)
    assert c.text == "Le mot de passe de l'administrateur a fui.\nIl faut avoir un compte Google pour utiliser Gemini."
    assert {r.reason for r in c.removed} == {"account or login form"}


def test_signature_of_an_embedded_post_is_removed_and_its_text_kept():
    text = ("Altman, Hassabis and Amodei are lobbying.\n— Yann LeCun (@ylecun) October 29, 2023\n"
            "once weights are out… — Sam Altman (@sama) July 12, 2025\n— Attac France (@attac_fr) 8 décembre 2018\n"
            "Le patron (@x) a parlé le 3 mars 2024 de tout.")
    c = clean_text(text, line_model=False)
    assert c.text.split("\n") == ["Altman, Hassabis and Amodei are lobbying.", "once weights are out…",
                                  "Le patron (@x) a parlé le 3 mars 2024 de tout."]
    assert [r.reason for r in c.removed] == ["embedded post signature"] * 3


def test_date_stamps_and_page_controls_go_anywhere_but_sentences_stay():
    text = ("Un titre sur Mistral AI\nLe premier paragraphe de l'article, assez long pour être du texte courant ici.\n"
            "Publié le 18/09/2025 à 15:12\n- Modifié le 18/09/2025 à 15:12\n[Mis à jour le 28 septembre 2022 à 18h26]\n"
            "Home » Économie »\n(nouvelle fenêtre)\nfermer\n7 min\n- (62 votes)\nPress \"Enter\" to skip to content\n"
            "Publié le 18/09/2025, le rapport de l'OSI a fait date.\nFermer les modèles serait une erreur.\n"
            "7 min de marche séparent les deux sites.\nUn accueil chaleureux pour Mistral à Bruxelles.")
    c = clean_text(text, line_model=False)
    assert c.text.split("\n")[2:] == ["Publié le 18/09/2025, le rapport de l'OSI a fait date.",
                                      "Fermer les modèles serait une erreur.", "7 min de marche séparent les deux sites.",
                                      "Un accueil chaleureux pour Mistral à Bruxelles."]
    assert c.meta["date"] == "18/09/2025"
    assert [r.reason for r in c.removed].count("date stamp") == 3


def test_markup_residue_goes_but_words_that_look_alike_stay():
    text = ("Un titre sur Llama\nLe premier paragraphe de l'article, assez long pour être du texte courant ici.\n"
            "{{text}}\n.webp)\naccordion-iconalert-iconarrow-leftarrowarticleShowedbacktotopCreated with Sketch.\n"
            "iconfb\nfeedMark__icon\n--radiofeedMark__icon\n-iconclockclose\nSvg\nfooter\n"
            "DeepSeek publie un modèle iconique de l'open source.\nL'icône de l'application a changé.\n"
            "Le prototype a été created with care, disent-ils.")
    c = clean_text(text, line_model=False)
    assert c.text.split("\n")[2:] == ["DeepSeek publie un modèle iconique de l'open source.",
                                      "L'icône de l'application a changé.", "Le prototype a été created with care, disent-ils."]
    assert {r.reason for r in c.removed} == {"markup residue", "navigation"}


def test_republication_notes_language_switchers_credits_and_page_controls():
    text = ("Un titre sur DeepSeek\nLe premier paragraphe de l'article, assez long pour être du texte courant ici.\n"
            "Ouvrir le menu principal\nLoading...\nItaliano\nAutres langues: 2 Deutsch de ETH plant ein Modell\n"
            "L'interface de saisie de DeepSeek.\nSource :\nNumerama\nCrédit Fotolia.\n"
            "Crédits photos de l'image de une : Source : Numerama\nRéagissez en commentaire.\n"
            "Cet article a été initialement publié par Hong Kong Free Press le 28 janvier 2025.\n"
            "Une version éditée de cet article est republiée sur Global Voices dans le cadre d'un accord.\n"
            "Cet article analyse la stratégie de Meta publiée hier.\nEnglish is the language of most models.\n"
            "Le crédit d'impôt recherche finance les laboratoires.\nSource : selon l'Insee, la croissance a ralenti.")
    c = clean_text(text, line_model=False)
    assert c.text.split("\n")[2:] == ["L'interface de saisie de DeepSeek.",
                                      "Cet article analyse la stratégie de Meta publiée hier.",
                                      "English is the language of most models.",
                                      "Le crédit d'impôt recherche finance les laboratoires.",
                                      "Source : selon l'Insee, la croissance a ralenti."]
    reasons = [r.reason for r in c.removed]
    assert reasons.count("republication note") == 2 and reasons.count("image caption or credit") == 4
