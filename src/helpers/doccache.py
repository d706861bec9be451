"""A cache of values computed from a parsed Doc, kept for the last few Docs only.

The annotating stages of one article (frames, devices, the learned detectors' features) reuse each other's
work on the same Doc. A cache keyed weakly by the Doc does not free anything when its values refer back to
the Doc (a sentence Span does), so every Doc of a corpus stayed in memory; this one keeps at most `size`
Docs (the most recently used), so memory is bounded by the batch, not the corpus.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from spacy.tokens import Doc


class DocCache:
    """doc -> value for the `size` most recently used Docs (identity of the Doc object, not its text)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[int, tuple[Doc, Any]] = OrderedDict()

    def get(self, doc: Doc, default: Any = None) -> Any:
        hit = self._items.get(id(doc))
        if hit is None or hit[0] is not doc:
            return default
        self._items.move_to_end(id(doc))
        return hit[1]

    def __setitem__(self, doc: Doc, value: Any) -> None:
        self._items[id(doc)] = (doc, value)  # the Doc is held, so its id cannot be reused while cached
        self._items.move_to_end(id(doc))
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


__all__ = ["DocCache"]
