"""The learned stance detector applied to parsed documents (the model: helpers.learning; scores: its model card).

Each sentence keeps what the rule detector saw (its cues, target and rules, used as features) and gets the
model's decision, its calibrated probability `prob`, and `evidence`: the features that weighed most toward it
(``r:`` rule features, ``w:``/``b:`` lemmas, ``d:`` verb-object pairs, ``p:``/``n:`` the neighbours ...).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from spacy.tokens import Doc

from ..docview import span_text
from ..learning.shipped import document_matrix


def learned_rows(doc_id: str, doc: Doc, by_sent: Mapping[tuple[str, int], list[str]]) -> list[tuple]:
    """Rows of the stance table for one document (STANCE_COLUMNS order)."""
    built = document_matrix("stance", doc)
    if built is None:
        return []
    sm, sf, feats, x = built
    p = sm.proba_x(x)
    pred = np.argmax(p * sm.weights, axis=1)
    labels = [sm.classes_[c] for c in pred]
    ip, ic = sm.classes_.index("pro"), sm.classes_.index("con")
    argue = [k for k, lab in enumerate(labels) if lab != "none"]
    ev = dict(zip(argue, sm.evidence_x(x[argue], [labels[k] for k in argue]), strict=True)) if argue else {}
    rows = []
    for k, f in enumerate(sf):
        lab = labels[k]
        cats, cues = "", ""
        if lab != "none":
            cats = "; ".join(sorted(by_sent.get((doc_id, f.sent_id), []))) or "other"
            sign = 1 if lab == "pro" else -1
            cues = "; ".join(dict.fromkeys(s for s, w in f.rule_cue_weights if w * sign > 0))
        rows.append((doc_id, f.sent_id, lab, cats, cues, round(float(p[k, ip] - p[k, ic]), 3), f.rule_target,
                     "; ".join(f.rule_rules), round(float(p[k, pred[k]]), 3), ev.get(k, ""), span_text(f.span)))
    return rows
