"""Generated commentary: Markdown remarks computed from the tables."""

from __future__ import annotations

import pandas as pd

from ..display import md_escape

# --------------------------------------------------------------------------- generated commentary



def overview_remarks(documents: pd.DataFrame, diversity: pd.DataFrame) -> str:
    """Markdown remarks on article lengths, dates and diversity, computed from the tables."""
    if documents.empty:
        return "_The corpus holds no article that could be analysed._"
    d = documents.merge(diversity, on="doc_id", how="left")
    n = len(d)
    lines = [f"- The corpus holds **{n}** article{'s' if n != 1 else ''}, "
             f"{int(d['n_sentences'].sum())} sentences and {int(d['n_tokens'].sum())} word tokens."]
    if n > 1:
        longest, shortest = d.loc[d["n_tokens"].idxmax()], d.loc[d["n_tokens"].idxmin()]
        lines.append(f"- Longest: {md_escape(longest['doc_id'])} ({int(longest['n_tokens'])} tokens); shortest: "
                     f"{md_escape(shortest['doc_id'])} ({int(shortest['n_tokens'])} tokens); median "
                     f"{d['n_tokens'].median():.0f}.")
        if d["mattr"].notna().sum() > 1:
            hi, lo = d.loc[d["mattr"].idxmax()], d.loc[d["mattr"].idxmin()]
            lines.append(f"- Lexical diversity (MATTR) ranges from {lo['mattr']:.2f} ({md_escape(lo['doc_id'])}) to "
                         f"{hi['mattr']:.2f} ({md_escape(hi['doc_id'])}).")
    dates = pd.to_datetime(d["date"], errors="coerce", format="%Y-%m-%d")
    if dates.notna().any():
        n_dated = int(dates.notna().sum())
        when = (f"on {dates.min():%Y-%m-%d}" if dates.min() == dates.max()
                else f"from {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}")
        lines.append(f"- {n_dated} of {n} article{'s' if n != 1 else ''} {'is' if n_dated == 1 else 'are'} dated, "
                     f"{when}.")
    else:
        lines.append("- No article carries a date: there is no timeline.")
    sources = d["source"].astype("string").str.strip().replace("", pd.NA).dropna()
    if len(sources):
        top = sources.value_counts()
        lines.append(f"- {top.size} source{'s' if top.size != 1 else ''} named; the most frequent is "
                     f"*{md_escape(top.index[0])}* ({int(top.iloc[0])} article{'s' if top.iloc[0] != 1 else ''}).")
    return "\n".join(lines)


def vocabulary_remarks(freq: pd.DataFrame, n: int = 5, n_parts: int | None = None) -> str:
    """Markdown remarks on the most frequent content terms and how widely they are shared.

    freq: term_frequencies() (terms x articles, total, n_parts), or a table of total and n_parts per
    term (CorpusResults.freq) with n_parts the number of articles.
    """
    if freq.empty:
        return "_No content word in this corpus._"
    n_parts = int(freq.shape[1] - 2) if n_parts is None else int(n_parts)
    top = freq.head(n)
    words = ", ".join(f"**{md_escape(t)}** ({int(r['total'])})" for t, r in top.iterrows())
    lines = [f"- The {len(top)} most frequent content terms: {words}."]
    if n_parts > 1:
        shared = freq[freq["n_parts"] == n_parts]
        lines.append(f"- {len(shared)} term{'s' if len(shared) != 1 else ''} appear in every article"
                     + (f", led by **{md_escape(shared.index[0])}**." if len(shared) else "."))
        own = freq[(freq["n_parts"] == 1) & (freq["total"] >= 3)]
        if len(own):
            lines.append(f"- {len(own)} term{'s' if len(own) != 1 else ''} with 3+ occurrences appear in a single "
                         f"article, e.g. **{md_escape(own.index[0])}** ({int(own['total'].iloc[0])}).")
    hapax = int((freq["total"] == 1).sum())
    lines.append(f"- {len(freq)} distinct content terms, {hapax} of them used only once (hapaxes).")
    return "\n".join(lines)


def keyness_remarks(spec: pd.DataFrame, n: int = 3, what: str = "article") -> str:
    """Markdown remarks: for each part, its most over-used significant terms."""
    if spec.empty:
        return f"_Keyness needs at least two {what}s with words in common: nothing to compare here._"
    lines = []
    for part, g in spec.groupby("part", sort=False):
        over = g[(g["specificity"] > 0) & g["significant"]].head(n)
        if over.empty:
            lines.append(f"- {md_escape(part)}: no term is significantly over-used (p < 0.05).")
        else:
            terms = ", ".join(f"**{md_escape(r['label'])}** ({int(r['freq'])} vs {r['expected']:.1f} expected)"
                              for _, r in over.iterrows())
            lines.append(f"- {md_escape(part)} over-uses {terms}.")
    n_sig = int((spec["significant"] & (spec["specificity"] > 0)).sum())
    lines.append(f"- {n_sig} significant over-use(s) in all, out of {spec['key'].nunique()} terms tested in "
                 f"{spec['part'].nunique()} {what}s (p-values are not corrected for the number of tests: "
                 "read them as a ranking, not as proof).")
    return "\n".join(lines)


def collocation_remarks(bigrams: pd.DataFrame, trigrams: pd.DataFrame, cooc: pd.DataFrame, query: str) -> str:
    """Markdown remarks on the strongest collocations and the query's co-occurrents."""
    lines = []
    if bigrams.empty:
        lines.append("- No bigram passes the frequency floor.")
    else:
        b = ", ".join(f"**{md_escape(r['collocation'])}** ({int(r['freq'])})" for _, r in bigrams.head(3).iterrows())
        lines.append(f"- Strongest bigrams: {b}.")
    if not trigrams.empty:
        t = ", ".join(f"**{md_escape(r['collocation'])}** ({int(r['freq'])})" for _, r in trigrams.head(3).iterrows())
        lines.append(f"- Strongest trigrams: {t}.")
    if cooc.empty:
        lines.append(f"- No term co-occurs with *{md_escape(query)}* often enough in the same sentences.")
    else:
        c = ", ".join(f"**{md_escape(r['cooccurrent'])}** ({int(r['cofreq'])} sentences)" for _, r in cooc.head(5).iterrows())
        lines.append(f"- In the sentences that mention *{md_escape(query)}*, the most specific co-occurrents are {c}.")
    return "\n".join(lines)
