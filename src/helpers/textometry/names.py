"""Multi-word names found by the entity recogniser: the rows each article stores (name_patterns_rows,
called when an article is annotated) and the patterns merged corpus-wide by units_table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd
from spacy.tokens import Doc

from .terms import DASHES, _has_letter, _join_surface, norm, stop_words


def name_patterns(docs: Mapping[str, Doc], labels: Iterable[str] = ("PER", "ORG", "LOC"),
                  stops: frozenset[str] | None = None) -> dict[tuple[str, ...], str]:
    """Multi-word names from the entity recogniser: capitalised spans of 2+ words without stop words.

    Returned as patterns -> most frequent spelling, so that a name found once is merged in every
    article ('Yann LeCun'). A surname that some article uses alone may fold into the full name there.
    """
    stops = stops if stops is not None else stop_words("fr")
    labels = set(labels)
    found: dict[tuple[str, ...], Counter] = {}
    for doc in docs.values():
        for ent, words in _name_spans(doc, labels):
            if any(norm(t.text) in stops for t in words):
                continue
            key = tuple(norm(t.text) for t in words)
            found.setdefault(key, Counter())[_join_surface([t.text for t in ent])] += 1
    return {k: c.most_common(1)[0][0] for k, c in found.items()}


NAME_SEP = "\x1f"


def _name_spans(doc: Doc, labels: set[str]):
    """(entity, its words) for the capitalised entity spans of 2+ words with one of `labels`."""
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        words = [t for t in ent if t.text not in DASHES and not t.is_space]
        if len(words) >= 2 and all(t.text[:1].isupper() and _has_letter(t.text) for t in words):
            yield ent, words


def name_patterns_rows(doc: Doc, labels: Iterable[str] = ("PER", "ORG", "LOC")) -> list[tuple[str, str, str]]:
    """The name candidates of one article, as stored rows (label, normalised words joined by NAME_SEP,
    surface): capitalised entity spans of 2+ words (stop words are filtered when the rows are used)."""
    out = []
    for ent, words in _name_spans(doc, set(labels)):
        out.append((ent.label_, NAME_SEP.join(norm(t.text) for t in words), _join_surface([t.text for t in ent])))
    return out


def name_patterns_from_table(names: pd.DataFrame, labels: Iterable[str] = ("PER", "ORG", "LOC"),
                             stops: frozenset[str] | None = None) -> dict[tuple[str, ...], str]:
    """name_patterns() computed from the stored names table (columns label, key, surface)."""
    stops = stops if stops is not None else stop_words("fr")
    found: dict[tuple[str, ...], Counter] = {}
    if names is None or not len(names):
        return {}
    sub = names[names["label"].isin(set(labels))]
    for key, surface in zip(sub["key"], sub["surface"], strict=True):
        words = tuple(key.split(NAME_SEP))
        if any(w in stops for w in words):
            continue
        found.setdefault(words, Counter())[surface] += 1
    return {k: c.most_common(1)[0][0] for k, c in found.items()}
