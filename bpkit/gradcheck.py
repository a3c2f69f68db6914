"""Gradient checking with central finite differences (book/06_backprop_in_code.ipynb).

The numeric route: dJ/dtheta_i ~ (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps), whose error
is O(eps^2) from truncation plus O(u J / eps) from rounding (u ~ 1.1e-16 in float64); their sum is
smallest near eps = u^(1/3) ~ 5e-6, so the default is eps = 1e-5. ``check_model`` uses the
five-point central difference, whose O(h^4) truncation error lets h = 1e-3 reach ~1e-13 absolute
accuracy. Analytic and numeric values are compared by the relative error
|a - n| / max(|a|, |n|, tiny), which is 0 when both are 0.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.losses import Loss
from bpkit.model import Sequential
from bpkit.train import as_loss
from bpkit.validate import Array, as_array, generator, integer, is_real_number, real_number

#: A float64 backprop that is right typically agrees with central differences to ~1e-9 or better.
THRESHOLD = 1e-7


class KinkWarning(UserWarning):
    """A finite-difference step moved a pre-activation across a ReLU-like kink (z = 0)."""


_STENCILS = {
    2: ((1.0, 1.0), (-1.0, -1.0)),  # (f(x+h) - f(x-h)) / 2h
    4: ((2.0, -1.0 / 6.0), (1.0, 4.0 / 3.0), (-1.0, -4.0 / 3.0), (-2.0, 1.0 / 6.0)),  # /2h as well
}
_DEFAULT_EPS = {2: 1e-5, 4: 1e-3}


def _order(order: object, where: str) -> int:
    """2 or 4 (NumPy integers accepted), else a bpkit error naming order."""
    if isinstance(order, (bool, np.bool_)) or not isinstance(order, (int, np.integer)) or int(order) not in _STENCILS:
        raise ArgumentValueError(f"{where}: order must be 2 or 4 (the stencil's order of accuracy), got {order!r}")
    return int(order)


def _caller(f: object) -> Callable[[Array], object]:
    """Call f as f() when it takes no argument, else as f(x); a bpkit error if it is neither."""
    if not callable(f):
        raise ArgumentTypeError(f"numerical_gradient: f must be a function f() or f(x), got {type(f).__name__}")
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError):  # some built-ins have no signature: try f(x)
        return lambda x: f(x)
    try:
        signature.bind()
        return lambda x: f()
    except TypeError:
        pass
    try:
        signature.bind(None)
        return lambda x: f(x)
    except TypeError:
        raise ArgumentTypeError(
            f"numerical_gradient: f must take no argument (reading x) or one (x), got f{signature}"
        ) from None


def numerical_gradient(
    f: Callable[[], float] | Callable[[Array], float],
    x: Array,
    eps: float | None = None,
    indices: ArrayLike | None = None,
    order: int = 2,
) -> Array:
    """Central differences dJ/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), x perturbed in place.

    order=2 is the formula above (error O(eps^2), default eps 1e-5); order=4 is the five-point
    central difference (-f(x+2h) + 8 f(x+h) - 8 f(x-h) + f(x-2h)) / (12 h), error O(h^4), default
    h 1e-3. Each entry of x is shifted in place, f is evaluated, and the entry is put back, also
    when f raises or the run is interrupted.

    Parameters
    ----------
    f : callable
        The scalar function: either f() that reads the live array x (a closure, e.g. the loss of a
        model whose weight x is), or f(x) that receives it. It must return a real number.
    x : ndarray of float64
        The point; the very array f reads (perturbed in place, then restored exactly).
    eps : float, optional
        The step h > 0 (default 1e-5 for order 2, 1e-3 for order 4).
    indices : array_like of int, optional
        Flat indices of the entries to differentiate; the others stay 0. Default: all.
    order : {2, 4}
        Order of accuracy of the stencil.

    Returns
    -------
    ndarray, shape of x
        The estimated gradient.

    Examples
    --------
    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda v: v[0] ** 2 + 3 * v[1], x, order=4).round(8)
    array([2., 3.])
    >>> W = np.array([0.5])
    >>> numerical_gradient(lambda: float(np.tanh(W[0])), W).round(6)  # f() reads W itself
    array([0.786448])
    """
    call = _caller(f)
    order = _order(order, "numerical_gradient")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ArgumentTypeError(
            "numerical_gradient: x must be the float64 NumPy array that f reads (it is perturbed in place), "
            f"got {type(x).__name__ if not isinstance(x, np.ndarray) else f'an array of dtype {x.dtype}'}"
        )
    h = _DEFAULT_EPS[order] if eps is None else real_number(eps, "eps", "numerical_gradient", low=0.0, low_open=True)
    if not x.flags.writeable or not (x.flags.c_contiguous or x.size <= 1):
        raise ArgumentValueError("numerical_gradient: x must be a writable contiguous array (it is perturbed in place)")
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    if indices is None:
        chosen: Sequence[int] = range(x.size)
    else:
        raw = np.ravel(np.asarray(indices))
        if raw.size and (raw.dtype.kind not in "iu" or raw.min() < 0 or raw.max() >= x.size):
            raise ArgumentValueError(
                f"numerical_gradient: indices must be integers in [0, {x.size - 1}] (flat indices of x), got {indices!r}"
            )
        chosen = [int(i) for i in raw]
    for i in chosen:
        old = float(flat_x[i])
        total = 0.0
        try:
            for shift, weight in _STENCILS[order]:
                flat_x[i] = old + shift * h
                value = call(x)
                if not is_real_number(value) and not (isinstance(value, np.ndarray) and value.size == 1):
                    raise ArgumentTypeError(
                        f"numerical_gradient: f must return a real number, got {type(value).__name__}"
                        + (f" of shape {value.shape}" if isinstance(value, np.ndarray) else "")
                    )
                total += weight * float(value)  # type: ignore[arg-type]
        finally:
            flat_x[i] = old
        flat_g[i] = total / (2.0 * h)
    return grad


def relative_error(a: ArrayLike, n: ArrayLike, tiny: float = 1e-12) -> Array:
    """Elementwise |a - n| / max(|a|, |n|, tiny); 0 where both are 0.

    Parameters
    ----------
    a, n : array_like
        Two estimates of the same quantity (analytic and numeric), of equal shapes.
    tiny : float
        Floor (> 0) of the denominator, so that values that are 0 up to rounding are compared
        by their absolute difference.

    Examples
    --------
    >>> relative_error([1.0, 0.0], [1.1, 0.0]).round(4)
    array([0.0909, 0.    ])
    """
    a_arr = as_array(a, "a", "relative_error", allow_empty=True, finite=False)
    n_arr = as_array(n, "n", "relative_error", allow_empty=True, finite=False)
    if a_arr.shape != n_arr.shape:
        raise ShapeError(f"relative_error: a and n must have equal shapes, got {a_arr.shape} and {n_arr.shape}")
    tiny = real_number(tiny, "tiny", "relative_error", low=0.0, low_open=True)
    return np.abs(a_arr - n_arr) / np.maximum(np.maximum(np.abs(a_arr), np.abs(n_arr)), tiny)


def format_error(e: float, floors: Sequence[float] = (1e-15, 1e-12, 1e-9)) -> str:
    """e as "< 1e-k" for the smallest power-of-ten floor above it, else to 1 significant digit.

    Below such a floor an error is rounding noise, whose digits change from CPU to CPU; a bound is
    what a reader (and a notebook compared digit by digit) should see.

    Parameters
    ----------
    e : float
        A non-negative error.
    floors : sequence of float
        The bounds (> 0) to print instead of digits.

    Examples
    --------
    >>> format_error(3e-16), format_error(2e-8)
    ('< 1e-15', '2e-08')
    """
    value = real_number(e, "e", "format_error", low=0.0)
    if isinstance(floors, (str, bytes)) or not isinstance(floors, Sequence):
        raise ArgumentTypeError(f"format_error: floors must be a sequence of numbers, got {floors!r}")
    bounds = sorted(real_number(f, "floors", "format_error", low=0.0, low_open=True) for f in floors)
    for floor in bounds:
        if value < floor:
            return f"< 1e{round(np.log10(floor)):d}"
    return f"{value:.1g}"


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
            f"{r['name']:<10}{r['shape']!s:<12}{r['checked']:>8}  {r['max_rel_error']:>12.2e}  "
            f"{r['worst_index']!s:<11}  {'yes' if r['passed'] else 'NO'}"
            for r in self.rows
        ]
        return "\n".join([head, *body])


def _mismatch(a: Array | None, b: Array | None) -> bool:
    """True when two kink patterns differ (a step crossed a kink)."""
    if a is None or b is None:
        return a is not b
    return a.shape != b.shape or not np.array_equal(a, b)


def check_model(
    model: Sequential,
    loss: Loss | str,
    X: ArrayLike,
    y: ArrayLike,
    eps: float | None = None,
    max_entries: int | None = None,
    rng: np.random.Generator | None = None,
    threshold: float = THRESHOLD,
    order: int = 4,
    tiny: float = 1e-5,
) -> GradCheckReport:
    """Compare backprop's dJ/dtheta with central differences for every parameter, in eval mode.

    The model's gradients are zeroed, one backward pass gives the analytic gradient a, and every
    checked entry theta_i is shifted in place to get the numeric gradient n (restored afterwards,
    also on an error or an interrupt). An entry passes when |a - n| / max(|a|, |n|, tiny) <
    threshold; the floor `tiny` stops gradients that are 0 up to rounding (|g| < 1e-5) from being
    judged by their rounding noise (about u |J| / h ~ 1e-13): for them the test is
    |a - n| < threshold * tiny = 1e-12. A KinkWarning says when a step crossed a ReLU-like kink,
    where the numeric gradient is no derivative.

    Parameters
    ----------
    model : Sequential
        The model to check; its weights and layer modes are left as they were, and its gradients
        hold the analytic gradient for (X, y) afterwards.
    loss : Loss or str
        The loss J(model(X), y), as an object or by name ('mse', 'cross_entropy', ...).
    X : array_like, shape (N, n_in)
        A small batch of finite inputs.
    y : array_like
        Its targets, as the loss expects them.
    eps : float, optional
        The finite-difference step h > 0 (default 1e-3 for order 4, 1e-5 for order 2).
    max_entries : int, optional
        Check at most this many randomly chosen entries per parameter (needs rng).
    rng : numpy.random.Generator, optional
        Chooses the entries when max_entries is given.
    threshold : float
        Largest relative error (> 0) that passes.
    order : {4, 2}
        Order of the central-difference stencil (see numerical_gradient).
    tiny : float
        Floor (> 0) of the relative error's denominator.

    Returns
    -------
    GradCheckReport
        One row per parameter: its name, shape, entries checked, max relative error, worst
        index, whether it passed and whether a kink was crossed.

    Examples
    --------
    >>> from bpkit.losses import MSE
    >>> from bpkit.model import MLP
    >>> rng = np.random.default_rng(0)
    >>> report = check_model(MLP([3, 4, 2], activation="tanh", seed=0), MSE(), rng.normal(size=(5, 3)),
    ...                      rng.normal(size=(5, 2)))
    >>> report.passed, [row["name"] for row in report.rows]
    (True, ['W1', 'b1', 'W2', 'b2'])
    """
    where = "check_model"
    if not isinstance(model, Sequential):
        raise ArgumentTypeError(f"{where}: model must be a bpkit model (Sequential or MLP), got {type(model).__name__}")
    loss = as_loss(loss, where)
    X = as_array(X, "X", where, ndim=2)
    order = _order(order, where)
    step = _DEFAULT_EPS[order] if eps is None else real_number(eps, "eps", where, low=0.0, low_open=True)
    threshold = real_number(threshold, "threshold", where, low=0.0, low_open=True)
    tiny = real_number(tiny, "tiny", where, low=0.0, low_open=True)
    if max_entries is not None:
        max_entries = integer(max_entries, "max_entries", where)
        rng = generator(rng, where)
    layers = model._distinct()
    modes = [layer.training for layer in layers]
    model_mode = model.training
    model.eval()
    try:
        model.zero_grad()
        y_hat = model.forward(X)
        model.backward(loss.grad(y_hat, y))
        analytic = {k: g.copy() for k, g in model.gradients().items()}
        base = model.kink_pattern()
        crossed: set[str] = set()
        current = [""]

        def objective() -> float:
            value = loss(model.forward(X), y)
            if _mismatch(model.kink_pattern(), base):
                crossed.add(current[0])  # a perturbed point lies across a ReLU kink
            return value

        report = GradCheckReport(threshold=threshold)
        for name, param in model.parameters().items():
            if max_entries is None or max_entries >= param.size:
                idx = np.arange(param.size)
            else:
                assert rng is not None
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
        model.forward(X)  # leave the caches of the unperturbed point
        return report
    finally:
        for layer, mode in zip(layers, modes, strict=True):
            layer.train(mode)
        model.training = model_mode


__all__ = [
    "THRESHOLD",
    "GradCheckReport",
    "KinkWarning",
    "check_model",
    "format_error",
    "numerical_gradient",
    "relative_error",
]


def __getattr__(name: str) -> object:
    """Transitional: ``bpkit.gradcheck.compare_routes`` moved to bpkit.routes (import it from there).

    bpkit.gradcheck does not import bpkit.routes (routes builds on gradcheck); this hook only
    forwards the old name until the callers have moved, and will be removed.
    """
    if name == "compare_routes":
        from bpkit import routes

        return routes.compare_routes
    raise AttributeError(f"module 'bpkit.gradcheck' has no attribute {name!r}")
