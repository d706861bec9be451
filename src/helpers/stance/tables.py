"""Stance tables: one row per sentence, arguments, counts, balances, actors, speakers and commentary."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from spacy.tokens import Doc, Span

from ..tables import iter_sentences
from .lexicon import ARGUMENT_COLUMNS, STANCE_COLUMNS, STANCES, StanceLexicon, load_lexicon
from .rules import doc_stances

# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------

def _frames_by_sentence(frames: pd.DataFrame | None) -> dict[tuple[str, int], list[str]]:
    if frames is None or len(frames) == 0 or "frame" not in frames.columns:
        return {}
    out: dict[tuple[str, int], list[str]] = {}
    for d, sid, f in zip(frames["doc_id"].tolist(), frames["sent_id"].tolist(), frames["frame"].tolist(), strict=True):
        if isinstance(f, str) and f:
            lst = out.setdefault((d, int(sid)), [])
            if f not in lst:
                lst.append(f)
    return out


def stance_table(docs: Mapping[str, Doc], frames: pd.DataFrame | None = None,
                 lexicon: StanceLexicon | None = None, detector: str | None = None) -> pd.DataFrame:
    """One row per sentence: doc_id, sent_id, stance, categories, cues, score, target, rules, prob, evidence, text.

    detector: "learned" (the shipped model), "rules" (the cue lexicon and rules
    alone: the explainable baseline) or None (the default: learned when the model is shipped and its card shows it
    better than the rules on the same cross-validation folds with 95 % confidence, else the rules). With the learned detector, `prob` is the calibrated
    probability of the decision, `evidence` the features that weighed most, `score` p(pro) - p(con), and `cues`
    the rule cues on the decided side; with the rules, `prob` is empty and `evidence` lists the cues.
    A custom lexicon implies the rule detector (the model was trained with the shipped lexicon)."""
    from ..learning.shipped import resolve_detector

    det = "rules" if lexicon is not None else resolve_detector(detector, "stance")
    by_sent = _frames_by_sentence(frames)
    rows = []
    if det == "learned":
        from .learned import learned_rows

        for doc_id, doc in docs.items():
            rows += learned_rows(doc_id, doc, by_sent)
        return pd.DataFrame(rows, columns=STANCE_COLUMNS)
    lex = lexicon or load_lexicon()
    for doc_id, doc in docs.items():
        for sid, span, d in doc_stances(doc, lex):
            cats = ""
            cues = "; ".join(dict.fromkeys(d.cues))
            if d.stance != "none":
                cats = "; ".join(sorted(by_sent.get((doc_id, sid), []))) or "other"
            rows.append((doc_id, sid, d.stance, cats, cues, d.score, d.target, "; ".join(d.rules), float("nan"),
                         cues, span.text))
    return pd.DataFrame(rows, columns=STANCE_COLUMNS)


def arguments_table(stances: pd.DataFrame) -> pd.DataFrame:
    """The pro and con sentences: doc_id, sent_id, stance, categories, cues, score, rules, text."""
    if stances is None or len(stances) == 0:
        return pd.DataFrame(columns=ARGUMENT_COLUMNS)
    args = stances[stances["stance"].isin(["pro", "con"])]
    return args[[c for c in ARGUMENT_COLUMNS if c in args.columns]].reset_index(drop=True)


def explode_categories(arguments: pd.DataFrame) -> pd.DataFrame:
    """One row per argument and category."""
    if len(arguments) == 0:
        return arguments.assign(category=pd.Series(dtype=str))
    out = arguments.assign(category=arguments["categories"].fillna("").astype(str).str.split(r";\s*"))
    out = out.explode("category")
    out["category"] = out["category"].str.strip().replace("", "other")
    return out.reset_index(drop=True)


def stance_frame_counts(arguments: pd.DataFrame) -> pd.DataFrame:
    """Stance x category counts: rows are categories, columns pro and con (an argument counts once per frame)."""
    if len(arguments) == 0:
        return pd.DataFrame(columns=["pro", "con"], dtype=int)
    ex = explode_categories(arguments)
    table = pd.crosstab(ex["category"], ex["stance"])
    for col in ("pro", "con"):
        if col not in table.columns:
            table[col] = 0
    table = table[["pro", "con"]]
    table["total"] = table["pro"] + table["con"]
    table = table.sort_values(["total", "pro"], ascending=False).drop(columns="total")
    table.columns.name = None
    table.index.name = "category"
    return table


def overview_remarks(stances: pd.DataFrame) -> str:
    """Markdown: how many sentences argue for and against, which side dominates, how arguments reach open AI."""
    from ..display import md_escape

    n = len(stances)
    if n == 0:
        return "**This corpus has no sentence to analyse**: every section below is empty."
    counts = stances["stance"].value_counts().reindex(["pro", "con", "none"], fill_value=0)
    n_docs = stances["doc_id"].nunique()
    lines = [f"- **{n}** sentences in **{n_docs}** article(s): **{counts['pro']}** pro ({counts['pro'] / n:.0%}), "
             f"**{counts['con']}** con ({counts['con'] / n:.0%}), {counts['none']} none ({counts['none'] / n:.0%})."]
    if counts["pro"] + counts["con"] == 0:
        lines.append("- No sentence argues for or against open-source AI in this corpus.")
    else:
        ratio = counts["pro"] / max(1, counts["con"])
        side = "for" if counts["pro"] > counts["con"] else "against" if counts["con"] > counts["pro"] else None
        if side:
            lines.append(f"- Arguments **{side}** open-source AI dominate "
                         f"({max(counts['pro'], counts['con'])} against {min(counts['pro'], counts['con'])} sentences"
                         + (f", a ratio of {ratio:.1f} to 1" if side == 'for' and counts['con'] else "") + ").")
        else:
            lines.append("- Arguments for and against are equally frequent.")
        by_target = stances[stances["stance"] != "none"]["target"].value_counts()
        if len(by_target):
            lines.append("- How the arguments are tied to open AI: " + ", ".join(
                f"{md_escape(k)} {v}" for k, v in by_target.items())
                + " (*direct*: the sentence names open or closed AI; *anaphor*/*nearby*: a preceding sentence "
                  "did; *article*: the article is about open AI).")
    return "\n".join(lines)


def balance_extremes(balance: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The most favourable and the most critical article of an article_balance table (non-empty)."""
    top_pro = balance.sort_values(["balance", "pro"], ascending=False).iloc[0]
    top_con = balance.sort_values(["balance", "con"], ascending=[True, False]).iloc[0]
    return top_pro, top_con


def balance_remarks(balance: pd.DataFrame) -> str:
    """Markdown: the most favourable and most critical articles, and how many carry both sides."""
    from ..display import md_escape

    top_pro, top_con = balance_extremes(balance)
    lines = [f"- Most favourable article: `{md_escape(top_pro['doc_id'])}` "
             f"({int(top_pro['pro'])} pro, {int(top_pro['con'])} con of {int(top_pro['n_sentences'])} sentences)."]
    if len(balance) > 1 or top_con["con"]:
        lines.append(f"- Most critical article: `{md_escape(top_con['doc_id'])}` "
                     f"({int(top_con['pro'])} pro, {int(top_con['con'])} con of {int(top_con['n_sentences'])} sentences).")
    mixed = balance[(balance["pro"] > 0) & (balance["con"] > 0)]
    lines.append(f"- {len(mixed)} of {len(balance)} article(s) carry arguments of both sides.")
    return "\n".join(lines)


def _stance_counts(index, stance: pd.Series) -> pd.DataFrame:
    """Counts of pro, con and none per value of index (all three columns, in that order, even when absent)."""
    return pd.crosstab(index, stance).reindex(columns=list(STANCES), fill_value=0)


def article_balance(stances: pd.DataFrame) -> pd.DataFrame:
    """Per article: counts and shares of pro, con and none sentences, and the net balance (pro - con) / sentences."""
    cols = ["doc_id", "n_sentences", "pro", "con", "none", "pro_share", "con_share", "none_share", "balance"]
    if stances is None or len(stances) == 0:
        return pd.DataFrame(columns=cols)
    counts = _stance_counts(stances["doc_id"], stances["stance"])
    n = counts.sum(axis=1)
    out = counts.assign(n_sentences=n)
    for s in STANCES:
        out[f"{s}_share"] = (counts[s] / n).round(3)
    out["balance"] = ((counts["pro"] - counts["con"]) / n).round(3)
    order = list(dict.fromkeys(stances["doc_id"]))
    out = out.reindex(order).reset_index()
    out.columns.name = None
    return out[cols]


def top_categories(arguments: pd.DataFrame, stance: str, n: int = 5) -> pd.DataFrame:
    """The n most frequent categories of one side, with their count and one example sentence each."""
    cols = ["category", "count", "doc_id", "sent_id", "text", "cues"]
    side = arguments[arguments["stance"] == stance] if len(arguments) else arguments
    if len(side) == 0:
        return pd.DataFrame(columns=cols)
    ex = explode_categories(side)
    counts = ex["category"].value_counts()
    counts = counts.rename_axis("category").reset_index(name="count")
    counts = counts.sort_values(["count", "category"], ascending=[False, True]).head(n)
    strongest = ex.assign(strength=ex["score"].abs()).sort_values("strength", ascending=False)
    first = strongest.drop_duplicates("category").set_index("category")
    counts = counts.join(first[["doc_id", "sent_id", "text", "cues"]], on="category")
    return counts[cols].reset_index(drop=True)


def actor_stance(stances: pd.DataFrame, entities: pd.DataFrame | None, min_mentions: int = 1,
                 top: int | None = 15) -> pd.DataFrame:
    """Entities (canonical names) by the stance of the sentences that name them: pro, con, none counts.

    Sorted by the number of pro + con sentences; only entities in at least `min_mentions` argument sentences.
    """
    cols = ["canonical", "type", "pro", "con", "none", "arguments"]
    if entities is None or len(entities) == 0 or stances is None or len(stances) == 0:
        return pd.DataFrame(columns=cols)
    name_col = "canonical" if "canonical" in entities.columns else "text"
    ents = entities[["doc_id", "sent_id", name_col] + (["type"] if "type" in entities.columns else [])]
    ents = ents.rename(columns={name_col: "canonical"}).drop_duplicates(["doc_id", "sent_id", "canonical"])
    if "type" not in ents.columns:
        ents = ents.assign(type="")
    merged = ents.merge(stances[["doc_id", "sent_id", "stance"]], on=["doc_id", "sent_id"], how="inner")
    if len(merged) == 0:
        return pd.DataFrame(columns=cols)
    table = _stance_counts([merged["canonical"], merged["type"]], merged["stance"]).reset_index()
    table.columns.name = None
    # one type per entity: its most frequent
    table = table.sort_values(["canonical", "pro"]).groupby("canonical", as_index=False).agg(
        type=("type", "first"), pro=("pro", "sum"), con=("con", "sum"), none=("none", "sum"))
    table["arguments"] = table["pro"] + table["con"]
    table = table[table["arguments"] >= min_mentions]
    table = table.sort_values(["arguments", "pro", "canonical"], ascending=[False, False, True])
    if top:
        table = table.head(top)
    return table[cols].reset_index(drop=True)


def speaker_stance(stances: pd.DataFrame, quotes: pd.DataFrame | None) -> pd.DataFrame:
    """Per quoted speaker: the stance of the sentences holding their quotes (pro, con, none counts).

    A quote that spans several sentences is counted in each of them.
    """
    cols = ["speaker", "pro", "con", "none", "quotes"]
    if quotes is None or len(quotes) == 0 or stances is None or len(stances) == 0 or "speaker" not in quotes.columns:
        return pd.DataFrame(columns=cols)
    q = quotes[["doc_id", "sent_id", "speaker"]].copy()
    q["speaker"] = q["speaker"].fillna("").astype(str).str.strip()
    q = q[q["speaker"] != ""].drop_duplicates()
    merged = q.merge(stances[["doc_id", "sent_id", "stance"]], on=["doc_id", "sent_id"], how="inner")
    if len(merged) == 0:
        return pd.DataFrame(columns=cols)
    table = _stance_counts(merged["speaker"], merged["stance"])
    table["quotes"] = table.sum(axis=1)
    table = table.sort_values(["quotes", "pro"], ascending=False).reset_index()
    table.columns.name = None
    return table[cols]


def cue_counts(arguments: pd.DataFrame, stance: str | None = None, n: int = 15) -> pd.DataFrame:
    """The cues that decided most arguments (of one side, or both): cue, stance, count."""
    cols = ["cue", "stance", "count"]
    if len(arguments) == 0:
        return pd.DataFrame(columns=cols)
    side = arguments if stance is None else arguments[arguments["stance"] == stance]
    ex = side.assign(cue=side["cues"].fillna("").astype(str).str.split(r";\s*")).explode("cue")
    ex["cue"] = ex["cue"].str.strip().str.lower()
    ex = ex[ex["cue"] != ""]
    if len(ex) == 0:
        return pd.DataFrame(columns=cols)
    out = ex.groupby(["cue", "stance"]).size().rename("count").reset_index()
    return out.sort_values(["count", "cue"], ascending=[False, True]).head(n).reset_index(drop=True)


def rule_counts(stances: pd.DataFrame) -> pd.DataFrame:
    """How often each rule fired, split by the resulting stance: rule, pro, con, none."""
    cols = ["rule", "pro", "con", "none"]
    if stances is None or len(stances) == 0:
        return pd.DataFrame(columns=cols)
    ex = stances.assign(rule=stances["rules"].fillna("").astype(str).str.split(r";\s*")).explode("rule")
    ex["rule"] = ex["rule"].str.strip().str.replace(r"\s*\(.*\)$", "", regex=True)
    ex["rule"] = ex["rule"].str.replace(r"^reinforces sentence \d+$", "reinforces a neighbour", regex=True)
    ex = ex[ex["rule"] != ""]
    if len(ex) == 0:
        return pd.DataFrame(columns=cols)
    table = _stance_counts(ex["rule"], ex["stance"])
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index].reset_index()
    table.columns.name = None
    return table[cols]


def sentence_span(docs: Mapping[str, Doc], doc_id: str, sent_id: int) -> Span:
    """The span of one sentence (same numbering as every table)."""
    for sid, span in iter_sentences(docs[doc_id]):
        if sid == sent_id:
            return span
    raise KeyError(f"no sentence {sent_id} in {doc_id}")

