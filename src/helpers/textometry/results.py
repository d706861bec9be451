"""Corpus-level textometry results, computed once per version of the corpus tables and stored (notebook 01).

    res = corpus_results(corpus)        # computed on the first call, read from Parquet on the next ones
    res.units, res.diversity, res.kwic_index, res.multiword
    res.term_totals                     # one row per content term: term (label), key, total, n_parts
    res.term_counts                     # long and sparse: doc_id, key, freq (one row per term used by an article)
    res.keyness["doc_id"]               # bounded keyness (top over- and under-used terms of each part);
    res.keyness["source"], ["month"]    # ... by metadata group, when the corpus has two values or more
    res.bigrams, res.trigrams
    res.hit                             # True when read from the store

They live in <corpus tables folder>/textometry/<key>/ where key hashes what they are computed from:
the corpus manifest (each article's content key, part id and annotation version), the metadata the
results use (doc_id, lang, source, date of every article), the textometry source code, the term and
stop-word lists, spaCy's version and the parameters. A changed corpus (an article added or edited, a
lexicon entry changed, a date corrected) gets another key and is computed again. As in helpers.store,
every file is Parquet (zstd) written to a temporary name then renamed; meta.json is written last and
marks the folder complete; older folders of the corpus are removed once a new one is complete; an
unreadable file is reported with its path and the results are computed again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..paths import LEXICONS_DIR
from .collocations import collocations
from .frequencies import lexical_diversity
from .keyness import corpus_keyness, groupable, part_of
from .kwic import kwic_index
from .units import content, label_map, multiword_units, units_table

RESULTS_DIR = "textometry"
GROUPS = ("source", "month")
TERM_COUNT_COLUMNS = ["doc_id", "key", "freq"]
TERM_TOTAL_COLUMNS = ["term", "key", "total", "n_parts"]
_META = "meta.json"
_LEXICONS = ("terms.yml", "stopwords_extra.txt")


@dataclass
class CorpusResults:
    """The corpus-level results of notebook 01 (see the module docstring)."""

    units: pd.DataFrame
    diversity: pd.DataFrame
    kwic_index: pd.DataFrame
    multiword: pd.DataFrame
    term_totals: pd.DataFrame
    term_counts: pd.DataFrame
    keyness: dict[str, pd.DataFrame]
    bigrams: pd.DataFrame
    trigrams: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    folder: Path | None = None
    hit: bool = False

    @property
    def freq(self) -> pd.DataFrame:
        """term_totals indexed by the display label (total, n_parts), most frequent first."""
        return self.term_totals.set_index("term")[["total", "n_parts"]]


# --------------------------------------------------------------------------- term counts

def term_counts(units: pd.DataFrame, by: str = "doc_id") -> pd.DataFrame:
    """Content-term counts per part as a long table (by, key, freq): only the terms a part uses,
    so it grows with the text, not with parts x vocabulary. Parts in corpus order, then key."""
    c = content(units)
    if c.empty:
        return pd.DataFrame({by: pd.Series(dtype=object), "key": pd.Series(dtype=object),
                             "freq": pd.Series(dtype="int64")})
    out = c.groupby([by, "key"], sort=False).size().rename("freq").reset_index()
    order = {p: k for k, p in enumerate(dict.fromkeys(units[by]))}
    out = out.assign(_o=out[by].map(order)).sort_values(["_o", "key"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True).astype({"freq": "int64"})


def term_totals(counts: pd.DataFrame, labels: dict[str, str], by: str = "doc_id") -> pd.DataFrame:
    """One row per content term: term (display label), key, total, n_parts (parts using it); sorted
    by total then key, as term_frequencies()."""
    if counts.empty:
        return pd.DataFrame({"term": pd.Series(dtype=object), "key": pd.Series(dtype=object),
                             "total": pd.Series(dtype="int64"), "n_parts": pd.Series(dtype="int64")})
    t = counts.groupby("key", sort=False).agg(total=("freq", "sum"), n_parts=(by, "nunique")).reset_index()
    t = t.sort_values(["total", "key"], ascending=[False, True]).reset_index(drop=True)
    t.insert(0, "term", [labels.get(k, k) for k in t["key"]])
    return t.astype({"total": "int64", "n_parts": "int64"})[TERM_TOTAL_COLUMNS]


def frequency_matrix(counts: pd.DataFrame, totals: pd.DataFrame, terms: int | None = 25,
                     parts: list | None = None, by: str = "doc_id") -> pd.DataFrame:
    """The term x part table of term_frequencies() for the `terms` most frequent terms and the given
    parts only (a few columns for a chart), with total and n_parts over the whole corpus."""
    top = totals.head(terms) if terms else totals
    sub = counts[counts["key"].isin(set(top["key"]))]
    if parts is not None:
        sub = sub[sub[by].isin(set(parts))]
    wide = sub.pivot_table(index="key", columns=by, values="freq", aggfunc="sum", fill_value=0)
    cols = list(parts) if parts is not None else list(dict.fromkeys(counts[by]))
    wide = wide.reindex(index=top["key"], columns=cols, fill_value=0).astype("int64")
    wide["total"] = top["total"].to_numpy()
    wide["n_parts"] = top["n_parts"].to_numpy()
    wide.index = pd.Index(top["term"].to_numpy(), name="term")
    wide.columns.name = None
    return wide


def bounded_frequencies(res: CorpusResults, per_part: int = 20, min_total: int = 2) -> tuple[pd.DataFrame,
                                                                                           pd.DataFrame]:
    """What the CSV files hold: (corpus terms used at least min_total times, with total and n_parts;
    the per_part most frequent terms of each article: doc_id, term, key, freq, rank)."""
    corpus_terms = res.term_totals[res.term_totals["total"] >= min_total].reset_index(drop=True)
    c = res.term_counts.sort_values(["freq", "key"], ascending=[False, True], kind="stable")
    top = c.groupby("doc_id", sort=False).head(per_part)
    order = {d: k for k, d in enumerate(dict.fromkeys(res.term_counts["doc_id"]))}
    top = top.assign(_o=top["doc_id"].map(order)).sort_values(["_o", "freq", "key"], ascending=[True, False, True],
                                                               kind="stable").drop(columns="_o")
    labels = dict(zip(res.term_totals["key"], res.term_totals["term"], strict=True))
    top = top.assign(term=top["key"].map(labels), rank=top.groupby("doc_id", sort=False).cumcount() + 1)
    return corpus_terms, top[["doc_id", "term", "key", "freq", "rank"]].reset_index(drop=True)


def write_full_frequencies(res: CorpusResults, path: str | Path) -> Path:
    """Every term of every article (doc_id, term, key, freq) as compressed Parquet, on request."""
    from ..store import atomic_write_bytes, parquet_bytes

    labels = dict(zip(res.term_totals["key"], res.term_totals["term"], strict=True))
    full = res.term_counts.assign(term=res.term_counts["key"].map(labels))[["doc_id", "term", "key", "freq"]]
    path = Path(path)
    atomic_write_bytes(path, parquet_bytes(full))
    return path


# --------------------------------------------------------------------------- the key

def code_version() -> str:
    """Hash of the textometry package's source, the term and stop-word lists and spaCy's version."""
    import spacy

    h = hashlib.sha256(spacy.__version__.encode())
    for f in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    for name in _LEXICONS:
        p = LEXICONS_DIR / name
        h.update(name.encode() + b"\0" + (p.read_bytes() if p.exists() else b"(absent)") + b"\0")
    return h.hexdigest()[:16]


def results_key(corpus: Any, params: dict[str, Any]) -> str | None:
    """The version of the results for this corpus and parameters, or None when the corpus has no
    stored tables (then nothing is stored)."""
    folder = getattr(corpus, "tables_dir", None)
    if folder is None or not (Path(folder) / "manifest.json").exists():
        return None
    h = hashlib.sha256((Path(folder) / "manifest.json").read_bytes())
    docs = corpus.documents
    meta = docs[[c for c in ("doc_id", "lang", "source", "date") if c in docs.columns]].astype(str)
    h.update(meta.to_csv(index=False).encode())
    h.update(code_version().encode())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    return h.hexdigest()[:20]


# --------------------------------------------------------------------------- compute, store, read

def compute_results(corpus: Any, keyness_min_freq: int = 2, alpha: float = 0.05, keyness_top: int = 50,
                    collocation_min_freq: int = 2, bigram_top: int = 20, trigram_top: int = 15) -> CorpusResults:
    """Every corpus-level result of notebook 01, computed from the corpus's stored tables."""
    params = dict(keyness_min_freq=keyness_min_freq, alpha=alpha, keyness_top=keyness_top,
                  collocation_min_freq=collocation_min_freq, bigram_top=bigram_top, trigram_top=trigram_top)
    units = units_table(corpus)
    tokens = corpus.tokens
    counts = term_counts(units)
    documents = corpus.documents
    spec = {"doc_id": corpus_keyness(units, by="doc_id", min_freq=keyness_min_freq, alpha=alpha, top=keyness_top)}
    for by in GROUPS:
        if groupable(documents, by):
            spec[by] = corpus_keyness(units, by=part_of(documents, by), min_freq=keyness_min_freq, alpha=alpha,
                                      top=keyness_top)
    return CorpusResults(
        units=units, diversity=lexical_diversity(tokens), kwic_index=kwic_index(tokens),
        multiword=multiword_units(units), term_counts=counts, term_totals=term_totals(counts, label_map(units)),
        keyness=spec, bigrams=collocations(units, n=2, min_freq=collocation_min_freq, top=bigram_top),
        trigrams=collocations(units, n=3, min_freq=collocation_min_freq, top=trigram_top), params=params)


def _tables(res: CorpusResults) -> dict[str, pd.DataFrame]:
    out = {"units": res.units, "diversity": res.diversity, "kwic_index": res.kwic_index, "multiword": res.multiword,
           "term_totals": res.term_totals, "term_counts": res.term_counts,
           "bigrams": res.bigrams.assign(words=res.bigrams["words"].map(list)),
           "trigrams": res.trigrams.assign(words=res.trigrams["words"].map(list))}
    out.update({f"keyness_{by}": df for by, df in res.keyness.items()})
    return out


def write_results(res: CorpusResults, folder: Path) -> None:
    """Store the results in folder (each file atomic, meta.json last), then remove older versions."""
    from ..store import atomic_write_bytes, parquet_bytes

    folder.mkdir(parents=True, exist_ok=True)
    tables = _tables(res)
    for name, df in tables.items():
        atomic_write_bytes(folder / f"{name}.parquet", parquet_bytes(df))
    meta = {"key": res.key, "params": res.params, "tables": sorted(tables), "keyness": sorted(res.keyness)}
    atomic_write_bytes(folder / _META, json.dumps(meta, indent=1).encode("utf-8"))
    for old in folder.parent.iterdir():
        if old.is_dir() and old != folder:
            shutil.rmtree(old, ignore_errors=True)


def read_results(folder: Path) -> CorpusResults | None:
    """The results stored in folder, or None when it is incomplete; raises OSError naming the file
    that cannot be read."""
    try:
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    tables: dict[str, pd.DataFrame] = {}
    for name in meta["tables"]:
        path = folder / f"{name}.parquet"
        try:
            tables[name] = pd.read_parquet(path)
        except Exception as exc:  # noqa: BLE001 - reported with the file's path, then recomputed
            raise OSError(f"{path}: {type(exc).__name__}: {exc}") from exc
    for name in ("bigrams", "trigrams"):
        tables[name]["words"] = tables[name]["words"].map(tuple)
    return CorpusResults(
        units=tables["units"], diversity=tables["diversity"], kwic_index=tables["kwic_index"],
        multiword=tables["multiword"], term_totals=tables["term_totals"], term_counts=tables["term_counts"],
        keyness={by: tables[f"keyness_{by}"] for by in meta["keyness"]}, bigrams=tables["bigrams"],
        trigrams=tables["trigrams"], params=meta["params"], key=meta["key"], folder=folder, hit=True)


def corpus_results(corpus: Any, keyness_min_freq: int = 2, alpha: float = 0.05, keyness_top: int = 50,
                   collocation_min_freq: int = 2, bigram_top: int = 20, trigram_top: int = 15,
                   refresh: bool = False) -> CorpusResults:
    """The corpus-level results of notebook 01: read from the store when they were computed from the
    same corpus tables, code and parameters, else computed and stored (see the module docstring).

    refresh=True computes them again whatever is stored.
    """
    params = dict(keyness_min_freq=keyness_min_freq, alpha=alpha, keyness_top=keyness_top,
                  collocation_min_freq=collocation_min_freq, bigram_top=bigram_top, trigram_top=trigram_top)
    key = results_key(corpus, params)
    folder = Path(corpus.tables_dir) / RESULTS_DIR / key if key else None
    if folder is not None and not refresh and folder.is_dir():
        try:
            res = read_results(folder)
        except OSError as exc:
            print(f"stored textometry results unreadable ({exc}): they are computed again")
            res = None
        if res is not None and res.key == key:
            return res
    res = compute_results(corpus, **params)
    res.key = key or ""
    if folder is not None:
        try:
            write_results(res, folder)
            res.folder = folder
        except OSError as exc:  # a read-only store: the results are still returned
            print(f"could not store the textometry results in {folder} ({exc}); they will be computed again")
    return res


def part_term_counts(res: CorpusResults, parts: list) -> dict[Any, dict[str, int]]:
    """label -> count of the terms each given article uses (for its word cloud), in the order of parts."""
    labels = dict(zip(res.term_totals["key"], res.term_totals["term"], strict=True))
    sub = res.term_counts[res.term_counts["doc_id"].isin(set(parts))]
    groups = {d: dict(zip(g["key"].map(labels), g["freq"].astype(int), strict=True))
              for d, g in sub.groupby("doc_id", sort=False)}
    return {p: groups[p] for p in parts if p in groups}
