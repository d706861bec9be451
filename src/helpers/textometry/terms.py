"""Normalisation, stop words, the multi-word term list and the matcher that finds terms in token sequences."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..paths import lexicon
from ..textfold import fold

CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV", "X"})
DASHES = frozenset({"-", "–", "—", "‐", "‑"})

_LETTER = re.compile(r"[^\W\d_]")

# --------------------------------------------------------------------------- normalisation, lexicons

def norm(text: str) -> str:
    """Lowercase, apostrophes, quotes and dashes unified, spaces trimmed, accents kept (helpers.textfold)."""
    return fold(text, keep_accents=True)


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import spacy

    return spacy.blank("fr").tokenizer


def pattern_tokens(text: str) -> tuple[str, ...]:
    """A term as the parser's tokens, normalised, dashes dropped ('Open-Source' -> ('open', 'source'))."""
    return tuple(norm(t.text) for t in _tokenizer()(text.strip()) if t.text not in DASHES and not t.is_space)


def _read_lines(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@lru_cache(maxsize=8)
def _stop_words_cached(lang: str, extra_path: str | None) -> frozenset[str]:
    from ..corpus import spacy_stop_words

    words = {norm(w) for w in spacy_stop_words("en" if lang == "en" else "fr")}
    if extra_path:
        lines = _read_lines(Path(extra_path))
        words |= {norm(w) for w in lines if not w.startswith("!")}
        words -= {norm(w[1:]) for w in lines if w.startswith("!")}  # '!word' takes a word off the list
    return frozenset(words)


def stop_words(lang: str = "fr", extra: str | Path | None | bool = True) -> frozenset[str]:
    """spaCy's stop words for `lang` ('fr' or 'en') with the project list (extra=True) or a given file.

    Lines of the list add words; lines starting with '!' take words off spaCy's list.
    """
    if extra is True:
        try:
            extra = lexicon("stopwords_extra.txt")
        except FileNotFoundError:
            extra = None
    elif extra is False:
        extra = None
    return _stop_words_cached("en" if lang == "en" else "fr", str(extra) if extra else None)


@dataclass
class TermList:
    """Multi-word terms: normalised token pattern -> canonical form."""

    patterns: dict[tuple[str, ...], str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> TermList:
        """Read data/lexicons/terms.yml (or `path`): a mapping `terms: {canonical: [variants]}`."""
        import yaml

        path = Path(path) if path else lexicon("terms.yml")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.from_mapping(data.get("terms", data) or {})

    @classmethod
    def from_mapping(cls, terms: Mapping[str, Iterable[str] | None]) -> TermList:
        """{canonical: [variants]} -> TermList (the canonical form is always one of its own variants)."""
        patterns: dict[tuple[str, ...], str] = {}
        for canonical, variants in terms.items():
            for v in [canonical, *(variants or [])]:
                toks = pattern_tokens(str(v))
                if toks:
                    patterns.setdefault(toks, str(canonical))
        return cls(patterns)

    def canonical(self, text: str) -> str | None:
        """The canonical form of a term or variant, or None when it is not in the list."""
        return self.patterns.get(pattern_tokens(text))

    def variants(self, canonical: str) -> list[tuple[str, ...]]:
        """All patterns that fold into `canonical`."""
        return [p for p, c in self.patterns.items() if c == canonical]


def _build_trie(patterns: Mapping[tuple[str, ...], Any]) -> dict:
    trie: dict = {}
    for toks, value in patterns.items():
        node = trie
        for t in toks:
            node = node.setdefault(t, {})
        node.setdefault(None, value)
    return trie


def find_matches(texts: Sequence[str], lemmas: Sequence[str], sent_ids: Sequence[int],
                 trie: Mapping) -> list[tuple[int, int, Any]]:
    """Longest non-overlapping pattern matches in a token sequence: (start, end exclusive, value).

    A pattern word matches a token whose normalised text or lemma equals it; dash tokens inside a
    match are skipped; a match never crosses a sentence boundary (a change of sent_id).
    """
    n = len(texts)
    out = []
    i = 0
    while i < n:
        if texts[i] in DASHES:
            i += 1
            continue
        best: tuple[int, Any] | None = None
        stack = [(trie, i)]
        while stack:
            node, j = stack.pop()
            if None in node and j > i and (best is None or j > best[0]):
                best = (j, node[None])
            if j >= n or sent_ids[j] != sent_ids[i]:
                continue
            if texts[j] in DASHES and j > i:
                stack.append((node, j + 1))
                continue
            for cand in {texts[j], lemmas[j]}:
                child = node.get(cand)
                if child is not None:
                    stack.append((child, j + 1))
        if best is not None:
            end = best[0]
            while end > i + 1 and texts[end - 1] in DASHES:
                end -= 1
            out.append((i, end, best[1]))
            i = end
        else:
            i += 1
    return out


def _has_letter(s: str) -> bool:
    return bool(_LETTER.search(s))


def _join_surface(parts: Sequence[str]) -> str:
    out = ""
    for p in parts:
        if not out or p in DASHES or out[-1] in DASHES or out.endswith("'"):
            out += p
        else:
            out += " " + p
    return out
