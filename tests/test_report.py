"""The report end to end on the fixture corpus: every notebook runs, every page holds its figures,
no page fetches anything from the network, hostile article text is escaped, the cache is reused."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers.report import list_notebooks, run_report

from .conftest import FIXTURE_CORPUS, TEST_MODEL

HOSTILE = ("Un article piégé sur l'IA open source <script>alert('xss')</script> et "
           "<img src=x onerror=alert(1)> publié par des chercheurs. Les modèles ouverts de Meta progressent "
           "vite selon la communauté des développeurs. Pour <script>alert('xss')</script> Mistral AI, les modèles "
           "ouverts renforcent la souveraineté numérique de l'Europe face à la Chine et aux États-Unis.")


@pytest.fixture(scope="module")
def report(tmp_path_factory, cache_dir):
    corpus = tmp_path_factory.mktemp("corpus") / "fixture_corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path_factory.mktemp("report")
    first = run_report(corpus, model=TEST_MODEL, out_dir=out, cache_dir=cache_dir, echo=lambda *a: None)
    return corpus, out, first


@pytest.mark.notebook
def test_every_notebook_executes(report) -> None:
    _, out, result = report
    assert [r.name for r in result.runs] == [p.stem for p in list_notebooks()]
    failed = {r.name: r.error for r in result.runs if not r.ok}
    assert not failed, failed


@pytest.mark.notebook
def test_pages_exist_with_figures_and_no_network(report) -> None:
    _, out, result = report
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in index
    for r in result.runs:
        for page in (r.html, r.html_nocode):
            text = (out / page).read_text(encoding="utf-8")
            assert page in index
            assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=[\"']https?://", text), page
            if r.name != "05_validation":  # 05 has no figure on a corpus without gold
                assert "data:image/png;base64," in text, f"{page} has no embedded figure"
        nocode = (out / r.html_nocode).read_text(encoding="utf-8")
        assert "build_corpus(" not in nocode, "code cells are hidden in the reader's version"
    assert list((out / "figures").glob("*.png")) and list((out / "figures").glob("*.svg"))
    assert (out / "tables" / "sentences.csv").exists()


@pytest.mark.notebook
def test_hostile_text_is_escaped(report) -> None:
    _, out, result = report
    pages = [out / "index.html"] + [out / r.html for r in result.runs] + [out / r.html_nocode for r in result.runs]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert('xss')</script>" not in text, page.name
        assert "<img src=x onerror" not in text, page.name
    # the interactive tables (itables) embed their rows as JSON: the hostile text is escaped there too
    interactive = [p for p in pages if "itables" in p.read_text(encoding="utf-8")]
    assert {f"{n}.html" for n in ("02_entities", "03_framing", "04_arguments", "06_trends")} <= {p.name for p in interactive}
    for page in interactive:
        text = page.read_text(encoding="utf-8")
        assert "onerror=alert" not in text.replace("&lt;img src=x onerror=alert", ""), page.name
    assert any("&lt;script&gt;alert(" in p.read_text(encoding="utf-8") for p in interactive)


@pytest.mark.notebook
def test_second_run_parses_nothing_and_new_article_parses_one(report, cache_dir, tmp_path) -> None:
    corpus, out, _ = report
    second = run_report(corpus, model=TEST_MODEL, out_dir=tmp_path / "again", cache_dir=cache_dir,
                        notebooks=[], echo=lambda *a: None)
    run = json.loads((tmp_path / "again" / "run.json").read_text(encoding="utf-8"))
    assert run["parsed"] == 0 and run["cached"] >= 5
    assert second.parse_stats.startswith("0 parsed")
    (corpus / "nouveau.txt").write_text("Un nouvel article sur les modèles ouverts publiés par Mistral AI. "
                                        "Les chercheurs saluent cette transparence.", encoding="utf-8")
    run_report(corpus, model=TEST_MODEL, out_dir=tmp_path / "third", cache_dir=cache_dir, notebooks=[],
               echo=lambda *a: None)
    run = json.loads((tmp_path / "third" / "run.json").read_text(encoding="utf-8"))
    assert run["parsed"] == 1


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.browser
@pytest.mark.notebook
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: `make test-browser` installs it from Debian")
def test_pages_in_a_real_browser(report, tmp_path_factory) -> None:
    """Open index.html and every page in headless Chromium: figures loaded and visible, nothing failed."""
    from playwright.sync_api import sync_playwright

    _, out, result = report
    shots = out / "screenshots"
    shots.mkdir(exist_ok=True)
    pages = ["index.html"] + [p for r in result.runs for p in (r.html_nocode, r.html)]
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            for name in pages:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                failed: list[str] = []
                errors: list[str] = []
                page.on("requestfailed", lambda req, failed=failed: failed.append(req.url))
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                page.on("dialog", lambda d, errors=errors: errors.append(f"dialog: {d.message}"))
                page.goto((out / name).as_uri())
                page.wait_for_load_state("load")
                stats = page.evaluate("""() => {
                    const imgs = Array.from(document.images);
                    return {n: imgs.length,
                            broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
                            visible: imgs.filter(i => { const r = i.getBoundingClientRect();
                                return r.width > 50 && r.height > 50 && getComputedStyle(i).visibility !== 'hidden'; }).length};
                }""")
                page.screenshot(path=str(shots / f"{Path(name).stem}.png"), full_page=False)
                page.close()
                assert not failed, (name, failed)
                assert not errors, (name, errors)
                assert stats["broken"] == 0, (name, stats)
                if not name.startswith("05_"):
                    assert stats["visible"] >= 1, (name, stats)
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.notebook
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: `make test-browser` installs it from Debian")
def test_interactive_tables_search_offline_in_a_real_browser(report) -> None:
    """The itables of 06 initialise offline (no request leaves the page) and the search box filters rows."""
    from playwright.sync_api import sync_playwright

    _, out, _ = report
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            outside: list[str] = []
            page.on("request", lambda req: outside.append(req.url) if req.url.startswith("http") else None)
            page.goto((out / "06_trends.nocode.html").as_uri())
            page.wait_for_selector(".dt-container table.dataTable", timeout=30_000)
            tables = page.locator(".dt-container")
            assert tables.count() >= 4
            evidence = tables.last  # the arguments table of section 7
            before = evidence.locator("tbody tr").count()
            evidence.locator("input[type=search]").first.fill("Mistral")
            page.wait_for_timeout(500)
            rows = evidence.locator("tbody tr")
            texts = [rows.nth(i).inner_text() for i in range(rows.count())]
            assert texts and all("mistral" in t.lower() for t in texts), texts
            assert len(texts) <= before
            assert evidence.locator("tfoot input, tfoot select").count() >= 1  # a filter under each column
            evidence.scroll_into_view_if_needed()
            page.screenshot(path=str(out / "screenshots" / "06_search_mistral.png") if (out / "screenshots").is_dir()
                            else str(out / "06_search_mistral.png"))
            assert not outside, outside
        finally:
            browser.close()


def test_report_passes_the_coding_file_to_notebooks_03_to_06(tmp_path) -> None:
    from helpers.report import _coding_params, list_notebooks

    coded = tmp_path / "coded.csv"
    given = {nb.stem: _coding_params(nb, coded, None) for nb in list_notebooks()}
    for name in ("03_framing", "04_arguments", "05_validation", "06_trends"):
        assert given[name] == {"coding_file": str(coded.resolve())}, name
    assert given["01_corpus_overview"] == {}
