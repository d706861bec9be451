"""The rule detector of frames and devices: cue matching, exclusions, dismissals, combinations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from spacy.tokens import Doc, Span, Token

from ..doccache import DocCache
from ..docview import doc_view
from ..tables import iter_sentences
from .lexicon import (
    CONTRACTIONS,
    DEVICE_COLUMNS,
    ELISIONS,
    FEMININE_ENDINGS,
    FRAME_COLUMNS,
    MAX_GAP,
    NEGATORS,
    OBJECT_DEPS,
    PRIVATIVES,
    SCOPE_END,
    Cue,
    Lexicon,
    _norm,
    device_lexicon,
    frame_lexicon,
)

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


_DOC_KEYS = DocCache()
# doc -> (len(doc), the token keys lists it was labelled with (equal lists), {(start, end): [(lexicon, hits)]})
_LABELS = DocCache()


def doc_token_keys(doc: Doc) -> list[frozenset[str]]:
    """token_keys of every token of a document, computed once per Doc and kept for the last few Docs (frames,
    devices and the learned detectors' features all need them)."""
    hit = _DOC_KEYS.get(doc)
    if hit is not None and hit[0] == len(doc):
        return hit[1]
    v = doc_view(doc)
    keys: list[frozenset[str]] = []
    if len(doc):
        # each distinct (text, lemma, POS) of the Doc once, then spread to its tokens
        _, first, inv = np.unique(v.hashes, axis=0, return_index=True, return_inverse=True)
        table = [_token_keys(v.text[i], v.lemma[i], v.pos[i]) for i in first.tolist()]
        keys = [table[j] for j in inv.reshape(-1).tolist()]
    _DOC_KEYS[doc] = (len(doc), keys)
    return keys


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
    starting = lex.starting_with
    for i in range(start, end):
        for cue in starting(keys[i]):
            j = i + 1 if len(cue.tokens) == 1 else _match_from(keys, i + 1, cue.tokens, 1, end)
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
    """The labels of one sentence according to a lexicon (see the module docstring).

    Memoised for the last few Docs, per (sentence, lexicon), for the same token keys: the rule frames table and
    the learned detectors' features label the same sentences with the same lexicon (treat the hits as read-only).
    """
    memo = _LABELS.get(doc)
    if memo is None or memo[0] != len(doc):
        memo = _LABELS[doc] = (len(doc), [keys], {})
    elif not any(k is keys for k in memo[1]):
        if memo[1][0] != keys:  # other keys: start over with them
            memo = _LABELS[doc] = (len(doc), [keys], {})
        else:  # an equal list (the learned features' own): compared once, then known by identity
            memo[1].append(keys)
    done = memo[2].setdefault((span.start, span.end), [])
    for known, hits in done:
        if known is lex:
            return hits
    hits = _label_sentence(doc, span, keys, lex)
    done.append((lex, hits))
    return hits


def _label_sentence(doc: Doc, span: Span, keys: Sequence[frozenset[str]], lex: Lexicon) -> list[Hit]:
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
        return view.span_text(m.start, m.end)

    view = doc_view(doc)
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
        keys = doc_token_keys(doc)
        prev: list[Hit] = []
        view = doc_view(doc)
        for sid, span in iter_sentences(doc):
            hits = label_sentence(doc, span, keys, lex)
            if not hits and continues:
                hits = _continued(doc, span, keys, lex, prev)
            text = view.span_text(span.start, span.end) if hits else ""
            for h in hits:
                cues = "; ".join(h.cues)
                row = {"doc_id": doc_id, "sent_id": sid, label_col: h.label, "cues": cues, "score": h.score,
                       "negated": "; ".join(h.negated), "prob": float("nan"), "evidence": cues, "text": text}
                rows.append(tuple(row[c] for c in columns))
            prev = hits
    return pd.DataFrame(rows, columns=columns)


def rule_frames_table(docs: Mapping[str, Doc], lexicon_path: str | Path | None = None) -> pd.DataFrame:
    """The rule detector's frames: one row per (sentence, frame): doc_id, sent_id, frame, cues ("; "), score,
    negated, text."""
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


