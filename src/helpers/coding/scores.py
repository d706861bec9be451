"""How well the machine agrees with the coder on the coded sample: per class P/R/F1 with bootstrap intervals.

    s = score_coding(table, coding)
    s.stance      # pro, con, none: precision, recall, f1 (with 95 % bootstrap intervals), support
    s.frames      # one row per frame, same columns
    s.confusion   # coder (rows) x machine (columns) stance counts
    s.disagreements   # the coded sentences where coder and machine differ, with both labels

The intervals resample the coded sentences (1,000 bootstrap draws, seeded, vectorised); they say how
much the score could move with another sample of the same size from the same corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .files import FRAME_CODES, STANCE_CODES, Coding, join_frames

N_BOOT = 1000
SCORE_COLUMNS = ["precision", "precision_lo", "precision_hi", "recall", "recall_lo", "recall_hi", "f1", "f1_lo",
                 "f1_hi", "support", "predicted"]


@dataclass
class CodingScores:
    """Scores of the machine against one coder's sample."""

    n_coded: int
    stance: pd.DataFrame
    frames: pd.DataFrame
    confusion: pd.DataFrame
    disagreements: pd.DataFrame
    macro_f1: tuple[float, float, float]  # pro/con macro-F1 and its interval

    def as_json(self) -> dict:
        def num(c: str, v) -> float | int | None:
            if c in ("support", "predicted"):
                return int(v)
            return None if not np.isfinite(v) else round(float(v), 4)

        def block(df: pd.DataFrame) -> dict:
            return {k: {c: num(c, v) for c, v in row.items()} for k, row in df.iterrows()}

        return {"n_coded": self.n_coded, "stance": block(self.stance), "frames": block(self.frames),
                "stance_macro_f1": {"value": round(self.macro_f1[0], 4),
                                    "ci": [round(self.macro_f1[1], 4), round(self.macro_f1[2], 4)]},
                "confusion": {"rows": "coder", "columns": "machine",
                              "labels": list(self.confusion.index),
                              "counts": self.confusion.to_numpy().tolist()}}


def _prf(truth: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 along the last axis of 0/1 arrays (NaN where undefined: nothing predicted,
    nothing to find, or both)."""
    tp = (truth & pred).sum(-1)
    p_den, r_den = pred.sum(-1), truth.sum(-1)
    p = np.where(p_den > 0, tp / np.maximum(p_den, 1), np.nan)
    r = np.where(r_den > 0, tp / np.maximum(r_den, 1), np.nan)
    f = np.where(p_den + r_den > 0, 2 * tp / np.maximum(p_den + r_den, 1), np.nan)  # = 2PR/(P+R)
    return p, r, f


def binary_scores(truth: np.ndarray, pred: np.ndarray, n_boot: int = N_BOOT, seed: int = 0,
                  idx: np.ndarray | None = None) -> dict:
    """P/R/F1 of one class (0/1 arrays) with percentile bootstrap 95 % intervals.

    A score that is undefined (nothing predicted, or nothing to find) is 0, as in scikit-learn's
    zero_division=0; bootstrap draws where it is undefined are left out of its interval (NaN if all are).
    """
    truth, pred = np.asarray(truth, bool), np.asarray(pred, bool)
    if idx is None:
        idx = np.random.default_rng(seed).integers(0, len(truth), size=(n_boot, len(truth)))
    p, r, f = _prf(truth, pred)
    bp, br, bf = _prf(truth[idx], pred[idx])
    out = {}
    for name, val, boot in (("precision", p, bp), ("recall", r, br), ("f1", f, bf)):
        out[name] = float(np.nan_to_num(val))
        ok = boot[~np.isnan(boot)]
        lo, hi = np.percentile(ok, [2.5, 97.5]) if len(ok) else (np.nan, np.nan)
        out[f"{name}_lo"], out[f"{name}_hi"] = float(lo), float(hi)
    out["support"], out["predicted"] = int(truth.sum()), int(pred.sum())
    return out


def score_coding(table: pd.DataFrame, coding: Coding, n_boot: int = N_BOOT, seed: int = 0) -> CodingScores:
    """Score the machine (labels in `table`, see labels.machine_table) against the coded rows of `coding`."""
    coded = coding.coded.merge(table, on=["doc_id", "sent_id"], how="inner")
    n = len(coded)
    if n == 0:
        raise ValueError(f"{coding.path}: no usable coded sentence to score")
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    gold, pred = coded["stance"].to_numpy(), coded["predicted_stance"].to_numpy()
    stance = pd.DataFrame({s: binary_scores(gold == s, pred == s, idx=idx) for s in STANCE_CODES}).T
    bf_pro = np.nan_to_num(_prf((gold == "pro")[idx], (pred == "pro")[idx])[2])
    bf_con = np.nan_to_num(_prf((gold == "con")[idx], (pred == "con")[idx])[2])
    macro = (float((stance.loc["pro", "f1"] + stance.loc["con", "f1"]) / 2),
             *(float(x) for x in np.percentile((bf_pro + bf_con) / 2, [2.5, 97.5])))
    frames = pd.DataFrame({f: binary_scores(np.array([f in fr for fr in coded["frames"]]),
                                            coded[f"frame_{f}"].to_numpy(bool), idx=idx)
                           for f in FRAME_CODES}).T
    for df in (stance, frames):
        df[["support", "predicted"]] = df[["support", "predicted"]].astype(int)
    confusion = pd.crosstab(pd.Categorical(gold, STANCE_CODES), pd.Categorical(pred, STANCE_CODES),
                            rownames=["coder"], colnames=["machine"], dropna=False)
    confusion.index, confusion.columns = list(STANCE_CODES), list(STANCE_CODES)
    coder_frames = coded["frames"].map(join_frames)
    differs = (coded["stance"] != coded["predicted_stance"]) | (coder_frames != coded["predicted_frames"])
    dis = coded[differs].assign(coder_frames=coder_frames[differs])
    dis = dis.assign(
        stance_differs=dis["stance"] != dis["predicted_stance"],
        frames_missed=[join_frames([f for f in fr if not r[f"frame_{f}"]]) for fr, (_, r) in zip(dis["frames"], dis.iterrows(), strict=True)],
        frames_added=[join_frames([f for f in FRAME_CODES if r[f"frame_{f}"] and f not in fr])
                      for fr, (_, r) in zip(dis["frames"], dis.iterrows(), strict=True)])
    dis = dis.rename(columns={"stance": "coder_stance", "predicted_stance": "machine_stance",
                              "predicted_frames": "machine_frames"})
    dis = dis[["row", "doc_id", "sent_id", "coder_stance", "machine_stance", "coder_frames", "machine_frames",
               "frames_missed", "frames_added", "stance_differs", "text"]].reset_index(drop=True)
    return CodingScores(n, stance[SCORE_COLUMNS], frames[SCORE_COLUMNS], confusion, dis, macro)
