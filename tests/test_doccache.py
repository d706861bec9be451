"""Per-Doc caches of the annotating stages keep a bounded number of Docs: memory does not grow with the corpus."""

from __future__ import annotations

import gc
import weakref

from helpers import store
from helpers.doccache import DocCache
from helpers.framing import rules as frame_rules
from helpers.learning import features


def test_cache_keeps_the_most_recent_docs_only(nlp) -> None:
    cache = DocCache(size=2)
    a, b, c = nlp("Un."), nlp("Deux."), nlp("Trois.")
    cache[a], cache[b] = 1, 2
    assert cache.get(a) == 1  # a is now the most recent
    cache[c] = 3
    assert cache.get(b) is None and cache.get(a) == 1 and cache.get(c) == 3 and len(cache) == 2


def test_annotated_docs_are_freed_after_the_run(nlp) -> None:
    refs = []
    for i in range(20):
        doc = nlp(f"Meta publie Llama {i}, un modèle ouvert. Les critiques jugent ce modèle dangereux.")
        store.annotate_doc(f"k{i}", doc)
        refs.append(weakref.ref(doc))
        del doc
    gc.collect()
    alive = sum(r() is not None for r in refs)
    assert alive <= features._CACHE.size  # the first articles' Docs are gone
    assert refs[0]() is None
    for cache in (features._CACHE, frame_rules._DOC_KEYS, frame_rules._LABELS):
        assert len(cache) <= cache.size
