"""Drawing a ``Value`` graph with matplotlib only (book/03_chain_rule_and_graphs.ipynb).

Values are boxes showing label, data and grad; each operation is a small circle between its inputs
and its result. Levels follow the longest path from the leaves. By default the graph grows
downwards, so it reads top to bottom as the forward pass and bottom to top as the backward pass:
a deep graph becomes tall rather than wide and stays legible in a phone's narrow column.
``direction="right"`` draws the levels as columns instead (left to right).

Every text is 10 pt and the figure that ``draw_graph`` makes when given no Axes is sized so that
one data unit is one inch: the boxes never overlap, whatever the graph.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bpkit.autodiff import Value, topological_order
from bpkit.errors import ArgumentTypeError, ArgumentValueError

STEP_X, STEP_Y = 2.9, 1.0  # direction="right": distance between columns and between rows (inches)
GAP_ACROSS, STEP_DOWN = 0.12, 1.15  # direction="down": gap between boxes of a level, distance of levels (inches)
FONT_PT = 10.0  # every text of the drawing


_OP_NAMES = {"sigmoid": "σ", "leaky_relu": "lrelu"}  # short names keep the op circles small


def _fmt(x: float) -> str:
    """Four significant digits, without a trailing '.0' clutter."""
    return f"{x:.4g}"


def _box_text(node: Value, show_grad: bool = True) -> str:
    """What a node's box says: its label (if any), its data and (optionally) its grad."""
    lines = [node.label] if node.label else []
    lines.append(f"data {_fmt(node.data)}")
    if show_grad:
        lines.append(f"grad {_fmt(node.grad)}")
    return "\n".join(lines)


def _box_width(order: list[Value]) -> float:
    """The widest box of the graph in inches (text measured in the book's font, plus the padding)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, font = TextToPath(), FontProperties(size=FONT_PT)
    widest = max(
        measure.get_text_width_height_descent(line, font, ismath=False)[0]
        for node in order for line in _box_text(node).split("\n")
    )
    return (widest + 2 * 0.3 * FONT_PT + 2) / 72.0  # text, the box's padding (0.3 em a side), its edge


def _layout(root: Value, direction: str = "right") -> tuple[list[Value], dict[int, tuple[float, float]]]:
    """Nodes in topological order and (x, y) positions: levels by depth, nodes spread within a level.

    ``direction="right"``: x = STEP_X * depth; ``"down"``: y = -STEP_DOWN * depth.
    """
    order = topological_order(root)
    depth: dict[int, int] = {}
    for node in order:  # parents come first, so their depth is known
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    for node in reversed(order):  # every node moves next to its first use: shorter edges, narrower levels
        if node is not root:
            users = [depth[id(c)] for c in order if any(p is node for p in c.parents)]
            if users:
                depth[id(node)] = min(users) - 1
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    # From the root's level back to the leaves, order each level by where its nodes' users sit
    # (their mean place in the levels already ordered): fewer crossing edges.
    place: dict[int, float] = {}
    for d in sorted(columns, reverse=True):
        nodes = columns[d]
        def key(node: Value) -> float:
            spots = [place[id(c)] for c in order if id(c) in place and any(p is node for p in c.parents)]
            return sum(spots) / len(spots) if spots else 0.0
        nodes.sort(key=key)  # stable: ties keep the topological order
        for i, node in enumerate(nodes):
            place[id(node)] = i - (len(nodes) - 1) / 2.0
    across = _box_width(order) + GAP_ACROSS  # direction="down": distance of neighbours within a level
    pos: dict[int, tuple[float, float]] = {}
    for d, nodes in columns.items():
        for i, node in enumerate(nodes):
            offset = (len(nodes) - 1) / 2.0 - i
            if direction == "right":
                pos[id(node)] = (STEP_X * d, STEP_Y * offset)
            else:
                pos[id(node)] = (-across * offset, -STEP_DOWN * d)
    return order, pos


def graph_size(root: Value, direction: str = "down") -> tuple[float, float]:
    """The figure size (inches) at which ``draw_graph(root, direction=direction)`` fits without overlaps.

    Parameters
    ----------
    root : Value
        The node whose graph is drawn.
    direction : {"down", "right"}
        As for :func:`draw_graph`.

    Returns
    -------
    (float, float)
        Width and height in inches (one data unit of the drawing is one inch), title included.

    Examples
    --------
    >>> from bpkit.autodiff import Value
    >>> x = Value(2.0, "x")
    >>> graph_size(x * x)
    (0.66, 2.65)
    """
    _check(root, direction, "graph_size")
    order, pos = _layout(root, direction)
    width, height = _extent(pos, direction, _box_width(order))
    return round(width, 2), round(height + 0.4, 2)


def _extent(pos: dict[int, tuple[float, float]], direction: str, box: float) -> tuple[float, float]:
    """Width and height (data units = inches) of the drawing, boxes (``box`` inches wide) included."""
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    if direction == "right":
        return max(xs) - min(xs) + 1.5 * STEP_X, max(ys) - min(ys) + 2 * STEP_Y
    return max(xs) - min(xs) + box + 0.1, max(ys) - min(ys) + 1.1


def _check(root: object, direction: object, where: str) -> None:
    if not isinstance(root, Value):
        raise ArgumentTypeError(f"{where}: root must be a Value, got {type(root).__name__}")
    if direction not in ("down", "right"):
        raise ArgumentValueError(f"{where}: direction must be 'down' or 'right', got {direction!r}")


def draw_graph(
    root: Value, ax: Axes | None = None, show_grad: bool = True, title: str | None = None, direction: str = "down"
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
    direction : {"down", "right"}
        Which way the forward pass runs: top to bottom (default; tall and narrow) or left to right.
        A given ``ax`` should be about :func:`graph_size` inches, or boxes may overlap.

    Examples
    --------
    >>> from bpkit.autodiff import Value
    >>> x = Value(2.0, "x")
    >>> ax = draw_graph(x * x + 1.0)
    >>> ax.get_title()
    'Computational graph (forward: top to bottom)'
    """
    _check(root, direction, "draw_graph")
    order, pos = _layout(root, direction)
    if ax is None:
        size = graph_size(root, direction)
        _, ax = plt.subplots(figsize=size)
        ax.set_position((0.0, 0.0, 1.0, 1.0 - 0.4 / size[1]))  # the drawing fills the figure below the title
    boxes: dict[int, Any] = {}
    for node in order:
        x, y = pos[id(node)]
        face = "#fde9c8" if node is root else ("#e3efff" if not node.parents else "#f4f4f4")
        boxes[id(node)] = ax.text(
            x, y, _box_text(node, show_grad), ha="center", va="center", fontsize=FONT_PT, zorder=3,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": face, "edgecolor": "#444444", "linewidth": 0.9},
        )
    arrow = {"arrowstyle": "->", "color": "#555555", "lw": 0.9, "shrinkA": 1, "shrinkB": 1}
    # Where an arrow leaves a box and where it enters one, in the box's own (0..1) coordinates.
    out_at, in_at = ((1.0, 0.5), (0.0, 0.5)) if direction == "right" else ((0.5, 0.0), (0.5, 1.0))
    for node in order:
        if not node.parents:
            continue
        x, y = pos[id(node)]
        at = (x - 0.5 * STEP_X, y) if direction == "right" else (x, y + 0.5 * STEP_DOWN)
        op = ax.text(*at, _OP_NAMES.get(node.op, node.op), ha="center", va="center", fontsize=FONT_PT, zorder=3,
                     bbox={"boxstyle": "circle,pad=0.2", "facecolor": "white", "edgecolor": "#444444", "linewidth": 0.9})
        ax.annotate("", xy=in_at, xycoords=boxes[id(node)], xytext=out_at, textcoords=op,
                    arrowprops=arrow, zorder=2)
        for k, parent in enumerate(node.parents):
            repeat = sum(q is parent for q in node.parents[:k])  # fan-out into one op: bend the second edge
            ax.annotate("", xy=in_at, xycoords=op, xytext=out_at, textcoords=boxes[id(parent)],
                        arrowprops={**arrow, "connectionstyle": f"arc3,rad={0.4 * repeat}"}, zorder=2)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    box = _box_width(order)
    width, height = _extent(pos, direction, box)
    if direction == "right":
        ax.set_xlim(min(xs) - 0.6 * STEP_X, min(xs) - 0.6 * STEP_X + width)
        ax.set_ylim(-height / 2, height / 2)
    else:
        ax.set_xlim(min(xs) - box / 2 - 0.05, max(xs) + box / 2 + 0.05)
        ax.set_ylim(min(ys) - 0.55, max(ys) + 0.55)
    ax.axis("off")
    default = "left to right" if direction == "right" else "top to bottom"
    ax.set_title(title if title is not None else f"Computational graph (forward: {default})")
    return ax


def draw_graphs(roots: list[Value], titles: list[str], ncols: int = 2) -> Figure:
    """Several small graphs (grown downwards) in a grid, each at its own natural size.

    Parameters
    ----------
    roots : list of Value
        The graphs' roots, placed row by row.
    titles : list of str
        One title per graph.
    ncols : int
        Graphs per row (>= 1).

    Returns
    -------
    matplotlib Figure
        Its Axes are in the order of ``roots``; every row is as tall as its tallest graph and
        every column as wide as its widest one.

    Examples
    --------
    >>> from bpkit.autodiff import Value
    >>> fig = draw_graphs([Value(1.0, "a") + 2.0, Value(3.0, "b") * 4.0], ["add", "multiply"])
    >>> [ax.get_title() for ax in fig.axes]
    ['add', 'multiply']
    """
    if not isinstance(roots, list | tuple) or not roots or not all(isinstance(r, Value) for r in roots):
        raise ArgumentTypeError(f"draw_graphs: roots must be a non-empty list of Values, got {roots!r}")
    if not isinstance(titles, list | tuple) or len(titles) != len(roots):
        raise ArgumentValueError(f"draw_graphs: titles must hold one title per root ({len(roots)}), got {titles!r}")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ArgumentValueError(f"draw_graphs: ncols must be an integer >= 1, got {ncols!r}")
    sizes = [graph_size(r) for r in roots]
    rows = [sizes[i:i + ncols] for i in range(0, len(sizes), ncols)]
    widths = [max(row[c][0] for row in rows if c < len(row)) for c in range(min(ncols, len(sizes)))]
    heights = [max(h for _, h in row) for row in rows]
    fig = plt.figure(figsize=(sum(widths), sum(heights)))
    W, H = sum(widths), sum(heights)
    for k, (root, title) in enumerate(zip(roots, titles, strict=True)):
        r, c = divmod(k, ncols)
        w, h = sizes[k]
        left = sum(widths[:c]) + (widths[c] - w) / 2
        top = sum(heights[:r]) + 0.4  # below the title
        ax = fig.add_axes((left / W, 1 - (top + h - 0.4) / H, w / W, (h - 0.4) / H))
        draw_graph(root, ax=ax, title=title)
    return fig
