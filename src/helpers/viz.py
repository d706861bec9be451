"""House style for figures: readable titles, axis labels, a source line, saved as PNG and SVG.

    setup_style()
    fig, ax = plt.subplots()
    ...
    finish(fig, ax, title="...", xlabel="...", ylabel="...", source=source_line(corpus))
    save_figure(fig, "frame_prevalence", output_dir)

Colours are fixed per category (frames, entity types, stances) so a category looks the same in
every notebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg") if not matplotlib.get_backend().lower().startswith(("module://", "nbagg", "ipympl", "widget")) else None
import matplotlib.pyplot as plt  # noqa: E402

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf"]
FRAMES = ["innovation", "access", "transparency", "community", "economy", "geopolitics", "security",
          "regulation", "ethics", "competition"]
FRAME_COLORS = dict(zip(FRAMES, PALETTE, strict=True))
TYPE_COLORS = {"PER": "#1f77b4", "ORG": "#ff7f0e", "LOC": "#2ca02c", "PRODUCT": "#9467bd", "MISC": "#7f7f7f"}
STANCE_COLORS = {"pro": "#2c7bb6", "con": "#d7191c", "none": "#bdbdbd"}
SEQUENTIAL_CMAP = "Blues"
DIVERGING_CMAP = "RdBu"
WORDCLOUD_COLORMAP = "viridis"


def setup_style() -> None:
    """Apply the house style to matplotlib."""
    plt.rcParams.update({
        "figure.figsize": (9, 5),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "axes.titlesize": 13,
        "axes.titleweight": "bold",
        "axes.labelsize": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.frameon": False,
        "font.family": "DejaVu Sans",
        "svg.fonttype": "none",
    })


def source_line(corpus: Any | None = None, name: str | None = None, n_articles: int | None = None) -> str:
    """'Source: corpus raw, 5 articles' from a Corpus (or from a name and a count)."""
    if corpus is not None:
        name = name or getattr(corpus, "name", "corpus")
        n_articles = n_articles if n_articles is not None else len(getattr(corpus, "docs", {}))
    n = n_articles or 0
    return f"Source: corpus '{name}', {n} article{'s' if n != 1 else ''}"


def finish(fig: plt.Figure, ax: plt.Axes | None = None, title: str = "", xlabel: str | None = None,
           ylabel: str | None = None, source: str = "") -> plt.Figure:
    """Title, axis labels and the source line at the bottom left."""
    if ax is not None:
        if title:
            ax.set_title(title, loc="left")
        if xlabel is not None:
            ax.set_xlabel(xlabel)
        if ylabel is not None:
            ax.set_ylabel(ylabel)
    elif title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    if source:
        fig.text(0.01, -0.02, source, ha="left", va="top", fontsize=8, color="#555555",
                 transform=fig.transFigure)
    return fig


def save_figure(fig: plt.Figure, name: str, output_dir: str | Path | None) -> dict[str, Path]:
    """Save fig as output_dir/figures/<name>.png and .svg; returns the paths (nothing if no output_dir)."""
    if not output_dir:
        return {}
    folder = Path(output_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for ext in ("png", "svg"):
        path = folder / f"{name}.{ext}"
        fig.savefig(path, bbox_inches="tight")
        paths[ext] = path
    return paths
