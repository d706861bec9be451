"""helpers.coding: sample, coding file checks, coding session, scores, agreement, PPI-corrected shares, CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers.coding import files, prevalence, statements
from helpers.coding.agreement import agreement, krippendorff_alpha
from helpers.coding.files import COLUMNS, CodingFileError, read_coding, write_coding_file
from helpers.coding.panel import CodingPanel, CodingSession
from helpers.coding.prevalence import ppi_share, weighted_ppi_share
from helpers.coding.sample import draw_sample
from helpers.coding.scores import binary_scores, score_coding

from .conftest import FIXTURE_CORPUS

REPS, N_SAMPLE = 500, 150


# --------------------------------------------------------------------------- simulations

def _population(rng: np.random.Generator, n: int, prevalence: float, sensitivity: float, false_pos: float):
    """True 0/1 labels with a known prevalence and a noisy classifier that misses and over-detects."""
    truth = (rng.random(n) < prevalence).astype(float)
    pred = np.where(truth == 1, rng.random(n) < sensitivity, rng.random(n) < false_pos).astype(float)
    return truth, pred


def test_ppi_interval_covers_truth_while_machine_share_is_biased(capsys) -> None:
    rng = np.random.default_rng(20231110)
    # expected machine share 0.2 x 0.7 + 0.8 x 0.2 = 0.30 for a true 0.20: it over-detects
    y, yhat = _population(rng, 5000, prevalence=0.20, sensitivity=0.7, false_pos=0.20)
    truth = y.mean()
    covered = naive_covered = 0
    widths, classical_widths = [], []
    for _ in range(REPS):
        idx = rng.choice(len(y), N_SAMPLE, replace=False)
        est = ppi_share(y[idx], yhat[idx], yhat)
        covered += est.lo <= truth <= est.hi
        widths.append(est.hi - est.lo)
        m = yhat[idx].mean()  # the naive answer: the machine's share, with its binomial interval
        half = 1.96 * np.sqrt(m * (1 - m) / N_SAMPLE)
        naive_covered += m - half <= truth <= m + half
        c = y[idx].mean()
        classical_widths.append(2 * 1.96 * np.sqrt(c * (1 - c) / N_SAMPLE))
    coverage, naive = covered / REPS, naive_covered / REPS
    with capsys.disabled():
        print(f"\n[ppi uniform] truth {truth:.3f}, machine share {yhat.mean():.3f}; PPI coverage {coverage:.3f} "
              f"(mean width {np.mean(widths):.3f}; coded sample alone {np.mean(classical_widths):.3f}); "
              f"naive machine-share coverage {naive:.3f}")
    assert yhat.mean() - truth > 0.05  # the classifier is biased
    assert 0.93 <= coverage <= 0.97
    assert naive < 0.85


def test_stratified_weighted_interval_covers_truth(capsys) -> None:
    rng = np.random.default_rng(7)
    # two strata: a large one with a rare label and a small one with a frequent label, a classifier
    # biased differently in each; the small stratum is over-sampled (75 of 1000 vs 75 of 4000)
    ya, ha = _population(rng, 4000, prevalence=0.10, sensitivity=0.7, false_pos=0.10)
    yb, hb = _population(rng, 1000, prevalence=0.50, sensitivity=0.5, false_pos=0.05)
    y, yhat = np.concatenate([ya, yb]), np.concatenate([ha, hb])
    strata = np.array(["a"] * 4000 + ["b"] * 1000)
    truth = y.mean()
    covered = unweighted_covered = 0
    for _ in range(REPS):
        idx = np.concatenate([rng.choice(4000, 75, replace=False), 4000 + rng.choice(1000, 75, replace=False)])
        w = np.where(strata[idx] == "a", 4000 / 75, 1000 / 75)
        est = weighted_ppi_share(y[idx], yhat[idx], yhat, strata[idx], w)
        covered += est.lo <= truth <= est.hi
        flat = ppi_share(y[idx], yhat[idx], yhat)  # ignoring the design
        unweighted_covered += flat.lo <= truth <= flat.hi
    coverage, unweighted = covered / REPS, unweighted_covered / REPS
    with capsys.disabled():
        print(f"[ppi stratified] truth {truth:.3f}, machine {yhat.mean():.3f}; weighted coverage {coverage:.3f}, "
              f"unweighted {unweighted:.3f}")
    assert 0.93 <= coverage <= 0.97
    assert unweighted < 0.85


def test_weighted_estimator_with_one_stratum_is_ppi_py() -> None:
    rng = np.random.default_rng(3)
    y, yhat = _population(rng, 3000, 0.3, 0.8, 0.1)
    idx = rng.choice(3000, 200, replace=False)
    for lam in (None, 1.0):
        a = ppi_share(y[idx], yhat[idx], yhat, lam=lam)
        b = weighted_ppi_share(y[idx], yhat[idx], yhat, np.zeros(200), np.full(200, 15.0), lam=lam)
        assert b.corrected == pytest.approx(a.corrected, abs=1e-9)
        # ppi_py's standard deviation divides by n, ours by n - 1
        assert (b.hi - b.lo) == pytest.approx(a.hi - a.lo, rel=0.01)


def test_no_variation_in_the_sample_still_gives_an_interval() -> None:
    est = ppi_share(np.zeros(20), np.zeros(20), np.zeros(500))
    assert est.corrected == 0 and est.lo == 0 and est.hi > 0.1  # Wilson upper bound of 0 in 20


# --------------------------------------------------------------------------- fake machine table

def _table(n_docs: int = 6, per_doc: int = 10) -> pd.DataFrame:
    rows = []
    for d in range(n_docs):
        for s in range(per_doc):
            frames = ["economy"] if (d + s) % 3 == 0 else []
            rows.append({"doc_id": f"doc{d}.txt", "sent_id": s, "text": f"Phrase {s} de l'article {d}, élan.",
                         "predicted_stance": ("pro", "con", "none", "none")[(d * 7 + s) % 4],
                         "predicted_frames": "; ".join(frames),
                         **{f"frame_{f}": f in frames for f in files.FRAME_CODES},
                         "source": "Le Monde" if d < 4 else "Libération", "month": f"2025-0{1 + d % 2}",
                         "type": "(unknown)"})
    return pd.DataFrame(rows)


def test_sample_is_reproducible_and_has_the_columns() -> None:
    t = _table()
    a, b = draw_sample(t, n=20, seed=1), draw_sample(t, n=20, seed=1)
    assert list(a.columns) == COLUMNS
    pd.testing.assert_frame_equal(a, b)
    assert not a[["doc_id", "sent_id"]].equals(draw_sample(t, n=20, seed=2)[["doc_id", "sent_id"]])
    assert len(a) == 20 and not a.duplicated(["doc_id", "sent_id"]).any()
    assert (a[["stance", "frames", "coder", "note"]] == "").all().all()
    first = a.iloc[0]
    if first["sent_id"] > 0:
        assert first["context_before"] == f"Phrase {first['sent_id'] - 1} de l'article {first['doc_id'][3]}, élan."
    assert len(draw_sample(t, n=500, seed=1)) == len(t)
    blind = draw_sample(t, n=20, seed=1, blind=True)
    assert (blind[["predicted_stance", "predicted_frames"]] == "").all().all()
    assert blind["doc_id"].tolist() == a["doc_id"].tolist()


def test_stratified_sample_keeps_weights() -> None:
    t = _table()
    s = draw_sample(t, n=21, seed=4, by="source")
    assert list(s.columns) == COLUMNS + ["stratum", "weight"]
    sizes = t.groupby("source").size()
    for stratum, g in s.groupby("stratum"):
        value = stratum.split("=", 1)[1]
        assert g["weight"].nunique() == 1
        assert g["weight"].iloc[0] * len(g) == pytest.approx(sizes[value])
    assert s.groupby("stratum").size().min() >= 2


# --------------------------------------------------------------------------- coding file

def _coded_file(tmp_path, t: pd.DataFrame, n: int = 20, seed: int = 1, by: str | None = None):
    s = draw_sample(t, n=n, seed=seed, by=by)
    s["stance"] = s["predicted_stance"]
    s["frames"] = s["predicted_frames"]
    s.loc[s.index[::4], "stance"] = "none"  # the coder disagrees now and then
    s.loc[s.index[1::5], "frames"] = "access; economy"
    path = tmp_path / "coded.csv"
    write_coding_file(s, path)
    return path, s


def test_coding_file_is_utf8_with_bom_and_round_trips(tmp_path) -> None:
    t = _table()
    path, s = _coded_file(tmp_path, t)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    c = read_coding(path, t)
    assert c.problems == [] and c.n_coded == len(s)
    assert "élan" in path.read_text(encoding="utf-8-sig")


def test_bad_rows_are_named_and_left_out(tmp_path) -> None:
    t = _table()
    path, s = _coded_file(tmp_path, t)
    s.loc[2, "stance"] = "maybe"
    s.loc[5, "frames"] = "economie"
    s.loc[7, "doc_id"] = "absent.txt"
    s.loc[9, ["stance", "frames"]] = ["", "economy"]
    write_coding_file(s, path)
    c = read_coding(path, t)
    msgs = [str(p) for p in c.problems]
    assert len(msgs) == 4 and all(m.startswith(str(path)) for m in msgs)
    assert "row 4" in msgs[0] and "unknown stance label 'maybe'" in msgs[0]
    assert "row 7" in msgs[1] and "unknown frame code(s) 'economie'" in msgs[1]
    assert "row 9" in msgs[2] and "absent.txt" in msgs[2] and "sentence not in corpus" in msgs[2]
    assert "row 11" in msgs[3] and "no stance" in msgs[3]
    assert c.n_coded == len(s) - 4


def test_missing_columns_and_missing_file(tmp_path) -> None:
    with pytest.raises(CodingFileError, match="not found"):
        read_coding(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("doc_id,text\na,b\n", encoding="utf-8")
    with pytest.raises(CodingFileError, match=r"bad.csv: required column\(s\) missing: sent_id, stance, frames"):
        read_coding(bad)


# --------------------------------------------------------------------------- session and panel

def test_session_saves_after_every_answer_and_resumes(tmp_path) -> None:
    t = _table()
    path = tmp_path / "to_code.csv"
    write_coding_file(draw_sample(t, n=12, seed=3, by="month"), path)
    s = CodingSession(path, coder="AB")
    assert s.index == 0 and s.n_coded == 0
    s.record("pro", ["economy", "access"], note="clair")
    s.record("none")
    on_disk = read_coding(path, t)
    assert on_disk.n_coded == 2 and list(on_disk.coded["stance"]) == ["pro", "none"]
    assert on_disk.coded["frames"].iloc[0] == ["access", "economy"] and on_disk.coded["coder"].iloc[0] == "AB"
    assert list(pd.read_csv(path, encoding="utf-8-sig").columns) == COLUMNS + ["stratum", "weight"]
    resumed = CodingSession(path)
    assert resumed.index == 2
    with pytest.raises(ValueError, match="unknown stance"):
        resumed.record("maybe")
    resumed.go(0)  # go back and change an answer: the file is rewritten, resume goes to the next gap
    resumed.record("con")
    assert read_coding(path).coded["stance"].iloc[0] == "con" and resumed.index == 2


def test_panel_records_with_buttons_and_keys(tmp_path) -> None:
    t = _table()
    path = tmp_path / "panel.csv"
    write_coding_file(draw_sample(t, n=5, seed=3), path)
    panel = CodingPanel(path, coder="CD")
    assert "Phrase" in panel.sentence.value
    panel.frame_buttons["economy"].value = True
    panel.stance_buttons["con"].click()
    panel.keys.value = "1p"  # innovation, then pro
    assert panel.keys.value == ""
    rows = read_coding(path).coded
    assert list(rows["stance"]) == ["con", "pro"]
    assert rows["frames"].tolist() == [["economy"], ["innovation"]]
    assert panel.session.index == 2 and not any(b.value for b in panel.frame_buttons.values())
    panel.keys.value = "b"
    assert panel.session.index == 1 and panel.frame_buttons["innovation"].value  # shows the answer already given
    for _ in range(5):
        panel.keys.value = "n"
    assert panel.session.done and "Every sentence is coded" in panel.sentence.value


# --------------------------------------------------------------------------- scores, agreement, statement

def test_binary_scores_and_intervals() -> None:
    truth = np.array([1, 1, 1, 0, 0, 0, 1, 0] * 10, bool)
    pred = np.array([1, 1, 0, 0, 1, 0, 1, 0] * 10, bool)
    s = binary_scores(truth, pred)
    assert s["precision"] == pytest.approx(0.75) and s["recall"] == pytest.approx(0.75)
    assert s["f1_lo"] < s["f1"] < s["f1_hi"] and s["support"] == 40
    # a rare class found perfectly: draws without it are left out of the interval, not counted as 0
    rare = np.zeros(30, bool)
    rare[:2] = True
    s = binary_scores(rare, rare)
    assert s["precision"] == s["precision_lo"] == s["recall_lo"] == s["f1_lo"] == 1.0


def test_scores_confusion_and_disagreements(tmp_path) -> None:
    t = _table()
    path, s = _coded_file(tmp_path, t)
    sc = score_coding(t, read_coding(path, t))
    assert int(sc.confusion.to_numpy().sum()) == len(s)
    changed = (s["stance"] != s["predicted_stance"]) | (s["frames"] != s["predicted_frames"])
    assert len(sc.disagreements) == int(changed.sum())
    # the coder only ever changes a stance to none: every machine none and every coder pro or con is right
    assert sc.stance.loc["none", "precision"] == 1.0 and sc.stance.loc["none", "recall"] < 1.0
    assert sc.stance.loc["pro", "recall"] == 1.0 and sc.stance.loc["con", "recall"] == 1.0


def test_agreement_of_two_coders(tmp_path) -> None:
    t = _table()
    path, s = _coded_file(tmp_path, t)
    s2 = s.copy()
    s2.loc[s2.index[:3], "stance"] = ["con", "pro", "pro"]
    s2.loc[s2.index[3], "frames"] = "ethics"
    write_coding_file(s2, tmp_path / "second.csv")
    a = agreement(read_coding(path, t), read_coding(tmp_path / "second.csv", t))
    from sklearn.metrics import cohen_kappa_score

    assert a.n_both == len(s)
    assert a.stance["cohen_kappa"] == pytest.approx(cohen_kappa_score(s["stance"], s2["stance"]))
    assert 0 < a.stance["krippendorff_alpha"] < 1
    assert len(a.disagreements) == int(((s["stance"] != s2["stance"]) | (s["frames"] != s2["frames"])).sum())
    assert a.frames.loc["ethics", "n_second"] >= 1
    # by hand: 10 units, one disagreement (none / pro); 20 values: pro 7, con 6, none 7
    # D_o = 2/20, D_e = (20^2 - 49 - 36 - 49) / (20 x 19) = 266/380, alpha = 1 - D_o/D_e = 6/7
    first = ["pro", "pro", "con", "con", "none", "none", "none", "pro", "con", "none"]
    second = first[:9] + ["pro"]
    assert krippendorff_alpha(first, second) == pytest.approx(6 / 7)


def test_statement_reads_model_card(tmp_path) -> None:
    assert statements.no_coding_statement(tmp_path / "absent.json").endswith("macro-F1 not measured yet")
    card = tmp_path / "model_card.json"
    card.write_text(json.dumps({"stance": {"cv": {"macro_f1": {"mean": 0.7123, "ci": [0.6, 0.8]}}}}))
    assert statements.no_coding_statement(card) == (
        "no hand coding for this corpus: these are machine labels; on unseen articles the stance detector "
        "scores macro-F1 0.71")
    card.write_text(json.dumps({"frames": {}}))
    assert "not measured yet" in statements.no_coding_statement(card)


def test_prevalence_json_per_group_and_stratified(tmp_path) -> None:
    t = _table()
    path, _ = _coded_file(tmp_path, t, n=30, by="source")
    res = prevalence.to_json(prevalence.corrected_prevalence(t, read_coding(path, t)))
    assert res["n_coded"] == 30 and res["design"] == "stratified (source)"
    for block in [res, *res["by"]["source"].values(), *res["by"]["month"].values()]:
        for kind in ("stance", "frames"):
            for est in block[kind].values():
                assert set(est) == {"machine", "corrected", "ci"}
                assert 0 <= est["ci"][0] <= est["corrected"] <= est["ci"][1] <= 1
    assert set(res["stance"]) == {"pro", "con"} and list(res["frames"]) == list(files.FRAME_CODES)
    assert set(res["by"]["source"]) == {"Le Monde", "Libération"}
    assert "uncovered_strata" not in res
    # a coder who left a whole stratum uncoded: the shares no longer describe it, and the result says so
    rows = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    rows.loc[rows["stratum"] == "source=Libération", ["stance", "frames"]] = ""
    write_coding_file(rows, path)
    res = prevalence.corrected_prevalence(t, read_coding(path, t))
    assert res["uncovered_strata"] == {"source=Libération": 20}


# --------------------------------------------------------------------------- CLI on the fixture corpus

def test_cli_sample_and_validate(tmp_path, cache_dir, capsys) -> None:
    from helpers.cli import main

    from .conftest import TEST_MODEL

    common = ["--model", TEST_MODEL, "--cache-dir", str(cache_dir)]
    out = tmp_path / "sample.csv"
    assert main(["sample", str(FIXTURE_CORPUS), str(out), "--n", "20", "--seed", "1", *common]) == 0
    assert main(["sample", str(FIXTURE_CORPUS), str(out), "--n", "20", *common]) == 2  # never overwrites codes
    s = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(s.columns) == COLUMNS and len(s) == 20
    # a coder who agrees with the machine except on every third sentence, where they say none
    s["stance"] = [("none" if i % 3 == 0 else p) for i, p in enumerate(s["predicted_stance"])]
    s["frames"] = s["predicted_frames"]
    s["coder"] = "test"
    s.loc[4, "stance"] = "pour"
    write_coding_file(s, out)
    second = tmp_path / "second.csv"
    write_coding_file(s.assign(stance=s["predicted_stance"], coder="other"), second)
    js = tmp_path / "out" / "validate.json"
    capsys.readouterr()
    assert main(["validate", str(FIXTURE_CORPUS), str(out), "--json", str(js), "--second", str(second),
                 *common]) == 0
    captured = capsys.readouterr()
    assert f"{out}: row 6" in captured.err and "unknown stance label 'pour'" in captured.err
    assert "shares (machine -> corrected" in captured.out
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["n_coded"] == 19
    assert {"n_coded", "stance", "frames", "by"} <= set(data)
    assert set(data["stance"]) == {"pro", "con"} and set(data["frames"]) == set(files.FRAME_CODES)
    for est in [*data["stance"].values(), *data["frames"].values()]:
        assert 0 <= est["ci"][0] <= est["corrected"] <= est["ci"][1] <= 1 and 0 <= est["machine"] <= 1
    assert "source" in data["by"] and all("stance" in v for v in data["by"]["source"].values())
    assert data["agreement"]["n_both"] == 19
    coded_pro = sum(1 for i, p in enumerate(s["predicted_stance"]) if p == "pro" and i % 3 and i != 4)
    assert data["scores"]["stance"]["pro"]["support"] == coded_pro

    strat = tmp_path / "strat.csv"
    assert main(["sample", str(FIXTURE_CORPUS), str(strat), "--n", "12", "--by", "source", "--blind", *common]) == 0
    st = pd.read_csv(strat, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(st.columns) == COLUMNS + ["stratum", "weight"]
    assert (st["predicted_stance"] == "").all()
    assert main(["validate", str(FIXTURE_CORPUS), str(tmp_path / "absent.csv"), *common]) == 1
    assert "absent.csv: coding file not found" in capsys.readouterr().err


# --------------------------------------------------------------------------- index page and notebooks

def _fixture_coding(tmp_path, corpus, second: bool = False):
    """A coded sample of the fixture corpus: the machine's labels, with every third stance changed to none."""
    from helpers.coding import machine_table

    s = draw_sample(machine_table(corpus), n=20, seed=5)
    s["stance"] = [("none" if i % 3 == 0 else p) for i, p in enumerate(s["predicted_stance"])]
    s["frames"], s["coder"] = s["predicted_frames"], "A"
    path = write_coding_file(s, tmp_path / "coded.csv")
    if not second:
        return path, None
    other = write_coding_file(s.assign(stance=s["predicted_stance"], coder="B"), tmp_path / "coded_b.csv")
    return path, other


def test_index_facts_show_corrected_shares_or_the_statement(tmp_path, fixture_corpus) -> None:
    from helpers.report import summary_facts

    plain = summary_facts(fixture_corpus)[-1]
    assert "No hand coding for this corpus: these are machine labels" in plain and "macro-F1" in plain
    path, _ = _fixture_coding(tmp_path, fixture_corpus)
    corrected = summary_facts(fixture_corpus, path)[-1]
    assert corrected.startswith("Corrected with 20 hand-coded sentences") and "95% CI" in corrected
    missing = summary_facts(fixture_corpus, tmp_path / "absent.csv")[-1]
    assert "absent.csv: coding file not found" in missing and "No hand coding" in missing


def _outputs(nb_path) -> str:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0].get("evalue")
    return json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)


@pytest.mark.notebook
def test_notebooks_05_and_04_with_a_coding_file(run_notebook, tmp_path, fixture_corpus) -> None:
    path, other = _fixture_coding(tmp_path, fixture_corpus, second=True)
    text = _outputs(run_notebook("05_validation", coding_file=str(path), second_coding_file=str(other)))
    for expected in ("20** coded sentences", "Stance macro-F1 (pro, con) on this corpus", "Confusion matrix",
                     "where coder and machine disagree", "Shares of sentences", "Cohen's kappa",
                     "to adjudicate"):
        assert expected in text, expected
    text = _outputs(run_notebook("04_arguments", coding_file=str(path)))
    assert "Corrected with **20** hand-coded sentences" in text and "the machine alone says" in text


def test_machine_table_reads_the_corpus_tables(fixture_corpus) -> None:
    from helpers.coding import machine_table

    t = machine_table(fixture_corpus)
    assert len(t) == len(fixture_corpus.sentences)
    stances = fixture_corpus.stances.set_index(["doc_id", "sent_id"])["stance"]
    assert (t.set_index(["doc_id", "sent_id"])["predicted_stance"] == stances.reindex(
        t.set_index(["doc_id", "sent_id"]).index)).all()
    framed = fixture_corpus.frames.groupby(["doc_id", "sent_id"])["frame"].apply(set)
    for (d, sid), fr in framed.items():
        row = t[(t["doc_id"] == d) & (t["sent_id"] == sid)].iloc[0]
        assert set(files.split_frames(row["predicted_frames"])) == fr
        assert all(row[f"frame_{f}"] == (f in fr) for f in files.FRAME_CODES)
    assert "Dépêche IA" in set(t["source"]) and "2025-01" in set(t["month"])
    assert (t.loc[t["doc_id"] == "web/hugging_face.html", "source"] == "(unknown)").all()
