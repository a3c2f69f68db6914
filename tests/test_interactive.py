"""bpkit.interactive: the figure's layers, its HTML and JSON, the matplotlib still, and bad input."""

from __future__ import annotations

import json
import re

import matplotlib
import numpy as np
import pytest

from bpkit.errors import ArgumentTypeError, ArgumentValueError, BpkitError, ShapeError
from bpkit.interactive import InteractiveFigure, Menu, Panel, Slider, Trace

matplotlib.use("Agg")

RATES = {("quadratic",): [0.01, 0.1], ("rosenbrock",): [0.001, 0.002]}


def make() -> InteractiveFigure:
    """Two menus-worth of settings: a slider whose values depend on a menu, and one some layers ignore."""
    fig = InteractiveFigure(
        "test-fig",
        [Menu("fn", ["quadratic", "rosenbrock"], label="function"),
         Slider("lr", RATES, label="step size", default=0.1, depends_on=["fn"]),
         Slider("mu", [0.0, 0.5, 0.9], label="momentum")],
        [Panel("path", x_label="x", y_label="y"), Panel("loss", y_log=True)],
        alt="Paths of two optimizers.",
    )
    for fn, rates in RATES.items():
        fig.add({"fn": fn[0]}, [Trace("path", [0, 1, np.nan, 2], [0, 1, np.nan, 0], style=None)],
                ranges={"path": ((-1, 3), None)})
        for lr in rates:
            for mu in (0.0, 0.5, 0.9):
                fig.add({"fn": fn[0], "lr": lr, "mu": mu},
                        [Trace("loss", [0, 1, 2], [1.0, lr + mu, 1 / 3], name="loss", mode="lines+markers")])
    return fig


def data_of(html: str) -> dict:
    m = re.search(r'<script type="application/json" class="bpkit-interactive-data">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_default_setting_and_the_traces_it_draws() -> None:
    fig = make()
    assert fig.default_settings() == {"fn": "quadratic", "lr": 0.1, "mu": 0.0}
    traces = fig.traces()
    assert [t.panel for t in traces] == ["path", "loss"]
    assert traces[1].y == (1.0, 0.1, 0.3333)                    # rounded to 4 significant digits
    at = fig.traces({"fn": "rosenbrock", "lr": 0.001, "mu": 0.9})
    assert at[1].y[1] == pytest.approx(0.901)


def test_html_is_deterministic_and_names_controls_and_alt_text() -> None:
    html = make().to_html()
    assert html == make().to_html()
    assert html.startswith('<div class="bpkit-interactive" id="bpkit-fig-test-fig">')
    assert '<label for="bpkit-fig-test-fig-lr">step size</label>' in html
    assert 'type="range"' in html and 'max="1"' in html and 'value="1"' in html     # default position of lr
    assert '<option value="0" selected>quadratic</option>' in html
    assert 'aria-label="Paths of two optimizers."' in html
    assert ">0.1</output>" in html


def test_json_holds_layers_readouts_gaps_and_styles() -> None:
    data = data_of(make().to_html())
    assert [c["kind"] for c in data["controls"]] == ["menu", "slider", "slider"]
    assert data["controls"][1]["readouts"] == {"0": ["0.01", "0.1"], "1": ["0.001", "0.002"]}
    assert data["controls"][1]["dep"] == [0] and data["controls"][1]["default"] == 1
    background = data["layers"][0]
    assert background["when"] == [[0, 0]] and background["traces"][0]["x"] == [0, 1, None, 2]
    assert data["layers"][2]["traces"][0]["x"] == {"start": 0, "step": 1, "n": 3}       # evenly spaced: a range
    assert background["ranges"] == {"0": [[-1, 3], None]}
    assert len(data["layers"]) == 2 + 2 * 2 * 3 and "ranges" not in data["layers"][2]
    assert data["styles"][0] == {"color": "#0072B2", "dash": "solid"} and data["styles"][1]["dash"].endswith("px")
    assert data["panels"][1]["y"]["log"] is True


def test_script_end_tag_in_text_cannot_close_the_data_block() -> None:
    fig = InteractiveFigure("x", [Slider("a", [1, 2])], [Panel("p")], alt="a")
    for a in (1, 2):
        fig.add({"a": a}, [Trace("p", [0, 1], [a, a], name="</script><b>")])
    html = fig.to_html()
    assert html.count("</script>") == 1
    assert data_of(html)["layers"][0]["traces"][0]["name"] == "</script><b>"


def test_check_finds_a_setting_that_draws_nothing() -> None:
    fig = make()
    fig.layers = [layer for layer in fig.layers if layer[0] not in ({0: 1}, {0: 1, 1: 0, 2: 2})]
    with pytest.raises(ArgumentValueError, match="nothing is drawn at the control positions"):
        fig.to_html()


def test_draw_makes_a_matplotlib_still_of_the_default() -> None:
    figure = make().draw()
    axes = figure.axes
    assert len(axes) == 2 and axes[1].get_yscale() == "log"
    assert axes[0].get_xlim() == (-1.0, 3.0)
    line = axes[1].lines[0]
    assert list(line.get_ydata()) == [1.0, 0.1, 0.3333] and line.get_marker() == "o"
    grey = axes[0].lines[0]
    assert grey.get_linestyle() == "-" and grey.get_marker() in (None, "None")
    matplotlib.pyplot.close(figure)
    fig = InteractiveFigure("m", [Slider("a", [1, 2])], [Panel("p")], alt="a")
    fig.add({}, [Trace("p", [0, 1], [1, 2], name="dots", style=2, mode="markers")])
    figure = fig.draw()
    dots = figure.axes[0].lines[0]
    assert dots.get_linestyle() == "None" and dots.get_marker() == "o"
    matplotlib.pyplot.close(figure)


@pytest.mark.parametrize(
    ("build", "error", "names"),
    [
        (lambda: Menu("Bad Name", ["a"]), ArgumentValueError, "name"),
        (lambda: Menu("m", []), ArgumentValueError, "options"),
        (lambda: Menu("m", ["a", "a"]), ArgumentValueError, "options"),
        (lambda: Menu("m", ["a"], default="b"), ArgumentValueError, "default"),
        (lambda: Slider("s", [1.0]), ArgumentValueError, "values"),
        (lambda: Slider("s", [1.0, 2.0], default=3.0), ArgumentValueError, "s must be one of"),
        (lambda: Slider("s", {("a",): [1, 2]}), ArgumentTypeError, "values"),
        (lambda: Slider("s", {("a",): [1, 2], ("b",): [1]}, depends_on=["m"]), ArgumentValueError, "values"),
        (lambda: Slider("s", [1.0, np.nan]), ArgumentValueError, "values"),
        (lambda: Trace("p", [1, 2], [1]), ShapeError, "y"),
        (lambda: Trace("p", [1], [1], mode="bars"), ArgumentValueError, "mode"),
        (lambda: Trace("p", [1], [1], style=-1), ArgumentValueError, "style"),
        (lambda: InteractiveFigure("f", [], [Panel("p")], alt="a"), ArgumentTypeError, "controls"),
        (lambda: InteractiveFigure("f", [Menu("m", ["a"])], [Panel("p")], alt=" "), ArgumentValueError, "alt"),
        (lambda: InteractiveFigure("f", [Menu("m", ["a"]), Menu("m", ["b"])], [Panel("p")], alt="a"),
         ArgumentValueError, "controls"),
        (lambda: InteractiveFigure("f", [Slider("s", {("a",): [1, 2]}, depends_on=["m"])], [Panel("p")], alt="a"),
         ArgumentValueError, "depends_on"),
        (lambda: InteractiveFigure("f", [Menu("m", ["a", "b"]), Slider("s", {("a",): [1, 2]}, depends_on=["m"])],
                                   [Panel("p")], alt="a"), ArgumentValueError, "missing"),
        (lambda: make().add({"speed": 1}, []), ArgumentValueError, "settings key"),
        (lambda: make().add({"fn": "beale"}, []), ArgumentValueError, "fn"),
        (lambda: make().add({"lr": 0.1}, []), ArgumentValueError, "needs"),
        (lambda: make().add({"fn": "quadratic", "lr": 0.5}, []), ArgumentValueError, "lr must be one of"),
        (lambda: make().add({}, [Trace("nowhere", [1], [1])]), ArgumentValueError, "panel"),
        (lambda: make().add({}, ["not a trace"]), ArgumentTypeError, "traces"),
        (lambda: make().traces({"fn": "quadratic"}), ArgumentValueError, "missing"),
        (lambda: make().draw(axes=[None]), ArgumentValueError, "axes"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(build: object, error: type, names: str) -> None:
    with pytest.raises(error, match=re.escape(names)) as info:
        build()  # type: ignore[operator]
    assert isinstance(info.value, BpkitError)
