"""The bounded keyness (top over- and under-used terms per part, computed on the present terms and the
closed form for absent ones) equals the same rows taken from the full matrix (slow path)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import textometry as tm
from helpers.textometry.keyness import (
    _absent_specificity,
    count_matrix,
    keyness,
    lafon_specificity,
    part_sizes,
)


def _top_of_full(full: pd.DataFrame, top: int) -> pd.DataFrame:
    over = full[full["specificity"] > 0].sort_values(["specificity", "key"], ascending=[False, True])
    under = full[full["specificity"] < 0].sort_values(["specificity", "key"], ascending=[True, True])
    return pd.concat([over.groupby("part", sort=False).head(top), under.groupby("part", sort=False).head(top)])


def _same(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    key = ["part", "key"]
    fast = fast.sort_values(key).reset_index(drop=True)
    slow = slow.sort_values(key).reset_index(drop=True)[fast.columns]
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_absent_closed_form_matches_hypergeometric() -> None:
    freq = np.array([1.0, 5, 40, 300, 900])
    size = np.array([50.0, 200, 1000, 700, 950])
    spec, _ = lafon_specificity(np.zeros(5), freq, size, 1000.0)
    assert np.allclose(_absent_specificity(freq, size, 1000.0), spec, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("top", [1, 3, 20])
def test_bounded_keyness_equals_slow_path_on_random_counts(top: int) -> None:
    rng = np.random.default_rng(0)
    counts = pd.DataFrame(rng.poisson(rng.gamma(0.3, 2.0, size=(300, 1)), size=(300, 25)),
                          index=[f"t{i:03d}" for i in range(300)], columns=[f"d{j}" for j in range(25)])
    sizes = counts.sum(axis=0) + 40
    full = keyness(counts, sizes, min_freq=2, top=None)
    fast = keyness(counts, sizes, min_freq=2, top=top, chunk=7)
    _same(fast, _top_of_full(full, top))
    assert fast["significant"].any()


def test_bounded_keyness_equals_slow_path_on_fixture(fixture_corpus) -> None:
    units = tm.units_table(fixture_corpus)
    counts, sizes = count_matrix(units, "doc_id"), part_sizes(units, "doc_id")
    full = keyness(counts, sizes, min_freq=2, top=None)
    for top in (2, 10):
        fast = keyness(counts, sizes, min_freq=2, top=top)
        _same(fast, _top_of_full(full, top))
