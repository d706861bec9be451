"""Textometry: what a corpus says, word by word (notebook 01).

    units = units_table(corpus)                 # one row per word or multi-word term, terms merged
    freq = term_frequencies(units)              # content lemmas x articles, with a total column
    diversity = lexical_diversity(corpus.tokens)
    spec = keyness(count_matrix(units, by="doc_id"), sizes=part_sizes(units, by="doc_id"))
    kwic(corpus.docs, "open source")            # left | keyword | right, doc_id, sent_id
    collocations(units, n=2)                    # NLTK association measures, frequency floor
    cooccurrents(units, "open source")          # words over-represented in the term's sentences

Units. Every token becomes a unit, except that multi-word terms (data/lexicons/terms.yml, plus
multi-word names found by the entity recogniser and applied corpus-wide) become ONE unit, so
"open source" or "Hugging Face" is never split. A unit's `key` is what is counted: the term's
canonical form or the lowercased lemma; `label` is how charts show it. Content units are nouns,
proper nouns, adjectives, verbs and adverbs that are not stop words (spaCy's French list plus
data/lexicons/stopwords_extra.txt; spaCy's English list for English articles), numbers and
punctuation left out, and all terms.

Keyness ("specificities") compares each part of the corpus (an article, a source, a month)
with the rest: Dunning's log-likelihood G2 on the 2x2 table (term / other words, part / rest)
with its chi-square p-value (1 degree of freedom), and Lafon's hypergeometric specificity
score (TXM's "spécificités"): log10 of the probability of seeing the term at least (or at
most) that often in a random draw of the part's size from the whole corpus, signed + for
over-use and - for under-use.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from spacy.tokens import Doc

from .display import md_escape
from .paths import lexicon
from .tables import iter_sentences
from .textfold import fold

CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV", "X"})
DASHES = frozenset({"-", "–", "—", "‐", "‑"})
UNIT_COLUMNS = ["doc_id", "sent_id", "i", "i_end", "text", "key", "label", "pos", "kind", "is_word", "is_content"]
KEYNESS_COLUMNS = ["part", "key", "label", "freq", "freq_rest", "size", "size_rest", "expected", "per_1000",
                   "per_1000_rest", "log_ratio", "ll", "ll_p", "specificity", "spec_p", "direction", "significant"]
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
    if lang == "en":
        from spacy.lang.en.stop_words import STOP_WORDS
    else:
        from spacy.lang.fr.stop_words import STOP_WORDS
    words = {norm(w) for w in STOP_WORDS}
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


# --------------------------------------------------------------------------- units

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
        for ent in doc.ents:
            if ent.label_ not in labels:
                continue
            words = [t for t in ent if t.text not in DASHES and not t.is_space]
            if len(words) < 2 or not all(t.text[:1].isupper() and _has_letter(t.text) for t in words):
                continue
            if any(norm(t.text) in stops for t in words):
                continue
            key = tuple(norm(t.text) for t in words)
            found.setdefault(key, Counter())[_join_surface([t.text for t in ent])] += 1
    return {k: c.most_common(1)[0][0] for k, c in found.items()}


NAME_SEP = "\x1f"


def name_patterns_rows(doc: Doc, labels: Iterable[str] = ("PER", "ORG", "LOC")) -> list[tuple[str, str, str]]:
    """The name candidates of one article, as stored rows (label, normalised words joined by NAME_SEP,
    surface): capitalised entity spans of 2+ words (stop words are filtered when the rows are used)."""
    labels = set(labels)
    out = []
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        words = [t for t in ent if t.text not in DASHES and not t.is_space]
        if len(words) < 2 or not all(t.text[:1].isupper() and _has_letter(t.text) for t in words):
            continue
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


# --------------------------------------------------------------------------- frequencies, diversity

def term_frequencies(units: pd.DataFrame, by: str = "doc_id", top: int | None = None) -> pd.DataFrame:
    """Content terms x parts (articles by default) counts, with `total` and `n_parts`, most frequent first.

    The index is the display label; rows are sorted by total, then alphabetically.
    """
    c = content(units)
    if c.empty:
        return pd.DataFrame(columns=["total", "n_parts"])
    table = pd.crosstab(c["key"], c[by])
    order = list(dict.fromkeys(units[by]))  # corpus order of parts
    table = table.reindex(columns=[p for p in order if p in table.columns])
    table["total"] = table.sum(axis=1)
    table["n_parts"] = (table.drop(columns="total") > 0).sum(axis=1)
    table = table.reset_index().sort_values(["total", "key"], ascending=[False, True])
    labels = label_map(units)
    table.index = pd.Index([labels.get(k, k) for k in table["key"]], name="term")
    table = table.drop(columns="key")
    table.columns.name = None
    return table.head(top) if top else table


def mattr(words: Sequence[str], window: int = 50) -> float:
    """Moving-average type/token ratio (Covington & McFall 2010); plain TTR for shorter texts."""
    n = len(words)
    if n == 0:
        return float("nan")
    if n <= window:
        return len(set(words)) / n
    counts: Counter = Counter(words[:window])
    total = len(counts)
    for k in range(window, n):
        old, new = words[k - window], words[k]
        counts[old] -= 1
        if counts[old] == 0:
            del counts[old]
        counts[new] += 1
        total += len(counts)
    return total / (n - window + 1) / window


def lexical_diversity(tokens: pd.DataFrame, window: int = 50) -> pd.DataFrame:
    """Per article: n_words, n_types (word forms), n_lemmas, TTR, root TTR (Guiraud) and MATTR.

    Words are tokens with a letter, punctuation and numbers out, lowercased. TTR falls as texts
    grow, so compare articles of different lengths with MATTR (window of `window` words).
    """
    cols = ["doc_id", "n_words", "n_types", "n_lemmas", "ttr", "root_ttr", "mattr"]
    if len(tokens) == 0:
        return pd.DataFrame(columns=cols)
    w = tokens[~tokens["is_punct"].astype(bool) & ~tokens["like_num"].astype(bool)
               & tokens["text"].astype(str).str.contains(_LETTER)]
    groups = dict(iter(w.groupby("doc_id", sort=False, observed=True)))
    rows = []
    for doc_id in dict.fromkeys(tokens["doc_id"]):
        d = groups.get(doc_id, w.iloc[:0])
        forms = [norm(t) for t in d["text"].astype(str)]
        n = len(forms)
        types = len(set(forms))
        rows.append((doc_id, n, types, d["lemma"].astype(str).map(norm).nunique(),
                     types / n if n else float("nan"), types / math.sqrt(n) if n else float("nan"),
                     mattr(forms, window)))
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- keyness

def part_of(documents: pd.DataFrame, by: str) -> pd.Series:
    """doc_id -> group value for a metadata column; `month` is derived from ISO dates (YYYY-MM).

    Articles without a value are left out (NaN).
    """
    if by == "month":
        values = documents["date"].astype(str).str.extract(r"^(\d{4}-\d{2})")[0]
    else:
        values = documents[by].astype("string").str.strip().replace("", pd.NA)
    return pd.Series(values.to_numpy(), index=documents["doc_id"].to_numpy(), name=by).dropna()


def groupable(documents: pd.DataFrame, by: str) -> bool:
    """True when the metadata column has at least two distinct values across articles."""
    if len(documents) == 0 or (by != "month" and by not in documents.columns):
        return False
    return part_of(documents, by).nunique() >= 2


def _with_parts(units: pd.DataFrame, by: str | pd.Series) -> tuple[pd.DataFrame, str]:
    if isinstance(by, pd.Series):
        u = units.assign(part=units["doc_id"].map(by)).dropna(subset=["part"])
        return u, "part"
    return units, by


def count_matrix(units: pd.DataFrame, by: str | pd.Series = "doc_id") -> pd.DataFrame:
    """Content-term keys x parts counts. `by` is a units column or a Series doc_id -> group."""
    u, col = _with_parts(content(units), by)
    if u.empty:
        return pd.DataFrame()
    m = pd.crosstab(u["key"], u[col])
    m.columns.name = None
    return m


def part_sizes(units: pd.DataFrame, by: str | pd.Series = "doc_id") -> pd.Series:
    """Number of words (terms merged, stop words included) per part: the denominators of keyness."""
    u, col = _with_parts(units.loc[units["is_word"].astype(bool)], by)
    return u.groupby(col, sort=False).size()


def largest_parts(units: pd.DataFrame, by: str | pd.Series = "doc_id", n: int = 12) -> list:
    """The n parts with the most words, in their natural order (corpus order; sorted for groups)."""
    sizes = part_sizes(units, by)
    keep = set(sizes.sort_values(ascending=False, kind="stable").head(n).index)
    order = list(sizes.index) if isinstance(by, str) else sorted(sizes.index, key=str)
    return [p for p in order if p in keep]


def log_likelihood(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Dunning's G2 for 2x2 tables [[a, b], [c, d]] (a: term in part, b: term in rest,
    c: other words in part, d: other words in rest). 0 * log 0 counts as 0."""
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    n = a + b + c + d
    cells = ((a, (a + b) * (a + c)), (b, (a + b) * (b + d)), (c, (c + d) * (a + c)), (d, (c + d) * (b + d)))
    g2 = np.zeros_like(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for obs, margin in cells:
            expected = margin / n
            g2 += np.where(obs > 0, obs * np.log(obs / expected), 0.0)
    return 2 * g2


def lafon_specificity(a: np.ndarray, freq: np.ndarray, size: np.ndarray, total: np.ndarray,
                      cap: float = 300.0) -> tuple[np.ndarray, np.ndarray]:
    """Lafon's specificity: (signed score, tail probability).

    The part of `size` words is a draw without replacement from the corpus of `total` words, of
    which `freq` are the term. Over-use (a above expectation): score = -log10 P(X >= a);
    under-use: score = log10 P(X <= a) (negative). |score| >= 2 means p <= 0.01.
    """
    from scipy.stats import hypergeom

    arrays = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (a, freq, size, total)))
    shape = arrays[0].shape
    a, freq, size, total = (x.ravel() for x in arrays)
    expected = size * freq / total
    over = a > expected
    # sf and cdf are fast (Boost); their log versions are generic and ~50x slower, so they only serve
    # the cells whose probability underflows to 0
    p = np.where(over, hypergeom.sf(a - 1, total, freq, size), hypergeom.cdf(a, total, freq, size))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.log(p)
        tiny = ~(p > 0)
        if tiny.any():
            log_p[tiny] = np.where(over[tiny], hypergeom.logsf(a[tiny] - 1, total[tiny], freq[tiny], size[tiny]),
                                   hypergeom.logcdf(a[tiny], total[tiny], freq[tiny], size[tiny]))
    log_p = np.minimum(np.nan_to_num(log_p, nan=0.0, neginf=-cap * math.log(10)), 0.0)
    score = np.where(over, -log_p, log_p) / math.log(10)
    score = np.where(a == expected, 0.0, np.clip(score, -cap, cap))
    return score.reshape(shape), np.exp(log_p).reshape(shape)


def keyness(counts: pd.DataFrame, sizes: pd.Series | None = None, min_freq: int = 2, alpha: float = 0.05,
            labels: Mapping[str, str] | None = None, top: int | None = None, chunk: int = 64) -> pd.DataFrame:
    """Specificities of every term in every part against the rest of the corpus (long table).

    counts: term keys x parts. sizes: words per part (defaults to the column sums). Terms whose
    corpus frequency is below `min_freq` are left out. Columns: part, key, label, freq (in part),
    freq_rest, size, size_rest, expected, per_1000, per_1000_rest, log_ratio (log2 of the ratio of
    relative frequencies, +0.5 smoothing), ll (G2, signed + over-use / - under-use), ll_p,
    specificity (Lafon, signed), spec_p, direction (over / under / even), significant (ll_p < alpha).
    Sorted by part, then specificity from most over-used to most under-used. Empty when fewer than
    two parts.

    top: keep only the `top` most over-used and `top` most under-used terms of each part (the table
    then grows with the number of parts, not with parts x vocabulary). Parts are computed `chunk`
    at a time, so memory holds chunk x vocabulary cells, not the whole matrix.
    """
    if counts is None or counts.empty or counts.shape[1] < 2:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    counts = counts[counts.sum(axis=1) >= min_freq]
    if counts.empty:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    sizes = (sizes if sizes is not None else counts.sum(axis=0)).reindex(counts.columns).astype(float)
    sizes = sizes.where(sizes >= counts.sum(axis=0), counts.sum(axis=0))
    total = float(sizes.sum())
    freq = counts.sum(axis=1).to_numpy(dtype=float)[:, None]
    blocks = []
    for j in range(0, counts.shape[1], max(1, chunk)):
        block = counts.iloc[:, j:j + chunk]
        out = _keyness_block(block, freq, sizes.iloc[j:j + chunk].to_numpy(), total, alpha)
        if top is not None:
            over = out[out["specificity"] > 0].sort_values(["specificity", "key"], ascending=[False, True])
            under = out[out["specificity"] < 0].sort_values(["specificity", "key"], ascending=[True, True])
            out = pd.concat([over.groupby("part", sort=False).head(top), under.groupby("part", sort=False).head(top)])
        blocks.append(out)
    out = pd.concat(blocks, ignore_index=True) if len(blocks) > 1 else blocks[0]
    out["label"] = out["key"].map(labels) if labels else out["key"]
    out["label"] = out["label"].fillna(out["key"])
    order = {p: k for k, p in enumerate(counts.columns)}
    out = out.assign(_o=out["part"].map(order)).sort_values(["_o", "specificity", "key"],
                                                            ascending=[True, False, True])
    return out.drop(columns="_o")[KEYNESS_COLUMNS].reset_index(drop=True)


def _keyness_block(counts: pd.DataFrame, freq: np.ndarray, size_vec: np.ndarray, total: float,
                   alpha: float) -> pd.DataFrame:
    """keyness() rows of some parts (columns of counts); freq and total are the whole corpus's."""
    a = counts.to_numpy(dtype=float)
    size = size_vec[None, :]
    b = freq - a
    c = size - a
    d = (total - size) - b
    expected = size * freq / total
    g2 = log_likelihood(a, b, c, d)
    from scipy.stats import chi2

    p_ll = chi2.sf(g2, 1)
    sign = np.sign(a - expected)
    spec, p_spec = lafon_specificity(a, np.broadcast_to(freq, a.shape), np.broadcast_to(size, a.shape), total)
    rel = a / size * 1000
    rest = np.where(total - size > 0, b / np.maximum(total - size, 1) * 1000, np.nan)
    log_ratio = np.log2(((a + 0.5) / size) / ((b + 0.5) / np.maximum(total - size, 1)))
    shape = a.shape
    keys = np.repeat(counts.index.to_numpy(), shape[1])
    parts = np.tile(counts.columns.to_numpy(), shape[0])
    out = pd.DataFrame({
        "part": parts, "key": keys,
        "freq": a.ravel().astype(int), "freq_rest": b.ravel().astype(int),
        "size": np.broadcast_to(size, shape).ravel().astype(int),
        "size_rest": (total - np.broadcast_to(size, shape)).ravel().astype(int),
        "expected": expected.ravel(), "per_1000": rel.ravel(), "per_1000_rest": rest.ravel(),
        "log_ratio": log_ratio.ravel(), "ll": (sign * g2).ravel(), "ll_p": p_ll.ravel(),
        "specificity": spec.ravel(), "spec_p": p_spec.ravel(),
    })
    out["direction"] = np.select([out["specificity"] > 0, out["specificity"] < 0], ["over", "under"], "even")
    out["significant"] = out["ll_p"] < alpha
    return out


def corpus_keyness(units: pd.DataFrame, by: str | pd.Series = "doc_id", min_freq: int = 2,
                   alpha: float = 0.05, top: int | None = None) -> pd.DataFrame:
    """keyness() of each part (a units column or a Series doc_id -> group) against the rest
    (top: the top most over- and under-used terms of each part only)."""
    return keyness(count_matrix(units, by), part_sizes(units, by), min_freq=min_freq, alpha=alpha,
                   labels=label_map(units), top=top)


def write_full_keyness(spec: pd.DataFrame, path: str | Path) -> Path:
    """The full keyness matrix as compressed Parquet (zstd), for whoever asks for every term of every part."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    spec.to_parquet(path, index=False, compression="zstd")
    return path


def top_keyness(spec: pd.DataFrame, n: int = 10, significant_only: bool = False) -> pd.DataFrame:
    """The n most over-used and n most under-used terms of each part."""
    if spec.empty:
        return spec
    s = spec[spec["significant"]] if significant_only else spec
    over = s[s["specificity"] > 0].sort_values("specificity", ascending=False).groupby("part", sort=False).head(n)
    under = s[s["specificity"] < 0].sort_values("specificity").groupby("part", sort=False).head(n)
    return pd.concat([over, under]).reset_index(drop=True)


# --------------------------------------------------------------------------- concordance

def query_patterns(query: str, terms: TermList | None = None) -> list[tuple[str, ...]]:
    """Token patterns for a query: all variants when it is a term of the list, else its own tokens."""
    terms = terms if terms is not None else TermList.load()
    canonical = terms.canonical(query)
    if canonical:
        return terms.variants(canonical)
    toks = pattern_tokens(query)
    return [toks] if toks else []


def kwic(docs: Mapping[str, Doc], query: str, window: int = 10, match: str = "auto",
         terms: TermList | None = None, max_rows: int | None = None) -> pd.DataFrame:
    """Keyword in context: every occurrence of `query` with `window` tokens of context on each side.

    match: 'auto' (word form or lemma, case-insensitive; a term of terms.yml brings its variants),
    'form' (word forms only) or 'lemma' (lemmas only). Contexts stop at the sentence boundaries.
    Columns: doc_id, sent_id, left, keyword, right, start_char, end_char.
    """
    cols = ["doc_id", "sent_id", "left", "keyword", "right", "start_char", "end_char"]
    patterns = query_patterns(query, terms) if match == "auto" else ([pattern_tokens(query)] if query.strip() else [])
    patterns = [p for p in patterns if p]
    if not patterns:
        return pd.DataFrame(columns=cols)
    trie = _build_trie({p: True for p in patterns})
    rows = []
    for doc_id, doc in docs.items():
        for sid, sent in iter_sentences(doc):
            toks = list(sent)
            forms = [norm(t.text) for t in toks]
            lemmas = [participle_adjective(f, norm(t.lemma_), t.pos_, t.dep_) or norm(t.lemma_)
                      for f, t in zip(forms, toks, strict=True)]
            if match == "form":
                lemmas = forms
            elif match == "lemma":
                forms = lemmas
            for s, e, _ in find_matches(forms, lemmas, [0] * len(toks), trie):
                start, end = sent.start + s, sent.start + e
                left = doc[max(sent.start, start - window):start].text
                right = doc[end:min(sent.end, end + window)].text
                rows.append((doc_id, sid, left, doc[start:end].text, right, doc[start].idx,
                             doc[end - 1].idx + len(doc[end - 1].text)))
                if max_rows and len(rows) >= max_rows:
                    return pd.DataFrame(rows, columns=cols)
    return pd.DataFrame(rows, columns=cols)


def kwic_index(tokens: pd.DataFrame) -> pd.DataFrame:
    """The tokens table with the normalised form and lemma a concordance matches on (compute once,
    then call kwic_tokens for each query)."""
    cols = ["doc_id", "sent_id", "i", "text", "ws", "start_char"]
    idx = tokens[[c for c in cols if c in tokens.columns]].copy()
    if "ws" not in idx.columns:
        idx["ws"] = " "
    texts = tokens["text"].astype(str).tolist()
    forms = [norm(t) for t in texts]
    lemmas = [norm(x) for x in tokens["lemma"].astype(str).tolist()]
    pos = tokens["pos"].astype(str).tolist()
    dep = tokens["dep"].astype(str).tolist() if "dep" in tokens.columns else [""] * len(forms)
    idx["_form"] = forms
    idx["_lemma"] = [participle_adjective(f, lm, p, d) or lm for f, lm, p, d in zip(forms, lemmas, pos, dep,
                                                                                     strict=True)]
    return idx


def _join_tokens(texts: Sequence[str], ws: Sequence[str], a: int, b: int) -> str:
    """The text of tokens a..b-1 as spaCy writes a span: each token's trailing space, but the last one's."""
    if b <= a:
        return ""
    return "".join(t + w for t, w in zip(texts[a:b - 1], ws[a:b - 1], strict=True)) + texts[b - 1]


def kwic_tokens(index: pd.DataFrame, query: str, window: int = 10, match: str = "auto",
                terms: TermList | None = None, max_rows: int | None = None) -> pd.DataFrame:
    """kwic() from the stored tokens table (see kwic_index) instead of parsed Docs: same columns,
    contexts of `window` tokens inside the sentence (whitespace tokens are not in the table)."""
    cols = ["doc_id", "sent_id", "left", "keyword", "right", "start_char", "end_char"]
    patterns = query_patterns(query, terms) if match == "auto" else ([pattern_tokens(query)] if query.strip() else [])
    patterns = [p for p in patterns if p]
    if not patterns or index.empty:
        return pd.DataFrame(columns=cols)
    trie = _build_trie({p: True for p in patterns})
    firsts = {p[0] for p in patterns}
    hit = index["_lemma" if match == "lemma" else "_form"].isin(firsts)
    if match == "auto":
        hit |= index["_lemma"].isin(firsts)
    if not hit.any():
        return pd.DataFrame(columns=cols)
    wanted = index.loc[hit, ["doc_id", "sent_id"]].drop_duplicates()
    sub = index.merge(wanted, on=["doc_id", "sent_id"], sort=False)
    rows = []
    for (doc_id, sid), g in sub.groupby(["doc_id", "sent_id"], sort=False):
        forms, lemmas = g["_form"].tolist(), g["_lemma"].tolist()
        if match == "form":
            lemmas = forms
        elif match == "lemma":
            forms = lemmas
        texts, ws, starts = g["text"].astype(str).tolist(), g["ws"].astype(str).tolist(), g["start_char"].tolist()

        for s, e, _ in find_matches(forms, lemmas, [0] * len(forms), trie):
            rows.append((doc_id, int(sid), _join_tokens(texts, ws, max(0, s - window), s), _join_tokens(texts, ws, s, e),
                         _join_tokens(texts, ws, e, min(len(texts), e + window)),
                         int(starts[s]), int(starts[e - 1]) + len(texts[e - 1])))
            if max_rows and len(rows) >= max_rows:
                return pd.DataFrame(rows, columns=cols)
    return pd.DataFrame(rows, columns=cols)


def _clip(text: str, width: int, left: bool) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return "…" + text[-(width - 1):].lstrip() if left else text[: width - 1].rstrip() + "…"


def kwic_html(df: pd.DataFrame, max_rows: int = 15, title: str = "", width: int = 45) -> str:
    """A concordance as an HTML table (left context right-aligned, keyword in bold), text escaped.

    Contexts longer than `width` characters are cut on their outer side so that the table fits the page.
    """
    head = f"<p><b>{html.escape(title)}</b></p>" if title else ""
    if df is None or df.empty:
        return head + "<p><i>No occurrence in this corpus.</i></p>"
    cell = "padding:2px 6px;white-space:nowrap;"
    rows = []
    for _, r in df.head(max_rows).iterrows():
        rows.append(
            f"<tr><td style='{cell}text-align:right;color:#333'>{html.escape(_clip(str(r['left']), width, True))}</td>"
            f"<td style='{cell}text-align:center'><b style='color:#08519c'>{html.escape(str(r['keyword']))}</b></td>"
            f"<td style='{cell}text-align:left;color:#333'>{html.escape(_clip(str(r['right']), width, False))}</td>"
            f"<td style='padding:2px 6px;color:#777'><small>{html.escape(str(r['doc_id']))} #{int(r['sent_id'])}</small></td></tr>")
    more = (f"<p><small>{len(df) - max_rows} more occurrence(s) not shown.</small></p>"
            if len(df) > max_rows else "")
    return (head + "<table style='font-family:monospace;font-size:11px;border-collapse:collapse'>"
            "<tr><th style='text-align:right'>left</th><th>keyword</th><th style='text-align:left'>right</th>"
            "<th>doc_id #sent_id</th></tr>" + "".join(rows) + "</table>" + more)


# --------------------------------------------------------------------------- collocations, cooccurrents

def sentence_sequences(units: pd.DataFrame) -> list[list[str]]:
    """The units' keys sentence by sentence (punctuation kept, so n-grams never jump over it)."""
    return [g.tolist() for _, g in units.groupby(["doc_id", "sent_id"], sort=False)["key"]]


_MEASURES = {"likelihood_ratio", "pmi", "chi_sq", "student_t", "dice", "jaccard", "poisson_stirling", "raw_freq"}


def collocations(units: pd.DataFrame, n: int = 2, measure: str = "likelihood_ratio", min_freq: int = 2,
                 top: int | None = 20) -> pd.DataFrame:
    """The strongest bigrams (n=2) or trigrams (n=3) of adjacent content units within sentences.

    Uses NLTK's collocation finders and association measures ('likelihood_ratio', 'pmi',
    'student_t', 'chi_sq', 'dice', ...) after a frequency floor of `min_freq`; n-grams holding a
    stop word, punctuation or a number are left out. Columns: collocation (most frequent spelling),
    lemmas, words (tuple of unit keys), freq, score, measure.
    """
    from nltk.collocations import (
        BigramAssocMeasures,
        BigramCollocationFinder,
        TrigramAssocMeasures,
        TrigramCollocationFinder,
    )

    cols = ["collocation", "lemmas", "words", "freq", "score", "measure"]
    if n not in (2, 3):
        raise ValueError("n must be 2 or 3")
    if measure not in _MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {sorted(_MEASURES)}")
    if units.empty:
        return pd.DataFrame(columns=cols)
    keep = set(units.loc[units["is_content"], "key"])
    seqs = sentence_sequences(units)
    finder_cls, measures = ((BigramCollocationFinder, BigramAssocMeasures()) if n == 2
                            else (TrigramCollocationFinder, TrigramAssocMeasures()))
    finder = finder_cls.from_documents(seqs)
    finder.apply_freq_filter(min_freq)
    finder.apply_word_filter(lambda w: w not in keep)
    if not finder.ngram_fd:
        return pd.DataFrame(columns=cols)
    scored = finder.score_ngrams(getattr(measures, measure))
    labels = label_map(units)
    rows = [(ng, finder.ngram_fd[ng], score) for ng, score in scored]
    df = pd.DataFrame(rows, columns=["words", "freq", "score"]).sort_values(
        ["score", "freq"], ascending=[False, False], kind="stable")
    df = (df.head(top) if top else df).reset_index(drop=True)
    forms = _ngram_forms(units, set(df["words"]), n, labels)
    df["lemmas"] = [" ".join(labels.get(w, w) for w in ng) for ng in df["words"]]
    df["collocation"] = [forms[ng].most_common(1)[0][0] if ng in forms else lem
                         for ng, lem in zip(df["words"], df["lemmas"], strict=True)]
    df["measure"] = measure
    return df[["collocation", "lemmas", "words", "freq", "score", "measure"]]


def _ngram_forms(units: pd.DataFrame, wanted: set[tuple[str, ...]], n: int,
                 labels: Mapping[str, str]) -> dict[tuple[str, ...], Counter]:
    """Surface spellings met for each wanted n-gram of keys (lowercased unless the word is a name)."""
    out: dict[tuple[str, ...], Counter] = {}
    if not wanted:
        return out
    for _, g in units.groupby(["doc_id", "sent_id"], sort=False):
        keys, texts = g["key"].tolist(), g["text"].astype(str).tolist()
        for k in range(len(keys) - n + 1):
            ng = tuple(keys[k:k + n])
            if ng in wanted:
                form = " ".join(t if labels.get(w, w) != labels.get(w, w).lower() else t.lower()
                                for w, t in zip(ng, texts[k:k + n], strict=True))
                out.setdefault(ng, Counter())[form] += 1
    return out


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


def cooccurrents(units: pd.DataFrame, query: str, min_cofreq: int = 2, top: int | None = 20,
                 terms: TermList | None = None) -> pd.DataFrame:
    """Content terms found in the same sentences as `query`, ranked by a hypergeometric score.

    For each term: cofreq (sentences holding both), freq (sentences holding the term), and the
    specificity -log10 P(X >= cofreq) of meeting the query's sentences that often by chance
    (Lafon's co-occurrence score, as in TXM). Columns: cooccurrent, key, cofreq, freq, score, p_value.
    """
    cols = ["cooccurrent", "key", "cofreq", "freq", "score", "p_value"]
    key = resolve_key(units, query, terms) if len(units) else None
    if key is None:
        return pd.DataFrame(columns=cols)
    c = content(units)
    pres = c[["doc_id", "sent_id", "key"]].drop_duplicates()
    sent = pres["doc_id"].astype(str) + "\x00" + pres["sent_id"].astype(str)
    pres = pres.assign(sent=sent.to_numpy())
    n_sent = units[["doc_id", "sent_id"]].drop_duplicates().shape[0]
    target = set(pres.loc[pres["key"] == key, "sent"])
    if not target:
        return pd.DataFrame(columns=cols)
    freq = pres.groupby("key").size()
    co = pres[pres["sent"].isin(target) & (pres["key"] != key)].groupby("key").size()
    co = co[co >= min_cofreq]
    if co.empty:
        return pd.DataFrame(columns=cols)
    from scipy.stats import hypergeom

    f = freq.reindex(co.index).to_numpy(dtype=float)
    k = co.to_numpy(dtype=float)
    p = hypergeom.sf(k - 1, n_sent, f, len(target))
    with np.errstate(divide="ignore"):
        log_p = np.where(p > 0, np.log(np.maximum(p, 1e-300)), hypergeom.logsf(k - 1, n_sent, f, len(target)))
    score = np.clip(-log_p / math.log(10), 0, 300)
    labels = label_map(units)
    df = pd.DataFrame({"cooccurrent": [labels.get(x, x) for x in co.index], "key": co.index,
                       "cofreq": k.astype(int), "freq": f.astype(int), "score": score, "p_value": np.exp(log_p)})
    df = df.sort_values(["score", "cofreq", "key"], ascending=[False, False, True]).reset_index(drop=True)
    return df.head(top) if top else df


def sentences_with(units: pd.DataFrame, sentences: pd.DataFrame, keys: str | Sequence[str],
                   max_rows: int | None = 5, spread: bool = True) -> pd.DataFrame:
    """Example sentences (doc_id, sent_id, text, cues) holding every given unit key; cues are their surface forms.

    spread=True takes them from as many articles as possible (one per article first), else in corpus order.
    """
    cols = ["doc_id", "sent_id", "text", "cues"]
    keys = [keys] if isinstance(keys, str) else list(keys)
    hits = units[units["key"].isin(keys)]
    if hits.empty or sentences.empty or not keys:
        return pd.DataFrame(columns=cols)
    per_sent = hits.groupby(["doc_id", "sent_id"])["key"].nunique()
    full = per_sent[per_sent == len(set(keys))].index
    hits = hits.set_index(["doc_id", "sent_id"]).loc[full].reset_index() if len(full) else hits.iloc[:0]
    if hits.empty:
        return pd.DataFrame(columns=cols)
    forms = hits.groupby(["doc_id", "sent_id"], sort=False)["text"].agg(lambda x: "; ".join(dict.fromkeys(x)))
    ex = forms.rename("cues").reset_index().merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])
    if spread:  # first sentence of each article, then the second of each ...
        order = {d: k for k, d in enumerate(dict.fromkeys(ex["doc_id"]))}
        ex = ex.assign(_r=ex.groupby("doc_id", sort=False).cumcount(), _d=ex["doc_id"].map(order))
        ex = ex.sort_values(["_r", "_d", "sent_id"], kind="stable")
    ex = ex[cols].reset_index(drop=True)
    return ex.head(max_rows) if max_rows else ex


def ngram_sentences(units: pd.DataFrame, sentences: pd.DataFrame, words: Sequence[str],
                    max_rows: int | None = 5) -> pd.DataFrame:
    """Example sentences where the unit keys `words` follow each other (a collocation), with its surface form as cue."""
    cols = ["doc_id", "sent_id", "text", "cues"]
    words = list(words)
    if units.empty or not words:
        return pd.DataFrame(columns=cols)
    rows = []
    for (doc_id, sid), g in units.groupby(["doc_id", "sent_id"], sort=False):
        keys, texts = g["key"].tolist(), g["text"].astype(str).tolist()
        for k in range(len(keys) - len(words) + 1):
            if keys[k:k + len(words)] == words:
                rows.append((doc_id, sid, " ".join(texts[k:k + len(words)]), texts[k:k + len(words)]))
                break
        if max_rows and len(rows) >= max_rows:
            break
    if not rows:
        return pd.DataFrame(columns=cols)
    hits = pd.DataFrame([(d, s, "; ".join(parts)) for d, s, _, parts in rows], columns=["doc_id", "sent_id", "cues"])
    return hits.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])[cols]


def keyness_examples(units: pd.DataFrame, sentences: pd.DataFrame, spec: pd.DataFrame,
                     groups: pd.Series | None = None, max_parts: int = 12) -> pd.DataFrame:
    """For each part, one sentence of that part holding its most over-used significant term.

    groups: doc_id -> part (None when the parts are articles). Columns: part, term, doc_id, sent_id, text, cues.
    """
    cols = ["part", "term", "doc_id", "sent_id", "text", "cues"]
    if spec.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for part, g in list(spec.groupby("part", sort=False))[:max_parts]:
        top = g[(g["specificity"] > 0) & g["significant"]].head(1)
        if top.empty:
            continue
        docs = [part] if groups is None else list(groups[groups == part].index)
        ex = sentences_with(units[units["doc_id"].isin(docs)], sentences, top["key"].iloc[0], max_rows=1)
        if len(ex):
            rows.append((part, top["label"].iloc[0], *ex.iloc[0][["doc_id", "sent_id", "text", "cues"]]))
    return pd.DataFrame(rows, columns=cols)


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


# --------------------------------------------------------------------------- generated commentary



def overview_remarks(documents: pd.DataFrame, diversity: pd.DataFrame) -> str:
    """Markdown remarks on article lengths, dates and diversity, computed from the tables."""
    if documents.empty:
        return "_The corpus holds no article that could be analysed._"
    d = documents.merge(diversity, on="doc_id", how="left")
    n = len(d)
    lines = [f"- The corpus holds **{n}** article{'s' if n != 1 else ''}, "
             f"{int(d['n_sentences'].sum())} sentences and {int(d['n_tokens'].sum())} word tokens."]
    if n > 1:
        longest, shortest = d.loc[d["n_tokens"].idxmax()], d.loc[d["n_tokens"].idxmin()]
        lines.append(f"- Longest: {md_escape(longest['doc_id'])} ({int(longest['n_tokens'])} tokens); shortest: "
                     f"{md_escape(shortest['doc_id'])} ({int(shortest['n_tokens'])} tokens); median "
                     f"{d['n_tokens'].median():.0f}.")
        if d["mattr"].notna().sum() > 1:
            hi, lo = d.loc[d["mattr"].idxmax()], d.loc[d["mattr"].idxmin()]
            lines.append(f"- Lexical diversity (MATTR) ranges from {lo['mattr']:.2f} ({md_escape(lo['doc_id'])}) to "
                         f"{hi['mattr']:.2f} ({md_escape(hi['doc_id'])}).")
    dates = pd.to_datetime(d["date"], errors="coerce", format="%Y-%m-%d")
    if dates.notna().any():
        n_dated = int(dates.notna().sum())
        when = (f"on {dates.min():%Y-%m-%d}" if dates.min() == dates.max()
                else f"from {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}")
        lines.append(f"- {n_dated} of {n} article{'s' if n != 1 else ''} {'is' if n_dated == 1 else 'are'} dated, "
                     f"{when}.")
    else:
        lines.append("- No article carries a date: there is no timeline.")
    sources = d["source"].astype("string").str.strip().replace("", pd.NA).dropna()
    if len(sources):
        top = sources.value_counts()
        lines.append(f"- {top.size} source{'s' if top.size != 1 else ''} named; the most frequent is "
                     f"*{md_escape(top.index[0])}* ({int(top.iloc[0])} article{'s' if top.iloc[0] != 1 else ''}).")
    return "\n".join(lines)


def vocabulary_remarks(freq: pd.DataFrame, n: int = 5) -> str:
    """Markdown remarks on the most frequent content terms and how widely they are shared."""
    if freq.empty:
        return "_No content word in this corpus._"
    n_parts = int(freq.shape[1] - 2)
    top = freq.head(n)
    words = ", ".join(f"**{md_escape(t)}** ({int(r['total'])})" for t, r in top.iterrows())
    lines = [f"- The {len(top)} most frequent content terms: {words}."]
    if n_parts > 1:
        shared = freq[freq["n_parts"] == n_parts]
        lines.append(f"- {len(shared)} term{'s' if len(shared) != 1 else ''} appear in every article"
                     + (f", led by **{md_escape(shared.index[0])}**." if len(shared) else "."))
        own = freq[(freq["n_parts"] == 1) & (freq["total"] >= 3)]
        if len(own):
            lines.append(f"- {len(own)} term{'s' if len(own) != 1 else ''} with 3+ occurrences appear in a single "
                         f"article, e.g. **{md_escape(own.index[0])}** ({int(own['total'].iloc[0])}).")
    hapax = int((freq["total"] == 1).sum())
    lines.append(f"- {len(freq)} distinct content terms, {hapax} of them used only once (hapaxes).")
    return "\n".join(lines)


def keyness_remarks(spec: pd.DataFrame, n: int = 3, what: str = "article") -> str:
    """Markdown remarks: for each part, its most over-used significant terms."""
    if spec.empty:
        return f"_Keyness needs at least two {what}s with words in common: nothing to compare here._"
    lines = []
    for part, g in spec.groupby("part", sort=False):
        over = g[(g["specificity"] > 0) & g["significant"]].head(n)
        if over.empty:
            lines.append(f"- {md_escape(part)}: no term is significantly over-used (p < 0.05).")
        else:
            terms = ", ".join(f"**{md_escape(r['label'])}** ({int(r['freq'])} vs {r['expected']:.1f} expected)"
                              for _, r in over.iterrows())
            lines.append(f"- {md_escape(part)} over-uses {terms}.")
    n_sig = int((spec["significant"] & (spec["specificity"] > 0)).sum())
    lines.append(f"- {n_sig} significant over-use(s) in all, out of {spec['key'].nunique()} terms tested in "
                 f"{spec['part'].nunique()} {what}s (p-values are not corrected for the number of tests: "
                 "read them as a ranking, not as proof).")
    return "\n".join(lines)


def collocation_remarks(bigrams: pd.DataFrame, trigrams: pd.DataFrame, cooc: pd.DataFrame, query: str) -> str:
    """Markdown remarks on the strongest collocations and the query's co-occurrents."""
    lines = []
    if bigrams.empty:
        lines.append("- No bigram passes the frequency floor.")
    else:
        b = ", ".join(f"**{md_escape(r['collocation'])}** ({int(r['freq'])})" for _, r in bigrams.head(3).iterrows())
        lines.append(f"- Strongest bigrams: {b}.")
    if not trigrams.empty:
        t = ", ".join(f"**{md_escape(r['collocation'])}** ({int(r['freq'])})" for _, r in trigrams.head(3).iterrows())
        lines.append(f"- Strongest trigrams: {t}.")
    if cooc.empty:
        lines.append(f"- No term co-occurs with *{md_escape(query)}* often enough in the same sentences.")
    else:
        c = ", ".join(f"**{md_escape(r['cooccurrent'])}** ({int(r['cofreq'])} sentences)" for _, r in cooc.head(5).iterrows())
        lines.append(f"- In the sentences that mention *{md_escape(query)}*, the most specific co-occurrents are {c}.")
    return "\n".join(lines)
