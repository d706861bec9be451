"""Train, cross-validate and ship the boilerplate line classifier (helpers.boilerplate).

    python -m helpers.boilerplate_train [--out src/helpers/models] [--folds 5] [--seed 0] [--final-test]

Labels: the coded sentences of the seed articles, the development set and the press gold (split
`train`), boilerplate or body, mapped to lines. The removal threshold is chosen on out-of-fold
probabilities of inner folds (grouped by article) so that at least 99.3 % of the body sentences
stay (each line weighs the coded sentences on it). Scores: cross-validation grouped by article; a gold sentence counts as
removed when less than half its words remain in the cleaned text (the reference scorer's rule),
beside the rules alone on the same articles. `--final-test` scores the shipped model once on the
press gold's `final_test` articles.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import boilerplate as B
from . import clean as C
from .gold_score import align, words
from .model_card import carry_experiments
from .training_data import GoldArticle, gold_articles

SENTENCE_WEIGHTS = True
KEEP_TARGET = 0.993  # share of the body sentences the threshold keeps on inner out-of-fold probabilities


@dataclass
class LinedArticle:
    """A coded article as lines: features, labels (1 boilerplate, 0 body, None not coded), rule-kept mask."""

    article: GoldArticle
    lines: list[str]
    labels: list[int | None]
    feats: list[dict[str, Any]]
    rule_kept: list[bool]
    n_sentences: list[int]  # coded sentences lying mostly on each line


def lined(arts: list[GoldArticle]) -> list[LinedArticle]:
    """Lines, gold labels, features and the rules' decision of each article."""
    out = []
    for a in arts:
        lines, labels, counts = B.gold_lines_counted(a.body, a.sentences)
        keep, _, _ = C.apply_rules(lines)
        kept = {i for i, _ in keep}
        out.append(LinedArticle(a, lines, labels, B.article_features(B.as_kept(lines, keep)),
                                [i in kept for i in range(len(lines))], counts))
    return out


def _xy(docs: list[LinedArticle], weights: bool = False):
    X, y, g, rk, w = [], [], [], [], []
    for k, d in enumerate(docs):
        for i, lab in enumerate(d.labels):
            if lab is None or not d.lines[i]:
                continue
            X.append(d.feats[i])
            y.append(lab)
            g.append(k)
            rk.append(d.rule_kept[i])
            w.append(max(1, d.n_sentences[i]))
    out = (X, np.array(y), np.array(g), np.array(rk, dtype=bool))
    return (*out, np.array(w, dtype=float)) if weights else out


def _fit_pipeline(X: list[dict[str, Any]], y: np.ndarray, seed: int, w: np.ndarray | None = None) -> Any:
    """Fit; each line weighs the coded sentences on it (the scorer counts sentences)."""
    pipe = B.build_pipeline(seed=seed)
    pipe.fit(X, y, **({"clf__sample_weight": w} if w is not None and SENTENCE_WEIGHTS else {}))
    return pipe


def choose_threshold(docs: list[LinedArticle], seed: int = 0, inner: int = 5) -> tuple[float, dict[str, Any]]:
    """Threshold from inner grouped out-of-fold probabilities: keep >= KEEP_TARGET of the rule-kept body lines."""
    from sklearn.model_selection import GroupKFold

    X, y, g, rk, w = _xy(docs, weights=True)
    if len(set(y)) < 2:
        return 1.01, {"reason": "one class only: the model removes nothing"}
    k = min(inner, len(set(g)))
    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=k).split(X, y, g):
        if len(set(y[tr])) < 2:
            oof[te] = 0.0
            continue
        pipe = _fit_pipeline([X[i] for i in tr], y[tr], seed, w[tr])
        oof[te] = pipe.predict_proba([X[i] for i in te])[:, 1]
    mask = (y == 0) & rk
    if not mask.any():
        return 0.5, {"reason": "no body line"}
    # lines from the most boilerplate-looking down, while the body sentences they hold stay within the budget
    order = np.argsort(-oof[mask])
    probs, weights = oof[mask][order], w[mask][order]
    budget = (1 - KEEP_TARGET) * w[y == 0].sum()
    lost = np.cumsum(weights)
    n_ok = int((lost <= budget).sum())  # the first n_ok lines may go
    q = probs[n_ok] if n_ok < len(probs) else 0.0
    thr = float(min(max(q + 1e-6, 0.5), 0.999))
    bp = oof[(y == 1) & rk]
    return thr, {"inner_folds": k, "inner_body_lines": int(mask.sum()),
                 "inner_body_sentences_kept": round(float(1 - weights[probs >= thr].sum() / w[y == 0].sum()), 4),
                 "inner_bp_lines_left_by_rules": int(len(bp)),
                 "inner_bp_removed": round(float((bp >= thr).mean()), 4) if len(bp) else None}


def fit(docs: list[LinedArticle], seed: int = 0) -> B.LineModel:
    """A LineModel fitted on these articles, its threshold from their inner folds."""
    X, y, _, _, w = _xy(docs, weights=True)
    thr, info = choose_threshold(docs, seed=seed)
    pipe = _fit_pipeline(X, y, seed, w) if len(set(y)) > 1 else None
    if pipe is None:
        raise ValueError("boilerplate training needs both boilerplate and body lines")
    return B.LineModel(pipe, thr, {"threshold_choice": info, "n_lines": int(len(y)), "n_boilerplate": int(y.sum())})


def score_articles(arts: list[GoldArticle], model: B.LineModel | None) -> dict[str, Any]:
    """Per article counts of gold sentences: boilerplate total/removed, body total/kept (scorer's alignment)."""
    rows = []
    for a in arts:
        cleaned = C.clean_text(a.body, line_model=model if model is not None else False)
        doc_sents = [(str(k), words(line)) for k, line in enumerate(cleaned.text.split("\n"))]
        hits = align(a.sentences, doc_sents)
        bp = bp_rm = body = body_kept = 0
        for s, h in zip(a.sentences, hits, strict=True):
            if not words(s.get("text", "")):
                continue
            if s.get("boilerplate"):
                bp += 1
                bp_rm += not h
            else:
                body += 1
                body_kept += bool(h)
        rows.append({"doc": a.doc, "source": a.source, "bp": bp, "bp_removed": bp_rm, "body": body,
                     "body_kept": body_kept})
    return {"rows": rows}


def summarise(rows: list[dict[str, Any]], n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Pooled boilerplate removed and body kept with 95 % bootstrap intervals over articles."""
    arr = np.array([[r["bp"], r["bp_removed"], r["body"], r["body_kept"]] for r in rows], dtype=float)
    if not len(arr):
        return {}
    rng = np.random.default_rng(seed)

    def ratios(a: np.ndarray) -> tuple[float, float]:
        return (a[:, 1].sum() / a[:, 0].sum() if a[:, 0].sum() else 1.0,
                a[:, 3].sum() / a[:, 2].sum() if a[:, 2].sum() else 1.0)

    rm, kp = ratios(arr)
    boots = np.array([ratios(arr[rng.integers(0, len(arr), len(arr))]) for _ in range(n_boot)])
    return {"boilerplate_removed": {"mean": round(rm, 4), "ci": [round(float(np.percentile(boots[:, 0], 2.5)), 4),
                                                                  round(float(np.percentile(boots[:, 0], 97.5)), 4)]},
            "body_kept": {"mean": round(kp, 4), "ci": [round(float(np.percentile(boots[:, 1], 2.5)), 4),
                                                       round(float(np.percentile(boots[:, 1], 97.5)), 4)]},
            "n_articles": len(arr), "n_boilerplate_sentences": int(arr[:, 0].sum()),
            "n_body_sentences": int(arr[:, 2].sum())}


def cross_validate(arts: list[GoldArticle], n_splits: int = 5, seed: int = 0) -> dict[str, Any]:
    """Grouped (by article) CV of rules + learned lines, beside the rules alone on the same articles."""
    from sklearn.model_selection import GroupKFold

    docs = lined(arts)
    k = min(n_splits, len(docs))
    learned_rows, rule_rows = [], []
    idx = np.arange(len(docs))
    for tr, te in GroupKFold(n_splits=k).split(idx, idx, idx):
        train = [docs[i] for i in tr]
        test = [arts[i] for i in te]
        try:
            model = fit(train, seed=seed)
        except ValueError:
            model = None
        learned_rows += score_articles(test, model)["rows"]
        rule_rows += score_articles(test, None)["rows"]
    return {"scheme": f"{k}-fold GroupKFold by article; threshold from inner 5-fold grouped OOF of each training part",
            "learned": summarise(learned_rows, seed=seed), "rules_only": summarise(rule_rows, seed=seed),
            "per_article": learned_rows}


def train_and_ship(out_dir: Path = B.MODEL_PATH.parent, n_splits: int = 5, seed: int = 0,
                   arts: list[GoldArticle] | None = None, final_test: bool = False, echo=print) -> dict[str, Any]:
    """Cross-validate, fit on all training articles, write boilerplate.joblib and boilerplate_card.json."""
    import joblib
    import sklearn

    start = time.perf_counter()
    arts = gold_articles() if arts is None else arts
    cv = cross_validate(arts, n_splits=n_splits, seed=seed)
    model = fit(lined(arts), seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump({"pipeline": model.pipeline, "threshold": model.threshold, "meta": model.meta},
                out_dir / "boilerplate.joblib", compress=3)
    card: dict[str, Any] = {
        "model": "boilerplate lines: DictVectorizer (line shape, position, neighbours, clean.py rule flags, "
                 "first/last words, words of short lines) -> logistic regression (balanced), after the rules",
        "threshold": model.threshold, "seed": seed, "sklearn": sklearn.__version__,
        "data": {"n_articles": len(arts), "by_source": _count(a.source for a in arts), **model.meta},
        "cv": {k: v for k, v in cv.items() if k != "per_article"},
        "goal": "boilerplate removed >= 0.90 with body kept >= 0.99 on unseen articles",
    }
    if final_test:
        test = gold_articles(sources=("press",), splits=("final_test",))
        if test:
            card["final_test"] = {"learned": summarise(score_articles(test, model)["rows"], seed=seed),
                                  "rules_only": summarise(score_articles(test, None)["rows"], seed=seed)}
    card["seconds"] = round(time.perf_counter() - start, 1)
    carry_experiments(card, out_dir / "boilerplate_card.json")
    (out_dir / "boilerplate_card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False), encoding="utf-8")
    B.load_line_model.cache_clear()
    lv, ru = card["cv"]["learned"], card["cv"]["rules_only"]
    echo(f"boilerplate: CV removed {lv['boilerplate_removed']} kept {lv['body_kept']} "
         f"(rules only: removed {ru['boilerplate_removed']['mean']} kept {ru['body_kept']['mean']}); "
         f"threshold {model.threshold:.3f}")
    return card


def _count(items) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: train and ship the boilerplate line model."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=B.MODEL_PATH.parent)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--final-test", action="store_true", help="also score once on the press gold's final_test split")
    a = ap.parse_args(argv)
    try:
        train_and_ship(a.out, a.folds, a.seed, final_test=a.final_test)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
