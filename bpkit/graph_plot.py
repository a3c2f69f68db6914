"""Drawing a ``Value`` graph with matplotlib only (book/03_chain_rule_and_graphs.ipynb).

Values are boxes showing label, data and grad; each operation is a small circle between its inputs
and its result. Columns follow the longest path from the leaves, so the graph reads left to right
as the forward pass, and right to left as the backward pass.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from bpkit.autodiff import Value, topological_order
from bpkit.errors import ArgumentTypeError

STEP_X, STEP_Y = 2.9, 1.0  # distance between columns and between rows


_OP_NAMES = {"sigmoid": "σ", "leaky_relu": "lrelu"}  # short names keep the op circles small


def _fmt(x: float) -> str:
    """Four significant digits, without a trailing '.0' clutter."""
    return f"{x:.4g}"


def _layout(root: Value) -> tuple[list[Value], dict[int, tuple[float, float]]]:
    """Nodes in topological order and (x, y) positions: x = 2 * depth, y spread within a column."""
    order = topological_order(root)
    depth: dict[int, int] = {}
    for node in order:  # parents come first, so their depth is known
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    for node in reversed(order):  # leaves move right, next to their first use: shorter edges
        if not node.parents and node is not root:
            users = [depth[id(c)] for c in order if any(p is node for p in c.parents)]
            depth[id(node)] = min(users) - 1
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    pos: dict[int, tuple[float, float]] = {}
    for d, nodes in columns.items():
        for i, node in enumerate(nodes):
            pos[id(node)] = (STEP_X * d, STEP_Y * ((len(nodes) - 1) / 2.0 - i))
    return order, pos


def draw_graph(
    root: Value, ax: Axes | None = None, show_grad: bool = True, title: str | None = None
) -> Axes:
    """Draw the graph that computes `root`: boxes with label, data and grad; op circles; arrows forward.

    Parameters
    ----------
    root : Value
        The node whose graph is drawn.
    ax : matplotlib Axes, optional
        Where to draw; a new figure sized to the graph if None.
    show_grad : bool
        Show each node's grad under its data.
    title : str, optional
        The title (a default one if None).

    Examples
    --------
    >>> from bpkit.autodiff import Value
    >>> x = Value(2.0, "x")
    >>> ax = draw_graph(x * x + 1.0)
    >>> ax.get_title()
    'Computational graph (forward: left to right)'
    """
    if not isinstance(root, Value):
        raise ArgumentTypeError(f"draw_graph: root must be a Value, got {type(root).__name__}")
    order, pos = _layout(root)
    width = max(x for x, _ in pos.values()) + STEP_X
    height = max(abs(y) for _, y in pos.values()) * 2 + 2 * STEP_Y
    if ax is None:
        _, ax = plt.subplots(figsize=(min(1.0 + 0.95 * width, 16.0), min(0.8 + 0.95 * height, 12.0)))
    boxes: dict[int, Any] = {}
    for node in order:
        x, y = pos[id(node)]
        face = "#fde9c8" if node is root else ("#e3efff" if not node.parents else "#f4f4f4")
        lines = [node.label] if node.label else []
        lines.append(f"data {_fmt(node.data)}")
        if show_grad:
            lines.append(f"grad {_fmt(node.grad)}")
        boxes[id(node)] = ax.text(
            x, y, "\n".join(lines), ha="center", va="center", fontsize=8, zorder=3,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": face, "edgecolor": "#444444", "linewidth": 0.9},
        )
    arrow = {"arrowstyle": "->", "color": "#666666", "lw": 0.8, "shrinkA": 1, "shrinkB": 1}
    for node in order:
        if not node.parents:
            continue
        x, y = pos[id(node)]
        op = ax.text(x - 0.5 * STEP_X, y, _OP_NAMES.get(node.op, node.op), ha="center", va="center", fontsize=7, zorder=3,
                     bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": "#444444", "linewidth": 0.9})
        ax.annotate("", xy=(0.0, 0.5), xycoords=boxes[id(node)], xytext=(1.0, 0.5), textcoords=op,
                    arrowprops=arrow, zorder=2)
        for k, parent in enumerate(node.parents):
            repeat = sum(q is parent for q in node.parents[:k])  # fan-out into one op: bend the second edge
            ax.annotate("", xy=(0.0, 0.5), xycoords=op, xytext=(1.0, 0.5), textcoords=boxes[id(parent)],
                        arrowprops={**arrow, "connectionstyle": f"arc3,rad={0.4 * repeat}"}, zorder=2)
    ax.set_xlim(-0.6 * STEP_X, width - 0.4 * STEP_X)
    ax.set_ylim(-height / 2, height / 2)
    ax.axis("off")
    ax.set_title(title if title is not None else "Computational graph (forward: left to right)")
    return ax
