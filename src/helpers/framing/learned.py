"""The learned frame detector applied to parsed documents (the model: helpers.learning; scores: its model card).

A frame is given when its calibrated probability reaches the threshold chosen out of fold at training time;
`prob` is that probability and `evidence` the features that weighed most (``f:`` the rule detector's score for
the frame, ``w:``/``b:`` lemmas, ``p:``/``n:`` the neighbours ...). The rule cues of the frame, when the rule
detector found any, stay in `cues` and `negated`.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..learning.shipped import document_matrix


def learned_frame_rows(doc_id: str, doc: Doc) -> list[tuple]:
    """Rows of the frames table for one document (FRAME_COLUMNS order)."""
    built = document_matrix("frames", doc)
    if built is None:
        return []
    fm, sf, feats, x = built
    preds = fm.predict_x(x, feats)
    pairs = [(k, lab) for k, row in enumerate(preds) for lab, _ in row]
    evidence = fm.evidence_x(x, pairs) if pairs else []
    rows, n = [], 0
    for k, row in enumerate(preds):
        f = sf[k]
        for lab, prob in row:
            _, cues, negated = f.rule_frames.get(lab, (0.0, [], []))
            rows.append((doc_id, f.sent_id, lab, "; ".join(cues), round(prob, 3), "; ".join(negated),
                         round(prob, 3), evidence[n], f.span.text))
            n += 1
    return rows
