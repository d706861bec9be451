"""Learned stance and frame detectors: gold reading, features, models, cross-validation, training.

    from helpers.learning import set_default_detector, resolve_detector
    set_default_detector("rules")          # every table function then uses the rule detector
    python -m helpers train                # retrain (make train); scores in src/helpers/models/model_card.json

Modules: gold (coded articles, parsed with their sentence boundaries), features (per sentence), model
(calibrated logistic regressions), evaluate (grouped repeated cross-validation beside the rules), train
(the shipped model and its card), shipped (loading; which detector to use).
"""

from __future__ import annotations

from .shipped import DETECTORS, resolve_detector, set_default_detector, shipped_models

__all__ = ["DETECTORS", "resolve_detector", "set_default_detector", "shipped_models"]
