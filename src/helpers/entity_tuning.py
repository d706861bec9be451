"""The learned entity filter's two thresholds, chosen by cross-validation inside the training articles.

    thresholds, table = choose_thresholds(train_articles, docs, base_gazetteer)

`entity_learning.MentionFilter` keeps a model-only name of a scored type when P(coded) >= `threshold` and
promotes a MISC name when P(coded) >= `promote`. Both used to be fixed at 0.5. Here each candidate pair is
scored on inner folds of the training articles only (what is learned, entries, ignore list and filter, comes
from the inner training folds; the inner test fold is scored), the F1 pooled over the inner folds, and the
best pair kept (ties: the pair nearest to 0.5/0.5). The outer cross-validation of `entity_learning` calls
this once per outer fold, so its scores stay those of articles the whole procedure never saw.

The inner scoring is done in memory: each article's mentions are found once, the filter applied with every
pair, and the result matched against the gold as `helpers.gold_score` does (folded canonical or surface
forms against the folded gold names and aliases); `tests/test_entity_learning.py` checks that it gives
the reference scorer's counts.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any

import numpy as np
from spacy.tokens import Doc

from . import entities as E
from . import gold_score
from .training_data import GoldArticle

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
PROMOTES = (0.3, 0.4, 0.5, 0.6, 0.7)
INNER_FOLDS = 4


def _candidate_mentions(docs: Mapping[str, Doc], gaz: E.Gazetteer) -> tuple[list[Any], dict[str, str]]:
    """Mentions of these documents as entities_table finds them before the learned filter (filter on)."""
    filters = E.load_filters()
    texts = {d: doc.text for d, doc in docs.items()}
    ms: list[Any] = []
    for d, doc in docs.items():
        ms.extend(E.doc_mentions(d, doc, gaz, filters, drop_single_surnames=False, text=texts[d]))
    return E.learned_layer(docs, ms, gaz, None, texts), texts


def counts(mentions: Sequence[Any], arts: Sequence[GoldArticle]) -> tuple[int, int, int]:
    """tp, fp, fn of these mentions against the articles' coded entities (helpers.gold_score's matching)."""
    pred: dict[str, dict[str, set[str]]] = {}
    for m in mentions:
        if str(m.type).upper() not in gold_score.TYPES:
            continue
        key = gold_score.fold(m.canonical or m.text)
        if not key:
            continue
        pred.setdefault(m.doc_id, {}).setdefault(key, set()).add(gold_score.fold(m.text))
    tp = fp = fn = 0
    for a in arts:
        p = pred.get(a.doc, {})
        matched = set()
        for ge in a.entities:
            names = {gold_score.fold(ge["name"])} | {gold_score.fold(x) for x in ge.get("aliases", []) or []}
            hit = next((k for k, surf in p.items() if k in names or surf & names), None)
            if hit is None:
                fn += 1
            else:
                tp += 1
                matched.add(hit)
        fp += len(set(p) - matched)
    return tp, fp, fn


def pair_counts(arts: Sequence[GoldArticle], docs: Mapping[str, Doc], gaz: E.Gazetteer, flt: Any,
                pairs: Sequence[tuple[float, float]]) -> dict[tuple[float, float], tuple[int, int, int]]:
    """tp, fp, fn on these articles for each (threshold, promote) pair of one trained filter."""
    sub = {a.doc: docs[a.doc] for a in arts if a.doc in docs}
    base, texts = _candidate_mentions(sub, gaz)
    out = {}
    for t, p in pairs:
        variant = copy.copy(flt)
        variant.threshold, variant.promote = t, p
        ms = variant.apply(sub, [copy.copy(m) for m in base], texts=texts)
        out[(t, p)] = counts(ms, arts)
    return out


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose_thresholds(arts: Sequence[GoldArticle], docs: Mapping[str, Doc], base: E.Gazetteer,
                      min_fp: int = 2, folds: int = INNER_FOLDS, seed: int = 0,
                      thresholds: Sequence[float] = THRESHOLDS, promotes: Sequence[float] = PROMOTES
                      ) -> tuple[tuple[float, float], list[dict[str, Any]]]:
    """The (threshold, promote) pair with the best F1 pooled over inner folds of these articles, and the
    table of every pair's inner scores."""
    from sklearn.model_selection import GroupKFold

    from .entity_learning import learn

    coded = [a for a in arts if a.entities and a.doc in docs]
    pairs = list(product(thresholds, promotes))
    total = {pr: np.zeros(3, dtype=int) for pr in pairs}
    k = min(folds, len(coded))
    if k < 2:
        return (0.5, 0.5), []
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(coded))  # GroupKFold is deterministic; shuffle the articles first
    shuffled = [coded[i] for i in order]
    idx = np.arange(len(shuffled))
    for tr, te in GroupKFold(n_splits=k).split(idx, idx, idx):
        train, test = [shuffled[i] for i in tr], [shuffled[i] for i in te]
        lr = learn(train, docs, base, min_fp=min_fp)
        if lr.filter is None:
            continue
        for pr, c in pair_counts(test, docs, lr.gazetteer(base), lr.filter, pairs).items():
            total[pr] += c
    table = [{"threshold": t, "promote": p, "tp": int(c[0]), "fp": int(c[1]), "fn": int(c[2]),
              "f1": round(_f1(*c), 4)} for (t, p), c in total.items()]
    best = max(total, key=lambda pr: (round(_f1(*total[pr]), 6), -abs(pr[0] - 0.5) - abs(pr[1] - 0.5)))
    return best, table


__all__ = ["choose_thresholds", "pair_counts", "counts", "THRESHOLDS", "PROMOTES"]
