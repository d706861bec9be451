"""The stance lexicon (data/lexicons/stance.yml) compiled into patterns, and the pattern scanner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Span, Token

from ..docview import doc_view
from ..paths import lexicon as lexicon_path
from ..textfold import fold

STANCES = ("pro", "con", "none")
STANCE_COLUMNS = ["doc_id", "sent_id", "stance", "categories", "cues", "score", "target", "rules", "prob", "evidence",
                  "text"]
ARGUMENT_COLUMNS = ["doc_id", "sent_id", "stance", "categories", "cues", "score", "rules", "prob", "evidence", "text"]
GAP = "..."
MAX_GAP = 3
_SKIP = frozenset({"-", "–", "—", "“", "”", "«", "»", '"', "‘"})
_OPEN_QUOTES = frozenset({"“", "«", '"', "‘"})
_CLOSE_QUOTES = frozenset({"”", "»", '"', "’"})
_CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "acl", "acl:relcl", "parataxis", "csubj", "conj"})
_CLAUSE_END = frozenset({",", ":", ";", "–", "—"})
_RISK_GROUPS = ("con.risk", "con.misuse")


# ---------------------------------------------------------------------------------------------
# Lexicon
# ---------------------------------------------------------------------------------------------

# a word of a pattern: (folded word, is_prefix, required POS or "", surface form only)
Word = tuple[str, bool, str, bool]


@dataclass(frozen=True)
class Pattern:
    """A cue compiled to a sequence of word tests (None = a gap of up to MAX_GAP tokens)."""

    label: str
    words: tuple[Word | None, ...]


@dataclass(frozen=True)
class CueGroup:
    """A group of cues of the lexicon with its polarity, weight, target condition and options."""

    name: str
    polarity: int
    weight: float
    needs: str
    restriction: bool
    patterns: tuple[Pattern, ...]
    negatable: bool = True
    harm: bool = False
    endorsement: bool = False
    enabled_by: frozenset[str] = frozenset()
    questions_only: bool = False
    anyone: bool = False


@dataclass
class StanceLexicon:
    """The stance lexicon: targets, cue groups, rule words and settings."""

    settings: dict[str, float]
    open_targets: tuple[Pattern, ...]
    closed_targets: tuple[Pattern, ...]
    anaphora: frozenset[str]
    groups: tuple[CueGroup, ...]
    rules: dict[str, tuple[Pattern, ...]]
    rule_words: dict[str, frozenset[str]]
    source: str = ""
    topic_targets: tuple[Pattern, ...] = ()
    _scanner: Scanner | None = field(default=None, init=False, repr=False, compare=False)

    def scanner(self) -> Scanner:
        """All patterns of the lexicon indexed once by their first word (built on first use)."""
        if self._scanner is None:
            self._scanner = Scanner(self)
        return self._scanner

    def group(self, name: str) -> CueGroup | None:
        return next((g for g in self.groups if g.name == name), None)


def _tokenizer():
    import spacy

    return spacy.blank("fr").tokenizer


def compile_pattern(text: str, tokenizer=None) -> Pattern:
    """Compile a cue string (see the head of stance.yml) into a Pattern.

    `word*` is a prefix, `word/POS` requires a part of speech, `=word` matches the surface form only
    (not the lemma: "=fermer" is the infinitive, not "fermés"), and "..." is a gap.
    """
    tokenizer = tokenizer or _tokenizer()
    words: list[Word | None] = []
    for part in str(text).split():
        if part == GAP:
            words.append(None)
            continue
        pos = ""
        exact = part.startswith("=") and len(part) > 1
        part = part.lstrip("=") if exact else part
        if "/" in part:
            part, pos = part.rsplit("/", 1)
            pos = pos.upper()
        prefix = part.endswith("*")
        part = part.rstrip("*")
        toks = [fold(t.text) for t in tokenizer(part) if t.text not in _SKIP and t.text.strip()]
        for k, t in enumerate(toks):
            last = k == len(toks) - 1
            words.append((t, prefix and last, pos if last else "", exact))
    return Pattern(str(text), tuple(words))


def load_lexicon(path: str | Path | None = None) -> StanceLexicon:
    """Read stance.yml (default: data/lexicons/stance.yml) into a StanceLexicon."""
    path = Path(path) if path else lexicon_path("stance.yml")
    return _load_lexicon_cached(str(path), path.stat().st_mtime)


@lru_cache(maxsize=8)
def _load_lexicon_cached(path: str, mtime: float) -> StanceLexicon:  # noqa: ARG001 - mtime invalidates the cache
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    tok = _tokenizer()
    comp = lambda items: tuple(compile_pattern(c, tok) for c in items or [])  # noqa: E731
    first_words = lambda items: frozenset(  # noqa: E731
        fold(t.text) for w in items or [] for t in list(tok(str(w)))[:1])
    groups = []
    for side, polarity in (("pro", 1), ("con", -1)):
        for name, spec in (raw.get(side) or {}).items():
            spec = spec or {}
            groups.append(CueGroup(
                name=f"{side}.{name}", polarity=polarity, weight=float(spec.get("weight", 1.0)),
                needs=str(spec.get("needs", "target")), restriction=bool(spec.get("restriction", False)),
                patterns=comp(spec.get("cues")), negatable=bool(spec.get("negatable", True)),
                harm=bool(spec.get("harm", False)), endorsement=bool(spec.get("endorsement", False)),
                enabled_by=first_words(spec.get("enabled_by")),
                questions_only=bool(spec.get("questions_only", False)), anyone=bool(spec.get("anyone", False))))
    rules = raw.get("rules") or {}
    target = raw.get("target") or {}
    return StanceLexicon(
        settings={k: float(v) for k, v in (raw.get("settings") or {}).items()},
        open_targets=comp(target.get("open")),
        closed_targets=comp(target.get("closed")),
        anaphora=frozenset(fold(a) for a in target.get("anaphora") or []),
        groups=tuple(groups),
        rules={k: comp(v) for k, v in rules.items()},
        rule_words={k: frozenset(fold(str(w).split("/")[0]) for w in v or []) for k, v in rules.items()},
        source=path,
        topic_targets=comp(target.get("topic")),
    )


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------

@dataclass
class Match:
    """One pattern found in a sentence: its label, surface text and token range (doc indices)."""

    label: str
    surface: str
    start: int
    end: int
    group: CueGroup | None = None


Keys = tuple[str, str, str]  # folded text, folded lemma, POS


def _keys(tok: Token) -> Keys:
    return fold(tok.text), fold(tok.lemma_), tok.pos_


def _word_ok(keys: Keys, word: Word) -> bool:
    w, prefix, pos, exact = word
    if pos and keys[2] != pos:
        return False
    if prefix:
        return keys[0].startswith(w) or (not exact and keys[1].startswith(w))
    return w == keys[0] or (not exact and w == keys[1])


def _match_at(keys: list[Keys], i: int, words: tuple[Word | None, ...], k: int = 0) -> int | None:
    """End position (exclusive, in keys) of words[k:] matched from keys[i], or None."""
    n = len(keys)
    while k < len(words):
        word = words[k]
        if word is None:
            for skip in range(0, MAX_GAP + 1):
                end = _match_at(keys, i + skip, words, k + 1)
                if end is not None:
                    return end
            return None
        if i >= n or not _word_ok(keys[i], word):
            return None
        i, k = i + 1, k + 1
    return i


class Scanner:
    """Every pattern of a lexicon (targets, cue groups, rule lists) indexed by its first word, so a
    sentence is scanned once for all of them."""

    def __init__(self, lex: StanceLexicon) -> None:
        entries: list[tuple[Pattern, str, CueGroup | None]] = []
        entries += [(p, "open", None) for p in lex.open_targets]
        entries += [(p, "closed", None) for p in lex.closed_targets]
        entries += [(p, "topic", None) for p in lex.topic_targets]
        for g in lex.groups:
            entries += [(p, g.name, g) for p in g.patterns]
        for name, pats in lex.rules.items():
            entries += [(p, f"rule:{name}", None) for p in pats]
        self.exact: dict[str, list[tuple[Pattern, str, CueGroup | None]]] = {}
        # prefix patterns ("ouvert*") by their first two letters, so a token only tries the few that can match
        self.prefix: dict[str, list[tuple[Pattern, str, CueGroup | None]]] = {}
        for e in entries:
            first = e[0].words[0] if e[0].words else None
            if first is None:
                continue
            if first[1]:  # a one-letter prefix is tried on every token (key "")
                self.prefix.setdefault(first[0][:2] if len(first[0]) >= 2 else "", []).append(e)
            else:
                self.exact.setdefault(first[0], []).append(e)
        # token keys -> the patterns whose first word matches them (the vocabulary repeats: looked up once)
        self._candidates: dict[Keys, tuple[tuple[Pattern, str, CueGroup | None], ...]] = {}

    def _lookup(self, keys: Keys) -> tuple[tuple[Pattern, str, CueGroup | None], ...]:
        """The patterns whose first word matches a token's keys: exact first words (by text, then lemma), then
        prefixes, in that order."""
        text, lemma = keys[0], keys[1]
        cands = self.exact.get(text, [])
        if lemma != text and lemma in self.exact:
            cands = cands + self.exact[lemma]
        pre = self.prefix.get(text[:2], []) + self.prefix.get("", [])
        if lemma[:2] != text[:2] and lemma[:2] in self.prefix:
            pre = pre + self.prefix[lemma[:2]]
        return tuple(e for e in (*cands, *pre) if _word_ok(keys, e[0].words[0]))

    def scan(self, span: Span, toks: list[int], keys: list[Keys]) -> dict[str, list[Match]]:
        """All matches in a prepared sentence (_prepare: token positions and keys), by list name ("open",
        "con.risk", "rule:negation" ...)."""
        out: dict[str, list[Match]] = {}
        view = doc_view(span.doc)
        memo = self._candidates
        for i, k in enumerate(keys):
            cands = memo.get(k)
            if cands is None:
                cands = memo[k] = self._lookup(k)
            for p, name, g in cands:  # their first word matches keys[i]: match the rest from i + 1
                end = _match_at(keys, i + 1, p.words, 1)
                if end is not None:
                    a, b = toks[i], toks[end - 1] + 1
                    out.setdefault(name, []).append(Match(p.label, view.span_text(a, b), a, b, g))
        return out


def _prepare(span: Span) -> tuple[list[int], list[Keys]]:
    """The positions of the tokens patterns are matched on (hyphens, quotation marks and spaces skipped) and their
    keys (folded text, folded lemma, POS), read from the Doc's view (helpers.docview)."""
    v = doc_view(span.doc)
    toks = [i for i in range(span.start, span.end) if v.text[i] not in _SKIP and not v.is_space[i]]
    return toks, [(v.ftext[i], v.flemma[i], v.pos[i]) for i in toks]


def find_patterns(span: Span, patterns: Iterable[Pattern], group: CueGroup | None = None,
                  prepared: tuple[list[int], list[Keys]] | None = None) -> list[Match]:
    """All matches of patterns in span (hyphens and quotation marks are ignored)."""
    toks, keys = prepared or _prepare(span)
    out = []
    for i in range(len(keys)):
        for p in patterns:
            if not p.words or p.words[0] is None:
                continue
            end = _match_at(keys, i, p.words)
            if end is not None and end > i:
                a, b = toks[i], toks[end - 1] + 1
                out.append(Match(p.label, span.doc[a:b].text, a, b, group))
    return out


def _longest(matches: list[Match]) -> list[Match]:
    """Drop matches whose token range lies inside a longer match."""
    matches = sorted(matches, key=lambda m: (-(m.end - m.start), m.start))
    kept: list[Match] = []
    for m in matches:
        if any(k.start <= m.start and m.end <= k.end for k in kept):
            continue
        kept.append(m)
    return sorted(kept, key=lambda m: m.start)


