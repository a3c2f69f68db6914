"""Four routes to one gradient: manual backprop, automatic (Value graphs), symbolic (SymPy), numeric.

compare_routes runs all four on the same model, loss and batch, and tabulates per parameter the
largest absolute difference between the manual route and each of the other three. Re-exported as
bpkit.gradcheck.compare_routes. The symbolic and automatic routes are imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.gradcheck import format_error, numerical_gradient
from bpkit.layers import Dropout
from bpkit.losses import Loss
from bpkit.model import Sequential

Array = NDArray[np.float64]
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
        """max over parameters of max |manual - route|; ValueError if the route was not run."""
        values = [getattr(r, route) for r in self.rows] if route in ROUTES else [None]
        if any(v is None for v in values):
            raise ValueError(f"route {route!r} was not run; ran {sorted(self.gradients)}")
        return float(max(values))

    def agree(self, exact_tol: float = 1e-10, numeric_tol: float = 1e-7) -> bool:
        """True iff every exact route is within exact_tol of manual and numeric within numeric_tol."""
        return all(
            self.max_diff(r) <= (numeric_tol if r == "numeric" else exact_tol)
            for r in ROUTES if r in self.gradients
        )

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
        return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in [header, *cells])


def manual_gradients(model: Sequential, loss: Loss, X: ArrayLike, y: ArrayLike) -> dict[str, Array]:
    """Layer-wise backprop: Y_hat = model.forward(X), dY = loss.grad(Y_hat, y), model.backward(dY); copies."""
    model.zero_grad()
    model.backward(loss.grad(model.forward(X), y))
    return {k: v.copy() for k, v in model.gradients().items()}


def numeric_gradients(model: Sequential, loss: Loss, X: ArrayLike, y: ArrayLike,
                      eps: float = 1e-6) -> dict[str, Array]:
    """Central differences (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps) for every parameter entry."""
    def objective() -> float:
        return float(loss(model.forward(X), y))

    return {k: numerical_gradient(objective, p, eps) for k, p in model.parameters().items()}


def compare_routes(model: Sequential, loss: Loss, X: ArrayLike, y: ArrayLike,
                   routes: Sequence[str] = ROUTES, eps: float = 1e-6) -> RouteComparison:
    """Per parameter, max |dJ/dtheta_manual - dJ/dtheta_route| for route in symbolic, autodiff, numeric."""
    unknown = [r for r in routes if r not in ROUTES]
    if unknown:
        raise ValueError(f"unknown route(s) {unknown}; expected some of {ROUTES}")
    if any(isinstance(layer, Dropout) and layer.training and layer.p > 0 for layer in model.layers):
        raise ValueError("compare_routes needs a deterministic model: call model.eval() to switch dropout off")
    X = np.asarray(X, dtype=np.float64)
    grads = {"manual": manual_gradients(model, loss, X, y)}
    if "symbolic" in routes:
        from bpkit.symbolic import symbolic_gradients

        grads["symbolic"] = symbolic_gradients(model, loss, X, y)
    if "autodiff" in routes:
        from bpkit.autodiff import model_gradients

        grads["autodiff"] = {k: np.asarray(v, dtype=np.float64)
                             for k, v in model_gradients(model, loss, X, y).items()}
    if "numeric" in routes:
        grads["numeric"] = numeric_gradients(model, loss, X, y, eps)
    for route, g in grads.items():
        if list(g) != list(grads["manual"]):
            raise ValueError(f"route {route!r} returned keys {list(g)}, expected {list(grads['manual'])}")
    rows = []
    for name, g in grads["manual"].items():
        diffs = {r: float(np.max(np.abs(g - grads[r][name]), initial=0.0)) if r in grads else None
                 for r in ROUTES}
        rows.append(RouteRow(name, g.shape, diffs["symbolic"], diffs["autodiff"], diffs["numeric"]))
    return RouteComparison(rows, grads)
