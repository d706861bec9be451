"""Stance figures (house style from helpers.viz)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .tables import top_categories

# ---------------------------------------------------------------------------------------------
# Labels and figures (house style from helpers.viz)
# ---------------------------------------------------------------------------------------------

def _plain(text: object, max_len: int = 45) -> str:
    """Text safe for a matplotlib label: one line, shortened, '$' escaped (no mathtext)."""
    from ..viz import short_label

    return short_label(text, max_len).replace("$", r"\$")


def article_labels(documents: pd.DataFrame | None, doc_ids: Iterable[str], max_len: int = 45) -> dict[str, str]:
    """doc_id -> a short readable label: the title (shortened) with the doc_id, or the doc_id alone."""
    titles = {}
    if documents is not None and len(documents) and "title" in documents.columns:
        titles = {d: t for d, t in zip(documents["doc_id"], documents["title"], strict=True)
                  if isinstance(t, str) and t.strip()}
    out = {}
    for d in doc_ids:
        short_id = _plain(d, 28)
        out[d] = f"{_plain(titles[d], max_len)}\n[{short_id}]" if d in titles else short_id
    return out


def plot_balance(balance: pd.DataFrame, labels: Mapping[str, str] | None = None, source: str = "",
                 max_articles: int = 40):
    """Diverging bars: per article, the share of pro sentences to the right and of con sentences to the left.

    Beyond max_articles articles, only those with the most arguments are drawn (the title says so)."""
    import matplotlib.pyplot as plt

    from .. import viz

    title = "Arguments for and against open-source AI, per article"
    if len(balance) > max_articles:
        title += f" (the {max_articles} of {len(balance)} articles with the most arguments)"
        balance = balance.assign(_n=balance["pro"] + balance["con"]).nlargest(max_articles, "_n").drop(columns="_n")
    data = balance.sort_values(["balance", "pro_share"], ascending=True).reset_index(drop=True)
    labels = labels or {}
    height = max(2.8, 0.55 * len(data) + 1.6)
    fig, ax = plt.subplots(figsize=(9.5, height))
    y = range(len(data))
    ax.barh(y, data["pro_share"], color=viz.STANCE_COLORS["pro"], label="pro")
    ax.barh(y, -data["con_share"], color=viz.STANCE_COLORS["con"], label="con")
    for k, r in data.iterrows():
        if r["pro"]:
            ax.text(r["pro_share"] + 0.01, k, f"{int(r['pro'])}", va="center", fontsize=8)
        if r["con"]:
            ax.text(-r["con_share"] - 0.01, k, f"{int(r['con'])}", va="center", ha="right", fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(list(y))
    ax.set_yticklabels([labels.get(d, _plain(d)) for d in data["doc_id"]], fontsize=8)
    _diverging_axis(ax, float(data["con_share"].max()), float(data["pro_share"].max()), percent=True)
    viz.finish(fig, ax, title=title,
               xlabel="share of the article's sentences (con ← | → pro); bar labels: number of sentences",
               ylabel="", source=source)
    return fig, ax


def _diverging_axis(ax, left: float, right: float, percent: bool) -> None:
    """x limits for con (left) and pro (right) bars, tick labels without sign, legend outside."""

    unit = 0.05 if percent else 1.0
    left, right = max(left, unit), max(right, unit)
    lo, hi = -max(left, right * 0.25) * 1.22, max(right, left * 0.25) * 1.22
    step = _nice_step((hi - lo) / 6, percent)
    ticks = np.concatenate([-np.arange(step, -lo, step)[::-1], np.arange(0, hi, step)])
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{abs(t):.0%}" if percent else f"{abs(int(round(t)))}" for t in ticks])
    ax.set_xlim(lo, hi)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)


def _nice_step(raw: float, percent: bool) -> float:
    """A round tick step near raw (integers for counts)."""
    for step in ((0.05, 0.1, 0.2, 0.25, 0.5) if percent else (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)):
        if step >= raw:
            return step
    return raw


def plot_stance_frames(counts: pd.DataFrame, source: str = ""):
    """Heatmap of stance x category counts (rows: categories; columns: pro, con)."""
    import matplotlib.pyplot as plt

    from .. import viz

    data = counts[["pro", "con"]]
    totals = data.sum(axis=0).replace(0, 1)
    shares = data / totals  # colour: share of the side's arguments, so both sides are readable
    height = max(2.8, 0.42 * len(data) + 1.6)
    fig, ax = plt.subplots(figsize=(6.5, height))
    vmax = max(0.05, float(shares.values.max()))
    im = ax.imshow(shares.values, cmap=viz.SEQUENTIAL_CMAP, aspect="auto", vmin=0, vmax=vmax)
    ax.set_xticks([0, 1])
    ax.set_xticklabels(["pro (for)", "con (against)"])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(data)))
    ax.set_yticklabels([_plain(c, 30) for c in data.index])
    for i in range(len(data)):
        for j in range(2):
            val, share = int(data.values[i, j]), float(shares.values[i, j])
            ax.text(j, i, f"{val} ({share:.0%})", ha="center", va="center", fontsize=9,
                    color="white" if share > vmax * 0.6 else "#222222")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    cbar = fig.colorbar(im, ax=ax, fraction=0.05, pad=0.04)
    cbar.set_label("share of the side's arguments", fontsize=9)
    cbar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    viz.finish(fig, ax, title="Which arguments are made for and against", xlabel="",
               ylabel="", source=source + "; cells: arguments (share of the side's arguments); "
                                          "an argument with several frames counts in each")
    ax.set_title("Which arguments are made for and against", loc="left", pad=28)
    return fig, ax


def plot_top_categories(arguments: pd.DataFrame, n: int = 6, source: str = ""):
    """Two panels: the n most frequent categories of the pro side and of the con side."""
    import matplotlib.pyplot as plt

    from .. import viz

    fig, axes = plt.subplots(1, 2, figsize=(11, max(3.0, 0.45 * n + 1.8)))
    for ax, side in zip(axes, ("pro", "con"), strict=True):
        top = top_categories(arguments, side, n=n)
        if top.empty:
            ax.text(0.5, 0.5, f"no {side} argument", ha="center", va="center", color="#666666",
                    transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            top = top.iloc[::-1]
            colors = [viz.FRAME_COLORS.get(c, "#9e9e9e") for c in top["category"]]
            ax.barh([_plain(c, 25) for c in top["category"]], top["count"], color=colors)
            for k, v in enumerate(top["count"]):
                ax.text(v + 0.05, k, str(int(v)), va="center", fontsize=8)
            ax.set_xlim(0, float(top["count"].max()) * 1.18 + 0.5)
            ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(f"{side}: {'for' if side == 'pro' else 'against'} open-source AI", loc="left",
                     color=viz.STANCE_COLORS[side], fontsize=11)
        ax.set_xlabel("arguments (sentences)")
    fig.suptitle("Top categories of each side", x=0.01, ha="left", fontweight="bold", fontsize=13)
    fig.tight_layout()
    if source:
        fig.text(0.01, -0.02, source, ha="left", va="top", fontsize=8, color="#555555")
    return fig, axes


def plot_actor_stance(table: pd.DataFrame, name_col: str = "canonical", title: str = "", source: str = "",
                      xlabel: str = "sentences (con ← | → pro)", show_none: bool = False):
    """Diverging bars per actor: pro sentences to the right, con to the left; with show_none, the none
    sentences as a light bar after the pro ones."""
    import matplotlib.pyplot as plt

    from .. import viz

    data = table.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, max(2.2, 0.42 * len(data) + 1.4)))
    y = range(len(data))
    height = 0.7 if len(data) > 2 else 0.45
    ax.barh(y, data["pro"], color=viz.STANCE_COLORS["pro"], label="pro", height=height)
    ax.barh(y, -data["con"], color=viz.STANCE_COLORS["con"], label="con", height=height)
    if show_none and "none" in data.columns:
        ax.barh(y, data["none"], left=data["pro"], color=viz.STANCE_COLORS["none"], alpha=0.6,
                label="none", height=height)
    if len(data) <= 2:
        ax.set_ylim(-0.8, len(data) - 0.2)
    for k, r in data.iterrows():
        extra = int(r["none"]) if show_none and "none" in data.columns else 0
        if r["pro"] or extra:
            text = f"{int(r['pro'])}" + (f" (+{extra} none)" if extra else "")
            ax.text(r["pro"] + extra + 0.05, k, text, va="center", fontsize=8)
        if r["con"]:
            ax.text(-r["con"] - 0.05, k, str(int(r["con"])), va="center", ha="right", fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8)
    labels = [_plain(v, 30) + (f" ({r['type']})" if "type" in data.columns and r["type"] else "")
              for v, (_, r) in zip(data[name_col], data.iterrows(), strict=True)]
    ax.set_yticks(list(y))
    ax.set_yticklabels(labels, fontsize=9)
    right = data["pro"] + (data["none"] if show_none and "none" in data.columns else 0)
    _diverging_axis(ax, float(data["con"].max()), float(right.max()) * (1.25 if show_none else 1.0), percent=False)
    viz.finish(fig, ax, title=title, xlabel=xlabel, ylabel="", source=source)
    return fig, ax

