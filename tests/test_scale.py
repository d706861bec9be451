"""Article-level charts stay readable on large corpora: beyond a cap they draw the top articles and say so."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import entities, framing, stance
from helpers.viz import FRAMES


def _width_in(fig) -> float:
    return float(fig.get_size_inches()[0])


def test_entity_heatmap_caps_articles() -> None:
    counts = pd.DataFrame(np.arange(300).reshape(3, 100) % 7, index=["A", "B", "C"],
                          columns=[f"doc{i}" for i in range(100)])
    counts["type"] = "ORG"
    fig = entities.plot_entity_heatmap(counts, max_articles=40)
    assert "40 of 100 articles" in fig.axes[0].get_title(loc="left")
    assert len(fig.axes[0].get_xticks()) == 40
    assert _width_in(fig) < 40


def test_frame_heatmap_caps_articles() -> None:
    rng = np.random.default_rng(0)
    matrix = pd.DataFrame(rng.random((120, 10)), index=[f"doc{i}" for i in range(120)],
                          columns=FRAMES)
    fig = framing.plot_profile_heatmap(matrix, max_articles=40)
    assert "of 120 articles" in fig.axes[0].get_title(loc="left")
    assert len(fig.axes[0].get_xticks()) == 40


def test_balance_caps_articles() -> None:
    n = 90
    bal = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "pro": np.arange(n) % 5, "con": np.arange(n) % 3,
                        "none": 5})
    total = bal["pro"] + bal["con"] + bal["none"]
    bal["pro_share"], bal["con_share"] = bal["pro"] / total, bal["con"] / total
    bal["balance"] = bal["pro_share"] - bal["con_share"]
    fig, ax = stance.plot_balance(bal, max_articles=40)
    assert "40 of 90 articles" in ax.get_title(loc="left")
    assert len(ax.get_yticks()) == 40
