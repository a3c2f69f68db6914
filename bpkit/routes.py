"""Four routes to one gradient: manual backprop, automatic (Value graphs), symbolic (SymPy), numeric.

compare_routes runs all four on the same model, loss and batch, and tabulates per parameter the
largest absolute difference between the manual route and each of the other three. SymPy is
imported only when the symbolic route is asked for, and refuses networks it would need minutes
for (see ``bpkit.symbolic.MAX_WORK``).

Examples
--------
>>> import numpy as np
>>> from bpkit.losses import SquaredError
>>> from bpkit.model import MLP
>>> result = compare_routes(MLP([2, 2, 1], activation="tanh", seed=0), SquaredError(),
...                         np.array([[1.0, -2.0]]), np.array([[1.0]]))
>>> result.agree()
True
>>> [row.name for row in result.rows]
['W1', 'b1', 'W2', 'b2']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from bpkit.autodiff_model import model_gradients
from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.finite_differences import format_error, numerical_gradient
from bpkit.layers import Dropout
from bpkit.losses import Loss
from bpkit.validate import Array, as_array, real_number

__all__ = ["ROUTES", "RouteComparison", "RouteRow", "compare_routes", "manual_gradients", "numeric_gradients"]

ROUTES = ("symbolic", "autodiff", "numeric")


class RouteRow(NamedTuple):
    """One parameter: max_ij |manual_ij - route_ij| for each route (None when that route was not run)."""

    name: str
    shape: tuple[int, ...]
    symbolic: float | None
    autodiff: float | None
    numeric: float | None


@dataclass
class RouteComparison:
    """Rows of per-parameter max absolute differences, plus every route's gradients by route name."""

    rows: list[RouteRow]
    gradients: dict[str, dict[str, Array]] = field(repr=False)

    def max_diff(self, route: str) -> float:
        """max over parameters of max |manual - route|.

        Parameters
        ----------
        route : str
            'symbolic', 'autodiff' or 'numeric', a route that was run.
        """
        if route not in ROUTES:
            raise ArgumentValueError(f"max_diff: route must be one of {', '.join(map(repr, ROUTES))}, got {route!r}")
        values = [getattr(r, route) for r in self.rows]
        if any(v is None for v in values):
            raise ArgumentValueError(f"max_diff: route {route!r} was not run; ran {sorted(self.gradients)}")
        return float(max(v for v in values if v is not None))

    def agree(self, exact_tol: float = 1e-10, numeric_tol: float = 1e-7) -> bool:
        """True iff every exact route is within exact_tol of manual and numeric within numeric_tol.

        Parameters
        ----------
        exact_tol : float
            The largest difference allowed for the symbolic and autodiff routes (>= 0).
        numeric_tol : float
            The largest difference allowed for central differences (>= 0).
        """
        tol = {"exact": real_number(exact_tol, "exact_tol", "agree", low=0),
               "numeric": real_number(numeric_tol, "numeric_tol", "agree", low=0)}
        return all(self.max_diff(r) <= tol["numeric" if r == "numeric" else "exact"]
                   for r in ROUTES if r in self.gradients)

    def _table(self, floors: Sequence[float] | None = None) -> tuple[list[str], list[list[str]]]:
        """Header and string cells shared by to_markdown and __str__ (floors: see format_error)."""
        def cell(v: float | None) -> str:
            if v is None:
                return "not run"
            return f"{v:.1e}" if floors is None else format_error(v, floors)

        header = ["parameter", "shape", *(f"manual vs {r}" for r in ROUTES)]
        cells = [[r.name, "x".join(map(str, r.shape)), *(cell(v) for v in (r.symbolic, r.autodiff, r.numeric))]
                 for r in self.rows]
        return header, cells

    def to_markdown(self, floors: Sequence[float] | None = None) -> str:
        """A Markdown table: one row per parameter, one column per route compared with manual backprop.

        With floors, differences are printed by format_error, as bounds once they are rounding noise.
        """
        header, cells = self._table(floors)
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(c) + " |" for c in cells]
        return "\n".join(lines)

    def __str__(self) -> str:
        """The same table as plain aligned text."""
        header, cells = self._table()
        widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
        return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in [header, *cells])


def _check_model(model: Any, where: str) -> None:
    layers = getattr(model, "layers", None)
    if not isinstance(layers, (list, tuple)) or not callable(getattr(model, "parameters", None)):
        raise ArgumentTypeError(f"{where}: model must be a bpkit Sequential model, got {type(model).__name__}")
    if any(isinstance(layer, Dropout) and layer.training and layer.p > 0 for layer in layers):
        raise ArgumentValueError(f"{where}: model must be deterministic: call model.eval() to switch dropout off")


def manual_gradients(model: Any, loss: Loss, X: ArrayLike, y: ArrayLike) -> dict[str, Array]:
    """Layer-wise backprop: Y_hat = model.forward(X), dY = loss.grad(Y_hat, y), model.backward(dY); copies.

    Parameters
    ----------
    model : Sequential
        Any bpkit model; its gradients are zeroed first and hold this batch's gradient afterwards.
    loss : Loss
    X, y : array_like
        A batch and its targets.
    """
    model.zero_grad()
    model.backward(loss.grad(model.forward(X), y))
    return {k: v.copy() for k, v in model.gradients().items()}


def numeric_gradients(model: Any, loss: Loss, X: ArrayLike, y: ArrayLike, eps: float = 1e-6) -> dict[str, Array]:
    """Central differences (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps) for every parameter entry.

    Parameters
    ----------
    model : Sequential
        Any deterministic bpkit model; each parameter is perturbed in place and restored.
    loss : Loss
    X, y : array_like
        A batch and its targets.
    eps : float
        The step (> 0).
    """
    eps = real_number(eps, "eps", "numeric_gradients", low=0, low_open=True)

    def objective() -> float:
        return float(loss(model.forward(X), y))

    return {k: numerical_gradient(objective, p, eps) for k, p in model.parameters().items()}


def compare_routes(model: Any, loss: Loss, X: ArrayLike, y: ArrayLike, routes: Sequence[str] = ROUTES,
                   eps: float = 1e-6, *, max_work: int | None = 300_000) -> RouteComparison:
    """Per parameter, max |dJ/dtheta_manual - dJ/dtheta_route| for route in symbolic, autodiff, numeric.

    Parameters
    ----------
    model : Sequential
        Dense, ActivationLayer and Dropout layers (for the symbolic and autodiff routes), in evaluation
        mode if it has dropout.
    loss : Loss
        Any bpkit loss.
    X : array_like
        Inputs (N, n_in), finite.
    y : array_like
        Targets, as the loss takes them.
    routes : sequence of str
        Which of 'symbolic', 'autodiff', 'numeric' to run beside manual backprop.
    eps : float
        The step of central differences (> 0).
    max_work : int or None
        The symbolic route's size limit, ``bpkit.symbolic.MAX_WORK`` by default (see there); None
        lifts it.

    Returns
    -------
    RouteComparison
    """
    if isinstance(routes, str) or not isinstance(routes, Sequence):
        raise ArgumentTypeError(f"compare_routes: routes must be a list or tuple of route names such as "
                                f"('numeric',), got {routes!r}")
    unknown = [r for r in routes if r not in ROUTES]
    if unknown:
        raise ArgumentValueError(f"compare_routes: routes must be some of {ROUTES}, got unknown {unknown}")
    _check_model(model, "compare_routes")
    if not isinstance(loss, Loss):
        raise ArgumentTypeError(f"compare_routes: loss must be a bpkit Loss such as MSE(), got {loss!r}")
    eps = real_number(eps, "eps", "compare_routes", low=0, low_open=True)
    X = as_array(X, "X", "compare_routes", ndim=2)
    grads = {"manual": manual_gradients(model, loss, X, y)}
    if "symbolic" in routes:
        from bpkit.symbolic import symbolic_gradients  # SymPy is slow to import: only when asked for

        grads["symbolic"] = symbolic_gradients(model, loss, X, y, max_work=max_work)
    if "autodiff" in routes:
        grads["autodiff"] = model_gradients(model, loss, X, y)
    if "numeric" in routes:
        grads["numeric"] = numeric_gradients(model, loss, X, y, eps)
    for route, found in grads.items():
        if list(found) != list(grads["manual"]):
            raise ArgumentValueError(f"compare_routes: route {route!r} returned keys {list(found)}, "
                                     f"expected {list(grads['manual'])}")
    rows = []
    for name, g in grads["manual"].items():
        diffs = {r: float(np.max(np.abs(g - grads[r][name]), initial=0.0)) if r in grads else None for r in ROUTES}
        rows.append(RouteRow(name, g.shape, diffs["symbolic"], diffs["autodiff"], diffs["numeric"]))
    return RouteComparison(rows, grads)
