"""Europresse HTML exports ("Télécharger"/"Exporter" a result list as HTML): three layouts.

- `article`: the current export, one `<article>` per document with a `<header>` (publication name
  in `.DocPublicationName`, a date line in `.DocHeader`, the title in `.titreArticle`, authors in
  `.docAuthors` or `p.sm-margin-bottomNews`, a subtitle in `.rdp__subtitle`), the body in
  `.DocText`/`.docOcurrContainer`, and a footer with the copyright (`.Doc-LegalInfo`) and the
  document number (`.publiC-lblNodoc`, "news·20240115·LM·..."); `<aside>` holds notes and captions.
- `web`: the same shell for a web source ("lemonde.fr (site web)"): the date line carries a time and
  a word count, and the body ends with a link "Cet article est paru dans ..." to the original URL.
- `legacy`: older exports (often Windows-1252), one `<table>` per document: `span.DocPublicationName`,
  `span.DocHeader` pieces (section, weekday, date, page), `span.TitreArticleVisu`, then the author
  line and the body as plain text up to "© 2012 ... Tous droits réservés." and "Numéro de document".

Structure as documented by the parsers the research community published (R.TeMiS's
tm.plugin.europresse, Europresse-to-IRaMuTeQ converters); the fixtures in tests/fixtures/exports
cover one file per layout. Some exports cut long bodies: an article ending on "…" is flagged.
"""

from __future__ import annotations

import re
from typing import Any

from ..clean import DATE_RE
from . import Record
from ._html import html_text, one_line, soup, tidy

COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\s*\d{4}\b|tous droits réservés|all rights reserved", re.I)
PARU_DANS = re.compile(r"^\s*cet article est paru dans\b", re.I)
DOC_NUMBER = re.compile(r"^\s*(?:numéro de document|document number)\s*:?", re.I)
NEWS_ID = re.compile(r"news[·.\-_ ](\d{8})[·.\-_ ]", re.I)
CERTIFICATE = re.compile(r"ce certificat est émis|date d'émission|le présent document est protégé|certificat public", re.I)
CAPTION = re.compile(r"^\s*(?:illustrations?|photos?|légendes?|crédits? photo)\s*(?:\(s\))?\s*:", re.I)
CUT = re.compile(r"(?:…|\.\.\.|\(\.\.\.\)|\[\.\.\.\])\s*$")


def looks_like(text: str) -> bool:
    """True for a Europresse export (its class names or its name in the page)."""
    head = text[:200_000]
    return bool(re.search(r"DocPublicationName|titreArticleVisu|TitreArticleVisu|docOcurrContainer|publiC-lblNodoc",
                          head))


def publication_date(header: str, doc_number: str = "") -> str:
    """The date in a header line ('jeudi 4 octobre 2012, p. 3'), else from the document number."""
    m = DATE_RE.search(header or "")
    if m:
        return m.group(1)
    m = NEWS_ID.search(doc_number or "")
    if m:
        d = m.group(1)
        return f"{d[:4]}-{d[4:6]}-{d[6:]}"
    return ""


def _split_boilerplate(lines: list[str], removed: list[tuple[str, str]]) -> list[str]:
    """Body lines without the export's boilerplate (moved to removed with a reason)."""
    body = []
    for line in lines:
        if COPYRIGHT.search(line) and len(line) < 200:
            removed.append(("export copyright", line))
        elif PARU_DANS.match(line):
            removed.append(("export source line", line))
        elif DOC_NUMBER.match(line) or CERTIFICATE.search(line):
            removed.append(("export document number", line))
        elif CAPTION.match(line):
            removed.append(("export caption", line))
        else:
            body.append(line)
    return body


def _first(el: Any, selectors: str) -> Any:
    for sel in selectors.split("|"):
        found = el.select_one(sel)
        if found is not None and one_line(found.get_text(" ")):
            return found
    return None


def _cut_warning(rec: Record) -> None:
    if rec.text and CUT.search(rec.text):
        rec.warnings.append("Europresse export: the body ends with an ellipsis; the export may have cut it")


def _parse_article(art: Any) -> Record:
    removed: list[tuple[str, str]] = []
    pub_el = _first(art, ".rdp__DocPublicationName .DocPublicationName|.DocPublicationName|.rdp__DocPublicationName")
    publication = ""
    if pub_el is not None:
        parts = [s for s in pub_el.stripped_strings]
        publication = one_line(parts[0]) if parts else ""
        if len(parts) > 1:
            removed.append(("export publication details", one_line(" ".join(parts[1:]))))
    header_el = _first(art, ".rdp__DocHeader|.DocHeader")
    header = one_line(header_el.get_text(" ")) if header_el is not None else ""
    number_el = art.select_one(".publiC-lblNodoc")
    number = one_line(number_el.get_text(" ")) if number_el is not None else ""
    title_el = _first(art, ".titreArticle .titreArticleVisu|.titreArticleVisu|.titreArticle|.rdp__articletitle|.grandTitre")
    title = one_line(title_el.get_text(" ")) if title_el is not None else ""
    author_el = _first(art, ".docAuthors|.rdp__docAuthors|header p.sm-margin-bottomNews|p.sm-margin-bottomNews")
    author = one_line(author_el.get_text(" ")) if author_el is not None else ""
    subtitle_el = _first(art, ".rdp__subtitle")
    subtitle = one_line(subtitle_el.get_text(" ")) if subtitle_el is not None else ""
    url = ""
    body_el = _first(art, ".docOcurrContainer|.DocText|section")
    layout = "article"
    if body_el is not None:
        for a in body_el.select("a"):
            if PARU_DANS.match(a.get_text(" ")):
                url = (a.get("href") or "").strip()
                layout = "web"
    if "(site web" in publication.lower():
        layout = "web"
    for aside in art.select("aside"):
        note = one_line(aside.get_text(" "))
        if note:
            removed.append(("export note or caption", note))
        aside.decompose()
    for legal in art.select(".Doc-LegalInfo"):
        removed.append(("export copyright", one_line(legal.get_text(" "))))
    if number:
        removed.append(("export document number", number))
    if header:
        removed.append(("export date line", header))
    lines = html_text(body_el).split("\n") if body_el is not None else []
    body = _split_boilerplate(lines, removed)
    if author and body and one_line(body[0]) == author:
        body = body[1:]
    text = "\n".join([*([title] if title else []), *([subtitle] if subtitle else []), *body])
    rec = Record(text=tidy(text) if body else "", title=title, author=author,
                 date=publication_date(header, number), source=publication, url=url, removed=removed,
                 extra={"layout": f"europresse-{layout}", "europresse_id": number})
    _cut_warning(rec)
    return rec


def _legacy_records(tree: Any) -> list[Record]:
    """One record per span.DocPublicationName (the legacy table layout)."""
    from bs4 import NavigableString, Tag

    records = []
    for pub in tree.select("span.DocPublicationName"):
        cell = pub.find_parent("td") or pub.parent
        removed: list[tuple[str, str]] = []
        publication = one_line(pub.get_text(" "))
        header_bits = [one_line(h.get_text(" ")) for h in cell.select("span.DocHeader")]
        header = one_line(" ".join(header_bits))
        title_el = cell.select_one("span.TitreArticleVisu, .titreArticleVisu")
        title = one_line(title_el.get_text(" ")) if title_el is not None else ""
        # the text after the title, in document order, without the nested certificate/logo tables
        pieces: list[str] = []
        after = False
        for node in cell.descendants:
            if node is title_el:
                after = True
                continue
            if not after or (title_el is not None and isinstance(node, NavigableString)
                             and title_el in node.parents):
                continue
            if isinstance(node, Tag):
                if node.name in ("br", "p", "div", "tr"):
                    pieces.append("\n")
                continue
            if isinstance(node, NavigableString) and not any(
                    isinstance(p, Tag) and p.name in ("table", "script", "style") and p is not cell
                    and cell in p.parents for p in node.parents):
                pieces.append(str(node))
        lines = tidy("".join(pieces)).split("\n") if pieces else []
        number = next((ln for ln in lines if DOC_NUMBER.match(ln)), "")
        body = _split_boilerplate(lines, removed)
        author = ""
        if body and len(body[0].split()) <= 10 and not re.search(r"[.!?»]$", body[0]) and len(body) > 1:
            author = body[0]
            body = body[1:]
        before_title = []  # a surtitle between the header and the title ("Subtitle<br>")
        if title_el is not None:
            for sib in title_el.previous_siblings:
                if isinstance(sib, Tag) and sib.name == "span":
                    break
                if isinstance(sib, NavigableString) and one_line(str(sib)):
                    before_title.insert(0, one_line(str(sib)))
        if header:
            removed.append(("export date line", header))
        text = "\n".join([*before_title, *([title] if title else []), *body])
        rec = Record(text=tidy(text) if body else "", title=title, author=author,
                     date=publication_date(header, number), source=publication, removed=removed,
                     extra={"layout": "europresse-legacy", "europresse_id": number.split(":")[-1].strip()})
        _cut_warning(rec)
        records.append(rec)
    return records


def parse(text: str) -> list[Record]:
    """Every article of a Europresse HTML export, in file order."""
    tree = soup(text)
    articles = tree.find_all("article")
    if articles:
        return [_parse_article(a) for a in articles]
    return _legacy_records(tree)
