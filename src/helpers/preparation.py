"""Load and clean a corpus folder (the first stage of helpers.pipeline): read every file, clean it, detect
its language, set duplicates aside; a per-file cache keeps the result so that a later run reads only new or
changed files.

    prepared, problems, duplicates, n_files = prepare("data/raw", use_cache=True)
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import clean as clean_mod
from . import corpus as corpus_mod
from . import paths, store
from .outlets import fill_source

log = logging.getLogger("helpers")

@dataclass
class PreparedArticle:
    """An article after loading and cleaning, ready to parse."""

    article: corpus_mod.Article
    cleaned: clean_mod.Cleaned
    lang_detected: str
    exact_key: str  # corpus._exact_key of the cleaned text, kept in the cache (duplicates ask on every run)

    @property
    def doc_id(self) -> str:
        return self.article.doc_id


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
    return PreparedArticle(art, cleaned, detected, corpus_mod._exact_key(cleaned.text))


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
            n_process: int = 1, on_todo: Callable[[int], None] | None = None
            ) -> tuple[dict[str, PreparedArticle], list[corpus_mod.Problem], list[corpus_mod.Duplicate], int]:
    """Load and clean every article; flag language; set duplicates aside.

    With use_cache, each file's result is kept (in the store folder) under its path, size and
    modification time, so that a second run reads and cleans only new or changed files. With n_process > 1,
    many files to read are shared between that many forked processes (same results, in the same order).
    on_todo(n) is called with the number of files to read (not in the cache) before they are read.
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
    if on_todo is not None:
        on_todo(len(todo))
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
    keys = {d: p.exact_key for d, p in prepared.items()}
    duplicates = corpus_mod.find_duplicates({d: p.cleaned.text for d, p in prepared.items()},
                                            shingle_cache=shingles, exact_keys=keys)
    if cache_path is not None:
        live = set(keys.values())
        data = {"context": context, "files": new_files, "shingles": {k: v for k, v in shingles.items() if k in live}}
        try:
            store.atomic_write_bytes(cache_path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            log.warning("could not write the preparation cache %s (%s)", cache_path, exc)
    return prepared, read_problems + clean_problems, duplicates, n_files
