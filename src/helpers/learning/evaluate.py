"""Scores of the stance and frame detectors on articles they did not learn from.

    data = build_dataset(articles, docs)
    cv = cross_validate(data, folds=5, repeats=3, seed=0)   # learned and rule detector on the same folds
    cv["stance"]["learned"]["macro_f1"] -> {"mean": 0.61, "ci": [0.52, 0.69], ...}

Cross-validation is grouped by article (no article is in training and test at once) and repeated with
different assignments of articles to folds. The point estimate is the mean over repeats of the score of
the pooled out-of-fold predictions; the 95 % interval is a percentile bootstrap over articles (articles
resampled with replacement, each draw on one repeat's predictions), so it reflects how much the score
depends on which articles were coded. The rule detector learns nothing: its predictions are scored on the
same articles with the same bootstrap draws, and the paired difference (learned - rules) gets its interval.
With a `RelevanceGate`, each fold also trains the article relevance classifier on its training articles (plus
the off-topic corpus) and gates the test articles as the pipeline does: an article not judged on topic keeps
no stance and no frame. The gated scores are then the headline (what a user of the pipeline gets); the
ungated ones are kept beside them (`learned_ungated`, `rules_ungated`).
Scoring follows CODEBOOK.md: boilerplate sentences are not scored; stance macro-F1 is the mean of the pro
and con F1; frames micro-F1 pools (sentence, frame) decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .features import doc_features
from .gold import GoldArticle
from .model import FrameModel, StanceModel, _inner_splits

N_BOOT = 1000


@dataclass
class Dataset:
    """Sentences of gold articles with their features, gold labels and the rule detectors' decisions."""

    feats: list[dict[str, float]]
    vectors: np.ndarray
    stance: list[str]
    frames: list[tuple[str, ...]]
    groups: list[str]
    body: np.ndarray            # scored (not boilerplate)
    split: list[str]
    rule_stance: list[str]
    rule_frames: list[tuple[str, ...]]
    texts: list[str]
    relevance: list[str] = field(default_factory=list)  # the article's gold relevance, per sentence

    def subset(self, idx: Sequence[int]) -> Dataset:
        idx = list(idx)
        rel = [self.relevance[i] for i in idx] if self.relevance else []
        return Dataset([self.feats[i] for i in idx], self.vectors[idx], [self.stance[i] for i in idx],
                       [self.frames[i] for i in idx], [self.groups[i] for i in idx], self.body[idx],
                       [self.split[i] for i in idx], [self.rule_stance[i] for i in idx],
                       [self.rule_frames[i] for i in idx], [self.texts[i] for i in idx], rel)

    def on_topic(self) -> Dataset:
        """The sentences of on-topic articles (the only ones the gated pipeline gives stance and frames)."""
        if not self.relevance:
            return self
        return self.subset([i for i, r in enumerate(self.relevance) if r == "on_topic"])

    def __len__(self) -> int:
        return len(self.stance)


def build_dataset(articles: Sequence[GoldArticle], docs: Sequence) -> Dataset:
    """Features of every gold sentence (each article parsed with its gold sentence boundaries)."""
    feats, vecs, stance, frames, groups, body, split, rs, rf, texts, rel = [], [], [], [], [], [], [], [], [], [], []
    for art, doc in zip(articles, docs, strict=True):
        sf = doc_features(doc)
        if len(sf) != len(art.sentences):
            raise RuntimeError(f"{art.key}: {len(sf)} sentences with features for {len(art.sentences)} gold sentences")
        for s, f in zip(art.sentences, sf, strict=True):
            feats.append(f.feats)
            vecs.append(f.vector)
            stance.append(s.stance)
            frames.append(s.frames)
            groups.append(art.key)
            body.append(not s.boilerplate)
            split.append(art.split)
            rs.append(f.rule_stance)
            rf.append(tuple(sorted(f.rule_frames)))
            texts.append(s.text)
            rel.append(art.relevance or "on_topic")
    return Dataset(feats, np.vstack(vecs) if vecs else np.zeros((0, 1)), stance, frames, groups,
                   np.array(body, dtype=bool), split, rs, rf, texts, rel)


# --------------------------------------------------------------------------- relevance gate

@dataclass
class RelevanceGate:
    """Article relevance decided in-fold, as the pipeline decides it (helpers.relevance).

    texts: cleaned body per article group ("press:a001.txt"); labels: gold relevance per group; offtopic:
    relevance_train.Example rows always added to training (the off-topic corpus, never scored here)."""

    texts: dict[str, str]
    labels: dict[str, str]
    offtopic: list = field(default_factory=list)
    seed: int = 0
    _memo: dict = field(default_factory=dict, repr=False)  # (train, test) -> decision: the same folds, decided once

    def off_groups(self, train_groups: Sequence[str], test_groups: Sequence[str]) -> set[str]:
        """Test articles that a relevance classifier trained on the training articles judges not on topic."""
        key = (frozenset(train_groups), frozenset(test_groups))
        if key not in self._memo:
            self._memo[key] = self._decide(train_groups, test_groups)
        return set(self._memo[key])

    def _decide(self, train_groups: Sequence[str], test_groups: Sequence[str]) -> set[str]:
        from .. import relevance_train as rt

        train = [rt.Example(g, "gold", self.texts[g], self.labels.get(g, "on_topic"))
                 for g in sorted(set(train_groups)) if g in self.texts]
        train += list(self.offtopic)
        test = [g for g in sorted(set(test_groups)) if g in self.texts]
        if len({e.label for e in train}) < 2 or not test:
            return set()
        pred, _, _ = rt.judge(train, [self.texts[g] for g in test], seed=self.seed)
        return {g for g, lab in zip(test, pred, strict=True) if lab != "on_topic"}


def _runs(data: Dataset, stance: list[str], frames: list[tuple[str, ...]], off: set[str] | None
          ) -> tuple[dict[str, list], dict[str, list]]:
    """The stance and frame runs scored for one set of learned predictions: learned and rules, gated by `off`
    (articles judged not on topic keep no stance and no frame) when a gate decided it, the ungated ones beside."""
    run_s = {"learned": stance, "rules": list(data.rule_stance)}
    run_f = {"learned": frames, "rules": list(data.rule_frames)}
    if off is None:
        return run_s, run_f

    def gate_s(preds):
        return [("none" if g in off else s) for s, g in zip(preds, data.groups, strict=True)]

    def gate_f(preds):
        return [(() if g in off else f) for f, g in zip(preds, data.groups, strict=True)]

    return ({"learned": gate_s(stance), "rules": gate_s(run_s["rules"]), "learned_ungated": stance,
             "rules_ungated": run_s["rules"]},
            {"learned": gate_f(frames), "rules": gate_f(run_f["rules"]), "learned_ungated": frames,
             "rules_ungated": run_f["rules"]})


# --------------------------------------------------------------------------- metrics

def _prf(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(pred & gold))
    fp, fn = float(np.sum(pred & ~gold)), float(np.sum(~pred & gold))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def stance_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """precision/recall/F1 of pro, con and none, macro_f1 (pro, con), accuracy, Cohen's kappa."""
    g, p = np.array(gold), np.array(pred)
    out: dict[str, float] = {}
    for c in ("pro", "con", "none"):
        out[f"{c}.precision"], out[f"{c}.recall"], out[f"{c}.f1"] = _prf(p == c, g == c)
    out["macro_f1"] = (out["pro.f1"] + out["con.f1"]) / 2
    out["accuracy"] = float(np.mean(g == p)) if len(g) else 0.0
    pe = sum(float(np.mean(g == c)) * float(np.mean(p == c)) for c in ("pro", "con", "none")) if len(g) else 0.0
    out["kappa"] = (out["accuracy"] - pe) / (1 - pe) if pe < 1 else 0.0
    return out


def frame_metrics(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], labels: Sequence[str]) -> dict[str, float]:
    """micro precision/recall/F1 over (sentence, frame) decisions, and F1 per frame."""
    out: dict[str, float] = {}
    tp = fp = fn = 0.0
    for lab in labels:
        g = np.array([lab in s for s in gold], dtype=bool)
        p = np.array([lab in s for s in pred], dtype=bool)
        tp += float(np.sum(g & p))
        fp += float(np.sum(~g & p))
        fn += float(np.sum(g & ~p))
        out[f"{lab}.f1"] = _prf(p, g)[2]
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    out["micro_precision"], out["micro_recall"] = prec, rec
    out["micro_f1"] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return out


def _summarise(point: list[dict[str, float]], boots: list[dict[str, float]]) -> dict[str, dict]:
    """metric -> {mean, ci} from per-repeat point scores and bootstrap draws."""
    out = {}
    for key in point[0]:
        vals = [d[key] for d in boots]
        out[key] = {"mean": round(float(np.mean([d[key] for d in point])), 4),
                    "ci": [round(float(np.percentile(vals, 2.5)), 4), round(float(np.percentile(vals, 97.5)), 4)]}
    return out


def _bootstrap(groups: np.ndarray, runs: list[dict[str, np.ndarray]], score, seed: int,
               n_boot: int = N_BOOT) -> list[dict[str, dict]]:
    """Per detector (key of each run): bootstrap draws of score(idx, preds) over articles, paired across detectors."""
    uniq = np.array(sorted(set(groups.tolist())))
    members = {g: np.where(groups == g)[0] for g in uniq}
    rng = np.random.RandomState(seed)
    draws: list[dict[str, dict[str, float]]] = []
    for b in range(n_boot):
        pick = rng.choice(uniq, size=len(uniq), replace=True)
        idx = np.concatenate([members[g] for g in pick]) if len(pick) else np.array([], dtype=int)
        run = runs[b % len(runs)]
        draws.append({name: score(idx, preds) for name, preds in run.items()})
    return draws


def _scored(data: Dataset, runs_stance, runs_frames, labels, seed: int) -> dict:
    body = np.where(data.body)[0]
    groups = np.array(data.groups)[body]
    gold_s = np.array(data.stance, dtype=object)[body]
    gold_f = [data.frames[i] for i in body]

    def s_score(idx, preds):
        return stance_metrics(gold_s[idx], np.asarray(preds, dtype=object)[body][idx])

    def f_score(idx, preds):
        return frame_metrics([gold_f[i] for i in idx], [preds[body[i]] for i in idx], labels)

    result: dict = {"stance": {}, "frames": {}}
    for layer, runs, score in (("stance", runs_stance, s_score), ("frames", runs_frames, f_score)):
        all_idx = np.arange(len(body))
        point = {name: [score(all_idx, r[name]) for r in runs] for name in runs[0]}
        draws = _bootstrap(groups, runs, score, seed)
        for name in runs[0]:
            result[layer][name] = _summarise(point[name], [d[name] for d in draws])
        key = "macro_f1" if layer == "stance" else "micro_f1"
        diff_point = [{key: p[key] - q[key]} for p, q in zip(point["learned"], point["rules"], strict=True)]
        diff_draws = [{key: d["learned"][key] - d["rules"][key]} for d in draws]
        result[layer]["difference"] = _summarise(diff_point, diff_draws)
    # the press articles alone: the rules were written while reading the seeds and the dev set, so their sentences
    # flatter every detector that uses rule features; the press articles were never read to write a rule
    press = np.where(np.array([g.startswith("press:") for g in groups], dtype=bool))[0]
    if 0 < len(press) < len(body):
        for layer, runs, score in (("stance", runs_stance, s_score), ("frames", runs_frames, f_score)):
            def sub(idx, preds, score=score):
                return score(press[idx], preds)

            pair = [{n: r[n] for n in ("learned", "rules")} for r in runs]
            point = {n: [sub(np.arange(len(press)), r[n]) for r in pair] for n in ("learned", "rules")}
            draws = _bootstrap(groups[press], pair, sub, seed)
            for n in ("learned", "rules"):
                result[layer][f"{n}_press_only"] = _summarise(point[n], [d[n] for d in draws])
    return result


# --------------------------------------------------------------------------- cross-validation

TRAIN_ON = {"stance": "on_topic", "frames": "on_topic"}  # which articles' sentences each model learns from


def _train_on(train_on: dict[str, str] | None) -> dict[str, str]:
    return dict(TRAIN_ON if train_on is None else train_on)


def fit_models(data: Dataset, labels: Sequence[str], seed: int,
               train_on: dict[str, str] | None = None) -> tuple[StanceModel, FrameModel]:
    """Both learned detectors fitted on a dataset; train_on[layer] == "on_topic" fits that layer on the sentences
    of on-topic articles only (the gated pipeline never asks it about the others)."""
    train_on = _train_on(train_on)
    ds = data.on_topic() if train_on.get("stance") == "on_topic" else data
    sm = StanceModel(seed=seed).fit(ds.feats, ds.vectors, ds.stance, ds.groups)
    df = data.on_topic() if train_on.get("frames") == "on_topic" else data
    fm = FrameModel(seed=seed).fit(df.feats, df.vectors, df.frames, df.groups, labels)
    return sm, fm


def predict_models(sm: StanceModel, fm: FrameModel, data: Dataset) -> tuple[list[str], list[tuple[str, ...]]]:
    stance, _ = sm.predict(data.feats, data.vectors, data.groups)
    frames = [tuple(sorted(f for f, _ in row)) for row in fm.predict(data.feats, data.vectors)]
    return stance, frames


def cross_validate(data: Dataset, labels: Sequence[str], folds: int = 5, repeats: int = 3, seed: int = 0,
                   progress: bool = False, gate: RelevanceGate | None = None,
                   train_on: dict[str, str] | None = None) -> dict:
    """Repeated grouped cross-validation of both detectors on the train split, beside the rule detector
    (with `gate`: both gated by an in-fold relevance classifier, ungated scores kept beside)."""
    n_articles = len(set(data.groups))
    folds = max(2, min(folds, n_articles))
    runs_s, runs_f, fold_scores = [], [], []
    gated_off = 0
    for r in range(repeats):
        pred_s = [""] * len(data)
        pred_f: list[tuple[str, ...]] = [()] * len(data)
        off: set[str] = set()
        for k, (tr, te) in enumerate(_inner_splits(data.groups, folds, seed + 1000 * (r + 1))):
            sm, fm = fit_models(data.subset(tr), labels, seed, train_on)
            ps, pf = predict_models(sm, fm, data.subset(te))
            for j, i in enumerate(te):
                pred_s[i], pred_f[i] = ps[j], pf[j]
            if gate is not None:
                off |= gate.off_groups([data.groups[i] for i in tr], [data.groups[i] for i in te])
            body = [i for i in te if data.body[i]]
            fold_scores.append(stance_metrics([data.stance[i] for i in body], [pred_s[i] for i in body])["macro_f1"])
            if progress:
                print(f"  repeat {r + 1}/{repeats}, fold {k + 1}/{folds}: stance macro-F1 {fold_scores[-1]:.3f}",
                      flush=True)
        gated_off += len(off)
        run_s, run_f = _runs(data, pred_s, pred_f, off if gate is not None else None)
        runs_s.append(run_s)
        runs_f.append(run_f)
    res = _scored(data, runs_s, runs_f, labels, seed)
    res["design"] = {"folds": folds, "repeats": repeats, "seed": seed, "grouped_by": "article",
                     "n_articles": n_articles, "n_sentences": int(data.body.sum()),
                     "fold_macro_f1": {"mean": round(float(np.mean(fold_scores)), 4),
                                       "sd": round(float(np.std(fold_scores)), 4)},
                     "interval": "95 % percentile bootstrap over articles (1,000 draws)",
                     "train_on": _train_on(train_on),
                     "relevance_gate": ("in-fold relevance classifier (helpers.relevance_train) trained on each fold's "
                                        f"training articles and {len(gate.offtopic)} off-topic articles; "
                                        f"{gated_off / repeats:.1f} of {n_articles} articles gated off per repeat"
                                        if gate is not None else "none (ungated predictions)")}
    res["oof_last_repeat"] = {"stance": runs_s[-1]["learned"], "frames": runs_f[-1]["learned"]}
    return res


def held_out_scores(train: Dataset, test: Dataset, labels: Sequence[str], seed: int = 0,
                    gate: RelevanceGate | None = None, train_on: dict[str, str] | None = None) -> dict:
    """Train on `train`, score once on `test` (the final_test split), beside the rule detector (gated as in
    cross_validate when `gate` is given)."""
    sm, fm = fit_models(train, labels, seed, train_on)
    ps, pf = predict_models(sm, fm, test)
    off = gate.off_groups(train.groups, test.groups) if gate is not None else set()
    run_s, run_f = _runs(test, ps, pf, off if gate is not None else None)
    res = _scored(test, [run_s], [run_f], labels, seed)
    res["design"] = {"n_articles": len(set(test.groups)), "n_sentences": int(test.body.sum()),
                     "interval": "95 % percentile bootstrap over articles (1,000 draws)",
                     "train_on": _train_on(train_on),
                     "relevance_gate": (f"relevance classifier trained on the train articles: {len(off)} of "
                                        f"{len(set(test.groups))} test articles gated off" if gate is not None
                                        else "none (ungated predictions)")}
    return res


__all__ = ["Dataset", "RelevanceGate", "build_dataset", "stance_metrics", "frame_metrics", "cross_validate", "held_out_scores",
           "fit_models", "predict_models"]
