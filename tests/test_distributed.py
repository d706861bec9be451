"""dask.distributed: a LocalCluster of two worker processes gives the same tables as a local run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.pipeline import build_corpus

from .conftest import FIXTURE_CORPUS, TEST_MODEL

TABLES = ("documents", "sentences", "tokens", "entities", "quotes", "frames", "devices", "stances", "arguments")


def test_local_cluster_gives_the_local_tables(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    local = build_corpus(FIXTURE_CORPUS, model=TEST_MODEL, cache_dir=tmp_path / "local", progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = build_corpus(FIXTURE_CORPUS, model=TEST_MODEL, cache_dir=tmp_path / "dask", progress=False,
                              scheduler=cluster.scheduler_address)
        assert remote.parse_stats.parsed == len(local.docs)
        workers = cluster.scheduler_info["workers"]
        assert len(workers) == 2
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(remote, name), getattr(local, name), obj=name)
    # the results came back to this process's store: a local run now parses nothing
    again = build_corpus(FIXTURE_CORPUS, model=TEST_MODEL, cache_dir=tmp_path / "dask", progress=False)
    assert (again.parse_stats.parsed, again.parse_stats.annotated) == (0, 0)


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    from helpers import distributed

    with pytest.raises(OSError, match="tcp://127.0.0.1:9"):
        distributed.connect("tcp://127.0.0.1:9")
