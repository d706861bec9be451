"""Frame and device figures (house style from helpers.viz), and evidence HTML."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .lexicon import DEVICE_COLORS, DEVICES, FRAMES
from .tables import _doc_order, _pct, strongest_examples

# --------------------------------------------------------------------------- figures

def _frame_colors(labels: Sequence[str]) -> list[str]:
    from ..viz import FRAME_COLORS

    return [FRAME_COLORS.get(f, DEVICE_COLORS.get(f, "#888888")) for f in labels]


def plot_prevalence(prevalence: pd.DataFrame, source: str = "", label_col: str = "frame"):
    """Horizontal bars: sentences per frame, with counts and shares written at the bar ends."""
    import matplotlib.pyplot as plt

    from ..viz import empty_figure, finish

    title = "Frame prevalence: sentences carrying each frame"
    if not len(prevalence) or prevalence["n_sentences"].sum() == 0:
        return empty_figure("No frame found in this corpus", title=title, source=source)
    df = prevalence.sort_values("n_sentences", kind="stable")
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(df) + 1.2))
    ax.barh(df[label_col], df["n_sentences"], color=_frame_colors(df[label_col]))
    top = max(df["n_sentences"].max(), 1)
    for y, r in enumerate(df.itertuples()):
        ax.text(r.n_sentences + top * 0.01, y, f"{r.n_sentences}  ({_pct(r.share_sentences)}, {r.n_articles} art.)",
                va="center", fontsize=8.5, color="#333333")
    ax.set_xlim(0, top * 1.35)
    finish(fig, ax, title=title, xlabel="sentences",
           ylabel="", source=source)
    return fig


def plot_profile_heatmap(matrix: pd.DataFrame, source: str = "", title: str = "", value_label: str = "share",
                         max_articles: int = 40):
    """Frame x article heatmap with values written in the cells (share as %, else one decimal).

    Beyond max_articles articles, only the most framed ones are drawn (the title says so)."""
    import matplotlib.pyplot as plt

    from ..viz import SEQUENTIAL_CMAP, doc_labels, empty_figure, finish

    title = title or "Frame profile of each article"
    if not matrix.size or float(matrix.values.sum()) == 0:
        return empty_figure("No frame found in this corpus", title=title, source=source)
    if matrix.shape[0] > max_articles:
        n_all = matrix.shape[0]
        keep = matrix.sum(axis=1).sort_values(ascending=False).index[:max_articles]
        matrix = matrix.loc[[i for i in matrix.index if i in set(keep)]]
        title += f" (the {max_articles} most framed of {n_all} articles)"
    m = matrix.T  # frames in rows, articles in columns
    n_rows, n_cols = m.shape
    fig, ax = plt.subplots(figsize=(max(4.5, 0.75 * n_cols + 3), 0.45 * n_rows + 2.2))
    vmax = float(m.values.max()) if m.size else 1.0
    im = ax.imshow(m.values, aspect="auto", cmap=SEQUENTIAL_CMAP, vmin=0, vmax=vmax or 1.0)
    ax.set_yticks(range(n_rows), m.index)
    labels = doc_labels(m.columns)
    ax.set_xticks(range(n_cols), [labels[str(c)] for c in m.columns], rotation=40, ha="right")
    if n_cols <= 25:
        for i in range(n_rows):
            for j in range(n_cols):
                v = m.values[i, j]
                txt = (f"{100 * v:.0f}" if value_label == "share" else f"{v:.1f}") if v else "·"
                ax.text(j, i, txt, ha="center", va="center", fontsize=8,
                        color="white" if vmax and v > 0.6 * vmax else "#333333")
    cbar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label("% of the article's sentences" if value_label == "share" else value_label)
    if value_label == "share":
        cbar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}"))
    ax.spines[:].set_visible(False)
    finish(fig, ax, title=title, xlabel="", ylabel="", source=source)
    return fig


def plot_cooccurrence(cooc: pd.DataFrame, source: str = ""):
    """Lower triangle of the frame co-occurrence matrix (sentences carrying both frames)."""
    import matplotlib.pyplot as plt

    from ..viz import SEQUENTIAL_CMAP, empty_figure, finish

    title = "Frames in the same sentence"
    if not cooc.size or int(cooc.values.sum()) == 0:
        return empty_figure("No frame found in this corpus", title=title, source=source)
    n = len(cooc)
    mask = np.triu(np.ones((n, n), dtype=bool), k=1)
    vals = np.ma.masked_array(cooc.values.astype(float), mask=mask)
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    vmax = float(cooc.values.max()) or 1.0
    ax.imshow(vals, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=vmax)
    ax.set_xticks(range(n), cooc.columns, rotation=40, ha="right")
    ax.set_yticks(range(n), cooc.index)
    for i in range(n):
        for j in range(i + 1):
            v = int(cooc.values[i, j])
            ax.text(j, i, str(v) if v else "·", ha="center", va="center", fontsize=8.5,
                    color="white" if v > 0.6 * vmax else "#333333", fontweight="bold" if i == j else "normal")
    ax.spines[:].set_visible(False)
    finish(fig, ax, title=title, xlabel="", ylabel="",
           source=(source + " · " if source else "") + "diagonal (bold): sentences carrying the frame")
    return fig


def plot_frame_strips(frames: pd.DataFrame, sentences: pd.DataFrame, source: str = "", max_articles: int = 12,
                      labels: Sequence[str] = FRAMES):
    """One strip per article: sentences left to right, frames top to bottom, a coloured cell where a frame occurs."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from ..viz import doc_labels, empty_figure, finish

    docs = _doc_order(sentences)[:max_articles]
    title = "Where the frames occur in each article"
    if not docs:
        return empty_figure("No sentence in this corpus", title=title, source=source)
    names = doc_labels(docs, width=60)
    n_sent = sentences.groupby("doc_id").size()
    width = max((int(n_sent[d]) for d in docs), default=1)
    fig, axes = plt.subplots(len(docs), 1, figsize=(10, 1.95 * len(docs) + 0.6), squeeze=False)
    colors = dict(zip(labels, _frame_colors(labels), strict=True))
    present = set(zip(frames["doc_id"], frames["sent_id"], frames["frame"], strict=True)) if len(frames) else set()
    for ax, d in zip(axes[:, 0], docs, strict=True):
        n = int(n_sent[d])
        ax.add_patch(Rectangle((-0.5, -0.5), n, len(labels), color="#f3f3f3", zorder=0))
        n_cells = 0
        for y, f in enumerate(labels):
            for s in range(n):
                if (d, s, f) in present:
                    ax.add_patch(Rectangle((s - 0.45, y - 0.4), 0.9, 0.8, color=colors[f], zorder=1))
                    n_cells += 1
        if not n_cells:
            ax.text((n - 1) / 2, (len(labels) - 1) / 2, "no frame in this article", ha="center", va="center",
                    fontsize=9, color="#777777")
        ax.set_xlim(-0.5, width - 0.5)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        step = max(1, int(np.ceil(width / 20)))
        ax.set_xticks(range(0, width, step))
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(names[d], loc="left", fontsize=9, fontweight="normal")
        ax.spines[:].set_visible(False)
    axes[-1, 0].set_xlabel("sentence number (sent_id)")
    if len(_doc_order(sentences)) > max_articles:
        title += f" (first {max_articles} articles)"
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    finish(fig, None, source=source)
    return fig


def plot_devices(devices: pd.DataFrame, sentences: pd.DataFrame, source: str = "", max_articles: int = 30):
    """Stacked horizontal bars: sentences with each device family, per article."""
    import matplotlib.pyplot as plt

    from ..viz import doc_labels, empty_figure, finish

    title = "Metaphor and analogy families per article"
    if not len(devices):
        return empty_figure("No metaphor or analogy found in this corpus", title=title, source=source)
    counts = (devices.drop_duplicates(["doc_id", "sent_id", "device"]).groupby(["doc_id", "device"]).size()
              .unstack(fill_value=0) if len(devices) else pd.DataFrame())
    docs = _doc_order(sentences)[:max_articles]  # articles without any device keep an empty bar
    counts = counts.reindex(index=docs, columns=DEVICES, fill_value=0)
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * max(len(docs), 1) + 1.6))
    left = np.zeros(len(docs))
    y = np.arange(len(docs))
    for dev in DEVICES:
        vals = counts[dev].to_numpy() if len(docs) else np.array([])
        if vals.sum():
            ax.barh(y, vals, left=left, color=DEVICE_COLORS[dev], label=dev)
        left = left + vals
    for yi, total in zip(y, left, strict=True):
        if not total:
            ax.text(0.05, yi, "none", va="center", fontsize=8.5, color="#777777")
    names = doc_labels(docs)
    ax.set_yticks(y, [names[d] for d in docs])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.legend(ncol=5, loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8.5)
    finish(fig, ax, title=title + "\n", xlabel="sentences", ylabel="",
           source=source)
    return fig


# --------------------------------------------------------------------------- evidence

def evidence_html(table: pd.DataFrame, label: str, n: int = 3, label_col: str = "frame") -> str:
    """The strongest example sentences of one label, HTML-escaped, cues highlighted, with doc_id/sent_id."""
    from ..display import examples_html

    ex = strongest_examples(table, label, n, label_col)
    return examples_html(ex, cue_col="cues", extra_cols=["score"], max_rows=n,
                         title=f"{label} — strongest examples")


