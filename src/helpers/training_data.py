"""The coded articles the learned layers train on, read from the project's gold files.

    arts = gold_articles()                 # seeds + dev + press gold (when rebuilt), with their texts
    off = offtopic_articles()              # the off-topic press corpus (../shared/press), read in place

Sources (CODEBOOK.md section 6 format):
- `seeds`: data/annotations/seeds.jsonl, texts in data/raw/;
- `dev`: data/annotations/dev/dev.jsonl, texts in data/annotations/dev/corpus/;
- `press`: data/processed/press_gold.jsonl (rebuilt by helpers.annotations, git-ignored), texts in
  data/external/press_ai/ (git-ignored); each article has `relevance` and `split` (train or final_test).
The held-out set (data/annotations/heldout) is never read here: it is score-only.
Third-party texts are read where they are, never copied.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .corpus import read_folder

log = logging.getLogger("helpers")

PRESS_GOLD = paths.PROCESSED_DIR / "press_gold.jsonl"
PRESS_TEXTS = paths.DATA_DIR / "external" / "press_ai"
SOURCES = {
    "seeds": (paths.ANNOTATIONS_DIR / "seeds.jsonl", paths.RAW_DIR),
    "dev": (paths.ANNOTATIONS_DIR / "dev" / "dev.jsonl", paths.ANNOTATIONS_DIR / "dev" / "corpus"),
}


@dataclass
class GoldArticle:
    """One coded article with its body text (header block removed, as the loader reads it)."""

    doc: str
    source: str  # seeds, dev or press
    body: str
    sentences: list[dict[str, Any]]
    entities: list[dict[str, Any]] = field(default_factory=list)
    relevance: str = "on_topic"
    split: str = "train"
    url: str = ""

    @property
    def group(self) -> str:
        """The cross-validation group (one article)."""
        return f"{self.source}:{self.doc}"


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except ValueError as exc:
            log.warning("%s line %d: not JSON (%s): skipped", path, n, exc)
    return rows


def _bodies(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {a.doc_id: a.text for a in read_folder(folder).articles}


def gold_articles(sources: tuple[str, ...] = ("seeds", "dev", "press"), press_gold: Path | None = None,
                  press_texts: Path | None = None, splits: tuple[str, ...] = ("train",)) -> list[GoldArticle]:
    """The coded articles of the given sources whose text is found (press: only the given splits)."""
    out: list[GoldArticle] = []
    for src in sources:
        if src == "press":
            gold, texts = press_gold or PRESS_GOLD, press_texts or PRESS_TEXTS
        else:
            gold, texts = SOURCES[src]
        if not gold.exists():
            if src == "press":
                log.info("no press gold at %s (rebuild it with helpers.annotations); training without it", gold)
            continue
        bodies = _bodies(texts)
        for g in _read_jsonl(gold):
            doc = str(g.get("doc", ""))
            split = str(g.get("split") or "train")
            if src == "press" and split not in splits:
                continue
            body = bodies.get(doc)
            if body is None:
                log.warning("%s: text of %s not found in %s: skipped", gold, doc, texts)
                continue
            out.append(GoldArticle(doc=doc, source=src, body=body, sentences=list(g.get("sentences", [])),
                                   entities=list(g.get("entities", [])),
                                   relevance=str(g.get("relevance") or "on_topic"), split=split,
                                   url=str(g.get("url", ""))))
    return out


def offtopic_dir() -> Path | None:
    """The off-topic press corpus folder: $HELPERS_OFFTOPIC_DIR, else ../shared/press beside the project."""
    env = os.environ.get("HELPERS_OFFTOPIC_DIR")
    candidates = [Path(env)] if env else []
    root = paths.PROJECT_ROOT
    candidates += [root.parent / "shared" / "press", root.parent.parent / "shared" / "press"]
    return next((p for p in candidates if p.is_dir()), None)


def offtopic_articles(folder: Path | None = None, limit: int | None = None) -> dict[str, str]:
    """doc_id -> body of the off-topic corpus (read in place; its README left out); {} when it is absent."""
    folder = folder or offtopic_dir()
    if folder is None:
        log.info("no off-topic corpus found (set HELPERS_OFFTOPIC_DIR); training without it")
        return {}
    bodies = {d: t for d, t in _bodies(folder).items() if not Path(d).name.lower().startswith("readme")}
    if limit is not None:
        bodies = dict(list(bodies.items())[:limit])
    return bodies
