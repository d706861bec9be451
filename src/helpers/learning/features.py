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
from ..docview import DocView, doc_view
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


def _lemmas(v: DocView) -> list[str]:
    """Per token: "<num>" for a number, else its folded lemma (its folded text when it has no lemma)."""
    return ["<num>" if num else (fl if lem else ft) for num, fl, lem, ft in zip(v.like_num, v.flemma, v.lemma, v.ftext,
                                                                           strict=True)]


_NEGATORS = frozenset({"pas", "jamais", "plus", "guere", "nullement"})


def _sentence_own(span: Span, decision, frame_hits, v: DocView, lem: list[str]) -> tuple[dict[str, float],
                                                                                       dict[str, float]]:
    """(own features, features shared with neighbours) of one sentence (v, lem: its Doc's view and _lemmas)."""
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
    span_text = v.span_text(span.start, span.end)
    text = fold(span_text)
    for name, rx in _TOPIC.items():
        if rx.search(text):
            f[name] = 1.0
    idx = range(span.start, span.end)
    words = [i for i in idx if v.is_alpha[i] or v.like_num[i]]
    n = len(words)
    last = span_text.strip().rstrip(" »\"”’')")
    if last.endswith("?"):
        f["s:question"] = 1.0
    if n <= 8:
        f["s:short"] = 1.0
    if not any(v.pos[i] in ("VERB", "AUX") for i in idx) and not last.endswith((".", "!", "?", "…")):
        f["s:heading"] = 1.0
    if words:
        f[f"s:first={lem[words[0]]}"] = 1.0
    lemmas = [lem[i] for i in words]
    for x in lemmas:
        f[f"w:{x}"] = 1.0
    for a, b in zip(lemmas, lemmas[1:], strict=False):
        f[f"b:{a}_{b}"] = 1.0
    for i in idx:
        h = v.head[i]
        if not (v.is_alpha[i] and h != i):
            continue
        dep = v.dep[i]
        if dep in _KEEP_DEPS and v.is_alpha[h]:
            f[f"d:{lem[h]}>{lem[i]}"] = 1.0
        if dep.startswith("advmod") and v.ftext[i] in _NEGATORS:
            f[f"neg:{lem[h]}"] = 1.0
            f["s:negated"] = 1.0
    shared = {k: val for k, val in f.items() if k.startswith(_CONTEXT_PREFIXES)}
    return f, shared


def _doc_vectors(doc: Doc, spans: list[Span], v: DocView) -> list[np.ndarray]:
    """Per sentence: the mean of spaCy's word vectors of its words (not punctuation or space), unit length."""
    vectors = doc.vocab.vectors
    width = doc.vocab.vectors_length or 1
    if not vectors.shape[0] or not len(doc):
        return [np.zeros(width, dtype=np.float32) for _ in spans]
    rows = np.asarray(vectors.find(keys=v.orth))  # the row of every token, looked up once per Doc
    word = ~(np.asarray(v.is_punct, dtype=bool) | np.asarray(v.is_space, dtype=bool)) & (rows >= 0)
    out = []
    for span in spans:
        r = rows[span.start:span.end][word[span.start:span.end]]
        if not len(r):
            out.append(np.zeros(width, dtype=np.float32))
            continue
        vec = np.mean(vectors.data[r], axis=0).astype(np.float32)
        norm = float(np.linalg.norm(vec))
        out.append(vec / norm if norm else vec)
    return out


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
    v = doc_view(doc)
    lem = _lemmas(v)
    vecs = _doc_vectors(doc, [span for _, span, _ in decisions], v)
    own, shared, out = [], [], []
    for (sid, span, d), vec in zip(decisions, vecs, strict=True):
        hits = label_sentence(doc, span, keys, lex)
        f, s = _sentence_own(span, d, hits, v, lem)
        own.append(f)
        shared.append(s)
        cues = [(h.surface, float(h.weight)) for h in d.hits if h.weight]
        out.append(SentenceFeatures(sid, span, f, vec, d.stance, float(d.score), list(dict.fromkeys(d.cues)),
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
