"""House-style chart functions: labels, empty inputs, saving, the source line."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import viz  # noqa: E402

SOURCE = "Source: corpus 'test', 3 articles"


@pytest.fixture(autouse=True)
def _close_figures():
    viz.setup_style()
    yield
    plt.close("all")


def _texts(fig: plt.Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def documents() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["000_230899c1183c90ff.txt", "depeches.jsonl#2", "web/a_very_long_file_name_for_a_web_page.html"],
        "title": ["A", "B", "C"], "date": ["2025-01-28", "", "2025-03-12"], "source": ["S", "S", "T"],
        "n_sentences": [10, 3, 7], "n_tokens": [200, 40, 120]})


def test_short_and_doc_labels() -> None:
    assert viz.short_label("abcdef", 4) == "abc…" and viz.short_label(None) == "" and viz.short_label("a  b") == "a b"
    labels = viz.doc_labels(documents()["doc_id"])
    assert labels["000_230899c1183c90ff.txt"] == "000_230899c1183c90ff"  # extension dropped
    assert labels["depeches.jsonl#2"] == "depeches.jsonl#2"  # row ids kept whole
    assert len(labels["web/a_very_long_file_name_for_a_web_page.html"]) == 28  # long ids cut in the middle
    same = viz.doc_labels(["x/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1.txt", "x/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1.md"])
    assert len(set(same.values())) == 2  # labels stay unique


def test_charts_carry_title_labels_and_source() -> None:
    fig = viz.barh_chart(pd.Series({"open source": 12, "IA": 9}), title="Top", xlabel="occurrences", source=SOURCE)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Top" and ax.get_xlabel() == "occurrences"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["IA", "open source"]  # largest on top
    assert SOURCE in _texts(fig) and "12" in _texts(fig)
    fig = viz.length_chart(documents(), SOURCE)
    assert "200 tokens · 10 sentences" in _texts(fig)


def test_source_line_sits_below_the_axes() -> None:
    fig = viz.heatmap_chart(pd.DataFrame({"a_long_column_name": [1, 2], "b": [3, 4], "c": [0, 1], "d": [2, 2]},
                                         index=["x", "y"]), title="H", xlabel="article", source=SOURCE)
    src = next(t for t in fig.texts if t.get_text() == SOURCE)
    renderer = fig.canvas.get_renderer()
    xlabel_box = fig.axes[0].xaxis.label.get_window_extent(renderer)
    assert src.get_window_extent(renderer).y1 <= xlabel_box.y0


def test_timeline_dots_months_and_no_dates() -> None:
    fig = viz.timeline_chart(documents(), SOURCE)
    assert "1 undated article left out" in fig.axes[0].get_title(loc="left")
    assert len(fig.axes[0].collections[0].get_offsets()) == 2
    many = pd.DataFrame({"doc_id": [f"d{i}" for i in range(60)],
                         "date": [f"2024-{1 + i % 12:02d}-15" for i in range(60)]})
    fig = viz.timeline_chart(many, SOURCE)
    assert fig.axes[0].get_ylabel() == "articles" and len(fig.axes[0].patches) == 12  # one bar per month
    fig = viz.timeline_chart(documents().assign(date=""), SOURCE)
    assert "No article carries a date." in _texts(fig)


def test_empty_inputs_give_a_message_not_an_error() -> None:
    assert "Nothing to plot in this corpus." in _texts(viz.barh_chart(pd.Series(dtype=float), title="T"))
    assert "No content word to draw." in _texts(viz.wordcloud_chart({}, title="T"))
    assert "No content word to draw." in _texts(viz.wordcloud_grid({"a": {}}, title="T"))
    assert any("at least two parts" in t for t in _texts(viz.keyness_chart(pd.DataFrame(), title="T")))
    assert any("at least two parts" in t for t in _texts(viz.keyness_grid(pd.DataFrame(), title="T")))
    assert "No article to describe." in _texts(viz.length_chart(documents().iloc[:0]))


def test_wordclouds_and_keyness_charts(tmp_path) -> None:
    img = viz.wordcloud_image({"open source": 10, "modèle": 5, "IA": 3}, width=200, height=120)
    assert img.shape == (120, 200, 3)
    fig = viz.wordcloud_grid({"a": {"x": 3, "y": 1}, "b": {"z": 2}, "c": {}}, title="Clouds", source=SOURCE)
    assert sum(1 for ax in fig.axes if ax.images) == 2  # the empty part is left out
    spec = pd.DataFrame({"part": ["A"] * 4 + ["B"] * 4, "label": list("wxyz") * 2,
                         "specificity": [3.0, 1.0, -0.5, -2.5, -3.0, -1.0, 0.5, 2.5],
                         "spec_p": [0.001, 0.1, 0.3, 0.003, 0.001, 0.1, 0.3, 0.003]})
    fig = viz.keyness_chart(spec[spec["part"] == "A"], title="A", source=SOURCE, n=2)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["z", "y", "x", "w"]
    widths = [p.get_width() for p in ax.patches]
    assert max(widths) == 3.0 and min(widths) == -2.5
    fig = viz.keyness_grid(spec, title="Grid", source=SOURCE, n=2)
    assert [ax.get_title(loc="left") for ax in fig.axes if ax.has_data()] == ["A", "B"]
    paths = viz.save_figure(fig, "01_test", tmp_path)
    assert paths["png"].exists() and paths["svg"].exists() and paths["png"].parent == tmp_path / "figures"
    assert viz.save_figure(fig, "x", None) == {}


def test_many_articles_stay_readable() -> None:
    many = pd.DataFrame({"doc_id": [f"d{i}" for i in range(80)], "n_tokens": range(100, 180),
                         "n_sentences": [5] * 80})
    fig = viz.length_chart(many, SOURCE)
    assert fig.axes[0].get_ylabel() == "articles" and "80 articles" in fig.axes[0].get_title(loc="left")
    assert fig.get_figheight() < 8  # a histogram, not 80 bars
    fig = viz.wordcloud_grid({f"d{i}": {"x": 1} for i in range(30)}, max_parts=6)
    assert sum(1 for ax in fig.axes if ax.images) == 6


def test_figure_saver_saves_and_closes(tmp_path) -> None:
    import matplotlib.pyplot as plt

    from helpers import viz

    save = viz.figure_saver(tmp_path, prefix="09_")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    paths = save(fig, "line")
    assert paths["png"] == tmp_path / "figures" / "09_line.png" and paths["png"].stat().st_size > 0
    assert paths["svg"].exists()
    assert not plt.fignum_exists(fig.number)
    assert save(None, "nothing") == {}
