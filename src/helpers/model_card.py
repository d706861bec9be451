"""Read and present the model card of the shipped stance and frame models (src/helpers/models/model_card.json).

    card = load_card()                   # dict, or None when the file is absent or unreadable
    stance_scores(card)                  # per class: learned and rule P/R/F1 with 95 % intervals (DataFrame)
    frame_scores(card)                   # micro P/R/F1 and F1 per frame, learned beside rules
    summary_markdown(card)               # a few lines for notebooks 04 and 05
    metric(card, "stance.cv.macro_f1")   # {"mean", "ci"} or None

Anything absent says "not measured yet" instead of a number.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

NOT_MEASURED = "not measured yet"
CARD_PATH = Path(__file__).resolve().parent / "models" / "model_card.json"


def load_card(path: str | Path | None = None) -> dict | None:
    """The model card as a dict, or None when it is absent or not valid JSON."""
    p = Path(path) if path else CARD_PATH
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def carry_experiments(card: dict, previous: str | Path) -> None:
    """Copy the record of what was tried (`experiments`, written by hand after experiments) from the card file
    about to be replaced into the new card, so that retraining keeps it."""
    old = load_card(previous)
    if old and "experiments" in old:
        card["experiments"] = old["experiments"]


def metric(card: dict | None, dotted: str) -> dict | None:
    """A value by dotted path ("stance.cv.macro_f1"), or None when the card or the key is absent."""
    cur: object = card
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur if isinstance(cur, dict) else None


def fmt(m: dict | None) -> str:
    """"0.61 [0.52, 0.69]" from {"mean", "ci"}, or "not measured yet"."""
    if not m or "mean" not in m:
        return NOT_MEASURED
    ci = m.get("ci") or []
    return f"{m['mean']:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]" if len(ci) == 2 else f"{m['mean']:.2f}"


def stance_scores(card: dict | None, where: str = "cv") -> pd.DataFrame:
    """Per class (pro, con, none) and macro-F1: learned and rule precision, recall, F1 with 95 % intervals.

    where: "cv" (cross-validated, articles not learned from) or "final_test"."""
    rows = []
    base = card.get("final_test") if (card and where == "final_test") else card
    for cls in ("pro", "con", "none"):
        row = {"class": cls}
        for det, key in (("learned", "cv"), ("rules", "rules_cv")):
            if where == "final_test":
                src = metric(base, f"stance.{'learned' if det == 'learned' else 'rules'}")
                src = {m: src.get(f"{cls}.{m}") for m in ("precision", "recall", "f1")} if src else None
            else:
                src = metric(base, f"stance.{key}.per_class.{cls}")
            for m in ("precision", "recall", "f1"):
                row[f"{det} {m}"] = fmt(src.get(m) if src else None)
        rows.append(row)
    if where == "final_test":
        learned, rules = metric(base, "stance.learned.macro_f1"), metric(base, "stance.rules.macro_f1")
    else:
        learned, rules = metric(base, "stance.cv.macro_f1"), metric(base, "stance.rules_cv.macro_f1")
    rows.append({"class": "macro-F1 (pro, con)", "learned f1": fmt(learned), "rules f1": fmt(rules)})
    return pd.DataFrame(rows).fillna("")


def frame_scores(card: dict | None, where: str = "cv") -> pd.DataFrame:
    """Micro precision/recall/F1 and F1 per frame, learned beside rules, with 95 % intervals."""
    if where == "final_test":
        base = card.get("final_test") if card else None
        learned, rules = metric(base, "frames.learned"), metric(base, "frames.rules")
    else:
        learned, rules = metric(card, "frames.cv"), metric(card, "frames.rules_cv")
    keys = ["micro_f1", "micro_precision", "micro_recall"]
    keys += sorted(k for k in (learned or {}) if k.endswith(".f1"))
    if not learned:
        return pd.DataFrame([{"score": "frames", "learned": NOT_MEASURED, "rules": NOT_MEASURED}])
    return pd.DataFrame([{"score": k.replace(".f1", " F1"), "learned": fmt(learned.get(k)),
                          "rules": fmt((rules or {}).get(k))} for k in keys])


def summary_markdown(card: dict | None) -> str:
    """Markdown: what the model is, on what it was trained, its cross-validated scores, its known weaknesses."""
    if not card:
        return (f"**No model card** ({CARD_PATH}): the learned detectors are {NOT_MEASURED}; "
                "the rule detector is used (run `make train`).")
    data = card.get("training_data", {}).get("train", {})
    design = card.get("cv_design", {})
    lines = [f"- **Model**: {card.get('detector', '?')} (seed {card.get('seed', '?')}).",
             f"- **Trained on** {data.get('sentences', '?')} coded sentences in {data.get('articles', '?')} "
             f"articles ({', '.join(f'{k} {v}' for k, v in data.get('by_source', {}).items())}); "
             f"stance: {', '.join(f'{k} {v}' for k, v in data.get('stance', {}).items())}.",
             f"- **Cross-validated** ({design.get('folds', '?')} folds x {design.get('repeats', '?')} repeats, grouped "
             f"by article; mean [95 % interval]): stance macro-F1 **{fmt(metric(card, 'stance.cv.macro_f1'))}** "
             f"(rule detector on the same folds {fmt(metric(card, 'stance.rules_cv.macro_f1'))}); frames micro-F1 "
             f"**{fmt(metric(card, 'frames.cv.micro_f1'))}** (rules {fmt(metric(card, 'frames.rules_cv.micro_f1'))}).",
             ]
    gate = design.get("relevance_gate")
    if gate and not str(gate).startswith("none"):
        lines.append(f"- **Scored as the pipeline runs**: {gate}; an article judged not on topic keeps no stance and "
                     f"no frame. Without that gate: stance {fmt(metric(card, 'stance.cv_ungated.macro_f1'))}, frames "
                     f"{fmt(metric(card, 'frames.cv_ungated.micro_f1'))}.")
    if isinstance(card.get("stance", {}).get("cv_press_only"), dict):
        lines.append(f"- **Press articles alone** (the rules were written while reading the seeds and the dev set, "
                     f"which flatters every score above): stance {fmt(metric(card, 'stance.cv_press_only.macro_f1'))} "
                     f"(rules {fmt(metric(card, 'stance.rules_cv_press_only.macro_f1'))}), frames "
                     f"{fmt(metric(card, 'frames.cv_press_only.micro_f1'))} "
                     f"(rules {fmt(metric(card, 'frames.rules_cv_press_only.micro_f1'))}).")
    ft = card.get("final_test")
    if isinstance(ft, dict):
        lines.append(f"- **Final test** ({ft.get('design', {}).get('n_articles', '?')} articles kept aside from all "
                     f"tuning, scored once): stance macro-F1 {fmt(metric(ft, 'stance.learned.macro_f1'))} "
                     f"(rules {fmt(metric(ft, 'stance.rules.macro_f1'))}); frames micro-F1 "
                     f"{fmt(metric(ft, 'frames.learned.micro_f1'))} (rules {fmt(metric(ft, 'frames.rules.micro_f1'))}).")
    else:
        lines.append(f"- **Final test**: {ft or NOT_MEASURED}.")
    agr = card.get("agreement")
    if isinstance(agr, dict):
        lines.append(f"- **Agreement between the two coding passes** (press corpus, {agr.get('articles', '?')} articles, "
                     f"{agr.get('sentences', '?')} sentences): {agreement_text(agr)}.")
    else:
        lines.append(f"- **Agreement between coders**: {agr or NOT_MEASURED}.")
    weak = card.get("known_weaknesses") or []
    if weak:
        lines.append("- **Known weaknesses**: " + " ".join(weak))
    return "\n".join(lines)


def agreement_text(agr: dict) -> str:
    """The agreement figures that matter for stance and frames, from the layout of `learning.train._agreement`."""
    parts = []
    st, fr = agr.get("stance") or {}, agr.get("frames") or {}
    for key, name in (("cohen_kappa", "stance Cohen's kappa"), ("krippendorff_alpha", "Krippendorff's alpha"),
                      ("raw_agreement", "raw agreement")):
        if isinstance(st.get(key), int | float):
            parts.append(f"{name} {st[key]:.2f}")
    if isinstance(fr.get("f1_between_passes"), int | float):
        parts.append(f"frames F1 between passes {fr['f1_between_passes']:.2f}")
    return ", ".join(parts) or json.dumps(agr, ensure_ascii=False)[:300]


def summary_text(card: dict | None) -> str:
    """summary_markdown without the Markdown emphasis (for the command line)."""
    return summary_markdown(card).replace("**", "")


__all__ = ["NOT_MEASURED", "CARD_PATH", "load_card", "carry_experiments", "metric", "fmt", "stance_scores", "frame_scores", "detector_note",
           "summary_markdown", "summary_text"]


def detector_note(detector: str | None = None, layer: str = "stance") -> str:
    """Markdown: which detector this run uses for a layer ("stance" or "frames"), with its cross-validated score."""
    import warnings

    from .learning.shipped import resolve_detector

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        det = resolve_detector(detector, layer)
    card = load_card()
    key = "stance.cv.macro_f1" if layer == "stance" else "frames.cv.micro_f1"
    rkey = "stance.rules_cv.macro_f1" if layer == "stance" else "frames.rules_cv.micro_f1"
    name = "macro-F1" if layer == "stance" else "micro-F1"
    if det == "learned":
        return (f"*{layer.capitalize()}: the **learned** detector (cross-validated {name} {fmt(metric(card, key))} on "
                f"articles it did not learn from; the rule detector: {fmt(metric(card, rkey))}). Each decision carries "
                "its probability (`prob`) and the features that weighed most (`evidence`). Set `detector = \"rules\"` "
                "for the explainable rule baseline.*")
    why = ""
    if detector in (None, "auto") and metric(card, key) and metric(card, rkey):
        why = (f" It is the default here because it scores higher than the learned detector on the same folds "
               f"(learned: {fmt(metric(card, key))}).")
    return (f"*{layer.capitalize()}: the **rule** detector (cue lexicon and rules; cross-validated {name} "
            f"{fmt(metric(card, rkey))} on the coded articles). `evidence` lists the cues.{why}*")
