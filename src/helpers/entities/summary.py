"""Corpus tables over mentions: counts per article, top actors, co-occurrence pairs and graph, example sentences."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import pandas as pd

from .lexicon import ALL_TYPES, SCORED_TYPES


def scored(mentions: pd.DataFrame, types: Iterable[str] = SCORED_TYPES) -> pd.DataFrame:
    """Mentions of the given types only (by default the four entity types of the codebook)."""
    if mentions.empty:
        return mentions
    return mentions[mentions["type"].isin(list(types))]


def entity_article_counts(mentions: pd.DataFrame, types: Iterable[str] = SCORED_TYPES,
                          top: int | None = None) -> pd.DataFrame:
    """Canonical entity x article table of mention counts (rows: most mentioned first; a 'type' column)."""
    m = scored(mentions, types)
    if m.empty:
        return pd.DataFrame(columns=["type"])
    table = m.pivot_table(index="canonical", columns="doc_id", values="text", aggfunc="count", fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    if top:
        table = table.head(top)
    types_of = m.groupby("canonical")["type"].agg(lambda s: s.mode().iat[0])
    table.insert(0, "type", types_of.reindex(table.index))
    table.columns.name = None
    return table


def top_actors(mentions: pd.DataFrame, n: int = 10, types: Iterable[str] = SCORED_TYPES) -> pd.DataFrame:
    """The n most mentioned entities of each type: type, rank, canonical, mentions, articles, variants."""
    m = scored(mentions, types)
    cols = ["type", "rank", "canonical", "mentions", "articles", "variants"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    g = m.groupby(["type", "canonical"]).agg(
        mentions=("text", "size"), articles=("doc_id", "nunique"),
        variants=("text", lambda s: ", ".join(sorted(set(s))))).reset_index()
    g["order"] = g["type"].map({t: i for i, t in enumerate(ALL_TYPES)}).fillna(len(ALL_TYPES))
    g = g.sort_values(["order", "mentions", "articles", "canonical"], ascending=[True, False, False, True])
    g["rank"] = g.groupby("type").cumcount() + 1
    g = g[g["rank"] <= n]
    return g[cols].reset_index(drop=True)


def cooccurrence_pairs(mentions: pd.DataFrame, types: Iterable[str] = SCORED_TYPES) -> pd.DataFrame:
    """Pairs of entities named in the same sentence: source, target, sentences (shared), articles."""
    cols = ["source", "target", "sentences", "articles"]
    m = scored(mentions, types)
    if m.empty:
        return pd.DataFrame(columns=cols)
    per_sentence = m.groupby(["doc_id", "sent_id"])["canonical"].agg(lambda s: sorted(set(s)))
    pairs: Counter[tuple[str, str]] = Counter()
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (doc_id, _), names in per_sentence.items():
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                pairs[(a, b)] += 1
                docs[(a, b)].add(doc_id)
    rows = [(a, b, n, len(docs[(a, b)])) for (a, b), n in pairs.items()]
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["sentences", "articles", "source", "target"], ascending=[False, False, True, True],
                          ignore_index=True)


def cooccurrence_graph(mentions: pd.DataFrame, min_weight: int = 1, top: int | None = 30,
                       types: Iterable[str] = SCORED_TYPES):
    """networkx Graph: nodes are entities (attributes type, mentions, articles), edges carry
    weight = number of sentences naming both. top keeps the most mentioned entities."""
    import networkx as nx

    g = nx.Graph()
    m = scored(mentions, types)
    if m.empty:
        return g
    stats = m.groupby("canonical").agg(type=("type", lambda s: s.mode().iat[0]), mentions=("text", "size"),
                                       articles=("doc_id", "nunique"))
    stats = stats.sort_values(["mentions", "articles"], ascending=False, kind="stable")
    if top:
        stats = stats.head(top)
    for name, r in stats.iterrows():
        g.add_node(name, type=r["type"], mentions=int(r["mentions"]), articles=int(r["articles"]))
    for r in cooccurrence_pairs(m).itertuples(index=False):
        if r.sentences >= min_weight and r.source in g and r.target in g:
            g.add_edge(r.source, r.target, weight=int(r.sentences), articles=int(r.articles))
    return g


def entity_sentences(mentions: pd.DataFrame, sentences: pd.DataFrame, canonical: str | Iterable[str] | None = None,
                     max_rows: int = 5) -> pd.DataFrame:
    """Example sentences for entities: doc_id, sent_id, text (the sentence), cues (the surface forms), canonical."""
    cols = ["doc_id", "sent_id", "text", "cues", "canonical"]
    if mentions.empty or sentences.empty:
        return pd.DataFrame(columns=cols)
    m = mentions
    if canonical is not None:
        names = [canonical] if isinstance(canonical, str) else list(canonical)
        m = m[m["canonical"].isin(names)]
    g = m.groupby(["doc_id", "sent_id"], sort=False).agg(
        cues=("text", lambda s: "; ".join(dict.fromkeys(s))),
        canonical=("canonical", lambda s: ", ".join(dict.fromkeys(s)))).reset_index()
    g["n"] = g["canonical"].str.count(",") + 1
    out = g.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"], how="left")
    out = out.sort_values("n", ascending=False, kind="stable").head(max_rows)
    return out[cols].reset_index(drop=True)


def pair_sentences(mentions: pd.DataFrame, sentences: pd.DataFrame, a: str, b: str, max_rows: int = 3) -> pd.DataFrame:
    """Sentences that name both a and b (evidence for a co-occurrence edge)."""
    both = mentions[mentions["canonical"].isin([a, b])]
    if both.empty:
        return entity_sentences(both, sentences)
    keys = both.groupby(["doc_id", "sent_id"])["canonical"].nunique()
    keys = keys[keys == 2].index
    sel = both.set_index(["doc_id", "sent_id"]).loc[list(keys)].reset_index() if len(keys) else both.iloc[0:0]
    return entity_sentences(sel, sentences, max_rows=max_rows)


