"""Figures of the entity layer: top entities, article heatmap, co-occurrence network, quoted speakers."""

from __future__ import annotations

import pandas as pd

from .lexicon import ALL_TYPES, SCORED_TYPES
from .summary import top_actors


def plot_top_entities(mentions: pd.DataFrame, n: int = 10, source: str = ""):
    """Horizontal bar charts of the most mentioned entities, one panel per type. None if no entity."""
    import matplotlib.pyplot as plt

    from .. import viz

    top = top_actors(mentions, n=n)
    if top.empty:
        return None
    types = [t for t in SCORED_TYPES if t in set(top["type"])]
    height = max(2.6, 0.32 * top.groupby("type").size().max() + 1.2)
    fig, axes = plt.subplots(1, len(types), figsize=(4.2 * len(types) + 0.8, height), squeeze=False)
    for ax, typ in zip(axes[0], types, strict=True):
        t = top[top["type"] == typ].iloc[::-1]
        ax.barh(t["canonical"], t["mentions"], color=viz.TYPE_COLORS.get(typ, "#777777"))
        ax.set_title(typ, loc="left", fontsize=11)
        ax.set_xlabel("mentions")
        ax.xaxis.get_major_locator().set_params(integer=True)
        for y, v in enumerate(t["mentions"]):
            ax.text(v, y, f" {v}", va="center", fontsize=8)
        ax.margins(x=0.15)
    viz.finish(fig, None, title="Most mentioned entities by type", source=source)
    fig.tight_layout()
    return fig


def plot_entity_heatmap(counts: pd.DataFrame, source: str = "", max_label: int = 28, max_articles: int = 40):
    """Heatmap of an entity x article count table (from entity_article_counts). None if empty.

    Beyond max_articles articles, only those with the most mentions are drawn (the title says so)."""
    import matplotlib.pyplot as plt

    from .. import viz

    data = counts.drop(columns=["type"], errors="ignore")
    if data.empty or data.shape[1] == 0:
        return None
    title = "Entities by article"
    if data.shape[1] > max_articles:
        n_all = data.shape[1]
        keep = data.sum(axis=0).sort_values(ascending=False).index[:max_articles]
        data = data[[c for c in data.columns if c in set(keep)]]
        title += f" (the {max_articles} of {n_all} articles with the most mentions)"
    labels = [(c if len(c) <= max_label else c[:max_label - 1] + "…") for c in map(str, data.columns)]
    fig, ax = plt.subplots(figsize=(max(5.0, 0.55 * data.shape[1] + 3.5), max(2.5, 0.3 * data.shape[0] + 1.6)))
    im = ax.imshow(data.values, aspect="auto", cmap=viz.SEQUENTIAL_CMAP, vmin=0)
    ax.set_xticks(range(data.shape[1]), labels, rotation=40, ha="right")
    ytick = [f"{name}  ({counts.loc[name, 'type']})" if "type" in counts else str(name) for name in data.index]
    ax.set_yticks(range(data.shape[0]), ytick)
    vmax = data.values.max() if data.size else 0
    for (i, j), v in pd.DataFrame(data.values).stack().items():
        if v:
            ax.text(j, i, str(int(v)), ha="center", va="center", fontsize=7,
                    color="white" if v > vmax * 0.6 else "#222222")
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02, label="mentions")
    ax.spines[:].set_visible(False)
    viz.finish(fig, ax, title=title, xlabel="article", ylabel="", source=source)
    return fig


def _component_layout(graph) -> dict[str, tuple[float, float]]:
    """Positions for a graph: each connected component laid out with Kamada-Kawai (unweighted, so that
    heavy pairs do not collapse onto each other), components placed side by side, largest first."""
    import math

    import networkx as nx

    comps = sorted((graph.subgraph(c) for c in nx.connected_components(graph)), key=len, reverse=True)
    pos: dict[str, tuple[float, float]] = {}
    x0, row_y, row_h, row_w = 0.0, 0.0, 0.0, 0.0
    total_w = sum(2.0 * math.sqrt(len(c)) + 1.8 for c in comps)
    max_row = max(total_w / 2.2, 2.0 * math.sqrt(len(comps[0])) + 1.0) if comps else 1.0
    for comp in comps:
        size = 2.0 * math.sqrt(len(comp))
        local = {n: (0.0, 0.0) for n in comp} if len(comp) == 1 else nx.kamada_kawai_layout(comp, weight=None)
        if x0 + size > max_row and x0 > 0:
            x0, row_y = 0.0, row_y - row_h - 1.0
            row_h = 0.0
        for n, (x, y) in local.items():
            pos[n] = (x0 + size / 2 + x * size / 2, row_y - size / 2 + y * size / 2)
        x0 += size + 1.8
        row_h = max(row_h, size)
        row_w = max(row_w, x0)
    return pos


def plot_cooccurrence(graph, source: str = ""):
    """Draw a co-occurrence graph: node size = mentions, colour = type, edge width = shared sentences.

    Entities never named with another one are left out of the drawing (list them from the graph's
    isolates). None if no edge.
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    from .. import viz

    g = graph.copy()
    g.remove_nodes_from(list(nx.isolates(g)))
    if g.number_of_nodes() == 0:
        return None
    n = g.number_of_nodes()
    fig, ax = plt.subplots(figsize=(11, max(5.5, min(11, 3 + 0.22 * n))))
    pos = _component_layout(g)
    mentions = [g.nodes[v].get("mentions", 1) for v in g]
    top = max(mentions)
    sizes = [120 + 1500 * (m / top) for m in mentions]
    colors = [viz.TYPE_COLORS.get(g.nodes[v].get("type"), "#777777") for v in g]
    weights = [g.edges[e].get("weight", 1) for e in g.edges]
    wmax = max(weights)
    nx.draw_networkx_edges(g, pos, ax=ax, width=[0.8 + 5 * w / wmax for w in weights], alpha=0.3,
                           edge_color="#555555")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=sizes, node_color=colors, alpha=0.9, linewidths=0.8,
                           edgecolors="white")
    for v, (x, y) in pos.items():
        ax.annotate(v, (x, y), xytext=(0, 7 + 11 * (g.nodes[v].get("mentions", 1) / top) ** 0.5),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9,
                    bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.8))
    present = sorted({g.nodes[v].get("type") for v in g}, key=lambda t: ALL_TYPES.index(t) if t in ALL_TYPES else 9)
    handles = [Line2D([], [], marker="o", ls="", color=viz.TYPE_COLORS.get(t, "#777777"), label=t, markersize=9)
               for t in present]
    handles.append(Line2D([], [], color="#555555", alpha=0.5, lw=3, label=f"shared sentences (max {wmax})"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_axis_off()
    ax.margins(0.12, 0.15)
    viz.finish(fig, ax, title="Who appears with whom (named in the same sentence)", source=source)
    return fig


def plot_quoted(counts: pd.DataFrame, n: int = 12, source: str = ""):
    """Bar chart of who is quoted and how often (from quote_counts). None if nobody is quoted."""
    import matplotlib.pyplot as plt

    from .. import viz

    if counts.empty:
        return None
    t = counts.head(n).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, max(1.8, 0.4 * len(t) + 1.2)))
    colors = [viz.TYPE_COLORS.get(x, "#bbbbbb") if x else "#bbbbbb" for x in t["type"]]
    ax.barh(t["speaker"], t["quotes"], color=colors, height=0.6)
    for y, (v, a) in enumerate(zip(t["quotes"], t["articles"], strict=True)):
        ax.text(v, y, f" {v} ({a} article{'s' if a != 1 else ''})", va="center", fontsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.margins(x=0.3)
    viz.finish(fig, ax, title="Who is quoted", xlabel="direct quotations", ylabel="", source=source)
    return fig
