"""The learned detectors: calibrated logistic regressions over the sentence features (helpers.learning.features).

    m = StanceModel(seed=0).fit(feats, vectors, labels, groups)
    m.predict(feats, vectors) -> (labels, probs); m.evidence(feats, vectors, labels) -> ["w:danger (+0.8)", ...]
    FrameModel(seed=0).fit(feats, vectors, label_sets, groups) ...

Method, for both:
- features seen in fewer than `min_df` training sentences are dropped; rule, target and shape features are
  always kept; sparse features and the word vector are scaled to [-1, 1] (MaxAbsScaler);
- logistic regressions with balanced class weights (liblinear; stance: one per class, pro/con/none; frames:
  one per frame);
- calibration: inner cross-validation grouped by article gives out-of-fold scores, on which a Platt (frames)
  or multinomial (stance) calibrator is fitted, so `prob` estimates how often such a decision is right;
- the decision rule is chosen on the same out-of-fold probabilities (stance: a weight on pro and con that
  maximises macro-F1; frames: the probability threshold that maximises F1), never on the evaluated articles.
Deterministic for a seed (liblinear with a fixed random_state, seeded fold assignment).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MaxAbsScaler

STANCE_LABELS = ("pro", "con", "none")
_ALWAYS = ("r:", "f:", "fd:", "t:", "s:short", "s:question", "s:heading", "s:negated", "a:", "p:r", "n:r", "p:t", "n:t",
           "p:s", "n:s", "p2:", "p:none", "n:none")
VECTOR_NAME = "word vectors"
_RULE_PREFIXES = ("r:", "f:", "fd:", "p:r:", "n:r:", "p:fd:", "n:fd:")


def _inner_splits(groups: Sequence[str], k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped folds (by article) with a seeded assignment of articles to folds."""
    uniq = sorted(set(groups))
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(uniq))
    fold_of = {g: int(order[n]) % k for n, g in enumerate(uniq)}
    idx = np.array([fold_of[g] for g in groups])
    return [(np.where(idx != f)[0], np.where(idx == f)[0]) for f in range(k) if (idx == f).any() and (idx != f).any()]


def _vectorize(dv: DictVectorizer, feats: Sequence[dict[str, float]]):
    """dv.transform(feats) for numeric feature dicts, without its per-value type checks (the same CSR matrix:
    features outside the vocabulary ignored, indices sorted). Falls back to dv.transform on anything else."""
    vocab = dv.vocabulary_
    indices: list[int] = []
    values: list[float] = []
    indptr = [0]
    for f in feats:
        for k, val in f.items():
            j = vocab.get(k)
            if j is not None:
                indices.append(j)
                values.append(val)
        indptr.append(len(indices))
    if not feats:
        return dv.transform(feats)
    try:
        data = np.asarray(values, dtype=dv.dtype)
    except (TypeError, ValueError):
        return dv.transform(feats)
    if data.ndim != 1:
        return dv.transform(feats)
    x = sparse.csr_matrix((data, np.asarray(indices, dtype=np.intc), indptr), shape=(len(feats), len(vocab)),
                         dtype=dv.dtype)
    x.sort_indices()
    return x


class _Features:
    """Feature dicts + vectors -> a scaled sparse matrix with readable column names."""

    def __init__(self, min_df: int = 2, vector_weight: float = 0.5, rule_weight: float = 3.0) -> None:
        self.min_df = min_df
        self.vector_weight = vector_weight
        self.rule_weight = rule_weight

    def fit(self, feats: Sequence[dict[str, float]], vectors: np.ndarray) -> _Features:
        counts: dict[str, int] = {}
        for f in feats:
            for k in f:
                counts[k] = counts.get(k, 0) + 1
        self.keep = frozenset(k for k, c in counts.items() if c >= self.min_df or k.startswith(_ALWAYS))
        self.dv = DictVectorizer(sparse=True, sort=True)
        self.dv.fit([{k: v for k, v in f.items() if k in self.keep} for f in feats])
        self.n_vec = int(vectors.shape[1]) if vectors.ndim == 2 else 0
        self.scaler = MaxAbsScaler().fit(self._raw(feats, vectors))
        # after scaling, the rule detectors' outputs (few, dense, informative) are weighed up against the many sparse
        # n-grams, and the word vector by vector_weight (equivalent to a weaker or stronger L2 penalty on them)
        names = self.dv.get_feature_names_out()
        self.col_weight = np.ones(len(names) + self.n_vec)
        for j, n in enumerate(names):
            if n.startswith(_RULE_PREFIXES):
                self.col_weight[j] = self.rule_weight
        self.col_weight[len(names):] = self.vector_weight
        return self

    def _raw(self, feats: Sequence[dict[str, float]], vectors: np.ndarray):
        x = _vectorize(self.dv, feats)
        if self.n_vec:
            x = sparse.hstack([x, sparse.csr_matrix(vectors)], format="csr")
        return x

    def transform(self, feats: Sequence[dict[str, float]], vectors: np.ndarray):
        x = self.scaler.transform(self._raw(feats, vectors)).tocsr()
        return x.multiply(self.col_weight[None, :]).tocsr() if hasattr(self, "col_weight") else x

    @property
    def names(self) -> list[str]:
        """The column names (built once: evidence asks for them on every article with an argument)."""
        names = self.__dict__.get("_names")
        if names is None:
            names = self.__dict__["_names"] = list(self.dv.get_feature_names_out()) + [VECTOR_NAME] * self.n_vec
        return names

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_names"}  # the saved model stays as small


def _top(contrib: np.ndarray, names: list[str], k: int) -> list[str]:
    """The k largest positive contributions, the word-vector dimensions summed into one."""
    agg: dict[str, float] = {}
    for j in np.nonzero(contrib)[0]:
        agg[names[j]] = agg.get(names[j], 0.0) + float(contrib[j])
    best = sorted((v, n) for n, v in agg.items() if v > 0)[::-1][:k]
    return [f"{n} ({v:+.2f})" for v, n in best]


def _binary(C: float, seed: int) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", dual=True, max_iter=5000,
                              random_state=seed)


class _OneVsRest:
    """One binary logistic regression per class (liblinear, fast and deterministic on sparse data)."""

    def __init__(self, C: float, seed: int) -> None:
        self.C, self.seed = C, seed

    def fit(self, x, y: np.ndarray) -> _OneVsRest:
        self.classes_ = np.unique(y)
        self.models = [_binary(self.C, self.seed).fit(x, (y == c).astype(int)) for c in self.classes_]
        self.coef_ = np.vstack([m.coef_[0] for m in self.models])
        return self

    def decision_function(self, x) -> np.ndarray:
        if sparse.issparse(x) and x.format == "csr" and x.dtype == np.float64:
            # the same products as each model's decision_function (row by row over the stored entries), in one
            # product with the stacked coefficients instead of three validated calls per article
            return np.asarray(x @ self.coef_.T) + np.array([m.intercept_[0] for m in self.models])
        return np.column_stack([m.decision_function(x) for m in self.models])

    def predict_proba(self, x) -> np.ndarray:
        p = 1 / (1 + np.exp(-self.decision_function(x)))
        return p / p.sum(axis=1, keepdims=True)


class StanceModel:
    """pro / con / none for each sentence."""

    def __init__(self, seed: int = 0, C: float = 0.1, min_df: int = 2, inner_folds: int = 3) -> None:
        self.seed, self.C, self.min_df, self.inner_folds = seed, C, min_df, inner_folds

    def _base(self) -> _OneVsRest:
        return _OneVsRest(self.C, self.seed)

    def fit(self, feats: Sequence[dict[str, float]], vectors: np.ndarray, labels: Sequence[str],
            groups: Sequence[str]) -> StanceModel:
        y = np.array([STANCE_LABELS.index(s) for s in labels])
        self.features = _Features(self.min_df).fit(feats, vectors)
        x = self.features.transform(feats, vectors)
        self.base = self._base().fit(x, y)
        self.classes_ = [STANCE_LABELS[c] for c in self.base.classes_]
        # out-of-fold scores (inner grouped folds): calibrator and decision weights
        oof = np.zeros((len(y), len(self.classes_)))
        splits = _inner_splits(list(groups), self.inner_folds, self.seed)
        ok = len(splits) >= 2 and all(len(set(y[tr])) == len(self.classes_) for tr, _ in splits)
        self.calibrator = None
        self.weights = np.ones(len(self.classes_))
        if ok:
            for tr, te in splits:
                inner = _Features(self.min_df).fit([feats[i] for i in tr], vectors[tr])
                m = self._base().fit(inner.transform([feats[i] for i in tr], vectors[tr]), y[tr])
                oof[te] = m.decision_function(inner.transform([feats[i] for i in te], vectors[te]))
            yi = np.array([list(self.base.classes_).index(v) for v in y])
            # calibration and context in one step: a small multinomial model over the out-of-fold scores of the
            # sentence and of its neighbours in the same article (a sentence that follows an argument leans its way)
            self.calibrator = LogisticRegression(C=1.0, max_iter=2000).fit(_with_context(oof, groups), yi)
            p = self.calibrator.predict_proba(_with_context(oof, groups))
            self.weights = self._choose_weights(p, yi)
        return self

    def _choose_weights(self, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per-class multipliers of the calibrated probabilities maximising macro-F1 (pro, con) out of fold."""
        grid = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0]
        ip, ic = self.classes_.index("pro"), self.classes_.index("con")
        best, best_w = -1.0, np.ones(len(self.classes_))
        for wp in grid:
            for wc in grid:
                w = np.ones(len(self.classes_))
                w[ip], w[ic] = wp, wc
                pred = np.argmax(p * w, axis=1)
                score = np.mean([_f1(pred == c, y == c) for c in (ip, ic)])
                if score > best + 1e-9:
                    best, best_w = score, w
        return best_w

    def proba(self, feats: Sequence[dict[str, float]], vectors: np.ndarray,
              groups: Sequence[str] | None = None) -> np.ndarray:
        """Calibrated probabilities, columns in self.classes_ order. Sentences are in text order; `groups` says which
        article each belongs to (None: all one article), so that neighbours are taken within an article."""
        return self.proba_x(self.features.transform(feats, vectors), groups)

    def proba_x(self, x, groups: Sequence[str] | None = None) -> np.ndarray:
        """proba() on an already transformed feature matrix."""
        if self.calibrator is None:
            return self.base.predict_proba(x)
        return self.calibrator.predict_proba(_with_context(self.base.decision_function(x), groups))

    def predict(self, feats: Sequence[dict[str, float]], vectors: np.ndarray,
                groups: Sequence[str] | None = None) -> tuple[list[str], np.ndarray]:
        """(labels, probability of each label)."""
        p = self.proba(feats, vectors, groups)
        pred = np.argmax(p * self.weights, axis=1)
        return [self.classes_[c] for c in pred], p[np.arange(len(pred)), pred]

    def evidence(self, feats: Sequence[dict[str, float]], vectors: np.ndarray, labels: Sequence[str],
                 k: int = 4) -> list[str]:
        """Per sentence: the features that pushed most toward its label (weight x value, relative to the mean class)."""
        return self.evidence_x(self.features.transform(feats, vectors), labels, k)

    def evidence_x(self, x, labels: Sequence[str], k: int = 4) -> list[str]:
        """evidence() on an already transformed feature matrix (rows aligned with labels)."""
        coef = self.base.coef_
        if coef.shape[0] == 1:  # binary fallback
            coef = np.vstack([-coef[0], coef[0]])
        rel = coef - coef.mean(axis=0, keepdims=True)
        names = self.features.names
        out = []
        for r, lab in enumerate(labels):
            c = self.classes_.index(lab)
            row = x.getrow(r).toarray()[0]
            out.append("; ".join(_top(row * rel[c], names, k)))
        return out

    def top_features(self, label: str, n: int = 15) -> list[tuple[str, float]]:
        """The heaviest features toward one label (for the model card)."""
        coef = self.base.coef_
        rel = coef - coef.mean(axis=0, keepdims=True)
        w = rel[self.classes_.index(label)]
        names = self.features.names
        order = np.argsort(-w)
        return [(names[j], round(float(w[j]), 3)) for j in order if names[j] != VECTOR_NAME][:n]


class FrameModel:
    """Multi-label frames: one calibrated binary model per frame with an F1-maximising threshold."""

    def __init__(self, seed: int = 0, C: float = 0.03, min_df: int = 2, inner_folds: int = 3,
                 min_positive: int = 3, own_weight: float = 6.0) -> None:
        self.seed, self.C, self.min_df, self.inner_folds, self.min_positive = seed, C, min_df, inner_folds, min_positive
        self.own_weight = own_weight

    def _base(self) -> LogisticRegression:
        return _binary(self.C, self.seed)

    def fit(self, feats: Sequence[dict[str, float]], vectors: np.ndarray, label_sets: Sequence[Sequence[str]],
            groups: Sequence[str], labels: Sequence[str]) -> FrameModel:
        self.labels = list(labels)
        self.features = _Features(self.min_df).fit(feats, vectors)
        x = self.features.transform(feats, vectors)
        splits = _inner_splits(list(groups), self.inner_folds, self.seed)
        inner = [(tr, te, _Features(self.min_df).fit([feats[i] for i in tr], vectors[tr])) for tr, te in splits]
        inner_x = [(tr, te, f.transform([feats[i] for i in tr], vectors[tr]),
                    f.transform([feats[i] for i in te], vectors[te])) for tr, te, f in inner]
        self.models: dict[str, tuple[LogisticRegression, LogisticRegression | None, float]] = {}
        self.fallback: list[str] = []
        for lab in self.labels:
            y = np.array([lab in s for s in label_sets], dtype=int)
            if y.sum() < self.min_positive or y.sum() == len(y):
                self.fallback.append(lab)
                continue
            base = self._base().fit(self._own(x, self.features, lab), y)
            oof = np.full(len(y), np.nan)
            for (tr, te, xtr, xte), (_, _, finner) in zip(inner_x, inner, strict=True):
                if len(set(y[tr])) < 2:
                    continue
                m = self._base().fit(self._own(xtr, finner, lab), y[tr])
                oof[te] = m.decision_function(self._own(xte, finner, lab))
            have = ~np.isnan(oof)
            cal, thr = None, 0.5
            if have.sum() > 10 and len(set(y[have])) == 2:
                cal = LogisticRegression(C=1.0, max_iter=2000).fit(oof[have, None], y[have])
                p = cal.predict_proba(oof[have, None])[:, 1]
                thr = _best_threshold(p, y[have])
            self.models[lab] = (base, cal, thr)
        return self

    def _own(self, x, features: _Features, label: str):
        """x with the rule detector's score for this frame weighed up (its own cue evidence counts most)."""
        names = features.dv.vocabulary_
        cols = [names[k] for k in (f"f:{label}", f"fd:{label}") if k in names]
        if not cols or self.own_weight == 1.0:
            return x
        w = np.ones(x.shape[1])
        w[cols] = self.own_weight
        return x.multiply(w[None, :]).tocsr()

    def proba(self, feats: Sequence[dict[str, float]], vectors: np.ndarray) -> dict[str, np.ndarray]:
        """Frame -> calibrated probability per sentence (frames without a model: the rule decision, 0 or 1)."""
        return self.proba_x(self.features.transform(feats, vectors), feats)

    def proba_x(self, x0, feats: Sequence[dict[str, float]]) -> dict[str, np.ndarray]:
        """proba() on an already transformed feature matrix."""
        out = {}
        for lab in self.labels:
            if lab in self.models:
                base, cal, _ = self.models[lab]
                x = self._own(x0, self.features, lab)
                s = base.decision_function(x)
                out[lab] = cal.predict_proba(s[:, None])[:, 1] if cal is not None else base.predict_proba(x)[:, 1]
            else:
                out[lab] = np.array([1.0 if f.get(f"f:{lab}", 0.0) >= 1.0 else 0.0 for f in feats])
        return out

    def predict(self, feats: Sequence[dict[str, float]], vectors: np.ndarray) -> list[list[tuple[str, float]]]:
        """Per sentence: [(frame, prob)] of the frames given."""
        return self.predict_x(self.features.transform(feats, vectors), feats)

    def predict_x(self, x, feats: Sequence[dict[str, float]]) -> list[list[tuple[str, float]]]:
        """predict() on an already transformed feature matrix."""
        p = self.proba_x(x, feats)
        out: list[list[tuple[str, float]]] = [[] for _ in feats]
        for lab in self.labels:
            thr = self.models[lab][2] if lab in self.models else 0.5
            for i in np.nonzero(p[lab] >= thr)[0]:
                out[i].append((lab, float(p[lab][i])))
        return out

    def evidence(self, feats: Sequence[dict[str, float]], vectors: np.ndarray,
                 pairs: Sequence[tuple[int, str]], k: int = 4) -> list[str]:
        """For (sentence index, frame) pairs: the features that weighed most toward that frame."""
        return self.evidence_x(self.features.transform(feats, vectors), pairs, k)

    def evidence_x(self, x, pairs: Sequence[tuple[int, str]], k: int = 4) -> list[str]:
        """evidence() on an already transformed feature matrix."""
        names = self.features.names
        out = []
        for i, lab in pairs:
            if lab not in self.models:
                out.append(f"f:{lab} (rule)")
                continue
            row = self._own(x.getrow(i), self.features, lab).toarray()[0]
            out.append("; ".join(_top(row * self.models[lab][0].coef_[0], names, k)))
        return out


def _with_context(scores: np.ndarray, groups: Sequence[str] | None) -> np.ndarray:
    """[own scores, previous sentence's scores, next sentence's scores, has previous, has next] per row."""
    n, k = scores.shape
    g = list(groups) if groups is not None else [""] * n
    prev, nxt = np.zeros((n, k)), np.zeros((n, k))
    has_p, has_n = np.zeros((n, 1)), np.zeros((n, 1))
    for i in range(n):
        if i > 0 and g[i - 1] == g[i]:
            prev[i], has_p[i] = scores[i - 1], 1.0
        if i + 1 < n and g[i + 1] == g[i]:
            nxt[i], has_n[i] = scores[i + 1], 1.0
    return np.hstack([scores, prev, nxt, has_p, has_n])


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float(np.sum(pred & gold))
    fp, fn = float(np.sum(pred & ~gold)), float(np.sum(~pred & gold))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    best, thr = -1.0, 0.5
    for t in np.arange(0.1, 0.91, 0.05):
        s = _f1(p >= t, y.astype(bool))
        if s > best + 1e-9:
            best, thr = s, float(round(t, 2))
    return thr


__all__ = ["STANCE_LABELS", "StanceModel", "FrameModel"]
