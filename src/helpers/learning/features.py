"""Features of each sentence for the learned stance and frame detectors.

    feats = doc_features(doc)        # one SentenceFeatures per sentence (helpers.tables.iter_sentences order)

Per sentence (names are readable, so the weights that decided a prediction can be shown as evidence):
- ``r:`` the rule stance detector (helpers.stance.rules): its decision, score, the final weight of each cue
  group, the target level and the rules that fired;
- ``f:`` the rule frame detector (helpers.framing.rules): the score of each frame;
- ``t:`` target and topic words (open source, ouvert, poids, licence, closed AI, open model families, companies);
- ``s:`` shape: question, short, heading, first word (Or, Mais, Cette ...);
- ``w:`` / ``b:`` folded lemma unigrams and bigrams; ``d:`` head>dependent lemma pairs (verb and object,
  negated verbs as ``neg:``), which carry arguments made by a verb ("met en garde contre ... rendre illégal");
- ``p:`` / ``n:`` the rule and target features of the previous and next sentence, ``p2:`` two before;
- ``a:`` article-level shares (sentences that name open AI, rule pro and con shares);
- a dense vector: the mean of spaCy's word vectors (unit length), shown in evidence as "word vectors".
The rule detectors run once per document (cached for the last few Docs: helpers.doccache).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc, Span

from ..doccache import DocCache
from ..textfold import fold

FEATURE_REVISION = "2"

_TOPIC = {
    "t:open_source": re.compile(r"\bopen[- ]?(source|weights?)\b|\bcode source\b|\blibre\b"),
    "t:ouvert": re.compile(r"\bouver(t|te|ts|tes|ture)\b|\blibrement\b"),
    "t:poids": re.compile(r"\bpoids\b|\bweights?\b|\bparametres\b"),
    "t:licence": re.compile(r"\blicen[cs]e|\bosi\b|\bdefinition\b|\bnorme\b|\bcriteres?\b"),
    "t:closed": re.compile(r"\bproprietaire|\bferme(s|e|es)?\b|\bboite noire\b|\bferm(er|eture)\b"),
    "t:model_family": re.compile(r"\b(llama|mistral|mixtral|deepseek|qwen|gemma|gpt|falcon|bloom|phi|grok|"
                                 r"gpt-oss|r1|claude|gemini|kimi)\b"),
    "t:company": re.compile(r"\b(meta|openai|google|microsoft|anthropic|hugging ?face|mistral ai|alibaba|nvidia|"
                            r"xai|apple|amazon)\b"),
    "t:model": re.compile(r"\bmodeles?\b|\bllm\b|\bia\b|\bintelligence artificielle\b"),
    "t:regulation": re.compile(r"\bai act\b|\breglement|\bregulat|\binterdi|\billegal|\blegislat|\bloi\b"),
}
_CONTEXT_PREFIXES = ("r:dec=", "r:score", "r:g:", "r:tgt=", "t:", "s:short", "fd:")
_KEEP_DEPS = {"obj", "xcomp", "obl:arg", "obl:mod", "obl", "ccomp", "nsubj", "nsubj:pass", "amod", "acl", "advcl"}


@dataclass
class SentenceFeatures:
    """The features of one sentence, with what the rule detectors decided (kept for tables and evidence)."""

    sent_id: int
    span: Span
    feats: dict[str, float]
    vector: np.ndarray
    rule_stance: str = "none"
    rule_score: float = 0.0
    rule_cues: list[str] = field(default_factory=list)
    rule_cue_weights: list[tuple[str, float]] = field(default_factory=list)
    rule_target: str = ""
    rule_rules: list[str] = field(default_factory=list)
    rule_frames: dict[str, tuple[float, list[str], list[str]]] = field(default_factory=dict)


def _rule_name(rule: str) -> str:
    rule = re.sub(r"\s*\(.*\)$", "", rule)
    return re.sub(r"\d+", "N", rule).strip().replace(" ", "_")


def _lemma(tok) -> str:
    if tok.like_num:
        return "<num>"
    return fold(tok.lemma_ or tok.text)


def _sentence_own(span: Span, decision, frame_hits) -> tuple[dict[str, float], dict[str, float]]:
    """(own features, features shared with neighbours) of one sentence."""
    f: dict[str, float] = {}
    f[f"r:dec={decision.stance}"] = 1.0
    f["r:score"] = float(max(-4.0, min(4.0, decision.score)))
    for h in decision.hits:
        f[f"r:g:{h.group}"] = f.get(f"r:g:{h.group}", 0.0) + float(h.weight)
    if decision.target:
        f[f"r:tgt={decision.target}"] = 1.0
    for r in decision.rules:
        f[f"r:rule={_rule_name(r)}"] = 1.0
    for h in frame_hits:
        f[f"f:{h.label}"] = float(h.score)
        f[f"fd:{h.label}"] = 1.0  # the rule detector gives the frame
    text = fold(span.text)
    for name, rx in _TOPIC.items():
        if rx.search(text):
            f[name] = 1.0
    words = [t for t in span if t.is_alpha or t.like_num]
    n = len(words)
    last = span.text.strip().rstrip(" »\"”’')")
    if last.endswith("?"):
        f["s:question"] = 1.0
    if n <= 8:
        f["s:short"] = 1.0
    if not any(t.pos_ in ("VERB", "AUX") for t in span) and not last.endswith((".", "!", "?", "…")):
        f["s:heading"] = 1.0
    if words:
        f[f"s:first={_lemma(words[0])}"] = 1.0
    lemmas = [_lemma(t) for t in words]
    for lem in lemmas:
        f[f"w:{lem}"] = 1.0
    for a, b in zip(lemmas, lemmas[1:], strict=False):
        f[f"b:{a}_{b}"] = 1.0
    for t in span:
        if not (t.is_alpha and t.head.i != t.i):
            continue
        dep = t.dep_
        if dep in _KEEP_DEPS and t.head.is_alpha:
            f[f"d:{_lemma(t.head)}>{_lemma(t)}"] = 1.0
        if dep.startswith("advmod") and fold(t.text) in ("pas", "jamais", "plus", "guere", "nullement"):
            f[f"neg:{_lemma(t.head)}"] = 1.0
            f["s:negated"] = 1.0
    shared = {k: v for k, v in f.items() if k.startswith(_CONTEXT_PREFIXES)}
    return f, shared


def _vector(span: Span) -> np.ndarray:
    vectors = span.doc.vocab.vectors
    keys = [t.orth for t in span if not t.is_punct and not t.is_space]
    rows = vectors.find(keys=keys) if keys and vectors.shape[0] else np.zeros(0, dtype=int)
    rows = rows[rows >= 0] if len(keys) else rows
    vecs = vectors.data[rows] if len(rows) else []
    if not len(vecs):
        return np.zeros(span.doc.vocab.vectors_length or 1, dtype=np.float32)
    v = np.mean(vecs, axis=0).astype(np.float32)
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


_CACHE = DocCache()


def doc_features(doc: Doc) -> list[SentenceFeatures]:
    """The features of every sentence of a parsed document (cached for the last few Docs)."""
    hit = _CACHE.get(doc)
    if hit is not None and hit[0] == len(doc):
        return hit[1]
    from ..framing.lexicon import frame_lexicon
    from ..framing.rules import doc_token_keys, label_sentence
    from ..stance.rules import doc_stances

    decisions = doc_stances(doc)
    lex = frame_lexicon()
    keys = doc_token_keys(doc)  # the frames table's own keys when it ran first: its rule pass is then reused
    own, shared, out = [], [], []
    for sid, span, d in decisions:
        hits = label_sentence(doc, span, keys, lex)
        f, s = _sentence_own(span, d, hits)
        own.append(f)
        shared.append(s)
        cues = [(h.surface, float(h.weight)) for h in d.hits if h.weight]
        out.append(SentenceFeatures(sid, span, f, _vector(span), d.stance, float(d.score), list(dict.fromkeys(d.cues)),
                                    cues, d.target, list(d.rules),
                                    {h.label: (float(h.score), h.cues, h.negated) for h in hits}))
    n = len(out)
    if n:
        share_direct = sum(1 for x in out if x.rule_target == "direct") / n
        share_pro = sum(1 for x in out if x.rule_stance == "pro") / n
        share_con = sum(1 for x in out if x.rule_stance == "con") / n
    for k, sf in enumerate(out):
        f = sf.feats
        for prefix, j in (("p:", k - 1), ("n:", k + 1)):
            if 0 <= j < n:
                f.update({prefix + key: v for key, v in shared[j].items()})
            else:
                f[prefix + "none"] = 1.0
        if k >= 2:
            f.update({"p2:" + key: v for key, v in shared[k - 2].items() if key.startswith(("r:dec=", "r:score"))})
        f["a:share_direct"] = share_direct
        f["a:share_pro"] = share_pro
        f["a:share_con"] = share_con
    _CACHE[doc] = (len(doc), out)
    return out


__all__ = ["FEATURE_REVISION", "SentenceFeatures", "doc_features"]
