"""Plots for the book: learning curves, decision boundaries, gradient norms, optimizer paths.

Every function draws on the Axes it is given (or on a new figure of a fixed size), returns the
Axes, and never changes matplotlib's global rcParams. Bad arguments raise a
:class:`bpkit.errors.BpkitError` naming them, before anything is drawn.

The figures follow the book's legibility rule (``bpkit.notebook``): a new figure is at most
5.2 inches wide, and the lines (or point sets) of one legend differ in dash pattern or marker,
not in colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.model import Sequential
from bpkit.notebook import COLOURS as _COLOURS
from bpkit.notebook import DASHES, MARKERS
from bpkit.train import History
from bpkit.validate import as_array, integer


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """The given Axes, or the Axes of a new figure of the given size."""
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


def _need_history(history: object, where: str) -> History:
    if not isinstance(history, History):
        raise ArgumentTypeError(f"{where}: history must be the History that fit returns, got {type(history).__name__}")
    if not history.loss:
        raise ArgumentValueError(f"{where}: history is empty (no epoch recorded): train with bpkit.train.fit first")
    return history


def plot_history(history: History, ax: Axes | None = None, metric: str | None = None) -> Axes:
    """Training (and validation) loss per epoch, or the named metric if `metric` is given.

    Training is a solid line, validation a dashed one, the best epoch a dotted vertical line.

    Parameters
    ----------
    history : History
        What ``fit`` returned (at least one epoch).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    metric : str, optional
        A metric ``history.metrics`` holds, e.g. 'accuracy'; None plots the loss.
    """
    history = _need_history(history, "plot_history")
    if metric is None:
        train, val, label = history.loss, history.val_loss, "loss"
    else:
        if metric not in history.metrics:
            raise ArgumentValueError(f"plot_history: metric must be one of {sorted(history.metrics)}, got {metric!r}")
        train, val, label = history.metrics[metric], history.val_metrics.get(metric, []), metric
    ax = _axes(ax, (5.0, 3.2))
    epochs = np.arange(1, len(train) + 1)
    ax.plot(epochs, train, label=f"training {label}", color=_COLOURS[0], linestyle=DASHES[0])
    if val:
        ax.plot(epochs, val, label=f"validation {label}", color=_COLOURS[1], linestyle=DASHES[1])
    if history.best_epoch is not None and val:
        ax.axvline(history.best_epoch, color="0.4", linestyle=DASHES[3], label=f"best epoch ({history.best_epoch})")
    ax.set_xlabel("epoch")
    ax.set_ylabel(label)
    ax.set_title(f"{label.capitalize()} per epoch")
    ax.legend()
    return ax


def plot_decision_boundary(
    model: Sequential, X: ArrayLike, y: ArrayLike, ax: Axes | None = None, resolution: int = 200
) -> Axes:
    """Filled contours of the model's predicted class over the plane, with the points on top (2-D inputs).

    Each class's points have their own marker (circle, square, triangle, ...) and a legend entry.

    Parameters
    ----------
    model : Sequential
        A classifier of 2-D inputs (one output column thresholded at 0.5, or C columns by argmax).
    X : array_like
        Points (N, 2), finite, N >= 1.
    y : array_like
        Their class labels (N,), integers >= 0.
    ax : matplotlib Axes, optional
    resolution : int
        Grid points per axis (>= 2).
    """
    where = "plot_decision_boundary"
    X = as_array(X, "X", where, ndim=2)
    if X.shape[1] != 2:
        raise ShapeError(f"{where}: X must have shape (N, 2), got {X.shape}")
    y = as_array(y, "y", where, allow_empty=True).reshape(-1)
    if y.shape != (X.shape[0],):
        raise ShapeError(f"{where}: y must hold one label per row of X ({X.shape[0]},), got {y.shape}")
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ArgumentValueError(f"{where}: y must hold class labels 0, 1, 2, ..., got values in [{y.min():g}, {y.max():g}]")
    resolution = integer(resolution, "resolution", where, low=2)
    ax = _axes(ax, (4.6, 4.0))
    pad = 0.5
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    gx, gy = np.meshgrid(xs, ys)
    out = model.predict(np.column_stack([gx.ravel(), gy.ravel()]))
    classes = out.argmax(axis=1) if out.shape[1] > 1 else (out[:, 0] > 0.5).astype(int)
    n_classes = max(int(y.max()) + 1, int(classes.max()) + 1, 2)
    cmap = plt.get_cmap("coolwarm" if n_classes == 2 else "viridis", n_classes)
    ax.contourf(gx, gy, classes.reshape(gx.shape), levels=np.arange(n_classes + 1) - 0.5, cmap=cmap, alpha=0.3)
    for k in np.unique(y).astype(int):  # one marker per class: told apart without colour
        mask = y == k
        ax.scatter(X[mask, 0], X[mask, 1], color=cmap(k), marker=MARKERS[k % len(MARKERS)], edgecolors="k",
                   linewidths=0.6, s=28, label=f"class {k}")
    ax.legend(loc="best", handletextpad=0.2, borderaxespad=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("Decision regions")
    return ax


def plot_grad_norms(history: History, ax: Axes | None = None) -> Axes:
    """Mean ||dJ/dW_l||_F per epoch for every layer l, on a log scale.

    Layer l's line has the l-th dash pattern of the book's style (and, past seven layers, a marker).

    Parameters
    ----------
    history : History
        What ``fit(..., grad_norms=True)`` returned.
    ax : matplotlib Axes, optional
    """
    if not isinstance(history, History):
        raise ArgumentTypeError(f"plot_grad_norms: history must be the History that fit returns, "
                                f"got {type(history).__name__}")
    if not history.grad_norms:
        raise ArgumentValueError("plot_grad_norms: history has no gradient norms: train with "
                                 "bpkit.train.fit(..., grad_norms=True) first")
    ax = _axes(ax, (5.0, 3.2))
    keys = list(history.grad_norms[0])
    epochs = np.arange(1, len(history.grad_norms) + 1)
    colors = plt.get_cmap("viridis")(np.linspace(0, 0.9, len(keys)))
    for i, (key, color) in enumerate(zip(keys, colors, strict=True)):
        # dash pattern and marker change with the layer, so that no two lines differ in colour only
        ax.plot(epochs, [row[key] for row in history.grad_norms], label=key, color=color,
                linestyle=DASHES[i % len(DASHES)], marker=MARKERS[(i // len(DASHES)) % len(MARKERS)],
                markersize=4, markevery=max(1, len(epochs) // 8))
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"mean $\|\partial J / \partial W_l\|_F$")
    ax.set_title("Gradient norm per layer")
    ax.legend(ncol=2 if len(keys) > 5 else 1)
    return ax


def plot_optimizer_paths(
    function: Any, paths: Mapping[str, ArrayLike], ax: Axes | None = None, resolution: int = 300
) -> Axes:
    """Contours of a 2-D test function (bpkit.functions) with each optimizer's iterates (T, 2) drawn on top.

    The k-th path has the k-th colour, dash pattern and marker of the book's style (markers on
    about every twelfth iterate), so paths are told apart without colour.

    Parameters
    ----------
    function : TestFunction
        One of bpkit.functions (quadratic, rosenbrock, beale, saddle).
    paths : mapping of str to array_like
        Optimizer name -> its iterates (T, 2) (non-finite points leave gaps).
    ax : matplotlib Axes, optional
    resolution : int
        Grid points per axis for the contours (>= 2).
    """
    where = "plot_optimizer_paths"
    if not all(hasattr(function, a) for a in ("xlim", "ylim", "value_grid", "name")):
        raise ArgumentTypeError(f"{where}: function must be a bpkit.functions test function, got {function!r}")
    if not isinstance(paths, Mapping):
        raise ArgumentTypeError(f"{where}: paths must map optimizer names to (T, 2) arrays, got {type(paths).__name__}")
    checked = {name: as_array(path, f"paths[{name!r}]", where, ndim=2, finite=False) for name, path in paths.items()}
    for name, pts in checked.items():
        if pts.shape[1] != 2:
            raise ShapeError(f"{where}: paths[{name!r}] must have shape (T, 2), got {pts.shape}")
    resolution = integer(resolution, "resolution", where, low=2)
    ax = _axes(ax, (5.0, 4.2))
    (x0, x1), (y0, y1) = function.xlim, function.ylim
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    values = function.value_grid(gx, gy)
    levels = getattr(function, "levels", None)
    ax.contour(gx, gy, values, levels=levels if levels is not None else 30, cmap="Greys", linewidths=0.6)
    for i, (name, pts) in enumerate(checked.items()):
        # colour, dash pattern and marker all change with the optimizer
        ax.plot(pts[:, 0], pts[:, 1], color=_COLOURS[i % len(_COLOURS)], linestyle=DASHES[i % len(DASHES)],
                marker=MARKERS[(i + i // len(DASHES)) % len(MARKERS)], markersize=3.5, markevery=max(1, len(pts) // 12), lw=1.3,
                label=name)
    start = getattr(function, "start", None)
    if start is not None:
        ax.plot(*start, "ko", label="start")
    minimum = getattr(function, "minimum", None)
    if minimum is not None:
        ax.plot(*minimum, "*", color="#D55E00", markeredgecolor="k", markersize=12, label="minimum")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(f"Optimizer paths on {function.name}")
    ax.legend()
    return ax


def draw_graph(value: Any, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw a bpkit.autodiff.Value graph with each node's data and grad (see bpkit.graph_plot.draw_graph).

    Parameters
    ----------
    value : Value
        The graph's root.
    ax : matplotlib Axes, optional
    **kwargs
        show_grad, title: as for bpkit.graph_plot.draw_graph.
    """
    from bpkit.graph_plot import draw_graph as _draw

    return _draw(value, ax=ax, **kwargs)
