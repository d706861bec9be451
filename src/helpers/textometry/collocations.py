"""Collocations (NLTK association measures) and co-occurrents of a term within the sentence."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .terms import TermList
from .units import content, label_map, resolve_key

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
