"""Units: one row per word or multi-word term (terms and names merged), from the stored tokens table."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pandas as pd
from spacy.tokens import Doc

from .names import name_patterns, name_patterns_from_table
from .terms import (
    CONTENT_POS,
    TermList,
    _build_trie,
    _has_letter,
    _join_surface,
    find_matches,
    norm,
    stop_words,
)

UNIT_COLUMNS = ["doc_id", "sent_id", "i", "i_end", "text", "key", "label", "pos", "kind", "is_word", "is_content"]

# --------------------------------------------------------------------------- units

_PARTICIPLE_END = re.compile(r"(?:é|ée|és|ées|i|ie|ies|u|ue|us|ues|t|te|ts|tes)$")
_PRESENT_PARTICIPLE = re.compile(r"ant(?:e|s|es)?$")


def participle_adjective(form: str, lemma: str, pos: str, dep: str) -> str | None:
    """The masculine singular of a past participle used as an adjective, else None.

    The French lemmatiser gives 'ouvrir' for some 'ouverte(s)' and 'ouvert' for others, 'fermer'
    for 'fermés' and 'fermé' for 'fermée': a modifier ('amod', 'acl') that looks like a past
    participle of a verb lemma is counted under its masculine singular form ('modèles ouverts',
    'une IA ouverte' -> 'ouvert'), like the adjective it is.
    """
    if pos not in ("VERB", "ADJ") or dep not in ("amod", "acl") or not lemma.endswith(("er", "ir", "re")):
        return None
    if not _PARTICIPLE_END.search(form) or _PRESENT_PARTICIPLE.search(form):
        return None
    base = form
    if base.endswith("es"):
        base = base[:-2]
    elif base.endswith("e"):
        base = base[:-1]
    elif base.endswith("s") and base[-2:-1] in ("é", "t", "u"):
        base = base[:-1]
    return base if len(base) > 2 and base != lemma else None


def units_table(corpus: Any | None = None, *, tokens: pd.DataFrame | None = None,
                docs: Mapping[str, Doc] | None = None, langs: Mapping[str, str] | None = None,
                terms: TermList | None = None, merge_names: bool = True,
                stops: Mapping[str, frozenset[str]] | None = None) -> pd.DataFrame:
    """One row per word or multi-word term (terms merged), punctuation kept but flagged.

    Give a Corpus, or its `tokens` table (and optionally `docs` for name merging and `langs`
    doc_id -> language). Columns: doc_id, sent_id, i, i_end (token positions), text (surface),
    key (what is counted), label (display form), pos (spaCy POS, TERM or NAME), kind (token, term,
    name, punct, number), is_word (a word or term), is_content (counted in the vocabulary).
    """
    names_table = None
    if corpus is not None:
        tokens = corpus.tokens if tokens is None else tokens
        names_table = getattr(corpus, "names", None) if docs is None else None
        if names_table is None:
            docs = corpus.docs if docs is None else docs
        if langs is None and len(corpus.documents):
            langs = dict(zip(corpus.documents["doc_id"], corpus.documents["lang"], strict=False))
    if tokens is None:
        raise ValueError("units_table needs a corpus or a tokens table")
    terms = terms if terms is not None else TermList.load()
    langs = langs or {}
    stops = dict(stops or {})
    stops.setdefault("fr", stop_words("fr"))
    stops.setdefault("en", stop_words("en"))
    patterns: dict[tuple[str, ...], tuple[str, str]] = {}
    def found_names(labels=("PER", "ORG", "LOC")):
        if names_table is not None:
            return name_patterns_from_table(names_table, labels=labels, stops=stops["fr"])
        return name_patterns(docs, labels=labels, stops=stops["fr"]) if docs else {}

    if merge_names:
        for p, surface in found_names().items():
            patterns[p] = ("name", surface)
    for p, canonical in terms.patterns.items():
        patterns[p] = ("term", canonical)  # the term list wins over discovered names
    trie = _build_trie(patterns)
    # a person's surname alone ('LeCun') counts as the full name in articles that give the full name
    surnames: dict[str, tuple[str, str] | None] = {}
    if merge_names:
        for p in found_names(("PER",)):
            value = patterns.get(p)
            if value is not None and len(p) >= 2:
                surnames[p[-1]] = value if surnames.get(p[-1], value) == value else None

    if len(tokens) == 0:
        return _empty_units()
    rows: list[tuple] = []
    for doc_id, tok in tokens.groupby("doc_id", sort=False, observed=True):
        stop = stops.get(langs.get(doc_id, "fr"), stops["fr"])
        texts_raw = tok["text"].astype(str).tolist()
        texts = [norm(t) for t in texts_raw]
        lemmas_raw = tok["lemma"].astype(str).tolist()
        lemmas = [norm(lm) for lm in lemmas_raw]
        sids = tok["sent_id"].tolist()
        idx = tok["i"].tolist()
        pos = tok["pos"].astype(str).tolist()
        punct = tok["is_punct"].tolist()
        num = tok["like_num"].tolist()
        pos = tok["pos"].astype(str).tolist()
        deps = tok["dep"].astype(str).tolist() if "dep" in tok.columns else [""] * len(texts)
        matches = {s: (e, v) for s, e, v in find_matches(texts, lemmas, sids, trie)}
        present = {v for _, v in matches.values()}
        for k, t in enumerate(texts):
            value = surnames.get(t)
            first = k == 0 or sids[k - 1] != sids[k]
            if (value is not None and value in present and k not in matches and texts_raw[k][:1].isupper()
                    and (not first or pos[k] == "PROPN")):
                matches[k] = (k + 1, value)
        k = 0
        n = len(texts)
        while k < n:
            if k in matches:
                e, (kind, canonical) = matches[k]
                surface = _join_surface(texts_raw[k:e])
                key = norm(canonical)
                rows.append((doc_id, sids[k], idx[k], idx[e - 1] + 1, surface, key, canonical,
                             "TERM" if kind == "term" else "NAME", kind, True, True))
                k = e
                continue
            t, lm, p = texts[k], lemmas[k], pos[k]
            key = lm if lm and _has_letter(lm) else t
            adjectival = participle_adjective(t, lm, p, deps[k])
            if adjectival:
                key = adjectival
            if punct[k] or not _has_letter(t):
                kind = "punct" if punct[k] or not any(c.isalnum() for c in t) else "number"
            elif num[k] and not t.isalpha():
                kind = "number"
            else:
                kind = "token"
            is_word = kind == "token"
            is_content = (is_word and p in CONTENT_POS and len(key) > 1 and t not in stop and key not in stop
                          and not num[k])
            # names keep their written form (the lemmatiser may lowercase 'DeepSeek'): proper nouns,
            # words with inner capitals (IA, OpenAI) and capitalised words inside a sentence
            raw = texts_raw[k]
            first = k == 0 or sids[k - 1] != sids[k]
            cased = p == "PROPN" or any(ch.isupper() for ch in raw[1:]) or (raw[:1].isupper() and not first)
            label = raw if cased or not (lemmas_raw[k] and _has_letter(lemmas_raw[k])) else lemmas_raw[k]
            label = adjectival or label
            rows.append((doc_id, sids[k], idx[k], idx[k] + 1, texts_raw[k], key, label.replace("’", "'"), p, kind,
                         is_word, is_content))
            k += 1
    units = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    # one display label per key: the most frequent spelling (DeepSeek over Deepseek)
    labels = (units.groupby(["key", "label"], sort=False).size().reset_index(name="n")
              .sort_values(["key", "n"], ascending=[True, False]).drop_duplicates("key"))
    units["label"] = units["key"].map(dict(zip(labels["key"], labels["label"], strict=True)))
    return units


def _empty_units() -> pd.DataFrame:
    df = pd.DataFrame(columns=UNIT_COLUMNS)
    return df.astype({"is_word": bool, "is_content": bool, "sent_id": int, "i": int, "i_end": int})


def content(units: pd.DataFrame) -> pd.DataFrame:
    """The content units only (what frequencies, clouds and keyness count)."""
    return units.loc[units["is_content"].astype(bool)]


def label_map(units: pd.DataFrame) -> dict[str, str]:
    """key -> display label."""
    u = units.drop_duplicates("key")
    return dict(zip(u["key"], u["label"], strict=True))

def resolve_key(units: pd.DataFrame, query: str, terms: TermList | None = None) -> str | None:
    """The unit key for a query: a term of the list, a key, a label or a word form found in the corpus."""
    terms = terms if terms is not None else TermList.load()
    canonical = terms.canonical(query)
    keys = set(units["key"])
    for cand in (norm(canonical) if canonical else None, norm(query)):
        if cand and cand in keys:
            return cand
    q = norm(query)
    hit = units.loc[units["text"].astype(str).map(norm) == q, "key"]
    return hit.mode().iloc[0] if len(hit) else None

def multiword_units(units: pd.DataFrame) -> pd.DataFrame:
    """Inventory of the merged units: label, kind (term from terms.yml / name found by the recogniser),
    freq, n_articles, forms (surface spellings met), most frequent first."""
    cols = ["label", "kind", "freq", "n_articles", "forms"]
    m = units[units["kind"].isin(["term", "name"])]
    if m.empty:
        return pd.DataFrame(columns=cols)
    out = m.groupby("key", sort=False).agg(
        label=("label", "first"), kind=("kind", "first"), freq=("key", "size"), n_articles=("doc_id", "nunique"),
        forms=("text", lambda x: " | ".join(Counter(x).keys())))
    return out.sort_values(["freq", "label"], ascending=[False, True]).reset_index(drop=True)[cols]
