"""The catalogue's backend over ``Value`` nodes: softmax and the losses built from ``Value`` operations.

:data:`VALUE` evaluates a rule of :mod:`bpkit.catalogue` on ``Value`` nodes (one, or a NumPy object
array of them for a row), so that ``backward()`` differentiates the rule's formula by the chain
rule, independently of the rule's hand-written derivative. ``bpkit.autodiff_model`` builds a
model's loss with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.autodiff import Value, _lift

__all__ = ["VALUE", "ValueBackend"]


def _each(fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn applied to a Value, or to every entry of an object array of Values."""
    mapped = np.frompyfunc(fn, 1, 1)

    def apply(x: Any) -> Any:
        return mapped(x) if isinstance(x, np.ndarray) else fn(x)

    return apply


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _log_or_floor(x: Any, one_plus: bool = False) -> Value:
    """ln x (ln(1 + x)); at x <= 0 (x <= -1), a probability of exactly 0, a constant -inf that ``floor`` clamps."""
    x = _lift(x, "log")
    if one_plus:
        return x.log1p() if x.data > -1 else _lift(-math.inf, "log1p")
    return x.log() if x.data > 0 else _lift(-math.inf, "log")


def _logaddexp(x: Any, y: Any) -> Value:
    a, b = _lift(x, "logaddexp"), _lift(y, "logaddexp")
    big, small = (a, b) if a.data >= b.data else (b, a)
    return big + (small - big).exp().log1p()


class ValueBackend:
    """The catalogue backend over ``Value`` nodes (scalars, or NumPy object arrays of them).

    Each primitive is built from ``Value`` operations, so ``backward()`` differentiates a rule's
    formula by the chain rule, independently of the rule's hand-written derivative. ``shift`` is
    the row maximum of the data (a constant), ``floor`` replaces a node below the bound by a
    constant (no gradient, as a clamp has none).

    Examples
    --------
    >>> from bpkit.catalogue import ACTIVATIONS
    >>> z = np.array([Value(0.0), Value(1.0)], dtype=object)
    >>> s = ACTIVATIONS["softmax"].f(VALUE, z)
    >>> s[1].backward()
    >>> round(z[1].grad, 6)  # s_1 (1 - s_1)
    0.196612
    """

    name = "value"
    exp = staticmethod(_each(lambda v: _lift(v, "exp").exp()))
    log = staticmethod(_each(_log_or_floor))
    log1p = staticmethod(_each(lambda v: _log_or_floor(v, one_plus=True)))
    tanh = staticmethod(_each(lambda v: _lift(v, "tanh").tanh()))

    @staticmethod
    def logaddexp(x: Any, y: Any) -> Any:
        """ln(e^x + e^y), shifted by the larger operand."""
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            return np.frompyfunc(_logaddexp, 2, 1)(x, y)
        return _logaddexp(x, y)

    @staticmethod
    def where(cond: Any, x: Any, y: Any) -> Any:
        """x where cond else y, entry by entry."""
        if isinstance(cond, np.ndarray):
            return np.frompyfunc(lambda c, a, b: _lift(a if c else b, "where"), 3, 1)(cond, x, y)
        return _lift(x if cond else y, "where")

    @staticmethod
    def maximum(x: Any, y: Any) -> Any:
        """The larger operand (ties: y)."""
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            return np.frompyfunc(lambda a, b: _lift(a if _data(a) > _data(b) else b, "maximum"), 2, 1)(x, y)
        return _lift(x if _data(x) > _data(y) else y, "maximum")

    @staticmethod
    def positive(x: Any) -> Any:
        """The indicator [x > 0] of the data, as constant 1 or 0 nodes."""
        return _each(lambda v: _lift(1.0 if _data(v) > 0 else 0.0, "positive"))(x)

    @staticmethod
    def sum(x: Any) -> Any:
        """Sum over the last axis, kept."""
        return np.sum(x, axis=-1, keepdims=True)

    @staticmethod
    def shift(x: Any) -> Any:
        """The row maximum of the data, a constant."""
        return np.max(np.frompyfunc(_data, 1, 1)(x).astype(np.float64), axis=-1, keepdims=True)

    @staticmethod
    def floor(x: Any, low: float) -> Any:
        """x, or the constant low where x < low."""
        return _each(lambda v: v if _data(v) >= low else _lift(low, "floor"))(x)

    @staticmethod
    def const(c: float) -> float:
        """A parameter as a float."""
        return float(c)


#: The backend instance every route passes to the catalogue's rules to evaluate them on ``Value`` nodes.
VALUE = ValueBackend()
