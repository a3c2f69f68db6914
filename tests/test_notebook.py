"""bpkit.notebook: glue writes myst-nb's record with or without myst-nb; the book style."""

from __future__ import annotations

import sys

import matplotlib
import matplotlib.pyplot as plt
import pytest

from bpkit import notebook
from bpkit.errors import ArgumentTypeError, ArgumentValueError


class FakeShell:
    """Stands in for a running IPython kernel: collects what display() publishes."""

    def __init__(self) -> None:
        self.published: list[tuple[dict, dict]] = []


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict, dict]]:
    """Capture display() calls made by glue's own fallback (myst-nb hidden)."""
    import IPython
    import IPython.display

    shell = FakeShell()
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb now fails
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)

    def fake_display(obj: dict, raw: bool = False, metadata: dict | None = None) -> None:
        assert raw
        shell.published.append((obj, metadata or {}))

    monkeypatch.setattr(IPython.display, "display", fake_display)
    return shell.published


def test_glue_without_myst_nb_writes_the_record_myst_nb_reads(published: list) -> None:
    notebook.glue("answer", 42, display=False)
    notebook.glue("shown", "text")
    (hidden, hidden_meta), (shown, shown_meta) = published
    assert hidden == {"application/papermill.record/text/plain": "42"}
    assert hidden_meta["scrapbook"] == {"name": "answer", "mime_prefix": "application/papermill.record/"}
    assert shown == {"text/plain": "'text'"}
    assert shown_meta["scrapbook"] == {"name": "shown", "mime_prefix": ""}


def test_glue_matches_myst_nb_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback publishes the same bundle and metadata as myst-nb's own glue."""
    import IPython
    import IPython.display
    import myst_nb.ext.glue as myst_glue_module

    calls: list[tuple[dict, dict]] = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: FakeShell())
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False, metadata=None: calls.append((obj, metadata)))
    monkeypatch.setattr(myst_glue_module, "ipy_display", lambda obj, raw=False, metadata=None: calls.append((obj, metadata)))
    for display in (True, False):
        notebook.glue("x", 0.125, display=display)  # myst-nb's glue
        with monkeypatch.context() as m:
            m.setitem(sys.modules, "myst_nb", None)
            notebook.glue("x", 0.125, display=display)  # the fallback
    assert len(calls) == 4
    assert calls[0] == calls[1] and calls[2] == calls[3]


def test_glue_outside_a_kernel_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython

    monkeypatch.setitem(sys.modules, "myst_nb", None)
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert notebook.glue("x", 1) is None


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [({"name": "", "value": 1}, "name"), ({"name": 3, "value": 1}, "name"), ({"name": "x", "value": 1, "display": 1}, "display")],
)
def test_glue_refuses_bad_arguments(kwargs: dict, needle: str) -> None:
    with pytest.raises(ArgumentTypeError, match=needle):
        notebook.glue(**kwargs)


def test_glue_range_records_the_smallest_and_largest_value_formatted(published: list) -> None:
    assert notebook.glue_range("ch00_err", [[0.25, 0.8], [0.0417, 0.5]], ".0%", display=False) is None
    (lo, lo_meta), (hi, hi_meta) = published
    assert lo == {"application/papermill.record/text/plain": "'4%'"}
    assert hi == {"application/papermill.record/text/plain": "'80%'"}
    assert lo_meta["scrapbook"]["name"] == "ch00_err_lo" and hi_meta["scrapbook"]["name"] == "ch00_err_hi"


def test_glue_range_of_one_value_gives_equal_ends(published: list) -> None:
    notebook.glue_range("x", 3, ".2g")
    assert [bundle for bundle, _ in published] == [{"text/plain": "'3'"}, {"text/plain": "'3'"}]
    assert [meta["scrapbook"]["mime_prefix"] for _, meta in published] == ["", ""]


@pytest.mark.parametrize(
    ("kwargs", "error", "needle"),
    [
        ({"name": "", "values": [1.0], "spec": ".2f"}, ArgumentTypeError, "name"),
        ({"name": "x", "values": [], "spec": ".2f"}, ArgumentValueError, "values must not be empty"),
        ({"name": "x", "values": [1.0, float("nan")], "spec": ".2f"}, ArgumentValueError, "values must be finite"),
        ({"name": "x", "values": ["a"], "spec": ".2f"}, ArgumentTypeError, "values"),
        ({"name": "x", "values": [1.0], "spec": 2}, ArgumentTypeError, "spec"),
        ({"name": "x", "values": [1.0], "spec": ".2d"}, ArgumentValueError, "spec"),
        ({"name": "x", "values": [1.0], "spec": ".2f", "display": "no"}, ArgumentTypeError, "display"),
    ],
)
def test_glue_range_refuses_bad_arguments(kwargs: dict, error: type, needle: str) -> None:
    with pytest.raises(error, match=f"glue_range: .*{needle}"):
        notebook.glue_range(**kwargs)


def test_book_style_lines_differ_in_dash_pattern_not_only_colour() -> None:
    cycle = list(notebook.book_style()["axes.prop_cycle"])
    assert len({str(c["linestyle"]) for c in cycle}) == len(cycle)
    assert len({c["color"] for c in cycle}) == len(cycle)


def test_use_book_style_changes_rcparams_outside_a_kernel() -> None:
    with matplotlib.rc_context():
        notebook.use_book_style()
        assert plt.rcParams["font.size"] == notebook.book_style()["font.size"]
        fig, ax = plt.subplots()
        (first,) = ax.plot([0, 1])
        (second,) = ax.plot([1, 0])
        assert first.get_linestyle() != second.get_linestyle()
        plt.close(fig)


def _two_lines(styles: tuple[str, str], fontsize: float | None = None) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], styles[0], label="RMSProp")
    ax.plot([1, 0], styles[1], label="Adam")
    ax.legend(fontsize=fontsize)
    return fig


def test_figure_report_finds_the_smallest_drawn_text() -> None:
    with matplotlib.rc_context(notebook.book_style()):
        fig = _two_lines(("-", "--"))
        assert notebook.figure_report(fig) == {"min_font_pt": 10.0, "same_style": []}
        fig.axes[0].set_title("small", fontsize=7)
        assert notebook.figure_report(fig)["min_font_pt"] == 7.0
        fig.axes[0].set_title("")  # an empty text is not drawn: it does not count
        fig.axes[0].text(0.5, 0.5, "hidden", fontsize=5, visible=False)
        assert notebook.figure_report(fig)["min_font_pt"] == 10.0
        fig.axes[0].axis("off")  # hidden axes draw no tick labels
        fig.axes[0].get_legend().remove()
        assert notebook.figure_report(fig)["min_font_pt"] is None
        plt.close(fig)


def test_figure_report_flags_legend_entries_that_differ_in_colour_only() -> None:
    with matplotlib.rc_context(notebook.book_style()):
        same = _two_lines(("-", "-"))
        assert notebook.figure_report(same)["same_style"] == [["RMSProp", "Adam"]]
        for apart in (("-", "--"), ("o-", "s-"), ("-", "o")):
            fig = _two_lines(apart)
            assert notebook.figure_report(fig)["same_style"] == [], apart
        fig, ax = plt.subplots()  # the book's cycle alone keeps lines apart
        for k in range(7):
            ax.plot([0, k], label=str(k))
        ax.legend()
        assert notebook.figure_report(fig)["same_style"] == []
        fig, ax = plt.subplots()  # point sets: the marker must differ
        ax.scatter([0], [0], marker="o", label="class 0")
        ax.scatter([1], [1], marker="o", label="class 1")
        ax.scatter([2], [2], marker="s", label="class 2")
        ax.legend()
        assert notebook.figure_report(fig)["same_style"] == [["class 0", "class 1"]]
        fig, ax = plt.subplots()  # bars and histograms: outline dash or hatch must differ
        ax.bar([0], [1], label="a")
        ax.bar([1], [2], label="b")
        ax.bar([2], [2], hatch="//", label="c")
        ax.hist([0.1, 0.2], histtype="step", ls="--", label="d")
        ax.hist([0.1, 0.3], histtype="step", ls=":", label="e")
        ax.legend()
        assert notebook.figure_report(fig)["same_style"] == [["a", "b"]]
        plt.close("all")


def test_book_png_is_retina_palette_png_with_width_only_and_the_report() -> None:
    import io
    import json

    from PIL import Image

    with matplotlib.rc_context(notebook.book_style()):
        fig = _two_lines(("-", "-"), fontsize=8)
        png, meta = notebook.book_png(fig)
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.mode == "P"
        assert set(meta) == {"width"}, "a height would squash the figure where the column is narrower"
        assert meta["width"] == round(image.width / 2)
        assert 360 <= meta["width"] <= 400  # 4 in at 100 per inch, trimmed to the drawn area
        report = json.loads(image.info[notebook.REPORT_KEY])
        assert report == {"min_font_pt": 8.0, "same_style": [["RMSProp", "Adam"]], "dpi": 200.0}
        assert round(image.info["dpi"][0]) == 200
        assert notebook.book_png(plt.figure()) is None  # empty: Jupyter shows nothing
        with pytest.raises(ArgumentTypeError, match="fig must be a matplotlib Figure"):
            notebook.book_png("figure")
        with pytest.raises(ArgumentTypeError, match="fig must be a matplotlib Figure"):
            notebook.figure_report(None)
        plt.close("all")


def test_use_book_style_installs_book_png_in_a_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    with matplotlib.rc_context():
        notebook.use_book_style()
        fig = _two_lines(("-", "--"))
        data, metadata = shell.display_formatter.format(fig)
        assert data["image/png"].startswith(b"\x89PNG") and notebook.REPORT_KEY.encode() in data["image/png"]
        assert set(metadata["image/png"]) == {"width"}
        assert "image/svg+xml" not in data and "application/pdf" not in data
        plt.close(fig)
