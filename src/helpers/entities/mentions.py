"""Entity mentions of one article: gazetteer matches, spaCy's names filtered, normalised and typed."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
from spacy.tokens import Doc, Span, Token

from ..clean import MONTHS_FR
from ..tables import token_sentence_ids
from ..textfold import fold
from .lexicon import (
    ENTITY_COLUMNS,
    MODEL_LABELS,
    Filters,
    Gazetteer,
    load_context_cues,
    load_filters,
    load_gazetteer,
    load_org_suffixes,
    name_key,
)
from .names import (
    _licences_and_laws,
    _link_acronyms,
    _link_first_words,
    _merge_misspelled_persons,
    _university_names,
)


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


def _article_of_name(t: Token, end: int) -> bool:
    """A capitalised "La"/"Le"/"Les" inside a sentence before a capitalised word is part of the name ("filiale de
    La Poste"), not a determiner; at a sentence start or after a quote or a colon it is a determiner (persons
    keep the old rule: "Le Pen" alone resolves to the full name by its last word)."""
    doc = t.doc
    if t.text not in ("La", "Le", "Les") or t.is_sent_start or t.i == 0 or t.i + 1 >= end:
        return False
    prev = doc[t.i - 1]
    return not (prev.is_punct and prev.text not in (",", ")")) and "\n" not in prev.text_with_ws and \
        doc[t.i + 1].text[:1].isupper()


_TITLE_ADJECTIVES = {"general", "generale", "adjoint", "adjointe", "executif", "executive", "delegue", "deleguee",
                     "associe", "associee", "technique", "scientifique", "financier", "financiere"}
_COMPANY_ABBREVIATIONS = {"inc", "corp", "ltd", "co", "cie"}


def _strip_span(span: Span, filters: Filters) -> Span | None:
    """The span without leading determiners, prepositions, titles and quotes, or trailing punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end:
        t = doc[start]
        low = fold(t.text)
        if start == span.start and span.label_ not in ("PER", "PERSON") and _article_of_name(t, end):
            break
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
    if start < end < len(doc) and doc[end].text == "." and fold(doc[end - 1].text) in _COMPANY_ABBREVIATIONS:
        end += 1  # "Snap Inc.": the abbreviation's full stop is part of the name
    return doc[start:end] if end > start else None


# benchmarks are not entities (CODEBOOK.md section 2): MT-Bench, LiveCodeBench v6, SWE-bench, HumanEval
_BENCHMARK = re.compile(r"(?<=.)(?:bench|eval)(?:[\s\-]*v?\d[\w.]*)?$")


_PLURAL_DEMONYM = re.compile(r"(?:ais|ois|aises|oises|ains|aines|iens|iennes|eens|eennes)$")


def _title_case_line(span: Span, text: str | None = None) -> bool:
    """Whether the span's line is written in title case (four or more words of four letters or more, nearly all
    capitalised): a headline, where common words take capitals. text: the Doc's text if the caller has it."""
    if text is None:
        text = span.doc.text
    start = text.rfind("\n", 0, span.start_char) + 1
    end = text.find("\n", span.end_char)
    return _title_case_text(text[start:end if end >= 0 else len(text)])


@lru_cache(maxsize=4096)
def _title_case_text(line: str) -> bool:
    """_title_case_line of one line (memoised: an article's names share few lines)."""
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) >= 4]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def junk_reason(span: Span, filters: Filters | None = None, doc_text: str | None = None) -> str:
    """Why a span proposed by the model is not an entity ('' when it is kept). doc_text: the Doc's text if the caller
    has built it (Doc.text joins every token: once per article, not once per name)."""
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
    cues = load_context_cues()[0]
    if len(toks) >= 2 and cues.get(fold(first.text)) == "PER" and (
            all(fold(t.text) in _TITLE_ADJECTIVES for t in toks[1:]) or fold(toks[1].text) in {"de", "du", "des", "d'"}):
        return "job title"  # "Directeur Général", "Ministre de la Transformation": a title, not a name
    if len(toks) == 1 and first.pos_ == "ADV" and fold(first.text).endswith("ment"):
        return "adverb"  # "Techniquement, ..." at the start of a sentence, taken for a place
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
    doc = span.doc
    if len(toks) == 1 and span.start > 0 and fold(doc[span.start - 1].text) in {"les", "des", "aux"} \
            and _PLURAL_DEMONYM.search(key):
        return "demonym"  # "les Lorientais", "des Stéphanois": inhabitants or supporters, not a place
    if len(toks) >= 2 and _title_case_line(span, doc_text) and all(doc.vocab[fold(t.text)].has_vector for t in toks):
        return "title-case heading"  # "La Concurrence S'Intensifie": common words capitalised in a headline
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
                if longer and not junk_reason(span, filters, text):
                    inner = [gaz_mentions[k] for k in over]
                    if label == "PER" and _person_around(span, inner, cues):
                        forced = "PER"
                    elif _organisation_around(span, inner, label, cues):
                        forced = "ORG"
                    elif label == "LOC" and _place_around(span, inner):
                        forced = "LOC"
                    elif label in ("MISC", "PRODUCT") and _product_around(span, inner, cues, filters):
                        forced = "PRODUCT"
                if not forced:
                    for k in over:
                        gaz_mentions[k].source = "gazetteer+model"
                        gaz_mentions[k].model_label = gaz_mentions[k].model_label or ent.label_
                    continue
                drop_gaz.update(over)
            else:
                forced = ""
            for part in _split_coordination(span):
                if junk_reason(part, filters, text):
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
    _university_names(mentions, text)
    _licences_and_laws(mentions, text)
    _resolve_surnames(mentions, gaz, drop_single=drop_single_surnames)
    _link_acronyms(mentions)
    _link_first_words(mentions)
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


def _place_around(span: Span, inner: list[Mention]) -> bool:
    """A model place whose name holds a gazetteer place joined by hyphens or a "de" ("Nord-Pas-de-Calais",
    "Hauts de France"): the longer place; not two places side by side ("Zurich Nord")."""
    if len(inner) != 1 or inner[0].type != "LOC" or not span[0].text[:1].isupper():
        return False
    rest = [t for t in _outside_tokens(span, inner) if not t.is_space]
    return bool(rest) and any(t.text in ("-", "–") or fold(t.text) in {"de", "du", "des", "d'"} for t in rest) \
        or "-" in span.text.replace(inner[0].text, "", 1)


def _product_around(span: Span, inner: list[Mention], cues: dict[str, str], filters: Filters) -> bool:
    """A model MISC or PRODUCT name made of one gazetteer company or product and capitalised words that are
    neither a model line, a cue noun, a generic word ("Open Source") nor a verb ("OpenAI Retarde": a headline) ("Microsoft Office", "IBM PC", "OpenAI Harmony", "Gemma Scope", "API
    Llama"): the product, not the company."""
    if len(span) < 2 or len(inner) != 1 or inner[0].type not in ("ORG", "PRODUCT"):
        return False
    rest = [t for t in _outside_tokens(span, inner) if not t.is_punct and not t.is_space]
    suffixes = load_org_suffixes()
    return bool(rest) and all(t.is_alpha and t.text[:1].isupper() and fold(t.text) not in _MODEL_LINE_WORDS
                              and fold(t.text) not in suffixes and fold(t.lemma_) not in cues
                              and fold(t.text) not in cues and fold(t.text) not in filters.generic_words
                              and t.pos_ not in ("VERB", "AUX") for t in rest)


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
# "Paris, le 2 février 2026 – ...": a place, a date and a dash open the article
_DATED_DATELINE = re.compile(r",?\s*(?:le\s+)?\d{1,2}(?:er)?\s+(?:" + MONTHS_FR + r")\s+\d{4}\s*[—–-]", re.I)


def _is_dateline(m: Mention, text: str) -> bool:
    """A place opening a line before a dash or an agency, in capitals ("PARIS — ...", "PÉKIN (AFP) -"), or in
    any case before a date and a dash ("Paris, le 2 février 2026 – ...")."""
    if m.type != "LOC" or m.source == "model":
        return False
    line_start = text.rfind("\n", 0, m.start_char) + 1
    if text[line_start:m.start_char].strip():
        return False
    if _DATED_DATELINE.match(text, m.end_char):
        return True
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
    _merge_misspelled_persons(mentions)
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
    gaz_types = {m.canonical: m.type for m in mentions if m.source != "model" and m.evidence != "licence or law"}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    weight = {"context": 3, "acronym": 3, "version": 2, "surname": 3}
    for m in model:
        votes[m.canonical][m.type] += weight.get(m.evidence, 1)
    order = {"ORG": 0, "PER": 1, "PRODUCT": 2, "LOC": 3, "MISC": 4}
    acronyms = {name_key(m.text) for m in model if sum(c.isalpha() for c in m.text) >= 2
                and all(c.isupper() for c in m.text if c.isalpha())}
    for m in model:
        if m.evidence == "licence or law":  # not an entity whatever the name's other mentions say
            continue
        if m.canonical in gaz_types:
            m.type = gaz_types[m.canonical]
            if m.type == "MISC":  # a gazetteer name the codebook does not count (SSPL): never promoted
                m.evidence = "gazetteer MISC"
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
        from ..entity_learning import load_mention_filter

        mention_filter = load_mention_filter()
    mentions: list[Mention] = []
    texts = {doc_id: doc.text for doc_id, doc in docs.items()}  # Doc.text built once per article
    for doc_id, doc in docs.items():
        mentions.extend(doc_mentions(doc_id, doc, gaz, filters, use_model=use_model,
                                     drop_single_surnames=not mention_filter, text=texts[doc_id]))
    mentions = learned_layer(docs, mentions, gaz, mention_filter, texts)
    rows = [(m.doc_id, m.sent_id, m.text, m.canonical, m.type, m.start_char, m.end_char, m.source, m.model_label)
            for m in mentions]
    df = pd.DataFrame(rows, columns=ENTITY_COLUMNS)
    return df.astype({"sent_id": int, "start_char": int, "end_char": int})


def learned_layer(docs: Mapping[str, Doc], mentions: list[Mention], gaz: Gazetteer, mention_filter: Any,
                  texts: Mapping[str, str] | None = None) -> list[Mention]:
    """After doc_mentions: model names grouped over these documents, the gazetteer's `ignore` list, then the
    learned filter of model-only names (None/False: none). entities_table runs it on the corpus, the stored
    pipeline (helpers.store.annotate_doc) on each article."""
    _group_model_names(mentions)
    if gaz.ignore:
        mentions = [m for m in mentions if m.source != "model" or name_key(m.canonical) not in gaz.ignore]
    if mention_filter:
        mentions = mention_filter.apply(docs, mentions, texts=texts)
    return mentions


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


