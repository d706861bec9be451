"""IRaMuTeQ's corpus format, both ways.

A corpus is one text file; each text starts with a star line holding its variables:

    **** *source_Le_Figaro *date_2024-01-05 *am_2024-01 *annee_2024
    Le texte de l'article ...

    -*thematique          (optional: a line starting with '-*' opens a thematic section)

Reading: every star line starts an article (`file.txt#1`, `#2` ...); `*source_`/`*journal_`/`*media_`
give `source` (underscores read as spaces), `*date_` the date, `*auteur_`/`*author_` the author,
`*titre_`/`*title_` the title, `*url_`... the URL; other variables are kept as metadata. Thematic
lines are structure, not text: they go to `removed`.

Writing (`write_iramuteq`, the `export-iramuteq` command): one star line per article with `*doc_`
(its doc_id), `*source_`, `*date_`, `*am_` (year-month), `*annee_`, then its cleaned body. IRaMuTeQ
reserves `*` and a leading `-*` in texts, and wants variable values without spaces: values are
folded to ASCII letters, digits and underscores, and stars in the text become spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from . import Record

STAR_LINE = re.compile(r"^\*{4}(?:\s|$)")
VARIABLE = re.compile(r"\*([^\s*_]+)_(\S*)")
THEMATIC = re.compile(r"^-\*\S*")
KEYS = {"source": "source", "journal": "source", "media": "source", "média": "source", "date": "date",
        "auteur": "author", "author": "author", "titre": "title", "title": "title", "url": "url", "lang": "lang",
        "langue": "lang"}


def is_iramuteq(text: str) -> bool:
    """True when the first non-blank line is a star line."""
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            return bool(STAR_LINE.match(line.strip()))
    return False


def parse(text: str) -> list[Record]:
    """The texts of an IRaMuTeQ corpus, in order."""
    records: list[Record] = []
    current: Record | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            current.text = "\n".join(body).strip()
            records.append(current)

    for line in text.lstrip("\ufeff").splitlines():
        stripped = line.strip()
        if STAR_LINE.match(stripped):
            close()
            current, body = Record(text=""), []
            for name, value in VARIABLE.findall(stripped):
                key = KEYS.get(name.lower())
                value_read = value.replace("_", " ") if key in ("source", "author", "title") else value
                if key:
                    setattr(current, key, value_read)
                else:
                    current.extra[name] = value
            current.extra["star_line"] = stripped
        elif current is None:
            continue
        elif THEMATIC.match(stripped):
            current.removed.append(("IRaMuTeQ thematic line", stripped))
        else:
            body.append(line)
    close()
    return records


def star_value(value: object) -> str:
    """A variable value IRaMuTeQ accepts: ASCII letters, digits and underscores ('' for nothing)."""
    s = unicodedata.normalize("NFKD", "" if value is None else str(value))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_")
    return s


def star_line(meta: Mapping[str, object]) -> str:
    """'**** *doc_x *source_Le_Figaro *date_2024-01-05 *am_2024-01 *annee_2024' from doc metadata."""
    parts = ["****"]
    doc = star_value(meta.get("doc_id", ""))
    if doc:
        parts.append(f"*doc_{doc}")
    source = star_value(meta.get("source", ""))
    if source:
        parts.append(f"*source_{source}")
    date = str(meta.get("date") or "")
    if re.match(r"^\d{4}-\d{2}-\d{2}$", date):
        parts += [f"*date_{date}", f"*am_{date[:7]}", f"*annee_{date[:4]}"]
    for key, value in meta.items():
        if key in ("doc_id", "source", "date", "text") or value is None or str(value) == "":
            continue
        name, v = star_value(key).lower(), star_value(value)
        if name and v:
            parts.append(f"*{name}_{v}")
    return " ".join(parts)


def body_text(text: str) -> str:
    """Text safe for IRaMuTeQ: stars out, no line opening with '-*' or '****'."""
    return "\n".join(line.replace("*", " ").rstrip() for line in str(text).splitlines() if line.strip())


def write_iramuteq(items: Iterable[tuple[Mapping[str, object], str]], path: str | Path) -> int:
    """Write (metadata, text) pairs as an IRaMuTeQ corpus (UTF-8); returns the number of texts."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        for meta, text in items:
            body = body_text(text)
            if not body:
                continue
            f.write(star_line(meta) + "\n" + body + "\n\n")
            n += 1
    tmp.replace(path)
    return n
