"""Run every notebook on a corpus with papermill and render each to self-contained HTML, with an index.

    python -m helpers report CORPUS_DIR [--model fr_core_news_md] [--out reports/<corpus name>]

Layout of the output folder:
    index.html                  the corpus in numbers, a generated summary, links, the main figures
    <notebook>.html             the executed notebook with its code
    <notebook>.nocode.html      the same for readers who do not code (code cells hidden)
    notebooks/<notebook>.ipynb  the executed notebooks
    figures/                    every figure as PNG and SVG
    tables/                     the export of CODEBOOK.md section 7 (CSV)
    run.json                    what ran, how long each notebook took, cache hits

The HTML uses a template without CDN scripts (no require.js, MathJax or Mermaid from the network),
and figures are embedded, so the pages open from the file system. Article text is escaped.
"""

from __future__ import annotations

import base64
import html
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .nlp import DEFAULT_MODEL

TEMPLATES = Path(__file__).with_name("templates")
# Figures shown on the index page, in this order (those that exist); other figures are linked from their pages.
MAIN_FIGURES = ("01_top_terms", "01_keyness_articles", "02_top_entities", "02_cooccurrence", "03_frame_prevalence",
                "03_frame_heatmap", "04_balance_per_article", "04_stance_by_frame", "05_frames_f1",
                "05_stance_confusion", "06_articles_over_time", "06_frames_by_outlet", "06_frames_over_time")


@dataclass
class NotebookRun:
    """One executed notebook."""

    name: str
    seconds: float
    ok: bool
    error: str = ""
    html: str = ""
    html_nocode: str = ""


@dataclass
class ReportResult:
    """What the report run did."""

    out_dir: Path
    runs: list[NotebookRun] = field(default_factory=list)
    parse_stats: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.runs)


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """The numbered notebooks (NN_name.ipynb), in order."""
    folder = folder or paths.NOTEBOOKS_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def render_html(nb_path: Path, out_html: Path, exclude_code: bool = False) -> Path:
    """Render an executed notebook to self-contained HTML (offline template, embedded images)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(nb_path, as_version=4)
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)])
    exporter.log.setLevel("ERROR")  # no accessibility chatter about image alt text on every page
    exporter.embed_images = True
    if exclude_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
    out_html.write_text(body, encoding="utf-8")
    return out_html


def run_notebook(nb_path: Path, out_nb: Path, params: dict[str, object], cwd: Path | None = None) -> None:
    """Execute one notebook with papermill (raises papermill's PapermillExecutionError on failure)."""
    import logging

    import papermill as pm

    logging.getLogger("papermill").setLevel(logging.WARNING)
    pm.execute_notebook(str(nb_path), str(out_nb), parameters=params, cwd=str(cwd or nb_path.parent),
                        kernel_name="python3", progress_bar=False, log_output=False)


def run_report(corpus_dir: str | Path, model: str = DEFAULT_MODEL, out_dir: str | Path | None = None,
               notebooks: list[Path] | None = None, cache_dir: str | Path | None = None,
               echo=print, coding_file: str | Path | None = None,
               second_coding_file: str | Path | None = None) -> ReportResult:
    """Parse the corpus (cache first), export its tables, run every notebook, render HTML and the index.

    coding_file (and second_coding_file): a hand-coded sample of the corpus (helpers.coding), passed to
    the notebooks that take it and used on the index page for corrected shares."""
    from .export import ExportError, export_corpus
    from .pipeline import build_corpus

    start = time.perf_counter()
    corpus_dir = Path(corpus_dir).resolve()
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    name = corpus_dir.name
    out_dir = Path(out_dir or paths.REPORTS_DIR / name).resolve()
    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    if cache_dir:
        os.environ["HELPERS_CACHE_DIR"] = str(Path(cache_dir).resolve())
    result = ReportResult(out_dir=out_dir)

    echo(f"[report] corpus {corpus_dir} -> {out_dir}")
    t = time.perf_counter()
    corpus = build_corpus(corpus_dir, model=model, cache_dir=cache_dir)
    result.parse_stats = str(corpus.parse_stats)
    echo(corpus.summary())
    if not corpus.docs:
        raise RuntimeError(f"no article could be read in {corpus_dir}")
    try:
        export_corpus(corpus, out_dir / "tables")
    except ExportError as exc:
        echo(f"[report] export incomplete: {exc}")
    echo(f"[report] parsed and exported in {time.perf_counter() - t:.1f} s")

    for nb in (list_notebooks() if notebooks is None else notebooks):
        echo(f"[report] running {nb.stem} ...")
        t = time.perf_counter()
        out_nb = out_dir / "notebooks" / nb.name
        run = NotebookRun(name=nb.stem, seconds=0.0, ok=True)
        try:
            params = {"corpus_dir": str(corpus_dir), "model": model, "output_dir": str(out_dir)}
            params.update(_coding_params(nb, coding_file, second_coding_file))
            run_notebook(nb, out_nb, params, cwd=nb.parent)
        except Exception as exc:  # noqa: BLE001 - report the failure, render what ran, go on
            run.ok = False
            run.error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
        if out_nb.exists():
            run.html = render_html(out_nb, out_dir / f"{nb.stem}.html").name
            run.html_nocode = render_html(out_nb, out_dir / f"{nb.stem}.nocode.html", exclude_code=True).name
        run.seconds = time.perf_counter() - t
        result.runs.append(run)
        echo(f"[report] {nb.stem}: {'ok' if run.ok else 'FAILED ' + run.error} in {run.seconds:.1f} s")

    write_index(corpus, result, coding_file=coding_file)
    result.seconds = time.perf_counter() - start
    (out_dir / "run.json").write_text(json.dumps({
        "corpus_dir": str(corpus_dir), "model": model, "parse": result.parse_stats,
        "parsed": corpus.parse_stats.parsed, "cached": corpus.parse_stats.cached,
        "seconds": round(result.seconds, 1),
        "notebooks": [{"name": r.name, "ok": r.ok, "seconds": round(r.seconds, 1), "error": r.error}
                      for r in result.runs],
    }, indent=2), encoding="utf-8")
    echo(f"[report] index: {out_dir / 'index.html'} ({result.seconds:.1f} s in all)")
    return result


# --------------------------------------------------------------------------- index page

def _img_tag(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _title_of(nb_path: Path) -> str:
    """The first Markdown heading of a notebook, else its file name."""
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                for line in "".join(cell.get("source", "")).splitlines():
                    if line.startswith("#"):
                        return line.lstrip("# ").strip()
    except (OSError, ValueError):
        pass
    return nb_path.stem


def coding_fact(corpus, coding_file: str | Path | None = None) -> str:
    """The shares corrected by a hand-coded sample (with 95% intervals), or the plain no-coding statement; escaped."""
    from .coding import load_report, no_coding_statement

    e = html.escape
    report, problem = load_report(corpus, coding_file) if coding_file else (None, "")
    if report is None:
        st = no_coding_statement()
        lead = f"The coding file was not used ({e(problem)}). " if problem else ""
        return f"{lead}<i>{e(st[:1].upper() + st[1:])}.</i>"
    p = report.prevalence

    def share(est) -> str:
        return f"<b>{100 * est.corrected:.0f}%</b> (95% CI {100 * est.lo:.0f}-{100 * est.hi:.0f}%, machine {100 * est.machine:.0f}%)"

    top = sorted(p["frames"].items(), key=lambda kv: -kv[1].corrected)[:3]
    return (f"Corrected with {p['n_coded']} hand-coded sentences ({e(p['design'])} sample, prediction-powered "
            f"inference): pro {share(p['stance']['pro'])}, con {share(p['stance']['con'])} of sentences; "
            "most frequent frames " + ", ".join(f"{e(f)} {share(est)}" for f, est in top) + ".")


def summary_facts(corpus, coding_file: str | Path | None = None) -> list[str]:
    """Generated sentences about the findings (top frames, balance of arguments, top actors), escaped.

    The last one gives the shares corrected by the hand-coded sample `coding_file` when there is one,
    otherwise says plainly that these are machine labels (helpers.coding)."""
    facts: list[str] = []
    e = html.escape
    docs = corpus.documents
    dates = sorted(d for d in docs["date"].dropna().astype(str) if d[:4].isdigit())
    sources = sorted({s for s in docs["source"].dropna().astype(str) if s})
    head = f"{len(corpus.docs)} article{'s' if len(corpus.docs) != 1 else ''}, {len(corpus.sentences)} sentences"
    if dates:
        head += f", dated {e(dates[0])} to {e(dates[-1])}" if dates[0] != dates[-1] else f", dated {e(dates[0])}"
    if sources:
        head += f", from {len(sources)} source{'s' if len(sources) != 1 else ''} ({e(', '.join(sources[:5]))}{', ...' if len(sources) > 5 else ''})"
    facts.append(head + ".")
    for label, compute in (("frames", lambda: corpus.frames), ("arguments", lambda: corpus.arguments),
                           ("entities", lambda: corpus.entities)):
        try:
            df = compute()
        except Exception as exc:  # noqa: BLE001
            facts.append(f"The {label} could not be computed ({e(type(exc).__name__)}).")
            continue
        if label == "frames":
            from .framing import frame_prevalence

            prev = frame_prevalence(df, corpus.sentences) if len(df) else df
            if len(df):
                top = prev[prev["n_sentences"] > 0].head(3)
                parts = [f"<b>{e(r.frame)}</b> ({r.n_sentences} sentences, {100 * r.share_sentences:.0f}%)"
                         for r in top.itertuples()]
                facts.append("Most frequent frames: " + ", ".join(parts) + ".")
            else:
                facts.append("No frame was detected.")
        elif label == "arguments":
            counts = df["stance"].value_counts() if len(df) else {}
            pro, con = int(counts.get("pro", 0)), int(counts.get("con", 0))
            if pro + con:
                side = "for" if pro > con else ("against" if con > pro else "balanced between for and against")
                facts.append(f"Arguments about open-source AI: <b>{pro}</b> for and <b>{con}</b> against "
                             f"({100 * pro / (pro + con):.0f}% for): the corpus leans {side}."
                             if pro != con else f"Arguments: {pro} for and {con} against: balanced.")
            else:
                facts.append("No argument for or against open-source AI was detected.")
        else:
            from .entities import scored

            ents = scored(df)
            if len(ents):
                top = ents.groupby(["canonical", "type"]).size().sort_values(ascending=False).head(5)
                facts.append("Most named actors: " + ", ".join(f"<b>{e(c)}</b> ({e(t)}, {n})" for (c, t), n in top.items()) + ".")
            else:
                facts.append("No named entity was detected.")
    try:
        facts.append(coding_fact(corpus, coding_file))
    except Exception as exc:  # noqa: BLE001 - the index page is still written
        facts.append(f"The corrected shares could not be computed ({e(type(exc).__name__)}: {e(str(exc))}).")
    return facts


INDEX_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.7em; margin-bottom: .2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; } td, th { padding: 4px 10px; border-bottom: 1px solid #eee; text-align: left; }
.figs { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 18px; }
figure { margin: 0; border: 1px solid #eee; padding: 8px; } figure img { width: 100%; height: auto; }
figcaption { font-size: .85em; color: #555; } .fail { color: #b00020; } .muted { color: #666; }
"""


def _coding_params(nb: Path, coding_file, second_coding_file) -> dict[str, str]:
    """coding_file / second_coding_file (absolute) for a notebook whose text names them."""
    text = nb.read_text(encoding="utf-8") if (coding_file or second_coding_file) else ""
    return {k: str(Path(v).resolve()) for k, v in (("coding_file", coding_file),
                                                   ("second_coding_file", second_coding_file))
            if v and k in text}


def write_index(corpus, result: ReportResult, coding_file: str | Path | None = None) -> Path:
    """Write index.html: numbers, generated summary, links to every page, main figures (embedded)."""
    e = html.escape
    out = result.out_dir
    rows = []
    for r in result.runs:
        title = _title_of(out / "notebooks" / f"{r.name}.ipynb") if (out / "notebooks" / f"{r.name}.ipynb").exists() else r.name
        status = "" if r.ok else f' <span class="fail">failed: {e(r.error)}</span>'
        links = (f'<a href="{e(r.html_nocode)}">read</a> · <a href="{e(r.html)}">with code</a>'
                 if r.html else "<span class='fail'>not rendered</span>")
        rows.append(f"<tr><td>{e(title)}</td><td>{links}</td><td class='muted'>{r.seconds:.1f} s</td>"
                    f"<td>{status}</td></tr>")
    figs = []
    fig_dir = out / "figures"
    if fig_dir.is_dir():
        for stem in MAIN_FIGURES:
            for p in [fig_dir / f"{stem}.png"] if (fig_dir / f"{stem}.png").exists() else []:
                caption = p.stem[3:].replace("_", " ")
                figs.append(f"<figure>{_img_tag(p, caption)}<figcaption>{e(caption)} "
                            f"(<a href='figures/{e(p.name)}'>PNG</a>, <a href='figures/{e(p.with_suffix('.svg').name)}'>SVG</a>)"
                            f"</figcaption></figure>")
    relevance_html = relevance_section(corpus.documents)
    problems = corpus.problems
    prob_html = "".join(f"<li>{e(p.path)}: {e(p.reason)}</li>" for p in problems[:50])
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report: {e(corpus.name)}</title><style>{INDEX_CSS}</style></head>
<body>
<h1>Open-source AI in the press: corpus “{e(corpus.name)}”</h1>
<p class="muted">Generated {e(time.strftime('%Y-%m-%d %H:%M'))} with model {e(corpus.model)}; parsing: {e(result.parse_stats)}.</p>
<h2>In a few numbers</h2>
<ul>{''.join(f'<li>{f}</li>' for f in summary_facts(corpus, coding_file))}</ul>
<p class="muted">These sentences are generated from the detectors' output; the notebooks show the evidence
(sentences with doc_id and sent_id) and 05 shows how well each detector agrees with hand coding.</p>
{relevance_html}
<h2>Notebooks</h2>
<table><tr><th>notebook</th><th>pages</th><th>run time</th><th></th></tr>{''.join(rows)}</table>
<p class="muted">Tables (CSV): <a href="tables/">tables/</a> · figures: <a href="figures/">figures/</a></p>
<h2>Main figures</h2>
<div class="figs">{''.join(figs) or '<p>No figure was produced.</p>'}</div>
{'<h2>Files set aside</h2><ul>' + prob_html + '</ul>' if problems else ''}
</body></html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def relevance_section(documents) -> str:
    """HTML: how many articles were judged off topic or about AI in general (no frames or stance there), with
    the list (doc_id, title, label, P(on topic), where the label comes from), escaped."""
    from .relevance import off_topic_articles

    e = html.escape
    if "relevance" not in documents.columns or not len(documents):
        return ""
    off = off_topic_articles(documents)
    n = len(documents)
    counts = documents["relevance"].value_counts()
    head = (f"<h2>On topic?</h2><p>{int(counts.get('on_topic', 0))} of {n} article{'s' if n != 1 else ''} judged "
            f"about open or closed AI; <b>{int(counts.get('off_topic', 0))}</b> judged off topic and "
            f"<b>{int(counts.get('ai_general', 0))}</b> about AI without the open question: their sentences get "
            "no frames and no stance (the original decisions stay in stances.csv: <code>stance_ungated</code>, "
            "<code>frames_off_subject</code>). Override with a <code>relevance</code> column in metadata.csv "
            "(on_topic, ai_general, off_topic).</p>")
    if not len(off):
        return head
    rows = "".join(f"<tr><td>{e(str(r.doc_id))}</td><td>{e(str(r.title or ''))}</td><td>{e(str(r.relevance))}</td>"
                   f"<td>{float(r.relevance_score):.2f}</td><td>{e(str(r.relevance_source))}</td></tr>"
                   for r in off.head(200).itertuples())
    more = f"<p class='muted'>... and {len(off) - 200} more (documents.csv).</p>" if len(off) > 200 else ""
    return (head + "<table><tr><th>doc_id</th><th>title</th><th>relevance</th><th>P(on topic)</th>"
            f"<th>label from</th></tr>{rows}</table>{more}")
