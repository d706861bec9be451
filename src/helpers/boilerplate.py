"""A learned boilerplate line classifier, applied by `clean.clean_text` after its rules.

    model = load_line_model()                     # the shipped model (models/boilerplate.joblib) or None
    p = model.proba(lines)                        # P(boilerplate) of each line of a normalised text
    labelled = gold_lines(article)                # (lines, labels) from a coded article's sentences

Each line of an article is described by its shape (length, words, final punctuation, share of
capitalised words, digits, URL or e-mail, separators), its position in the article (relative
position, before the first or after the last paragraph of body text), the shapes of the lines
before and after it, the rule patterns of `clean.py` as flags, its first and last words (folded)
and, for short lines, its folded words. A logistic regression (balanced classes) gives
P(boilerplate); a line is removed when P >= the model's threshold, chosen on grouped out-of-fold
probabilities (inner folds of the training articles) so that at least 99 % of body lines are kept.
Training labels come from coded sentences flagged `boilerplate`, mapped to lines by word
alignment. Training and cross-validation: `python -m helpers.boilerplate_train`.
"""

from __future__ import annotations

import difflib
import logging
import math
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from . import clean as C
from .textfold import fold

log = logging.getLogger("helpers")

MODEL_PATH = Path(__file__).with_name("models") / "boilerplate.joblib"
CARD_PATH = Path(__file__).with_name("models") / "boilerplate_card.json"
_WORD = re.compile(r"\w+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_RULES = {
    "redirect": lambda s: bool(C.REDIRECT.search(s)), "navigation": lambda s: bool(C.NAVIGATION.match(s)),
    "widget": lambda s: bool(C.WIDGET_LABEL.match(s)), "byline": lambda s: bool(C.BYLINE.match(s)),
    "person": lambda s: bool(C.PERSON_LINE.match(s)), "reference": lambda s: bool(C.REFERENCE.match(s)),
    "sources_header": lambda s: bool(C.SOURCES_HEADER.match(s)),
    "source_inline": lambda s: bool(C.SOURCE_INLINE.match(s)), "read_more": lambda s: bool(C.READ_MORE.match(s)),
    "credit": lambda s: bool(C.CREDIT.search(s)), "image": lambda s: bool(C.IMAGE_MARKUP.search(s)),
    "elision": lambda s: bool(C.ELISION.search(s)), "date_only": lambda s: bool(C.DATE_RE.fullmatch(s.strip(" .,"))),
    "date": lambda s: bool(C.DATE_RE.search(s)), "section": lambda s: bool(C.SECTION_WORDS.search(s)),
    "logo": lambda s: bool(C.LOGO_SOURCE.search(s)), "symbols": lambda s: bool(C._EMOJI_OR_SYMBOL.match(s)),
    "read_also": lambda s: bool(C.READ_ALSO.match(s)), "reading_time": lambda s: bool(C.READING_TIME.search(s)),
    "list_number": lambda s: bool(C.LIST_NUMBER.match(s)), "account": lambda s: bool(C.ACCOUNT.search(s)),
}
# two page elements glued together by text extraction: a word's end run straight into a capitalised word
# ("Benjamin BichonCo-directeur", "Manuel DesforgesCéréalier"; brand names like DeepSeek also match, and weigh less)
_GLUED = re.compile(r"[a-zà-ÿ]{4}[A-ZÀ-Ý][a-zà-ÿ]{3}")


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    """Folded stop words of French and of the languages whose passages turn up in French pages (spaCy's lists;
    a word French shares is counted for French only)."""
    from .corpus import spacy_stop_words

    fr_f = frozenset(fold(w) for w in spacy_stop_words("fr"))
    return {"fr": fr_f, **{k: frozenset(fold(w) for w in spacy_stop_words(k)) - fr_f for k in ("en", "de", "it")}}


def _language(words: list[str]) -> str:
    """A line's language by its stop words (folded words): fr, en, de, it, or none."""
    counts = {k: sum(w in v for w in words) for k, v in _stop_words().items()}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else "none"


def _bin(n: float, edges: tuple[float, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _shape(line: str) -> dict[str, Any]:
    words = _WORD.findall(line)
    n = len(words)
    alpha = [w for w in words if w[:1].isalpha()]
    caps = sum(w[:1].isupper() for w in alpha)
    end = line.rstrip()[-1:] if line.strip() else ""
    return {"n": n, "len": len(line), "caps": caps / len(alpha) if alpha else 0.0,
            "upper": sum(w.isupper() and len(w) > 1 for w in alpha) / len(alpha) if alpha else 0.0,
            "digits": sum(map(str.isdigit, line)) / max(len(line), 1),
            "end": end if end in ".!?…:;,)»\"|" else ("w" if end.isalnum() else "o"),
            "long": C._is_long(line) if line else False}


def line_features(lines: list[str], i: int, first_long: int, last_long: int,
                  seen: dict[str, int] | None = None, shapes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The features of line i of a normalised article (lines as split on newlines; blank lines count).
    seen: folded line -> index of its first occurrence (a repeated title or teaser is boilerplate);
    shapes: _shape of every line, when the caller computed them once for the article."""
    line = lines[i]

    def shape(k: int) -> dict[str, Any]:
        return shapes[k] if shapes is not None else _shape(lines[k])

    sh = shape(i)
    n_lines = max(len(lines), 1)
    nonblank_before = sum(1 for x in lines[:i] if x)
    nonblank_after = sum(1 for x in lines[i + 1:] if x)
    zone = "head" if i < first_long else ("tail" if i > last_long else "mid")
    size = "short" if sh["n"] <= 12 else "longish"
    f: dict[str, Any] = {
        "bias": 1.0, "n_words=" + _bin(sh["n"], (0, 1, 2, 3, 5, 8, 12, 20, 35)): 1.0,
        "log_len": math.log1p(sh["len"]) / 6, "caps": sh["caps"], "upper": sh["upper"], "digits": sh["digits"],
        "end=" + sh["end"]: 1.0, "long": float(sh["long"]),
        "url": float(bool(C.URL_RE.search(line))), "email": float(bool(_EMAIL.search(line))),
        "at": float("@" in line), "pipe": float("|" in line), "copyright": float("©" in line),
        "glued": float(bool(_GLUED.search(line))), "bullet": float(line[:1] in "-•*>·▪►"), "quote": float(bool(re.search(r"[«»\"“”]", line))),
        "paren": float(line.startswith("(") or line.endswith(")")), "colon_in": float(":" in line[:-1]),
        "pos=" + _bin(i / n_lines, (0.05, 0.2, 0.5, 0.8, 0.95)): 1.0,
        "first": float(i == 0), "last": float(i == n_lines - 1),
        "head": float(i < first_long), "tail": float(i > last_long),
        "from_start=" + _bin(nonblank_before, (0, 1, 2, 3, 6, 12)): 1.0,
        "from_end=" + _bin(nonblank_after, (0, 1, 2, 3, 6, 12)): 1.0,
        f"zone_size={zone}_{size}": 1.0, f"zone_end={zone}_{sh['end']}": 1.0,
    }
    if seen is not None and line:
        first = seen.get(fold(line), i)
        if first < i:
            f["repeat_of_earlier"] = 1.0
            f["repeat_of_first_line"] = float(first == next((k for k, x in enumerate(lines) if x), -1))
        elif any(fold(x) == fold(line) for x in lines[i + 1:] if x):
            f["repeated_later"] = 1.0
    for name, test in _RULES.items():
        if line and test(line):
            f["rule=" + name] = 1.0
    words = _WORD.findall(fold(line))
    if words:
        if len(words) >= 3:  # a passage in another language (an embedded post, a caption, a site's own menu)
            f["lang=" + _language(words)] = 1.0
        if sh["n"] <= 3:  # runs of very short lines: score tables, menus, a caption broken into fragments
            run = 1
            for step in (-1, 1):
                k = i + step
                while 0 <= k < len(lines) and lines[k] and shape(k)["n"] <= 3:
                    run += 1
                    k += step
            f["short_run=" + _bin(run, (1, 2, 4, 8))] = 1.0
        f["w1=" + words[0]] = 1.0
        f["w_last=" + words[-1]] = 1.0
        if len(words) > 1:
            f["w12=" + " ".join(words[:2])] = 1.0
        if len(words) <= 12:
            for w in set(words):
                f["bow=" + w] = 1.0
        else:  # long lines: their words weigh less (cookie banners and newsletter pitches are long)
            for w in set(words):
                f["bowl=" + w] = 0.3
    for side, j in (("prev", i - 1), ("next", i + 1)):
        k = j
        while 0 <= k < len(lines) and not lines[k]:
            k += -1 if side == "prev" else 1
        if not 0 <= k < len(lines):
            f[side + "=none"] = 1.0
            continue
        o = shape(k)
        f[side + "_blank"] = float(k != j)
        f[side + "_n=" + _bin(o["n"], (1, 3, 8, 20))] = 1.0
        f[side + "_end=" + o["end"]] = 1.0
        f[side + "_long"] = float(o["long"])
        f[side + "_caps"] = o["caps"]
        f[f"{side}_long_and_{size}"] = float(o["long"])
        k2 = k + (-1 if side == "prev" else 1)
        while 0 <= k2 < len(lines) and not lines[k2]:
            k2 += -1 if side == "prev" else 1
        if 0 <= k2 < len(lines):
            o2 = shape(k2)
            f[side + "2_n=" + _bin(o2["n"], (1, 3, 8, 20))] = 1.0
            f[side + "2_long"] = float(o2["long"])
    return f


def as_kept(lines: list[str], kept: list[tuple[int, str]] | None) -> list[str]:
    """The lines with the rules' kept pieces in place of the lines they come from."""
    if not kept:
        return lines
    out = list(lines)
    for i, text in kept:
        out[i] = text
    return out


def _long_bounds(lines: list[str]) -> tuple[int, int]:
    nonblank = [i for i, line in enumerate(lines) if line]
    first_long = next((i for i in nonblank if C._is_long(lines[i])), len(lines))
    last_long = next((i for i in reversed(nonblank) if C._is_long(lines[i])), -1)
    return first_long, last_long


def article_features(lines: list[str]) -> list[dict[str, Any]]:
    """line_features for every line (blank lines included, as empty dicts' placeholders are not needed)."""
    first_long, last_long = _long_bounds(lines)
    seen: dict[str, int] = {}
    for i, line in enumerate(lines):
        if line:
            seen.setdefault(fold(line), i)
    shapes = [_shape(line) for line in lines]
    return [line_features(lines, i, first_long, last_long, seen, shapes) for i in range(len(lines))]


@dataclass
class LineModel:
    """A fitted DictVectorizer + LogisticRegression and its removal threshold."""

    pipeline: Any
    threshold: float
    meta: dict[str, Any]

    def proba(self, lines: list[str], kept: list[tuple[int, str]] | None = None) -> np.ndarray:
        """P(boilerplate) of every line (0 for blank lines). kept: the rules' (line number, text left), whose
        text replaces the line's (a widget label or list number taken off the start is not seen)."""
        out = np.zeros(len(lines))
        feats = article_features(as_kept(lines, kept))
        idx = [i for i, line in enumerate(lines) if line]
        if idx:
            out[idx] = self.pipeline.predict_proba([feats[i] for i in idx])[:, 1]
        return out


def build_pipeline(seed: int = 0, C_: float = 0.5) -> Any:
    """The untrained DictVectorizer + LogisticRegression (balanced classes)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([("dv", DictVectorizer(sparse=True)),
                     ("clf", LogisticRegression(C=C_, class_weight="balanced", max_iter=3000, random_state=seed))])


@lru_cache(maxsize=2)
def load_line_model(path: str | None = None) -> LineModel | None:
    """The shipped line model, or None (logged) when absent or unreadable: cleaning then uses its rules only."""
    p = Path(path) if path else MODEL_PATH
    if not p.exists():
        log.info("boilerplate: no line model at %s; rules only", p)
        return None
    try:
        import joblib

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bundle = joblib.load(p)
        _stop_words()  # read once here: forked preparation workers inherit it with the model
        return LineModel(bundle["pipeline"], float(bundle["threshold"]), dict(bundle.get("meta", {})))
    except Exception as exc:  # noqa: BLE001 - a broken model file must not stop cleaning
        log.warning("boilerplate: line model %s unreadable (%s: %s); rules only", p, type(exc).__name__, exc)
        return None


# --------------------------------------------------------------------------- gold lines


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def gold_lines(body: str, sentences: list[dict[str, Any]]) -> tuple[list[str], list[int | None]]:
    """The normalised lines of an article body and, per line, 1 (boilerplate), 0 (body) or None (not coded,
    blank, or no words): a line takes the label of most of its words aligned with the coded sentences, when
    at least half its words are aligned."""
    lines, labels, _ = gold_lines_counted(body, sentences)
    return lines, labels


def gold_lines_counted(body: str, sentences: list[dict[str, Any]]
                       ) -> tuple[list[str], list[int | None], list[int]]:
    """gold_lines plus, per line, the number of coded sentences that lie mostly on it (the scorer's unit)."""
    lines = C.normalise_text(body).split("\n")
    gw: list[str] = []
    gl: list[int] = []
    for s in sentences:
        ws = _words(s.get("text", ""))
        gw += ws
        gl += [int(bool(s.get("boilerplate")))] * len(ws)
    lw: list[str] = []
    li: list[int] = []
    for i, line in enumerate(lines):
        ws = _words(line)
        lw += ws
        li += [i] * len(ws)
    gs: list[int] = [k for k, s in enumerate(sentences) for _ in _words(s.get("text", ""))]
    votes = [[0, 0] for _ in lines]
    owner: list[dict[int, int]] = [{} for _ in sentences]
    for a, b, n in difflib.SequenceMatcher(None, gw, lw, autojunk=False).get_matching_blocks():
        for k in range(n):
            votes[li[b + k]][gl[a + k]] += 1
            o = owner[gs[a + k]]
            o[li[b + k]] = o.get(li[b + k], 0) + 1
    counts = [0] * len(lines)
    for o in owner:
        if o:
            counts[max(o, key=o.get)] += 1
    labels: list[int | None] = []
    for i, line in enumerate(lines):
        n = len(_words(line))
        body_v, bp_v = votes[i]
        if not n or body_v + bp_v < 0.5 * n:
            labels.append(None)
        else:
            labels.append(int(bp_v > body_v))
    return lines, labels, counts
