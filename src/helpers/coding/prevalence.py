"""Corrected prevalence: the share of pro sentences, of con sentences and of each frame, with a 95 % interval.

The machine labels every sentence of the corpus; a coder labels a random sample of them. The
prediction-powered estimate (Angelopoulos et al., Science 2023) of a share is

    machine share over the corpus  +  mean over the coded sample of (coder label - machine label)

The second term removes the machine's bias; its sampling error gives the interval. A uniform sample
goes through `ppi_py.ppi_mean_ci` (the `ppi-python` package), with the machine's weight lambda tuned
from the data (PPI++, Angelopoulos, Duchi and Zrnic 2023; lambda = 1 is the estimator of the paper,
lambda = 0 ignores the machine), so that a poor detector cannot make the interval wider than coding alone.
A stratified sample (`helpers sample --by ...`) needs weights, since each stratum was sampled at its
own rate: `weighted_ppi_share` weighs each coded sentence by the corpus sentences it stands for
(stratum size / coded sentences of the stratum) and takes the stratified variance of the correction
(design-based estimation of a domain mean; with one stratum it is the same estimate as ppi_py). The
tests check both by simulation: the intervals cover a known truth in about 95 % of repeated samples.

Groups (per source, per month, per article type when known) are domains: the machine share of the
group's sentences plus the correction estimated from the coded sentences of that group. A group with
fewer than MIN_CODED coded sentences gets no interval; it is listed under `too_few_coded`.
Shares and interval ends are clipped to [0, 1]. Where the sample shows no variation at all (every coded
sentence of a group has the same label and the machine agrees), the normal interval would have zero width;
the Wilson interval of the coded share is given instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from .files import FRAME_CODES, Coding, stratum_sizes
from .labels import UNKNOWN, known_groups

ALPHA = 0.05
MIN_CODED = 2
METHOD = ("prediction-powered inference (Angelopoulos et al. 2023): machine share over the corpus plus the "
          "mean coder-minus-machine difference on the coded sample; 95% normal interval")


@dataclass
class Estimate:
    """A share estimated from machine labels corrected by a coded sample."""

    machine: float
    corrected: float
    lo: float
    hi: float
    n_coded: int

    def as_json(self) -> dict:
        return {"machine": round(self.machine, 4), "corrected": round(self.corrected, 4),
                "ci": [round(self.lo, 4), round(self.hi, 4)]}


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


def wilson(k: float, n: int, alpha: float = ALPHA) -> tuple[float, float]:
    """Wilson score interval of a proportion k/n (used where every coded label agrees, see `_degenerate`)."""
    if n <= 0:
        return 0.0, 1.0
    z = float(norm.ppf(1 - alpha / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return _clip(centre - half), _clip(centre + half)


def _degenerate(est: Estimate, y: np.ndarray, alpha: float) -> Estimate:
    """A zero-width interval (every coded sentence of the group has the same label and the machine agrees,
    so the sample shows no variation) says nothing about the sentences not coded: use the Wilson interval
    of the coded share instead, which stays honest at 0 of n."""
    if est.hi - est.lo > 1e-12:
        return est
    lo, hi = wilson(float(np.sum(y)), len(y), alpha)
    return Estimate(est.machine, est.corrected, min(lo, est.corrected), max(hi, est.corrected), est.n_coded)


def ppi_share(y: np.ndarray, yhat: np.ndarray, yhat_all: np.ndarray, alpha: float = ALPHA,
              lam: float | None = None) -> Estimate:
    """PPI estimate and interval of a share from a uniform sample, with ppi_py.ppi_mean_ci.

    y, yhat: coder's and machine's 0/1 labels of the coded sentences; yhat_all: the machine's labels of
    every sentence of the corpus (or of the group). lam=None lets ppi_py tune how much the machine is
    trusted (PPI++, Angelopoulos, Duchi and Zrnic 2023: never wider than the coded sample alone, in large
    samples); lam=1 is the estimator of the Science paper. The point estimate is the interval's middle.
    """
    from ppi_py import ppi_mean_ci

    y, yhat, yhat_all = (np.asarray(a, dtype=float) for a in (y, yhat, yhat_all))
    if lam is None and np.concatenate([yhat, yhat_all]).var() == 0:
        lam = 1.0  # a constant machine label: every lambda gives the same estimate (and ppi_py would divide by 0)
    lo, hi = (float(np.ravel(v)[0]) for v in ppi_mean_ci(y, yhat, yhat_all, alpha=alpha, lam=lam))
    est = Estimate(float(yhat_all.mean()), _clip((lo + hi) / 2), _clip(lo), _clip(hi), len(y))
    return _degenerate(est, y, alpha)


def weighted_ppi_share(y: np.ndarray, yhat: np.ndarray, yhat_domain: np.ndarray, strata: np.ndarray,
                       weights: np.ndarray, in_domain: np.ndarray | None = None, alpha: float = ALPHA,
                       lam: float | None = None) -> Estimate:
    """PPI estimate of a share from a stratified sample (the coded sentences of every stratum).

    y, yhat, strata, weights, in_domain: one entry per coded sentence (weights: corpus sentences each
    stands for; in_domain: whether it belongs to the group estimated, default all). yhat_domain: the
    machine's labels of every corpus sentence of the group. The estimate is lam x machine share plus the
    weighted mean of y - lam x yhat over the group's coded sentences; its variance is the stratified
    (with-replacement) linearisation variance of that mean plus lam^2 var(yhat_domain)/N, as in ppi_py.
    lam=None tunes lam as ppi_py does (weighted covariance over variance), clipped to [0, 1].
    """
    y, yhat, w = (np.asarray(a, dtype=float) for a in (y, yhat, weights))
    yhat_domain = np.asarray(yhat_domain, dtype=float)
    strata = np.asarray(strata)
    m = np.ones(len(y), dtype=bool) if in_domain is None else np.asarray(in_domain, dtype=bool)
    dm = w * m
    n_hat = dm.sum()
    n_dom, big_n = int(m.sum()), len(yhat_domain)
    if lam is None:
        var_hat = np.concatenate([yhat[m], yhat_domain]).var(ddof=1)
        if var_hat > 0:
            my, mh = (dm * y).sum() / n_hat, (dm * yhat).sum() / n_hat
            cov = (dm * (y - my) * (yhat - mh)).sum() / n_hat
            lam = float(np.clip(cov / ((1 + n_dom / big_n) * var_hat), 0.0, 1.0))
        else:
            lam = 1.0
    delta = y - lam * yhat
    rect = float((dm * delta).sum() / n_hat)
    z = dm * (delta - rect) / n_hat
    var = 0.0
    for h in np.unique(strata):
        zh = z[strata == h]
        if len(zh) >= 2:
            var += len(zh) / (len(zh) - 1) * float(((zh - zh.mean()) ** 2).sum())
    var += lam ** 2 * float(yhat_domain.var()) / big_n
    machine = float(yhat_domain.mean())
    point = lam * machine + rect
    half = float(norm.ppf(1 - alpha / 2)) * np.sqrt(var)
    est = Estimate(machine, _clip(point), _clip(point - half), _clip(point + half), n_dom)
    return _degenerate(est, y[m], alpha)


def targets(coded: pd.DataFrame, prefix: str = "") -> dict[tuple[str, str], np.ndarray]:
    """0/1 arrays of the coder's labels: ('stance', 'pro'), ('stance', 'con'), ('frames', <code>) ..."""
    out = {("stance", s): (coded["stance"] == s).to_numpy(float) for s in ("pro", "con")}
    for f in FRAME_CODES:
        out[("frames", f)] = np.array([f in fr for fr in coded["frames"]], dtype=float)
    return out


def machine_targets(table: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """0/1 arrays of the machine's labels, same keys as `targets`."""
    out = {("stance", s): (table["predicted_stance"] == s).to_numpy(float) for s in ("pro", "con")}
    for f in FRAME_CODES:
        out[("frames", f)] = table[f"frame_{f}"].to_numpy(float)
    return out


def _design(coding: Coding, coded: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """(strata, weights) of the coded sentences for a stratified file, else None."""
    if not coding.stratified:
        return None
    sizes = stratum_sizes(coding.rows)
    n_coded = coded.groupby("stratum").size()
    w = np.array([sizes.get(s, np.nan) / n_coded[s] if s in sizes else fw
                  for s, fw in zip(coded["stratum"], coded["weight"], strict=True)], dtype=float)
    return coded["stratum"].to_numpy(), w


def _estimates(y: dict, yhat: dict, yhat_all: dict, design, in_domain: np.ndarray | None) -> dict:
    res: dict[str, dict] = {"stance": {}, "frames": {}}
    for key in y:
        if design is None:
            sel = slice(None) if in_domain is None else in_domain
            est = ppi_share(y[key][sel], yhat[key][sel], yhat_all[key])
        else:
            est = weighted_ppi_share(y[key], yhat[key], yhat_all[key], design[0], design[1], in_domain)
        res[key[0]][key[1]] = est
    return res


def corrected_prevalence(table: pd.DataFrame, coding: Coding, groups: list[str] | None = None) -> dict:
    """The prevalence JSON: n_coded; stance pro/con and every frame, machine vs corrected with 95 % CI; by group.

    `table` is labels.machine_table(corpus); `coding` a file read with files.read_coding(path, sentences),
    so that every coded sentence is in the table. Estimates are Estimate objects; `to_json` rounds them.
    """
    coded = coding.coded.merge(table, on=["doc_id", "sent_id"], how="inner", suffixes=("", "_corpus"))
    n = len(coded)
    if n < MIN_CODED:
        raise ValueError(f"{coding.path}: {n} usable coded sentence(s): at least {MIN_CODED} are needed "
                         "for a corrected share")
    design = _design(coding, coded)
    y, yhat, yhat_all = targets(coded), machine_targets(coded), machine_targets(table)
    result: dict = {"n_coded": n, "n_sentences": len(table),
                    "design": f"stratified ({coding.coded['stratum'].iloc[0].split('=')[0]})" if design is not None
                    else "uniform", "method": METHOD}
    if design is not None:  # a stratum without any coded sentence is not represented: say so
        sizes = stratum_sizes(coding.rows)
        missing = {h: int(n_h) for h, n_h in sizes.items() if h not in set(design[0])}
        if missing:
            result["uncovered_strata"] = missing
    result.update(_estimates(y, yhat, yhat_all, design, None))
    result["by"], result["too_few_coded"] = {}, {}
    for g in (known_groups(table) if groups is None else groups):
        result["by"][g] = {}
        for value in sorted(table[g].unique(), key=lambda v: (v == UNKNOWN, v)):
            in_g = (coded[g] == value).to_numpy()
            if in_g.sum() < MIN_CODED:
                result["too_few_coded"].setdefault(g, {})[value] = int(in_g.sum())
                continue
            mask = (table[g] == value).to_numpy()
            sub_all = {k: v[mask] for k, v in yhat_all.items()}
            entry = {"n_coded": int(in_g.sum()), "n_sentences": int(mask.sum())}
            entry.update(_estimates(y, yhat, sub_all, design, in_g))
            result["by"][g][value] = entry
    return result


def to_json(result: dict) -> dict:
    """The result with every Estimate as {"machine", "corrected", "ci"} (shares between 0 and 1)."""
    def conv(x):
        if isinstance(x, Estimate):
            return x.as_json()
        if isinstance(x, dict):
            return {k: conv(v) for k, v in x.items()}
        return x
    return conv(result)


def prevalence_frame(result: dict) -> pd.DataFrame:
    """The estimates as a table: group, value, kind (stance/frames), label, machine, corrected, lo, hi, n_coded."""
    rows = []

    def add(group: str, value: str, block: dict) -> None:
        for kind in ("stance", "frames"):
            for label, est in block.get(kind, {}).items():
                rows.append({"group": group, "value": value, "kind": kind, "label": label,
                             "machine": est.machine, "corrected": est.corrected, "lo": est.lo, "hi": est.hi,
                             "n_coded": est.n_coded})

    add("corpus", "all", result)
    for g, values in result.get("by", {}).items():
        for v, block in values.items():
            add(g, v, block)
    return pd.DataFrame(rows, columns=["group", "value", "kind", "label", "machine", "corrected", "lo", "hi",
                                       "n_coded"])
