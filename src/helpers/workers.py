"""Worker processes for the partitions, each replaced by a fresh one after a few partitions.

A long-lived spaCy worker keeps growing (its vocabulary and StringStore, and memory its allocator does
not give back), so a cold export of 10,000 articles peaked at 4.8 GB over the process tree. Here each of
the n_process workers is a one-process ProcessPoolExecutor (fork) that runs at most `recycle_after`
partitions, then exits and is replaced. The spaCy pipeline and the annotators' resources are loaded once
in the parent before the first fork (warm_pipeline), so a new worker starts at once with the parent's
copy (copy-on-write) instead of loading them again (~5 s for the pipeline, ~2 s for the annotators).

A worker that dies (killed, out of memory) raises BrokenProcessPool in the caller, as a
ProcessPoolExecutor does; an exception in a partition is raised again here.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

# Partitions a worker runs before it is replaced (benchmarks/README.md: memory at 3,000 and 10,000 articles).
RECYCLE_AFTER = 8


def recycle_after() -> int:
    """Partitions per worker before it is replaced: $HELPERS_RECYCLE_AFTER (0: never), else RECYCLE_AFTER."""
    env = os.environ.get("HELPERS_RECYCLE_AFTER", "")
    return int(env) if env.isdigit() else RECYCLE_AFTER


WARM_TEXT = "Le ministre a déclaré : « Nous publierons le modèle. » Les chercheurs saluent cette décision."


def warm_pipeline(model: str) -> bool:
    """Load the pipeline and the annotators' resources (lexicons, learned models) here by annotating one
    short text; True when no pipeline was loaded before (the caller may then release_pipelines after)."""
    from . import nlp as nlp_mod
    from . import store
    from .doccache import DocCache

    first = nlp_mod.load_pipeline.cache_info().currsize == 0
    nlp = nlp_mod.load_pipeline(model)
    store.annotate_doc("warm-up", nlp(WARM_TEXT))
    DocCache.clear_all()  # the warm-up Doc is not kept (nor inherited)
    return first


def release_pipelines() -> None:
    """Drop the cached pipelines (loaded again when next needed) and give back the memory they held."""
    import gc

    from . import nlp as nlp_mod

    nlp_mod.load_pipeline.cache_clear()
    gc.collect()
    try:  # glibc keeps freed memory for reuse: give it back to the system
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def run_recycled(fn: Callable[..., Any], tasks: Sequence[tuple], n_process: int,
                 on_result: Callable[[Any], None], every: int | None = None,
                 preload: Callable[[], Any] | None = None) -> None:
    """Call fn(*task) for every task in n_process forked workers, each replaced after `every` tasks
    (None: recycle_after(); 0: never); on_result(result) is called here as each finishes, in completion order.

    preload runs here once before the first fork, so that the workers inherit what it loads. Where fork
    is not available (Windows), workers are spawned, not preloaded, and never replaced.
    """
    every = recycle_after() if every is None else every
    fork = "fork" in mp.get_all_start_methods()
    if preload is not None and fork:
        preload()
    ctx = mp.get_context("fork") if fork else None
    if not fork:
        every = 0  # a spawned worker loads everything again: keep each for the whole run
    todo = deque(tasks)
    slots: list[ProcessPoolExecutor] = []
    done_in: list[int] = []
    pending: dict[Future, int] = {}

    def feed(i: int) -> None:
        if todo:
            pending[slots[i].submit(fn, *todo.popleft())] = i

    try:
        for i in range(max(1, min(n_process, len(todo)))):
            slots.append(ProcessPoolExecutor(max_workers=1, mp_context=ctx))
            done_in.append(0)
            feed(i)
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                i = pending.pop(f)
                on_result(f.result())
                done_in[i] += 1
                if every and done_in[i] >= every and todo:
                    slots[i].shutdown(wait=True)  # the worker exits: its memory goes back to the system
                    slots[i] = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
                    done_in[i] = 0
                feed(i)
    finally:
        for s in slots:
            s.shutdown(wait=True, cancel_futures=True)


def run_partitions(partitions: Sequence[Sequence[tuple[str, str]]], model: str, args: tuple, n_process: int,
                   on_result: Callable[[Any], None]) -> None:
    """store.process_partition(partition, *args) of each partition in recycled workers that inherit a warm
    pipeline; the pipeline is then dropped here if it was loaded only for them."""
    from . import store

    loaded: list[bool] = []
    try:
        run_recycled(store.process_partition, [(p, *args) for p in partitions], n_process, on_result,
                     preload=lambda: loaded.append(warm_pipeline(model)))
    finally:
        if any(loaded):
            release_pipelines()
