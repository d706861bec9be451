"""One text-folding function for every module that compares words (stance, framing, entities, textometry).

    fold("L’État — « ouvert »")              -> "l'etat - \"ouvert\""
    fold("Modèles ouverts", keep_accents=True) -> "modèles ouverts"
    fold_chars("Été–x", lower=False)        -> "Ete-x"   (same length as the input: offsets stay valid)

Folding: typographic apostrophes (’ ‘ ʼ ´ ` ′) become "'", quotation marks (« » “ ” „ ‟) become '"',
dashes and hyphens (– — ‑ ‐ − ‒) become "-", exotic spaces become " ", accents are removed (unless
keep_accents), the text is lower-cased (unless lower=False). `fold` also collapses runs of spaces
and strips the ends; `fold_chars` maps character by character so that positions are kept.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CHAR_MAP = {"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "′": "'",
             "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"',
             "–": "-", "—": "-", "‑": "-", "‐": "-", "−": "-", "‒": "-",
             "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u200a": " ", "·": "."}
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 14)
def _fold_char(c: str, lower: bool, keep_accents: bool) -> str:
    c = _CHAR_MAP.get(c, c)
    if c.isascii():
        return c.lower() if lower else c
    if keep_accents:
        base = c
    else:
        base = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)) or c
        base = base[0]
    if lower:
        base = base.lower()[:1] or base
    return base


class _FoldTable(dict):
    """A str.translate table filled on first sight of each character (code point -> folded character)."""

    def __init__(self, lower: bool, keep_accents: bool) -> None:
        super().__init__()
        self.lower, self.keep_accents = lower, keep_accents

    def __missing__(self, code: int) -> str:
        out = self[code] = _fold_char(chr(code), self.lower, self.keep_accents)
        return out


_TABLES = {(lo, ka): _FoldTable(lo, ka) for lo in (True, False) for ka in (True, False)}


def fold_chars(text: str, lower: bool = True, keep_accents: bool = False) -> str:
    """`text` folded character by character: the result has the same length as `text`."""
    return text.translate(_TABLES[(bool(lower), bool(keep_accents))])


@lru_cache(maxsize=1 << 16)
def fold(text: object, keep_accents: bool = False, lower: bool = True) -> str:
    """Lower case, accents removed, apostrophes, quotes, dashes and spaces unified, spaces collapsed."""
    return _SPACES.sub(" ", fold_chars(str(text), lower, keep_accents)).strip()


__all__ = ["fold", "fold_chars"]
