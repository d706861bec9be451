"""Grow the entity gazetteer from what the coders found, scored with grouped cross-validation.

    python -m helpers.entity_learning [--folds 5] [--write] [--final-test]

What is learned from the coded articles (press gold, seeds), into data/lexicons/entities_learned.yml
(merged by `entities.load_gazetteer`; the researcher's entities.yml always wins):

- **entries**: every coded entity whose name and aliases the gazetteer lacks, with its type by
  majority over the articles that code it, its aliases, and the number of articles;
- **ignore**: names that the statistical layer (spaCy's NER after the project's filters and type
  rules) finds in at least `min_fp` training articles and that coders never coded in any of them
  (the layer stays for names nobody listed).

Scores: cross-validation grouped by article (what is learned comes from the training folds only),
the held-out fold scored with the project's reference scorer (helpers.gold_score), beside the
project's gazetteer alone on the same folds. 95 % bootstrap intervals over articles.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from spacy.tokens import Doc

from . import entities as E
from . import gold_score, paths
from .model_card import carry_experiments
from .training_data import GoldArticle, gold_articles

LEARNED_PATH = paths.LEXICONS_DIR / E.LEARNED_FILE
log = logging.getLogger("helpers")
CARD_PATH = Path(__file__).with_name("models") / "entities_card.json"
FILTER_PATH = Path(__file__).with_name("models") / "entity_filter.joblib"
USE_FILTER = True
FILTER_THRESHOLD = 0.5  # keep a model-only name of a scored type when P(coded) >= this (the classifier's own boundary)


# --------------------------------------------------------------------------- learned filter of model-only names


NONE = "NONE"  # the class of a name coders did not code
PROMOTE_THRESHOLD = 0.5  # a MISC name becomes an entity when P(coded) >= this
NOT_PROMOTED = {"licence or law", "gazetteer MISC"}  # MISC by a rule of the codebook (entities.mentions): never promoted


def _word_shape(word: str) -> str:
    shape = re.sub(r"[A-ZÀ-Ý]", "X", word)
    shape = re.sub(r"[a-zß-ÿ]", "x", shape)
    shape = re.sub(r"\d", "d", shape)
    return re.sub(r"(.)\1{2,}", r"\1\1", shape)


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"  # the regular expression \w


def _whole_word_in(word: str, text: str) -> bool:
    r"""Whether `word` occurs in text with no word character on either side (re (?<!\w)word(?!\w), without
    compiling a pattern per name)."""
    if not word:
        return False
    i = text.find(word)
    while i >= 0:
        j = i + len(word)
        if (i == 0 or not _is_word_char(text[i - 1])) and (j >= len(text) or not _is_word_char(text[j])):
            return True
        i = text.find(word, i + 1)
    return False


def _group_features(doc: Doc, ms: list[Any], text: str | None = None) -> dict[str, Any]:
    """Features of one model-only name in one article (all its mentions): the name's form (shape, first and
    last word, suffix letters, a common word written with a capital), the spaCy labels and the rule type with
    its evidence, where the mentions stand (sentence or line start, short line, heading) and the words
    around them (lemmas one and two to the left, one to the right). text: doc.text when the caller has it
    (Doc.text joins every token: build it once per article, not once per name)."""
    if text is None:
        text = doc.text
    canon = str(ms[0].canonical)
    words = canon.split()
    f: dict[str, Any] = {"bias": 1.0, "type=" + str(ms[0].type): 1.0,
                         "n_words=" + str(min(len(words), 4)): 1.0,
                         "n_mentions=" + str(min(len(ms), 3)): 1.0,
                         "digit": float(any(c.isdigit() for c in canon)),
                         "upper": float(canon.isupper() and len(canon) > 1),
                         "lower_word_inside": float(any(w[:1].islower() for w in words[1:])),
                         "conj": float(bool(set(w.lower() for w in words) & {"et", "ou", "de", "du", "des"})),
                         "punct": float(any(c in canon for c in ".[]()/:;")),
                         "short": float(len(canon) <= 3)}
    for m in ms:
        f["label=" + str(m.model_label)] = 1.0
        f["evidence=" + str(getattr(m, "evidence", ""))] = 1.0
    low = canon.lower()
    f["lower_elsewhere"] = float(len(words) == 1 and _whole_word_in(low, text))
    if words:
        first, last = E.fold(words[0]), E.fold(words[-1])
        f["first=" + first] = 0.5
        f["last=" + last] = 0.5
        f["suf3=" + last[-3:]] = 1.0
        f["shape=" + _word_shape(words[-1])] = 1.0
        lex = doc.vocab[last]
        f["common_word"] = float(len(words) == 1 and lex.has_vector)
        f["all_common"] = float(all(doc.vocab[E.fold(w)].has_vector for w in words))
    starts = shorts = line_starts = headings = 0
    pos = []
    for m in ms:
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is None or not len(span):
            continue
        starts += span[0].is_sent_start or span.start == 0
        sent = span.sent
        shorts += len(sent) <= 6
        ls = text.rfind("\n", 0, m.start_char) + 1
        le = text.find("\n", m.end_char)
        line = text[ls: le if le >= 0 else len(text)].strip()
        line_starts += not text[ls:m.start_char].strip()
        headings += bool(line) and line[-1:] not in ".!?»\"" and len(line.split()) <= 12
        pos.append(span[0].pos_)
        for k, i in (("L1", span.start - 1), ("L2", span.start - 2), ("R1", span.end)):
            if 0 <= i < len(doc):
                t = doc[i]
                f[f"{k}={E.fold(t.lemma_) if t.is_alpha else t.text}"] = 1.0
            else:
                f[f"{k}=<edge>"] = 1.0
    n = max(len(ms), 1)
    f["all_sent_start"] = float(starts == len(ms))
    f["share_sent_start"] = starts / n
    f["all_short_sent"] = float(shorts == len(ms))
    f["share_line_start"] = line_starts / n
    f["share_heading"] = headings / n
    for p in set(pos):
        f["pos=" + p] = 1.0
    if len(words) == 1:
        f["w=" + E.fold(canon)] = 0.5
    return f


def _model_groups(mentions: list[Any], types: tuple[str, ...] = (*E.SCORED_TYPES, "MISC")
                  ) -> dict[tuple[str, str], list[Any]]:
    groups: dict[tuple[str, str], list[Any]] = {}
    for m in mentions:
        if m.source == "model" and m.type in types:
            groups.setdefault((m.doc_id, m.canonical), []).append(m)
    return groups


@dataclass
class MentionFilter:
    """A multinomial logistic regression over model-only names (MISC ones included): P(coders code this name
    in this article, and as which type). Names of a scored type with P(coded) < threshold are dropped, MISC
    names with P(coded) >= promote become entities; each kept name takes the most probable type, one per
    name across the corpus (the probabilities summed over its articles)."""

    pipeline: Any
    threshold: float = FILTER_THRESHOLD
    promote: float = PROMOTE_THRESHOLD
    retype: bool = True

    def p_coded(self, X: list[dict[str, Any]]) -> np.ndarray:
        """P(coders code the name) for feature dicts (1 - P(NONE); a two-class filter's P(1))."""
        proba = self.pipeline.predict_proba(X)
        classes = list(self.pipeline.classes_)
        return 1.0 - proba[:, classes.index(NONE)] if NONE in classes else proba[:, classes.index(1)]

    def apply(self, docs: Mapping[str, Doc], mentions: list[Any], texts: Mapping[str, str] | None = None) -> list[Any]:
        """The mentions without the model-only names judged not to be entities, MISC names promoted, types set."""
        groups = _model_groups(mentions)
        if not groups:
            return mentions
        keys = list(groups)
        if texts is None:
            texts = {d: docs[d].text for d in {d for d, _ in keys}}  # once per article
        X = [_group_features(docs[d], groups[(d, c)], texts[d]) for d, c in keys]
        proba = self.pipeline.predict_proba(X)
        classes = list(self.pipeline.classes_)
        if NONE not in classes:  # an old two-class filter (0/1)
            p_keep = proba[:, classes.index(1)]
            drop = {k for k, pk in zip(keys, p_keep, strict=True) if pk < self.threshold and groups[k][0].type != "MISC"}
            return [m for m in mentions if m.source != "model" or (m.doc_id, m.canonical) not in drop]
        types = [c for c in classes if c != NONE]
        p_keep = 1.0 - proba[:, classes.index(NONE)]
        drop: set[tuple[str, str]] = set()
        votes: dict[str, Counter] = {}
        kept: list[tuple[str, str]] = []
        for k, pk, row in zip(keys, p_keep, proba, strict=True):
            misc = groups[k][0].type == "MISC"
            if misc and any(m.evidence in NOT_PROMOTED for m in groups[k]):
                continue
            if (misc and pk < self.promote) or (not misc and pk < self.threshold):
                if not misc:
                    drop.add(k)
                continue
            kept.append(k)
            v = votes.setdefault(k[1], Counter())
            for t in types:
                v[t] += float(row[classes.index(t)])
        if self.retype:
            for k in kept:
                best = max(votes[k[1]].items(), key=lambda kv: kv[1])[0]
                for m in groups[k]:
                    m.type, m.evidence = best, "learned"
        return [m for m in mentions if m.source != "model" or (m.doc_id, m.canonical) not in drop]


def train_filter(arts: list[GoldArticle], docs: Mapping[str, Doc], gaz: E.Gazetteer, seed: int = 0
                 ) -> MentionFilter | None:
    """Learn the filter from the model-only names of these articles (coded or not), None if one class only.
    The class of a name is the type the coders gave it in that article, or NONE."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    X, y = [], []
    for a in arts:
        if a.doc not in docs or not a.entities:
            continue
        gold = _gold_types(a)
        ms = [m for m in _raw_mentions({a.doc: docs[a.doc]}, gaz)]
        text = docs[a.doc].text  # once per article
        for (_, canon), group in _model_groups(ms).items():
            surfaces = {gold_score.fold(canon)} | {gold_score.fold(m.text) for m in group}
            typ = next((gold[x] for x in sorted(surfaces) if x in gold), NONE)
            X.append(_group_features(docs[a.doc], group, text))
            y.append(typ)
    if len(set(y)) < 2 or NONE not in y:
        return None
    pipe = Pipeline([("dv", DictVectorizer()), ("clf", LogisticRegression(C=0.5, max_iter=3000, random_state=seed))])
    pipe.fit(X, y)
    return MentionFilter(pipe)


def _raw_mentions(docs: Mapping[str, Doc], gaz: E.Gazetteer) -> list[Any]:
    """Mentions as entities_table finds them before the learned filter."""
    filters = E.load_filters()
    ms: list[Any] = []
    for d, doc in docs.items():
        ms.extend(E.doc_mentions(d, doc, gaz, filters, drop_single_surnames=False))
    E._group_model_names(ms)
    return [m for m in ms if m.source != "model" or E.name_key(m.canonical) not in gaz.ignore]


@lru_cache(maxsize=2)
def load_mention_filter(path: str | None = None) -> MentionFilter | None:
    """The shipped filter of model-only names, or None when absent or unreadable (logged)."""
    p = Path(path) if path else FILTER_PATH
    if not p.exists():
        return None
    try:
        import joblib

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            b = joblib.load(p)
        return MentionFilter(b["pipeline"], float(b.get("threshold", FILTER_THRESHOLD)),
                             float(b.get("promote", PROMOTE_THRESHOLD)))
    except Exception as exc:  # noqa: BLE001 - a broken file must not stop the entity layer
        log.warning("entity filter %s unreadable (%s: %s): not used", p, type(exc).__name__, exc)
        return None


@dataclass
class Learned:
    """What the coders' entities teach the gazetteer."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    filter: MentionFilter | None = None

    def gazetteer(self, base: E.Gazetteer) -> E.Gazetteer:
        """The base gazetteer with these entries (those whose names it lacks) and this ignore list."""
        known = {E.name_key(a) for e in base.entries for a in (e.canonical, *e.aliases)}
        extra = []
        for d in self.entries:
            names = [d["canonical"], *d.get("aliases", [])]
            if {E.name_key(n) for n in names} & known:
                continue
            extra.append(E.Entry(canonical=d["canonical"], type=d["type"], aliases=tuple(d.get("aliases", []))))
        return E.Gazetteer([*base.entries, *extra], ignore=[*base.ignore, *self.ignore])


def learn_entries(arts: list[GoldArticle], base: E.Gazetteer) -> list[dict[str, Any]]:
    """Coded entities the base gazetteer does not know: canonical (most frequent spelling), type by majority,
    aliases, number of articles."""
    by_key: dict[str, dict[str, Any]] = {}
    for a in arts:
        for ent in a.entities:
            name = str(ent.get("name", "")).strip()
            typ = str(ent.get("type", "")).upper()
            if not name or typ not in E.SCORED_TYPES:
                continue
            names = [name, *(str(x).strip() for x in ent.get("aliases", []) or [] if str(x).strip())]
            if any(base.lookup(n) for n in names):
                continue
            key = E.name_key(name)
            if len(key) < 3:  # one- or two-letter names ("X") would match everywhere: left to the model layer
                continue
            d = by_key.setdefault(key, {"spellings": Counter(), "types": Counter(), "aliases": set(), "docs": set()})
            d["spellings"][name] += 1
            d["types"][typ] += 1
            d["aliases"].update(names)
            d["docs"].add(a.group)
    out = []
    for d in by_key.values():
        canonical = d["spellings"].most_common(1)[0][0]
        typ = sorted(d["types"].items(), key=lambda kv: (-kv[1], E.SCORED_TYPES.index(kv[0])))[0][0]
        aliases = sorted({x for x in d["aliases"] if E.fold(x) != E.fold(canonical)})
        out.append({"canonical": canonical, "type": typ, "aliases": aliases, "n_articles": len(d["docs"]),
                    "types_coded": dict(d["types"])})
    out.sort(key=lambda d: (-d["n_articles"], d["canonical"]))
    # a name belongs to one entity: an alias already taken by an entry coded in more articles (or first in order)
    # is dropped ("Angers" the city and "Angers SCO" the club, alias "Angers")
    owned = {E.name_key(d["canonical"]) for d in out}  # canonical names are unique (grouped by key above)
    for d in out:
        d["aliases"] = [x for x in d["aliases"] if E.name_key(x) not in owned]
        owned |= {E.name_key(x) for x in d["aliases"]}
    return out


def _gold_types(a: GoldArticle) -> dict[str, str]:
    """Folded name or alias -> coded type, in one article."""
    out: dict[str, str] = {}
    for e in a.entities:
        typ = str(e.get("type", "")).upper()
        for n in (e.get("name", ""), *(e.get("aliases") or [])):
            out.setdefault(gold_score.fold(n), typ)
    return out


def _gold_names(a: GoldArticle) -> set[str]:
    return {gold_score.fold(n) for e in a.entities for n in (e.get("name", ""), *(e.get("aliases") or []))}


def learn_ignore(arts: list[GoldArticle], docs: Mapping[str, Doc], gaz: E.Gazetteer, min_fp: int = 2) -> list[str]:
    """Model-layer names predicted in >= min_fp training articles and coded in none of the articles they occur in."""
    fp: Counter[str] = Counter()
    tp: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    coded = [a for a in arts if a.entities and a.doc in docs]
    if not coded:
        return []
    mentions = E.scored(E.entities_table({a.doc: docs[a.doc] for a in coded}, gazetteer=gaz, mention_filter=False))
    for a in coded:
        gold = _gold_names(a)
        m = mentions[mentions["doc_id"] == a.doc]
        for canon, grp in m.groupby("canonical"):
            surfaces = {gold_score.fold(canon)} | {gold_score.fold(t) for t in grp["text"]}
            key = E.name_key(canon)
            spelled.setdefault(key, str(canon))
            if surfaces & gold:
                tp[key] += 1
            elif (grp["source"] == "model").all():
                fp[key] += 1
    return sorted(spelled[k] for k, n in fp.items() if n >= min_fp and tp[k] == 0)


def learn(arts: list[GoldArticle], docs: Mapping[str, Doc], base: E.Gazetteer, min_fp: int = 2) -> Learned:
    """Entries and ignore list learned from these articles."""
    learned = Learned(entries=learn_entries(arts, base))
    learned.ignore = learn_ignore(arts, docs, learned.gazetteer(base), min_fp=min_fp)
    if USE_FILTER:  # trained on the base gazetteer's model-only names: with the entries learned from the same
        # articles, their coded names would no longer be model-only, and the filter would learn to drop them all
        learned.filter = train_filter(arts, docs, E.Gazetteer(base.entries, ignore=learned.ignore))
    return learned


# --------------------------------------------------------------------------- scoring


def score_entities(arts: list[GoldArticle], docs: Mapping[str, Doc], gaz: E.Gazetteer,
                   mention_filter: MentionFilter | None = None) -> list[dict[str, Any]]:
    """Per article tp, fp, fn of the reference scorer's entity layer with this gazetteer (and filter)."""
    from .tables import sentences_table

    sub = {a.doc: docs[a.doc] for a in arts if a.doc in docs}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        sentences_table(sub).to_csv(out / "sentences.csv", index=False)
        E.entities_table(sub, gazetteer=gaz, mention_filter=mention_filter or False).to_csv(
            out / "entities.csv", index=False)
        _, _, _, ents = gold_score.load_export(out)
        for a in arts:
            if a.doc not in sub:
                continue
            gold = out / "gold.jsonl"
            gold.write_text(json.dumps({"doc": a.doc, "sentences": [], "entities": a.entities},
                                       ensure_ascii=False) + "\n", encoding="utf-8")
            r = gold_score.score(out, gold)["entities"]
            row = {"doc": a.doc, "source": a.source, "tp": r["tp"], "fp": r["fp"], "fn": r["fn"]}
            row.update(typed_counts(ents.get(gold_score.base(a.doc), {}), a.entities,
                                    listed=lambda names: any(gaz.lookup(n) for n in names)))
            rows.append(row)
    return rows


def typed_counts(pred: Mapping[str, tuple[str, str, set[str]]], gold: list[dict[str, Any]],
                 listed: Any = None) -> dict[str, int]:
    """Per-type counts of one article, matched as the reference scorer matches (a gold entity takes the first
    predicted name whose folded canonical or surface is one of its names): for each type T, `gold_T` and
    `hit_T` (gold entities of type T, matched), `pred_T` and `ok_T` (predicted names of type T, matched), and
    `typed_tp_T` (matched with the same type); pred is gold_score.load_export's entities of the article.
    listed(names) -> bool: whether the gazetteer lists one of a gold entity's names; with it, `gold_unlisted`
    and `hit_unlisted` count the coded entities it does not list (what the statistical layer must find)."""
    c: Counter[str] = Counter()
    matched: dict[str, str] = {}
    for ge in gold:
        names = {gold_score.fold(ge["name"])} | {gold_score.fold(x) for x in ge.get("aliases", [])}
        gt = str(ge.get("type", "")).upper()
        c["gold_" + gt] += 1
        hit = next((k for k, (_, _, surf) in pred.items() if k in names or surf & names), None)
        unlisted = listed is not None and not listed([ge["name"], *ge.get("aliases", [])])
        c["gold_unlisted"] += unlisted
        c["hit_unlisted"] += unlisted and hit is not None
        if hit is not None:
            c["hit_" + gt] += 1
            matched.setdefault(hit, gt)
            c["typed_tp_" + gt] += (pred[hit][1] or "").upper() == gt
    for k, (_, typ, _) in pred.items():
        t = (typ or "").upper()
        c["pred_" + t] += 1
        c["ok_" + t] += k in matched
    return dict(c)


def per_type(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per type: precision (predicted names of the type that match a coded entity), recall (coded entities of
    the type that are found, whatever the predicted type), typed F1 (a match counts only with the same type),
    and the type accuracy of matched entities."""
    tot: Counter[str] = Counter()
    for r in rows:
        tot.update({k: v for k, v in r.items() if isinstance(v, int) and not isinstance(v, bool)})
    out: dict[str, Any] = {}
    for t in E.SCORED_TYPES:
        p = tot["ok_" + t] / tot["pred_" + t] if tot["pred_" + t] else 0.0
        r = tot["hit_" + t] / tot["gold_" + t] if tot["gold_" + t] else 0.0
        tp = tot["typed_tp_" + t]
        tp_fp_fn = gold_score.prf(tp, tot["pred_" + t] - tp, tot["gold_" + t] - tp)
        out[t] = {"p": round(p, 4), "r": round(r, 4), "typed_f1": round(tp_fp_fn[2], 4),
                  "type_accuracy": round(tp / tot["hit_" + t], 4) if tot["hit_" + t] else 0.0,
                  "gold": tot["gold_" + t], "predicted": tot["pred_" + t]}
    tp = sum(tot["typed_tp_" + t] for t in E.SCORED_TYPES)
    n_pred = sum(tot["pred_" + t] for t in E.SCORED_TYPES)
    n_gold = sum(tot["gold_" + t] for t in E.SCORED_TYPES)
    out["typed_f1"] = round(gold_score.prf(tp, n_pred - tp, n_gold - tp)[2], 4)
    hits = sum(tot["hit_" + t] for t in E.SCORED_TYPES)
    out["type_accuracy"] = round(tp / hits, 4) if hits else 0.0
    if tot["gold_unlisted"]:
        out["unlisted"] = {"gold": tot["gold_unlisted"],
                           "recall": round(tot["hit_unlisted"] / tot["gold_unlisted"], 4)}
    return out


def summarise(rows: list[dict[str, Any]], n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Pooled P, R, F1 with a 95 % bootstrap interval of F1 over articles."""
    if not rows:
        return {}
    arr = np.array([[r["tp"], r["fp"], r["fn"]] for r in rows], dtype=float)

    def f1(a: np.ndarray) -> tuple[float, float, float]:
        return gold_score.prf(*a.sum(axis=0))

    p, r, f = f1(arr)
    rng = np.random.default_rng(seed)
    boots = [f1(arr[rng.integers(0, len(arr), len(arr))])[2] for _ in range(n_boot)]
    return {"p": round(p, 4), "r": round(r, 4),
            "f1": {"mean": round(f, 4), "ci": [round(float(np.percentile(boots, 2.5)), 4),
                                                round(float(np.percentile(boots, 97.5)), 4)]},
            "tp": int(arr[:, 0].sum()), "fp": int(arr[:, 1].sum()), "fn": int(arr[:, 2].sum()), "n_articles": len(arr),
            "per_type": per_type(rows)}


def parse_articles(arts: list[GoldArticle], model: str | None = None) -> dict[str, Doc]:
    """Clean and parse the articles as the pipeline does (parse cache used)."""
    from .clean import clean_text
    from .nlp import DEFAULT_MODEL, parse_texts

    texts = {a.doc: clean_text(a.body).text for a in arts}
    docs, _ = parse_texts(texts, model or DEFAULT_MODEL, progress=False)
    return docs


def cross_validate(arts: list[GoldArticle], docs: Mapping[str, Doc], n_splits: int = 5, seed: int = 0,
                   min_fp: int = 2, tune: bool = False) -> dict[str, Any]:
    """Grouped CV: learned from the training folds, scored on the held-out fold; beside the base gazetteer
    (and, with tune, beside the filter at its fixed 0.5 thresholds: the tuned ones come from inner folds)."""
    from sklearn.model_selection import GroupKFold

    from .entity_tuning import choose_thresholds

    base = E.load_gazetteer(learned=False)
    coded = [a for a in arts if a.entities]
    k = min(n_splits, len(coded))
    learned_rows, fixed_rows, base_rows, sizes = [], [], [], []
    idx = np.arange(len(coded))
    for tr, te in GroupKFold(n_splits=k).split(idx, idx, idx):
        train, test = [coded[i] for i in tr], [coded[i] for i in te]
        lr = learn(train, docs, base, min_fp=min_fp)
        size: dict[str, Any] = {"entries": len(lr.entries), "ignore": len(lr.ignore)}
        if lr.filter is not None and tune:
            fixed_rows += score_entities(test, docs, lr.gazetteer(base), lr.filter)
            (lr.filter.threshold, lr.filter.promote), _ = choose_thresholds(train, docs, base, min_fp=min_fp, seed=seed)
            size.update(threshold=lr.filter.threshold, promote=lr.filter.promote)
        sizes.append(size)
        learned_rows += score_entities(test, docs, lr.gazetteer(base), lr.filter)
        base_rows += score_entities(test, docs, base)
    out = {"scheme": f"{k}-fold GroupKFold by article over entity-coded articles; learned from training folds only"
                     + ("; the filter's thresholds chosen by an inner 4-fold CV of each outer training part"
                        if tune else ""),
           "learned": summarise(learned_rows, seed=seed), "gazetteer_only": summarise(base_rows, seed=seed),
           "learned_sizes_per_fold": sizes}
    if fixed_rows:
        out["learned_fixed_thresholds"] = summarise(fixed_rows, seed=seed)
    return out


def write_learned(learned: Learned, path: Path = LEARNED_PATH, sources: str = "") -> Path:
    """Write entities_learned.yml (entries with their evidence, then the ignore list)."""
    header = (
        "# Entities learned from the coders' annotations (helpers.entity_learning; regenerate, do not edit:\n"
        "# move an entry to entities.yml to make it yours, which then wins).\n"
        f"# Learned from: {sources}\n"
        "# entries: coded names entities.yml lacks (type by majority; n_articles = articles coding it).\n"
        "# ignore: names the statistical layer finds that coders never coded (left out of the tables).\n")
    data = {"entities": [{"canonical": d["canonical"], "type": d["type"],
                          **({"aliases": d["aliases"]} if d["aliases"] else {}),
                          "notes": f"learned: coded in {d['n_articles']} article(s) {d['types_coded']}"}
                         for d in learned.entries],
            "ignore": learned.ignore}
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    E.load_gazetteer.cache_clear()
    return path


def run(n_splits: int = 5, seed: int = 0, write: bool = False, final_test: bool = False, min_fp: int = 2,
        echo=print, tune: bool = False) -> dict[str, Any]:
    """Cross-validate; with write, learn from every training article and write entities_learned.yml (with tune,
    the filter's thresholds are chosen by inner folds, in each outer fold and then on all training articles)."""
    start = time.perf_counter()
    arts = [a for a in gold_articles(sources=("seeds", "press")) if a.entities]
    if not arts:
        raise ValueError("no entity-coded article found")
    test = gold_articles(sources=("press",), splits=("final_test",)) if final_test else []
    docs = parse_articles(arts + test)
    card: dict[str, Any] = {"data": {"n_articles": len(arts), "by_source": dict(Counter(a.source for a in arts)),
                                     "n_entities": sum(len(a.entities) for a in arts)},
                            "cv": cross_validate(arts, docs, n_splits=n_splits, seed=seed, min_fp=min_fp, tune=tune),
                            "min_fp": min_fp, "goal": "entities F1 >= 0.95 on unseen articles"}
    base = E.load_gazetteer(learned=False)
    if write or final_test:
        learned = learn(arts, docs, base, min_fp=min_fp)
        card["learned"] = {"entries": len(learned.entries), "ignore": len(learned.ignore)}
        if learned.filter is not None and tune:
            from .entity_tuning import choose_thresholds

            (learned.filter.threshold, learned.filter.promote), table = choose_thresholds(arts, docs, base,
                                                                                          min_fp=min_fp, seed=seed)
            card["learned"].update(threshold=learned.filter.threshold, promote=learned.filter.promote,
                                   inner_cv=table)
        if write:
            write_learned(learned, sources=", ".join(f"{k} {v}" for k, v in card["data"]["by_source"].items()))
            if learned.filter is not None:
                import joblib

                FILTER_PATH.parent.mkdir(parents=True, exist_ok=True)
                joblib.dump({"pipeline": learned.filter.pipeline, "threshold": learned.filter.threshold,
                             "promote": learned.filter.promote},
                            FILTER_PATH, compress=3)
                load_mention_filter.cache_clear()
        if test:
            card["final_test"] = {"learned": summarise(score_entities(test, docs, learned.gazetteer(base),
                                                                      learned.filter)),
                                  "gazetteer_only": summarise(score_entities(test, docs, base))}
    card["seconds"] = round(time.perf_counter() - start, 1)
    cv = card["cv"]
    echo(f"entities: CV F1 learned {cv['learned'].get('f1')} vs gazetteer only {cv['gazetteer_only'].get('f1')}")
    return card


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-fp", type=int, default=2)
    ap.add_argument("--write", action="store_true", help="write data/lexicons/entities_learned.yml and the card")
    ap.add_argument("--final-test", action="store_true", help="also score once on the press gold's final_test split")
    ap.add_argument("--tune-thresholds", action="store_true",
                    help="choose the filter's thresholds on inner folds instead of 0.5 (tried: no gain, see the card)")
    a = ap.parse_args(argv)
    try:
        card = run(a.folds, a.seed, a.write, a.final_test, a.min_fp, tune=a.tune_thresholds)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if a.write:
        CARD_PATH.parent.mkdir(parents=True, exist_ok=True)
        carry_experiments(card, CARD_PATH)
        CARD_PATH.write_text(json.dumps(card, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in card.items() if k != "cv"}, ensure_ascii=False))
    print(json.dumps(card["cv"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
