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

from .conftest import FIXTURE_CORPUS

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


def test_read_corrections(tmp_path) -> None:
    assert trends.read_corrections(None) is None and trends.read_corrections(tmp_path / "none.csv") is None
    p = tmp_path / "c.csv"
    p.write_text("group,label,corrected,lo\nA,pro,0.2,0.1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"c\.csv.*hi"):
        trends.read_corrections(p)


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


def test_span_summary() -> None:
    d = docs([("a", "2025-01-29", "Le Monde"), ("b", "2025-02-02", ""), ("c", "", "Le Point"), ("e", "2025-02-05", "Le Monde")])
    assert trends.span_summary(trends.doc_groups(d)) == (
        "2 outlets (Le Monde 2, Le Point 1); 1 article without a source; 1 undated article; "
        "dated 2025-01-29 to 2025-02-05, 2 months (2025-01: 1, 2025-02: 2).")


def test_balanced_rows_take_each_outlet_in_turn() -> None:
    df = pd.DataFrame({"outlet": ["A", "A", "A", "B", "C", "B"], "x": range(6)})
    assert trends.balanced_rows(df)["x"].tolist() == [0, 3, 4, 1, 5, 2]
    assert trends.balanced_rows(df).head(3)["outlet"].tolist() == ["A", "B", "C"]
