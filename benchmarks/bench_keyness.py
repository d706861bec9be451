"""Bounded keyness (top=50 over- and under-used terms per part): the candidate path of textometry.keyness
against the full-matrix path it replaced, on a generated Zipfian corpus (20,000-term vocabulary, 200 parts
of 300-1,500 words). Prints CPU seconds of each in the same run, their ratio, and whether the two tables
are identical. Figures only, no assert.

Run: PYTHONPATH=$PWD/src nice -n 10 .venv/bin/python benchmarks/bench_keyness.py
"""
from __future__ import annotations

import importlib
import time

import numpy as np
import pandas as pd
import scipy.stats  # noqa: F401 - imported first: its import cost (~2 s) is counted in neither path

K = importlib.import_module("helpers.textometry.keyness")


def main(vocabulary: int = 20000, parts: int = 200, top: int = 50) -> None:
    rng = np.random.default_rng(1)
    pr = 1 / np.arange(1, vocabulary + 1)
    pr /= pr.sum()
    counts = pd.DataFrame(
        np.stack([rng.multinomial(int(rng.integers(300, 1500)), pr) for _ in range(parts)], axis=1),
        index=[f"t{i:05d}" for i in range(vocabulary)], columns=[f"d{j}" for j in range(parts)])
    counts = counts[counts.sum(axis=1) >= 2]
    sizes = counts.sum(axis=0) * 3
    print(f"terms {len(counts)}, parts {parts}, density {(counts.to_numpy() > 0).mean():.4f}")
    t = time.process_time()
    fast = K.keyness(counts, sizes, top=top)
    f = time.process_time() - t
    candidates = K._keyness_candidates
    K._keyness_candidates = lambda block, freq, size, total, alpha, top: K._keyness_block(block, freq, size,
                                                                                          total, alpha)
    try:
        t = time.process_time()
        slow = K.keyness(counts, sizes, top=top)
        s = time.process_time() - t
    finally:
        K._keyness_candidates = candidates
    print(f"bounded keyness top={top}: candidate path {f:.2f} s CPU, full-matrix path {s:.2f} s CPU, "
          f"ratio {s / f:.1f}; rows {len(fast)}; identical: {fast.equals(slow)}")


if __name__ == "__main__":
    main()
