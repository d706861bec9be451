"""Press-database exports: one fixture per layout (Europresse article/web/legacy, Factiva article/field
table/RTF, IRaMuTeQ), read through the loader; IRaMuTeQ written and read back; bad exports reported."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import formats
from helpers.corpus import read_folder
from helpers.formats import europresse, factiva, iramuteq

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture(scope="module")
def loaded():
    result = read_folder(EXPORTS)
    return {a.doc_id: a for a in result.articles}, result.problems


def test_every_article_of_every_export_is_a_document(loaded) -> None:
    arts, problems = loaded
    assert sorted(arts) == sorted(
        [f"europresse_article.html#{i}" for i in (1, 2)] + [f"europresse_web.html#{i}" for i in (1, 2)]
        + [f"europresse_legacy.html#{i}" for i in (1, 2)] + [f"factiva_article.html#{i}" for i in (1, 2)]
        + [f"factiva_fields.html#{i}" for i in (1, 2)] + [f"factiva_export.rtf#{i}" for i in (1, 2)]
        + [f"iramuteq_corpus.txt#{i}" for i in (1, 2, 3)])
    assert not [p for p in problems if p.severity == "skipped"]


@pytest.mark.parametrize("doc_id, title, author, date, source, fmt", [
    ("europresse_article.html#1", "DeepSeek ébranle les géants américains de l'IA", "Claire Dubois", "2025-01-29",
     "Le Monde", "europresse"),
    ("europresse_article.html#2", "Au sommet de Paris, l'Europe mise sur l'IA ouverte", "Julien Martin", "2025-02-10",
     "Les Échos", "europresse"),
    ("europresse_web.html#1", "Meta publie Llama 3 et relance le débat sur l'open source", "Ingrid Vergara",
     "2024-04-18", "Le Figaro", "europresse"),
    ("europresse_web.html#2", "La loi européenne sur l'IA entre en vigueur", "", "2024-08-02", "Le Devoir", "europresse"),
    ("europresse_legacy.html#1", "IA : l'accord européen sous la pression des lobbies", "Pierre Durand", "2023-12-14",
     "L'Humanité", "europresse"),
    ("europresse_legacy.html#2", "Mistral s'allie à Microsoft, ses partisans déçus", "Anne Keller", "2024-02-27",
     "Le Temps", "europresse"),
    ("factiva_article.html#1", "DeepSeek, le modèle chinois qui fait trembler la Silicon Valley", "Amaelle Guiton",
     "2025-01-21", "Libération", "factiva"),
    ("factiva_article.html#2", "OpenAI se convertit aux poids ouverts", "Guillaume Grallet", "2025-08-06", "Le Point",
     "factiva"),
    ("factiva_fields.html#1", "La Tribune : Hugging Face lève des fonds pour l'IA ouverte", "Sylvain Rolland",
     "2023-08-24", "La Tribune", "factiva"),
    ("factiva_export.rtf#1", "Le Parisien : Mistral AI, la pépite française de l'IA ouverte", "Marie Lambert",
     "2024-09-12", "Le Parisien", "factiva-rtf"),
    ("factiva_export.rtf#2", "Le Soir : la Belgique teste les modèles ouverts dans ses administrations", "",
     "2025-03-03", "Le Soir", "factiva-rtf"),
    ("iramuteq_corpus.txt#2", "", "Amaelle Guiton", "2024-10-28", "Libération", "iramuteq"),
])
def test_metadata_of_each_layout(loaded, doc_id, title, author, date, source, fmt) -> None:
    a = loaded[0][doc_id]
    assert (a.title, a.author, a.date, a.source, a.fmt) == (title, author, date, source, fmt)


def test_bodies_keep_the_text_and_lose_the_export_boilerplate(loaded) -> None:
    arts, _ = loaded
    for a in arts.values():
        assert "Tous droits réservés" not in a.text, a.doc_id
        assert "Cet article est paru dans" not in a.text, a.doc_id
        assert "news·" not in a.text and "Document " not in a.text, a.doc_id
        assert "Illustration(s)" not in a.text and "Photo DR" not in a.text, a.doc_id
    lm = arts["europresse_article.html#1"]
    assert "l'action de Nvidia a perdu 17 %" in lm.text  # highlighted search term joined, not split
    assert lm.text.startswith("DeepSeek ébranle")  # the title is kept as the first line (CODEBOOK 1)
    reasons = {r for r, _ in lm.removed}
    assert {"export copyright", "export note or caption", "export document number"} <= reasons
    legacy = arts["europresse_legacy.html#1"]
    assert legacy.encoding == "cp1252" and "négociateurs européens" in legacy.text
    assert "Ce certificat" not in legacy.text and "Pierre Durand" not in legacy.text
    assert "Les géants du numérique ont obtenu" in legacy.text
    web = arts["europresse_web.html#1"]
    assert web.url == "https://www.lefigaro.fr/secteur/high-tech/meta-publie-llama-3-20240418"
    assert web.extra["layout"] == "europresse-web" and web.extra["publication"] == "lefigaro.fr (site web)"
    fields = arts["factiva_fields.html#1"]
    assert "Clément Delangue veut faire de l'open source la norme" in fields.text
    assert ("export caption", "Clément Delangue, cofondateur de Hugging Face. Photo DR") in fields.removed
    rtf = arts["factiva_export.rtf#1"]
    assert "Les développeurs européens y voient une alternative" in rtf.text and rtf.lang == "fr"
    ira = arts["iramuteq_corpus.txt#2"]
    assert ("IRaMuTeQ thematic line", "-*definition") in ira.removed and "-*" not in ira.text
    assert arts["iramuteq_corpus.txt#1"].extra["theme"] == "regulation"


def test_cut_body_is_flagged_not_dropped(loaded) -> None:
    arts, problems = loaded
    assert "europresse_web.html#2" in arts
    warned = {p.path: p.reason for p in problems if p.severity == "warning"}
    assert "ellipsis" in warned["europresse_web.html#2"]


def test_sniffing_tells_exports_from_web_pages() -> None:
    assert formats.sniff_html((EXPORTS / "europresse_article.html").read_text(encoding="utf-8")) == "europresse"
    assert formats.sniff_html((EXPORTS / "factiva_fields.html").read_text(encoding="utf-8")) == "factiva"
    page = (Path(__file__).parent / "fixtures" / "corpus" / "web" / "hugging_face.html").read_text(encoding="utf-8")
    assert formats.sniff_html(page) is None
    assert not formats.is_iramuteq("Un texte.\n**** pas une ligne étoilée en tête")


def test_export_removed_pieces_reach_the_documents_table(tmp_path, cache_dir) -> None:
    from helpers.pipeline import prepare

    shutil.copy(EXPORTS / "europresse_article.html", tmp_path)
    prepared, problems, _, _ = prepare(tmp_path)
    c = prepared["europresse_article.html#1"].cleaned
    assert any(r.reason == "export copyright" and "SA Le Monde" in r.text for r in c.removed)
    assert "[export copyright] © 2025 SA Le Monde" in c.removed_text()


def test_bad_exports_are_reported_and_the_run_goes_on(tmp_path) -> None:
    (tmp_path / "broken.rtf").write_bytes(b"not rtf at all")
    (tmp_path / "empty_body.html").write_text(
        "<html><body><article><header><div class='rdp__DocPublicationName'><span class='DocPublicationName'>"
        "Le Monde</span></div><div class='titreArticle'><p class='titreArticleVisu'>Sans texte</p></div>"
        "</header></article></body></html>", encoding="utf-8")
    shutil.copy(EXPORTS / "factiva_fields.html", tmp_path)
    result = read_folder(tmp_path)
    reasons = {p.path: p.reason for p in result.problems}
    assert "not an RTF file" in reasons["broken.rtf"]
    assert "no body text" in reasons["empty_body.html#1"] and "Sans texte" in reasons["empty_body.html#1"]
    assert len(result.articles) == 2


def test_publication_date_falls_back_on_the_document_number() -> None:
    assert europresse.publication_date("Économie, p. 3", "news·20240115·LM·123") == "2024-01-15"
    assert europresse.publication_date("lundi 16 octobre 2023 - 16:55:20 -0000 1017 mots") == "16 octobre 2023"


def test_factiva_rtf_without_field_codes_uses_the_article_layout() -> None:
    text = ("L'IA ouverte gagne du terrain\nPar Jean Dupont\n410 mots\n5 mai 2025\nLe Figaro\nFIGARO\nFrançais\n"
            "Copyright 2025 Le Figaro.\nLes modèles ouverts se multiplient.\nDocument FIGARO0020250505el550000a\n")
    (rec,) = factiva.parse_text(text)
    assert (rec.title, rec.author, rec.date, rec.source, rec.lang) == (
        "L'IA ouverte gagne du terrain", "Jean Dupont", "5 mai 2025", "Le Figaro", "fr")
    assert rec.text.endswith("Les modèles ouverts se multiplient.")
    assert ("export copyright", "Copyright 2025 Le Figaro.") in rec.removed


def test_iramuteq_star_line_and_body_are_safe() -> None:
    line = iramuteq.star_line({"doc_id": "web/a b.html#2", "source": "L'Humanité", "date": "2024-03-13",
                               "lang": "fr"})
    assert line == "**** *doc_web_a_b_html_2 *source_L_Humanite *date_2024-03-13 *am_2024-03 *annee_2024 *lang_fr"
    assert iramuteq.body_text("Un *mot* en gras\n-*pas un thème\n\n") == "Un  mot  en gras\n- pas un thème"


def test_iramuteq_round_trip(tmp_path) -> None:
    items = [({"doc_id": "a.txt", "source": "Le Monde", "date": "2025-01-29"}, "Premier texte sur l'IA ouverte."),
             ({"doc_id": "b.txt", "source": "", "date": ""}, "Second texte *sans* métadonnées."),
             ({"doc_id": "c.txt"}, "   ")]
    out = tmp_path / "corpus.txt"
    assert iramuteq.write_iramuteq(items, out) == 2
    back = iramuteq.parse(out.read_text(encoding="utf-8"))
    assert [r.text for r in back] == ["Premier texte sur l'IA ouverte.", "Second texte  sans  métadonnées."]
    assert (back[0].source, back[0].date, back[0].extra["doc"]) == ("Le Monde", "2025-01-29", "a_txt")


def test_export_iramuteq_command(tmp_path) -> None:
    out = tmp_path / "iramuteq.txt"
    r = subprocess.run([sys.executable, "-m", "helpers", "export-iramuteq", str(EXPORTS), str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("\n**** ") + text.startswith("**** ") == 15
    assert "*source_Le_Figaro *date_2024-04-18 *am_2024-04 *annee_2024" in text
    assert "Tous droits réservés" not in text
    assert "15 texts" in r.stdout
    r = subprocess.run([sys.executable, "-m", "helpers", "export-iramuteq", str(tmp_path / "missing"), str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "not found" in r.stderr and "Traceback" not in r.stderr


def test_a_reader_failure_becomes_a_problem_naming_the_file(tmp_path, monkeypatch) -> None:
    shutil.copy(EXPORTS / "europresse_article.html", tmp_path)
    shutil.copy(EXPORTS / "factiva_fields.html", tmp_path)

    def broken(text):
        raise IndexError("list index out of range")

    monkeypatch.setattr(europresse, "parse", broken)
    result = read_folder(tmp_path)
    reasons = {p.path: p.reason for p in result.problems}
    assert reasons["europresse_article.html"] == "could not read this export (IndexError: list index out of range)"
    assert len(result.articles) == 2  # the Factiva file is still read
