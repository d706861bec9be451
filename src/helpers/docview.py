"""Plain Python lists of a parsed Doc's token attributes, built once per Doc (one `Doc.to_array` call).

    v = doc_view(doc)
    v.ftext[i], v.flemma[i], v.pos[i], v.dep[i], v.head[i], v.is_alpha[i] ...

Reading `doc[i].lemma_` creates a Token object each time; the annotating stages (stance rules, the learned
detectors' features, the tables) read the same attributes of the same tokens many times over. A view holds them
as lists indexed by token position, with the folded forms (helpers.textfold.fold) the detectors compare. It is
kept for the last few Docs only (helpers.doccache), so memory stays bounded by the batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spacy.attrs import DEP, HEAD, IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, LIKE_NUM, ORTH, POS
from spacy.tokens import Doc, Span

from .doccache import DocCache
from .textfold import fold

_ATTRS = [ORTH, LEMMA, POS, DEP, HEAD, IS_ALPHA, IS_PUNCT, IS_SPACE, LIKE_NUM, IDX, LENGTH]


@dataclass
class DocView:
    """Token attributes of one Doc as lists (index = token position in the Doc)."""

    hashes: np.ndarray        # (n, 3) ORTH, LEMMA, POS hashes (uint64): word-vector lookups, distinct tokens
    text: list[str]
    lemma: list[str]          # spaCy's lemma ("" when the pipeline has no lemmatizer)
    pos: list[str]
    dep: list[str]
    head: list[int]           # absolute position of the head (a root is its own head)
    is_alpha: list[bool]
    is_punct: list[bool]
    is_space: list[bool]
    like_num: list[bool]
    ftext: list[str]          # fold(text)
    flemma: list[str]         # fold(lemma)
    idx: list[int]            # character offset of each token
    length: list[int]         # its length in characters
    doc_text: str

    @property
    def orth(self) -> np.ndarray:
        """The orth hash of each token."""
        return self.hashes[:, 0]

    def span_text(self, start: int, end: int) -> str:
        """Span.text of doc[start:end] (a slice of the Doc's text instead of a join over its tokens)."""
        if start >= end:
            return ""
        return self.doc_text[self.idx[start]: self.idx[end - 1] + self.length[end - 1]]


def distinct_strings(doc: Doc, hashes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """(the distinct strings of an array of string-store hashes, the index of each hash's string): each distinct
    hash looked up once ("" for hash 0)."""
    if not len(hashes):
        return [], np.zeros(0, dtype=np.intp)
    uniq, inv = np.unique(hashes, return_inverse=True)
    strings = doc.vocab.strings
    return [strings[int(h)] if h else "" for h in uniq], inv.reshape(-1)


def strings_of(doc: Doc, hashes: np.ndarray) -> np.ndarray:
    """The strings of an array of string-store hashes, as an object array."""
    table, inv = distinct_strings(doc, hashes)
    return np.array(table, dtype=object)[inv]


def _strings(doc: Doc, hashes: np.ndarray) -> tuple[list[str], list[str]]:
    """(the strings of a column of hashes, their folded forms), each distinct string folded once."""
    table, inv = distinct_strings(doc, hashes)
    folded = np.array([fold(t) for t in table], dtype=object)
    return np.array(table, dtype=object)[inv].tolist(), folded[inv].tolist()


_VIEWS = DocCache()


def doc_view(doc: Doc) -> DocView:
    """The view of a Doc (computed once, kept for the last few Docs)."""
    hit = _VIEWS.get(doc)
    if hit is not None and hit[0] == len(doc):
        return hit[1]
    arr = doc.to_array(_ATTRS) if len(doc) else np.zeros((0, len(_ATTRS)), dtype=np.uint64)
    (text, ftext), (lemma, flemma), (pos, _), (dep, _) = (_strings(doc, arr[:, j]) for j in range(4))
    rel = arr[:, 4].astype(np.int64)  # HEAD is stored relative to the token, as an unsigned integer
    head = (np.arange(len(doc), dtype=np.int64) + rel).tolist()
    flags = [arr[:, j].astype(bool).tolist() for j in range(5, 9)]
    view = DocView(arr[:, :3].copy(), text, lemma, pos, dep, head, *flags,
                   ftext, flemma, arr[:, 9].astype(np.int64).tolist(),
                   arr[:, 10].astype(np.int64).tolist(), doc.text)
    _VIEWS[doc] = (len(doc), view)
    return view


def span_text(span: Span) -> str:
    """span.text, read from its Doc's view."""
    return doc_view(span.doc).span_text(span.start, span.end)


__all__ = ["DocView", "distinct_strings", "doc_view", "span_text", "strings_of"]
