"""Keyword in context: concordances from parsed Docs or from the stored tokens table."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd
from spacy.tokens import Doc

from ..tables import iter_sentences
from .terms import TermList, _build_trie, find_matches, norm, pattern_tokens
from .units import participle_adjective

# --------------------------------------------------------------------------- concordance

def query_patterns(query: str, terms: TermList | None = None) -> list[tuple[str, ...]]:
    """Token patterns for a query: all variants when it is a term of the list, else its own tokens."""
    terms = terms if terms is not None else TermList.load()
    canonical = terms.canonical(query)
    if canonical:
        return terms.variants(canonical)
    toks = pattern_tokens(query)
    return [toks] if toks else []


def kwic(docs: Mapping[str, Doc], query: str, window: int = 10, match: str = "auto",
         terms: TermList | None = None, max_rows: int | None = None) -> pd.DataFrame:
    """Keyword in context: every occurrence of `query` with `window` tokens of context on each side.

    match: 'auto' (word form or lemma, case-insensitive; a term of terms.yml brings its variants),
    'form' (word forms only) or 'lemma' (lemmas only). Contexts stop at the sentence boundaries.
    Columns: doc_id, sent_id, left, keyword, right, start_char, end_char.
    """
    cols = ["doc_id", "sent_id", "left", "keyword", "right", "start_char", "end_char"]
    patterns = query_patterns(query, terms) if match == "auto" else ([pattern_tokens(query)] if query.strip() else [])
    patterns = [p for p in patterns if p]
    if not patterns:
        return pd.DataFrame(columns=cols)
    trie = _build_trie({p: True for p in patterns})
    rows = []
    for doc_id, doc in docs.items():
        for sid, sent in iter_sentences(doc):
            toks = list(sent)
            forms = [norm(t.text) for t in toks]
            lemmas = [participle_adjective(f, norm(t.lemma_), t.pos_, t.dep_) or norm(t.lemma_)
                      for f, t in zip(forms, toks, strict=True)]
            if match == "form":
                lemmas = forms
            elif match == "lemma":
                forms = lemmas
            for s, e, _ in find_matches(forms, lemmas, [0] * len(toks), trie):
                start, end = sent.start + s, sent.start + e
                left = doc[max(sent.start, start - window):start].text
                right = doc[end:min(sent.end, end + window)].text
                rows.append((doc_id, sid, left, doc[start:end].text, right, doc[start].idx,
                             doc[end - 1].idx + len(doc[end - 1].text)))
                if max_rows and len(rows) >= max_rows:
                    return pd.DataFrame(rows, columns=cols)
    return pd.DataFrame(rows, columns=cols)


def kwic_index(tokens: pd.DataFrame) -> pd.DataFrame:
    """The tokens table with the normalised form and lemma a concordance matches on (compute once,
    then call kwic_tokens for each query)."""
    cols = ["doc_id", "sent_id", "i", "text", "ws", "start_char"]
    idx = tokens[[c for c in cols if c in tokens.columns]].copy()
    if "ws" not in idx.columns:
        idx["ws"] = " "
    texts = tokens["text"].astype(str).tolist()
    forms = [norm(t) for t in texts]
    lemmas = [norm(x) for x in tokens["lemma"].astype(str).tolist()]
    pos = tokens["pos"].astype(str).tolist()
    dep = tokens["dep"].astype(str).tolist() if "dep" in tokens.columns else [""] * len(forms)
    idx["_form"] = forms
    idx["_lemma"] = [participle_adjective(f, lm, p, d) or lm for f, lm, p, d in zip(forms, lemmas, pos, dep,
                                                                                     strict=True)]
    return idx


def _join_tokens(texts: Sequence[str], ws: Sequence[str], a: int, b: int) -> str:
    """The text of tokens a..b-1 as spaCy writes a span: each token's trailing space, but the last one's."""
    if b <= a:
        return ""
    return "".join(t + w for t, w in zip(texts[a:b - 1], ws[a:b - 1], strict=True)) + texts[b - 1]


def kwic_tokens(index: pd.DataFrame, query: str, window: int = 10, match: str = "auto",
                terms: TermList | None = None, max_rows: int | None = None) -> pd.DataFrame:
    """kwic() from the stored tokens table (see kwic_index) instead of parsed Docs: same columns,
    contexts of `window` tokens inside the sentence (whitespace tokens are not in the table)."""
    cols = ["doc_id", "sent_id", "left", "keyword", "right", "start_char", "end_char"]
    patterns = query_patterns(query, terms) if match == "auto" else ([pattern_tokens(query)] if query.strip() else [])
    patterns = [p for p in patterns if p]
    if not patterns or index.empty:
        return pd.DataFrame(columns=cols)
    trie = _build_trie({p: True for p in patterns})
    firsts = {p[0] for p in patterns}
    hit = index["_lemma" if match == "lemma" else "_form"].isin(firsts)
    if match == "auto":
        hit |= index["_lemma"].isin(firsts)
    if not hit.any():
        return pd.DataFrame(columns=cols)
    wanted = index.loc[hit, ["doc_id", "sent_id"]].drop_duplicates()
    sub = index.merge(wanted, on=["doc_id", "sent_id"], sort=False)
    rows = []
    for (doc_id, sid), g in sub.groupby(["doc_id", "sent_id"], sort=False):
        forms, lemmas = g["_form"].tolist(), g["_lemma"].tolist()
        if match == "form":
            lemmas = forms
        elif match == "lemma":
            forms = lemmas
        texts, ws, starts = g["text"].astype(str).tolist(), g["ws"].astype(str).tolist(), g["start_char"].tolist()

        for s, e, _ in find_matches(forms, lemmas, [0] * len(forms), trie):
            rows.append((doc_id, int(sid), _join_tokens(texts, ws, max(0, s - window), s), _join_tokens(texts, ws, s, e),
                         _join_tokens(texts, ws, e, min(len(texts), e + window)),
                         int(starts[s]), int(starts[e - 1]) + len(texts[e - 1])))
            if max_rows and len(rows) >= max_rows:
                return pd.DataFrame(rows, columns=cols)
    return pd.DataFrame(rows, columns=cols)


def _clip(text: str, width: int, left: bool) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return "…" + text[-(width - 1):].lstrip() if left else text[: width - 1].rstrip() + "…"


def kwic_html(df: pd.DataFrame, max_rows: int = 15, title: str = "", width: int = 45) -> str:
    """A concordance as an HTML table (left context right-aligned, keyword in bold), text escaped.

    Contexts longer than `width` characters are cut on their outer side so that the table fits the page.
    """
    head = f"<p><b>{html.escape(title)}</b></p>" if title else ""
    if df is None or df.empty:
        return head + "<p><i>No occurrence in this corpus.</i></p>"
    cell = "padding:2px 6px;white-space:nowrap;"
    rows = []
    for _, r in df.head(max_rows).iterrows():
        rows.append(
            f"<tr><td style='{cell}text-align:right;color:#333'>{html.escape(_clip(str(r['left']), width, True))}</td>"
            f"<td style='{cell}text-align:center'><b style='color:#08519c'>{html.escape(str(r['keyword']))}</b></td>"
            f"<td style='{cell}text-align:left;color:#333'>{html.escape(_clip(str(r['right']), width, False))}</td>"
            f"<td style='padding:2px 6px;color:#777'><small>{html.escape(str(r['doc_id']))} #{int(r['sent_id'])}</small></td></tr>")
    more = (f"<p><small>{len(df) - max_rows} more occurrence(s) not shown.</small></p>"
            if len(df) > max_rows else "")
    return (head + "<table style='font-family:monospace;font-size:11px;border-collapse:collapse'>"
            "<tr><th style='text-align:right'>left</th><th>keyword</th><th style='text-align:left'>right</th>"
            "<th>doc_id #sent_id</th></tr>" + "".join(rows) + "</table>" + more)
