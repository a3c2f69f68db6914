"""Central finite differences: the numeric route to a gradient (introduced in book/06_backprop_in_code.ipynb).

dJ/dtheta_i ~ (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps), whose error is O(eps^2) from
truncation plus O(u J / eps) from rounding (u ~ 1.1e-16 in float64); their sum is smallest near
eps = u^(1/3) ~ 5e-6, so the default is eps = 1e-5. The five-point stencil (order=4) has an O(h^4)
truncation error, which lets h = 1e-3 reach ~1e-13 absolute accuracy. Analytic and numeric values
are compared by the relative error |a - n| / max(|a|, |n|, tiny), which is 0 when both are 0.
``bpkit.gradcheck.check_model`` applies all of this to every parameter of a model.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.validate import Array, as_array, is_real_number, real_number

__all__ = ["format_error", "numerical_gradient", "relative_error"]

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
