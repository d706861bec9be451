"""Score every detector against hand-coded gold, with the reference scorer's rules (CODEBOOK.md section 6).

    v = validate(corpus, "data/annotations/seeds.jsonl")
    v.summary            # one row per layer: the numbers score.py prints
    v.sentences          # gold sentences aligned with the predictions (evidence for every number)
    v.stance_confusion   # gold x predicted counts
    v.frames_by_frame, v.entities_by_doc, v.disagreements(...)

The numbers come from `helpers.gold_score` (a verbatim copy of shared/eval/score.py) run on the
corpus's own export, so they are the same as the command-line scorer's. The sentence table re-uses
its alignment to show where the detectors and the coders disagree.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from . import gold_score
from .export import ExportError, export_corpus

STANCES = ["pro", "con", "none"]


def load_gold(path: str | Path) -> list[dict]:
    """The gold file: one JSON object per article."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@dataclass
class Validation:
    """Scores and aligned evidence for one corpus against one gold file."""

    scores: dict
    sentences: pd.DataFrame
    entities: pd.DataFrame
    gold_docs: list[str]

    @property
    def summary(self) -> pd.DataFrame:
        """The headline numbers, one row per detector."""
        s = self.scores
        e = s["entities"]
        rows = [
            ("cleaning", "body sentences kept", s["body_sentences_kept"]),
            ("cleaning", "boilerplate removed", s["boilerplate_removed"]),
            ("entities", "precision", e["p"]), ("entities", "recall", e["r"]), ("entities", "F1", e["f1"]),
            ("entities", "type accuracy", s["entity_type_accuracy"]),
            ("frames", "micro precision", s["frames_micro"]["p"]), ("frames", "micro recall", s["frames_micro"]["r"]),
            ("frames", "micro F1", s["frames_micro"]["f1"]),
            ("stance", "macro F1 (pro, con)", s["stance_macro_f1"]), ("stance", "accuracy", s["stance_accuracy"]),
            ("stance", "Cohen's kappa", s["stance_kappa"]),
        ]
        return pd.DataFrame(rows, columns=["detector", "measure", "value"]).round(3)

    @property
    def stance_by_class(self) -> pd.DataFrame:
        """Precision, recall, F1 and support of pro and con (as score.py computes them)."""
        return pd.DataFrame(self.scores["stance"]).T.rename(columns={"p": "precision", "r": "recall"}).round(3)

    @property
    def stance_confusion(self) -> pd.DataFrame:
        """Rows: gold stance; columns: predicted stance (body sentences only)."""
        body = self.sentences[~self.sentences["boilerplate"]]
        m = confusion_matrix(body["gold_stance"], body["pred_stance"], labels=STANCES)
        return pd.DataFrame(m, index=pd.Index(STANCES, name="gold"), columns=pd.Index(STANCES, name="predicted"))

    @property
    def frames_by_frame(self) -> pd.DataFrame:
        """Per-frame precision, recall, F1 and support."""
        df = pd.DataFrame(self.scores["frames"]).T.rename(columns={"p": "precision", "r": "recall"})
        return df.sort_values("support", ascending=False).round(3)

    @property
    def frames_confusion(self) -> pd.DataFrame:
        """For each frame: true positives, false positives, false negatives over body sentences."""
        body = self.sentences[~self.sentences["boilerplate"]]
        rows = []
        for f in gold_score.FRAMES:
            g = body["gold_frames"].apply(lambda s, f=f: f in s)
            p = body["pred_frames"].apply(lambda s, f=f: f in s)
            rows.append({"frame": f, "tp": int((g & p).sum()), "fp": int((~g & p).sum()), "fn": int((g & ~p).sum()),
                         "tn": int((~g & ~p).sum())})
        return pd.DataFrame(rows).set_index("frame")

    def disagreements(self, layer: str = "stance", n: int = 10) -> pd.DataFrame:
        """Body sentences where the detector and the gold disagree (stance or frames)."""
        body = self.sentences[~self.sentences["boilerplate"] & self.sentences["found"]]
        if layer == "stance":
            d = body[body["gold_stance"] != body["pred_stance"]]
            return d[["doc", "i", "text", "gold_stance", "pred_stance", "pred_sent_ids"]].head(n)
        d = body[body["gold_frames"] != body["pred_frames"]].copy()
        d["missed"] = [sorted(g - p) for g, p in zip(d["gold_frames"], d["pred_frames"], strict=True)]
        d["extra"] = [sorted(p - g) for g, p in zip(d["gold_frames"], d["pred_frames"], strict=True)]
        d["gold_frames"] = d["gold_frames"].apply(sorted)
        d["pred_frames"] = d["pred_frames"].apply(sorted)
        return d[["doc", "i", "text", "gold_frames", "pred_frames", "missed", "extra"]].head(n)


def _aligned_sentences(export_dir: Path, gold: list[dict]) -> pd.DataFrame:
    """Each gold sentence with its predicted labels, by the reference scorer's alignment rules."""
    sents, stance, frames, _ = gold_score.load_export(export_dir)
    rows = []
    for g in gold:
        doc = gold_score.base(g["doc"])
        hits_all = gold_score.align(g["sentences"], sents.get(doc, []))
        for s, hits in zip(g["sentences"], hits_all, strict=True):
            if not gold_score.words(s["text"]):
                continue
            got = [x for h in hits for x in stance[doc].get(h, [])]
            pred = "none"
            if got:
                pred = max(("pro", "con"), key=lambda lab: (got.count(lab), lab == got[0]))
            pf = set().union(*(frames[doc].get(h, set()) for h in hits)) if hits else set()
            rows.append({
                "doc": doc, "i": s.get("i"), "text": s["text"], "boilerplate": bool(s.get("boilerplate")),
                "found": bool(hits), "pred_sent_ids": ", ".join(hits),
                "gold_stance": s.get("stance", "none") if not s.get("boilerplate") else "none",
                "pred_stance": pred,
                "gold_frames": frozenset(s.get("frames", [])), "pred_frames": frozenset(pf),
            })
    return pd.DataFrame(rows)


def _entities_by_doc(export_dir: Path, gold: list[dict]) -> pd.DataFrame:
    """Per article: gold entities found and missed, predicted entities matching nothing (false positives)."""
    _, _, _, ents = gold_score.load_export(export_dir)
    rows = []
    for g in gold:
        doc = gold_score.base(g["doc"])
        pred = ents.get(doc, {})
        matched = set()
        for ge in g.get("entities", []):
            names = {gold_score.fold(ge["name"])} | {gold_score.fold(a) for a in ge.get("aliases", [])}
            hit = next((k for k, (_, _, surf) in pred.items() if k in names or surf & names), None)
            if hit:
                matched.add(hit)
            rows.append({"doc": doc, "entity": ge["name"], "gold_type": ge["type"],
                         "predicted": pred[hit][0] if hit else "", "pred_type": pred[hit][1] if hit else "",
                         "outcome": "found" if hit else "missed (fn)"})
        for key in sorted(set(pred) - matched):
            rows.append({"doc": doc, "entity": "", "gold_type": "", "predicted": pred[key][0],
                         "pred_type": pred[key][1], "outcome": "extra (fp)"})
    return pd.DataFrame(rows, columns=["doc", "entity", "gold_type", "predicted", "pred_type", "outcome"])


def validate(corpus, gold_path: str | Path, export_dir: str | Path | None = None) -> Validation | None:
    """Export the corpus, score it against the gold; None when no gold article is in the corpus."""
    gold = load_gold(gold_path)
    present = {gold_score.base(d) for d in corpus.docs}
    gold = [g for g in gold if gold_score.base(g["doc"]) in present]
    if not gold:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(export_dir) if export_dir else Path(tmp)
        try:
            export_corpus(corpus, out)
        except ExportError:
            pass  # the layers that could not be computed score zero, visibly
        gold_tmp = out / "_gold_subset.jsonl"
        gold_tmp.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in gold) + "\n", encoding="utf-8")
        scores = gold_score.score(out, gold_tmp)
        sentences = _aligned_sentences(out, gold)
        entities = _entities_by_doc(out, gold)
        gold_tmp.unlink()
    return Validation(scores=scores, sentences=sentences, entities=entities, gold_docs=[g["doc"] for g in gold])


def sklearn_stance_scores(v: Validation) -> pd.DataFrame:
    """Stance precision/recall/F1 recomputed with scikit-learn from the aligned sentences (a cross-check)."""
    body = v.sentences[~v.sentences["boilerplate"]]
    p, r, f, s = precision_recall_fscore_support(body["gold_stance"], body["pred_stance"], labels=["pro", "con"],
                                                 zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s}, index=["pro", "con"]).round(3)
