"""Press-database exports: Europresse HTML, Factiva HTML and RTF, IRaMuTeQ corpus files.

One export file holds many articles; each becomes one Article with doc_id `file#1`, `file#2` ...
(numbered from 1 in the order of the file). The export's own boilerplate (copyright lines,
"Cet article est paru dans ...", document numbers, illustration captions) is taken out of the
text and kept in `Article.removed`, which the pipeline adds to the `removed` column.

    sniff_html(text)                          -> "europresse", "factiva" or None (an ordinary web page)
    read_html_export(text, rel, enc, problems) -> list[Article] or None (None: not an export)
    read_rtf(data, rel, problems)              -> list[Article]     (Factiva RTF)
    is_iramuteq(text) / read_iramuteq(text, rel, enc, problems)
    write_iramuteq(records, path)              (see helpers.formats.iramuteq)

Modules: `europresse` (three layouts), `factiva` (article and field-table HTML, RTF), `iramuteq`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..corpus import Article, Problem


@dataclass
class Record:
    """One article as found in an export, before it becomes an Article."""

    text: str
    title: str = ""
    author: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    lang: str = ""
    removed: list[tuple[str, str]] = field(default_factory=list)  # (reason, text)
    extra: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def to_articles(records: Iterable[Record], rel: str, fmt: str, encoding: str,
                problems: list[Problem]) -> list[Article]:
    """Records -> Articles numbered rel#1, rel#2 ...; a record without text becomes a Problem."""
    from ..corpus import normalise_date
    from ..outlets import fill_source

    out = []
    for n, r in enumerate(records, start=1):
        doc_id = f"{rel}#{n}"
        for w in r.warnings:
            problems.append(Problem(doc_id, w, "warning"))
        if not r.text.strip():
            problems.append(Problem(doc_id, f"{fmt} export: article {n} has no body text"
                                            f"{' (' + r.title[:60] + ')' if r.title else ''}"))
            continue
        art = Article(doc_id=doc_id, path=rel, text=r.text, fmt=fmt, encoding=encoding, title=r.title,
                      author=r.author, date=normalise_date(r.date), source=fill_source(r.source, r.url),
                      url=r.url, lang=r.lang)
        art.extra.update({k: v for k, v in r.extra.items() if v})
        if r.source and art.source != r.source:
            art.extra.setdefault("publication", r.source)
        art.removed = list(r.removed)
        out.append(art)
    return out


def sniff_html(text: str) -> str | None:
    """Which export an HTML file is, from markers of its layout (None for an ordinary web page)."""
    from . import europresse, factiva

    if europresse.looks_like(text):
        return "europresse"
    if factiva.looks_like(text):
        return "factiva"
    return None


def read_html_export(text: str, rel: str, encoding: str, problems: list[Problem]) -> list[Article] | None:
    """The articles of a Europresse or Factiva HTML export; None when the page is not one."""
    from . import europresse, factiva

    kind = sniff_html(text)
    if kind == "europresse":
        return to_articles(europresse.parse(text), rel, "europresse", encoding, problems)
    if kind == "factiva":
        return to_articles(factiva.parse_html(text), rel, "factiva", encoding, problems)
    return None


def read_rtf(data: bytes, rel: str, problems: list[Problem]) -> list[Article]:
    """The articles of a Factiva RTF export (raises corpus.DecodeError when it is not RTF)."""
    from . import factiva

    text, enc = factiva.rtf_to_text(data)
    return to_articles(factiva.parse_text(text), rel, "factiva-rtf", enc, problems)


def is_iramuteq(text: str) -> bool:
    """True when the first non-blank line is an IRaMuTeQ star line ('**** *var_value ...')."""
    from .iramuteq import is_iramuteq as _is

    return _is(text)


def read_iramuteq(text: str, rel: str, encoding: str, problems: list[Problem]) -> list[Article]:
    """The texts of an IRaMuTeQ corpus file, their star variables as metadata."""
    from . import iramuteq

    return to_articles(iramuteq.parse(text), rel, "iramuteq", encoding, problems)
