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
    s = html.escape(str(text), quote=False)  # quotes are harmless in Markdown text ("L'Humanité" stays readable)
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", s)


# --------------------------------------------------------------------------- interactive tables

TABLE_OPTIONS = {"classes": "display compact", "column_filters": "footer", "maxBytes": 0, "showIndex": False,
                 "style": "width:100%;margin:0;caption-side:top", "lengthMenu": [10, 25, 100, 500]}
_tables_ready = False


def init_tables() -> None:
    """Load the interactive-table library into the notebook, offline (its JavaScript is embedded once in
    the page: no CDN, the HTML stays self-contained). show_table calls it; calling it again does nothing."""
    global _tables_ready
    if _tables_ready:
        return
    from itables import init_notebook_mode

    init_notebook_mode(all_interactive=False, connected=False)
    _tables_ready = True


def _plain(text: object) -> str:
    return re.sub(r"[<>&\"]", "", str(text))


def table_html(df: pd.DataFrame, max_rows: int = 500, caption: str | None = None,
               full_table_path: str | None = None) -> tuple[str, str]:
    """(table HTML, note) for show_table: at most max_rows rows; cell text is escaped by the table
    library (HTML in article text is shown as text, never run); the note says where the full table is."""
    from itables import to_html_datatable

    shown = df.head(max_rows) if max_rows and len(df) > max_rows else df
    note = ""
    path = str(full_table_path or "").replace("`", "")  # shown in a code span: no Markdown escapes there
    if len(shown) < len(df):
        note = f"First {len(shown)} of {len(df)} rows shown"
        note += f"; the full table is `{path}`." if path else "."
    elif path:
        note = f"All {len(df)} rows; also in `{path}`."
    options = dict(TABLE_OPTIONS)
    if len(shown) <= 10:
        options.pop("lengthMenu")
    defs: list[dict[str, object]] = [{"className": "dt-left", "targets": "_all"}]
    long_cols = [i for i, c in enumerate(shown.columns) if str(c) in ("text", "quote", "sentence")]
    if long_cols:
        defs.append({"width": "45%", "targets": long_cols})
    options["columnDefs"] = defs
    body = to_html_datatable(shown.reset_index(drop=True), caption=_plain(caption) if caption else None,
                             connected=False, allow_html=False, **options)
    return body, note


def show_table(df: pd.DataFrame, max_rows: int = 500, caption: str | None = None,
               full_table_path: str | None = None) -> None:
    """An interactive table (search, sort, page, a filter box under each column) of at most max_rows
    rows, with a line saying where the full table is when rows were left out."""
    from IPython.display import HTML, display

    if df is None or len(df) == 0:
        show_markdown(f"_{md_escape(caption or 'Table')}: no row._")
        return
    init_tables()
    body, note = table_html(df, max_rows=max_rows, caption=caption, full_table_path=full_table_path)
    display(HTML(body))
    if note:
        show_markdown(f"_{note}_")


def show_head(df: pd.DataFrame, max_rows: int = 50, full_table_path: str | None = None, what: str = "rows") -> None:
    """Display at most max_rows rows of a table (index kept) and, when rows were left out, a line saying
    how many and where the full table is (bounded pages on large corpora)."""
    from IPython.display import display

    display(df.head(max_rows) if len(df) > max_rows else df)
    if len(df) > max_rows:
        path = str(full_table_path or "").replace("`", "")
        show_markdown(f"_First {max_rows} of {len(df)} {what} shown"
                      + (f"; the full table is `{path}`._" if path else "._"))
