"""Entities and actors (CODEBOOK.md section 2): who is named, who speaks, who appears with whom.

    mentions = entities_table(docs)            # one row per entity mention
    quotes = quotes_table(docs)                # direct quotations with their speakers
    entity_article_counts(mentions)            # canonical x article counts
    top_actors(mentions)                       # most mentioned actors by type
    cooccurrence_graph(mentions)               # networkx graph, co-occurrence within a sentence

Recognition has two layers:

1. **Gazetteer** (data/lexicons/entities.yml): canonical names, types and aliases of the actors of
   the open-source AI debate. Aliases are matched on the text with case, accents, apostrophes,
   dashes and word separators folded, so "Deepseek", "Etats Unis" or "Hugging-Face" are found;
   model versions are folded into their family (GPT-4o -> GPT, LLaMA 3 -> Llama). Matching works
   on characters rather than spaCy tokens because the French tokenizer glues some versions
   ("GPT-4" is one token) and splits others ("DeepSeek", "-", "R1").
2. **Statistical model**: the spaCy pipeline's own entities, kept when the gazetteer does not
   cover them, after junk filtering (data/lexicons/entity_filters.yml: spans starting with a verb,
   mostly stop words, figures of speech, demonyms, generic terms, URLs, emoji, bylines), name
   normalisation (determiners and titles stripped, a surname alone resolved to the full name
   given in the same article, spelling variants grouped across the corpus) and typing: MISC
   spans are typed by the noun before or after them (data/lexicons/entity_context.yml).

Where both layers find a name, the gazetteer's canonical name and type win, except when the
model finds a longer person's name around a gazetteer name ("Claude Chappe") or a longer
organisation around a place ("Banque de France").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from spacy.tokens import Doc, Span, Token

from .paths import lexicon
from .tables import iter_sentences, token_sentence_ids
from .textfold import fold, fold_chars

SCORED_TYPES = ("PER", "ORG", "LOC", "PRODUCT")
ALL_TYPES = (*SCORED_TYPES, "MISC")
ENTITY_COLUMNS = ["doc_id", "sent_id", "text", "canonical", "type", "start_char", "end_char", "source",
                  "model_label"]
QUOTE_COLUMNS = ["doc_id", "sent_id", "end_sent_id", "quote", "speaker", "speaker_canonical", "speaker_type",
                 "speaker_text", "verb", "attribution", "n_words", "start_char", "end_char"]
MODEL_LABELS = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "MISC": "MISC",
                "PRODUCT": "PRODUCT", "NORP": None, "FAC": "LOC", "EVENT": "MISC", "LAW": "MISC",
                "WORK_OF_ART": "MISC"}

# --------------------------------------------------------------------------- folding

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
               r"preview|vision|large|medium|small|omni|coder|zero|reasoner|maverick|scout|behemoth))")
# a version (number or size, then model-line words) or model-line words alone ("o3-mini", "Gemini Pro")
_VERSION = (r"(?:(?:[\s\-]?v?(?:\d{1,2}(?:[.,]\d{1,2})*[a-z]{0,2}|\d{1,3}(?:[.,]\d)?[bmk]|x\d?)"
            r"(?:-[a-z0-9]+)*(?:\s+\d{1,3}(?:[.,]\d)?[bmk])?" + _LINE_WORDS + r"*)|" + _LINE_WORDS + r"+)")
_BEFORE_OK = re.compile(r"[\w@#/.]")


def _alias_regex(alias: str) -> str:
    parts = [p for p in re.split(r"[\s\-]+", fold_text(alias)) if p]
    return r"[\s\-]*".join(re.escape(p) for p in parts)


@dataclass
class _Pattern:
    entry: Entry
    alias: str
    regex: re.Pattern[str]
    contextual: bool
    exact: bool  # case must match the alias (accents folded)
    capital: bool  # surface must start with a capital or a digit


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
                self.index[folded[:2]].append(_Pattern(e, alias, rx, contextual, exact, capital))
                if e.versions != "required":
                    self.alias_keys.setdefault(name_key(alias), e)

    def lookup(self, name: str) -> Entry | None:
        """The entry whose canonical name or alias is this name (folded), if any."""
        return self.alias_keys.get(name_key(name))

    def find(self, text: str) -> list[tuple[int, int, Entry, bool]]:
        """Non-overlapping matches (start, end, entry, contextual) in text, longest first, left to right."""
        folded = fold_text(text)
        found: list[tuple[int, int, Entry, bool]] = []
        pos, n = 0, len(text)
        while pos < n:
            if not folded[pos].isalnum() or (pos > 0 and _BEFORE_OK.match(folded[pos - 1])) or (
                    pos > 1 and folded[pos - 1] == "-" and folded[pos - 2].isalnum()):  # "OpenLLM-France"
                pos += 1
                continue
            best: tuple[int, int, Entry, bool] | None = None
            pats = self.index.get(folded[pos:pos + 2], ())
            if folded[pos] in self.index and folded[pos + 1:pos + 2]:  # one-letter aliases ("X") are keyed by one char
                pats = [*pats, *self.index[folded[pos]]]
            for pat in pats:
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
                pos = best[1]
            else:
                pos += 1
        return found


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


# --------------------------------------------------------------------------- mentions


@dataclass
class Mention:
    """One entity mention in one document."""

    doc_id: str
    start_char: int
    end_char: int
    text: str
    canonical: str
    type: str
    source: str  # "gazetteer", "model" or "gazetteer+model"
    model_label: str = ""
    sent_id: int = -1
    first_token: int = -1
    evidence: str = "gazetteer"  # how the type was decided (gazetteer, model, context, acronym, version, brand)


_URLISH = re.compile(r"https?://|www\.|\.(?:com|org|net|fr|io|ai)\b|@|#|/")


def _is_emoji(c: str) -> bool:
    return unicodedata.category(c) in ("So", "Sk", "Cs") or 0x1F000 <= ord(c) <= 0x1FAFF


def _strip_span(span: Span, filters: Filters) -> Span | None:
    """The span without leading determiners, prepositions, titles and quotes, or trailing punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end:
        t = doc[start]
        low = fold(t.text)
        if t.is_punct or t.is_space or low in {"l'", "d'", "le", "la", "les", "du", "des", "de", "au", "aux", "un",
                                               "une", "the", "a", "qu'", "lorsqu'"} or low in filters.titles \
                or t.pos_ in ("DET", "ADP") and t.text[:1].islower():
            start += 1
            continue
        # a lower-case common word before a capitalised name ("région Provence-Alpes-Côte d'Azur")
        if t.is_alpha and t.is_lower and t.pos_ in ("NOUN", "ADJ") and any(
                x.text[:1].isupper() for x in doc[start + 1:end]):
            start += 1
            continue
        break
    while end > start:
        t = doc[end - 1]
        if t.is_punct or t.is_space or fold(t.text) in {"'s", "s'", "vs", "vs."}:
            end -= 1
            continue
        break
    return doc[start:end] if end > start else None


# benchmarks are not entities (CODEBOOK.md section 2): MT-Bench, LiveCodeBench v6, SWE-bench, HumanEval
_BENCHMARK = re.compile(r"(?<=.)(?:bench|eval)(?:[\s\-]*v?\d[\w.]*)?$")


def junk_reason(span: Span, filters: Filters | None = None) -> str:
    """Why a span proposed by the model is not an entity ('' when it is kept)."""
    filters = filters or load_filters()
    text = span.text.strip()
    if not text or not any(c.isalpha() for c in text):
        return "no letters"
    if _URLISH.search(text):
        return "URL, e-mail or handle"
    if any(_is_emoji(c) for c in text):
        return "emoji"
    key = fold(text)
    if _BENCHMARK.search(key):
        return "benchmark"
    if key in filters.figures:
        return "figure of speech"
    if key in filters.generic_terms:
        return "generic term"
    if key in filters.demonyms:
        return "demonym"
    toks = [t for t in span if not t.is_punct and not t.is_space]
    if not toks:
        return "no words"
    if len(toks) > filters.max_tokens:
        return "too long for a name"
    first = toks[0]
    if first.pos_ in ("VERB", "AUX") and fold(first.text) not in filters.particles:
        return "starts with a verb"
    if not (first.text[:1].isupper() or first.text[:1].isdigit()):
        return "does not start with a capital"
    if len(text) < 2:
        return "single character"
    stops = sum(1 for t in toks if t.is_stop or fold(t.text) in filters.particles)
    if stops / len(toks) > 0.5:
        return "mostly stop words"
    lower_words = [t for t in toks if t.text[:1].islower() and fold(t.text) not in filters.particles
                   and not t.is_stop]
    if len(lower_words) > 1 and len(lower_words) >= len(toks) / 2:
        return "mostly lower-case words"
    capitalised = [fold(t.text) for t in toks if t.text[:1].isupper() or t.text[:1].isdigit()]
    if capitalised and all(w in filters.generic_words for w in capitalised):
        return "generic words only"
    if any(w in filters.demonyms for w in map(fold, (t.text for t in toks))) and len(toks) == 1:
        return "demonym"
    return ""


def _context_type(span: Span, cues: dict[str, str], skip: set[str]) -> str | None:
    """The type given by a cue noun before the span ('l'entreprise X') or in apposition after it ('X, une start-up')."""
    doc = span.doc
    i = span.start - 1
    steps = 0
    while i >= 0 and steps < 5:
        t = doc[i]
        low, lem = fold(t.text), fold(t.lemma_)
        if t.pos_ == "DET" or low in skip or lem in skip or t.text in ("«", "“", '"'):
            i -= 1
            steps += 1
            continue
        if t.pos_ in ("NOUN", "PROPN", "ADJ") and (lem in cues or low in cues):
            return cues.get(lem) or cues.get(low)
        if t.pos_ == "ADJ":
            i -= 1
            steps += 1
            continue
        break
    j = span.end
    if j < len(doc) and doc[j].text in (",", "(", "–", "-"):
        j += 1
        steps = 0
        while j < len(doc) and steps < 4:
            t = doc[j]
            low, lem = fold(t.text), fold(t.lemma_)
            if t.pos_ == "DET" or t.pos_ == "ADJ" and lem not in cues:
                j += 1
                steps += 1
                continue
            if lem in cues or low in cues:
                return cues.get(lem) or cues.get(low)
            break
    return None


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def doc_mentions(doc_id: str, doc: Doc, gazetteer: Gazetteer | None = None, filters: Filters | None = None,
                 use_model: bool = True, drop_single_surnames: bool = True, text: str | None = None) -> list[Mention]:
    """Entity mentions of one document, before corpus-level name grouping (see entities_table).

    drop_single_surnames: drop a one-word model person named once and not resolved to a full name
    (False when a learned filter decides on them instead). text: doc.text if the caller has built it
    (Doc.text joins every token: build it once per article)."""
    gaz = gazetteer or load_gazetteer()
    filters = filters or load_filters()
    cues, skip = load_context_cues()
    if text is None:
        text = doc.text
    matches = gaz.find(text)
    present = {e.canonical for _, _, e, ctx in matches if not ctx}
    gaz_mentions = [Mention(doc_id, s, e_, text[s:e_], entry.canonical, entry.type, "gazetteer")
                    for s, e_, entry, ctx in matches
                    if not ctx or any(c in present for c in entry.context)]
    model_mentions: list[Mention] = []
    drop_gaz: set[int] = set()
    if use_model:
        for ent in doc.ents:
            label = MODEL_LABELS.get(ent.label_, "MISC")
            if label is None:
                continue
            span = _strip_span(ent, filters)
            if span is None:
                continue
            over = [k for k, g in enumerate(gaz_mentions)
                    if _overlaps(g.start_char, g.end_char, span.start_char, span.end_char)]
            if over:
                longer = all(span.start_char <= gaz_mentions[k].start_char and gaz_mentions[k].end_char <= span.end_char
                             for k in over) and span.end_char - span.start_char > max(
                    gaz_mentions[k].end_char - gaz_mentions[k].start_char for k in over)
                forced = ""
                if longer and not junk_reason(span, filters):
                    inner = [gaz_mentions[k] for k in over]
                    if label == "PER" and _person_around(span, inner, cues):
                        forced = "PER"
                    elif _organisation_around(span, inner, label, cues):
                        forced = "ORG"
                if not forced:
                    for k in over:
                        gaz_mentions[k].source = "gazetteer+model"
                        gaz_mentions[k].model_label = gaz_mentions[k].model_label or ent.label_
                    continue
                drop_gaz.update(over)
            else:
                forced = ""
            for part in _split_coordination(span):
                if junk_reason(part, filters):
                    continue
                if forced and part is span:
                    typ, how = forced, "name-around"
                else:
                    typ, how = _model_type(part, label, cues, skip)
                m = Mention(doc_id, part.start_char, part.end_char, part.text, _normal_name(part, typ), typ, "model",
                            ent.label_)
                m.evidence = how
                model_mentions.append(m)
    mentions = [g for k, g in enumerate(gaz_mentions) if k not in drop_gaz and not _is_dateline(g, text)]
    mentions += model_mentions
    _resolve_surnames(mentions, gaz, drop_single=drop_single_surnames)
    mentions = _drop_bylines(mentions, doc, text)
    sids = token_sentence_ids(doc)
    for m in mentions:
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is not None and len(span):
            m.first_token = span.start
            m.sent_id = next((sids[i] for i in range(span.start, span.end) if sids[i] >= 0), -1)
    mentions = [m for m in mentions if m.sent_id >= 0]
    mentions.sort(key=lambda m: m.start_char)
    return mentions


_MODEL_LINE_WORDS = {"turbo", "mini", "nano", "pro", "max", "flash", "ultra", "instruct", "chat", "base", "sonnet",
                     "opus", "haiku", "plus", "lite", "preview", "vision", "large", "medium", "small", "omni",
                     "coder", "zero", "reasoner", "maverick", "scout", "behemoth", "thinking", "code", "next"}
_COORDINATORS = {"et", "and", "ou", "or"}


def _outside_tokens(span: Span, inner: list[Mention]) -> list[Token]:
    """The tokens of span that no inner (gazetteer) mention covers."""
    return [t for t in span if not any(m.start_char <= t.idx < m.end_char for m in inner)]


def _person_around(span: Span, inner: list[Mention], cues: dict[str, str]) -> bool:
    """A model person's name around one gazetteer name that is not a person ("Claude Chappe"), but not a
    model line ("Claude Opus"), two names joined ("Llama de Meta") or a title ("Directeur Général de X")."""
    if len(span) < 2 or len(inner) != 1 or inner[0].type == "PER":
        return False
    rest = [t for t in _outside_tokens(span, inner) if not t.is_punct]
    return bool(rest) and all(t.is_alpha and t.text[:1].isupper() and fold(t.text) not in _MODEL_LINE_WORDS
                              and fold(t.lemma_) not in cues and fold(t.text) not in cues for t in rest)


def _organisation_around(span: Span, inner: list[Mention], label: str, cues: dict[str, str]) -> bool:
    """A longer organisation's name around a place or company of the gazetteer: "Banque de France", "ETH Zurich",
    "Salesforce Ventures", "Université Radboud": the words outside it hold an organisation noun or suffix
    (entity_context.yml ORG, org_suffixes) or an acronym, and are capitalised."""
    if not span[0].text[:1].isupper() or any(m.type not in ("LOC", "ORG") for m in inner):
        return False
    rest = [t for t in _outside_tokens(span, inner) if not t.is_punct and not t.is_space]
    if not rest:
        return False
    if label == "ORG" and all(m.type == "LOC" for m in inner):
        return True
    suffixes = load_org_suffixes()
    for t in rest:
        low = fold(t.text)
        if not t.text[:1].isupper():
            continue
        if cues.get(low) == "ORG" or cues.get(fold(t.lemma_)) == "ORG" or low in suffixes:
            return True
        letters = [c for c in t.text if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters) and all(m.type == "LOC" for m in inner):
            return True
    return False


def _split_coordination(span: Span) -> list[Span]:
    """A model span naming two entities joined by 'et'/'and' ("Vistra et Constellation") as its two parts;
    else the span itself."""
    cut = [t for t in span if fold(t.text) in _COORDINATORS and t.i > span.start and t.i < span.end - 1]
    if len(cut) != 1:
        return [span]
    c = cut[0].i
    left, right = span.doc[span.start:c], span.doc[c + 1:span.end]
    if left[0].text[:1].isupper() and right[0].text[:1].isupper() and len(left) <= 4 and len(right) <= 4:
        return [left, right]
    return [span]


_DATELINE_AFTER = re.compile(r"\s*(?:[—–-]|\(\w)")


def _is_dateline(m: Mention, text: str) -> bool:
    """A place in capitals opening a line before a dash or an agency ("PARIS — ...", "PÉKIN (AFP) -")."""
    if m.type != "LOC" or m.source == "model":
        return False
    line_start = text.rfind("\n", 0, m.start_char) + 1
    if text[line_start:m.start_char].strip():
        return False
    letters = [c for c in m.text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters) and bool(_DATELINE_AFTER.match(text, m.end_char))


_TRAILING_VERSION = re.compile(r"^(?P<family>.*?[A-Za-zÀ-ÿ]{3,})[\s\-]?v?\d[\w.,\-]*$")


def _normal_name(span: Span, typ: str = "") -> str:
    """A canonical name for a model span: spaces collapsed, apostrophes unified, and for a product
    a trailing version folded into the family ("Falcon 180B" -> "Falcon", "Qwen2.5" -> "Qwen")."""
    name = re.sub(r"\s+", " ", span.text.replace("’", "'")).strip(" -–,;:")
    if typ == "PRODUCT":
        m = _TRAILING_VERSION.match(name)
        if m:
            name = m.group("family").rstrip(" -")
    return name


def _looks_like_brand(span: Span) -> bool:
    """One word with an inner capital (MongoDB, LinkedIn) or unknown to the model's vocabulary vectors."""
    if len(span) != 1:
        return False
    word = span[0].text
    inner_capital = any(c.isupper() for c in word[1:]) and not word.isupper()
    return inner_capital or (span.doc.vocab.vectors.size > 0 and not span[0].has_vector)


def _model_type(span: Span, label: str, cues: dict[str, str], skip: set[str]) -> tuple[str, str]:
    """(type, evidence) of a model span the gazetteer does not know.

    A cue noun next to the name decides ("l'entreprise X" -> ORG, "le modèle X" -> PRODUCT);
    else a name in capitals only is not a person (acronym -> ORG); a MISC name with digits is a
    product (versions), a MISC brand-like word (inner capital or out of vocabulary) an ORG;
    other MISC names stay MISC (events, laws, works: not scored).
    """
    ctx = _context_type(span, cues, skip)
    if ctx and (label in ("MISC", "LOC") or ctx != "PER"):
        return ctx, "context"
    letters = [c for c in span.text if c.isalpha()]
    if label == "PER" and len(span) == 1 and letters and all(c.isupper() for c in letters) and len(letters) >= 2:
        return "ORG", "acronym"
    last = span[-1]
    if label != "PER" and len(span) >= 2 and last.text[:1].isupper() and fold(last.text) in load_org_suffixes():
        return "ORG", "suffix"  # Palisade Research, Black Forest Labs, Surge AI (the model says MISC or LOC)
    if label == "MISC":
        if any(c.isdigit() for c in span.text):
            return "PRODUCT", "version"
        if _looks_like_brand(span):
            return "ORG", "brand"
    return label, "model"


def _resolve_surnames(mentions: list[Mention], gaz: Gazetteer, drop_single: bool = True) -> None:
    """A one-word model mention equal to the last word of a person's full name in the article is that person.

    Unresolved one-word model persons that occur only once are dropped (usually a common word
    taken for a name, e.g. 'Face' in a mistranslated 'Hugging Face').
    """
    full: dict[str, set[str]] = defaultdict(set)
    given: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.type == "PER" and len(m.canonical.split()) >= 2:
            full[name_key(m.canonical.split()[-1])].add(m.canonical)
            given[name_key(m.canonical.split()[0])].add(m.canonical)
    for m in mentions:
        if m.source != "model" or len(m.canonical.split()) != 1:
            continue
        names = full.get(name_key(m.canonical), set())
        if not names:  # a first name alone ("Mark"), or a Chinese surname written first ("Liang" Wenfeng)
            names = given.get(name_key(m.canonical), set())
        if len(names) == 1:
            m.canonical = next(iter(names))
            m.type, m.evidence = "PER", "surname"
    if not drop_single:
        return
    counts = Counter(name_key(m.canonical) for m in mentions)
    mentions[:] = [m for m in mentions
                   if not (m.source == "model" and m.type == "PER" and len(m.canonical.split()) == 1
                           and counts[name_key(m.canonical)] < 2)]


def _drop_bylines(mentions: list[Mention], doc: Doc, text: str | None = None) -> list[Mention]:
    """Drop a model person alone on the first or last line of the article (a byline left by cleaning).

    text: doc.text when the caller has it (built once: Doc.text joins every token)."""
    if text is None:
        text = doc.text
    lines = text.split("\n")
    if not lines:
        return mentions
    first_end = len(lines[0])
    last_start = len(text) - len(lines[-1])
    out = []
    for m in mentions:
        if m.source == "model" and m.type == "PER":
            line = None
            if m.end_char <= first_end:
                line = lines[0]
            elif m.start_char >= last_start:
                line = lines[-1]
            if line is not None and fold(line).strip(" .,-–") == fold(m.text):
                continue
        out.append(m)
    return out


def _group_model_names(mentions: list[Mention]) -> None:
    """Corpus-wide: variants of a model name (case, accents, dashes) take its most frequent spelling.

    A one-word name equal to the last word of exactly one full person's name in the corpus is that
    person. Each canonical name gets one type (the gazetteer's, else the most frequent).
    """
    model = [m for m in mentions if m.source == "model"]
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for m in model:
        spellings[name_key(m.canonical)][m.canonical] += 1
    best = {k: max(c.items(), key=lambda kv: (kv[1], sum(ch.isupper() for ch in kv[0]), kv[0]))[0]
            for k, c in spellings.items()}
    full: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.type == "PER" and len(m.canonical.split()) >= 2:
            full[name_key(m.canonical.split()[-1])].add(m.canonical)
    for m in model:
        m.canonical = best[name_key(m.canonical)]
        names = full.get(name_key(m.canonical), set())
        if len(m.canonical.split()) == 1 and len(names) == 1:
            m.canonical = next(iter(names))
            m.type, m.evidence = "PER", "surname"
    gaz_types = {m.canonical: m.type for m in mentions if m.source != "model"}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    weight = {"context": 3, "acronym": 3, "version": 2, "surname": 3}
    for m in model:
        votes[m.canonical][m.type] += weight.get(m.evidence, 1)
    order = {"ORG": 0, "PER": 1, "PRODUCT": 2, "LOC": 3, "MISC": 4}
    acronyms = {name_key(m.text) for m in model if sum(c.isalpha() for c in m.text) >= 2
                and all(c.isupper() for c in m.text if c.isalpha())}
    for m in model:
        if m.canonical in gaz_types:
            m.type = gaz_types[m.canonical]
            continue
        v = votes[m.canonical]
        if name_key(m.canonical) in acronyms and len(v) > 1:
            v = Counter({t: n for t, n in v.items() if t != "PER"})
        scored = {t: n for t, n in v.items() if t != "MISC"}
        pool = scored or v
        m.type = max(pool.items(), key=lambda kv: (kv[1], -order.get(kv[0], 9)))[0]


def entities_table(docs: Mapping[str, Doc], use_model: bool = True, gazetteer: Gazetteer | None = None,
                   mention_filter: Any = True) -> pd.DataFrame:
    """One row per entity mention: doc_id, sent_id, text, canonical, type, start_char, end_char, source, model_label.

    type is PER, ORG, LOC, PRODUCT, or MISC (laws, licences, events, and model names of unknown
    type; not scored). use_model=False gives the gazetteer layer alone. gazetteer: another than the
    project's (load_gazetteer()); model-only names in its `ignore` list are left out. mention_filter: the
    learned filter of model-only names (helpers.entity_learning.MentionFilter; True: the shipped one if
    present, False: none).
    """
    gaz = gazetteer or load_gazetteer()
    filters = load_filters()
    if mention_filter is True:
        from .entity_learning import load_mention_filter

        mention_filter = load_mention_filter()
    mentions: list[Mention] = []
    texts = {doc_id: doc.text for doc_id, doc in docs.items()}  # Doc.text built once per article
    for doc_id, doc in docs.items():
        mentions.extend(doc_mentions(doc_id, doc, gaz, filters, use_model=use_model,
                                     drop_single_surnames=not mention_filter, text=texts[doc_id]))
    _group_model_names(mentions)
    if gaz.ignore:
        mentions = [m for m in mentions if m.source != "model" or name_key(m.canonical) not in gaz.ignore]
    if mention_filter:
        mentions = mention_filter.apply(docs, mentions, texts=texts)
    rows = [(m.doc_id, m.sent_id, m.text, m.canonical, m.type, m.start_char, m.end_char, m.source, m.model_label)
            for m in mentions]
    df = pd.DataFrame(rows, columns=ENTITY_COLUMNS)
    return df.astype({"sent_id": int, "start_char": int, "end_char": int})


def model_entities_table(docs: Mapping[str, Doc]) -> pd.DataFrame:
    """The bare spaCy model's entities in the same columns (baseline: no gazetteer, no filters, no normalisation)."""
    rows = []
    for doc_id, doc in docs.items():
        sids = token_sentence_ids(doc)
        for ent in doc.ents:
            sid = next((sids[i] for i in range(ent.start, ent.end) if sids[i] >= 0), -1)
            if sid < 0:
                continue
            rows.append((doc_id, sid, ent.text, ent.text, MODEL_LABELS.get(ent.label_) or "MISC", ent.start_char,
                         ent.end_char, "model", ent.label_))
    return pd.DataFrame(rows, columns=ENTITY_COLUMNS)


# --------------------------------------------------------------------------- summary tables


def scored(mentions: pd.DataFrame, types: Iterable[str] = SCORED_TYPES) -> pd.DataFrame:
    """Mentions of the given types only (by default the four entity types of the codebook)."""
    if mentions.empty:
        return mentions
    return mentions[mentions["type"].isin(list(types))]


def entity_article_counts(mentions: pd.DataFrame, types: Iterable[str] = SCORED_TYPES,
                          top: int | None = None) -> pd.DataFrame:
    """Canonical entity x article table of mention counts (rows: most mentioned first; a 'type' column)."""
    m = scored(mentions, types)
    if m.empty:
        return pd.DataFrame(columns=["type"])
    table = m.pivot_table(index="canonical", columns="doc_id", values="text", aggfunc="count", fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    if top:
        table = table.head(top)
    types_of = m.groupby("canonical")["type"].agg(lambda s: s.mode().iat[0])
    table.insert(0, "type", types_of.reindex(table.index))
    table.columns.name = None
    return table


def top_actors(mentions: pd.DataFrame, n: int = 10, types: Iterable[str] = SCORED_TYPES) -> pd.DataFrame:
    """The n most mentioned entities of each type: type, rank, canonical, mentions, articles, variants."""
    m = scored(mentions, types)
    cols = ["type", "rank", "canonical", "mentions", "articles", "variants"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    g = m.groupby(["type", "canonical"]).agg(
        mentions=("text", "size"), articles=("doc_id", "nunique"),
        variants=("text", lambda s: ", ".join(sorted(set(s))))).reset_index()
    g["order"] = g["type"].map({t: i for i, t in enumerate(ALL_TYPES)}).fillna(len(ALL_TYPES))
    g = g.sort_values(["order", "mentions", "articles", "canonical"], ascending=[True, False, False, True])
    g["rank"] = g.groupby("type").cumcount() + 1
    g = g[g["rank"] <= n]
    return g[cols].reset_index(drop=True)


def cooccurrence_pairs(mentions: pd.DataFrame, types: Iterable[str] = SCORED_TYPES) -> pd.DataFrame:
    """Pairs of entities named in the same sentence: source, target, sentences (shared), articles."""
    cols = ["source", "target", "sentences", "articles"]
    m = scored(mentions, types)
    if m.empty:
        return pd.DataFrame(columns=cols)
    per_sentence = m.groupby(["doc_id", "sent_id"])["canonical"].agg(lambda s: sorted(set(s)))
    pairs: Counter[tuple[str, str]] = Counter()
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (doc_id, _), names in per_sentence.items():
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                pairs[(a, b)] += 1
                docs[(a, b)].add(doc_id)
    rows = [(a, b, n, len(docs[(a, b)])) for (a, b), n in pairs.items()]
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["sentences", "articles", "source", "target"], ascending=[False, False, True, True],
                          ignore_index=True)


def cooccurrence_graph(mentions: pd.DataFrame, min_weight: int = 1, top: int | None = 30,
                       types: Iterable[str] = SCORED_TYPES):
    """networkx Graph: nodes are entities (attributes type, mentions, articles), edges carry
    weight = number of sentences naming both. top keeps the most mentioned entities."""
    import networkx as nx

    g = nx.Graph()
    m = scored(mentions, types)
    if m.empty:
        return g
    stats = m.groupby("canonical").agg(type=("type", lambda s: s.mode().iat[0]), mentions=("text", "size"),
                                       articles=("doc_id", "nunique"))
    stats = stats.sort_values(["mentions", "articles"], ascending=False, kind="stable")
    if top:
        stats = stats.head(top)
    for name, r in stats.iterrows():
        g.add_node(name, type=r["type"], mentions=int(r["mentions"]), articles=int(r["articles"]))
    for r in cooccurrence_pairs(m).itertuples(index=False):
        if r.sentences >= min_weight and r.source in g and r.target in g:
            g.add_edge(r.source, r.target, weight=int(r.sentences), articles=int(r.articles))
    return g


def entity_sentences(mentions: pd.DataFrame, sentences: pd.DataFrame, canonical: str | Iterable[str] | None = None,
                     max_rows: int = 5) -> pd.DataFrame:
    """Example sentences for entities: doc_id, sent_id, text (the sentence), cues (the surface forms), canonical."""
    cols = ["doc_id", "sent_id", "text", "cues", "canonical"]
    if mentions.empty or sentences.empty:
        return pd.DataFrame(columns=cols)
    m = mentions
    if canonical is not None:
        names = [canonical] if isinstance(canonical, str) else list(canonical)
        m = m[m["canonical"].isin(names)]
    g = m.groupby(["doc_id", "sent_id"], sort=False).agg(
        cues=("text", lambda s: "; ".join(dict.fromkeys(s))),
        canonical=("canonical", lambda s: ", ".join(dict.fromkeys(s)))).reset_index()
    g["n"] = g["canonical"].str.count(",") + 1
    out = g.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"], how="left")
    out = out.sort_values("n", ascending=False, kind="stable").head(max_rows)
    return out[cols].reset_index(drop=True)


def pair_sentences(mentions: pd.DataFrame, sentences: pd.DataFrame, a: str, b: str, max_rows: int = 3) -> pd.DataFrame:
    """Sentences that name both a and b (evidence for a co-occurrence edge)."""
    both = mentions[mentions["canonical"].isin([a, b])]
    if both.empty:
        return entity_sentences(both, sentences)
    keys = both.groupby(["doc_id", "sent_id"])["canonical"].nunique()
    keys = keys[keys == 2].index
    sel = both.set_index(["doc_id", "sent_id"]).loc[list(keys)].reset_index() if len(keys) else both.iloc[0:0]
    return entity_sentences(sel, sentences, max_rows=max_rows)


# --------------------------------------------------------------------------- quotes

_QUOTE_PATTERNS = [re.compile(r"«([^«»\n]+)»"), re.compile(r"“([^“”\n]+)”"), re.compile(r'"([^"\n]+)"'),
                   re.compile(r"„([^„“”\n]+)[“”]")]
_OPENERS = set("«“\"„")
_CLOSERS = set("»”\"“")


@dataclass
class Quote:
    doc_id: str
    start_char: int  # of the quoted text, inside the quotation marks
    end_char: int
    quote: str
    sent_id: int = -1
    end_sent_id: int = -1
    speaker: str = ""
    speaker_canonical: str = ""
    speaker_type: str = ""
    speaker_text: str = ""
    verb: str = ""
    attribution: str = "none"


def _find_quotes(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for rx in _QUOTE_PATTERNS:
        for m in rx.finditer(text):
            spans.append((m.start(1), m.end(1)))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int]] = []
    for s in spans:
        if any(o[0] - 1 <= s[0] and s[1] <= o[1] + 1 for o in out):
            continue  # nested in a quotation already found
        out.append(s)
    return out


def _is_speech_verb(t: Token, lex: QuoteLexicon) -> bool:
    """A speech verb by lemma or form (the lemmatiser misses some: 'estime' -> estimer), or any verb
    inverted with its subject pronoun right after a quotation ('tranche-t-il')."""
    if t.is_punct or not t.is_alpha:
        return False
    low, lem = fold(t.text), fold(t.lemma_)
    if t.pos_ in ("VERB", "AUX", "NOUN", "ADJ", "PROPN") and (
            lem in lex.verbs or low in lex.verbs or (low.endswith("e") and low + "r" in lex.verbs)):
        return True
    nxt = t.doc[t.i + 1: t.i + 3]
    return len(nxt) > 0 and (fold(nxt[0].text) in ("-t", "-t-il", "-t-elle", "-il", "-elle"))


def _pronoun(t: Token, lex: QuoteLexicon) -> bool:
    return fold(t.text) in lex.pronouns


def _attribution(tokens: list[Token], mentions_at: dict[int, Mention], lex: QuoteLexicon, after: bool,
                 max_gap: int = 6) -> tuple[Token | None, Mention | None, Token | None, str]:
    """(verb token, speaker mention, pronoun token, noun-phrase speaker text) found in a token region."""
    if not tokens:
        return None, None, None, ""
    idx = {t.i for t in tokens}
    verbs = [t for t in tokens if _is_speech_verb(t, lex)]
    markers = [t for t in tokens if fold(t.text) in lex.markers
               or (fold(t.text) == "apres" and t.i > 0 and fold(t.doc[t.i - 1].text) == "d'")]
    if after:
        markers = [t for t in markers if fold(t.text) != "pour"]
        verbs = verbs[:1]  # the verb closest after the quotation
    else:
        verbs = verbs[-1:]
    for cue in [*verbs, *markers]:
        best: tuple[int, Mention | None, Token | None] | None = None
        for t in tokens:
            d = abs(t.i - cue.i)
            if d == 0 or d > max_gap:
                continue
            if cue in markers and t.i < cue.i:
                continue
            m = mentions_at.get(t.i)
            if m is not None and m.type in ("PER", "ORG"):
                cand = (d, m, None)
            elif _pronoun(t, lex) and cue not in markers:
                cand = (d + 0.5, None, t)
            else:
                continue
            if best is None or cand[0] < best[0]:
                best = cand
        if best is not None:
            return cue, best[1], best[2], ""
        if cue in verbs:
            subj = [c for c in cue.children if c.dep_.startswith("nsubj") and c.i in idx and c.pos_ in ("NOUN", "PROPN")]
            if subj:
                sub = subj[0]
                words = [w for w in sub.subtree if w.i in idx][:6]
                return cue, None, None, " ".join(w.text for w in words)
    return None, None, None, ""


def _resolve_pronoun(pos: int, mentions: list[Mention], sent_of: dict[int, int], max_sents: int = 5
                     ) -> Mention | None:
    """The nearest person mentioned before char pos, if unambiguous (one person in that sentence)."""
    before = [m for m in mentions if m.type == "PER" and m.end_char <= pos]
    if not before:
        return None
    last = before[-1]
    same = {m.canonical for m in before if m.sent_id == last.sent_id}
    here = sent_of.get(pos, last.sent_id)
    if len(same) != 1 or here - last.sent_id > max_sents:
        return None
    return last


def _name_in_article(text: str, mentions: list[Mention]) -> Mention | None:
    """The person or organisation of the article that a speaker phrase names ("Asay" -> Matt Asay), if one."""
    key = name_key(re.sub(r"^(?:le|la|les|l'|l’)\s*", "", text.strip(), flags=re.I))
    if not key:
        return None
    found = {m.canonical: m for m in mentions if m.type in ("PER", "ORG")
             and key in (name_key(m.text), name_key(m.canonical), name_key(m.canonical.split()[-1]))}
    return next(iter(found.values())) if len(found) == 1 else None


def quotes_table(docs: Mapping[str, Doc], mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Direct quotations: doc_id, sent_id (where it starts), end_sent_id, quote, speaker, speaker_canonical,
    speaker_type, speaker_text (as written: name, pronoun or noun phrase), verb, attribution
    ('explicit', 'pronoun', 'continuation', 'noun phrase' or 'none'), n_words, start_char, end_char.

    Terms in scare quotes (fewer than min_words words and no speech verb next to them) are left out.
    """
    lex = load_quote_lexicon()
    gaz, filters = load_gazetteer(), load_filters()
    rows: list[Quote] = []
    for doc_id, doc in docs.items():
        text = doc.text  # built once per article, shared by the mentions and the quotes
        if mentions is not None:
            ms = [Mention(doc_id, int(r.start_char), int(r.end_char), r.text, r.canonical, r.type, r.source,
                          sent_id=int(r.sent_id))
                  for r in mentions[mentions["doc_id"] == doc_id].itertuples(index=False)]
        else:
            ms = doc_mentions(doc_id, doc, gaz, filters, text=text)
        rows.extend(_doc_quotes(doc_id, doc, ms, lex, text))
    df = pd.DataFrame([[getattr(q, c) if c != "n_words" else len(q.quote.split()) for c in QUOTE_COLUMNS]
                       for q in rows], columns=QUOTE_COLUMNS)
    return df.astype({"sent_id": int, "end_sent_id": int, "n_words": int, "start_char": int, "end_char": int})


def _doc_quotes(doc_id: str, doc: Doc, mentions: list[Mention], lex: QuoteLexicon,
                text: str | None = None) -> list[Quote]:
    sids = token_sentence_ids(doc)
    sentences = dict(iter_sentences(doc))
    mentions = sorted(mentions, key=lambda m: m.start_char)
    mentions_at: dict[int, Mention] = {}
    for m in mentions:
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is not None:
            for i in range(span.start, span.end):
                mentions_at[i] = m
    if text is None:
        text = doc.text  # built once: Doc.text joins every token (it was rebuilt per quote)
    quote_spans = _find_quotes(text)
    inside: set[int] = set()
    for s, e in quote_spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            inside.update(range(max(span.start - 1, 0), min(span.end + 1, len(doc))))
    out: list[Quote] = []
    prev: Quote | None = None
    for s, e in quote_spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or not len(span):
            continue
        raw = text[s:e].strip()
        q = Quote(doc_id, s, e, raw)
        first_sid = next((sids[i] for i in range(span.start, span.end) if sids[i] >= 0), -1)
        last_sid = next((sids[i] for i in range(span.end - 1, span.start - 1, -1) if sids[i] >= 0), first_sid)
        q.sent_id, q.end_sent_id = first_sid, last_sid
        open_i, close_i = span.start - 1, span.end  # the quotation marks' tokens
        after: list[Token] = []
        if last_sid in sentences:
            for t in doc[close_i + 1: sentences[last_sid].end]:
                if t.i in inside or t.text in _OPENERS:
                    break
                after.append(t)
        before: list[Token] = []
        if first_sid in sentences:
            for t in reversed(doc[sentences[first_sid].start: max(open_i, 0)]):
                if t.i in inside or t.text in _CLOSERS:
                    break
                before.insert(0, t)
        verb = spk = pron = None
        np_text = ""
        for region, is_after in ((after, True), (before, False)):
            verb, spk, pron, np_text = _attribution(region, mentions_at, lex, is_after)
            if verb is not None:
                break
        if verb is None and first_sid - 1 in sentences:
            prev_sent = sentences[first_sid - 1]
            if prev_sent.text.rstrip().endswith(":"):
                toks = [t for t in prev_sent if t.i not in inside]
                verb, spk, pron, np_text = _attribution(toks, mentions_at, lex, after=False, max_gap=8)
        if verb is not None:
            q.verb = verb.text
            if spk is not None:
                q.speaker_text, q.speaker_canonical, q.speaker_type = spk.text, spk.canonical, spk.type
                q.attribution = "explicit"
            elif pron is not None:
                q.speaker_text = pron.text.lstrip("-").replace("t-", "")
                ref = _resolve_pronoun(s, mentions, {s: first_sid})
                if ref is not None:
                    q.speaker_canonical, q.speaker_type = ref.canonical, ref.type
                q.attribution = "pronoun"
            elif np_text:
                q.speaker_text = np_text
                q.attribution = "noun phrase"
                ref = _name_in_article(np_text, mentions)
                if ref is not None:
                    q.speaker_canonical, q.speaker_type = ref.canonical, ref.type
                    q.attribution = "explicit"
        if q.attribution == "none" and prev is not None and prev.speaker_canonical \
                and first_sid - prev.end_sent_id <= 1:
            q.speaker_canonical, q.speaker_type = prev.speaker_canonical, prev.speaker_type
            q.speaker_text, q.attribution = prev.speaker_text, "continuation"
        q.speaker = q.speaker_canonical or q.speaker_text
        n_words = len(re.findall(r"\w+", raw))
        if n_words < lex.min_words and not (q.verb and n_words >= 2):
            continue
        if not re.search(r"\w", raw):
            continue
        out.append(q)
        prev = q
    return out


def quote_counts(quotes: pd.DataFrame) -> pd.DataFrame:
    """Who is quoted: speaker, type, quotes, articles (attributed quotations only)."""
    cols = ["speaker", "type", "quotes", "articles"]
    if quotes.empty:
        return pd.DataFrame(columns=cols)
    q = quotes[quotes["speaker"].fillna("").astype(str).str.len() > 0]
    if q.empty:
        return pd.DataFrame(columns=cols)
    g = q.groupby("speaker").agg(type=("speaker_type", lambda s: next((x for x in s if x), "")),
                                 quotes=("quote", "size"), articles=("doc_id", "nunique")).reset_index()
    return g.sort_values(["quotes", "articles", "speaker"], ascending=[False, False, True], ignore_index=True)[cols]


# --------------------------------------------------------------------------- figures


def plot_top_entities(mentions: pd.DataFrame, n: int = 10, source: str = ""):
    """Horizontal bar charts of the most mentioned entities, one panel per type. None if no entity."""
    import matplotlib.pyplot as plt

    from . import viz

    top = top_actors(mentions, n=n)
    if top.empty:
        return None
    types = [t for t in SCORED_TYPES if t in set(top["type"])]
    height = max(2.6, 0.32 * top.groupby("type").size().max() + 1.2)
    fig, axes = plt.subplots(1, len(types), figsize=(4.2 * len(types) + 0.8, height), squeeze=False)
    for ax, typ in zip(axes[0], types, strict=True):
        t = top[top["type"] == typ].iloc[::-1]
        ax.barh(t["canonical"], t["mentions"], color=viz.TYPE_COLORS.get(typ, "#777777"))
        ax.set_title(typ, loc="left", fontsize=11)
        ax.set_xlabel("mentions")
        ax.xaxis.get_major_locator().set_params(integer=True)
        for y, v in enumerate(t["mentions"]):
            ax.text(v, y, f" {v}", va="center", fontsize=8)
        ax.margins(x=0.15)
    viz.finish(fig, None, title="Most mentioned entities by type", source=source)
    fig.tight_layout()
    return fig


def plot_entity_heatmap(counts: pd.DataFrame, source: str = "", max_label: int = 28, max_articles: int = 40):
    """Heatmap of an entity x article count table (from entity_article_counts). None if empty.

    Beyond max_articles articles, only those with the most mentions are drawn (the title says so)."""
    import matplotlib.pyplot as plt

    from . import viz

    data = counts.drop(columns=["type"], errors="ignore")
    if data.empty or data.shape[1] == 0:
        return None
    title = "Entities by article"
    if data.shape[1] > max_articles:
        n_all = data.shape[1]
        keep = data.sum(axis=0).sort_values(ascending=False).index[:max_articles]
        data = data[[c for c in data.columns if c in set(keep)]]
        title += f" (the {max_articles} of {n_all} articles with the most mentions)"
    labels = [(c if len(c) <= max_label else c[:max_label - 1] + "…") for c in map(str, data.columns)]
    fig, ax = plt.subplots(figsize=(max(5.0, 0.55 * data.shape[1] + 3.5), max(2.5, 0.3 * data.shape[0] + 1.6)))
    im = ax.imshow(data.values, aspect="auto", cmap=viz.SEQUENTIAL_CMAP, vmin=0)
    ax.set_xticks(range(data.shape[1]), labels, rotation=40, ha="right")
    ytick = [f"{name}  ({counts.loc[name, 'type']})" if "type" in counts else str(name) for name in data.index]
    ax.set_yticks(range(data.shape[0]), ytick)
    vmax = data.values.max() if data.size else 0
    for (i, j), v in pd.DataFrame(data.values).stack().items():
        if v:
            ax.text(j, i, str(int(v)), ha="center", va="center", fontsize=7,
                    color="white" if v > vmax * 0.6 else "#222222")
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02, label="mentions")
    ax.spines[:].set_visible(False)
    viz.finish(fig, ax, title=title, xlabel="article", ylabel="", source=source)
    return fig


def _component_layout(graph) -> dict[str, tuple[float, float]]:
    """Positions for a graph: each connected component laid out with Kamada-Kawai (unweighted, so that
    heavy pairs do not collapse onto each other), components placed side by side, largest first."""
    import math

    import networkx as nx

    comps = sorted((graph.subgraph(c) for c in nx.connected_components(graph)), key=len, reverse=True)
    pos: dict[str, tuple[float, float]] = {}
    x0, row_y, row_h, row_w = 0.0, 0.0, 0.0, 0.0
    total_w = sum(2.0 * math.sqrt(len(c)) + 1.8 for c in comps)
    max_row = max(total_w / 2.2, 2.0 * math.sqrt(len(comps[0])) + 1.0) if comps else 1.0
    for comp in comps:
        size = 2.0 * math.sqrt(len(comp))
        local = {n: (0.0, 0.0) for n in comp} if len(comp) == 1 else nx.kamada_kawai_layout(comp, weight=None)
        if x0 + size > max_row and x0 > 0:
            x0, row_y = 0.0, row_y - row_h - 1.0
            row_h = 0.0
        for n, (x, y) in local.items():
            pos[n] = (x0 + size / 2 + x * size / 2, row_y - size / 2 + y * size / 2)
        x0 += size + 1.8
        row_h = max(row_h, size)
        row_w = max(row_w, x0)
    return pos


def plot_cooccurrence(graph, source: str = ""):
    """Draw a co-occurrence graph: node size = mentions, colour = type, edge width = shared sentences.

    Entities never named with another one are left out of the drawing (list them from the graph's
    isolates). None if no edge.
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    from . import viz

    g = graph.copy()
    g.remove_nodes_from(list(nx.isolates(g)))
    if g.number_of_nodes() == 0:
        return None
    n = g.number_of_nodes()
    fig, ax = plt.subplots(figsize=(11, max(5.5, min(11, 3 + 0.22 * n))))
    pos = _component_layout(g)
    mentions = [g.nodes[v].get("mentions", 1) for v in g]
    top = max(mentions)
    sizes = [120 + 1500 * (m / top) for m in mentions]
    colors = [viz.TYPE_COLORS.get(g.nodes[v].get("type"), "#777777") for v in g]
    weights = [g.edges[e].get("weight", 1) for e in g.edges]
    wmax = max(weights)
    nx.draw_networkx_edges(g, pos, ax=ax, width=[0.8 + 5 * w / wmax for w in weights], alpha=0.3,
                           edge_color="#555555")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=sizes, node_color=colors, alpha=0.9, linewidths=0.8,
                           edgecolors="white")
    for v, (x, y) in pos.items():
        ax.annotate(v, (x, y), xytext=(0, 7 + 11 * (g.nodes[v].get("mentions", 1) / top) ** 0.5),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9,
                    bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.8))
    present = sorted({g.nodes[v].get("type") for v in g}, key=lambda t: ALL_TYPES.index(t) if t in ALL_TYPES else 9)
    handles = [Line2D([], [], marker="o", ls="", color=viz.TYPE_COLORS.get(t, "#777777"), label=t, markersize=9)
               for t in present]
    handles.append(Line2D([], [], color="#555555", alpha=0.5, lw=3, label=f"shared sentences (max {wmax})"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_axis_off()
    ax.margins(0.12, 0.15)
    viz.finish(fig, ax, title="Who appears with whom (named in the same sentence)", source=source)
    return fig


def plot_quoted(counts: pd.DataFrame, n: int = 12, source: str = ""):
    """Bar chart of who is quoted and how often (from quote_counts). None if nobody is quoted."""
    import matplotlib.pyplot as plt

    from . import viz

    if counts.empty:
        return None
    t = counts.head(n).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, max(1.8, 0.4 * len(t) + 1.2)))
    colors = [viz.TYPE_COLORS.get(x, "#bbbbbb") if x else "#bbbbbb" for x in t["type"]]
    ax.barh(t["speaker"], t["quotes"], color=colors, height=0.6)
    for y, (v, a) in enumerate(zip(t["quotes"], t["articles"], strict=True)):
        ax.text(v, y, f" {v} ({a} article{'s' if a != 1 else ''})", va="center", fontsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.margins(x=0.3)
    viz.finish(fig, ax, title="Who is quoted", xlabel="direct quotations", ylabel="", source=source)
    return fig
