"""Loading: formats, encodings, header blocks, metadata precedence, dates, language, duplicates, bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import corpus as C

FR = ("L'intelligence artificielle open source progresse vite. Les développeurs partagent les poids des "
      "modèles et la communauté améliore les outils pour tous les utilisateurs du monde entier.")


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode(encoding)
    path.write_bytes(data)
    return path


def by_id(result: C.LoadResult) -> dict[str, C.Article]:
    return {a.doc_id: a for a in result.articles}


def reasons(result: C.LoadResult) -> dict[str, str]:
    return {p.path: p.reason for p in result.problems}


# ----------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("cp1252", b""), ("latin-1", b""),
])
def test_encodings_keep_accents(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = "Équité, société, modèle « ouvert » : déjà là. " + FR
    data = prefix + text.encode(encoding)  # Python's utf-16 codec writes a BOM
    write(tmp_path / "a.txt", data)
    art = by_id(C.read_folder(tmp_path))["a.txt"]
    assert art.text.startswith("Équité, société, modèle « ouvert »")
    assert "\ufeff" not in art.text


def test_cp1252_specific_characters(tmp_path: Path) -> None:
    # 0x92 is the curly apostrophe and 0x9c the oe ligature in Windows-1252 (undefined in Latin-1)
    write(tmp_path / "w.txt", "L’œuvre de l’IA – “ouverte” ".encode("cp1252") + FR.encode("cp1252"))
    art = by_id(C.read_folder(tmp_path))["w.txt"]
    assert art.text.startswith("L’œuvre de l’IA – “ouverte”")
    assert art.encoding == "cp1252"


def test_binary_and_undecodable(tmp_path: Path) -> None:
    write(tmp_path / "bin.txt", bytes(range(256)) * 8)
    write(tmp_path / "noise.txt", bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50)
    write(tmp_path / "ok.txt", FR)
    result = C.read_folder(tmp_path)
    r = reasons(result)
    assert "binary" in r["bin.txt"]
    assert "undecodable" in r["noise.txt"]
    assert list(by_id(result)) == ["ok.txt"]


def test_decode_bytes_direct() -> None:
    assert C.decode_bytes("é".encode())[0] == "é"
    with pytest.raises(C.DecodeError):
        C.decode_bytes(b"\x00\x01\x02binary")


# ----------------------------------------------------------------------------- header block, front matter

def test_header_block(tmp_path: Path) -> None:
    write(tmp_path / "h.txt", "URL: https://ex.org/a\nTITLE: Un titre\nAUTHOR: Ana Diaz\nDATE: 24 avril 2025\n"
                              "SOURCE: Le Site\nLANG: fr\n\n" + FR)
    art = by_id(C.read_folder(tmp_path))["h.txt"]
    assert (art.url, art.title, art.author, art.date, art.source, art.lang) == (
        "https://ex.org/a", "Un titre", "Ana Diaz", "2025-04-24", "Le Site", "fr")
    assert art.text.strip() == FR


def test_header_needs_known_keys_and_blank_line(tmp_path: Path) -> None:
    body = "Remarque: ceci est une phrase du texte.\n" + FR
    write(tmp_path / "n.txt", body)
    art = by_id(C.read_folder(tmp_path))["n.txt"]
    assert art.text == body and art.title == ""


def test_yaml_front_matter(tmp_path: Path) -> None:
    write(tmp_path / "y.md", "---\ntitle: \"Titre : avec deux-points\"\nauthor: Léa\ndate: 2025-03-01\n---\n\n" + FR)
    art = by_id(C.read_folder(tmp_path))["y.md"]
    assert art.title == "Titre : avec deux-points" and art.author == "Léa" and art.date == "2025-03-01"
    assert art.text.strip() == FR


# ----------------------------------------------------------------------------- dates

@pytest.mark.parametrize("raw,iso", [
    ("24 avril 2025", "2025-04-24"), ("1er mai 2024", "2024-05-01"), ("2025-01-28", "2025-01-28"),
    ("28/01/2025", "2025-01-28"), ("2025-01-28T10:00:00+01:00", "2025-01-28"), ("March 3, 2025", "2025-03-03"),
    ("pas une date", "pas une date"), ("", ""),
])
def test_normalise_date(raw: str, iso: str) -> None:
    assert C.normalise_date(raw) == iso


# ----------------------------------------------------------------------------- CSV, JSONL, HTML

def test_csv_rows_and_missing_text_column(tmp_path: Path) -> None:
    write(tmp_path / "a.csv", 'title,text,date\nPremier,"' + FR + '",2025-01-02\nSecond,"' + FR + ' Encore.",\n')
    write(tmp_path / "bad.csv", "title,body_html\nx,y\n")
    result = C.read_folder(tmp_path)
    arts = by_id(result)
    assert set(arts) == {"a.csv#1", "a.csv#2"}
    assert arts["a.csv#1"].title == "Premier" and arts["a.csv#1"].date == "2025-01-02"
    assert "without a text column" in reasons(result)["bad.csv"]


def test_jsonl_malformed_line_others_read(tmp_path: Path) -> None:
    lines = [json.dumps({"text": FR, "title": "A"}), "{not json", json.dumps({"text": FR + " B", "author": "Bo"}),
             json.dumps([1, 2])]
    write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    result = C.read_folder(tmp_path)
    assert set(by_id(result)) == {"a.jsonl#1", "a.jsonl#3"}
    r = reasons(result)
    assert "malformed JSON on line 2" in r["a.jsonl#2"]
    assert "not a JSON object" in r["a.jsonl#4"]


def test_html_extraction(tmp_path: Path) -> None:
    html = ("<html><head><title>Le titre</title><meta name='author' content='Ana Diaz'>"
            "<meta property='article:published_time' content='2025-02-03'></head><body>"
            "<nav>Accueil | Tech</nav><article><h1>Le titre</h1>"
            f"<p>{FR}</p><p>Deuxième paragraphe avec des accents : équité.</p></article>"
            "<footer>Mentions légales</footer></body></html>")
    write(tmp_path / "p.html", html)
    art = by_id(C.read_folder(tmp_path))["p.html"]
    assert "Deuxième paragraphe" in art.text and "Mentions légales" not in art.text
    assert art.title == "Le titre" and art.author == "Ana Diaz" and art.date == "2025-02-03"


# ----------------------------------------------------------------------------- metadata precedence

def test_metadata_csv_fills_and_overrides(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "a.txt", "TITLE: Titre du fichier\nSOURCE: Source du fichier\n\n" + FR)
    write(tmp_path / "sub" / "metadata.csv", "file,title,author,source\na.txt,Titre du CSV,Zoé,\n")
    art = by_id(C.read_folder(tmp_path))["sub/a.txt"]
    assert art.title == "Titre du CSV"      # overrides
    assert art.author == "Zoé"              # fills
    assert art.source == "Source du fichier"  # empty field in metadata.csv does not erase


# ----------------------------------------------------------------------------- bad input

def test_bad_inputs_each_reported(tmp_path: Path) -> None:
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "image.png", b"\x89PNG\r\n\x1a\n")
    write(tmp_path / "good.txt", FR)
    result = C.read_folder(tmp_path)
    r = reasons(result)
    assert r["empty.txt"] == "empty file"
    assert "unsupported file type" in r["image.png"]
    assert list(by_id(result)) == ["good.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    p = write(tmp_path / "locked.txt", FR)
    p.chmod(0)
    try:
        assert "unreadable" in reasons(C.read_folder(tmp_path))["locked.txt"]
    finally:
        p.chmod(0o644)


def test_unreadable_file_via_permission_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "locked.txt", FR)
    write(tmp_path / "ok.txt", FR + " Autre.")
    real = Path.read_bytes

    def fake(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", fake)
    result = C.read_folder(tmp_path)
    assert "unreadable file (Permission denied)" == reasons(result)["locked.txt"]
    assert list(by_id(result)) == ["ok.txt"]


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        C.read_folder(tmp_path / "nope")


def test_raw_files_never_written(tmp_path: Path) -> None:
    p = write(tmp_path / "a.txt", FR)
    before = (p.read_bytes(), p.stat().st_mtime_ns)
    C.read_folder(tmp_path)
    assert (p.read_bytes(), p.stat().st_mtime_ns) == before


# ----------------------------------------------------------------------------- language and duplicates

def test_detect_language() -> None:
    assert C.detect_language(FR) == "fr"
    assert C.detect_language("The open source model is available to the developers and they can use it.") == "en"
    assert C.detect_language("1 2 3") == "und"


def test_duplicates_exact_and_near() -> None:
    base = " ".join(f"mot{i}" for i in range(200))
    near = base.replace("mot100", "autre")
    other = " ".join(f"terme{i}" for i in range(200))
    dups = C.find_duplicates({"a": base, "b": base.upper(), "c": near, "d": other})
    found = {(d.doc_id, d.duplicate_of, d.kind) for d in dups}
    assert ("b", "a", "exact") in found
    assert ("c", "a", "near") in found
    assert not any(d.doc_id == "d" for d in dups)
