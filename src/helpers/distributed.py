"""Parse and annotate on a dask.distributed cluster: the same per-article work, the same tables.

    python -m helpers export CORPUS OUT --scheduler tcp://scheduler-host:8786
    DASK_SCHEDULER=tcp://scheduler-host:8786 make report CORPUS=...

build_corpus sends the articles that are not yet in the store to the cluster in partitions
(helpers.store.process_partition with write=False). Each worker process loads the spaCy pipeline
once (helpers.nlp.load_pipeline is cached per process) and returns the partition's DocBins and
Parquet parts as bytes; the client writes them into its own store, so the workers need no shared
file system, only the same environment (this package, the same spaCy model and lexicons).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .store import PartResult, process_partition


def connect(address: str):
    """A dask.distributed Client for a scheduler address (or a Client or LocalCluster passed through)."""
    from dask.distributed import Client

    if isinstance(address, Client):
        return address
    if hasattr(address, "scheduler_address"):  # a LocalCluster or any cluster object
        return Client(address)
    return Client(address, timeout="30s")


def _check_worker_versions(client, model: str) -> None:
    """Fail early, naming the mismatch, when the workers lack the package or the model."""
    def probe(model: str) -> tuple[str, bool]:
        import importlib.util

        import helpers

        return getattr(helpers, "__version__", "?"), importlib.util.find_spec(model) is not None

    for worker, (_version, has_model) in client.run(probe, model).items():
        if not has_model:
            raise RuntimeError(f"dask worker {worker} has no spaCy pipeline '{model}' installed")


def run_partitions(scheduler, partitions: Sequence[Sequence[tuple[str, str]]], model: str, parse_cache: str,
                   part_dir: str) -> Iterator[PartResult]:
    """Send each partition to the cluster; yield the results (bytes to write) as they complete."""
    from dask.distributed import as_completed

    client = connect(scheduler)
    own = not hasattr(scheduler, "submit")
    try:
        _check_worker_versions(client, model)
        futures = [client.submit(process_partition, list(p), model, parse_cache, part_dir, False, pure=False)
                   for p in partitions]
        for future in as_completed(futures):
            yield future.result()
            future.release()
    finally:
        if own:
            client.close()
