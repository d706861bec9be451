"""Tables (pandas DataFrames) built from parsed documents: documents, sentences, tokens.

Sentence ids are the 0-based index of the sentence in `doc.sents`; every detector uses the same
numbering, so tables join on (doc_id, sent_id).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pandas as pd
from spacy.tokens import Doc, Span

SENTENCE_COLUMNS = ["doc_id", "sent_id", "start_char", "end_char", "text", "n_tokens"]
TOKEN_COLUMNS = ["doc_id", "sent_id", "i", "text", "lemma", "pos", "tag", "dep", "is_stop", "is_punct",
                 "is_alpha", "like_num", "ent_type", "start_char"]


def iter_sentences(doc: Doc) -> Iterator[tuple[int, Span]]:
    """(sent_id, span) for each sentence that holds more than whitespace, span trimmed of spaces."""
    sid = 0
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if not toks:
            continue
        yield sid, doc[toks[0].i: toks[-1].i + 1]
        sid += 1


def token_sentence_ids(doc: Doc) -> list[int]:
    """For each token of doc, the sent_id of its sentence (-1 for whitespace between sentences)."""
    ids = [-1] * len(doc)
    for sid, span in iter_sentences(doc):
        for i in range(span.start, span.end):
            ids[i] = sid
    return ids


def sentences_table(docs: Mapping[str, Doc]) -> pd.DataFrame:
    """One row per sentence: doc_id, sent_id, start_char, end_char, text, n_tokens."""
    rows = [
        (d, sid, span.start_char, span.end_char, span.text, sum(1 for t in span if not t.is_punct and not t.is_space))
        for d, doc in docs.items() for sid, span in iter_sentences(doc)
    ]
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def tokens_table(docs: Mapping[str, Doc]) -> pd.DataFrame:
    """One row per token (whitespace tokens left out)."""
    rows = []
    for d, doc in docs.items():
        sids = token_sentence_ids(doc)
        for t in doc:
            if t.is_space:
                continue
            rows.append((d, sids[t.i], t.i, t.text, t.lemma_, t.pos_, t.tag_, t.dep_, t.is_stop, t.is_punct,
                         t.is_alpha, t.like_num, t.ent_type_, t.idx))
    df = pd.DataFrame(rows, columns=TOKEN_COLUMNS)
    for col in ("pos", "tag", "dep", "ent_type"):
        df[col] = df[col].astype("category")
    return df
