"""Tables (pandas DataFrames) built from parsed documents: documents, sentences, tokens.

Sentence ids are the 0-based index of the sentence in `doc.sents`; every detector uses the same
numbering, so tables join on (doc_id, sent_id).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd
from spacy.attrs import (
    DEP,
    ENT_TYPE,
    IDX,
    IS_ALPHA,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
    LEMMA,
    LENGTH,
    LIKE_NUM,
    ORTH,
    POS,
    SPACY,
    TAG,
)
from spacy.tokens import Doc, Span

from .doccache import DocCache
from .docview import strings_of

SENTENCE_COLUMNS = ["doc_id", "sent_id", "start_char", "end_char", "text", "n_tokens"]
TOKEN_COLUMNS = ["doc_id", "sent_id", "i", "text", "lemma", "pos", "tag", "dep", "is_stop", "is_punct",
                 "is_alpha", "like_num", "ent_type", "start_char", "ws"]
CATEGORY_COLUMNS = ("pos", "tag", "dep", "ent_type")
_TOKEN_ATTRS = [ORTH, LEMMA, POS, TAG, DEP, IS_STOP, IS_PUNCT, IS_ALPHA, LIKE_NUM, ENT_TYPE, IDX, SPACY, IS_SPACE]


# doc -> (len(doc), [(start, end)] of its sentences trimmed of spaces): every detector walks the same sentences
_BOUNDS = DocCache()


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token offsets of each sentence that holds more than whitespace, trimmed of spaces; sent_id is
    the position in this list. Computed once per Doc (kept for the last few Docs)."""
    hit = _BOUNDS.get(doc)
    if hit is not None and hit[0] == len(doc):
        return hit[1]
    space = doc.to_array([IS_SPACE]).astype(bool) if len(doc) else []
    bounds = []
    for sent in doc.sents:
        start, end = sent.start, sent.end
        while start < end and space[start]:
            start += 1
        while end > start and space[end - 1]:
            end -= 1
        if start < end:
            bounds.append((start, end))
    _BOUNDS[doc] = (len(doc), bounds)
    return bounds


def iter_sentences(doc: Doc) -> Iterator[tuple[int, Span]]:
    """(sent_id, span) for each sentence that holds more than whitespace, span trimmed of spaces."""
    for sid, (start, end) in enumerate(sentence_bounds(doc)):
        yield sid, doc[start:end]


def token_sentence_ids(doc: Doc) -> list[int]:
    """For each token of doc, the sent_id of its sentence (-1 for whitespace between sentences)."""
    ids = [-1] * len(doc)
    for sid, (start, end) in enumerate(sentence_bounds(doc)):
        ids[start:end] = [sid] * (end - start)
    return ids


def sentences_table(docs: Mapping[str, Doc]) -> pd.DataFrame:
    """One row per sentence: doc_id, sent_id, start_char, end_char, text, n_tokens."""
    rows = []
    for d, doc in docs.items():
        if not len(doc):
            continue
        arr = doc.to_array([IDX, LENGTH, IS_PUNCT, IS_SPACE]).astype(np.int64)
        words = np.concatenate([[0], np.cumsum((arr[:, 2] == 0) & (arr[:, 3] == 0))])
        text = doc.text
        for sid, (start, end) in enumerate(sentence_bounds(doc)):
            a, b = int(arr[start, 0]), int(arr[end - 1, 0] + arr[end - 1, 1])
            rows.append((d, sid, a, b, text[a:b], int(words[end] - words[start])))
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def tokens_table(docs: Mapping[str, Doc], categories: bool = True) -> pd.DataFrame:
    """One row per token (whitespace tokens left out); ws is the whitespace that follows the token
    (so that a sentence's text is the join of text + ws). categories=False keeps pos, tag, dep and
    ent_type as plain strings."""
    parts: dict[str, list[np.ndarray]] = {c: [] for c in TOKEN_COLUMNS}
    for d, doc in docs.items():
        if not len(doc):
            continue
        arr = doc.to_array(_TOKEN_ATTRS)  # one C call instead of a Token object per attribute
        keep = np.nonzero(arr[:, _TOKEN_ATTRS.index(IS_SPACE)] == 0)[0]
        arr = arr[keep]
        col = {a: arr[:, j] for j, a in enumerate(_TOKEN_ATTRS)}
        parts["doc_id"].append(np.full(len(keep), d, dtype=object))
        parts["sent_id"].append(np.asarray(token_sentence_ids(doc), dtype=np.int64)[keep])
        parts["i"].append(keep.astype(np.int64))
        for name, attr in (("text", ORTH), ("lemma", LEMMA), ("pos", POS), ("tag", TAG), ("dep", DEP),
                           ("ent_type", ENT_TYPE)):
            parts[name].append(strings_of(doc, col[attr]))
        for name, attr in (("is_stop", IS_STOP), ("is_punct", IS_PUNCT), ("is_alpha", IS_ALPHA),
                           ("like_num", LIKE_NUM)):
            parts[name].append(col[attr].astype(bool))
        parts["start_char"].append(col[IDX].astype(np.int64))
        parts["ws"].append(np.where(col[SPACY].astype(bool), " ", "").astype(object))
    if not parts["doc_id"]:
        df = pd.DataFrame([], columns=TOKEN_COLUMNS)
    else:
        df = pd.DataFrame({c: np.concatenate(v) for c, v in parts.items()}, columns=TOKEN_COLUMNS)
    if categories:
        for col_name in CATEGORY_COLUMNS:
            df[col_name] = df[col_name].astype("category")
    return df


# --------------------------------------------------------------------------- corpus tables from stored parts

def _runs(ids: list[str]) -> dict[str, tuple[int, int]]:
    """key -> (first row, number of rows) for a column whose equal values are contiguous."""
    out: dict[str, tuple[int, int]] = {}
    start = 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[start]:
            out[ids[start]] = (start, i - start)
            start = i
    return out


def _writable_schema(schema):
    import pyarrow as pa

    return pa.schema([pa.field(f.name, pa.large_string()) if pa.types.is_null(f.type) else f for f in schema])


def stream_parts(path, name: str, order: list[str], located: Mapping, keys: Mapping[str, str],
                 flush_rows: int = 200_000) -> int:
    """Write one corpus table to path (Parquet) from the articles' stored parts, in corpus order, with the
    content key in doc_id replaced by the doc_id. Memory holds a few parts and one buffer, not the corpus.
    located: doc_id -> (Store, part id); keys: doc_id -> content key. Returns the number of rows."""
    import os
    import tempfile
    from collections import OrderedDict
    from pathlib import Path

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    cache: OrderedDict = OrderedDict()
    writer = None
    schema = None
    first_schema = None
    buf: list = []
    n_buf = n_rows = 0
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".parquet")
    os.close(fd)

    def flush() -> None:
        nonlocal writer, buf, n_buf, schema
        if not buf:
            return
        if writer is None:
            schema = _writable_schema(buf[0].schema)
            writer = pq.ParquetWriter(tmp, schema, compression="zstd")
        writer.write_table(pa.concat_tables([b.cast(schema) for b in buf]))
        buf, n_buf = [], 0

    try:
        for d in order:
            st, part = located[d]
            ck = (str(st.part_dir), part)
            if ck not in cache:
                t = st.read_part(part, name)
                cache[ck] = (t, _runs(t.column("doc_id").to_pylist()))
                if len(cache) > 4:
                    cache.popitem(last=False)
            t, spans = cache[ck]
            first_schema = first_schema or t.schema
            span = spans.get(keys[d])
            if span is None:
                continue
            piece = t.slice(*span)
            idx = piece.schema.get_field_index("doc_id")
            piece = piece.set_column(idx, pa.field("doc_id", pa.large_string()),
                                     pa.array([d] * span[1], type=pa.large_string()))
            if schema is not None or buf:
                ref = schema or _writable_schema(buf[0].schema)
                if piece.schema != ref:
                    piece = piece.cast(ref)
            buf.append(piece)
            n_buf += span[1]
            n_rows += span[1]
            if n_buf >= flush_rows:
                flush()
        flush()
        if writer is None:  # no row at all: an empty table with the parts' columns
            if first_schema is None:
                from .store import table_columns

                first_schema = pa.schema([(c, pa.large_string()) for c in table_columns(name)])
            empty = first_schema.empty_table()
            pq.write_table(empty, tmp)
        else:
            writer.close()
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        if writer is not None:
            writer.close()
        Path(tmp).unlink(missing_ok=True)
        raise
    return n_rows


def group_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """The entities table from the stored per-article mentions: model names grouped over the corpus
    (helpers.entities._group_model_names), as entities.entities_table does on the whole corpus."""
    from . import entities

    ms = [entities.Mention(r.doc_id, int(r.start_char), int(r.end_char), r.text, r.canonical, r.type, r.source,
                           r.model_label or "", sent_id=int(r.sent_id), evidence=r.evidence)
          for r in mentions.itertuples(index=False)]
    entities._group_model_names(ms)
    rows = [(m.doc_id, m.sent_id, m.text, m.canonical, m.type, m.start_char, m.end_char, m.source, m.model_label)
            for m in ms]
    df = pd.DataFrame(rows, columns=entities.ENTITY_COLUMNS)
    return df.astype({"sent_id": int, "start_char": int, "end_char": int})


def rename_speakers(quotes: pd.DataFrame, mentions: pd.DataFrame, ents: pd.DataFrame) -> pd.DataFrame:
    """Quote speakers found in the article take the corpus-grouped name and type of the model mention
    they came from (same rows in mentions and ents); a name the gazetteer also gave is left alone."""
    if not len(quotes) or not len(mentions):
        return quotes
    model = mentions["source"].to_numpy() == "model"
    gaz_names = set(zip(mentions["doc_id"][~model], mentions["canonical"][~model], strict=True))
    mapping: dict[tuple[str, str], tuple[str, str]] = {}
    for d, raw, new, typ in zip(mentions["doc_id"][model], mentions["canonical"][model], ents["canonical"][model],
                                ents["type"][model], strict=True):
        if (d, raw) not in gaz_names:
            mapping[(d, raw)] = (new, typ)
    out = quotes.copy()
    canon, types = out["speaker_canonical"].tolist(), out["speaker_type"].tolist()
    for i, (d, c) in enumerate(zip(out["doc_id"], canon, strict=True)):
        hit = mapping.get((d, c)) if c else None
        if hit is not None:
            canon[i], types[i] = hit
    out["speaker_canonical"], out["speaker_type"] = canon, types
    out["speaker"] = [c or t for c, t in zip(canon, out["speaker_text"], strict=True)]
    return out
