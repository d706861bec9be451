"""Worker processes for the partitions: replaced after a number of partitions, memory given back between them.

Peak memory of a cold export is the sum of the RSS of the main process and its forked workers. A forked
worker's RSS counts every page of the parent resident at the fork, then its own pipeline (~0.4 GB),
the working memory of a partition (~0.3 GB for 32 articles) and what it keeps: a long-lived spaCy
worker keeps growing (its vocabulary and StringStore, heap its allocator does not give back). So:
- the parent collects garbage and gives its free heap back to the system before each fork (trim_memory);
- a worker gives its free heap back after each partition;
- each of the n_process workers is a one-process ProcessPoolExecutor (fork) that runs at most
  `recycle_after()` partitions, then exits and is replaced. A new worker loads the pipeline again (~5 s
  CPU, ~2 s more for the annotators' resources), so partitions per worker are many (~2 % of the CPU).
  Loading the pipeline in the parent before forking was tried: it adds the pipeline to the parent's RSS
  and every worker inherits it, which is no lighter over the tree (benchmarks/README.md).

A worker can also be started early (`start_warm`): while the parent reads and cleans a handful of changed
files on one core, it loads the pipeline and the annotators' resources on the other, then serves as the first
worker (a warm run that adds one article no longer loads the pipeline after preparing it).

A worker that dies (killed, out of memory) raises BrokenProcessPool in the caller, as a
ProcessPoolExecutor does; an exception in a partition is raised again here.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

# Partitions a worker runs before it is replaced (benchmarks/README.md: memory at 3,000 and 10,000 articles).
RECYCLE_AFTER = 48


def recycle_after() -> int:
    """Partitions per worker before it is replaced: $HELPERS_RECYCLE_AFTER (0: never), else RECYCLE_AFTER."""
    env = os.environ.get("HELPERS_RECYCLE_AFTER", "")
    return int(env) if env.isdigit() else RECYCLE_AFTER


def trim_memory() -> None:
    """Collect garbage and give the allocator's free memory back to the system (glibc; elsewhere a no-op)."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _call_and_trim(fn: Callable[..., Any], *args: Any) -> Any:
    """fn(*args) in a worker, then its freed memory back to the system before the next task."""
    try:
        return fn(*args)
    finally:
        trim_memory()


def _warm_up(model: str) -> None:
    """In a worker: load the pipeline and everything the annotation of an article loads (cached per process)."""
    from . import nlp as nlp_mod
    from . import store

    nlp = nlp_mod.load_pipeline(model)
    store.annotate_doc("warm-up", nlp("Mistral AI publie un modèle ouvert. Meta défend l'open source."))


def start_warm(model: str) -> ProcessPoolExecutor | None:
    """A one-process forked worker that starts loading `model` (and the annotators) now, for run_recycled's
    `first`; None where fork is not available. A failure to load is not raised here: the worker runs the
    partitions like any other and reports it then."""
    if "fork" not in mp.get_all_start_methods():
        return None
    ex = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
    ex.submit(_warm_up, model)
    return ex


def discard(ex: ProcessPoolExecutor) -> None:
    """Stop a worker that is not needed (a warm worker when nothing is to be parsed) without waiting for what it
    is doing: its process is killed, so neither this call nor the interpreter's exit waits for the warm-up."""
    procs = list((getattr(ex, "_processes", None) or {}).values())  # no public kill before Python 3.14
    for proc in procs:
        try:
            proc.kill()
        except (OSError, AttributeError):
            pass
    ex.shutdown(wait=False, cancel_futures=True)


def run_recycled(fn: Callable[..., Any], tasks: Sequence[tuple], n_process: int,
                 on_result: Callable[[Any], None], every: int | None = None,
                 before_fork: Callable[[], Any] | None = trim_memory,
                 first: ProcessPoolExecutor | None = None) -> None:
    """Call fn(*task) for every task in n_process forked workers, each replaced after `every` tasks
    (None: recycle_after(); 0: never); on_result(result) is called here as each finishes, in completion order.

    before_fork runs here before each worker is started. first: an already started one-process worker
    (start_warm) used as the first slot; it is shut down at the end like the others. Where fork is not
    available (Windows), workers are spawned and never replaced.
    """
    every = recycle_after() if every is None else every
    fork = "fork" in mp.get_all_start_methods()
    ctx = mp.get_context("fork") if fork else None
    if not fork:
        every = 0  # a spawned worker imports and loads everything again: keep each for the whole run
    todo = deque(tasks)
    slots: list[ProcessPoolExecutor] = []
    done_in: list[int] = []
    pending: dict[Future, int] = {}

    def start() -> ProcessPoolExecutor:
        nonlocal first
        if first is not None:
            ex, first = first, None
            return ex
        if before_fork is not None:
            before_fork()
        return ProcessPoolExecutor(max_workers=1, mp_context=ctx)

    def feed(i: int) -> None:
        if todo:
            pending[slots[i].submit(_call_and_trim, fn, *todo.popleft())] = i

    try:
        for i in range(max(1, min(n_process, len(todo)))):
            slots.append(start())
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
                    slots[i] = start()
                    done_in[i] = 0
                feed(i)
    finally:
        for s in slots:
            s.shutdown(wait=True, cancel_futures=True)
        if first is not None:  # never used (no task)
            discard(first)


def run_partitions(partitions: Sequence[Sequence[tuple[str, str]]], args: tuple, n_process: int,
                   on_result: Callable[[Any], None], first: ProcessPoolExecutor | None = None) -> None:
    """store.process_partition(partition, *args) of each partition in recycled workers (first: see run_recycled)."""
    from . import store

    run_recycled(store.process_partition, [(p, *args) for p in partitions], n_process, on_result, first=first)
