"""Show evidence in notebooks: example sentences with cues highlighted, always HTML-escaped.

Article text is untrusted: everything taken from the corpus goes through html.escape before it is
put into HTML, so a hostile article cannot inject markup or script into a shared report.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd


def highlight(text: str, cues: Iterable[str] = ()) -> str:
    """HTML-escaped text with each cue (case-insensitive, whole words) wrapped in <mark>."""
    cues = sorted({c for c in cues if c and c.strip()}, key=len, reverse=True)
    if not cues:
        return html.escape(text)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(c) for c in cues) + r")(?!\w)", re.I)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def split_cues(value: object) -> list[str]:
    """Cue strings from a table cell ('a; b; c', a list, or empty)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [c.strip() for c in re.split(r"[;|]", str(value)) if c.strip()]


def examples_html(df: pd.DataFrame, text_col: str = "text", cue_col: str | None = "cues",
                  extra_cols: Iterable[str] = (), max_rows: int = 5, title: str = "") -> str:
    """An HTML list of example sentences with doc_id/sent_id references and highlighted cues."""
    rows = []
    for _, r in df.head(max_rows).iterrows():
        cues = split_cues(r[cue_col]) if cue_col and cue_col in df.columns else []
        meta = " · ".join(html.escape(f"{c}: {r[c]}") for c in extra_cols if c in df.columns)
        ref = html.escape(f"{r.get('doc_id', '')} #{r.get('sent_id', '')}")
        rows.append(f"<li>{highlight(str(r[text_col]), cues)} <small style='color:#666'>[{ref}"
                    f"{' · ' + meta if meta else ''}]</small></li>")
    head = f"<p><b>{html.escape(title)}</b></p>" if title else ""
    if not rows:
        return head + "<p><i>No example in this corpus.</i></p>"
    return head + "<ul>" + "".join(rows) + "</ul>"


def show_examples(*args, **kwargs) -> None:
    """Display examples_html(...) in a notebook."""
    from IPython.display import HTML, display

    display(HTML(examples_html(*args, **kwargs)))


def show_markdown(text: str) -> None:
    """Display generated Markdown commentary (values taken from the corpus must be escaped by the caller)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def md_escape(text: object) -> str:
    """Escape text from the corpus for Markdown: HTML-escaped, and Markdown control characters neutralised."""
    s = html.escape(str(text))
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", s)
