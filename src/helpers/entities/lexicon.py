"""Entity lexicons: types, name folding, the gazetteer (entities.yml + entities_learned.yml), filters and quote cues."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..paths import lexicon
from ..textfold import fold, fold_chars

SCORED_TYPES = ("PER", "ORG", "LOC", "PRODUCT")
ALL_TYPES = (*SCORED_TYPES, "MISC")
ENTITY_COLUMNS = ["doc_id", "sent_id", "text", "canonical", "type", "start_char", "end_char", "source",
                  "model_label"]
QUOTE_COLUMNS = ["doc_id", "sent_id", "end_sent_id", "quote", "speaker", "speaker_canonical", "speaker_type",
                 "speaker_text", "verb", "attribution", "n_words", "start_char", "end_char"]
MODEL_LABELS = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "MISC": "MISC",
                "PRODUCT": "PRODUCT", "NORP": None, "FAC": "LOC", "EVENT": "MISC", "LAW": "MISC",
                "WORK_OF_ART": "MISC"}


# one folding for the whole project (helpers.textfold): fold_text keeps positions, fold collapses spaces
fold_text = fold_chars


def name_key(text: object) -> str:
    """A name reduced to its letters and digits, for grouping variants ("Open-AI" == "OpenAI")."""
    return re.sub(r"[\W_]+", "", fold(text))


# --------------------------------------------------------------------------- lexicons


def _read_yaml(name: str) -> dict[str, Any]:
    with lexicon(name).open(encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


@dataclass(frozen=True)
class Entry:
    """One gazetteer entry."""

    canonical: str
    type: str
    aliases: tuple[str, ...] = ()
    versions: str = ""  # "", "optional" or "required"
    case: str = ""  # "" or "exact"
    context: tuple[str, ...] = ()
    context_aliases: tuple[str, ...] = ()


_LINE_WORDS = (r"(?:[\s\-](?:turbo|mini|nano|pro|max|flash|ultra|instruct|chat|base|sonnet|opus|haiku|plus|lite|"
               r"preview|vision|large|medium|small|omni|coder|zero|reasoner|maverick|scout|behemoth|thinking))")
# a version (number, size or a letter and a number: "Kimi K2"; then model-line words) or model-line words alone
# ("o3-mini", "Gemini Pro")
_VERSION = (r"(?:(?:[\s\-]?v?(?:\d{1,2}(?:[.,]\d{1,2})*[a-z]{0,2}|\d{1,3}(?:[.,]\d)?[bmk]|x\d?|[a-z]\d{1,2}(?![.,]\d))"
            r"(?:-[a-z0-9]+)*(?:\s+\d{1,3}(?:[.,]\d)?[bmk])?" + _LINE_WORDS + r"*)|" + _LINE_WORDS + r"+)")
_NAME_START = re.compile(r"(?<![\w@#/.])[^\W_]")  # [^\W_] is str.isalnum()


def _alias_parts(alias: str) -> list[str]:
    """The folded words of an alias (split on spaces and hyphens, which the text may write either way)."""
    return [p for p in re.split(r"[\s\-]+", fold_text(alias)) if p]


def _alias_regex(alias: str) -> str:
    return r"[\s\-]*".join(re.escape(p) for p in _alias_parts(alias))


@dataclass
class _Pattern:
    entry: Entry
    alias: str
    regex: re.Pattern[str]
    contextual: bool
    exact: bool  # case must match the alias (accents folded)
    capital: bool  # surface must start with a capital or a digit
    head: str = ""  # the folded alias's first word: the regex matches only where the text starts with it


class Gazetteer:
    """The entity gazetteer, compiled for fast matching on folded text."""

    def __init__(self, entries: Iterable[Entry], ignore: Iterable[str] = ()):
        self.entries = list(entries)
        # names (name_key) that the statistical layer finds but coders never code (learned: entities_learned.yml)
        self.ignore = {name_key(x) for x in ignore}
        self.by_canonical = {e.canonical: e for e in self.entries}
        self.index: dict[str, list[_Pattern]] = defaultdict(list)
        self.alias_keys: dict[str, Entry] = {}
        for e in self.entries:
            for alias, contextual in [(e.canonical, False), *((a, False) for a in e.aliases),
                                      *((a, True) for a in e.context_aliases)]:
                alias = alias.strip()
                if not alias:
                    continue
                letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", alias)
                short_acronym = letters.isupper() and len(letters) <= 3
                long_acronym = letters.isupper() and len(letters) > 3
                exact = e.case == "exact" or short_acronym or contextual
                capital = not exact and not alias[:1].islower() and not long_acronym
                if long_acronym and e.case != "exact":
                    capital = True
                body = _alias_regex(alias)
                if e.versions == "required" and alias == e.canonical:
                    body += _VERSION
                elif e.versions:  # an alias of a "required" entry names a model line already ("Mistral Large")
                    body += _VERSION + "?"
                rx = re.compile(body + r"(?!\w)(?!\.\w)")
                folded = fold_text(alias)
                head = next(iter(_alias_parts(alias)), "")
                self.index[folded[:2]].append(_Pattern(e, alias, rx, contextual, exact, capital, head))
                if e.versions != "required":
                    self.alias_keys.setdefault(name_key(alias), e)

    def lookup(self, name: str) -> Entry | None:
        """The entry whose canonical name or alias is this name (folded), if any."""
        return self.alias_keys.get(name_key(name))

    def find(self, text: str) -> list[tuple[int, int, Entry, bool]]:
        """Non-overlapping matches (start, end, entry, contextual) in text, longest first, left to right."""
        folded = fold_text(text)
        for glued in _GLUED_SENTENCE.finditer(text):  # "contre OpenAI.Cependant, ...": a missing space
            folded = folded[:glued.start()] + " " + folded[glued.end():]
        found: list[tuple[int, int, Entry, bool]] = []
        end = 0
        # a name starts on a letter or digit that no word character (nor @ # / .) precedes
        for start in _NAME_START.finditer(folded):
            pos = start.start()
            if pos < end or (pos > 1 and folded[pos - 1] == "-" and folded[pos - 2].isalnum()):  # "OpenLLM-France"
                continue
            best: tuple[int, int, Entry, bool] | None = None
            pats = self.index.get(folded[pos:pos + 2], ())
            if folded[pos] in self.index and folded[pos + 1:pos + 2]:  # one-letter aliases ("X") are keyed by one char
                pats = [*pats, *self.index[folded[pos]]]
            for pat in pats:
                if not folded.startswith(pat.head, pos):  # cheaper than the regex, which starts with the head
                    continue
                m = pat.regex.match(folded, pos)
                if not m or (best and m.end() <= best[1]):
                    continue
                surface = text[pos:m.end()]
                if pat.exact:
                    if not _same_case(surface, pat.alias):
                        continue
                elif pat.capital and not (surface[:1].isupper() or surface[:1].isdigit()):
                    continue
                best = (pos, m.end(), pat.entry, pat.contextual)
            if best:
                found.append(best)
                end = best[1]
        return found


_GLUED_SENTENCE = re.compile(r"(?<=\w)\.(?=[A-ZÀ-Ý][a-zà-ÿ]{2,})")


def _same_case(surface: str, alias: str) -> bool:
    """Whether the letters of surface have the case of the alias's letters (version suffix ignored)."""
    s = [c for c in fold_text(surface, lower=False) if c.isalpha()]
    a = [c for c in fold_text(alias, lower=False) if c.isalpha()]
    return len(s) >= len(a) and all(x == y for x, y in zip(s, a, strict=False))


LEARNED_FILE = "entities_learned.yml"


@lru_cache(maxsize=4)
def load_gazetteer(path: str | None = None, learned: bool = True) -> Gazetteer:
    """Read data/lexicons/entities.yml (or path) into a Gazetteer, merged (learned=True) with the
    entities_learned.yml beside it when present: its entries whose names the main file lacks, and its
    `ignore` list (helpers.entity_learning)."""
    src = Path(path) if path else lexicon("entities.yml")
    entries = read_entries(src)
    ignore: list[str] = []
    learned_path = src.with_name(LEARNED_FILE)
    if learned and learned_path.exists():
        try:
            extra = read_entries(learned_path)
            ignore = [str(x) for x in (yaml.safe_load(learned_path.read_text(encoding="utf-8")) or {}).get("ignore") or []]
        except (OSError, ValueError, yaml.YAMLError) as exc:
            import logging

            logging.getLogger("helpers").warning("%s unreadable (%s): learned entities not used", learned_path, exc)
            extra = []
        known = {name_key(a) for e in entries for a in (e.canonical, *e.aliases)}
        entries += [e for e in extra if not ({name_key(a) for a in (e.canonical, *e.aliases)} & known)]
    return Gazetteer(entries, ignore=ignore)


def read_entries(src: Path) -> list[Entry]:
    """The entries of one gazetteer file (raises ValueError naming the file on an unknown type)."""
    with src.open(encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    entries = []
    for raw in data.get("entities", []) or []:
        typ = str(raw.get("type", "")).upper()
        if typ not in ALL_TYPES:
            raise ValueError(f"{src}: entity {raw.get('canonical')!r} has unknown type {typ!r}")
        entries.append(Entry(
            canonical=str(raw["canonical"]), type=typ,
            aliases=tuple(str(a) for a in raw.get("aliases") or ()),
            versions=str(raw.get("versions") or ""), case=str(raw.get("case") or ""),
            context=tuple(str(a) for a in raw.get("context") or ()),
            context_aliases=tuple(str(a) for a in raw.get("context_aliases") or ())))
    return entries


def _demonym_forms(bases: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for b in bases:
        b = fold(b)
        forms = {b, b + "e", b + "s", b + "es"}
        if b.endswith("s"):
            forms |= {b + "e", b + "es"}
        if b.endswith("ien"):
            forms |= {b + "ne", b + "nes"}
        if b.endswith("e"):
            forms |= {b + "s"}
        out |= forms
    return out


@dataclass
class Filters:
    """Junk filters and name clean-up lists (data/lexicons/entity_filters.yml)."""

    max_tokens: int = 7
    figures: set[str] = field(default_factory=set)
    generic_terms: set[str] = field(default_factory=set)
    generic_words: set[str] = field(default_factory=set)
    demonyms: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    particles: set[str] = field(default_factory=set)


@lru_cache(maxsize=2)
def load_filters() -> Filters:
    d = _read_yaml("entity_filters.yml")
    return Filters(
        max_tokens=int(d.get("max_tokens", 7)),
        figures={fold(x) for x in d.get("figures_of_speech", [])},
        generic_terms={fold(x) for x in d.get("generic_terms", [])},
        generic_words={fold(x) for x in d.get("generic_words", [])},
        demonyms=_demonym_forms(d.get("demonyms", [])),
        titles={fold(x) for x in d.get("person_titles", [])},
        particles={fold(x) for x in d.get("name_particles", [])},
    )


@lru_cache(maxsize=2)
def load_org_suffixes() -> set[str]:
    """Last words that make an organisation's name (entity_context.yml org_suffixes: Ventures, Labs, ...)."""
    return {fold(w) for w in _read_yaml("entity_context.yml").get("org_suffixes", [])}


@lru_cache(maxsize=2)
def load_context_cues() -> tuple[dict[str, str], set[str]]:
    """(cue lemma -> type, words that may stand between a cue and a name)."""
    d = _read_yaml("entity_context.yml")
    cues = {fold(w): t for t in ("ORG", "PRODUCT", "PER") for w in d.get(t, [])}
    return cues, {fold(w) for w in d.get("skip", [])}


@dataclass
class QuoteLexicon:
    verbs: set[str]
    markers: set[str]
    pronouns: set[str]
    min_words: int


@lru_cache(maxsize=2)
def load_quote_lexicon() -> QuoteLexicon:
    d = _read_yaml("entity_quotes.yml")
    return QuoteLexicon(verbs={fold(v) for v in d.get("speech_verbs", [])},
                        markers={fold(v) for v in d.get("source_markers", [])},
                        pronouns={fold(v) for v in d.get("pronouns", [])},
                        min_words=int(d.get("min_words", 4)))


