"""Worker processes replaced after a few partitions (helpers.workers): same results, fresh processes."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from helpers import workers
from helpers.pipeline import build_corpus

from .conftest import FIXTURE_CORPUS, TEST_MODEL

_PRELOADED: list[str] = []


def _pid_and_preloaded(x: int) -> tuple[int, int, tuple[str, ...]]:
    return x, os.getpid(), tuple(_PRELOADED)


def _fails(x: int) -> int:
    if x == 2:
        raise ValueError("partition 2 failed")
    return x


def _before_fork() -> None:
    _PRELOADED[:] = ["set in the parent"]


def _run(every: int, n_tasks: int = 6) -> list[tuple[int, int, tuple[str, ...]]]:
    out: list = []
    _PRELOADED.clear()
    try:
        workers.run_recycled(_pid_and_preloaded, [(i,) for i in range(n_tasks)], 2, out.append, every=every,
                             before_fork=_before_fork)
    finally:
        _PRELOADED.clear()
    return out


def test_every_task_in_a_fresh_forked_worker() -> None:
    out = _run(every=1)
    assert sorted(x for x, _, _ in out) == list(range(6))
    assert len({pid for _, pid, _ in out}) == 6, "each task ran in a new process"
    assert os.getpid() not in {pid for _, pid, _ in out}
    assert all(pre == ("set in the parent",) for _, _, pre in out), "forked workers see the parent's state"


def test_workers_kept_when_not_recycled() -> None:
    out = _run(every=0)
    assert sorted(x for x, _, _ in out) == list(range(6))
    assert len({pid for _, pid, _ in out}) <= 2


def test_a_failing_task_is_raised_in_the_caller() -> None:
    with pytest.raises(ValueError, match="partition 2 failed"):
        workers.run_recycled(_fails, [(i,) for i in range(5)], 2, lambda r: None, every=1)


def test_recycle_after_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("HELPERS_RECYCLE_AFTER", "3")
    assert workers.recycle_after() == 3
    monkeypatch.setenv("HELPERS_RECYCLE_AFTER", "x")
    assert workers.recycle_after() == workers.RECYCLE_AFTER


def test_recycled_workers_give_the_tables_of_a_serial_run(tmp_path: Path, monkeypatch) -> None:
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus_dir)
    serial = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=tmp_path / "c1", progress=False, n_process=1)
    monkeypatch.setenv("HELPERS_RECYCLE_AFTER", "1")  # every partition in a new worker
    recycled = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=tmp_path / "c2", progress=False, n_process=2)
    assert recycled.parse_stats.parsed == serial.parse_stats.parsed > 2  # more partitions than workers
    for name in ("documents", "sentences", "tokens", "entities", "quotes", "frames", "devices", "stances",
                 "arguments"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(recycled, name), obj=name)
    for name in ("tokens", "mentions", "names"):
        pd.testing.assert_frame_equal(serial.table(name), recycled.table(name), obj=name)


def test_a_warm_worker_serves_as_the_first_slot() -> None:
    warm = workers.start_warm(TEST_MODEL)
    assert warm is not None
    warm_pid = warm.submit(os.getpid).result()
    out: list = []
    workers.run_recycled(_pid_and_preloaded, [(0,)], 2, out.append, every=0, first=warm)
    assert [(x, pid) for x, pid, _ in out] == [(0, warm_pid)], "one task: run by the warm worker, no other started"


def test_an_unused_warm_worker_is_shut_down() -> None:
    warm = workers.start_warm(TEST_MODEL)
    workers.run_recycled(_pid_and_preloaded, [], 2, lambda r: None, first=warm)
    with pytest.raises(RuntimeError):
        warm.submit(os.getpid)


def test_discard_kills_a_warm_worker_without_waiting_for_its_warm_up() -> None:
    warm = workers.start_warm(TEST_MODEL)
    procs = list(warm._processes.values())
    assert procs
    workers.discard(warm)

    def running(pid: int) -> bool:  # the executor's own thread may reap the child first: ask the system
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    pids = [proc.pid for proc in procs]
    for _ in range(600):
        if not any(running(pid) for pid in pids):
            break
        time.sleep(0.1)
    assert not any(running(pid) for pid in pids)
    # the exit status, when this process reaped it: killed (-9), not left to finish loading (0)
    assert all(proc.exitcode in (None, -signal.SIGKILL) for proc in procs)


def test_one_added_article_through_the_warm_worker_gives_the_tables_of_a_serial_run(tmp_path: Path,
                                                                                   monkeypatch) -> None:
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus_dir)
    added = sorted(p for p in corpus_dir.iterdir() if p.suffix == ".txt")[-1]
    kept = added.read_text(encoding="utf-8")
    added.unlink()
    build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=tmp_path / "c2", progress=False, n_process=2)
    added.write_text(kept, encoding="utf-8")
    started: list = []
    real_start = workers.start_warm
    monkeypatch.setattr(workers, "start_warm", lambda m: started.append(m) or real_start(m))
    warm = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=tmp_path / "c2", progress=False, n_process=2)
    assert warm.parse_stats.parsed >= 1 and started == [TEST_MODEL]
    serial = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=tmp_path / "c1", progress=False, n_process=1)
    for name in ("documents", "sentences", "tokens", "entities", "quotes", "frames", "devices", "stances",
                 "arguments"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(warm, name), obj=name)
    build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=tmp_path / "c2", progress=False, n_process=2)
    assert started == [TEST_MODEL], "nothing new to read: no warm worker started"
