"""Frame and device lexicons (data/lexicons/frames.yml, devices.yml) compiled into cues."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..paths import lexicon
from ..textfold import fold

FRAMES: list[str] = ["innovation", "access", "transparency", "community", "economy", "geopolitics", "security",
                     "regulation", "ethics", "competition"]
DEVICES: list[str] = ["cuisine", "jardin", "combat", "analogie", "nature"]
DEVICE_COLORS: dict[str, str] = {"cuisine": "#e6550d", "jardin": "#31a354", "combat": "#756bb1",
                                 "analogie": "#636363", "nature": "#3182bd"}
FRAME_COLUMNS = ["doc_id", "sent_id", "frame", "cues", "score", "negated", "prob", "evidence", "text"]
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
SCOPE_END = frozenset(fold(w, keep_accents=True) for w in (",", ";", ":", "–", "—", "-", "mais", "plutôt", "(", ")", "«", "»"))


# --------------------------------------------------------------------------- lexicons

def _norm(text: str) -> str:
    """Lower case with apostrophes, quotes and dashes unified, accents kept (helpers.textfold)."""
    return fold(text, keep_accents=True)


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
    _starting: dict[frozenset[str], tuple[Cue, ...]] = field(default_factory=dict, init=False, repr=False,
                                                             compare=False)

    def __post_init__(self) -> None:
        self.index = defaultdict(list)
        for cue in self.cues:
            if cue.tokens:
                self.index[cue.tokens[0]].append(cue)

    def starting_with(self, keys: frozenset[str]) -> tuple[Cue, ...]:
        """The cues whose first word is one of a token's keys, each once; memoised per key set (token key sets
        repeat across a corpus, and most of them start no cue)."""
        hit = self._starting.get(keys)
        if hit is None:
            seen: dict[int, Cue] = {}
            for key in keys:
                for cue in self.index.get(key, ()):
                    seen.setdefault(id(cue), cue)
            hit = self._starting[keys] = tuple(seen.values())
        return hit

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


