"""Frames and framing devices per sentence (CODEBOOK.md sections 3 and 4), from editable lexicons.

    frames = frames_table(corpus.docs)        # doc_id, sent_id, frame, cues, score, negated, text
    devices = devices_table(corpus.docs)      # doc_id, sent_id, device, cues, score, negated, text
    frame_prevalence(frames, corpus.sentences), frame_profile(frames, corpus.sentences), ...

Method (transparent on purpose, every decision is traceable to a cue in a YAML file):
- The lexicons (data/lexicons/frames.yml, devices.yml) list French cues per label, strong (1.0)
  or weak (0.5). Cues are matched on lemmas: a token matches a cue word if the word equals the
  token's spaCy lemma, its lower-cased form, or its singular ("géants" -> géant); multi-word cues
  match token by token and may contain gaps ("génie ... bouteille").
- A label is given to a sentence when its distinct cues add up to the lexicon's threshold (1.0),
  so one weak cue alone (a word often used in passing) is not enough; `actors` cues (who takes part:
  développeur, chercheur ...) weigh one weak cue together, however many a sentence names.
- `exclude` expressions remove cues used in another sense; `combine` rules need cues from
  several groups at once (geopolitics = a state and a rivalry; a demonym alone is nothing).
- Negated cues keep their label (denying a risk still speaks of risk) and are listed in the
  `negated` column; cues under a dismissal ("il ne s'agit pas de coûts") are discarded.
- Devices only: a sentence without a device of its own that explicitly continues the previous
  sentence's image ("C'est exactement ce qui se passe avec ...", `continuations` in devices.yml)
  keeps that device.
Only French documents are analysed (the lexicons are French).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from spacy.tokens import Doc, Span, Token

from .display import md_escape
from .paths import lexicon
from .tables import iter_sentences

FRAMES: list[str] = ["innovation", "access", "transparency", "community", "economy", "geopolitics", "security",
                     "regulation", "ethics", "competition"]
DEVICES: list[str] = ["cuisine", "jardin", "combat", "analogie", "nature"]
DEVICE_COLORS: dict[str, str] = {"cuisine": "#e6550d", "jardin": "#31a354", "combat": "#756bb1",
                                 "analogie": "#636363", "nature": "#3182bd"}
FRAME_COLUMNS = ["doc_id", "sent_id", "frame", "cues", "score", "negated", "text"]
DEVICE_COLUMNS = ["doc_id", "sent_id", "device", "cues", "score", "negated", "text"]

MAX_GAP = 4  # "..." in a cue stands for 0 to MAX_GAP tokens
GAP = "..."
ELISIONS = {"l'": "le", "d'": "de", "s'": "se", "n'": "ne", "qu'": "que", "j'": "je", "c'": "ce", "m'": "me",
            "t'": "te", "jusqu'": "jusque", "lorsqu'": "lorsque", "puisqu'": "puisque"}
CONTRACTIONS = {"au": ("à", "le"), "aux": ("à", "les"), "du": ("de", "le"), "des": ("de", "les")}
FEMININE_ENDINGS = (("ée", "é"), ("ive", "if"), ("euse", "eux"), ("elle", "el"), ("enne", "en"), ("ère", "er"),
                    ("ente", "ent"), ("ante", "ant"), ("aise", "ais"), ("oise", "ois"), ("ète", "et"))
NEGATORS = frozenset({"pas", "jamais", "guère", "nullement", "point", "aucunement"})
PRIVATIVES = frozenset({"sans", "non", "aucun", "aucune", "ni", "nul", "nulle"})
OBJECT_DEPS = frozenset({"obj", "xcomp", "obl:arg", "iobj", "ccomp"})
SCOPE_END = frozenset({",", ";", ":", "–", "—", "-", "mais", "plutôt", "(", ")", "«", "»"})


# --------------------------------------------------------------------------- lexicons

def _norm(text: str) -> str:
    """Lower case with apostrophes unified."""
    return text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("fr").tokenizer


_POS_SUFFIX = re.compile(r"^(.+)/([A-Z]{3,5})$")


@dataclass(frozen=True)
class Cue:
    """One lexicon entry: the label it signals, its kind and weight, and its tokens (None = gap)."""

    label: str
    expr: str
    kind: str  # strong, weak, actor, exclude, dismissal, continuation, group
    weight: float
    tokens: tuple[str | None, ...]


def cue_tokens(expr: str) -> tuple[str | None, ...]:
    """The match keys of a lexicon expression.

    "=" prefix: exact spelling; "..." : a gap; "/NOUN" (or another universal POS tag) after a word:
    the word must have that part of speech ("pouvoir/NOUN" is power, not the verb "pourrait").
    """
    expr = expr.strip()
    exact = expr.startswith("=")
    if exact:
        expr = expr[1:]
    out: list[str | None] = []
    for k, part in enumerate(expr.split(GAP)):
        if k:
            out.append(None)
        for word in part.split():
            m = _POS_SUFFIX.match(word)
            word, pos = (m.group(1), m.group(2)) if m else (word, "")
            toks = [t.text.replace("’", "'") for t in _tokenizer()(word) if not t.is_space]
            for n, t in enumerate(toks):
                key = "=" + t if exact else _norm(t)
                out.append(f"{key}/{pos}" if pos and n == len(toks) - 1 else key)
    while out and out[0] is None:
        out.pop(0)
    while out and out[-1] is None:
        out.pop()
    return tuple(out)


@dataclass
class Lexicon:
    """Cues for a set of labels (frames or devices), indexed by their first word."""

    path: Path
    labels: list[str]
    threshold: float
    cues: list[Cue]
    combos: dict[str, list[tuple[tuple[str, ...], float]]]
    info: dict[str, dict[str, str]]
    place_groups: set[str] = field(default_factory=set)  # groups whose places count only in pairs
    actor_cap: float = 0.5  # together, a label's `actors` cues weigh at most this (one weak cue)
    index: dict[str, list[Cue]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = defaultdict(list)
        for cue in self.cues:
            if cue.tokens:
                self.index[cue.tokens[0]].append(cue)

    def cues_of(self, label: str, kind: str | None = None) -> list[str]:
        """The expressions of one label (optionally of one kind), for documentation and tests."""
        return [c.expr for c in self.cues if c.label == label and (kind is None or c.kind == kind)]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def read_lexicon(path: str | Path) -> Lexicon:
    """Parse a frames.yml / devices.yml file (see the comments at the top of frames.yml)."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    weights = {"strong": 1.0, "weak": 0.5, **(data.get("weights") or {})}
    cues: list[Cue] = []

    def add(label: str, kind: str, exprs: Iterable[str], weight: float = 0.0) -> None:
        for e in exprs:
            toks = cue_tokens(e)
            if toks:
                cues.append(Cue(label, e, kind, weight, toks))

    add("*", "dismissal", _as_list(data.get("dismissals")))
    add("*", "continuation", _as_list(data.get("continuations")))
    place_groups: set[str] = set()
    for gname, gval in (data.get("groups") or {}).items():
        if isinstance(gval, dict):
            add(f"group:{gname}", "group", _as_list(gval.get("cues")), 1.0)
            add(f"group:{gname}", "exclude", _as_list(gval.get("exclude")))
            if gval.get("places_need_pair"):
                place_groups.add(gname)
        else:
            add(f"group:{gname}", "group", _as_list(gval), 1.0)
    labels, combos, info = [], {}, {}
    for label, spec in (data.get("frames") or {}).items():
        spec = spec or {}
        labels.append(label)
        info[label] = {"name": str(spec.get("name", label)), "definition": str(spec.get("definition", ""))}
        add(label, "strong", _as_list(spec.get("strong")), float(weights["strong"]))
        add(label, "weak", _as_list(spec.get("weak")), float(weights["weak"]))
        add(label, "actor", _as_list(spec.get("actors")), float(weights["weak"]))
        add(label, "exclude", _as_list(spec.get("exclude")))
        combos[label] = [(tuple(c["groups"]), float(c.get("weight", 1.0))) for c in spec.get("combine") or []]
    return Lexicon(path, labels, float(data.get("threshold", 1.0)), cues, combos, info, place_groups,
                   float(weights["weak"]))


@lru_cache(maxsize=8)
def _cached_lexicon(path: str, mtime: float) -> Lexicon:
    return read_lexicon(path)


def load_lexicon(name_or_path: str | Path) -> Lexicon:
    """A lexicon by file name in data/lexicons/ or by path (re-read when the file changes)."""
    p = Path(name_or_path)
    if not p.exists():
        p = lexicon(str(name_or_path))
    return _cached_lexicon(str(p.resolve()), p.stat().st_mtime)


def frame_lexicon(path: str | Path | None = None) -> Lexicon:
    """The frame lexicon (data/lexicons/frames.yml unless a path is given)."""
    return load_lexicon(path or "frames.yml")


def device_lexicon(path: str | Path | None = None) -> Lexicon:
    """The framing-device lexicon (data/lexicons/devices.yml unless a path is given)."""
    return load_lexicon(path or "devices.yml")


# --------------------------------------------------------------------------- matching

def _base_forms(word: str) -> set[str]:
    """Masculine singular guesses for a French word form (a fallback when the lemmatizer misses)."""
    out = set()
    w = word
    if len(w) > 3 and w[-1] in "sx":
        w = w[:-1]
        out.add(w)
    if len(w) > 4:
        for fem, masc in FEMININE_ENDINGS:
            if w.endswith(fem):
                out.add(w[: len(w) - len(fem)] + masc)
                break
    # present-tense verb forms the tagger took for nouns: "démocratise", "partagent" -> -er infinitive
    if len(word) > 4 and word.endswith("ent"):
        out.add(word[:-3] + "er")
    elif len(word) > 3 and word.endswith("e"):
        out.add(word + "r")
    return out


def token_keys(tok: Token) -> frozenset[str]:
    """The forms a lexicon word can match on this token.

    Its spaCy lemma, its lower-cased text, masculine singular guesses ("démocratisées" ->
    démocratisé), its exact spelling ("=" prefix), and lemma/POS ("pouvoir/NOUN").
    """
    return _token_keys(tok.text, tok.lemma_, tok.pos_)


@lru_cache(maxsize=1 << 17)
def _token_keys(text: str, lemma: str, pos: str) -> frozenset[str]:
    """token_keys of a (text, lemma, POS) triple, memoised: the vocabulary repeats across articles."""
    low, lem = _norm(text), _norm(lemma)
    exact = text.replace("’", "'")
    keys = {low, lem, "=" + exact}
    keys.update(_base_forms(low))
    if len(low) > 3 and low[-1] in "sx":
        keys.add("=" + exact[:-1])
    if low in ELISIONS:
        keys.add(ELISIONS[low])
    if low in CONTRACTIONS:
        keys.update(CONTRACTIONS[low])
    if pos:
        keys.update(f"{k}/{pos}" for k in list(keys) if not k.startswith("="))
    return frozenset(keys)


@dataclass(frozen=True)
class Match:
    """A cue found in a document: token span [start, end)."""

    cue: Cue
    start: int
    end: int


def _match_from(keys: Sequence[frozenset[str]], pos: int, toks: tuple[str | None, ...], k: int,
                end: int) -> int | None:
    if k == len(toks):
        return pos
    t = toks[k]
    if t is None:
        for skip in range(MAX_GAP + 1):
            r = _match_from(keys, pos + skip, toks, k + 1, end)
            if r is not None:
                return r
        return None
    if pos < end and t in keys[pos]:
        return _match_from(keys, pos + 1, toks, k + 1, end)
    return None


def find_cues(lex: Lexicon, keys: Sequence[frozenset[str]], start: int, end: int) -> list[Match]:
    """Every lexicon entry matched in tokens [start, end)."""
    found: list[Match] = []
    for i in range(start, end):
        seen: set[int] = set()
        for key in keys[i]:
            for cue in lex.index.get(key, ()):
                if id(cue) in seen:
                    continue
                seen.add(id(cue))
                j = _match_from(keys, i + 1, cue.tokens, 1, end)
                if j is not None:
                    found.append(Match(cue, i, j))
    return found


def is_negated(doc: Doc, i: int, sent_start: int) -> bool:
    """Whether token i is negated: ne ... pas/jamais on it or on the verb it completes, or sans/non/aucun/ni/pas de before it."""
    tok = doc[i]

    def neg(t: Token) -> bool:
        kids = {_norm(c.text) for c in t.children}
        return bool(kids & NEGATORS) or ("plus" in kids and bool(kids & {"ne", "n'"}))

    if neg(tok) or (tok.dep_ in OBJECT_DEPS and tok.head.i != tok.i and neg(tok.head)):
        return True
    prev = [_norm(doc[j].text) for j in range(max(sent_start, i - 3), i)]
    if any(p in PRIVATIVES for p in prev[-2:]):
        return True
    return len(prev) >= 2 and prev[-2] == "pas" and prev[-1] in ("de", "d'")


def _dismissed_tokens(doc: Doc, matches: list[Match], end: int) -> set[int]:
    out: set[int] = set()
    for m in matches:
        if m.cue.kind != "dismissal":
            continue
        j = m.end
        while j < end and _norm(doc[j].text) not in SCOPE_END:
            out.add(j)
            j += 1
    return out


PLACE_PREPOSITIONS = frozenset({"en", "dans", "à", "au", "aux"})


def _is_place(doc: Doc, m: Match) -> bool:
    """A name introduced as a place: "en Chine", "aux États-Unis", "dans l'Union européenne"."""
    j = m.start - 1
    while j >= 0 and doc[j].pos_ == "DET":
        j -= 1
    return j >= 0 and _norm(doc[j].text) in PLACE_PREPOSITIONS and (j == 0 or _norm(doc[j - 1].text) != "face")


def _group_members(doc: Doc, matches: list[Match], places_need_pair: bool) -> list[Match]:
    """The group's matches that count: with places_need_pair, a single state named as a place is a setting, not an actor."""
    if not places_need_pair or len({m.cue.expr for m in matches}) >= 2:
        return matches
    return [m for m in matches if not _is_place(doc, m)]


def _name_inside_entity(doc: Doc, m: Match) -> bool:
    """A name cue ("Pékin", "France") that is only part of a longer name ("Pékin Academy of ...", "France Inter").

    The longer name must continue the cue with a capitalised word, reached without crossing punctuation
    ("Université de Pékin", "France Inter"); "le Sénat américain" is still the Senate, and an entity the
    tagger ran past a colon ("AI Act : l'exemption des modèles") does not hide "AI Act".
    """
    expr = m.cue.expr.lstrip("=")
    if not expr[:1].isupper():
        return False
    for ent in doc.ents:
        if not (ent.start <= m.start and m.end <= ent.end and (ent.end - ent.start) > (m.end - m.start)):
            continue
        for rng in (range(m.end, ent.end), range(m.start - 1, ent.start - 1, -1)):
            for i in rng:
                t = doc[i]
                if t.is_punct:
                    break
                if t.pos_ not in ("DET", "ADP") and t.text[:1].isupper() and t.is_alpha:
                    return True
    return False


def _excludes(e: Match, m: Match) -> bool:
    """Whether exclusion e removes cue m: same label, overlapping words, and m is not a longer cue that holds e
    ("leçon de l'histoire" stands although "histoire de" is excluded as in "histoire de rire")."""
    if e.cue.label != m.cue.label or not (e.start < m.end and m.start < e.end):
        return False
    return not (m.start <= e.start and e.end <= m.end and (m.end - m.start) > (e.end - e.start))


@dataclass
class Hit:
    """A label given to a sentence, with the evidence."""

    label: str
    score: float
    cues: list[str]
    negated: list[str]


def label_sentence(doc: Doc, span: Span, keys: Sequence[frozenset[str]], lex: Lexicon) -> list[Hit]:
    """The labels of one sentence according to a lexicon (see the module docstring)."""
    matches = find_cues(lex, keys, span.start, span.end)
    if not matches:
        return []
    excludes = [m for m in matches if m.cue.kind == "exclude"]
    dismissed = _dismissed_tokens(doc, matches, span.end)
    kept: list[Match] = []
    for m in matches:
        if m.cue.kind not in ("strong", "weak", "actor", "group"):
            continue
        if any(_excludes(e, m) for e in excludes):
            continue
        if m.start in dismissed:
            continue
        if _name_inside_entity(doc, m):
            continue
        kept.append(m)
    # within a label, a cue inside a longer cue of the same label does not count twice
    kept = [m for m in kept if not any(o is not m and o.cue.label == m.cue.label and o.start <= m.start
                                       and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in kept)]
    by_label: dict[str, list[Match]] = defaultdict(list)
    for m in kept:
        by_label[m.cue.label].append(m)

    def surface(m: Match) -> str:
        return doc[m.start:m.end].text

    hits = []
    for label in lex.labels:
        own = by_label.get(label, [])
        # each cue counts once, and each stretch of text once (two spellings of one cue match the same words)
        weights: dict[str, float] = {}
        spans: set[tuple[int, int]] = set()
        evidence: list[Match] = []
        for m in sorted(own, key=lambda m: -m.cue.weight):
            if m.cue.expr in weights or (m.start, m.end) in spans:
                continue
            weights[m.cue.expr] = m.cue.weight
            spans.add((m.start, m.end))
            evidence.append(m)
        actors = {e for e, m in zip(weights, evidence, strict=True) if m.cue.kind == "actor"}
        score = sum(w for e, w in weights.items() if e not in actors)
        score += min(sum(weights[e] for e in actors), lex.actor_cap)
        for groups, w in lex.combos.get(label, []):
            members = [_group_members(doc, by_label.get(f"group:{g}", []), g in lex.place_groups) for g in groups]
            if all(members):
                score += w
                evidence.extend(x for ms in members for x in ms)
        if score + 1e-9 < lex.threshold or not evidence:
            continue
        evidence.sort(key=lambda m: m.start)
        cues, negated = [], []
        for m in evidence:
            s = surface(m)
            if s not in cues:
                cues.append(s)
            if is_negated(doc, m.start, span.start) and s not in negated:
                negated.append(s)
        hits.append(Hit(label, round(score, 2), cues, negated))
    return hits


def _is_french(doc: Doc) -> bool:
    return (doc.lang_ or "fr") == "fr"


def _continued(doc: Doc, span: Span, keys: Sequence[frozenset[str]], lex: Lexicon, prev: list[Hit]) -> list[Hit]:
    """A sentence without labels of its own that explicitly continues the previous one's analogy keeps its labels.

    Only for lexicons with `continuations` (devices.yml): "Imaginez deux restaurants ... C'est exactement ce
    qui se passe avec DeepSeek" maps the image back onto its subject, so the device goes on.
    """
    if not prev:
        return []
    marks = [m for m in find_cues(lex, keys, span.start, span.end) if m.cue.kind == "continuation"]
    if not marks:
        return []
    cue = doc[marks[0].start:marks[0].end].text
    return [Hit(h.label, lex.threshold, [cue], []) for h in prev]


def _label_table(docs: Mapping[str, Doc], lex: Lexicon, label_col: str, columns: list[str]) -> pd.DataFrame:
    rows = []
    continues = any(c.kind == "continuation" for c in lex.cues)
    for doc_id, doc in docs.items():
        if not _is_french(doc):
            continue
        keys = [token_keys(t) for t in doc]
        prev: list[Hit] = []
        for sid, span in iter_sentences(doc):
            hits = label_sentence(doc, span, keys, lex)
            if not hits and continues:
                hits = _continued(doc, span, keys, lex, prev)
            for h in hits:
                rows.append({"doc_id": doc_id, "sent_id": sid, label_col: h.label, "cues": "; ".join(h.cues),
                             "score": h.score, "negated": "; ".join(h.negated), "text": span.text})
            prev = hits
    return pd.DataFrame(rows, columns=columns)


def frames_table(docs: Mapping[str, Doc], lexicon_path: str | Path | None = None) -> pd.DataFrame:
    """One row per (sentence, frame): doc_id, sent_id, frame, cues ("; "), score, negated, text."""
    return _label_table(docs, frame_lexicon(lexicon_path), "frame", FRAME_COLUMNS)


def devices_table(docs: Mapping[str, Doc], lexicon_path: str | Path | None = None) -> pd.DataFrame:
    """One row per (sentence, device family): doc_id, sent_id, device, cues, score, negated, text."""
    return _label_table(docs, device_lexicon(lexicon_path), "device", DEVICE_COLUMNS)


def explain(doc: Doc, lexicon_path: str | Path | None = None, devices: bool = False) -> pd.DataFrame:
    """Every cue matched in a parsed text, kept or not, with the reason: for checking the lexicon."""
    lex = device_lexicon(lexicon_path) if devices else frame_lexicon(lexicon_path)
    keys = [token_keys(t) for t in doc]
    rows = []
    for sid, span in iter_sentences(doc):
        matches = find_cues(lex, keys, span.start, span.end)
        dismissed = _dismissed_tokens(doc, matches, span.end)
        excl = [m for m in matches if m.cue.kind == "exclude"]
        for m in matches:
            status = m.cue.kind
            if m.cue.kind in ("strong", "weak", "actor", "group"):
                if any(_excludes(e, m) for e in excl):
                    status = "excluded"
                elif m.start in dismissed:
                    status = "dismissed"
                elif _name_inside_entity(doc, m):
                    status = "part of a longer name"
                else:
                    status = "counted" + (" (negated)" if is_negated(doc, m.start, span.start) else "")
            rows.append({"sent_id": sid, "label": m.cue.label, "cue": m.cue.expr, "kind": m.cue.kind,
                         "weight": m.cue.weight, "surface": doc[m.start:m.end].text, "status": status})
    return pd.DataFrame(rows, columns=["sent_id", "label", "cue", "kind", "weight", "surface", "status"])


# --------------------------------------------------------------------------- profiles

def _doc_order(sentences: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(sentences["doc_id"])) if len(sentences) else []


def frame_prevalence(frames: pd.DataFrame, sentences: pd.DataFrame, labels: Sequence[str] = FRAMES,
                     label_col: str = "frame") -> pd.DataFrame:
    """Per frame: sentences carrying it, their share of all sentences, articles where it appears, mean score."""
    n_sent = len(sentences)
    rows = []
    for lab in labels:
        sub = frames[frames[label_col] == lab] if len(frames) else frames
        n = sub[["doc_id", "sent_id"]].drop_duplicates().shape[0] if len(sub) else 0
        rows.append({label_col: lab, "n_sentences": n, "share_sentences": n / n_sent if n_sent else 0.0,
                     "n_articles": sub["doc_id"].nunique() if len(sub) else 0,
                     "mean_score": float(sub["score"].mean()) if len(sub) else 0.0})
    return pd.DataFrame(rows).sort_values("n_sentences", ascending=False, kind="stable").reset_index(drop=True)


def frame_profile(frames: pd.DataFrame, sentences: pd.DataFrame, labels: Sequence[str] = FRAMES,
                  label_col: str = "frame") -> pd.DataFrame:
    """Per article and frame: n_sentences, share of the article's sentences, and per 1,000 tokens."""
    docs = _doc_order(sentences)
    n_sent = sentences.groupby("doc_id").size() if len(sentences) else pd.Series(dtype=int)
    n_tok = sentences.groupby("doc_id")["n_tokens"].sum() if len(sentences) else pd.Series(dtype=int)
    counts = (frames.drop_duplicates(["doc_id", "sent_id", label_col]).groupby(["doc_id", label_col]).size()
              if len(frames) else pd.Series(dtype=int))
    rows = []
    for d in docs:
        for lab in labels:
            n = int(counts.get((d, lab), 0)) if len(counts) else 0
            ns, nt = int(n_sent.get(d, 0)), int(n_tok.get(d, 0))
            rows.append({"doc_id": d, label_col: lab, "n_sentences": n, "share": n / ns if ns else 0.0,
                         "per_1000_tokens": 1000 * n / nt if nt else 0.0})
    return pd.DataFrame(rows, columns=["doc_id", label_col, "n_sentences", "share", "per_1000_tokens"])


def profile_matrix(profile: pd.DataFrame, value: str = "share", label_col: str = "frame",
                   labels: Sequence[str] = FRAMES) -> pd.DataFrame:
    """The profile as a wide table: one row per article, one column per frame."""
    if not len(profile):
        return pd.DataFrame(columns=list(labels), dtype=float)
    m = profile.pivot(index="doc_id", columns=label_col, values=value)
    return m.reindex(index=list(dict.fromkeys(profile["doc_id"])), columns=list(labels)).fillna(0.0)


def frame_cooccurrence(frames: pd.DataFrame, labels: Sequence[str] = FRAMES) -> pd.DataFrame:
    """Frames x frames: number of sentences carrying both (the diagonal: sentences carrying the frame)."""
    mat = pd.DataFrame(0, index=list(labels), columns=list(labels), dtype=int)
    if not len(frames):
        return mat
    for _, grp in frames.groupby(["doc_id", "sent_id"]):
        present = [f for f in labels if f in set(grp["frame"])]
        for a in present:
            for b in present:
                mat.loc[a, b] += 1
    return mat


def top_pairs(cooc: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The most frequent pairs of different frames in the same sentence."""
    rows = [{"frame_a": a, "frame_b": b, "n_sentences": int(cooc.loc[a, b])}
            for i, a in enumerate(cooc.index) for b in cooc.columns[i + 1:] if cooc.loc[a, b] > 0]
    df = pd.DataFrame(rows, columns=["frame_a", "frame_b", "n_sentences"])
    return df.sort_values("n_sentences", ascending=False, kind="stable").head(n).reset_index(drop=True)


def strongest_examples(table: pd.DataFrame, label: str, n: int = 3, label_col: str = "frame") -> pd.DataFrame:
    """The n sentences with the highest score for one label (ties: more cues first, then text order)."""
    if not len(table):
        return table
    sub = table[table[label_col] == label].copy()
    sub["_n"] = sub["cues"].fillna("").str.count(";") + 1
    sub = sub.sort_values(["score", "_n", "doc_id", "sent_id"], ascending=[False, False, True, True], kind="stable")
    return sub.drop(columns="_n").head(n)


def cue_frequencies(table: pd.DataFrame, label_col: str = "frame") -> pd.DataFrame:
    """How often each cue (lower-cased surface) supports each label: where to look when a label misfires."""
    if not len(table):
        return pd.DataFrame(columns=[label_col, "cue", "n_sentences"])
    rows = [(r[label_col], c.strip().lower()) for _, r in table.iterrows()
            for c in str(r["cues"]).split(";") if c.strip()]
    df = pd.DataFrame(rows, columns=[label_col, "cue"])
    out = df.groupby([label_col, "cue"]).size().rename("n_sentences").reset_index()
    return out.sort_values([label_col, "n_sentences"], ascending=[True, False], kind="stable").reset_index(drop=True)


def sentence_frames(frames: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The sentences table with a `frames` column (frames joined with ", ", empty when none)."""
    out = sentences[["doc_id", "sent_id", "text"]].copy()
    if len(frames):
        joined = frames.groupby(["doc_id", "sent_id"])["frame"].agg(lambda s: ", ".join(s)).rename("frames")
        out = out.merge(joined.reset_index(), on=["doc_id", "sent_id"], how="left")
    else:
        out["frames"] = ""
    out["frames"] = out["frames"].fillna("")
    return out


# --------------------------------------------------------------------------- commentary

def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def describe_prevalence(prevalence: pd.DataFrame, frames: pd.DataFrame, sentences: pd.DataFrame) -> str:
    """Markdown commentary on frame prevalence, generated from the tables."""
    n_sent = len(sentences)
    if not n_sent:
        return "_The corpus has no sentences._"
    if not len(frames):
        return f"_No frame cue was found in the {n_sent} sentences of this corpus._"
    framed = frames[["doc_id", "sent_id"]].drop_duplicates().shape[0]
    n_docs = sentences["doc_id"].nunique()
    present = prevalence[prevalence["n_sentences"] > 0]
    top = present.head(3)
    parts = [f"**{r.frame}** ({r.n_sentences} sentences, {_pct(r.share_sentences)}, in {r.n_articles} of "
             f"{n_docs} article{'s' if n_docs != 1 else ''})" for r in top.itertuples()]
    text = (f"{framed} of {n_sent} sentences ({_pct(framed / n_sent)}) carry at least one frame, "
            f"{len(frames) / framed:.1f} frames on average when they carry any. "
            f"The most frequent frames are {', '.join(parts)}.")
    absent = [f for f in prevalence.loc[prevalence["n_sentences"] == 0, "frame"]]
    if absent:
        text += f" Not found at all: {', '.join(absent)}."
    return text


def describe_profiles(profile: pd.DataFrame, documents: pd.DataFrame | None = None) -> str:
    """Markdown: for each of the most distinctive frames, the article where it weighs most."""
    if not len(profile) or profile["n_sentences"].sum() == 0:
        return "_No frame to compare between articles._"
    lines = []
    docs = profile["doc_id"].nunique()
    if docs < 2:
        d = profile["doc_id"].iloc[0]
        top = profile.sort_values("share", ascending=False).head(3)
        items = ", ".join(f"{r.frame} ({_pct(r.share)})" for r in top.itertuples() if r.n_sentences)
        return f"One article ({md_escape(d)}): its main frames are {items}."
    for frame, grp in profile.groupby("frame", sort=False):
        if grp["n_sentences"].sum() == 0:
            continue
        best = grp.sort_values("share", ascending=False).iloc[0]
        mean = grp["share"].mean()
        lines.append((best["share"] - mean, f"- **{frame}** weighs most in {md_escape(best['doc_id'])} "
                      f"({_pct(best['share'])} of its sentences, corpus mean {_pct(mean)})"))
    lines.sort(key=lambda x: -x[0])
    return "Where each frame stands out most (largest gap to the mean first):\n\n" + "\n".join(x[1] for x in lines[:5])


def describe_cooccurrence(cooc: pd.DataFrame) -> str:
    """Markdown: the frame pairs that appear together most often."""
    pairs = top_pairs(cooc, 3)
    if not len(pairs):
        return "_No sentence carries two frames at once._"
    items = [f"**{r.frame_a} + {r.frame_b}** ({r.n_sentences} sentences)" for r in pairs.itertuples()]
    return "The frames most often combined in one sentence: " + ", ".join(items) + "."


def describe_devices(devices: pd.DataFrame, sentences: pd.DataFrame) -> str:
    """Markdown commentary on framing devices."""
    if not len(devices):
        return "_No metaphor or analogy cue was found in this corpus._"
    by = devices.groupby("device")
    items = [f"**{d}** ({len(g)} sentences in {g['doc_id'].nunique()} article{'s' if g['doc_id'].nunique() != 1 else ''})"
             for d, g in sorted(by, key=lambda x: -len(x[1]))]
    n_docs = sentences["doc_id"].nunique()
    with_dev = devices["doc_id"].nunique()
    return (f"{with_dev} of {n_docs} articles use at least one metaphor or analogy family. "
            f"By family: {', '.join(items)}.")




# --------------------------------------------------------------------------- figures

def _frame_colors(labels: Sequence[str]) -> list[str]:
    from .viz import FRAME_COLORS

    return [FRAME_COLORS.get(f, DEVICE_COLORS.get(f, "#888888")) for f in labels]


def plot_prevalence(prevalence: pd.DataFrame, source: str = "", label_col: str = "frame"):
    """Horizontal bars: sentences per frame, with counts and shares written at the bar ends."""
    import matplotlib.pyplot as plt

    from .viz import empty_figure, finish

    title = "Frame prevalence: sentences carrying each frame"
    if not len(prevalence) or prevalence["n_sentences"].sum() == 0:
        return empty_figure("No frame found in this corpus", title=title, source=source)
    df = prevalence.sort_values("n_sentences", kind="stable")
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(df) + 1.2))
    ax.barh(df[label_col], df["n_sentences"], color=_frame_colors(df[label_col]))
    top = max(df["n_sentences"].max(), 1)
    for y, r in enumerate(df.itertuples()):
        ax.text(r.n_sentences + top * 0.01, y, f"{r.n_sentences}  ({_pct(r.share_sentences)}, {r.n_articles} art.)",
                va="center", fontsize=8.5, color="#333333")
    ax.set_xlim(0, top * 1.35)
    finish(fig, ax, title=title, xlabel="sentences",
           ylabel="", source=source)
    return fig


def plot_profile_heatmap(matrix: pd.DataFrame, source: str = "", title: str = "", value_label: str = "share",
                         max_articles: int = 40):
    """Frame x article heatmap with values written in the cells (share as %, else one decimal).

    Beyond max_articles articles, only the most framed ones are drawn (the title says so)."""
    import matplotlib.pyplot as plt

    from .viz import SEQUENTIAL_CMAP, doc_labels, empty_figure, finish

    title = title or "Frame profile of each article"
    if not matrix.size or float(matrix.values.sum()) == 0:
        return empty_figure("No frame found in this corpus", title=title, source=source)
    if matrix.shape[0] > max_articles:
        n_all = matrix.shape[0]
        keep = matrix.sum(axis=1).sort_values(ascending=False).index[:max_articles]
        matrix = matrix.loc[[i for i in matrix.index if i in set(keep)]]
        title += f" (the {max_articles} most framed of {n_all} articles)"
    m = matrix.T  # frames in rows, articles in columns
    n_rows, n_cols = m.shape
    fig, ax = plt.subplots(figsize=(max(4.5, 0.75 * n_cols + 3), 0.45 * n_rows + 2.2))
    vmax = float(m.values.max()) if m.size else 1.0
    im = ax.imshow(m.values, aspect="auto", cmap=SEQUENTIAL_CMAP, vmin=0, vmax=vmax or 1.0)
    ax.set_yticks(range(n_rows), m.index)
    labels = doc_labels(m.columns)
    ax.set_xticks(range(n_cols), [labels[str(c)] for c in m.columns], rotation=40, ha="right")
    if n_cols <= 25:
        for i in range(n_rows):
            for j in range(n_cols):
                v = m.values[i, j]
                txt = (f"{100 * v:.0f}" if value_label == "share" else f"{v:.1f}") if v else "·"
                ax.text(j, i, txt, ha="center", va="center", fontsize=8,
                        color="white" if vmax and v > 0.6 * vmax else "#333333")
    cbar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label("% of the article's sentences" if value_label == "share" else value_label)
    if value_label == "share":
        cbar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}"))
    ax.spines[:].set_visible(False)
    finish(fig, ax, title=title, xlabel="", ylabel="", source=source)
    return fig


def plot_cooccurrence(cooc: pd.DataFrame, source: str = ""):
    """Lower triangle of the frame co-occurrence matrix (sentences carrying both frames)."""
    import matplotlib.pyplot as plt

    from .viz import SEQUENTIAL_CMAP, empty_figure, finish

    title = "Frames in the same sentence"
    if not cooc.size or int(cooc.values.sum()) == 0:
        return empty_figure("No frame found in this corpus", title=title, source=source)
    n = len(cooc)
    mask = np.triu(np.ones((n, n), dtype=bool), k=1)
    vals = np.ma.masked_array(cooc.values.astype(float), mask=mask)
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    vmax = float(cooc.values.max()) or 1.0
    ax.imshow(vals, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=vmax)
    ax.set_xticks(range(n), cooc.columns, rotation=40, ha="right")
    ax.set_yticks(range(n), cooc.index)
    for i in range(n):
        for j in range(i + 1):
            v = int(cooc.values[i, j])
            ax.text(j, i, str(v) if v else "·", ha="center", va="center", fontsize=8.5,
                    color="white" if v > 0.6 * vmax else "#333333", fontweight="bold" if i == j else "normal")
    ax.spines[:].set_visible(False)
    finish(fig, ax, title=title, xlabel="", ylabel="",
           source=(source + " · " if source else "") + "diagonal (bold): sentences carrying the frame")
    return fig


def plot_frame_strips(frames: pd.DataFrame, sentences: pd.DataFrame, source: str = "", max_articles: int = 12,
                      labels: Sequence[str] = FRAMES):
    """One strip per article: sentences left to right, frames top to bottom, a coloured cell where a frame occurs."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from .viz import doc_labels, empty_figure, finish

    docs = _doc_order(sentences)[:max_articles]
    title = "Where the frames occur in each article"
    if not docs:
        return empty_figure("No sentence in this corpus", title=title, source=source)
    names = doc_labels(docs, width=60)
    n_sent = sentences.groupby("doc_id").size()
    width = max((int(n_sent[d]) for d in docs), default=1)
    fig, axes = plt.subplots(len(docs), 1, figsize=(10, 1.95 * len(docs) + 0.6), squeeze=False)
    colors = dict(zip(labels, _frame_colors(labels), strict=True))
    present = set(zip(frames["doc_id"], frames["sent_id"], frames["frame"], strict=True)) if len(frames) else set()
    for ax, d in zip(axes[:, 0], docs, strict=True):
        n = int(n_sent[d])
        ax.add_patch(Rectangle((-0.5, -0.5), n, len(labels), color="#f3f3f3", zorder=0))
        n_cells = 0
        for y, f in enumerate(labels):
            for s in range(n):
                if (d, s, f) in present:
                    ax.add_patch(Rectangle((s - 0.45, y - 0.4), 0.9, 0.8, color=colors[f], zorder=1))
                    n_cells += 1
        if not n_cells:
            ax.text((n - 1) / 2, (len(labels) - 1) / 2, "no frame in this article", ha="center", va="center",
                    fontsize=9, color="#777777")
        ax.set_xlim(-0.5, width - 0.5)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        step = max(1, int(np.ceil(width / 20)))
        ax.set_xticks(range(0, width, step))
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(names[d], loc="left", fontsize=9, fontweight="normal")
        ax.spines[:].set_visible(False)
    axes[-1, 0].set_xlabel("sentence number (sent_id)")
    if len(_doc_order(sentences)) > max_articles:
        title += f" (first {max_articles} articles)"
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    finish(fig, None, source=source)
    return fig


def plot_devices(devices: pd.DataFrame, sentences: pd.DataFrame, source: str = "", max_articles: int = 30):
    """Stacked horizontal bars: sentences with each device family, per article."""
    import matplotlib.pyplot as plt

    from .viz import doc_labels, empty_figure, finish

    title = "Metaphor and analogy families per article"
    if not len(devices):
        return empty_figure("No metaphor or analogy found in this corpus", title=title, source=source)
    counts = (devices.drop_duplicates(["doc_id", "sent_id", "device"]).groupby(["doc_id", "device"]).size()
              .unstack(fill_value=0) if len(devices) else pd.DataFrame())
    docs = _doc_order(sentences)[:max_articles]  # articles without any device keep an empty bar
    counts = counts.reindex(index=docs, columns=DEVICES, fill_value=0)
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * max(len(docs), 1) + 1.6))
    left = np.zeros(len(docs))
    y = np.arange(len(docs))
    for dev in DEVICES:
        vals = counts[dev].to_numpy() if len(docs) else np.array([])
        if vals.sum():
            ax.barh(y, vals, left=left, color=DEVICE_COLORS[dev], label=dev)
        left = left + vals
    for yi, total in zip(y, left, strict=True):
        if not total:
            ax.text(0.05, yi, "none", va="center", fontsize=8.5, color="#777777")
    names = doc_labels(docs)
    ax.set_yticks(y, [names[d] for d in docs])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.legend(ncol=5, loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8.5)
    finish(fig, ax, title=title + "\n", xlabel="sentences", ylabel="",
           source=source)
    return fig


# --------------------------------------------------------------------------- evidence

def evidence_html(table: pd.DataFrame, label: str, n: int = 3, label_col: str = "frame") -> str:
    """The strongest example sentences of one label, HTML-escaped, cues highlighted, with doc_id/sent_id."""
    from .display import examples_html

    ex = strongest_examples(table, label, n, label_col)
    return examples_html(ex, cue_col="cues", extra_cols=["score"], max_rows=n,
                         title=f"{label} — strongest examples")


def lexicon_summary(lex: Lexicon) -> pd.DataFrame:
    """Per label: its name, and how many strong, weak, actor and exclusion entries and combination rules it has."""
    rows = []
    for lab in lex.labels:
        rows.append({"label": lab, "name": lex.info[lab]["name"],
                     "strong cues": len(lex.cues_of(lab, "strong")), "weak cues": len(lex.cues_of(lab, "weak")),
                     "actor cues": len(lex.cues_of(lab, "actor")),
                     "exclusions": len(lex.cues_of(lab, "exclude")),
                     "combination rules": len(lex.combos.get(lab, []))})
    return pd.DataFrame(rows)


__all__ = [
    "FRAMES", "DEVICES", "DEVICE_COLORS", "Cue", "Lexicon", "Match", "Hit", "read_lexicon", "load_lexicon",
    "frame_lexicon", "device_lexicon", "token_keys", "cue_tokens", "find_cues", "is_negated", "label_sentence",
    "frames_table", "devices_table", "explain", "frame_prevalence", "frame_profile", "profile_matrix",
    "frame_cooccurrence", "top_pairs", "strongest_examples", "cue_frequencies", "sentence_frames",
    "describe_prevalence", "describe_profiles", "describe_cooccurrence", "describe_devices",
    "plot_prevalence", "plot_profile_heatmap", "plot_cooccurrence", "plot_frame_strips", "plot_devices",
    "evidence_html", "lexicon_summary",
]
