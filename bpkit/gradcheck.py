"""Gradient checking with central finite differences (book/06_backprop_in_code.ipynb).

The numeric route: dJ/dtheta_i ~ (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps), whose error
is O(eps^2) from truncation plus O(u J / eps) from rounding (u ~ 1.1e-16 in float64); their sum is
smallest near eps = u^(1/3) ~ 5e-6, so the default is eps = 1e-5. ``check_model`` uses the
five-point central difference, whose O(h^4) truncation error lets h = 1e-3 reach ~1e-13 absolute
accuracy. Analytic and numeric values are compared by the relative error
|a - n| / max(|a|, |n|, tiny), which is 0 when both are 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.losses import Loss
from bpkit.model import Sequential

Array = NDArray[np.float64]

#: A float64 backprop that is right typically agrees with central differences to ~1e-9 or better.
THRESHOLD = 1e-7


class KinkWarning(UserWarning):
    """A finite-difference step moved a pre-activation across a ReLU-like kink (z = 0)."""


_STENCILS = {
    2: ((1.0, 1.0), (-1.0, -1.0)),  # (f(x+h) - f(x-h)) / 2h
    4: ((2.0, -1.0 / 6.0), (1.0, 4.0 / 3.0), (-1.0, -4.0 / 3.0), (-2.0, 1.0 / 6.0)),  # /2h as well
}
_DEFAULT_EPS = {2: 1e-5, 4: 1e-3}


def numerical_gradient(
    f: Callable[[], float], x: Array, eps: float | None = None, indices: Any = None, order: int = 2
) -> Array:
    """Central differences dJ/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), x perturbed in place and restored.

    order=2 is the formula above (error O(eps^2), default eps 1e-5); order=4 is the five-point
    central difference (-f(x+2h) + 8 f(x+h) - 8 f(x-h) + f(x-2h)) / (12 h), error O(h^4), default h 1e-3.
    """
    if order not in _STENCILS:
        raise ValueError(f"order must be 2 or 4, got {order!r}")
    eps = _DEFAULT_EPS[order] if eps is None else eps
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("numerical_gradient needs x as a live float64 NumPy array that f reads")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps}")
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError("x must be contiguous so that it can be perturbed in place")
    chosen = range(x.size) if indices is None else [int(i) for i in np.ravel(indices)]
    for i in chosen:
        old = flat_x[i]
        total = 0.0
        for shift, weight in _STENCILS[order]:
            flat_x[i] = old + shift * eps
            total += weight * float(f())
        flat_x[i] = old
        flat_g[i] = total / (2.0 * eps)
    return grad


def relative_error(a: ArrayLike, n: ArrayLike, tiny: float = 1e-12) -> Array:
    """Elementwise |a - n| / max(|a|, |n|, tiny); 0 where both are 0."""
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"relative_error: shapes {a.shape} and {n.shape} differ")
    return np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)


def format_error(e: float, floors: Sequence[float] = (1e-15, 1e-12, 1e-9)) -> str:
    """e as "< 1e-k" for the smallest power-of-ten floor above it, else to 1 significant digit.

    Below such a floor an error is rounding noise, whose digits change from CPU to CPU; a bound is
    what a reader (and a notebook compared digit by digit) should see.
    """
    for floor in sorted(floors):
        if e < floor:
            return f"< 1e{round(np.log10(floor)):d}"
    return f"{e:.1g}"


@dataclass
class GradCheckReport:
    """Per-parameter comparison of analytic and numeric gradients."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    threshold: float = THRESHOLD

    @property
    def passed(self) -> bool:
        """True when every parameter's max relative error is below the threshold."""
        return all(row["passed"] for row in self.rows)

    @property
    def max_error(self) -> float:
        """The largest relative error over all checked entries."""
        return max((row["max_rel_error"] for row in self.rows), default=0.0)

    def to_markdown(self, floors: Sequence[float] | None = None) -> str:
        """The report as a Markdown table.

        With floors, errors are printed by format_error and the worst index (which rounding noise
        decides when every error is below a floor) is left out.
        """
        header = ["parameter", "shape", "checked", "max relative error", "worst index", "passed", "kink crossed"]
        if floors is not None:
            header.remove("worst index")
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for r in self.rows:
            error = f"{r['max_rel_error']:.2e}" if floors is None else format_error(r["max_rel_error"], floors)
            cells = [r["name"], str(r["shape"]), str(r["checked"]), error,
                     *([] if floors is not None else [str(r["worst_index"])]),
                     "yes" if r["passed"] else "no", "yes" if r["kink"] else "no"]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def __str__(self) -> str:
        head = f"{'parameter':<10}{'shape':<12}{'checked':>8}  {'max rel err':>12}  worst index  passed"
        body = [
            f"{r['name']:<10}{str(r['shape']):<12}{r['checked']:>8}  {r['max_rel_error']:>12.2e}  "
            f"{str(r['worst_index']):<11}  {'yes' if r['passed'] else 'NO'}"
            for r in self.rows
        ]
        return "\n".join([head, *body])


def _kink_patterns(model: Sequential) -> list[Array]:
    """Which side of its kink (z > 0) every non-smooth unit is on, after the last forward pass."""
    return [
        layer.z > 0
        for layer in model.layers
        if getattr(layer, "activation", None) is not None
        and not layer.activation.smooth
        and getattr(layer, "z", None) is not None
    ]


def check_model(
    model: Sequential,
    loss: Loss,
    X: ArrayLike,
    y: ArrayLike,
    eps: float | None = None,
    max_entries: int | None = None,
    rng: np.random.Generator | None = None,
    threshold: float = THRESHOLD,
    order: int = 4,
    tiny: float = 1e-5,
) -> GradCheckReport:
    """Compare backprop's dJ/dtheta with central differences (five-point by default) for every parameter, in eval mode.

    An entry passes when |a - n| / max(|a|, |n|, tiny) < threshold; the floor `tiny` stops
    gradients that are 0 up to rounding (|g| < 1e-5) from being judged by their rounding noise
    (about u |J| / h ~ 1e-13): for them the test is |a - n| < threshold * tiny = 1e-12.
    """
    X = np.asarray(X, dtype=np.float64)
    if max_entries is not None and not isinstance(rng, np.random.Generator):
        raise TypeError("check_model with max_entries needs rng=np.random.default_rng(seed)")
    modes = [layer.training for layer in model.layers]
    model.eval()
    try:
        step = _DEFAULT_EPS[order] if eps is None else eps
        model.zero_grad()
        y_hat = model.forward(X)
        model.backward(loss.grad(y_hat, y))
        analytic = {k: g.copy() for k, g in model.gradients().items()}
        base = _kink_patterns(model)
        crossed: set[str] = set()
        current = [""]

        def objective() -> float:
            value = loss(model.forward(X), y)
            if any(not np.array_equal(p, q) for p, q in zip(_kink_patterns(model), base)):
                crossed.add(current[0])  # a perturbed point lies across a ReLU kink
            return value

        report = GradCheckReport(threshold=threshold)
        for name, param in model.parameters().items():
            if max_entries is None or max_entries >= param.size:
                idx = np.arange(param.size)
            else:
                idx = np.sort(rng.choice(param.size, size=max_entries, replace=False))
            current[0] = name
            numeric = numerical_gradient(objective, param, step, indices=idx, order=order)
            err = relative_error(analytic[name].reshape(-1)[idx], numeric.reshape(-1)[idx], tiny)
            worst = int(idx[int(np.argmax(err))])
            report.rows.append(
                {
                    "name": name,
                    "shape": param.shape,
                    "checked": int(idx.size),
                    "max_rel_error": float(err.max()),
                    "worst_index": tuple(int(i) for i in np.unravel_index(worst, param.shape)),
                    "passed": bool(err.max() < threshold),
                    "kink": name in crossed,
                }
            )
        if crossed:
            warnings.warn(
                f"the finite-difference stencil crossed a ReLU-like kink while checking "
                f"{', '.join(sorted(crossed))}: the numeric gradient is not a derivative there, so "
                "disagreement with backprop does not show a bug (try other inputs or a smaller eps)",
                KinkWarning,
                stacklevel=2,
            )
        model.forward(X)
        return report
    finally:
        for layer, mode in zip(model.layers, modes):
            layer.training = mode


def compare_routes(model: Sequential, loss: Loss, X: ArrayLike, y: ArrayLike) -> Any:
    """Max |difference| per parameter between manual backprop, autodiff, SymPy and central differences."""
    from bpkit.routes import compare_routes as _compare

    return _compare(model, loss, X, y)


__all__ = [
    "THRESHOLD",
    "GradCheckReport",
    "KinkWarning",
    "check_model",
    "compare_routes",
    "format_error",
    "numerical_gradient",
    "relative_error",
]
