"""Trends: periods, counts, shares with Wilson intervals, corrections, actors, keyness, events, generated
claims (on constructed tables where the answer is known), the charts, and notebook 06 end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import trends, viz

from .conftest import FIXTURE_CORPUS, TEST_MODEL

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def docs(rows):
    return pd.DataFrame(rows, columns=["doc_id", "date", "source"])


# --------------------------------------------------------------------------- periods

@pytest.mark.parametrize("dates, expected", [
    (["2025-01-01", "2025-01-20"], "day"),
    (["2025-01-01", "2025-05-01"], "week"),
    (["2023-07-18", "2025-08-05"], "month"),
    (["", "pas une date"], "month"),
])
def test_choose_period(dates, expected) -> None:
    assert trends.choose_period(dates) == expected


def test_doc_groups_labels_periods_and_marks_missing_values() -> None:
    d = docs([("a", "2025-01-29", "Le Monde"), ("b", "2025-02-02", ""), ("c", "", "Le Point"),
              ("d", "2025-02-03", None)])
    g = trends.doc_groups(d, period="week")
    assert g.attrs["period"] == "week"
    assert list(g["period"]) == ["2025-01-27", "2025-01-27", trends.UNDATED, "2025-02-03"]  # Monday of the week
    assert list(g["outlet"]) == ["Le Monde", trends.NO_SOURCE, "Le Point", trends.NO_SOURCE]
    assert list(trends.doc_groups(d, period="month")["period"][:2]) == ["2025-01", "2025-02"]
    with pytest.raises(ValueError, match="unknown period"):
        trends.doc_groups(d, period="year")


def test_article_counts_keep_empty_periods_and_undated_last() -> None:
    d = docs([("a", "2025-01-05", "A"), ("b", "2025-01-06", "B"), ("c", "2025-03-01", "A"), ("d", "", "A")])
    c = trends.article_counts(trends.doc_groups(d, period="month"))
    assert list(c.index) == ["2025-01", "2025-02", "2025-03", trends.UNDATED]
    assert list(c.columns) == ["A", "B", "total"]
    assert c.loc["2025-02", "total"] == 0 and c.loc["2025-01", "total"] == 2 and c["total"].sum() == 4


# --------------------------------------------------------------------------- intervals and shares

def test_wilson_interval_known_values() -> None:
    lo, hi = trends.wilson_interval([5, 0, 10, 50, 0], [10, 10, 10, 100, 0])
    assert lo[0] == pytest.approx(0.2366, abs=1e-4) and hi[0] == pytest.approx(0.7634, abs=1e-4)
    assert lo[1] == 0 and hi[1] == pytest.approx(0.2775, abs=1e-4)
    assert lo[2] == pytest.approx(0.7225, abs=1e-4) and hi[2] == 1
    assert lo[3] == pytest.approx(0.4038, abs=1e-4) and hi[3] == pytest.approx(0.5962, abs=1e-4)
    assert np.isnan(lo[4]) and np.isnan(hi[4])


def test_wilson_interval_covers_the_truth_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(0)
    n, p = 200, 0.07
    k = rng.binomial(n, p, size=4000)
    lo, hi = trends.wilson_interval(k, np.full_like(k, n))
    coverage = float(np.mean((lo <= p) & (p <= hi)))
    assert 0.93 <= coverage <= 0.97


def constructed():
    """Two outlets of 10 articles x 10 sentences: A frames 40 % of its sentences as geopolitics, B 10 %."""
    rows, sents, frames = [], [], []
    for outlet, n_geo, month in (("Le Point", 40, "2025-01"), ("L'Humanité", 10, "2025-03")):
        for a in range(10):
            doc = f"{outlet}-{a}"
            rows.append((doc, f"{month}-{a + 1:02d}", outlet))
            for s in range(10):
                sents.append((doc, s, f"Phrase {s} de {doc}."))
                if a * 10 + s < n_geo:
                    frames.append((doc, s, "geopolitics", "Chine", 1.0, False, f"Phrase {s} de {doc}."))
                if s == 0:
                    frames.append((doc, s, "economy", "marché", 1.0, False, f"Phrase {s} de {doc}."))
    rows.append(("tiny-1", "2025-02-10", "Le Temps"))
    sents += [("tiny-1", 0, "Une phrase."), ("tiny-1", 1, "Une autre.")]
    frames.append(("tiny-1", 0, "geopolitics", "Chine", 1.0, False, "Une phrase."))
    documents = docs(rows)
    sentences = pd.DataFrame(sents, columns=["doc_id", "sent_id", "text"])
    fr = pd.DataFrame(frames, columns=["doc_id", "sent_id", "frame", "cues", "score", "negated", "text"])
    return documents, sentences, fr


def test_frame_shares_count_sentences_and_mark_small_groups() -> None:
    documents, sentences, frames = constructed()
    g = trends.doc_groups(documents, period="month")
    s = trends.frame_shares(frames, sentences, g, by="outlet").set_index(["group", "label"])
    assert s.loc[("Le Point", "geopolitics"), ["k", "n"]].tolist() == [40, 100]
    assert s.loc[("Le Point", "geopolitics"), "share"] == pytest.approx(0.4)
    assert s.loc[("L'Humanité", "economy"), "share"] == pytest.approx(0.1)
    assert s.loc[("Le Point", "ethics"), "k"] == 0  # every frame for every group
    assert bool(s.loc[("Le Temps", "geopolitics"), "small"]) and not bool(s.loc[("Le Point", "economy"), "small"])
    assert s.loc[("Le Temps", "geopolitics"), "share"] == pytest.approx(0.5)  # small: kept, not hidden
    per_month = trends.frame_shares(frames, sentences, g, by="period")
    assert list(dict.fromkeys(per_month["group"])) == ["2025-01", "2025-02", "2025-03"]


def test_a_sentence_with_a_frame_twice_counts_once() -> None:
    documents, sentences, frames = constructed()
    doubled = pd.concat([frames, frames])
    g = trends.doc_groups(documents, period="month")
    a = trends.frame_shares(frames, sentences, g)
    b = trends.frame_shares(doubled, sentences, g)
    assert a["k"].tolist() == b["k"].tolist()


def test_apply_corrections_prefers_the_coded_sample() -> None:
    documents, sentences, frames = constructed()
    s = trends.frame_shares(frames, sentences, trends.doc_groups(documents, period="month"))
    coding = pd.DataFrame([{"group": "Le Point", "label": "geopolitics", "corrected": 0.31, "lo": 0.22, "hi": 0.4}])
    c = trends.apply_corrections(s, coding).set_index(["group", "label"])
    row = c.loc[("Le Point", "geopolitics")]
    assert (row["share"], row["lo"], row["hi"], row["raw_share"]) == (0.31, 0.22, 0.4, pytest.approx(0.4))
    assert row["method"] == "corrected (coded sample)"
    assert c.loc[("Le Point", "economy"), "method"] == "Wilson 95%"
    assert trends.apply_corrections(s, None)["share"].tolist() == s["share"].tolist()
    with pytest.raises(ValueError, match="corrected"):
        trends.apply_corrections(s, pd.DataFrame({"group": ["x"], "label": ["y"]}))


def _coded(table: pd.DataFrame, path: Path, n: int, seed: int = 2, by: str | None = None) -> pd.DataFrame:
    """A coded sample: the machine's labels, with every third stance turned to none and every fourth
    sentence given the access frame (a coder who disagrees with the machine, in known places)."""
    from helpers.coding import draw_sample, write_coding_file

    s = draw_sample(table, n=n, seed=seed, by=by)
    s["stance"] = [("none" if i % 3 == 0 else p) for i, p in enumerate(s["predicted_stance"])]
    s["frames"] = [("access" if i % 4 == 0 else f) for i, f in enumerate(s["predicted_frames"])]
    s["coder"] = "A"
    write_coding_file(s, path)
    return s


@pytest.mark.parametrize("by", [None, "source"])
def test_corrections_from_a_fully_coded_corpus_are_the_coders_shares(fixture_corpus, tmp_path, by) -> None:
    """Every sentence coded (uniform or stratified by source): the corrected share of each outlet and each
    period must be the coder's own share there, whatever the machine said; the machine share of the coding
    package must be the share trends computes for the same group (the groups are the same)."""
    from helpers.coding import machine_table, read_coding

    table = machine_table(fixture_corpus)
    coded = _coded(table, tmp_path / "coded.csv", n=len(table), by=by)
    groups = trends.doc_groups(fixture_corpus.documents, period="month")
    corr, result = trends.corrections_table(table, read_coding(tmp_path / "coded.csv", table), groups)
    assert result["n_coded"] == len(table) and result["design"].startswith("stratified" if by else "uniform")
    where = coded.merge(groups[["doc_id", "outlet", "period"]], on="doc_id")
    for by_col in ("outlet", "period"):
        stance = trends.apply_corrections(trends.stance_shares(fixture_corpus.stances, fixture_corpus.sentences, groups,
                                                               by=by_col, min_articles=1, min_sentences=1), corr)
        frame = trends.apply_corrections(trends.frame_shares(fixture_corpus.frames, fixture_corpus.sentences, groups,
                                                             by=by_col, min_articles=1, min_sentences=1), corr)
        for shares, truth in ((stance, lambda d, lab: (d["stance"] == lab).mean()),
                              (frame, lambda d, lab: d["frames"].map(lambda f: lab in f.split("; ")).mean())):
            assert len(shares) and (shares["method"] == "corrected (coded sample)").all()
            for r in shares.itertuples():
                d = where[where[by_col] == r.group]
                assert r.share == pytest.approx(truth(d, r.label), abs=1e-9), (by_col, r.group, r.label)
                assert r.lo <= r.share <= r.hi
                m = corr[(corr["by"] == by_col) & (corr["group"] == r.group) & (corr["label"] == r.label)]
                assert m["machine"].iloc[0] == pytest.approx(r.raw_share)
    moved = stance[stance["share"] != stance["raw_share"]]
    assert len(moved), "the coder disagrees with the machine: some corrected share must differ"


def test_coded_corrections_small_sample_and_plain_statement(fixture_corpus, tmp_path) -> None:
    from helpers.coding import machine_table, no_coding_statement

    groups = trends.doc_groups(fixture_corpus.documents, period="month")
    corr, note = trends.coded_corrections(fixture_corpus, groups, None)
    assert corr is None and no_coding_statement()[1:] in note and "Wilson" in note
    corr, note = trends.coded_corrections(fixture_corpus, groups, tmp_path / "absent.csv")
    assert corr is None and "absent.csv: coding file not found" in note and no_coding_statement()[1:] in note
    table = machine_table(fixture_corpus)
    _coded(table, tmp_path / "coded.csv", n=8, seed=4)
    corr, note = trends.coded_corrections(fixture_corpus, groups, tmp_path / "coded.csv")
    assert "Shares corrected with **8** hand-coded sentences (uniform sample" in note
    few = corr[corr["corrected"].isna()]
    assert len(few) and "Too few coded sentences" in note
    shares = trends.apply_corrections(trends.stance_shares(fixture_corpus.stances, fixture_corpus.sentences, groups,
                                                           by="outlet"), corr)
    uncorrected = shares[shares["group"].isin(set(few.loc[few["by"] == "outlet", "group"]))]
    assert len(uncorrected) and uncorrected["method"].str.contains("too few to correct").all()
    assert (uncorrected["share"] == uncorrected["raw_share"]).all()
    assert (shares["method"] == "corrected (coded sample)").any()


def test_stance_shares() -> None:
    documents, sentences, _ = constructed()
    st = sentences.assign(stance="none")
    st.loc[st.index[:5], "stance"] = "pro"
    st.loc[st.index[5:7], "stance"] = "con"
    s = trends.stance_shares(st, sentences, trends.doc_groups(documents, period="month")).set_index(["group", "label"])
    assert s.loc[("Le Point", "pro"), "k"] == 5 and s.loc[("Le Point", "con"), "k"] == 2
    assert set(s.index.get_level_values("label")) == {"pro", "con"}


# --------------------------------------------------------------------------- claims

def test_outlet_claim_names_the_contrast_with_numbers_and_examples() -> None:
    documents, sentences, frames = constructed()
    g = trends.doc_groups(documents, period="month")
    s = trends.frame_shares(frames, sentences, g, by="outlet")
    claims = trends.outlet_claims(s, frames, g)
    assert len(claims) == 1  # economy is 10 % in both: no claim; Le Temps is small: left out
    text = claims[0].text
    assert "**Le Point** carries the *geopolitics* frame" in text and "4.0 times as often as" in text
    assert "40 % of its sentences against 10 %" in text
    assert set(claims[0].examples["doc_id"].str.startswith("Le Point")) == {True}


def test_no_claim_when_intervals_overlap() -> None:
    documents, sentences, frames = constructed()
    frames = frames[frames["frame"] == "economy"]
    g = trends.doc_groups(documents, period="month")
    claims = trends.outlet_claims(trends.frame_shares(frames, sentences, g), frames, g)
    assert len(claims) == 1 and "intervals overlap" in claims[0].text and not len(claims[0].examples)


def test_time_claims_busiest_period_events_and_change() -> None:
    documents, sentences, frames = constructed()
    g = trends.doc_groups(documents, period="month")
    counts = trends.article_counts(g)
    shares = trends.frame_shares(frames, sentences, g, by="period")
    events = pd.DataFrame({"date": pd.to_datetime(["2024-12-28", "2025-02-10"]), "label": ["Avant", "Pendant"]})
    claims = trends.time_claims(counts, shares, frames, g, events)
    assert "No month stands out" in claims[0].text  # January and March have 10 articles each
    assert "*geopolitics* frame fell from 40 % of sentences in 2025-01 to 10 % in 2025-03" in claims[-1].text
    g2 = trends.doc_groups(documents[~documents["doc_id"].str.startswith("L'Hum")], period="month")
    claims = trends.time_claims(trends.article_counts(g2), shares, frames, g2, events)
    assert "The busiest month is **2025-01** with 10 of 11" in claims[0].text
    assert "Avant (2024-12-28)" in claims[0].text and "Pendant" not in claims[0].text


def test_top_actors_per_group() -> None:
    documents, _, _ = constructed()
    g = trends.doc_groups(documents, period="month")
    ents = pd.DataFrame([("Le Point-0", 0, "Pékin", "Chine", "LOC"), ("Le Point-1", 0, "Chine", "Chine", "LOC"),
                         ("Le Point-1", 1, "Meta", "Meta", "ORG"), ("L'Humanité-0", 0, "CGT", "CGT", "ORG"),
                         ("L'Humanité-0", 1, "loi", "AI Act", "MISC")],
                        columns=["doc_id", "sent_id", "text", "canonical", "type"])
    a = trends.top_actors(ents, g, by="outlet", n=1)
    assert a.set_index("group").loc["Le Point", ["canonical", "mentions", "articles"]].tolist() == ["Chine", 2, 2]
    assert "AI Act" not in set(a["canonical"])  # MISC is not an actor


def test_events_file_and_span(tmp_path) -> None:
    ev = trends.load_events()
    assert len(ev) >= 15 and ev["date"].is_monotonic_increasing
    labels = " ".join(ev["label"])
    for name in ("DeepSeek-R1", "Llama 2", "Mistral AI – Microsoft", "AI Act"):
        assert name in labels
    assert ev.set_index("label").loc["DeepSeek-R1", "date"] == pd.Timestamp("2025-01-20")
    g = trends.doc_groups(docs([("a", "2025-01-01", "X"), ("b", "2025-03-01", "X")]))
    assert set(trends.events_in_span(ev, g)["label"]) >= {"DeepSeek-R1", "Sommet pour l'action sur l'IA (Paris)"}
    bad = tmp_path / "events.yml"
    bad.write_text("events:\n  - {date: demain, label: X}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="events.yml.*X"):
        trends.load_events(bad)


def test_group_keyness_uses_textometry(fixture_corpus) -> None:
    from helpers import textometry as tm

    units = tm.units_table(fixture_corpus)
    g = trends.doc_groups(fixture_corpus.documents)
    spec = trends.group_keyness(units, g, by="outlet", min_freq=2)
    expected = tm.corpus_keyness(units, by=trends.group_series(g, "outlet"), min_freq=2)
    pd.testing.assert_frame_equal(spec, expected)
    assert trends.NO_SOURCE not in set(spec["part"])


# --------------------------------------------------------------------------- charts and tables

def test_charts_draw_events_and_mark_small_groups() -> None:
    import matplotlib.pyplot as plt

    documents, sentences, frames = constructed()
    g = trends.doc_groups(documents, period="month")
    events = pd.DataFrame({"date": pd.to_datetime(["2025-02-01", "2030-01-01"]), "label": ["Dedans", "Dehors"]})
    fig = viz.counts_chart(trends.article_counts(g), "month", events, source="test")
    ax = fig.axes[0]
    assert [t.get_text().strip() for t in ax.texts] == ["Dedans"]
    assert any("1 event" in t.get_text() for t in fig.texts)
    plt.close(fig)
    fig = viz.shares_by_group_chart(trends.frame_shares(frames, sentences, g), source="test")
    assert "Le Temps (small)" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    plt.close(fig)
    fig = viz.shares_over_time_chart(trends.frame_shares(frames, sentences, g, by="period"), "month", events=events)
    assert {t.get_text() for t in fig.axes[0].get_legend().get_texts()} == {"geopolitics", "economy"}
    plt.close(fig)
    fig = viz.counts_chart(pd.DataFrame(), "week")
    assert "No article" in fig.axes[0].texts[0].get_text()
    plt.close(fig)


def test_interactive_table_escapes_text_and_is_bounded() -> None:
    from helpers.display import table_html

    hostile = "<script>alert('xss')</script> et <img src=x onerror=alert(1)>"
    df = pd.DataFrame({"text": [hostile] * 30, "n": range(30)})
    body, note = table_html(df, max_rows=20, caption="Arguments", full_table_path="tables/arguments.csv")
    assert "<script>alert" not in body and "<img src=x" not in body and "&lt;script&gt;" in body
    assert body.count("onerror") == body.count("&lt;img src=x onerror")
    assert note == "First 20 of 30 rows shown; the full table is `tables/arguments.csv`."
    assert '"column_filters": "footer"' in body and "https://cdn" not in body


# --------------------------------------------------------------------------- notebook 06

@pytest.mark.notebook
def test_notebook_runs_on_fixture_corpus_with_exports(run_notebook, tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    shutil.copytree(EXPORTS, corpus / "exports")
    out = run_notebook("06_trends", corpus_dir=corpus)
    nb = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = json.dumps(nb)
    assert "Period: **month**" in text  # 2023-08 to 2025-08: months
    assert "14 outlets" in text and "dated 2023-08-24 to 2025-08-06" in text
    figures = tmp_path / "output" / "figures"
    for name in ("articles_over_time", "frames_by_outlet", "frames_over_time", "stance_by_outlet", "keyness_outlet"):
        assert (figures / f"06_{name}.png").exists(), name
    counts = pd.read_csv(tmp_path / "output" / "tables" / "06_article_counts.csv")
    assert counts["total"].sum() == 20 and {"Le Monde", "Le Figaro", "Le Devoir", "L'Humanité"} <= set(counts.columns)
    assert "DeepSeek-R1" in text  # an event of the span is named
    assert "No hand coding for this corpus: these are machine labels" in text


@pytest.mark.notebook
def test_notebook_06_with_a_coding_file_shows_corrected_shares(run_notebook, tmp_path, cache_dir) -> None:
    from helpers.coding import machine_table
    from helpers.pipeline import build_corpus

    corpus_dir = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus_dir)
    shutil.copytree(EXPORTS, corpus_dir / "exports")
    corpus = build_corpus(corpus_dir, model=TEST_MODEL, cache_dir=cache_dir, progress=False)
    table = machine_table(corpus)
    _coded(table, tmp_path / "coded.csv", n=len(table) * 3 // 4, seed=7, by="month")
    out = run_notebook("06_trends", corpus_dir=corpus_dir, coding_file=str(tmp_path / "coded.csv"))
    nb = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0].get("evalue") if errors else ""
    text = json.dumps(nb, ensure_ascii=False)
    assert f"Shares corrected with **{len(table) * 3 // 4}** hand-coded sentences (stratified (month) sample" in text
    assert "No hand coding" not in text
    tables = tmp_path / "output" / "tables"
    for name in ("06_frame_shares_outlet", "06_frame_shares_period", "06_stance_shares"):
        shares = pd.read_csv(tables / f"{name}.csv")
        corrected = shares["method"] == "corrected (coded sample)"
        assert corrected.any(), name
        assert (corrected | shares["method"].str.contains("too few to correct")).all(), name
        assert ((shares["lo"] <= shares["share"] + 1e-9) & (shares["share"] <= shares["hi"] + 1e-9)).all(), name


def test_span_summary() -> None:
    d = docs([("a", "2025-01-29", "Le Monde"), ("b", "2025-02-02", ""), ("c", "", "Le Point"), ("e", "2025-02-05", "Le Monde")])
    assert trends.span_summary(trends.doc_groups(d)) == (
        "2 outlets (Le Monde 2, Le Point 1); 1 article without a source; 1 undated article; "
        "dated 2025-01-29 to 2025-02-05, 2 months (2025-01: 1, 2025-02: 2).")


def test_balanced_rows_take_each_outlet_in_turn() -> None:
    df = pd.DataFrame({"outlet": ["A", "A", "A", "B", "C", "B"], "x": range(6)})
    assert trends.balanced_rows(df)["x"].tolist() == [0, 3, 4, 1, 5, 2]
    assert trends.balanced_rows(df).head(3)["outlet"].tolist() == ["A", "B", "C"]
