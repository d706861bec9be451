"""The machine's labels of every body sentence, read from the corpus tables (never recomputed here).

    table = machine_table(corpus)
    # doc_id, sent_id, text, predicted_stance, predicted_frames ('a; b'), frame_<code> (bool) ...,
    # source, month, type (article metadata used for groups)
"""

from __future__ import annotations

import pandas as pd

from .files import FRAME_CODES, join_frames

GROUP_COLUMNS: tuple[str, ...] = ("source", "month", "type")
TYPE_KEYS: tuple[str, ...] = ("type", "article_type", "genre", "kind")
UNKNOWN = "(unknown)"


def _article_types(corpus) -> dict[str, str]:
    """doc_id -> article type, from a documents column or the article's extra metadata (type, genre ...)."""
    docs = corpus.documents
    out: dict[str, str] = {}
    for key in TYPE_KEYS:
        if key in docs.columns:
            for d, v in zip(docs["doc_id"], docs[key].fillna("").astype(str).str.strip(), strict=True):
                if v and v != "nan":
                    out.setdefault(d, v)
    for d, art in getattr(corpus, "articles", {}).items():
        extra = getattr(getattr(art, "article", None), "extra", {}) or {}
        for key in TYPE_KEYS:
            if d not in out and str(extra.get(key, "")).strip():
                out[d] = str(extra[key]).strip()
    return out


def machine_table(corpus) -> pd.DataFrame:
    """One row per body sentence: its text, the detectors' stance and frames, and its article's groups."""
    sents = corpus.sentences[["doc_id", "sent_id", "text"]].copy()
    stances = corpus.stances
    st = stances[["doc_id", "sent_id", "stance"]].rename(columns={"stance": "predicted_stance"})
    out = sents.merge(st, on=["doc_id", "sent_id"], how="left")
    out["predicted_stance"] = out["predicted_stance"].fillna("none")
    frames = corpus.frames
    if len(frames):
        fr = frames[["doc_id", "sent_id", "frame"]].drop_duplicates()
        fr = fr[fr["frame"].isin(FRAME_CODES)]
        wide = pd.crosstab([fr["doc_id"], fr["sent_id"]], fr["frame"]).clip(upper=1).astype(bool)
        wide.columns = [f"frame_{c}" for c in wide.columns]
        out = out.merge(wide.reset_index(), on=["doc_id", "sent_id"], how="left")
    for f in FRAME_CODES:
        col = f"frame_{f}"
        out[col] = out[col].fillna(False).astype(bool) if col in out.columns else False
    flags = out[[f"frame_{f}" for f in FRAME_CODES]].to_numpy()
    out["predicted_frames"] = [join_frames([f for f, on in zip(FRAME_CODES, row, strict=True) if on]) for row in flags]
    docs = corpus.documents.set_index("doc_id")
    source = docs["source"].fillna("").astype(str).str.strip() if "source" in docs.columns else pd.Series(dtype=str)
    date = docs["date"].fillna("").astype(str).str.strip() if "date" in docs.columns else pd.Series(dtype=str)
    month = date.where(date.str.match(r"^\d{4}-\d{2}"), "").str[:7]
    out["source"] = out["doc_id"].map(source).fillna("").replace("", UNKNOWN)
    out["month"] = out["doc_id"].map(month).fillna("").replace("", UNKNOWN)
    out["type"] = out["doc_id"].map(_article_types(corpus)).fillna(UNKNOWN)
    return out.reset_index(drop=True)


def known_groups(table: pd.DataFrame) -> list[str]:
    """The group columns that say something: source and month when some value is known, type when known."""
    return [g for g in GROUP_COLUMNS if g in table.columns and (table[g] != UNKNOWN).any()]
