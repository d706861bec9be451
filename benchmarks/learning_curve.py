"""Learning curve of the learned stance and frame detectors: would more coded articles help?

    .venv/bin/python benchmarks/learning_curve.py [--fractions 0.25 0.5 0.75 1] [--folds 5] [--repeats 1]

Grouped cross-validation by article over the gold's train split (seeds, dev, press gold), as `make train`
does, except that each fold's training part keeps only a fraction of its articles (a seeded random order of
the fold's training articles, so a smaller set is part of every larger one); the test folds are the same for
every fraction. Prints, per fraction, the training articles and sentences, and the out-of-fold stance
macro-F1 (pro, con) and frame micro-F1 pooled over the press articles' body sentences (the figure to expect
on a new press corpus) and over all. Ungated: no relevance classifier (the curve's shape, not the headline
figure, which is in the model card). Nothing is written.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from helpers.framing.lexicon import FRAMES
from helpers.learning.evaluate import build_dataset, fit_models, frame_metrics, predict_models, stance_metrics
from helpers.learning.gold import default_gold_files, parse_gold, read_gold
from helpers.learning.model import _inner_splits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 0.75, 1.0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    start = time.perf_counter()
    arts = [x for x in read_gold(default_gold_files()) if x.split == "train"]
    data = build_dataset(arts, parse_gold(arts))
    labels = list(FRAMES)
    groups = np.array(data.groups)
    fracs = sorted(set(a.fractions))
    pred_s = {f: [[""] * len(data) for _ in range(a.repeats)] for f in fracs}
    pred_f = {f: [[()] * len(data) for _ in range(a.repeats)] for f in fracs}
    sizes: dict[float, list[tuple[int, int]]] = {f: [] for f in fracs}
    for r in range(a.repeats):
        for k, (tr, te) in enumerate(_inner_splits(data.groups, a.folds, a.seed + 1000 * (r + 1))):
            order = np.random.RandomState(a.seed + 100 * r + k).permutation(sorted(set(groups[tr])))
            test = data.subset(te)
            for f in fracs:
                keep = set(order[:max(2, round(f * len(order)))])
                idx = [i for i in tr if groups[i] in keep]
                sm, fm = fit_models(data.subset(idx), labels, a.seed)
                ps, pf = predict_models(sm, fm, test)
                for j, i in enumerate(te):
                    pred_s[f][r][i], pred_f[f][r][i] = ps[j], pf[j]
                sizes[f].append((len(keep), len(idx)))
            print(f"  repeat {r + 1}, fold {k + 1}/{a.folds} done ({time.perf_counter() - start:.0f} s)", flush=True)
    body = np.array(data.body, dtype=bool)
    press = np.array([g.startswith("press:") for g in data.groups]) & body
    print(f"\n{len(set(data.groups))} train articles, {int(body.sum())} body sentences ({int(press.sum())} in press "
          f"articles); {a.folds} folds x {a.repeats} repeats, grouped by article; ungated")
    print(f"{'fraction':>8} {'articles':>9} {'sentences':>10} {'stance press':>13} {'stance all':>11} "
          f"{'frames press':>13} {'frames all':>11}")
    for f in fracs:
        row = []
        for mask in (press, body):
            row.append(np.mean([stance_metrics([data.stance[i] for i in np.where(mask)[0]],
                                               [pred_s[f][r][i] for i in np.where(mask)[0]])["macro_f1"]
                                for r in range(a.repeats)]))
        for mask in (press, body):
            row.append(np.mean([frame_metrics([data.frames[i] for i in np.where(mask)[0]],
                                              [pred_f[f][r][i] for i in np.where(mask)[0]], labels)["micro_f1"]
                                for r in range(a.repeats)]))
        n_art = np.mean([s[0] for s in sizes[f]])
        n_sent = np.mean([s[1] for s in sizes[f]])
        print(f"{f:>8.2f} {n_art:>9.0f} {n_sent:>10.0f} {row[0]:>13.3f} {row[1]:>11.3f} {row[2]:>13.3f} {row[3]:>11.3f}")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
