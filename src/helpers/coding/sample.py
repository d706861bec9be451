"""Draw the sentences to hand-code: a seeded uniform random sample of body sentences, or a stratified one.

    table = labels.machine_table(corpus)
    sample = draw_sample(table, n=200, seed=1)                 # uniform, without replacement
    sample = draw_sample(table, n=200, seed=1, by="source")    # stratified, with stratum and weight
    files.write_coding_file(sample, "coding.csv")

Rows come in random order (not article order), so that the first k rows coded are themselves a
random sample when a coder stops early. A stratified sample allocates the n sentences to the
strata in proportion to their size (largest remainders), with at least two per stratum where the
stratum has them (an interval needs two); `weight` is then the number of corpus sentences each
coded sentence of its stratum stands for (stratum size / sentences drawn in it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .files import COLUMNS, MACHINE_COLUMNS

STRATA: tuple[str, ...] = ("source", "month")
MIN_PER_STRATUM = 2


def _allocate(sizes: pd.Series, n: int, minimum: int = MIN_PER_STRATUM) -> pd.Series:
    """Proportional allocation of n draws to strata (largest remainders), at least `minimum` where possible."""
    total = int(sizes.sum())
    if n >= total:
        return sizes.astype(int)
    floor_min = np.minimum(sizes.to_numpy(), minimum)
    alloc = floor_min.copy()
    left = n - int(alloc.sum())
    if left < 0:  # fewer draws than strata x minimum: one per stratum, largest strata first
        alloc = np.zeros(len(sizes), dtype=int)
        order = np.argsort(-sizes.to_numpy(), kind="stable")[:n]
        alloc[order] = 1
        return pd.Series(alloc, index=sizes.index)
    room = sizes.to_numpy() - alloc
    quota = room / room.sum() * left if room.sum() else np.zeros(len(sizes))
    extra = np.floor(quota).astype(int)
    rest = left - int(extra.sum())
    order = np.argsort(-(quota - extra), kind="stable")
    extra[order[:rest]] += 1
    return pd.Series(np.minimum(alloc + extra, sizes.to_numpy()).astype(int), index=sizes.index)


def _with_context(table: pd.DataFrame) -> pd.DataFrame:
    """context_before and context_after: the previous and next sentence of the same article."""
    t = table.sort_values(["doc_id", "sent_id"], kind="stable")
    same_prev = t["doc_id"].eq(t["doc_id"].shift(1))
    same_next = t["doc_id"].eq(t["doc_id"].shift(-1))
    t = t.assign(context_before=t["text"].shift(1).where(same_prev, ""),
                 context_after=t["text"].shift(-1).where(same_next, ""))
    return t.fillna({"context_before": "", "context_after": ""})


def draw_sample(table: pd.DataFrame, n: int = 200, seed: int = 1, by: str | None = None,
                blind: bool = False) -> pd.DataFrame:
    """The coding table of a random sample of the machine table's sentences (see the module docstring).

    `table` is `labels.machine_table(corpus)`. With `by` ("source" or "month") the sample is stratified
    and the columns `stratum` and `weight` follow the required ones. With `blind`, the machine's columns
    are left empty so that coders are not influenced. The same table, n, seed and by give the same sample.
    """
    if by is not None and by not in STRATA:
        raise ValueError(f"--by must be one of {', '.join(STRATA)}, not {by!r}")
    if n < 1:
        raise ValueError("the sample size must be at least 1")
    rng = np.random.default_rng(seed)
    ctx = _with_context(table).reset_index(drop=True)
    if by is None:
        take = rng.permutation(len(ctx))[: min(n, len(ctx))]
        out = ctx.iloc[take]
        extra: list[str] = []
    else:
        sizes = ctx.groupby(by, sort=True).size()
        alloc = _allocate(sizes, n)
        parts = []
        for stratum, k in alloc.items():
            members = ctx.index[ctx[by] == stratum].to_numpy()
            chosen = members[rng.permutation(len(members))[:k]] if k else members[:0]
            parts.append(ctx.loc[chosen].assign(stratum=f"{by}={stratum}", weight=sizes[stratum] / k if k else 0.0))
        out = pd.concat(parts)
        out = out[out["weight"] > 0]
        out = out.iloc[rng.permutation(len(out))]
        extra = ["stratum", "weight"]
    out = out.assign(stance="", frames="", coder="", note="")
    if blind:
        out = out.assign(**{c: "" for c in MACHINE_COLUMNS})
    return out[COLUMNS + extra].reset_index(drop=True)
