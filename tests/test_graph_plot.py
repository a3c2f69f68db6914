"""Tests of bpkit.graph_plot.draw_graph."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from bpkit.autodiff import Value, topological_order
from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.graph_plot import draw_graph, draw_graphs, graph_size
from bpkit.plot import draw_graph as draw_graph_reexported


def _graph() -> Value:
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(1.0, "b")
    z = x * w + b
    z.label = "z"
    out = z.tanh() * x
    out.label = "out"
    out.backward()
    return out


def test_one_box_per_node_with_data_and_grad() -> None:
    before = dict(matplotlib.rcParams)
    root = _graph()
    ax = draw_graph(root)
    texts = [t.get_text() for t in ax.texts if t.get_text()]  # annotations (arrows) have no text
    nodes = topological_order(root)
    boxes = [t for t in texts if "data" in t]
    assert len(boxes) == len(nodes)
    for node in nodes:
        assert any(f"data {node.data:.4g}" in t and f"grad {node.grad:.4g}" in t for t in boxes)
    ops = [t for t in texts if "data" not in t]
    assert sorted(ops) == sorted(n.op for n in nodes if n.parents)
    assert dict(matplotlib.rcParams) == before
    plt.close("all")


def test_given_axes_thirty_nodes_and_reexport() -> None:
    v = Value(0.1, "x0")
    for _ in range(14):
        v = (v * 1.1).tanh()
    _, ax = plt.subplots(figsize=(8, 3))
    assert draw_graph(v, ax=ax, show_grad=False) is ax
    assert all("grad" not in t.get_text() for t in ax.texts)
    assert draw_graph_reexported(_graph()) is not None
    plt.close("all")


def _neuron() -> Value:
    x1, x2 = Value(1.0, "x1"), Value(-2.0, "x2")
    w1, w2, b = Value(0.5, "w1"), Value(-0.3, "w2"), Value(0.1, "b")
    J = 0.5 * ((w1 * x1 + w2 * x2 + b).sigmoid() - 1.0) ** 2
    J.backward()
    return J


def _overlapping_boxes(ax) -> int:
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts if t.get_bbox_patch() is not None]
    return sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_default_layout_grows_down_and_fits_a_phone_column() -> None:
    from bpkit.notebook import book_png, book_style, figure_report

    with matplotlib.rc_context(book_style()):
        root = _neuron()
        ax = draw_graph(root)
        width, height = graph_size(root)
        assert tuple(ax.figure.get_size_inches().round(2)) == (width, height)
        assert width <= 5.25 < height  # four leaves side by side at most; deep, so tall
        ax.figure.canvas.draw()
        assert _overlapping_boxes(ax) == 0
        ys = {t.get_text().split("\n")[0]: t.get_position()[1] for t in ax.texts if "x1" in t.get_text() or "grad 1" in t.get_text()}
        assert ys["x1"] > max(y for k, y in ys.items() if k != "x1")  # leaves on top, the root at the bottom
        assert ax.get_title() == "Computational graph (forward: top to bottom)"
        assert figure_report(ax.figure)["min_font_pt"] == 10.0
        assert book_png(ax.figure)[1]["width"] <= 525
        right = draw_graph(root, direction="right")
        right.figure.canvas.draw()
        assert _overlapping_boxes(right) == 0
        assert right.get_title() == "Computational graph (forward: left to right)"
    plt.close("all")


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ArgumentValueError, match="direction must be 'down' or 'right', got 'up'"):
        draw_graph(_graph(), direction="up")
    with pytest.raises(ArgumentTypeError, match="graph_size: root must be a Value"):
        graph_size(3.0)


def test_draw_graphs_places_each_graph_at_its_size_without_overlaps() -> None:
    small = Value(1.0, "a") * Value(2.0, "b")
    small.backward()
    fig = draw_graphs([small, _neuron(), small], ["one", "two", "three"], ncols=2)
    assert [ax.get_title() for ax in fig.axes] == ["one", "two", "three"]
    fig.canvas.draw()
    for ax in fig.axes:
        assert _overlapping_boxes(ax) == 0
    widths = [ax.get_position().width * fig.get_figwidth() for ax in fig.axes]
    assert widths[1] > widths[0]  # the neuron's graph is wider than a product's
    assert abs(fig.get_figwidth() - widths[0] - widths[1]) < 0.01  # two columns side by side
    with pytest.raises(ArgumentValueError, match="one title per root"):
        draw_graphs([small], ["a", "b"])
    with pytest.raises(ArgumentTypeError, match="non-empty list of Values"):
        draw_graphs([], [])
    with pytest.raises(ArgumentValueError, match="ncols must be an integer >= 1"):
        draw_graphs([small], ["a"], ncols=0)
    plt.close("all")
