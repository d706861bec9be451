"""Charts of notebook 06: articles over time by outlet, shares with their intervals by outlet and over
time, with the events of data/lexicons/events.yml as vertical lines. Re-exported by helpers.viz."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt

from . import FRAME_COLORS, PALETTE, STANCE_COLORS, empty_figure, finish, short_label

EVENT_COLOR = "#6a3d9a"
OTHER = "other outlets"


def _note(source: str, note: str) -> str:
    """The source line with a note appended ('; ' only between two non-empty parts)."""
    note = note.lstrip("; ")
    return f"{source}; {note}" if source and note else (source or note)


def _dates(labels: Any, period: str) -> list:
    import pandas as pd

    return [pd.Timestamp(str(x) + "-01") if period == "month" else pd.Timestamp(str(x)) for x in labels]


def _bar_width(period: str) -> float:
    return {"day": 0.8, "week": 5.5, "month": 24.0}.get(period, 5.0)


def _date_axis(ax: plt.Axes) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def draw_events(ax: plt.Axes, events: Any, fontsize: float = 7.0) -> int:
    """Dashed vertical lines at each event's date, labelled at the top; returns how many were drawn."""
    if events is None or len(events) == 0:
        return 0
    import matplotlib.dates as mdates

    lo, hi = ax.get_xlim()
    drawn = 0
    for r in events.itertuples():
        x = mdates.date2num(r.date)
        if not lo <= x <= hi:
            continue
        ax.axvline(r.date, color=EVENT_COLOR, ls="--", lw=0.9, alpha=0.8, zorder=1)
        ax.text(r.date, 0.99, " " + short_label(r.label, 40), rotation=90, va="top", ha="right", fontsize=fontsize,
                color=EVENT_COLOR, transform=ax.get_xaxis_transform())
        drawn += 1
    return drawn


def outlet_colors(outlets: Any) -> dict[str, str]:
    """A fixed colour per outlet, in the order given (largest first), grey for the rest."""
    colors = {str(o): PALETTE[i % len(PALETTE)] for i, o in enumerate(outlets)}
    colors[OTHER] = "#bdbdbd"
    return colors


def counts_chart(counts: Any, period: str, events: Any = None, title: str = "Articles over time",
                 source: str = "", max_outlets: int = 8) -> plt.Figure:
    """Stacked bars: articles per period, by outlet (the `max_outlets` largest, the rest grouped)."""
    import pandas as pd

    if counts is None or len(counts) == 0:
        return empty_figure("No article to count.", title, source)
    c = counts.drop(index=["(undated)"], errors="ignore").drop(columns=["total"], errors="ignore")
    if c.empty or c.to_numpy().sum() == 0:
        return empty_figure("No article carries a date.", title, source)
    c = c.loc[:, c.sum() > 0]  # an outlet without dated articles has no bar (nor legend entry)
    outlets = list(c.sum().sort_values(ascending=False).index)
    keep = outlets[:max_outlets]
    if len(outlets) > max_outlets:
        c = c[keep].assign(**{OTHER: c[outlets[max_outlets:]].sum(axis=1)})
    colors = outlet_colors(keep)
    x = _dates(c.index, period)
    fig, ax = plt.subplots(figsize=(10, 5))
    bottom = pd.Series(0.0, index=c.index)
    for col in c.columns:
        ax.bar(x, c[col].to_numpy(), bottom=bottom.to_numpy(), width=_bar_width(period), color=colors.get(str(col)),
               label=short_label(col, 30), align="edge" if period != "day" else "center", zorder=2)
        bottom += c[col]
    _date_axis(ax)
    ax.set_ylim(0, float(bottom.max()) * 1.25 + 0.5)
    n = draw_events(ax, events)
    ax.legend(fontsize=8, ncols=2 if len(c.columns) > 4 else 1, loc="upper left")
    note = f"dashed: {n} event{'s' if n != 1 else ''} (data/lexicons/events.yml)" if n else ""
    return finish(fig, ax, title=title, xlabel=f"{period} of publication", ylabel="articles",
                  source=_note(source, note))


def _label_color(label: str, i: int) -> str:
    return FRAME_COLORS.get(label) or STANCE_COLORS.get(label) or PALETTE[i % len(PALETTE)]


def shares_by_group_chart(shares: Any, labels: list[str] | None = None, title: str = "", source: str = "",
                          xlabel: str = "share of the group's sentences (95 % interval)",
                          max_groups: int = 8) -> plt.Figure:
    """Dot-and-whisker: for each label (rows), the share of every group (dots, one colour per group) with
    its interval; small groups drawn hollow and marked in the legend."""
    import numpy as np

    if shares is None or len(shares) == 0:
        return empty_figure("No share to draw.", title, source)
    s = shares.copy()
    labels = labels or [x for x in dict.fromkeys(s["label"]) if s.loc[s["label"] == x, "k"].sum() > 0]
    if not labels:
        return empty_figure("No sentence carries any of these labels.", title, source)
    sizes = s.drop_duplicates("group").set_index("group")["n"].sort_values(ascending=False)
    groups = list(sizes.index[:max_groups])
    colors = outlet_colors(groups)
    small = set(s.loc[s["small"], "group"])
    fig, ax = plt.subplots(figsize=(10, max(2.8, 0.55 * len(labels) * max(1, len(groups) / 3) + 1.5)))
    step = 0.8 / max(1, len(groups))
    for j, g in enumerate(groups):
        d = s[s["group"] == g].set_index("label").reindex(labels)
        y = np.arange(len(labels)) + (j - (len(groups) - 1) / 2) * step
        share = 100 * d["share"].to_numpy(dtype=float)
        lo = 100 * d["lo"].to_numpy(dtype=float)
        hi = 100 * d["hi"].to_numpy(dtype=float)
        ax.hlines(y, lo, hi, color=colors[g], lw=1.6, alpha=0.8)
        hollow = g in small
        ax.scatter(share, y, s=34, zorder=3, color="white" if hollow else colors[g], edgecolors=colors[g],
                   linewidths=1.4, label=short_label(g, 28) + (" (small)" if hollow else ""))
    ax.set_yticks(range(len(labels)), [short_label(x, 24) for x in labels])
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    ax.legend(fontsize=8, loc="lower right")
    note = "; hollow: small group (few articles or sentences)" if small & set(groups) else ""
    if len(sizes) > max_groups:
        note += f"; the {max_groups} largest of {len(sizes)} groups"
    return finish(fig, ax, title=title, xlabel=xlabel + " (%)", source=_note(source, note))


def shares_over_time_chart(shares: Any, period: str, labels: list[str] | None = None, events: Any = None,
                           title: str = "", source: str = "", max_labels: int = 5,
                           ylabel: str = "share of sentences (%)") -> plt.Figure:
    """One line per label over the periods, its 95 % interval shaded; small periods drawn hollow."""
    if shares is None or len(shares) == 0:
        return empty_figure("No share to draw.", title, source)
    s = shares[shares["group"] != "(undated)"]
    if s.empty:
        return empty_figure("No article carries a date.", title, source)
    if labels is None:
        totals = s.groupby("label")["k"].sum().sort_values(ascending=False)
        labels = list(totals[totals > 0].index[:max_labels])
    if not labels:
        return empty_figure("No sentence carries any of these labels.", title, source)
    fig, ax = plt.subplots(figsize=(10, 5))
    for i, label in enumerate(labels):
        d = s[s["label"] == label].sort_values("group")
        x = _dates(d["group"], period)
        color = _label_color(label, i)
        ax.fill_between(x, 100 * d["lo"].astype(float), 100 * d["hi"].astype(float), color=color, alpha=0.15, lw=0)
        ax.plot(x, 100 * d["share"].astype(float), color=color, lw=1.8, label=short_label(label, 24))
        big = ~d["small"].to_numpy(dtype=bool)
        xs = [v for v, b in zip(x, big, strict=True) if b]
        xh = [v for v, b in zip(x, big, strict=True) if not b]
        ax.scatter(xs, 100 * d.loc[big, "share"].astype(float), color=color, s=22, zorder=3)
        ax.scatter(xh, 100 * d.loc[~big, "share"].astype(float), color="white", edgecolors=color, s=22, zorder=3)
    _date_axis(ax)
    ax.set_ylim(bottom=0)
    n = draw_events(ax, events)
    ax.legend(fontsize=8, loc="upper left")
    note = "; shaded: 95 % interval; hollow: small period"
    if n:
        note += f"; dashed: {n} event{'s' if n != 1 else ''}"
    return finish(fig, ax, title=title, xlabel=period, ylabel=ylabel, source=_note(source, note))
