"""Name the outlet of an article: from its URL's domain through an editable table of French-language outlets.

    outlet_from_url("https://www.lefigaro.fr/culture/...")   -> "Le Figaro"
    outlet_from_url("https://blog.example.org/post")           -> "example.org"   (bare domain)
    outlet_name("lemonde.fr (site web)")                       -> "Le Monde"
    outlets_table()                                            -> DataFrame domain, outlet, country, kind

The table is `data/lexicons/outlets.csv` (columns domain, outlet, country, kind): add a row to name
an outlet the table does not know. A sub-domain is named by its parent (sport24.lefigaro.fr is Le
Figaro) unless it has a row of its own (ici.radio-canada.ca).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from .paths import LEXICONS_DIR

OUTLETS_FILE = LEXICONS_DIR / "outlets.csv"
OUTLET_COLUMNS = ("domain", "outlet", "country", "kind")

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$")
# What Europresse and others add to a publication name: "(site web)", "(site web réf.)", ", no. 23412"
_PUBLICATION_SUFFIX = re.compile(r"\s*(?:\(site web(?: réf\.?)?\)|,\s*no\.\s*\S+.*)\s*$", re.I)


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            domain = (row.get("domain") or "").strip().lower()
            if domain and (row.get("outlet") or "").strip():
                rows[domain] = {k: (row.get(k) or "").strip() for k in OUTLET_COLUMNS}
                rows[domain]["domain"] = domain
    return rows


def outlets(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """domain -> row of the outlet table (empty when the file is missing)."""
    p = Path(path) if path else OUTLETS_FILE
    if not p.exists():
        return {}
    return _load(str(p.resolve()))


def _fold(name: str) -> str:
    """Lowercase ASCII letters and digits only: 'Les Échos' and 'Les Echos' fold to 'lesechos'."""
    import unicodedata

    s = unicodedata.normalize("NFKD", name.replace("’", "'"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in s if not unicodedata.combining(c)).lower())


@lru_cache(maxsize=8)
def _names(path: str) -> dict[str, str]:
    return {_fold(row["outlet"]): row["outlet"] for row in _load(path).values()}


def outlets_table(path: str | Path | None = None):
    """The outlet table as a DataFrame (domain, outlet, country, kind)."""
    import pandas as pd

    return pd.DataFrame(list(outlets(path).values()), columns=list(OUTLET_COLUMNS))


def domain_of(url: str) -> str:
    """The host of a URL without 'www.' (lowercase); '' when the value is not a URL or a domain."""
    value = (url or "").strip()
    if not value:
        return ""
    host = urlsplit(value if "//" in value else "//" + value).hostname or ""
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host if _DOMAIN.match(host) else ""


def lookup(domain: str, path: str | Path | None = None) -> dict[str, str] | None:
    """The table row for a domain or its closest parent domain (sport24.lefigaro.fr -> lefigaro.fr)."""
    table = outlets(path)
    parts = domain.split(".")
    for k in range(len(parts) - 1):
        row = table.get(".".join(parts[k:]))
        if row:
            return row
    return None


def outlet_from_url(url: str, path: str | Path | None = None) -> str:
    """The outlet's name for a URL (table), else its bare domain, else ''."""
    domain = domain_of(url)
    if not domain:
        return ""
    row = lookup(domain, path)
    return row["outlet"] if row else domain


def outlet_name(source: str, path: str | Path | None = None) -> str:
    """A source as given by a file, tidied: a domain is named through the table; export suffixes
    ("(site web)", ", no. 1234") are dropped; a known outlet written with other accents, case or
    spaces takes the table's spelling; anything else is kept as it is."""
    s = " ".join((source or "").split())
    if not s:
        return ""
    s = _PUBLICATION_SUFFIX.sub("", s).strip() or s
    domain = domain_of(s) if " " not in s else ""
    if domain:
        row = lookup(domain, path)
        return row["outlet"] if row else domain
    p = Path(path) if path else OUTLETS_FILE
    known = _names(str(p.resolve())) if p.exists() else {}
    return known.get(_fold(s), s)  # 'Les Echos', 'LIBERATION', "l'Humanité" -> the table's spelling


def fill_source(source: str, url: str, path: str | Path | None = None) -> str:
    """The source to record: the file's own (tidied) when it gives one, else the outlet of its URL."""
    return outlet_name(source, path) if (source or "").strip() else outlet_from_url(url, path)
