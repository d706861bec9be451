"""Keyness ("specificities"): each part of the corpus against the rest (G2 and Lafon's hypergeometric score)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .units import content, label_map

KEYNESS_COLUMNS = ["part", "key", "label", "freq", "freq_rest", "size", "size_rest", "expected", "per_1000",
                   "per_1000_rest", "log_ratio", "ll", "ll_p", "specificity", "spec_p", "direction", "significant"]

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
        if top is not None:
            out = _keyness_candidates(block, freq, sizes.iloc[j:j + chunk].to_numpy(), total, alpha, top)
        else:
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


def _absent_specificity(freq: np.ndarray, size: np.ndarray, total: float, cap: float = 300.0) -> np.ndarray:
    """Lafon's (under-use) specificity of a term absent from a part, in closed form:
    log10 P(X = 0) = log10 [C(total - freq, size) / C(total, size)], clipped at -cap."""
    from scipy.special import gammaln

    rest = total - freq - size
    with np.errstate(invalid="ignore"):
        log_p = gammaln(total - freq + 1) + gammaln(total - size + 1) - gammaln(np.maximum(rest, 0) + 1) \
            - gammaln(total + 1)
    log_p = np.where(rest < 0, -np.inf, np.minimum(log_p, 0.0))
    return np.maximum(log_p / math.log(10), -cap)


def _keyness_candidates(counts: pd.DataFrame, freq: np.ndarray, size_vec: np.ndarray, total: float,
                        alpha: float, top: int) -> pd.DataFrame:
    """The keyness() rows that can be among the `top` most over- or under-used terms of each part:
    every term present in the part (over-use needs a > 0), and the absent terms whose closed-form
    under-use specificity is within the `top` strongest of the part (ties kept). These rows are then
    computed exactly as _keyness_block does, so the top rows are identical to the full matrix's."""
    a = counts.to_numpy(dtype=float)
    size = np.broadcast_to(size_vec[None, :].astype(float), a.shape)
    absent = a == 0
    spec0 = np.where(absent, _absent_specificity(np.broadcast_to(freq, a.shape), size, total), np.inf)
    k = min(max(int(top), 1), a.shape[0]) - 1
    threshold = np.partition(spec0, k, axis=0)[k]
    tol = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(threshold), threshold, 0.0)))
    keep = ~absent | (absent & (spec0 <= threshold + tol))
    rows, cols = np.nonzero(keep)
    return _keyness_rows(a[rows, cols], freq[rows, 0], size_vec.astype(float)[cols], total, alpha,
                         counts.index.to_numpy()[rows], counts.columns.to_numpy()[cols])


def _keyness_rows(a: np.ndarray, freq: np.ndarray, size: np.ndarray, total: float, alpha: float,
                  keys: np.ndarray, parts: np.ndarray) -> pd.DataFrame:
    """keyness() rows of (term, part) cells given as flat arrays (a: count in part, freq: corpus count)."""
    from scipy.stats import chi2

    b = freq - a
    c = size - a
    d = (total - size) - b
    expected = size * freq / total
    g2 = log_likelihood(a, b, c, d)
    sign = np.sign(a - expected)
    spec, p_spec = lafon_specificity(a, freq, size, total)
    out = pd.DataFrame({
        "part": parts, "key": keys, "freq": a.astype(int), "freq_rest": b.astype(int),
        "size": size.astype(int), "size_rest": (total - size).astype(int), "expected": expected,
        "per_1000": a / size * 1000,
        "per_1000_rest": np.where(total - size > 0, b / np.maximum(total - size, 1) * 1000, np.nan),
        "log_ratio": np.log2(((a + 0.5) / size) / ((b + 0.5) / np.maximum(total - size, 1))),
        "ll": sign * g2, "ll_p": chi2.sf(g2, 1), "specificity": spec, "spec_p": p_spec,
    })
    out["direction"] = np.select([out["specificity"] > 0, out["specificity"] < 0], ["over", "under"], "even")
    out["significant"] = out["ll_p"] < alpha
    return out


def _keyness_block(counts: pd.DataFrame, freq: np.ndarray, size_vec: np.ndarray, total: float,
                   alpha: float) -> pd.DataFrame:
    """keyness() rows of some parts (columns of counts); freq and total are the whole corpus's."""
    a = counts.to_numpy(dtype=float)
    shape = a.shape
    return _keyness_rows(a.ravel(), np.broadcast_to(freq, shape).ravel(),
                         np.broadcast_to(size_vec[None, :].astype(float), shape).ravel(), total, alpha,
                         np.repeat(counts.index.to_numpy(), shape[1]), np.tile(counts.columns.to_numpy(), shape[0]))


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
