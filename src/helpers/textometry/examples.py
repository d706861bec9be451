"""Example sentences: the evidence rows (doc_id, sent_id, text) behind a term, a collocation or a keyness score."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def sentences_with(units: pd.DataFrame, sentences: pd.DataFrame, keys: str | Sequence[str],
                   max_rows: int | None = 5, spread: bool = True) -> pd.DataFrame:
    """Example sentences (doc_id, sent_id, text, cues) holding every given unit key; cues are their surface forms.

    spread=True takes them from as many articles as possible (one per article first), else in corpus order.
    """
    cols = ["doc_id", "sent_id", "text", "cues"]
    keys = [keys] if isinstance(keys, str) else list(keys)
    hits = units[units["key"].isin(keys)]
    if hits.empty or sentences.empty or not keys:
        return pd.DataFrame(columns=cols)
    per_sent = hits.groupby(["doc_id", "sent_id"])["key"].nunique()
    full = per_sent[per_sent == len(set(keys))].index
    hits = hits.set_index(["doc_id", "sent_id"]).loc[full].reset_index() if len(full) else hits.iloc[:0]
    if hits.empty:
        return pd.DataFrame(columns=cols)
    forms = hits.groupby(["doc_id", "sent_id"], sort=False)["text"].agg(lambda x: "; ".join(dict.fromkeys(x)))
    ex = forms.rename("cues").reset_index().merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])
    if spread:  # first sentence of each article, then the second of each ...
        order = {d: k for k, d in enumerate(dict.fromkeys(ex["doc_id"]))}
        ex = ex.assign(_r=ex.groupby("doc_id", sort=False).cumcount(), _d=ex["doc_id"].map(order))
        ex = ex.sort_values(["_r", "_d", "sent_id"], kind="stable")
    ex = ex[cols].reset_index(drop=True)
    return ex.head(max_rows) if max_rows else ex


def ngram_sentences(units: pd.DataFrame, sentences: pd.DataFrame, words: Sequence[str],
                    max_rows: int | None = 5) -> pd.DataFrame:
    """Example sentences where the unit keys `words` follow each other (a collocation), with its surface form as cue."""
    cols = ["doc_id", "sent_id", "text", "cues"]
    words = list(words)
    if units.empty or not words:
        return pd.DataFrame(columns=cols)
    rows = []
    for (doc_id, sid), g in units.groupby(["doc_id", "sent_id"], sort=False):
        keys, texts = g["key"].tolist(), g["text"].astype(str).tolist()
        for k in range(len(keys) - len(words) + 1):
            if keys[k:k + len(words)] == words:
                rows.append((doc_id, sid, " ".join(texts[k:k + len(words)]), texts[k:k + len(words)]))
                break
        if max_rows and len(rows) >= max_rows:
            break
    if not rows:
        return pd.DataFrame(columns=cols)
    hits = pd.DataFrame([(d, s, "; ".join(parts)) for d, s, _, parts in rows], columns=["doc_id", "sent_id", "cues"])
    return hits.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])[cols]


def keyness_examples(units: pd.DataFrame, sentences: pd.DataFrame, spec: pd.DataFrame,
                     groups: pd.Series | None = None, max_parts: int = 12) -> pd.DataFrame:
    """For each part, one sentence of that part holding its most over-used significant term.

    groups: doc_id -> part (None when the parts are articles). Columns: part, term, doc_id, sent_id, text, cues.
    """
    cols = ["part", "term", "doc_id", "sent_id", "text", "cues"]
    if spec.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for part, g in list(spec.groupby("part", sort=False))[:max_parts]:
        top = g[(g["specificity"] > 0) & g["significant"]].head(1)
        if top.empty:
            continue
        docs = [part] if groups is None else list(groups[groups == part].index)
        ex = sentences_with(units[units["doc_id"].isin(docs)], sentences, top["key"].iloc[0], max_rows=1)
        if len(ex):
            rows.append((part, top["label"].iloc[0], *ex.iloc[0][["doc_id", "sent_id", "text", "cues"]]))
    return pd.DataFrame(rows, columns=cols)
