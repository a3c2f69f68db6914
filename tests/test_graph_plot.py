"""Tests of bpkit.graph_plot.draw_graph."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from bpkit.autodiff import Value, topological_order
from bpkit.graph_plot import draw_graph
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
