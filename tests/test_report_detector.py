"""`helpers report --detector X` reaches the report run and the notebooks that take a detector."""
from __future__ import annotations

from helpers import cli, report
from helpers.report import list_notebooks, notebook_params


def test_cli_report_passes_detector(monkeypatch, tmp_path):
    seen: dict = {}

    def fake_run_report(corpus_dir, **kwargs):
        seen.update(kwargs)
        return report.ReportResult(out_dir=tmp_path)

    monkeypatch.setattr(report, "run_report", fake_run_report)
    monkeypatch.delenv("HELPERS_DETECTOR", raising=False)
    rc = cli.main(["report", str(tmp_path), "--detector", "rules"])
    assert rc == 0
    assert seen["detector"] == "rules"


def test_notebook_params_detector_only_where_declared(tmp_path):
    nbs = {nb.stem: nb for nb in list_notebooks()}
    with_param = [s for s, nb in nbs.items() if "detector" in notebook_params(nb, tmp_path, "m", tmp_path,
                                                                               detector="rules")]
    assert any(s.startswith("03") for s in with_param) and any(s.startswith("04") for s in with_param)
    assert not any(s.startswith("01") for s in with_param)
    for s in with_param:
        assert notebook_params(nbs[s], tmp_path, "m", tmp_path, detector="rules")["detector"] == "rules"
        assert "detector" not in notebook_params(nbs[s], tmp_path, "m", tmp_path)
