"""Agreement between two coders of the same sample, and the table of their disagreements to adjudicate.

    a = agreement(coding_1, coding_2)
    a.summary         # stance: percent agreement, Cohen's kappa, Krippendorff's alpha; per frame: kappa
    a.disagreements   # the sentences they coded differently, with both codes, for adjudication

Only sentences coded in both files count (matched on doc_id and sent_id); how many were coded by
one coder only is reported. Kappa is undefined (NaN) when both coders used a single label throughout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from .files import FRAME_CODES, STANCE_CODES, Coding, join_frames


@dataclass
class Agreement:
    """Agreement of two coders."""

    n_both: int
    only_first: int
    only_second: int
    stance: dict
    frames: pd.DataFrame  # per frame: agreement, kappa, n_first, n_second
    disagreements: pd.DataFrame

    def as_json(self) -> dict:
        def num(x: float) -> float | None:
            return None if x is None or not np.isfinite(x) else round(float(x), 4)
        return {"n_both": self.n_both, "only_first": self.only_first, "only_second": self.only_second,
                "stance": {k: num(v) for k, v in self.stance.items()},
                "frames": {f: {"agreement": num(r["agreement"]), "kappa": num(r["kappa"])}
                           for f, r in self.frames.iterrows()},
                "n_disagreements": len(self.disagreements)}

    @property
    def summary(self) -> pd.DataFrame:
        rows = [{"label": "stance", **self.stance}]
        rows += [{"label": f, "agreement": r["agreement"], "kappa": r["kappa"]} for f, r in self.frames.iterrows()]
        return pd.DataFrame(rows).set_index("label")


def _kappa(a: np.ndarray, b: np.ndarray, labels=None) -> float:
    if len(a) == 0 or (len(set(a)) == 1 and set(a) == set(b)):
        return float("nan")
    return float(cohen_kappa_score(a, b, labels=labels))


def krippendorff_alpha(a: list[str], b: list[str]) -> float:
    """Krippendorff's alpha (nominal) for two coders, with the `krippendorff` package."""
    import krippendorff

    codes = {s: i for i, s in enumerate(STANCE_CODES)}
    data = np.array([[codes[x] for x in a], [codes[x] for x in b]], dtype=float)
    if len(a) == 0 or len(np.unique(data)) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def agreement(first: Coding, second: Coding) -> Agreement:
    """Compare two coding files of the same sample."""
    key = ["doc_id", "sent_id"]
    both = first.coded.merge(second.coded, on=key, suffixes=("_1", "_2"))
    k1, k2 = set(map(tuple, first.coded[key].to_numpy())), set(map(tuple, second.coded[key].to_numpy()))
    s1, s2 = both["stance_1"].to_numpy(), both["stance_2"].to_numpy()
    stance = {"agreement": float((s1 == s2).mean()) if len(both) else float("nan"),
              "cohen_kappa": _kappa(s1, s2, labels=list(STANCE_CODES)),
              "krippendorff_alpha": krippendorff_alpha(list(s1), list(s2))}
    rows = {}
    for f in FRAME_CODES:
        a = np.array([f in fr for fr in both["frames_1"]])
        b = np.array([f in fr for fr in both["frames_2"]])
        rows[f] = {"agreement": float((a == b).mean()) if len(both) else float("nan"), "kappa": _kappa(a, b),
                   "n_first": int(a.sum()), "n_second": int(b.sum())}
    frames = pd.DataFrame(rows).T.astype({"agreement": float, "kappa": float, "n_first": int, "n_second": int})
    f1, f2 = both["frames_1"].map(join_frames), both["frames_2"].map(join_frames)
    differ = (both["stance_1"] != both["stance_2"]) | (f1 != f2)
    texts = first.rows.assign(sent_id=pd.to_numeric(first.rows["sent_id"], errors="coerce"))
    texts = texts.dropna(subset=["sent_id"]).astype({"sent_id": int})[["doc_id", "sent_id", "text"]]
    dis = both[differ].assign(frames_1=f1[differ], frames_2=f2[differ]).merge(texts, on=key, how="left")
    dis = dis.assign(adjudicated_stance="", adjudicated_frames="")
    dis = dis[["doc_id", "sent_id", "text", "stance_1", "stance_2", "frames_1", "frames_2", "coder_1", "coder_2",
               "adjudicated_stance", "adjudicated_frames"]].reset_index(drop=True)
    return Agreement(len(both), len(k1 - k2), len(k2 - k1), stance, frames, dis)
