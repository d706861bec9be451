"""The per-article store: parse once, annotate once, keep each article's rows as Parquet parts.

    store = Store.open(model, cache_dir=None)        # <root>/<model key>/<annotation version>/
    missing = store.missing(keys)                     # content keys with no stored rows yet
    process_partition(items, model, ...)              # parse (or read the parse cache), annotate, write a part
    store.read_table(name, keys)                      # one table, rows of those keys

Two caches, keyed separately so that a lexicon change re-annotates without re-parsing:
- the parse cache (helpers.nlp): one DocBin per article, keyed by its text, the model and its version;
- annotation parts: the rows of a partition of articles, one Parquet file per table, under a folder
  named by the model and the *annotation version*, a hash of the lexicons (data/lexicons/*), the
  trained models (src/helpers/models/*) and the source of the modules that annotate.

Rows in parts carry the article's content key in the doc_id column; the corpus replaces it with the
doc_id when it assembles its tables (an article renamed or shared by two corpora is not redone).
Every file is written to a temporary name then renamed (os.replace), with the usual permissions
(umask). A part that cannot be read is deleted with a message and its articles are done again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import nlp as nlp_mod
from . import paths

log = logging.getLogger("helpers")

# The tables of a part. "docinfo" is written last: a part is complete when its docinfo exists.
PART_TABLES = ("sentences", "tokens", "mentions", "quotes", "frames", "devices", "stances", "names")
DOCINFO = "docinfo"
# Modules whose source does not change any stored row (presentation, scoring, orchestration).
NOT_ANNOTATING = {"viz", "display", "report", "cli", "gold_score", "validation", "export", "coding", "formats",
                  "trends", "outlets", "distributed", "pipeline", "corpus", "clean", "paths", "__main__",
                  "__init__", "templates",
                  # the textometry modules that only compute corpus-level results from stored tables (terms and
                  # names annotate: an article stores its name candidates)
                  "textometry/units", "textometry/frequencies", "textometry/keyness", "textometry/kwic", "textometry/collocations",
                  "textometry/examples", "textometry/remarks", "textometry/results", "textometry/__init__",
                  # figures and corpus-level summaries of the annotating packages
                  "entities/plots", "entities/summary", "stance/plots", "framing/plots"}
MENTION_COLUMNS = ["doc_id", "sent_id", "text", "canonical", "type", "start_char", "end_char", "source",
                   "model_label", "evidence"]
NAME_COLUMNS = ["doc_id", "label", "key", "surface"]
DOCINFO_COLUMNS = ["doc_id", "n_tokens", "n_sentences", "parsed"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file and os.replace; permissions follow the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parquet_bytes(df: pd.DataFrame | pa.Table) -> bytes:
    """A DataFrame (or Arrow table) as Parquet bytes (zstd)."""
    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, preserve_index=False)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def store_root(cache_dir: str | Path | None = None) -> Path:
    """The store folder: $HELPERS_STORE_DIR, else <cache_dir>/store when a parse cache folder is given
    (argument or $HELPERS_CACHE_DIR), else data/processed/store."""
    env = os.environ.get("HELPERS_STORE_DIR")
    if env:
        return Path(env)
    if cache_dir:
        return Path(cache_dir) / "store"
    if os.environ.get("HELPERS_CACHE_DIR"):
        return Path(os.environ["HELPERS_CACHE_DIR"]) / "store"
    return paths.PROCESSED_DIR / "store"


def _hash_files(h, files: Iterable[Path], root: Path) -> None:
    for f in sorted(files):
        if f.is_file() and not f.name.startswith(".") and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(f.read_bytes())
            h.update(b"\0")


@lru_cache(maxsize=8)
def _annotation_version(lexicons: str, package: str, mtimes: tuple) -> str:  # noqa: ARG001 - mtimes invalidate
    h = hashlib.sha256()
    lex = Path(lexicons)
    if lex.is_dir():
        _hash_files(h, lex.rglob("*"), lex)
    pkg = Path(package)
    models = pkg / "models"
    if models.is_dir():
        _hash_files(h, models.rglob("*"), pkg)
    sources = [p for p in pkg.rglob("*.py") if p.relative_to(pkg).parts[0].removesuffix(".py") not in NOT_ANNOTATING
               and p.relative_to(pkg).with_suffix("").as_posix() not in NOT_ANNOTATING]
    _hash_files(h, sources, pkg)
    h.update(nlp_mod.PIPELINE_REVISION.encode())
    return h.hexdigest()[:20]


def annotation_version(lexicons_dir: str | Path | None = None) -> str:
    """Hash of the lexicons, the trained models and the annotating modules' source (changes re-annotate)."""
    lex = Path(lexicons_dir or paths.LEXICONS_DIR)
    pkg = Path(__file__).resolve().parent
    watched = [*(lex.rglob("*") if lex.is_dir() else []), *pkg.rglob("*.py"),
               *((pkg / "models").rglob("*") if (pkg / "models").is_dir() else [])]
    mtimes = tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in watched if p.is_file()))
    from .learning.shipped import resolve_detector

    # the chosen detector is part of the version (rules and learned rows differ); the model file's presence says
    # which, without loading it (an unreadable file falls back to the rules when annotating, with a warning, and
    # its repair changes the file, hence the version)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detectors = (resolve_detector(None, "stance", load=False), resolve_detector(None, "frames", load=False))
    base = _annotation_version(str(lex), str(pkg), mtimes)
    return hashlib.sha256(f"{base}|{'/'.join(detectors)}".encode()).hexdigest()[:len(base)]


def table_columns(name: str) -> list[str]:
    """The columns of a stored table (for an empty corpus)."""
    from . import entities, framing, stance, tables

    return {"sentences": tables.SENTENCE_COLUMNS, "tokens": tables.TOKEN_COLUMNS, "mentions": MENTION_COLUMNS,
            "quotes": entities.QUOTE_COLUMNS, "frames": framing.FRAME_COLUMNS, "devices": framing.DEVICE_COLUMNS,
            "stances": stance.STANCE_COLUMNS, "names": NAME_COLUMNS, DOCINFO: DOCINFO_COLUMNS}[name]


# --------------------------------------------------------------------------- annotating one article

# articles annotated together: each table is built once per group instead of once per article (a DataFrame costs
# about as much to build for one article as for eight), and a group fits the per-Doc caches (helpers.doccache:
# 8 Docs), so frames, devices and stance reuse each other's work on every article of the group
ANNOTATE_GROUP = 8


def annotate_doc(key: str, doc) -> dict[str, pd.DataFrame]:
    """Every per-article table of one parsed article (doc_id column = content key)."""
    return annotate_docs([(key, doc)])


def annotate_docs(items: Sequence[tuple[str, object]]) -> dict[str, pd.DataFrame]:
    """Every per-article table of a few parsed articles ((content key, Doc) pairs, at most ANNOTATE_GROUP), the
    rows of each article in the order given (the same rows as annotate_doc on each, concatenated)."""
    from . import entities, framing, stance, tables, textometry
    from .entity_learning import load_mention_filter

    docs = dict(items)
    out: dict[str, pd.DataFrame] = {}
    out["sentences"] = tables.sentences_table(docs)
    out["tokens"] = tables.tokens_table(docs, categories=False)
    gaz, filters, mention_filter = entities.load_gazetteer(), entities.load_filters(), load_mention_filter()
    mention_rows, quote_rows, name_rows, info_rows = [], [], [], []
    quote_lexicon = entities.load_quote_lexicon()
    for key, doc in docs.items():
        text = doc.text
        mentions = entities.doc_mentions(key, doc, gaz, filters, drop_single_surnames=not mention_filter, text=text)
        # the learned entity layer, as entities.entities_table applies it (model names grouped within the article
        # here, then over the corpus by tables.group_mentions)
        mentions = entities.learned_layer({key: doc}, mentions, gaz, mention_filter, {key: text})
        mention_rows += [(m.doc_id, m.sent_id, m.text, m.canonical, m.type, m.start_char, m.end_char, m.source,
                          m.model_label, m.evidence) for m in mentions]
        quotes = entities._doc_quotes(key, doc, mentions, quote_lexicon, text)
        quote_rows += [[getattr(q, c) if c != "n_words" else len(q.quote.split()) for c in entities.QUOTE_COLUMNS]
                       for q in quotes]
    out["mentions"] = pd.DataFrame(mention_rows, columns=MENTION_COLUMNS)
    out["quotes"] = pd.DataFrame(quote_rows, columns=entities.QUOTE_COLUMNS)
    frames = framing.frames_table(docs)
    out["frames"] = frames
    out["devices"] = framing.devices_table(docs)
    out["stances"] = stance.stance_table(docs, frames=frames)
    for key, doc in docs.items():
        name_rows += [(key, *r) for r in textometry.name_patterns_rows(doc)]
        n_tokens = sum(1 for t in doc if not t.is_punct and not t.is_space)
        info_rows.append((key, n_tokens, len(tables.sentence_bounds(doc)), False))
    out["names"] = pd.DataFrame(name_rows, columns=NAME_COLUMNS)
    out[DOCINFO] = pd.DataFrame(info_rows, columns=DOCINFO_COLUMNS)
    return out


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    nonempty = [f for f in frames if len(f)]
    if not nonempty:
        return frames[0].iloc[:0] if frames else pd.DataFrame()
    return pd.concat(nonempty, ignore_index=True) if len(nonempty) > 1 else nonempty[0].reset_index(drop=True)


@dataclass
class PartResult:
    """What one partition produced: counts, and (when not written by the worker) the files' bytes."""

    part_id: str
    keys: list[str]
    parsed: int = 0
    from_parse_cache: int = 0
    seconds: float = 0.0
    cpu_parse: float = 0.0  # CPU seconds of this worker in nlp.pipe (and reading the parse cache)
    cpu_annotate: float = 0.0  # CPU seconds in annotate_doc
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> bytes (write=False)


def part_id_of(keys: Sequence[str]) -> str:
    """A part's name: hash of its sorted content keys."""
    return hashlib.sha1("\n".join(sorted(keys)).encode()).hexdigest()[:16]


# nlp.pipe's batch size inside a partition: 4, not 16, holds a worker's parsing memory to ~0.15 GB instead of
# ~0.4 GB, same parses (benchmarks/README.md)
PARSE_BATCH = 4


def process_partition(items: Sequence[tuple[str, str]], model: str, parse_cache: str, part_dir: str,
                      write: bool = True, batch_size: int = PARSE_BATCH) -> PartResult:
    """Parse (or read from the parse cache) and annotate a partition of (content key, text) items.

    With write=True the DocBins and the part's Parquet files are written here (a worker on the same file
    system); with write=False their bytes are returned for the caller to write (a remote worker).
    The pipeline is loaded once per process (helpers.nlp.load_pipeline is cached).
    """
    from spacy.tokens import DocBin

    start = time.perf_counter()
    nlp = nlp_mod.load_pipeline(model)
    keys = [k for k, _ in items]
    start_cpu = time.process_time()
    result = PartResult(part_id=part_id_of(keys), keys=keys)
    cache = Path(parse_cache)
    cached: dict[str, object] = {}
    todo: list[tuple[str, str]] = []
    for key, text in items:
        path = nlp_mod.cache_path_for_key(cache, model, key)
        if path.exists():
            try:
                cached[key] = next(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab))
                continue
            except Exception:  # noqa: BLE001 - a corrupt parse entry is parsed again
                log.warning("parse cache entry %s unreadable: parsed again", path)
                path.unlink(missing_ok=True)
        todo.append((key, text))
    parsed_stream = nlp_mod.pipe_any_length(nlp, [t for _, t in todo], batch_size=batch_size)
    pieces: dict[str, list[pd.DataFrame]] = {name: [] for name in (*PART_TABLES, DOCINFO)}
    todo_keys = {k for k, _ in todo}
    todo_iter = iter(todo)

    def docs_in_order():
        for key, _ in items:
            if key in todo_keys:
                k, _t = next(todo_iter)
                c0 = time.process_time()
                doc = next(parsed_stream)
                result.cpu_parse += time.process_time() - c0
                db = DocBin(store_user_data=True)
                db.add(doc)
                rel = nlp_mod.cache_path_for_key(Path(""), model, k)
                if write:
                    atomic_write_bytes(cache / rel, db.to_bytes())
                else:
                    result.files[f"parses/{rel.as_posix()}"] = db.to_bytes()
                yield k, doc, True
            else:
                yield key, cached.pop(key), False

    result.cpu_parse += time.process_time() - start_cpu
    group: list[tuple[str, object, bool]] = []

    def annotate_group() -> None:
        c0 = time.process_time()
        tables = annotate_docs([(k, d) for k, d, _ in group])
        result.cpu_annotate += time.process_time() - c0
        tables[DOCINFO].loc[:, "parsed"] = [p for _, _, p in group]
        for name, df in tables.items():
            pieces[name].append(df)
        result.parsed += sum(p for _, _, p in group)
        result.from_parse_cache += sum(not p for _, _, p in group)
        group.clear()

    for key, doc, was_parsed in docs_in_order():
        group.append((key, doc, was_parsed))
        del doc
        if len(group) >= ANNOTATE_GROUP:
            annotate_group()
    if group:
        annotate_group()
    for name in (*PART_TABLES, DOCINFO):  # docinfo last: it marks the part complete
        data = parquet_bytes(_concat(pieces[name]))
        rel = f"{result.part_id}.{name}.parquet"
        if write:
            atomic_write_bytes(Path(part_dir) / rel, data)
        else:
            result.files[f"parts/{rel}"] = data
    result.seconds = time.perf_counter() - start
    return result


def write_result(result: PartResult, parse_cache: Path, part_dir: Path) -> None:
    """Write the files a remote worker returned (parse cache entries, then the part, docinfo last)."""
    for rel, data in sorted(result.files.items(), key=lambda kv: kv[0].endswith(f".{DOCINFO}.parquet")):
        kind, _, rest = rel.partition("/")
        atomic_write_bytes((parse_cache if kind == "parses" else part_dir) / rest, data)
    result.files.clear()


# --------------------------------------------------------------------------- the store

@dataclass
class Store:
    """The annotation parts of one model under one annotation version."""

    root: Path
    model: str
    model_key: str
    version: str
    parse_cache: Path

    @classmethod
    def open(cls, model: str, cache_dir: str | Path | None = None) -> Store:
        """The store for a model (the pipeline is loaded to read its version)."""
        parse_cache = Path(cache_dir) if cache_dir else paths.parse_cache_dir()
        return cls(root=store_root(cache_dir), model=model, model_key=nlp_mod.model_key(model),
                   version=annotation_version(), parse_cache=parse_cache)

    @property
    def part_dir(self) -> Path:
        return self.root / self.model_key / self.version

    def index(self) -> dict[str, str]:
        """content key -> part id, from every complete part (its docinfo file); unreadable ones removed."""
        out: dict[str, str] = {}
        if not self.part_dir.is_dir():
            return out
        for f in sorted(self.part_dir.glob(f"*.{DOCINFO}.parquet")):
            part = f.name.split(".", 1)[0]
            try:
                keys = pq.read_table(f, columns=["doc_id"]).column("doc_id").to_pylist()
                for t in PART_TABLES:  # the footer of every table file must read
                    pq.read_metadata(self.part_dir / f"{part}.{t}.parquet")
            except Exception as exc:  # noqa: BLE001 - a broken part is rebuilt, never fatal
                self.drop_part(part, f"{type(exc).__name__}: {exc}")
                continue
            for k in keys:
                out[k] = part
        return out

    def drop_part(self, part: str, reason: str) -> None:
        """Remove a part that cannot be read; its articles will be annotated again."""
        print(f"store: part {part} in {self.part_dir} is unreadable ({reason}): it is rebuilt")
        for f in self.part_dir.glob(f"{part}.*.parquet"):
            f.unlink(missing_ok=True)

    def read_part(self, part: str, name: str) -> pa.Table:
        """One table of one part (raises on a corrupted file)."""
        return pq.read_table(self.part_dir / f"{part}.{name}.parquet")


def corpus_tables_dir(root: Path, corpus_dir: Path, name: str) -> Path:
    """Where a corpus's assembled tables live: <store>/corpora/<name>-<hash of its folder path>."""
    h = hashlib.sha1(str(Path(corpus_dir).resolve()).encode()).hexdigest()[:8]
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40]
    return root / "corpora" / f"{safe}-{h}"


def read_manifest(folder: Path) -> dict | None:
    """The manifest of an assembled corpus folder, or None."""
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_manifest(folder: Path, manifest: Mapping) -> None:
    """Write the manifest last (atomic): the folder's tables are complete when it exists."""
    atomic_write_bytes(folder / "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
