"""Factiva exports: HTML ("Article Format" and "Full Article/Report plus Indexing") and RTF.

- HTML article layout: one `div.article` per document holding `div.<lang>Article`; the headline in
  `span.<lang>Headline` (inside `div#hd`), the author in `div.author`, then unattributed `<div>`s in a
  fixed order: word count ("1 234 mots"), date, source name, source code, edition, page, language,
  copyright; the body in `p.articleParagraph`; the last lines "Document XXXXXXXX".
- HTML field-table layout (with indexing): a table per document whose rows are a field code in
  bold and its value: SE section, HD headline, BY author, WC word count, PD date, SN source name,
  SC source code, LA language, CY copyright, LP lead paragraph, TD text, ART captions, AN accession
  number, and indexing codes (CO, IN, NS, RE, IPD, PUB).
- RTF (either layout, read with `striprtf`): the same fields as lines ("HD" then its value, or
  "HD  value"); without field codes, the article layout's lines, each document ending "Document ...".

Structure as documented by the parsers published by researchers (newspapers::import_factiva,
factiva_parser, factiva_html_parser); fixtures in tests/fixtures/exports.
"""

from __future__ import annotations

import re
from typing import Any

from ..corpus import DecodeError
from . import Record
from ._html import html_text, one_line, soup, tidy

FIELDS = ("SE", "HD", "BY", "CR", "WC", "PD", "ET", "SN", "SC", "ED", "PG", "LA", "CY", "LP", "TD", "ART", "CT",
          "RF", "CO", "IN", "NS", "RE", "IPC", "IPD", "PUB", "AN", "VOL", "CLM", "DLN", "RST")
BODY_FIELDS = ("LP", "TD")
REMOVED_FIELDS = {"CY": "export copyright", "ART": "export caption", "AN": "export document number",
                  "CT": "export contact", "CR": "export credit"}
WORDS = re.compile(r"^\d[\d\s.,\u202f\u00a0]*\s+(?:mots|words|wörter|palabras|parole|palavras|woorden|слов)$", re.I)
DOCUMENT = re.compile(r"^\s*(?:document|dokument|documento)\s+[A-Za-z0-9]{10,}\s*$", re.I)
COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\b|tous droits réservés|all rights reserved", re.I)
LANGUAGES = {"français": "fr", "french": "fr", "francés": "fr", "französisch": "fr", "anglais": "en", "english": "en",
             "englisch": "en", "inglés": "en"}
_FIELD_LINE = re.compile(r"^(" + "|".join(FIELDS) + r")(?:\s{1,}(.*))?$")


def looks_like(text: str) -> bool:
    """True for a Factiva export: its article classes, or a field table with HD/PD/SN codes."""
    head = text[:200_000]
    if re.search(r"class=\"[^\"]*\b[a-z]{2}Article\b|class=\"[^\"]*Headline\b|articleParagraph", head):
        return True
    return bool(re.search(r"<b>\s*HD\s*</b>", head) and re.search(r"<b>\s*(?:PD|SN)\s*</b>", head))


def _author(value: str) -> str:
    return re.sub(r"^(?:par|by|von|por)\s+", "", one_line(value), flags=re.I)


def _lang(value: str) -> str:
    v = one_line(value).lower()
    return LANGUAGES.get(v, v[:2] if re.fullmatch(r"[a-z]{2}", v[:2]) and len(v) <= 3 else "")


def from_fields(fields: list[tuple[str, str]]) -> Record:
    """A record from (code, value) pairs of the indexed layout."""
    values: dict[str, list[str]] = {}
    for code, value in fields:
        values.setdefault(code, []).append(value)
    get = lambda code: one_line(" ".join(values.get(code, [])))  # noqa: E731
    removed = [(reason, get(code)) for code, reason in REMOVED_FIELDS.items() if get(code)]
    indexing = {code.lower(): get(code) for code in ("CO", "IN", "NS", "RE", "SE", "SC", "WC", "PUB") if get(code)}
    body = [tidy(v) for code in BODY_FIELDS for v in values.get(code, [])]
    title = get("HD")
    text = tidy("\n".join([title, *body])) if any(b.strip() for b in body) else ""
    return Record(text=text, title=title, author=_author(get("BY")), date=get("PD"), source=get("SN"),
                  lang=_lang(get("LA")), removed=removed, extra={"layout": "factiva-fields", **indexing})


def _article_div(div: Any) -> Record:
    """A record from the article layout (div.<lang>Article)."""
    removed: list[tuple[str, str]] = []
    head = div.select_one("[class$=Headline], .enHeadline, .frHeadline") or div.select_one("#hd")
    title = one_line(head.get_text(" ")) if head is not None else ""
    author_el = div.select_one("div.author")
    author = _author(author_el.get_text(" ")) if author_el is not None else ""
    plain = [one_line(d.get_text(" ")) for d in div.find_all("div", recursive=False) if not d.attrs]
    date = source = lang = ""
    k = next((i for i, v in enumerate(plain) if WORDS.match(v)), None)
    if k is not None:
        date = plain[k + 1] if k + 1 < len(plain) else ""
        source = plain[k + 2] if k + 2 < len(plain) else ""
        for v in plain[k + 3:]:
            if COPYRIGHT.search(v):
                removed.append(("export copyright", v))
            elif _lang(v) and not lang and v.lower() in LANGUAGES:
                lang = _lang(v)
        removed.append(("export header", " | ".join(plain[:k + 3])))
    paragraphs = [html_text(p) for p in div.select("p.articleParagraph, p[class*=articleParagraph]")]
    for p in div.find_all("p"):
        t = one_line(p.get_text(" "))
        if t and not any("articleParagraph" in c for c in p.get("class", [])):
            removed.append(("export document number" if DOCUMENT.match(t) else "export source line", t))
    body = [p for p in paragraphs if p]
    text = tidy("\n".join([title, *body])) if body else ""
    return Record(text=text, title=title, author=author, date=date, source=source, lang=lang, removed=removed,
                  extra={"layout": "factiva-article"})


def _field_tables(tree: Any) -> list[list[tuple[str, str]]]:
    docs = []
    for table in tree.find_all("table"):
        rows = []
        for tr in table.find_all("tr", recursive=False) or table.select(":scope > tbody > tr"):
            cells = tr.find_all("td", recursive=False)
            if len(cells) >= 2:
                code = one_line(cells[0].get_text(" "))
                if code in FIELDS:
                    rows.append((code, html_text(cells[1])))
        if any(c == "HD" for c, _ in rows):
            docs.append(rows)
    return docs


def parse_html(text: str) -> list[Record]:
    """Every article of a Factiva HTML export, in file order (either layout)."""
    tree = soup(text)
    tables = _field_tables(tree)
    if tables:
        return [from_fields(rows) for rows in tables]
    divs = [d for d in tree.find_all("div") if any(re.fullmatch(r"[a-z]{2}Article", c) for c in d.get("class", []))]
    return [_article_div(d) for d in divs]


# --------------------------------------------------------------------------- RTF

def rtf_to_text(data: bytes) -> tuple[str, str]:
    """Plain text of an RTF file (striprtf); raises DecodeError when the bytes are not RTF."""
    from striprtf.striprtf import rtf_to_text as _strip

    head = data[:20].lstrip()
    if not head.startswith(b"{\\rtf"):
        raise DecodeError("not an RTF file (no '{\\rtf' header)")
    raw = data.decode("cp1252", errors="replace")  # RTF is 7-bit with \'xx escapes; the rest is cp1252 at worst
    try:
        text = _strip(raw, errors="ignore")
    except Exception as exc:  # noqa: BLE001 - a malformed RTF must become a message, not a traceback
        raise DecodeError(f"unreadable RTF ({type(exc).__name__}: {exc})") from exc
    return text, "rtf"


def parse_text(text: str) -> list[Record]:
    """Records from the text of a Factiva RTF (field-code layout, else article layout)."""
    lines = [one_line(x) for x in text.replace("\f", "\n").split("\n")]
    if sum(1 for ln in lines if _FIELD_LINE.match(ln) and ln[:2] in ("HD", "PD", "SN")) >= 2:
        return _parse_field_lines(lines)
    return _parse_article_lines(lines)


def _parse_field_lines(lines: list[str]) -> list[Record]:
    docs: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    code = None
    for line in lines:
        m = _FIELD_LINE.match(line)
        if m:
            code = m.group(1)
            if code in ("SE", "HD") and any(c == code or (code == "SE" and c == "HD") for c, _ in current):
                docs.append(current)
                current = []
            current.append((code, m.group(2) or ""))
        elif code and line:
            c, v = current[-1]
            current[-1] = (c, f"{v}\n{line}" if v else line)
        elif code and not line and current and current[-1][0] in BODY_FIELDS:
            c, v = current[-1]
            current[-1] = (c, v + "\n")
    if current:
        docs.append(current)
    return [from_fields(d) for d in docs if any(c == "HD" for c, _ in d)]


def _parse_article_lines(lines: list[str]) -> list[Record]:
    records = []
    chunk: list[str] = []
    for line in [*lines, "Document ENDOFEXPORT0000"]:
        if DOCUMENT.match(line):
            rows = [x for x in chunk if x]
            chunk = []
            k = next((i for i, v in enumerate(rows) if WORDS.match(v)), None)
            if k is None or k == 0:
                continue
            removed = [("export document number", line)] if "ENDOFEXPORT" not in line else []
            title = rows[0]
            author = _author(rows[1]) if k >= 2 else ""
            date = rows[k + 1] if k + 1 < len(rows) else ""
            source = rows[k + 2] if k + 2 < len(rows) else ""
            start = k + 3
            lang = ""
            for i in range(k + 3, min(len(rows), k + 9)):
                if COPYRIGHT.search(rows[i]):
                    removed.append(("export copyright", rows[i]))
                    start = i + 1
                    break
                if rows[i].lower() in LANGUAGES:
                    lang = _lang(rows[i])
                    start = i + 1
            removed.insert(0, ("export header", " | ".join(rows[k:start])))
            body = rows[start:]
            records.append(Record(text=tidy("\n".join([title, *body])) if body else "", title=title, author=author,
                                  date=date, source=source, lang=lang, removed=removed,
                                  extra={"layout": "factiva-rtf-article"}))
        else:
            chunk.append(line)
    return records
