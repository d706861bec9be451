"""Load a folder of articles: formats, encodings, header blocks, metadata.csv, dates, language, duplicates.

Public surface:
    read_folder(folder)      -> LoadResult (articles as read, problems with file names and reasons)
    decode_bytes(data)       -> (text, encoding)   raises DecodeError
    normalise_date(value)    -> ISO 8601 string or the value unchanged
    detect_language(text)    -> "fr", "en" or "und"
    find_duplicates(texts)   -> list of Duplicate (exact and near)

Raw files are opened read-only and never written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .outlets import fill_source

ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm", ".csv", ".jsonl", ".rtf"}
METADATA_FILE = "metadata.csv"
META_FIELDS = ("title", "author", "date", "source", "url", "lang")
HEADER_KEYS = {
    "url": "url", "lien": "url", "link": "url",
    "title": "title", "titre": "title",
    "author": "author", "auteur": "author", "auteurs": "author", "authors": "author", "byline": "author",
    "date": "date", "published": "date", "publication": "date",
    "source": "source", "site": "source", "media": "source", "média": "source", "sitename": "source",
    "lang": "lang", "language": "lang", "langue": "lang",
    "relevance": "relevance", "pertinence": "relevance",  # on_topic | ai_general | off_topic (helpers.relevance)
}
TEXT_COLUMNS = ("text", "texte", "body", "content", "contenu")


class DecodeError(ValueError):
    """Bytes that are not text in a supported encoding (binary data or unknown encoding)."""


@dataclass
class Article:
    """One article as read from the corpus folder, before cleaning."""

    doc_id: str
    path: str
    text: str
    fmt: str
    encoding: str = "utf-8"
    title: str = ""
    author: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    lang: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (reason, text) taken out by an export reader

    def meta(self) -> dict[str, str]:
        """The metadata fields as a dict."""
        return {k: getattr(self, k) for k in META_FIELDS}


@dataclass
class Problem:
    """A file (or row) that could not be used, or was used with a caveat."""

    path: str
    reason: str
    severity: str = "skipped"  # "skipped" (not analysed) or "warning" (analysed)

    def __str__(self) -> str:
        return f"{self.severity}: {self.path}: {self.reason}"


@dataclass
class Duplicate:
    """doc_id repeats original (similarity 1.0 for an exact duplicate)."""

    doc_id: str
    duplicate_of: str
    similarity: float
    kind: str  # "exact" or "near"


@dataclass
class LoadResult:
    """What read_folder found."""

    articles: list[Article]
    problems: list[Problem]
    n_files: int = 0


# --------------------------------------------------------------------------- decoding

_ALLOWED_CONTROL = {"\n", "\r", "\t", "\f", "\v"}


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for c in text if unicodedata.category(c) in ("Cc", "Co", "Cs", "Cn") and c not in _ALLOWED_CONTROL)
    return bad / len(text)


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes (outside UTF-16) or many control bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bool(sample) and ctrl / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1.

    Raises DecodeError for binary data or bytes that decode to implausible text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError(f"UTF-16 byte order mark but undecodable bytes ({exc.reason})") from exc
    if looks_binary(data):
        raise DecodeError("binary data, not text (NUL or control bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        for enc in ("cp1252", "latin-1"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _control_ratio(text) < 0.01 and _plausible_legacy(text):
                return text, enc
        raise DecodeError(
            f"undecodable bytes: not UTF-8 (byte {utf8_error.start}) nor plausible Windows-1252/Latin-1 text"
        ) from utf8_error


def _plausible_legacy(text: str) -> bool:
    """Legacy-decoded text should be mostly letters, digits, spaces and ordinary punctuation."""
    if not text:
        return False
    ok = sum(1 for c in text if c.isalnum() or c.isspace() or c in ".,;:!?'\"()-«»–—…%€$&/@#*+=<>[]_’“”")
    return ok / len(text) > 0.9


# --------------------------------------------------------------------------- dates

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def normalise_date(value: str) -> str:
    """'24 avril 2025' -> '2025-04-24'; ISO dates kept (date part); unparseable values returned unchanged."""
    value = (value or "").strip()
    if not value:
        return ""
    if _ISO.match(value):
        return value[:10]
    try:
        import dateparser  # imported lazily: slow to import

        parsed = dateparser.parse(
            value,
            languages=["fr", "en"],
            settings={"PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["year"]},
        )
    except Exception:  # noqa: BLE001 - a bad date must never stop loading
        parsed = None
    return parsed.date().isoformat() if parsed else value


# --------------------------------------------------------------------------- language

@lru_cache(maxsize=8)
def spacy_stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop list of a language ("fr", "en", "de", "it" ...), read from its stop_words.py alone: importing
    spacy.lang.<lang> would also compile that language's tokenizer rules (about a second each)."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("spacy is not installed")
    path = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
    mod_spec = importlib.util.spec_from_file_location(f"_helpers_stop_words_{lang}", path)
    if mod_spec is None or mod_spec.loader is None or not path.is_file():
        raise ValueError(f"spaCy has no stop list for language {lang!r} ({path})")
    mod = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(mod)
    return frozenset(mod.STOP_WORDS)


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Very frequent function words that discriminate the two languages well (shared words removed).
_FR_MARKERS = frozenset("le la les des du de et est une un que qui dans pour pas sur au aux avec ce cette il elle ils sont ont".split())
_EN_MARKERS = frozenset("the and of to is that it for with as was are this be by have from they which you not or".split())


def detect_language(text: str) -> str:
    """'fr', 'en' or 'und' by the share of each language's function words (no model download needed)."""
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if len(words) < 3:
        return "und"
    fr = sum(w in _FR_MARKERS for w in words)
    en = sum(w in _EN_MARKERS for w in words)
    if fr + en < max(2, 0.05 * len(words)):
        return "und"
    if fr >= 1.5 * en:
        return "fr"
    if en >= 1.5 * fr:
        return "en"
    return "und"


# --------------------------------------------------------------------------- duplicates

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str, n: int = 5) -> set[int]:
    words = [w.lower() for w in _TOKEN.findall(text)]
    if len(words) < n:
        return {hash(" ".join(words))} if words else set()
    return {int(hashlib.blake2b(" ".join(words[i:i + n]).encode(), digest_size=8).hexdigest(), 16)
            for i in range(len(words) - n + 1)}


def _exact_key(text: str) -> str:
    words = [w.lower() for w in _TOKEN.findall(text)]
    return hashlib.sha1(" ".join(words).encode()).hexdigest()


def find_duplicates(texts: Mapping[str, str], threshold: float = 0.8, sketch: int = 24,
                    shingle_cache: dict[str, set[int]] | None = None,
                    exact_keys: Mapping[str, str] | None = None) -> list[Duplicate]:
    """Exact (same words) and near duplicates (Jaccard of word 5-gram shingles >= threshold).

    Candidate pairs come from a bottom-k sketch of each text's shingles, so the cost grows with the
    number of candidate pairs rather than with every pair. The first doc_id in order is the original.
    exact_keys: _exact_key of some texts, computed before (the preparation cache keeps them).
    """
    order = list(texts)
    dups: list[Duplicate] = []
    seen: dict[str, str] = {}
    unique: list[str] = []
    exact: dict[str, str] = {}
    for doc_id in order:
        key = exact[doc_id] = (exact_keys or {}).get(doc_id) or _exact_key(texts[doc_id])
        if key in seen:
            dups.append(Duplicate(doc_id, seen[key], 1.0, "exact"))
        else:
            seen[key] = doc_id
            unique.append(doc_id)
    if shingle_cache is None:
        shingles = {d: _shingles(texts[d]) for d in unique}
    else:  # shingles of texts seen before come from the cache (keyed by the exact-duplicate key)
        shingles = {}
        for d in unique:
            if exact[d] not in shingle_cache:
                shingle_cache[exact[d]] = _shingles(texts[d])
            shingles[d] = shingle_cache[exact[d]]
    index: dict[int, list[str]] = defaultdict(list)
    rank = {d: i for i, d in enumerate(unique)}
    duplicate_of: dict[str, str] = {}
    for d in unique:
        sk = sorted(shingles[d])[:sketch]
        candidates = {c for h in sk for c in index[h]}
        best, best_sim = None, 0.0
        for c in sorted(candidates, key=rank.get):
            a, b = shingles[d], shingles[c]
            sim = len(a & b) / len(a | b) if a | b else 0.0
            if sim >= threshold and sim > best_sim:
                best, best_sim = c, sim
        if best is not None:
            duplicate_of[d] = duplicate_of.get(best, best)
            dups.append(Duplicate(d, duplicate_of[d], round(best_sim, 3), "near"))
        for h in sk:
            index[h].append(d)
    return dups


# --------------------------------------------------------------------------- text files

_HEADER_LINE = re.compile(r"^\s*([A-Za-zÀ-ÿ_ -]{2,20})\s*:\s*(.*?)\s*$")


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Split a leading 'Key: value' header block (known keys, ended by a blank line) or YAML front matter."""
    stripped = text.lstrip("\ufeff")
    if stripped.startswith("---"):
        m = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", stripped, re.S)
        if m:
            try:
                data = yaml.safe_load(m.group(1)) or {}
            except yaml.YAMLError:
                data = None
            if isinstance(data, dict):
                meta = {}
                for k, v in data.items():
                    key = HEADER_KEYS.get(str(k).strip().lower(), str(k).strip().lower())
                    meta[key] = "" if v is None else str(v)
                return meta, stripped[m.end():]
    lines = stripped.splitlines(keepends=True)
    meta: dict[str, str] = {}
    for i, line in enumerate(lines):
        if not line.strip():
            if meta:
                return meta, "".join(lines[i + 1:])
            return {}, text
        m = _HEADER_LINE.match(line)
        key = HEADER_KEYS.get(m.group(1).strip().lower()) if m else None
        if not key:
            return {}, text
        meta[key] = m.group(2)
    return {}, text  # a header block must be ended by a blank line


def _read_text_file(path: Path, rel: str) -> Article:
    text, enc = decode_bytes(path.read_bytes())
    meta, body = split_header(text)
    art = Article(doc_id=rel, path=rel, text=body, fmt=path.suffix.lower().lstrip("."), encoding=enc)
    _apply_meta(art, meta)
    return art


def _read_export(path: Path, rel: str, suffix: str, problems: list[Problem]) -> list[Article] | None:
    """Press-database exports (helpers.formats): Europresse/Factiva HTML, Factiva RTF, IRaMuTeQ .txt;
    None when the file is an ordinary page or text."""
    from . import formats

    try:
        if suffix == ".rtf":
            return formats.read_rtf(path.read_bytes(), rel, problems)
        text, enc = decode_bytes(path.read_bytes())
        if suffix == ".txt":
            return formats.read_iramuteq(text, rel, enc, problems) if formats.is_iramuteq(text) else None
        return formats.read_html_export(text, rel, enc, problems)
    except (OSError, DecodeError):
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed export is reported by name, the run goes on
        raise DecodeError(f"could not read this export ({type(exc).__name__}: {exc})") from exc


def _read_html_file(path: Path, rel: str) -> Article:
    import trafilatura

    html, enc = decode_bytes(path.read_bytes())
    result = trafilatura.extract(
        html, output_format="json", with_metadata=True, include_comments=False, include_tables=False,
        favor_precision=True,
    )
    if not result:
        raise DecodeError("no main text found in the HTML page")
    data = json.loads(result)
    art = Article(doc_id=rel, path=rel, text=data.get("text") or "", fmt="html", encoding=enc)
    _apply_meta(art, {
        "title": data.get("title") or "", "author": data.get("author") or "",
        "date": data.get("date") or "", "source": data.get("sitename") or data.get("hostname") or "",
        "url": data.get("source") or data.get("url") or "", "lang": data.get("language") or "",
    })
    return art


def _apply_meta(art: Article, meta: Mapping[str, object], override: bool = False) -> None:
    for key, value in meta.items():
        value = "" if value is None else str(value).strip()
        if value.lower() == "nan":
            value = ""
        if key in META_FIELDS:
            if value and (override or not getattr(art, key)):
                setattr(art, key, value)
        elif value and key not in ("file", "text", "doc_id", "path"):
            art.extra[key] = value


def _rows_to_articles(rows: Iterable[tuple[int, Mapping[str, object]]], rel: str, fmt: str,
                      problems: list[Problem]) -> list[Article]:
    out = []
    for n, row in rows:
        lower = {str(k).strip().lower(): v for k, v in row.items()}
        col = next((c for c in TEXT_COLUMNS if c in lower), None)
        text = "" if col is None or lower[col] is None else str(lower[col])
        doc_id = f"{rel}#{n}"
        if not text.strip() or text.strip().lower() == "nan":
            problems.append(Problem(doc_id, "empty text in this row"))
            continue
        art = Article(doc_id=doc_id, path=rel, text=text, fmt=fmt)
        meta = {HEADER_KEYS.get(k, k): v for k, v in lower.items() if k != col}
        _apply_meta(art, meta)
        out.append(art)
    return out


def _read_csv_file(path: Path, rel: str, problems: list[Problem]) -> list[Article]:
    text, _ = decode_bytes(path.read_bytes())
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
        if not any(c in fields for c in TEXT_COLUMNS):
            raise DecodeError(f"CSV without a text column (columns: {', '.join(fields) or 'none'}; "
                              f"expected one of {', '.join(TEXT_COLUMNS)})")
        rows = list(enumerate(reader, start=1))
    except csv.Error as exc:
        raise DecodeError(f"malformed CSV ({exc})") from exc
    return _rows_to_articles(rows, rel, "csv", problems)


def _read_jsonl_file(path: Path, rel: str, problems: list[Problem]) -> list[Article]:
    text, _ = decode_bytes(path.read_bytes())
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(f"{rel}#{n}", f"malformed JSON on line {n} ({exc.msg}); other lines read"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(f"{rel}#{n}", f"line {n} is not a JSON object; other lines read"))
            continue
        rows.append((n, obj))
    return _rows_to_articles(rows, rel, "jsonl", problems)


def read_metadata_csv(path: Path) -> dict[str, dict[str, str]]:
    """metadata.csv keyed by file name (column 'file', or 'doc_id'/'filename')."""
    text, _ = decode_bytes(path.read_bytes())
    out: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        key = row.get("file") or row.get("filename") or row.get("doc_id") or ""
        if key:
            out[key] = {HEADER_KEYS.get(k, k): v for k, v in row.items()}
    return out


def list_files(root: Path) -> list[Path]:
    """Every file below root (recursively), hidden files and folders left out, sorted."""
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(
        part.startswith(".") for part in p.relative_to(root).parts))


def load_metadata(root: Path, files: list[Path]) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """The metadata.csv files among files, keyed by article path relative to root."""
    metadata: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    for mfile in (p for p in files if p.name.lower() == METADATA_FILE):
        rel_dir = mfile.parent.relative_to(root)
        try:
            for key, row in read_metadata_csv(mfile).items():
                metadata[(rel_dir / key).as_posix()] = row
        except (OSError, DecodeError, csv.Error) as exc:
            problems.append(Problem(mfile.relative_to(root).as_posix(), f"metadata file unreadable ({exc})", "warning"))
    return metadata, problems


def read_file(path: Path, root: Path, metadata: Mapping[str, Mapping[str, str]]
              ) -> tuple[list[Article], list[Problem], bool]:
    """The articles of one file (metadata applied), its problems, and whether it counts as an article file."""
    rel = path.relative_to(root).as_posix()
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    if path.name.lower() == METADATA_FILE:
        return [], problems, False
    if suffix not in ARTICLE_SUFFIXES:
        problems.append(Problem(rel, f"unsupported file type '{suffix or 'none'}' (expected one of "
                                     f"{', '.join(sorted(ARTICLE_SUFFIXES))})"))
        return [], problems, False
    try:
        if path.stat().st_size == 0:
            problems.append(Problem(rel, "empty file"))
            return [], problems, True
        exported = _read_export(path, rel, suffix, problems) if suffix in (".txt", ".html", ".htm", ".rtf") else None
        if exported is not None:
            found = exported
        elif suffix in (".txt", ".md"):
            found = [_read_text_file(path, rel)]
        elif suffix in (".html", ".htm"):
            found = [_read_html_file(path, rel)]
        elif suffix == ".csv":
            found = _read_csv_file(path, rel, problems)
        else:
            found = _read_jsonl_file(path, rel, problems)
    except OSError as exc:
        problems.append(Problem(rel, f"unreadable file ({exc.strerror or exc})"))
        return [], problems, True
    except DecodeError as exc:
        problems.append(Problem(rel, str(exc)))
        return [], problems, True
    articles: list[Article] = []
    for art in found:
        if not art.text.strip():
            problems.append(Problem(art.doc_id, "no text (empty after the header or extraction)"))
            continue
        override = metadata.get(art.doc_id) or (metadata.get(art.path) if art.doc_id == art.path else None)
        if override:
            _apply_meta(art, override, override=True)
        art.date = normalise_date(art.date)
        art.source = fill_source(art.source, art.url)
        articles.append(art)
    return articles, problems, True


def read_folder(folder: str | Path) -> LoadResult:
    """Read every article below folder (recursively); each unreadable file becomes a Problem."""
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"corpus path is not a folder: {root}")
    files = list_files(root)
    metadata, problems = load_metadata(root, files)
    articles: list[Article] = []
    n_files = 0
    for path in files:
        arts, probs, counted = read_file(path, root, metadata)
        articles += arts
        problems += probs
        n_files += counted
    return LoadResult(articles=articles, problems=problems, n_files=n_files)
