"""The shipped models (src/helpers/models/sentence_models.joblib): loading, and which detector to use.

    resolve_detector(None)      -> "learned" when the shipped model loads, else "rules" (with a warning)
    set_default_detector("rules")  the default of every table function (and of notebooks run from here)
    shipped_models()            -> {"stance": StanceModel, "frames": FrameModel, ...} or None
"""

from __future__ import annotations

import logging
import os
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger("helpers")

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_PATH = MODELS_DIR / "sentence_models.joblib"
DETECTORS = ("learned", "rules")
ENV_VAR = "HELPERS_DETECTOR"


def set_default_detector(detector: str | None) -> None:
    """The detector used when a table function is not told which: "learned", "rules", or None (automatic).

    Kept in the environment variable HELPERS_DETECTOR, so notebooks run by `helpers report` inherit it."""
    if detector is None or str(detector).lower() == "auto":
        os.environ.pop(ENV_VAR, None)
        return
    if str(detector).lower() not in DETECTORS:
        raise ValueError(f"unknown detector {detector!r}: use 'learned' or 'rules'")
    os.environ[ENV_VAR] = str(detector).lower()


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict | None:  # noqa: ARG001 - mtime invalidates the cache
    import joblib

    try:
        return joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - an unreadable model falls back to the rules, with the reason
        warnings.warn(f"the shipped model {path} could not be loaded ({exc}); using the rule detector",
                      stacklevel=3)
        return None


def shipped_models(path: str | Path | None = None) -> dict | None:
    """The trained models, or None when the file is absent or unreadable."""
    p = Path(path) if path else MODEL_PATH
    if not p.exists():
        return None
    return _load(str(p), p.stat().st_mtime)


def resolve_detector(detector: str | None, layer: str | None = None, load: bool = True) -> str:
    """"learned" or "rules". None or "auto": learned when the shipped model loads and its model card shows it
    better than the rule detector for this layer ("stance" or "frames") on the same cross-validation folds with
    95 % confidence; the explainable rules otherwise (rules_preferred). A learned detector asked for without a
    model falls back to the rules with a warning (the run goes on). load=False: the model file's presence is
    enough (the store's version of the annotations asks on every run, and need not load the models for it)."""
    det = (detector or os.environ.get(ENV_VAR) or "auto").lower()
    if det not in (*DETECTORS, "auto"):
        raise ValueError(f"unknown detector {detector!r}: use 'learned' or 'rules'")
    if det == "rules":
        return "rules"
    available = shipped_models() is not None if load else MODEL_PATH.is_file()
    if not available:
        warnings.warn(f"no trained model at {MODEL_PATH} (run `make train`): using the rule detector", stacklevel=3)
        return "rules"
    if det == "auto" and layer and rules_preferred(layer):
        return "rules"
    return "learned"


def rules_preferred(layer: str) -> bool:
    """Whether the rule detector is the default for a layer: the model card shows it ahead of the learned one
    (cross-validated), or the learned one's gain is not certain (the 95 % interval of the paired difference on
    the same folds includes 0): between two detectors that score alike, the one whose cues can be read."""
    card = MODELS_DIR / "model_card.json"
    try:
        st = card.stat()
        version = (st.st_mtime_ns, st.st_size)
    except OSError:
        version = (0, 0)
    return _rules_preferred(layer, str(card), version)


@lru_cache(maxsize=8)
def _rules_preferred(layer: str, path: str, version: tuple[int, int]) -> bool:  # noqa: ARG001 - a new file, a new read
    """rules_preferred, read once per card file version (every table of every article asks)."""
    from ..model_card import load_card, metric

    card = load_card(path)
    key = "macro_f1" if layer == "stance" else "micro_f1"
    learned, rules = metric(card, f"{layer}.cv.{key}"), metric(card, f"{layer}.rules_cv.{key}")
    if not (learned and rules):
        return False
    if rules["mean"] > learned["mean"]:
        return True
    diff = metric(card, f"{layer}.difference_cv.{key}")
    ci = (diff or {}).get("ci") or []
    return len(ci) == 2 and ci[0] <= 0.0


def vectors_for(model_obj, sf: list) -> np.ndarray:
    """The sentence vectors as the model expects them (zeros, with a warning, when the parse has other vectors)."""
    n_vec = model_obj.features.n_vec
    if not sf:
        return np.zeros((0, n_vec))
    vecs = np.vstack([f.vector for f in sf])
    if vecs.shape[1] != n_vec:
        warnings.warn(f"the documents were parsed with {vecs.shape[1]}-dimension vectors, the model expects "
                      f"{n_vec}: word vectors are ignored (parse with the model's spaCy pipeline)", stacklevel=3)
        return np.zeros((len(sf), n_vec))
    return vecs


def document_matrix(layer: str, doc):
    """For the shipped model of `layer` ("stance" or "frames"): (model, sentence features, their feature
    dicts, the model's input matrix) of one parsed document; None when it has no sentence."""
    from .features import doc_features

    models = shipped_models()
    assert models is not None, "resolve_detector() chose the learned detector without a model"
    model = models[layer]
    sf = doc_features(doc)
    if not sf:
        return None
    feats = [f.feats for f in sf]
    return model, sf, feats, model.features.transform(feats, vectors_for(model, sf))
