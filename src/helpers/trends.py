"""When and where: the stored tables by period and by outlet (notebook 06).

Works on the tables the pipeline stores (documents, sentences, frames, stances, entities) and never
re-runs a detector:

    groups = doc_groups(documents, period="auto")          # doc_id -> period, outlet
    counts = article_counts(groups)                        # articles per period x outlet
    shares = frame_shares(frames, sentences, groups, by="outlet")   # share of sentences, Wilson 95 %
    corr, note = coded_corrections(corpus, groups, coding_file)  # PPI per outlet and period (helpers.coding)
    shares = apply_corrections(shares, corr)               # corrected estimates when a coding file exists
    actors = top_actors(entities, groups, by="period")
    spec   = group_keyness(units, groups, by="outlet")     # textometry.corpus_keyness per outlet
    claims = outlet_claims(shares, frames, groups)         # generated commentary with example sentences

Shares are of sentences: the sentences of a group that carry a label, over all the group's sentences,
with a Wilson score interval (95 %). A group with fewer than `min_articles` articles or `min_sentences`
sentences is marked `small` (kept, drawn hollow): read its share as anecdotal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import LEXICONS_DIR

EVENTS_FILE = LEXICONS_DIR / "events.yml"
PERIODS = ("day", "week", "month")
UNDATED = "(undated)"
NO_SOURCE = "(no source)"
Z95 = 1.959963984540054
SHARE_COLUMNS = ["by", "group", "label", "k", "n", "share", "lo", "hi", "n_articles", "small", "method"]


# --------------------------------------------------------------------------- periods and groups

def parse_dates(values: Iterable[object]) -> pd.Series:
    """ISO dates (YYYY-MM-DD...) as Timestamps; anything else NaT."""
    s = pd.Series(list(values), dtype="object").astype("string").str.slice(0, 10)
    return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")


def choose_period(dates: Iterable[object], max_periods: int = 40) -> str:
    """The finest of day, week, month that cuts the corpus's span into at most `max_periods` periods."""
    d = parse_dates(dates).dropna()
    if d.empty:
        return "month"
    span_days = (d.max() - d.min()).days + 1
    if span_days <= max_periods:
        return "day"
    if span_days / 7 <= max_periods:
        return "week"
    return "month"


def period_label(dates: pd.Series, period: str) -> pd.Series:
    """Period of each date: 'YYYY-MM-DD' (day), the Monday 'YYYY-MM-DD' of its week (week), 'YYYY-MM' (month)."""
    if period == "day":
        return dates.dt.strftime("%Y-%m-%d")
    if period == "week":
        return (dates - pd.to_timedelta(dates.dt.weekday, unit="D")).dt.strftime("%Y-%m-%d")
    if period == "month":
        return dates.dt.strftime("%Y-%m")
    raise ValueError(f"unknown period '{period}' (expected one of {', '.join(PERIODS)} or 'auto')")


def period_start(label: str, period: str) -> pd.Timestamp:
    """The first day of a period label."""
    return pd.Timestamp(label + "-01" if period == "month" else label)


def doc_groups(documents: pd.DataFrame, period: str = "auto", max_periods: int = 40) -> pd.DataFrame:
    """One row per article: doc_id, date, period, outlet (its source; '(no source)' and '(undated)'
    when missing). The chosen period is in `.attrs['period']`."""
    dates = parse_dates(documents["date"]) if len(documents) else pd.Series([], dtype="datetime64[ns]")
    p = choose_period(dates, max_periods) if period == "auto" else period
    labels = period_label(dates, p) if len(documents) else pd.Series([], dtype="string")
    out = pd.DataFrame({
        "doc_id": documents["doc_id"].astype(str).to_numpy(),
        "date": dates.to_numpy(),
        "period": labels.fillna(UNDATED).to_numpy(),
        "outlet": documents["source"].fillna("").astype(str).str.strip().replace("", NO_SOURCE).to_numpy(),
    })
    out.attrs["period"] = p
    return out


def period_range(groups: pd.DataFrame) -> list[str]:
    """Every period label from the first to the last dated article (empty periods included)."""
    p = groups.attrs.get("period", "month")
    d = groups["date"].dropna()
    if d.empty:
        return []
    freq = {"day": "D", "week": "W-MON", "month": "MS"}[p]
    start = period_start(period_label(pd.Series([d.min()]), p).iloc[0], p)
    rng = pd.date_range(start, d.max(), freq=freq)
    return list(period_label(pd.Series(rng), p))


def article_counts(groups: pd.DataFrame) -> pd.DataFrame:
    """Articles per period (rows, every period of the span, undated last) and outlet (columns), with a total."""
    if groups.empty:
        return pd.DataFrame()
    t = pd.crosstab(groups["period"], groups["outlet"])
    order = period_range(groups) + ([UNDATED] if UNDATED in t.index else [])
    t = t.reindex(order, fill_value=0)
    t = t[t.sum().sort_values(ascending=False).index]
    t["total"] = t.sum(axis=1)
    t.index.name = "period"
    t.columns.name = None
    return t


def span_summary(groups: pd.DataFrame) -> str:
    """One Markdown line: outlets, articles without source or date, the span and the articles per month."""
    from .display import md_escape

    outlets = groups.loc[groups["outlet"] != NO_SOURCE, "outlet"].value_counts()
    dated = groups["date"].dropna()
    parts = [f"{len(outlets)} outlet{'s' if len(outlets) != 1 else ''}"
             + (" (" + ", ".join(f"{md_escape(o)} {n}" for o, n in outlets.head(8).items())
                + (", ..." if len(outlets) > 8 else "") + ")" if len(outlets) else "")]
    no_source, undated = int((groups["outlet"] == NO_SOURCE).sum()), len(groups) - int(dated.size)
    if no_source:
        parts.append(f"{no_source} article{'s' if no_source != 1 else ''} without a source")
    if undated:
        parts.append(f"{undated} undated article{'s' if undated != 1 else ''}")
    if len(dated):
        months = dated.dt.strftime("%Y-%m").value_counts().sort_index()
        parts.append(f"dated {dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d}, {len(months)} month"
                     f"{'s' if len(months) != 1 else ''}"
                     + (" (" + ", ".join(f"{m}: {n}" for m, n in months.items()) + ")" if len(months) <= 24 else ""))
    return "; ".join(parts) + "."


# --------------------------------------------------------------------------- shares with intervals

def wilson_interval(k: object, n: object, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of k successes in n trials (arrays); NaN where n is 0."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        lo, hi = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    lo = np.where(k == 0, 0.0, lo)
    hi = np.where(k == n, 1.0, hi)
    bad = ~(n > 0)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def _group_col(by: str | Sequence[str]) -> list[str]:
    cols = [by] if isinstance(by, str) else list(by)
    for c in cols:
        if c not in ("period", "outlet"):
            raise ValueError(f"group by 'period' and/or 'outlet', not '{c}'")
    return cols


def label_shares(labelled: pd.DataFrame, sentences: pd.DataFrame, groups: pd.DataFrame, label_col: str,
                 labels: Sequence[str] | None = None, by: str | Sequence[str] = "outlet", min_articles: int = 5,
                 min_sentences: int = 30) -> pd.DataFrame:
    """Share of each group's sentences that carry each label, with Wilson 95 % intervals.

    labelled: rows (doc_id, sent_id, label_col) from a stored table (frames, stances ...); a sentence with
    the label twice counts once. Columns: by, group, label, k, n, share, lo, hi, n_articles, small, method.
    Every label of `labels` appears for every group (k = 0 when absent).
    """
    cols = _group_col(by)
    g = groups[["doc_id", *cols]]
    sent = sentences[["doc_id", "sent_id"]].merge(g, on="doc_id")
    if sent.empty:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    key = sent[cols].astype(str).agg(" · ".join, axis=1) if len(cols) > 1 else sent[cols[0]].astype(str)
    sent = sent.assign(group=key)
    n = sent.groupby("group").size()
    n_art = sent.groupby("group")["doc_id"].nunique()
    lab = labelled[["doc_id", "sent_id", label_col]].drop_duplicates().merge(
        sent[["doc_id", "sent_id", "group"]], on=["doc_id", "sent_id"])
    k = lab.groupby(["group", label_col]).size()
    labels = list(labels) if labels is not None else sorted(lab[label_col].dropna().unique())
    idx = pd.MultiIndex.from_product([n.index, labels], names=["group", "label"])
    out = pd.DataFrame(index=idx).reset_index()
    out["k"] = [int(k.get((gr, la), 0)) for gr, la in zip(out["group"], out["label"], strict=True)]
    out["n"] = out["group"].map(n).astype(int)
    out["share"] = out["k"] / out["n"]
    out["lo"], out["hi"] = wilson_interval(out["k"], out["n"])
    out["n_articles"] = out["group"].map(n_art).astype(int)
    out["small"] = (out["n_articles"] < min_articles) | (out["n"] < min_sentences)
    out["method"] = "Wilson 95%"
    out.insert(0, "by", " x ".join(cols))
    if cols == ["period"]:
        order = {p: i for i, p in enumerate(sorted(n.index, key=lambda x: (x == UNDATED, x)))}
        out = out.assign(_o=out["group"].map(order)).sort_values(["_o", "label"]).drop(columns="_o")
    return out[SHARE_COLUMNS].reset_index(drop=True)


def frame_shares(frames: pd.DataFrame, sentences: pd.DataFrame, groups: pd.DataFrame, by: str = "outlet",
                 **kwargs: object) -> pd.DataFrame:
    """Each frame's share of sentences per group (see label_shares)."""
    from .framing import FRAMES

    return label_shares(frames, sentences, groups, "frame", FRAMES, by=by, **kwargs)


def stance_shares(stances: pd.DataFrame, sentences: pd.DataFrame, groups: pd.DataFrame, by: str = "outlet",
                  **kwargs: object) -> pd.DataFrame:
    """Share of sentences arguing for (pro) and against (con) open-source AI per group."""
    st = stances[stances["stance"].isin(["pro", "con"])] if len(stances) else stances
    return label_shares(st, sentences, groups, "stance", ["pro", "con"], by=by, **kwargs)


CORRECTION_COLUMNS = ["by", "group", "label", "machine", "corrected", "lo", "hi", "n_coded"]


def apply_corrections(shares: pd.DataFrame, coding: pd.DataFrame | None = None) -> pd.DataFrame:
    """Prefer corrected estimates where a coded sample gives them.

    coding: corrected shares with columns group, label, corrected, lo, hi (and `by`, `n_coded` when they
    come from `coded_corrections`); rows that match (by, group, label) replace share/lo/hi and say so in
    `method`; the detector's own share stays in `raw_share`. A matching row without an estimate (its group
    had too few coded sentences) keeps the Wilson interval and says why in `method`. None or empty:
    shares unchanged.
    """
    out = shares.copy()
    out["raw_share"] = out["share"]
    if coding is None or len(coding) == 0:
        return out
    missing = {"group", "label", "corrected", "lo", "hi"} - set(coding.columns)
    if missing:
        raise ValueError(f"coding table lacks column(s) {', '.join(sorted(missing))}")
    keys = ["by", "group", "label"] if "by" in coding.columns else ["group", "label"]
    c = coding[[*keys, "corrected", "lo", "hi", *(["n_coded"] if "n_coded" in coding.columns else [])]]
    c = c.rename(columns={"lo": "_lo", "hi": "_hi"}).astype({k: str for k in keys})
    out = out.merge(c, on=keys, how="left")
    has = out["corrected"].notna()
    out.loc[has, "share"] = out.loc[has, "corrected"]
    out.loc[has, "lo"] = out.loc[has, "_lo"]
    out.loc[has, "hi"] = out.loc[has, "_hi"]
    out.loc[has, "method"] = "corrected (coded sample)"
    if "n_coded" in out.columns:
        few = ~has & out["n_coded"].notna()
        out.loc[few, "method"] = [f"Wilson 95% on machine labels ({int(n)} coded sentence{'s' if n != 1 else ''} "
                                  "in this group: too few to correct)" for n in out.loc[few, "n_coded"]]
        out["n_coded"] = out["n_coded"].fillna(0).astype(int)
    return out.drop(columns=["corrected", "_lo", "_hi"])


def corrections_table(table: pd.DataFrame, coding: object, groups: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Corrected shares per outlet and per period from a coded sample, as `apply_corrections` takes them.

    table: helpers.coding.machine_table(corpus); coding: helpers.coding.read_coding(path, sentences);
    groups: doc_groups(documents). The outlet and period of `groups` become the domains of
    helpers.coding.prevalence.corrected_prevalence (prediction-powered inference, weighted when the sample
    is stratified), so a group here is the same group as in the shares. Returns (rows with
    CORRECTION_COLUMNS, the prevalence result); a group with too few coded sentences gets a row with
    `corrected` NaN and its number of coded sentences. Raises ValueError when too few rows are coded.
    """
    from .coding.files import FRAME_CODES
    from .coding.prevalence import corrected_prevalence, prevalence_frame

    t = table.merge(groups[["doc_id", "outlet", "period"]], on="doc_id", how="left")
    t["outlet"] = t["outlet"].fillna(NO_SOURCE)
    t["period"] = t["period"].fillna(UNDATED)
    result = corrected_prevalence(t, coding, groups=["outlet", "period"])
    frame = prevalence_frame(result)
    frame = frame[frame["group"].isin(["outlet", "period"])].rename(columns={"group": "by", "value": "group"})
    rows = [frame[CORRECTION_COLUMNS]]
    few = [{"by": by, "group": g, "label": label, "n_coded": n}
           for by, values in result.get("too_few_coded", {}).items() for g, n in values.items()
           for label in ["pro", "con", *FRAME_CODES]]
    if few:
        rows.append(pd.DataFrame(few).reindex(columns=CORRECTION_COLUMNS))
    out = pd.concat(rows, ignore_index=True) if len(rows) > 1 else rows[0].reset_index(drop=True)
    return out, result


def coded_corrections(corpus: object, groups: pd.DataFrame, coding_file: str | Path | None) -> tuple[pd.DataFrame | None, str]:
    """(corrections for `apply_corrections` or None, Markdown saying where the shares' intervals come from).

    With a usable coding file: the corrected shares per outlet and per period (`corrections_table`) and a
    line naming the sample, its design and the groups left uncorrected. Without one (or when it cannot be
    used, the reason named): None and the plain statement of helpers.coding.statements.
    """
    from .coding import CodingFileError, machine_table, no_coding_statement, read_coding
    from .display import md_escape

    statement = no_coding_statement()
    plain = f"*{statement[0].upper()}{statement[1:]}*; shares below have Wilson 95 % intervals."
    if not coding_file:
        return None, plain
    table = machine_table(corpus)
    try:
        coding = read_coding(coding_file, table[["doc_id", "sent_id", "text"]])
        corr, result = corrections_table(table, coding, groups)
    except (CodingFileError, ValueError) as exc:
        return None, f"*The coding file was not used: {md_escape(str(exc))}* " + plain
    n_groups = corr.loc[corr["corrected"].notna()].groupby("by")["group"].nunique()
    lines = [f"Shares corrected with **{result['n_coded']}** hand-coded sentences ({result['design']} sample, "
             f"`{md_escape(Path(coding_file).name)}`) by prediction-powered inference; 95 % intervals; "
             f"{int(n_groups.get('outlet', 0))} outlet(s) and {int(n_groups.get('period', 0))} period(s) corrected."]
    for by, values in result.get("too_few_coded", {}).items():
        lines.append(f"Too few coded sentences (fewer than 2) to correct the {by}(s) "
                     + ", ".join(f"{md_escape(str(g))} ({n})" for g, n in values.items())
                     + ": their shares are machine labels with Wilson intervals.")
    if coding.problems:
        lines.append(f"{len(coding.problems)} row(s) of the coding file left out, first: {md_escape(str(coding.problems[0]))}.")
    if result.get("uncovered_strata"):
        lines.append("Strata without any coded sentence (the corrections describe the others only): "
                     + ", ".join(md_escape(str(h)) for h in result["uncovered_strata"]) + ".")
    return corr, "\n\n".join(lines)


# --------------------------------------------------------------------------- actors and keyness

def top_actors(entities: pd.DataFrame, groups: pd.DataFrame, by: str = "period", n: int = 5) -> pd.DataFrame:
    """The n most mentioned entities (the codebook's four types) of each group: group, rank, canonical,
    type, mentions, articles."""
    cols = ["group", "rank", "canonical", "type", "mentions", "articles"]
    if entities is None or entities.empty:
        return pd.DataFrame(columns=cols)
    from .entities import scored

    m = scored(entities).merge(groups[["doc_id", *_group_col(by)]], on="doc_id")
    if m.empty:
        return pd.DataFrame(columns=cols)
    m = m.assign(group=m[by].astype(str))
    agg = (m.groupby(["group", "canonical", "type"]).agg(mentions=("doc_id", "size"), articles=("doc_id", "nunique"))
           .reset_index().sort_values(["group", "mentions", "articles", "canonical"],
                                      ascending=[True, False, False, True]))
    agg = agg.groupby("group", sort=False).head(n)
    agg["rank"] = agg.groupby("group", sort=False).cumcount() + 1
    return agg[cols].reset_index(drop=True)


def group_series(groups: pd.DataFrame, by: str) -> pd.Series:
    """doc_id -> group value (undated articles / articles without source left out)."""
    s = groups.set_index("doc_id")[by].astype(str)
    return s[~s.isin([UNDATED, NO_SOURCE])]


def group_keyness(units: pd.DataFrame, groups: pd.DataFrame, by: str = "outlet", min_freq: int = 2,
                  alpha: float = 0.05) -> pd.DataFrame:
    """Keyness of each period or outlet against the rest (textometry.corpus_keyness, the method of 01)."""
    from . import textometry as tm

    s = group_series(groups, by)
    if s.nunique() < 2:
        return pd.DataFrame(columns=tm.KEYNESS_COLUMNS)
    return tm.corpus_keyness(units, by=s, min_freq=min_freq, alpha=alpha)


def balanced_rows(df: pd.DataFrame, by: str = "outlet") -> pd.DataFrame:
    """Rows reordered to take one from each group in turn (corpus order within a group), so that the
    first rows shown of a long table cover every outlet (or period) rather than the first files."""
    if df.empty or by not in df.columns:
        return df
    turn = df.groupby(by, sort=False).cumcount()
    return df.assign(_turn=turn.to_numpy()).sort_values("_turn", kind="stable").drop(columns="_turn")


# --------------------------------------------------------------------------- events

def load_events(path: str | Path | None = None) -> pd.DataFrame:
    """The events file (data/lexicons/events.yml): date (Timestamp), label; sorted. Empty if absent."""
    import yaml

    p = Path(path) if path else EVENTS_FILE
    if not p.exists():
        return pd.DataFrame(columns=["date", "label"])
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    rows = data.get("events", data) if isinstance(data, dict) else data
    ev = pd.DataFrame([{"date": str(r.get("date", "")), "label": str(r.get("label", ""))}
                       for r in rows or [] if isinstance(r, dict)], columns=["date", "label"])
    ev["date"] = pd.to_datetime(ev["date"], errors="coerce")
    bad = ev["date"].isna()
    if bad.any():
        raise ValueError(f"{p}: event(s) without a valid date (YYYY-MM-DD): "
                         + ", ".join(ev.loc[bad, "label"].astype(str)))
    return ev.sort_values("date").reset_index(drop=True)


def events_in_span(events: pd.DataFrame, groups: pd.DataFrame, margin_days: int = 0) -> pd.DataFrame:
    """The events between the first and the last dated article."""
    d = groups["date"].dropna()
    if d.empty or events.empty:
        return events.iloc[:0]
    lo, hi = d.min() - pd.Timedelta(days=margin_days), d.max() + pd.Timedelta(days=margin_days)
    return events[(events["date"] >= lo) & (events["date"] <= hi)].reset_index(drop=True)


# --------------------------------------------------------------------------- commentary

@dataclass
class Claim:
    """A generated sentence (Markdown, corpus values escaped) and the sentences that support it."""

    text: str
    examples: pd.DataFrame = field(default_factory=pd.DataFrame)
    title: str = ""


def pct(x: float) -> str:
    """0.1234 -> '12.3 %' (one decimal under 10 %, none above)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    v = 100 * x
    return f"{v:.1f} %" if v < 10 else f"{v:.0f} %"


def _ratio_words(r: float) -> str:
    if r >= 1.8 and r < 2.3:
        return "about twice as often as"
    if r >= 2.7 and r < 3.4:
        return "about three times as often as"
    return f"{r:.1f} times as often as"


def _examples(labelled: pd.DataFrame, groups: pd.DataFrame, label_col: str, label: str, by: str, group: str,
              n: int = 2) -> pd.DataFrame:
    rows = labelled[labelled[label_col] == label].merge(groups[["doc_id", by]], on="doc_id")
    rows = rows[rows[by].astype(str) == group]
    if "score" in rows.columns:
        rows = rows.reindex(rows["score"].abs().sort_values(ascending=False).index)
    return rows.head(n)


def outlet_claims(shares: pd.DataFrame, labelled: pd.DataFrame, groups: pd.DataFrame, label_col: str = "frame",
                  what: str = "frame", max_claims: int = 3, by: str = "outlet") -> list[Claim]:
    """For each label, the group carrying it most against the one carrying it least, when their intervals
    do not overlap; the strongest contrasts first. Small groups are left out of the comparison."""
    from .display import md_escape

    s = shares[~shares["small"] & (shares["n"] > 0)]
    claims: list[tuple[float, Claim]] = []
    gaps: list[tuple[float, str]] = []
    for label, g in s.groupby("label", sort=False):
        if len(g) < 2 or g["k"].sum() == 0:
            continue
        top, low = g.loc[g["share"].idxmax()], g.loc[g["share"].idxmin()]
        gaps.append((top["share"] - low["share"], label))
        if not top["lo"] > low["hi"]:
            continue
        ratio = top["share"] / low["share"] if low["share"] > 0 else math.inf
        how = ("while " + f"**{md_escape(low['group'])}** has no such sentence" if ratio == math.inf
               else _ratio_words(ratio) + f" **{md_escape(low['group'])}**")
        text = (f"**{md_escape(top['group'])}** carries the *{md_escape(label)}* {what} {how} "
                f"({pct(top['share'])} of its sentences against {pct(low['share'])}; 95 % intervals "
                f"{pct(top['lo'])}–{pct(top['hi'])} and {pct(low['lo'])}–{pct(low['hi'])}; {top['method']}).")
        ex = _examples(labelled, groups, label_col, label, by, str(top["group"]))
        claims.append((ratio if ratio != math.inf else 1e9,
                       Claim(text, ex, f"{label} in {top['group']}: example sentences")))
    claims.sort(key=lambda c: -c[0])
    out = [c for _, c in claims[:max_claims]]
    if not out:
        n_groups = s["group"].nunique()
        if n_groups < 2:
            msg = (f"Fewer than two {by}s are large enough to compare ({shares['group'].nunique()} in all, small ones "
                   "marked): no comparison is claimed.")
        elif gaps:
            gap, label = max(gaps)
            msg = (f"No {by} differs from another beyond the uncertainty of the shares: the 95 % intervals overlap "
                   f"for every {what} (largest nominal gap: *{md_escape(label)}*, {pct(gap)} points).")
        else:
            msg = f"No {what} was detected in the {by}s compared."
        out = [Claim(msg)]
    return out


def time_claims(counts: pd.DataFrame, shares: pd.DataFrame, labelled: pd.DataFrame, groups: pd.DataFrame,
                events: pd.DataFrame | None = None, label_col: str = "frame", what: str = "frame") -> list[Claim]:
    """The busiest period (and the events in or just before it), and the label whose share moved most
    between the first and the last large periods, when the intervals do not overlap."""
    from .display import md_escape

    out: list[Claim] = []
    period = groups.attrs.get("period", "month")
    dated = counts.drop(index=[UNDATED], errors="ignore") if len(counts) else counts
    if len(dated) == 0 or dated["total"].sum() == 0:
        return [Claim("No article carries a date: nothing to follow over time.")]
    peak = dated["total"].idxmax()
    top = int(dated.loc[peak, "total"])
    n_peaks = int((dated["total"] == top).sum())
    if n_peaks > 1:
        out.append(Claim(f"No {period} stands out: {n_peaks} {period}s share the highest count ({top} of "
                         f"{int(dated['total'].sum())} dated articles)."))
    line = (f"The busiest {period} is **{md_escape(peak)}** with {top} of "
            f"{int(dated['total'].sum())} dated articles (median {dated['total'].median():.0f} per {period}).")
    if n_peaks > 1:
        line = ""
    if line and events is not None and len(events):
        start = period_start(peak, period)
        end = {"day": start + pd.Timedelta(days=1), "week": start + pd.Timedelta(days=7),
               "month": start + pd.offsets.MonthBegin(1)}[period]
        near = events[(events["date"] >= start - pd.Timedelta(days=7)) & (events["date"] < end)]
        if len(near):
            line += " Events in or just before it: " + "; ".join(
                f"{md_escape(r.label)} ({r.date:%Y-%m-%d})" for r in near.itertuples()) + "."
    if line:
        out.append(Claim(line))
    s = shares[~shares["small"] & (shares["group"] != UNDATED)]
    periods = sorted(s["group"].unique())
    if len(periods) < 2:
        out.append(Claim(f"Fewer than two {period}s are large enough to compare {what} shares over time "
                         "(small periods are marked on the chart)."))
        return out
    first, last = periods[0], periods[-1]
    a = s[s["group"] == first].set_index("label")
    b = s[s["group"] == last].set_index("label")
    best = None
    for label in a.index.intersection(b.index):
        x, y = a.loc[label], b.loc[label]
        if x["k"] + y["k"] == 0:
            continue
        separated = x["hi"] < y["lo"] or y["hi"] < x["lo"]
        change = y["share"] - x["share"]
        if separated and (best is None or abs(change) > abs(best[1])):
            best = (label, change, x, y)
    if best is None:
        out.append(Claim(f"Between the first and the last large {period}s ({md_escape(first)} and {md_escape(last)}) "
                         f"no {what}'s share moved beyond the uncertainty of the shares (the 95 % intervals overlap)."))
        return out
    label, change, x, y = best
    verb = "rose" if change > 0 else "fell"
    ex = _examples(labelled, groups, label_col, label, "period", last if change > 0 else first)
    out.append(Claim(f"The *{md_escape(label)}* {what} {verb} from {pct(x['share'])} of sentences in "
                     f"{md_escape(first)} to {pct(y['share'])} in {md_escape(last)} (95 % intervals "
                     f"{pct(x['lo'])}–{pct(x['hi'])} and {pct(y['lo'])}–{pct(y['hi'])}).", ex,
                     f"{label} in {last if change > 0 else first}: example sentences"))
    return out


def keyness_claims(spec: pd.DataFrame, what: str = "outlet", n: int = 4, max_parts: int = 6) -> str:
    """'Le Figaro over-uses: a (spec), b ...' for each part (significant over-used terms only), Markdown."""
    from .display import md_escape

    if spec is None or spec.empty:
        return f"_Keyness by {what}: fewer than two {what}s to compare._"
    lines = []
    for part, g in list(spec.groupby("part", sort=False))[:max_parts]:
        top = g[(g["specificity"] > 0) & g["significant"]].head(n)
        if len(top):
            lines.append(f"- **{md_escape(part)}** over-uses " + ", ".join(
                f"*{md_escape(r.label)}* ({r.specificity:.1f})" for r in top.itertuples()) + ".")
        else:
            lines.append(f"- **{md_escape(part)}**: no significantly over-used term.")
    return "\n".join(lines)
