"""Outlet names from URLs and sources, through data/lexicons/outlets.csv."""

from __future__ import annotations

import pytest

from helpers import outlets
from helpers.corpus import read_folder


@pytest.mark.parametrize("url, name", [
    ("https://www.lefigaro.fr/culture/2018/12/31/article.php", "Le Figaro"),
    ("http://sport24.lefigaro.fr/football/x", "Le Figaro"),  # a sub-domain is named by its parent
    ("https://www.humanite.fr/article-666046", "L'Humanité"),
    ("https://www.lepoint.fr/politique/x.php", "Le Point"),
    ("https://ici.radio-canada.ca/nouvelle/1", "Radio-Canada"),
    ("https://www.letemps.ch/economie/x", "Le Temps"),
    ("https://blog.example.org/post", "blog.example.org"),  # unknown: the bare domain
    ("xxx", ""), ("", ""), ("pas une url", ""),
])
def test_outlet_from_url(url, name) -> None:
    assert outlets.outlet_from_url(url) == name


@pytest.mark.parametrize("source, name", [
    ("lemonde.fr (site web)", "Le Monde"), ("www.lesechos.fr", "Les Échos"), ("Les Echos, no. 24387", "Les Échos"),
    ("LIBERATION", "Libération"), ("l'Humanité", "L'Humanité"),
    ("Revue du Numérique (édition web)", "Revue du Numérique (édition web)"),  # unknown names are kept
])
def test_outlet_name(source, name) -> None:
    assert outlets.outlet_name(source) == name


def test_the_table_is_well_formed() -> None:
    t = outlets.outlets_table()
    assert len(t) >= 80 and not t["domain"].duplicated().any()
    assert set(t["country"]) >= {"FR", "CA", "CH", "BE"}
    for domain in ("lefigaro.fr", "humanite.fr", "lepoint.fr", "lemonde.fr", "liberation.fr", "lesechos.fr",
                   "ledevoir.com", "lapresse.ca", "letemps.ch", "rtbf.be"):
        assert domain in set(t["domain"]), domain


def test_source_from_url_when_the_file_gives_none(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("URL: https://www.lefigaro.fr/x\nDATE: 8-1-2019\n\nUn texte sur les gilets jaunes.",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text("URL: https://www.lefigaro.fr/y\nSOURCE: Le Figaro Magazine\n\nUn autre texte.",
                                    encoding="utf-8")
    arts = {a.doc_id: a for a in read_folder(tmp_path).articles}
    assert arts["a.txt"].source == "Le Figaro" and arts["a.txt"].date == "2019-01-08"
    assert arts["b.txt"].source == "Le Figaro Magazine"  # the file's own source wins


def test_an_edited_table_is_used(tmp_path) -> None:
    table = tmp_path / "outlets.csv"
    table.write_text("domain,outlet,country,kind\nexample.org,Exemple Hebdo,FR,weekly\n", encoding="utf-8")
    assert outlets.outlet_from_url("https://news.example.org/1", path=table) == "Exemple Hebdo"
