"""Drawing a ``Value`` graph with matplotlib only (book/03_chain_rule_and_graphs.ipynb).

Values are boxes showing label, data and grad; each operation is a small circle between its inputs
and its result. Columns follow the longest path from the leaves, so the graph reads left to right
as the forward pass, and right to left as the backward pass.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyBboxPatch

from bpkit.autodiff import Value, topological_order


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
            pos[id(node)] = (2.0 * d, (len(nodes) - 1) / 2.0 - i)
    return order, pos


def draw_graph(
    root: Value, ax: Axes | None = None, show_grad: bool = True, title: str | None = None
) -> Axes:
    """Draw the graph that computes `root`: boxes with label, data and grad; op circles; arrows forward."""
    order, pos = _layout(root)
    width = max(x for x, _ in pos.values()) + 2.0
    height = max(abs(y) for _, y in pos.values()) * 2 + 1.5
    if ax is None:
        _, ax = plt.subplots(figsize=(min(2.2 + 1.25 * width, 16.0), min(1.2 + 1.1 * height, 12.0)))
    box_w, box_h = 1.05, 0.62
    for node in order:
        x, y = pos[id(node)]
        face = "#fde9c8" if node is root else ("#e3efff" if not node.parents else "#f4f4f4")
        ax.add_patch(
            FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h, boxstyle="round,pad=0.02",
                           facecolor=face, edgecolor="#444444", linewidth=1.0, zorder=2)
        )
        lines = [node.label] if node.label else []
        lines.append(f"data {_fmt(node.data)}")
        if show_grad:
            lines.append(f"grad {_fmt(node.grad)}")
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=8, zorder=3)
        if node.parents:
            ox, oy = x - 1.0, y
            ax.add_patch(Circle((ox, oy), 0.22, facecolor="white", edgecolor="#444444", zorder=2))
            ax.text(ox, oy, node.op, ha="center", va="center", fontsize=7, zorder=3)
            ax.annotate("", xy=(x - box_w / 2, y), xytext=(ox + 0.22, oy),
                        arrowprops={"arrowstyle": "->", "color": "#444444", "lw": 0.9}, zorder=1)
            for k, parent in enumerate(node.parents):
                px, py = pos[id(parent)]
                repeat = sum(q is parent for q in node.parents[:k])  # fan-out into one op: bend it
                ax.annotate("", xy=(ox - 0.2, oy), xytext=(px + box_w / 2, py),
                            arrowprops={"arrowstyle": "->", "color": "#777777", "lw": 0.8,
                                        "shrinkA": 0, "shrinkB": 2,
                                        "connectionstyle": f"arc3,rad={0.35 * repeat}"}, zorder=1)
    ax.set_xlim(-1.0, width - 0.6)
    ax.set_ylim(-height / 2, height / 2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title if title is not None else "Computational graph (forward: left to right)")
    return ax
