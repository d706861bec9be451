"""Know what is on topic: article relevance and the sentence target that gates frames and stance.

    rel = relevance_table(texts)                     # doc_id, relevance, relevance_score, relevance_source
    targets = sentence_targets(sentences, rel)       # doc_id, sent_id, on_subject, subject_reason
    frames, stances = gate(frames, stances, targets) # off-subject stance -> none, frames dropped (kept aside)

Each article gets a label (CODEBOOK.md sections 3 and 5 apply to open-source AI, "or AI and the
debate around it in an article on that subject"):

- `on_topic`: about open or closed AI (open-source, open-weight, proprietary models, the debate);
- `ai_general`: about AI without the open question;
- `off_topic`: not about AI.

and `relevance_score`, the probability that it is `on_topic`. The label comes from a small learned
classifier (`models/relevance.joblib`: TF-IDF over folded words plus the densities of AI and
open-source terms, logistic regression; see `relevance_card.json` for its data and grouped
cross-validated scores) with two rule guards (no AI vocabulary -> off topic; AI and open-source
terms together in several sentences -> on topic), or, when the model file is absent or unreadable, from the rules of
`rule_relevance` (no AI vocabulary -> off topic; AI and open-source terms in the same sentence ->
on topic; else ai_general). A researcher overrides either with a `relevance` metadata field
(metadata.csv column or `RELEVANCE:` header line) or a parameter (a mapping doc_id -> label).

Sentence target: every sentence of an `on_topic` article is on subject (a sentence's subject may
come from the one before); no sentence of an `ai_general` or `off_topic` article is. `gate` keeps
the original decision (`stance_ungated`, `frames_off_subject`) so that nothing is silently lost.
Training and cross-validation: `relevance_train` (python -m helpers.relevance_train).
"""

from __future__ import annotations

import json
import logging
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .textfold import fold

log = logging.getLogger("helpers")

LABELS = ("on_topic", "ai_general", "off_topic")
MODELS_DIR = Path(__file__).with_name("models")
MODEL_PATH = MODELS_DIR / "relevance.joblib"
CARD_PATH = MODELS_DIR / "relevance_card.json"
RELEVANCE_COLUMNS = ["doc_id", "relevance", "relevance_score", "relevance_source"]
TARGET_COLUMNS = ["doc_id", "sent_id", "on_subject", "subject_reason"]
ALIASES = {"on": "on_topic", "on_topic": "on_topic", "on-topic": "on_topic", "yes": "on_topic", "oui": "on_topic",
           "ai": "ai_general", "ai_general": "ai_general", "ai-general": "ai_general", "ia": "ai_general",
           "off": "off_topic", "off_topic": "off_topic", "off-topic": "off_topic", "no": "off_topic",
           "non": "off_topic", "hors_sujet": "off_topic", "hors sujet": "off_topic"}

# --------------------------------------------------------------------------- lexicon features

# AI vocabulary. Names that are also common words or first names (Claude, mistral the wind) are
# matched with their case on the original text; the rest on folded text.
AI_CASED = re.compile(
    r"\b(?:IA|I\.A\.|AI|LLMs?|GPT(?:-?\w+)?|ChatGPT|OpenAI|DeepSeek|Deepseek|Mistral|Llama|LLaMA|Hugging ?Face|"
    r"Gemini|Anthropic|Qwen|Copilot|Grok|xAI|Nvidia|NVIDIA|DeepMind|Midjourney|Perplexity)\b")
AI_FOLDED = re.compile(
    r"\b(?:intelligences? artificielles?|artificial intelligence|ia generatives?|modeles? (?:de|d') ?(?:langage|ia|fondation)|"
    r"grands? modeles?|apprentissage (?:automatique|profond)|machine learning|deep learning|reseaux? de neurones|"
    r"chatbots?|agents? conversationnels?|robots? conversationnels?|algorithmes? d'ia|open ?ai|large language models?|"
    r"modeles? open|modeles? d'intelligence)\b")
OPEN_FOLDED = re.compile(
    r"\b(?:open[ -]?source|open[ -]?weights?|poids (?:ouverts|libres|du modele|des modeles)|code source|"
    r"logiciels? libres?|modeles? (?:ouverts?|fermes?|proprietaires?|libres?)|ia (?:ouverte|fermee|libre)|"
    r"sources? ouvertes?|closed[ -]?source|proprietaires?|open[ -]?washing|licences? (?:libres?|ouvertes?|apache|mit)|"
    r"open source initiative|osi|ouverture des modeles|publier (?:les|ses) poids|en acces libre|ouvertement)\b")
# Weaker signs of the open question (free distribution, openness words), counted for the model only.
OPEN_WEAK = re.compile(
    r"\b(?:ouverte?s?|ouverture|gratuite?s?|gratuitement|linux|libres?|librement|poids|weights|licences?|"
    r"telechargeables?|publics?|partage[rs]?|communaute|transparence|fermee?s?|verrouille(?:e|s|es)?)\b")
_SENT_SPLIT = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"\w+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT_SPLIT.split(text) if s.strip()]


@lru_cache(maxsize=8192)
def term_counts(text: str) -> dict[str, float]:
    """AI and open-source term counts of a text, overall and per sentence (the rules' and the model's evidence)."""
    sents = _sentences(text)
    n_words = len(_WORD.findall(text))
    ai = op = both = ai_sents = weak = both_weak = 0
    for s in sents:
        f = fold(s)
        a = len(AI_CASED.findall(s)) + len(AI_FOLDED.findall(f))
        o = len(OPEN_FOLDED.findall(f))
        w = len(OPEN_WEAK.findall(f))
        ai += a
        op += o
        weak += w
        ai_sents += a > 0
        both += a > 0 and o > 0
        both_weak += a > 0 and (o > 0 or w > 0)
    return {"n_words": n_words, "n_sentences": len(sents), "ai": ai, "open": op, "ai_sentences": ai_sents,
            "both_sentences": both, "open_weak": weak, "both_weak_sentences": both_weak}


def lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """Per text: log words, AI and open terms per 100 words, shares of sentences with AI / AI and open terms,
    log counts of both (a module-level function so that the trained pipeline can be saved)."""
    rows = []
    for text in texts:
        c = term_counts(text)
        w = max(c["n_words"], 1)
        s = max(c["n_sentences"], 1)
        rows.append([math.log1p(c["n_words"]), 100 * c["ai"] / w, 100 * c["open"] / w, c["ai_sentences"] / s,
                     c["both_sentences"] / s, math.log1p(c["ai"]), math.log1p(c["open"]),
                     math.log1p(c["both_sentences"]), 100 * c["open_weak"] / w, c["both_weak_sentences"] / s])
    return np.asarray(rows, dtype=float).reshape(len(rows), 10)


@lru_cache(maxsize=8192)
def fold_for_tfidf(text: str) -> str:
    """Folded text (lower case, no accents) for the TF-IDF vocabulary."""
    return fold(text)


# --------------------------------------------------------------------------- rules


def rule_relevance(text: str) -> tuple[str, float]:
    """(label, score) by rule: no AI vocabulary -> off_topic; AI and open-source terms in one sentence at least
    twice (or once in a short text) -> on_topic; else ai_general. The score is a crude on-topic share."""
    c = term_counts(text)
    if c["ai"] == 0:
        return "off_topic", 0.0
    need = 1 if c["n_sentences"] <= 8 else 2
    if c["both_sentences"] >= need:
        return "on_topic", min(1.0, 0.5 + 0.1 * c["both_sentences"])
    return "ai_general", min(0.49, 0.1 * c["both_sentences"] + 0.05 * c["ai_sentences"])


# --------------------------------------------------------------------------- the learned model


def build_model(seed: int = 0, max_features: int = 20000):
    """The untrained pipeline: [TF-IDF over folded words 1-2 grams | scaled lexicon features] -> logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    tfidf = TfidfVectorizer(preprocessor=fold_for_tfidf, token_pattern=r"(?u)\b[^\W\d_]{2,}\b", ngram_range=(1, 2),
                            min_df=2, max_df=0.9, max_features=max_features, sublinear_tf=True, dtype=np.float32)
    lex = make_pipeline(FunctionTransformer(lexicon_features), StandardScaler())
    return Pipeline([("features", FeatureUnion([("tfidf", tfidf), ("lexicon", lex)])),
                     ("clf", LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=seed))])


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> Any | None:
    """The shipped classifier bundle ({"model", "labels", ...}), or None (with one log line) when absent or unreadable."""
    p = Path(path) if path else MODEL_PATH
    if not p.exists():
        log.info("relevance: no model at %s; using the rules", p)
        return None
    try:
        import joblib

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bundle = joblib.load(p)
        if not isinstance(bundle, dict) or "model" not in bundle:
            raise ValueError("not a relevance model bundle")
        return bundle
    except Exception as exc:  # noqa: BLE001 - a broken model file must not stop the run
        log.warning("relevance: model %s unreadable (%s: %s); using the rules", p, type(exc).__name__, exc)
        return None


def model_card(path: str | Path | None = None) -> dict[str, Any]:
    """The relevance model card, or {} when absent (callers say "not measured yet")."""
    p = Path(path) if path else CARD_PATH
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def predict_proba(model: Any, texts: Sequence[str]) -> pd.DataFrame:
    """Class probabilities (columns on_topic, ai_general, off_topic; absent classes 0)."""
    proba = model.predict_proba(list(texts))
    out = pd.DataFrame(0.0, index=range(len(texts)), columns=list(LABELS))
    for k, label in enumerate(model.classes_):
        out[label] = proba[:, k]
    return out


def decide(proba: pd.DataFrame, texts: Sequence[str], threshold: float = 0.5, rule_guard: bool = True) -> list[str]:
    """Label per text: on_topic when P(on_topic) >= threshold, else the likelier of ai_general and off_topic.
    Rule guards: a text without any AI vocabulary is off_topic whatever the model says; with rule_guard, a text
    the rules find on topic (AI and open-source terms together in several sentences) stays on_topic."""
    labels = []
    for k, text in enumerate(texts):
        row = proba.iloc[k]
        if term_counts(text)["ai"] == 0:
            labels.append("off_topic")
        elif row["on_topic"] >= threshold or (rule_guard and rule_relevance(text)[0] == "on_topic"):
            labels.append("on_topic")
        else:
            labels.append("ai_general" if row["ai_general"] >= row["off_topic"] else "off_topic")
    return labels


def normalise_label(value: object) -> str | None:
    """A relevance label from user input ('on', 'off_topic', 'hors sujet', ...), or None if not recognised."""
    if value is None:
        return None
    return ALIASES.get(str(value).strip().lower().replace("  ", " "))


def _model_file_key(path: str | None) -> str | None:
    """sha256 of the model file (None when absent): the machine's labels are cached under it."""
    import hashlib

    p = Path(path) if path else MODEL_PATH
    try:
        return hashlib.sha256(p.read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def _model_labels(bodies: list[str], model_path: str | None, cache_dir: Path | None
                  ) -> tuple[list[str], list[float]] | None:
    """The model's (label, P(on_topic)) of each text, None without a model. With cache_dir, each text's result is
    kept under the text's and the model file's hashes, so a corpus run again only judges new texts (and the
    model is not even loaded when every text is known)."""
    import hashlib
    import pickle

    memo: dict[str, tuple[str, float]] = {}
    path = None
    key = _model_file_key(model_path) if cache_dir is not None else None
    if key is not None:
        path = Path(cache_dir) / f"relevance-{key}.pkl"
        try:
            memo = pickle.loads(path.read_bytes())
        except Exception:  # noqa: BLE001 - no cache or an unreadable one: judge every text
            memo = {}
    hashes = [hashlib.sha1(b.encode("utf-8")).hexdigest() for b in bodies]
    todo = [i for i, h in enumerate(hashes) if h not in memo]
    if todo:
        bundle = load_model(model_path)
        if bundle is None:
            return None
        some = [bodies[i] for i in todo]
        proba = predict_proba(bundle["model"], some)
        labels = decide(proba, some, float(bundle.get("threshold", 0.5)), bool(bundle.get("rule_guard", True)))
        for i, lab, sc in zip(todo, labels, proba["on_topic"].round(4).tolist(), strict=True):
            memo[hashes[i]] = (lab, float(sc))
        if path is not None:
            from .store import atomic_write_bytes

            try:
                atomic_write_bytes(path, pickle.dumps(memo, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError as exc:
                log.warning("relevance: could not write its cache %s (%s)", path, exc)
    return [memo[h][0] for h in hashes], [memo[h][1] for h in hashes]


def relevance_table(texts: Mapping[str, str], overrides: Mapping[str, object] | None = None,
                    method: str = "model", model_path: str | None = None,
                    cache_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per article: doc_id, relevance, relevance_score (P(on_topic)), relevance_source.

    method: "model" (the learned classifier, the rules if it is absent), "rules", or "all" (every article
    on topic: no gating). overrides: doc_id -> label (metadata or parameter), which win; an unrecognised
    label is logged and ignored. cache_dir: where the model's judgement of each text is kept between runs."""
    ids = list(texts)
    if not ids:
        return pd.DataFrame(columns=RELEVANCE_COLUMNS)
    bodies = [texts[d] for d in ids]
    judged = (_model_labels(bodies, model_path, Path(cache_dir) if cache_dir else None)
              if method == "model" else None)
    if method == "all":
        labels, scores, source = ["on_topic"] * len(ids), [1.0] * len(ids), "parameter (all on topic)"
    elif judged is not None:
        (labels, scores), source = judged, "model"
    else:
        ruled = [rule_relevance(t) for t in bodies]
        labels, scores, source = [r[0] for r in ruled], [r[1] for r in ruled], "rules"
    rows = []
    for d, lab, sc in zip(ids, labels, scores, strict=True):
        src = source
        if overrides and d in overrides and str(overrides[d]).strip():
            given = normalise_label(overrides[d])
            if given:
                lab, src = given, "override"
            else:
                log.warning("%s: relevance %r not recognised (expected one of %s); the machine's label is kept",
                            d, overrides[d], ", ".join(LABELS))
        rows.append({"doc_id": d, "relevance": lab, "relevance_score": float(sc), "relevance_source": src})
    return pd.DataFrame(rows, columns=RELEVANCE_COLUMNS)


# --------------------------------------------------------------------------- sentence target and gating


def sentence_targets(sentences: pd.DataFrame, relevance: pd.DataFrame) -> pd.DataFrame:
    """Per sentence: on_subject (the open-source-AI debate, or AI in an on-topic article, is its subject) and why."""
    if sentences is None or not len(sentences):
        return pd.DataFrame(columns=TARGET_COLUMNS)
    label = dict(zip(relevance["doc_id"], relevance["relevance"], strict=False)) if len(relevance) else {}
    lab = sentences["doc_id"].map(label).fillna("on_topic")
    out = sentences[["doc_id", "sent_id"]].copy()
    out["on_subject"] = lab.eq("on_topic").to_numpy()
    out["subject_reason"] = np.where(out["on_subject"], "on-topic article", "article judged " + lab.astype(str))
    return out.reset_index(drop=True)


def gate(frames: pd.DataFrame, stances: pd.DataFrame, targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frames and stance only where the subject is there.

    Returns (frames kept, stances gated): frame rows of off-subject sentences are dropped from the frames
    table and listed in the stances table's `frames_off_subject` column; an off-subject sentence's stance
    becomes none, its original stance kept in `stance_ungated`; `on_subject` says which applied."""
    key = ["doc_id", "sent_id"]
    on = targets.set_index(key)["on_subject"] if len(targets) else pd.Series(dtype=bool)

    def _on(df: pd.DataFrame) -> np.ndarray:
        if not len(df):
            return np.zeros(0, dtype=bool)
        idx = pd.MultiIndex.from_frame(df[key])
        return on.reindex(idx).fillna(True).astype(bool).to_numpy()

    f_on = _on(frames)
    kept = frames[f_on].reset_index(drop=True) if len(frames) else frames
    dropped = frames[~f_on] if len(frames) else frames
    st = stances.copy()
    s_on = _on(st)
    st["on_subject"] = s_on
    st["stance_ungated"] = st["stance"] if len(st) else pd.Series(dtype=str)
    if len(st):
        st.loc[~s_on, "stance"] = "none"
    off = (dropped.groupby(key)["frame"].agg(lambda s: "; ".join(sorted(set(s)))) if len(dropped)
           else pd.Series(dtype=str))
    if len(st):
        idx = pd.MultiIndex.from_frame(st[key])
        st["frames_off_subject"] = off.reindex(idx).fillna("").to_numpy() if len(off) else ""
        if "categories" in st.columns:
            st.loc[~s_on, "categories"] = ""
    else:
        st["frames_off_subject"] = pd.Series(dtype=str)
    return kept, st.reset_index(drop=True)


def off_topic_articles(documents: pd.DataFrame) -> pd.DataFrame:
    """Articles not judged on topic (doc_id, title, relevance, score, source of the label), least relevant first."""
    cols = ["doc_id", "title", "relevance", "relevance_score", "relevance_source"]
    if "relevance" not in documents.columns:
        return pd.DataFrame(columns=cols)
    out = documents[documents["relevance"] != "on_topic"]
    return out[[c for c in cols if c in out.columns]].sort_values("relevance_score").reset_index(drop=True)
