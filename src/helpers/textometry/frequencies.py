"""Term frequencies per part and lexical diversity (TTR, MATTR)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import pandas as pd

from .terms import _LETTER, norm
from .units import content, label_map

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
