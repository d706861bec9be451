"""Plotting, in one place (a package: charts of notebook 06 in viz/trends.py, re-exported here).

House style for figures: readable titles, axis labels, a source line, saved as PNG and SVG.

    setup_style()
    fig, ax = plt.subplots()
    ...
    finish(fig, ax, title="...", xlabel="...", ylabel="...", source=source_line(corpus))
    save_figure(fig, "frame_prevalence", output_dir)

Colours are fixed per category (frames, entity types, stances) so a category looks the same in
every notebook.
"""

from __future__ import annotations

from collections.abc import Callable
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
        fig.text(0.01, _below_everything(fig), source, ha="left", va="top", fontsize=8, color="#555555",
                 transform=fig.transFigure)
    return fig


def _below_everything(fig: plt.Figure) -> float:
    """A figure y-coordinate just under the lowest drawn element (rotated tick labels, x label ...)."""
    try:
        bbox = fig.get_tightbbox(fig.canvas.get_renderer())
        return (bbox.y0 - 0.12) / fig.get_figheight()  # 0.12 inch under the lowest element
    except Exception:  # noqa: BLE001 - placement is cosmetic; never fail a chart for it
        return -0.02


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

def show_figure(fig: plt.Figure | None, name: str, output_dir: str | Path | None) -> dict[str, Path]:
    """In a notebook: save fig (see save_figure), display it once, and close it. Nothing for fig None."""
    if fig is None:
        return {}
    from IPython.display import display

    paths = save_figure(fig, name, output_dir)
    display(fig)
    plt.close(fig)
    return paths


def figure_saver(output_dir: str | Path | None, prefix: str = "") -> Callable[[plt.Figure | None, str], dict[str, Path]]:
    """save(fig, name) for a notebook: show_figure with the notebook's prefix ("02_") and output folder."""
    return lambda fig, name: show_figure(fig, f"{prefix}{name}", output_dir)


# --------------------------------------------------------------------------- chart functions
# Each returns a finished Figure (title, axis labels, source line); save it with save_figure.

OVER_COLOR = "#2166ac"   # over-used / positive keyness
UNDER_COLOR = "#b2182b"  # under-used / negative keyness
BAR_COLOR = PALETTE[0]


def short_label(text: object, width: int = 30) -> str:
    """A label cut to `width` characters with an ellipsis ('' for missing values)."""
    s = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def doc_labels(doc_ids: Any, width: int = 28) -> dict[str, str]:
    """doc_id -> a short, unique chart label (file extension dropped, long ids cut in the middle)."""
    out: dict[str, str] = {}
    for d in doc_ids:
        s = str(d)
        stem = s.rsplit(".", 1)[0] if "." in s.rsplit("/", 1)[-1] and "#" not in s else s
        if len(stem) > width:
            half = (width - 1) // 2
            stem = stem[:half] + "…" + stem[-(width - 1 - half):]
        label, k = stem, 2
        while label in out.values():
            label, k = f"{stem} ({k})", k + 1
        out[s] = label
    return out


def empty_figure(message: str, title: str = "", source: str = "") -> plt.Figure:
    """A small figure that says why there is nothing to plot."""
    fig, ax = plt.subplots(figsize=(7, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555555", transform=ax.transAxes)
    return finish(fig, ax, title=title, source=source)


def barh_chart(values: Any, title: str = "", xlabel: str = "", ylabel: str | None = None, source: str = "",
               color: str = BAR_COLOR, annotate: bool = True, label_width: int = 40,
               fmt: str = "{:,.0f}") -> plt.Figure:
    """Horizontal bars of a Series (index = labels), largest at the top, values written at the bar ends."""
    import pandas as pd

    s = pd.Series(values).dropna()
    if s.empty:
        return empty_figure("Nothing to plot in this corpus.", title, source)
    s = s.iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, max(2.2, 0.32 * len(s) + 1.2)))
    labels = [short_label(i, label_width) for i in s.index]
    ax.barh(range(len(s)), s.to_numpy(dtype=float), color=color)
    ax.set_yticks(range(len(s)), labels)
    ax.set_ylim(-0.6, len(s) - 0.4)
    if annotate:
        vmax = float(s.max()) if len(s) else 0.0
        for k, v in enumerate(s.to_numpy(dtype=float)):
            ax.text(v + vmax * 0.01, k, fmt.format(v), va="center", fontsize=8, color="#333333")
        ax.set_xlim(0, vmax * 1.1 if vmax > 0 else 1)
    return finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source)


def length_chart(documents: Any, source: str = "", title: str = "Article length", max_bars: int = 40) -> plt.Figure:
    """Word tokens per article (bars, with the number of sentences written beside each bar).

    Beyond `max_bars` articles, a histogram of lengths instead.
    """
    if documents is None or len(documents) == 0:
        return empty_figure("No article to describe.", title, source)
    if len(documents) > max_bars:
        fig, ax = plt.subplots()
        ax.hist(documents["n_tokens"], bins=min(40, max(10, len(documents) // 5)), color=BAR_COLOR,
                edgecolor="white")
        ax.axvline(documents["n_tokens"].median(), color="#333333", ls="--", lw=1)
        ax.text(documents["n_tokens"].median(), ax.get_ylim()[1] * 0.97,
                f" median {documents['n_tokens'].median():.0f}", va="top", fontsize=8, color="#333333")
        return finish(fig, ax, title=f"{title} ({len(documents)} articles)",
                      xlabel="word tokens per article (punctuation excluded)", ylabel="articles", source=source)
    d = documents.sort_values("n_tokens", ascending=True)
    labels = doc_labels(documents["doc_id"])
    fig, ax = plt.subplots(figsize=(9, max(2.2, 0.35 * len(d) + 1.2)))
    ax.barh(range(len(d)), d["n_tokens"], color=BAR_COLOR)
    ax.set_yticks(range(len(d)), [labels[x] for x in d["doc_id"]])
    ax.set_ylim(-0.6, len(d) - 0.4)
    vmax = float(d["n_tokens"].max()) or 1.0
    for k, (tok, sent) in enumerate(zip(d["n_tokens"], d["n_sentences"], strict=True)):
        ax.text(tok + vmax * 0.01, k, f"{int(tok)} tokens · {int(sent)} sentences", va="center", fontsize=8,
                color="#333333")
    ax.set_xlim(0, vmax * 1.35)
    return finish(fig, ax, title=title, xlabel="word tokens (punctuation excluded)", ylabel="article",
                  source=source)


def timeline_chart(documents: Any, source: str = "", title: str = "Articles over time",
                   max_points: int = 40) -> plt.Figure:
    """When the articles were published: one dot per article (few articles) or articles per month."""
    import matplotlib.dates as mdates
    import pandas as pd

    if documents is None or len(documents) == 0:
        return empty_figure("No article to place in time.", title, source)
    dates = pd.to_datetime(documents["date"], errors="coerce", format="%Y-%m-%d")
    d = documents.assign(_date=dates).dropna(subset=["_date"]).sort_values("_date")
    if d.empty:
        return empty_figure("No article carries a date.", title, source)
    n_missing = len(documents) - len(d)
    note = f" ({n_missing} undated article{'s' if n_missing != 1 else ''} left out)" if n_missing else ""
    if len(d) <= max_points:
        labels = doc_labels(documents["doc_id"])
        fig, ax = plt.subplots(figsize=(9, max(2.2, 0.35 * len(d) + 1.4)))
        ax.scatter(d["_date"], range(len(d)), s=40, color=BAR_COLOR, zorder=3)
        ax.hlines(range(len(d)), d["_date"].min(), d["_date"], color="#dddddd", lw=0.8, zorder=1)
        ax.set_yticks(range(len(d)), [labels[x] for x in d["doc_id"]])
        ax.set_ylim(-0.6, len(d) - 0.4)
        span = d["_date"].max() - d["_date"].min()
        pad = max(span * 0.05, pd.Timedelta(days=3))
        ax.set_xlim(d["_date"].min() - pad, d["_date"].max() + pad)
        locator = mdates.AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        return finish(fig, ax, title=title + note, xlabel="publication date", ylabel="article", source=source)
    months = d["_date"].dt.to_period("M").value_counts().sort_index()
    months = months.reindex(pd.period_range(months.index.min(), months.index.max(), freq="M"), fill_value=0)
    fig, ax = plt.subplots()
    ax.bar([p.to_timestamp() for p in months.index], months.to_numpy(), width=20, color=BAR_COLOR)
    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return finish(fig, ax, title=title + note, xlabel="month of publication", ylabel="articles", source=source)


def heatmap_chart(table: Any, title: str = "", xlabel: str = "", ylabel: str = "", source: str = "",
                  annotate: bool = True, cmap: str = SEQUENTIAL_CMAP, col_labels: dict[str, str] | None = None,
                  label_width: int = 30) -> plt.Figure:
    """A heatmap of a numeric DataFrame (rows x columns) with the values written in the cells."""
    import numpy as np

    if table is None or table.size == 0:
        return empty_figure("Nothing to plot in this corpus.", title, source)
    values = table.to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * n_cols + 3.5), max(2.5, 0.32 * n_rows + 1.8)))
    im = ax.imshow(values, aspect="auto", cmap=cmap, vmin=0)
    cols = [short_label((col_labels or {}).get(str(c), c), label_width) for c in table.columns]
    ax.set_xticks(range(n_cols), cols, rotation=35 if n_cols > 3 else 0, ha="right" if n_cols > 3 else "center")
    ax.set_yticks(range(n_rows), [short_label(r, label_width) for r in table.index])
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    if annotate and n_rows * n_cols <= 600:
        vmax = np.nanmax(values) if values.size else 0
        for r in range(n_rows):
            for c in range(n_cols):
                v = values[r, c]
                ax.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=8,
                        color="white" if vmax and v > 0.6 * vmax else "#222222")
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    return finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source)


def _cloud_color_func(cmap_name: str = WORDCLOUD_COLORMAP):
    """Colours from the house colormap, without its lightest end (unreadable on white)."""
    import random

    cmap = matplotlib.colormaps[cmap_name]

    def color(word: str, font_size: int, position: Any, orientation: Any, random_state: Any = None,
              **kwargs: Any) -> str:
        rnd = random_state if random_state is not None else random.Random(0)
        r, g, b, _ = cmap(rnd.uniform(0.0, 0.8))
        return f"rgb({int(r * 255)}, {int(g * 255)}, {int(b * 255)})"

    return color


def wordcloud_image(frequencies: dict[str, float], width: int = 900, height: int = 500, max_words: int = 100,
                    seed: int = 0) -> Any | None:
    """A word-cloud image (numpy array) from term -> frequency; None when there is no word."""
    from wordcloud import WordCloud

    freqs = {str(k): float(v) for k, v in frequencies.items() if v and v > 0 and str(k).strip()}
    if not freqs:
        return None
    wc = WordCloud(width=width, height=height, background_color="white", max_words=max_words,
                   random_state=seed, prefer_horizontal=0.95, color_func=_cloud_color_func(),
                   collocations=False, normalize_plurals=False, margin=4, min_font_size=8)
    return wc.generate_from_frequencies(freqs).to_array()


def wordcloud_chart(frequencies: dict[str, float], title: str = "", source: str = "",
                    max_words: int = 100) -> plt.Figure:
    """One word cloud (term size proportional to its frequency)."""
    img = wordcloud_image(frequencies, max_words=max_words)
    if img is None:
        return empty_figure("No content word to draw.", title, source)
    fig, ax = plt.subplots(figsize=(10, 5.6))
    ax.imshow(img, interpolation="bilinear")
    ax.axis("off")
    return finish(fig, ax, title=title, source=source)


def wordcloud_grid(frequencies_by_part: dict[str, dict[str, float]], title: str = "", source: str = "",
                   ncols: int = 3, max_words: int = 40, labels: dict[str, str] | None = None,
                   max_parts: int = 12) -> plt.Figure:
    """Small multiples: one word cloud per part (article, source ...), same colours and layout rules.

    At most `max_parts` panels (the first ones given); parts without words are left out.
    """
    parts = [p for p in frequencies_by_part if frequencies_by_part[p]][:max_parts]
    if not parts:
        return empty_figure("No content word to draw.", title, source)
    ncols = max(1, min(ncols, len(parts)))
    nrows = -(-len(parts) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.9 * nrows + 0.6), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, part in zip(axes.ravel(), parts, strict=False):
        img = wordcloud_image(frequencies_by_part[part], width=600, height=380, max_words=max_words)
        if img is not None:
            ax.imshow(img, interpolation="bilinear")
        ax.set_title(short_label((labels or {}).get(part, part), 38), fontsize=10, fontweight="normal")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return finish(fig, None, title=title, source=source)


def _keyness_bars(ax: plt.Axes, spec_part: Any, n: int, stat: str, alpha: float, label_width: int) -> bool:
    """Draw the n most over- and under-used terms of one part on ax; False when there is none."""
    import pandas as pd

    over = spec_part[spec_part[stat] > 0].nlargest(n, stat)
    under = spec_part[spec_part[stat] < 0].nsmallest(n, stat)
    d = pd.concat([over, under]).sort_values(stat)
    if d.empty:
        ax.axis("off")
        ax.text(0.5, 0.5, "no term to compare", ha="center", va="center", color="#555555", transform=ax.transAxes)
        return False
    p_col = "spec_p" if stat == "specificity" else "ll_p"
    sig = d[p_col] < alpha if p_col in d.columns else pd.Series(True, index=d.index)
    colors = [OVER_COLOR if v > 0 else UNDER_COLOR for v in d[stat]]
    ax.barh(range(len(d)), d[stat], color=colors, alpha=1.0)
    for k, (v, s) in enumerate(zip(d[stat], sig, strict=True)):
        if not s:  # not significant: hatched, lighter
            ax.barh(k, v, color="white", alpha=0.55, hatch="///", edgecolor="none")
    ax.set_yticks(range(len(d)), [short_label(x, label_width) for x in d["label"]])
    ax.set_ylim(-0.6, len(d) - 0.4)
    ax.axvline(0, color="#333333", lw=0.8)
    lim = float(d[stat].abs().max()) or 1.0
    ax.set_xlim(min(float(d[stat].min()) * 1.1, -0.05 * lim), max(float(d[stat].max()) * 1.1, 0.05 * lim))
    return True


def keyness_chart(spec_part: Any, title: str = "", source: str = "", n: int = 10, stat: str = "specificity",
                  alpha: float = 0.05, label_width: int = 32) -> plt.Figure:
    """Diverging bars for one part: most over-used terms (blue, right) and under-used (red, left).

    Bars of terms whose p-value is not below `alpha` are hatched.
    """
    if spec_part is None or len(spec_part) == 0:
        return empty_figure("Keyness needs at least two parts to compare.", title, source)
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.3 * min(len(spec_part), 2 * n) + 1.5)))
    _keyness_bars(ax, spec_part, n, stat, alpha, label_width)
    xlabel = ("Lafon specificity (±log10 p; + over-used, − under-used)" if stat == "specificity"
              else "signed log-likelihood G² (+ over-used, − under-used)")
    return finish(fig, ax, title=title, xlabel=xlabel, source=source + f"; hatched: p ≥ {alpha:g}")


def keyness_grid(spec: Any, parts: list[str] | None = None, title: str = "", source: str = "", n: int = 8,
                 ncols: int | None = None, stat: str = "specificity", alpha: float = 0.05,
                 labels: dict[str, str] | None = None, max_parts: int = 12) -> plt.Figure:
    """Small multiples of keyness_chart, one panel per part (at most `max_parts`; 2 or 3 columns)."""
    if spec is None or len(spec) == 0:
        return empty_figure("Keyness needs at least two parts to compare.", title, source)
    parts = list(parts if parts is not None else dict.fromkeys(spec["part"]))[:max_parts]
    ncols = ncols or (2 if len(parts) <= 4 else 3)
    ncols = max(1, min(ncols, len(parts)))
    nrows = -(-len(parts) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.6 * ncols, (0.25 * 2 * n + 1.3) * nrows + 0.4),
                             squeeze=False)
    for ax in axes.ravel()[len(parts):]:
        ax.axis("off")
    for ax, part in zip(axes.ravel(), parts, strict=False):
        _keyness_bars(ax, spec[spec["part"] == part], n, stat, alpha, 24)
        ax.set_title(short_label((labels or {}).get(str(part), part), 44), fontsize=10, loc="left")
        ax.tick_params(axis="y", labelsize=8)
    xlabel = "Lafon specificity (+ over-used, − under-used)" if stat == "specificity" else "signed G²"
    for ax in axes[-1]:
        if ax.has_data():
            ax.set_xlabel(xlabel)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return finish(fig, None, title=title, source=source + f"; hatched: p ≥ {alpha:g}")


# --------------------------------------------------------------------------- time and outlet charts (notebook 06)
from .trends import (  # noqa: E402, F401  (re-exported: helpers.viz stays the one plotting namespace)
    counts_chart,
    draw_events,
    outlet_colors,
    shares_by_group_chart,
    shares_over_time_chart,
)
