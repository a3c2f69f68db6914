"""The catalogue in SymPy: the backend that turns each rule of :mod:`bpkit.catalogue` into an expression.

:data:`SYMPY` evaluates a rule's formula on SymPy expressions (one expression, or a NumPy object
array of them for row rules such as softmax), exactly: ``shift`` is 0 and ``floor`` the identity,
because exact arithmetic needs neither. ``activation_expr``, ``softmax_expr`` and ``loss_expr``
are the catalogue's functions as expressions; ``bpkit.symbolic`` builds whole networks from them and
``bpkit.proofs`` proves identities about them. ``symbol_matrix`` makes the named symbols both use.

Building your own expression
----------------------------
Make the inputs and parameters with ``symbol_matrix``, write the forward pass with SymPy matrix
arithmetic, ``activation_expr`` and ``softmax_expr``, close it with ``loss_expr``, and
differentiate with ``sympy.diff``. A one-channel convolution of a 1-D input, kernel width 2:

>>> names = {}
>>> x = symbol_matrix("x", "x", 1, 3, names, index_rows=False)
>>> w = symbol_matrix("w", "w", 1, 2, names, index_rows=False)
>>> conv = sp.Matrix([[w[0] * x[i] + w[1] * x[i + 1] for i in range(2)]])
>>> a = conv.applyfunc(lambda e: activation_expr("tanh", e))
>>> J = loss_expr("squared_error", a, sp.zeros(1, 2))
>>> sp.diff(J, w[1]).subs({x[0]: 0, x[1]: 0, x[2]: 1}) == sp.tanh(w[1]) * (1 - sp.tanh(w[1]) ** 2)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

from bpkit.catalogue import ACTIVATIONS, LOSSES
from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.validate import integer, one_of

__all__ = [
    "ELEMENTWISE", "LOSS_KINDS", "SYMPY", "SympyBackend", "activation_derivative", "activation_expr", "loss_expr",
    "softmax_expr", "symbol_matrix",
]

ELEMENTWISE = tuple(name for name, rule in ACTIVATIONS.items() if rule.elementwise)
"""The elementwise activations, whose expression applies to one entry."""
LOSS_KINDS = tuple(LOSSES)
"""The losses by the names ``get_loss`` knows."""
_ALIASES = {"linear": "identity"}


def _each(fn: Callable[..., Any], nargs: int = 1) -> Callable[..., Any]:
    """fn on expressions, entry by entry on object arrays of them."""
    mapped = np.frompyfunc(fn, nargs, 1)

    def apply(*args: Any) -> Any:
        return mapped(*args) if any(isinstance(a, np.ndarray) for a in args) else fn(*args)

    return apply


class SympyBackend:
    """The catalogue backend over SymPy expressions: exact, so no shift and no clamp.

    Examples
    --------
    >>> z = sp.Symbol("z", real=True)
    >>> ACTIVATIONS["relu"].f(SYMPY, z)
    Piecewise((z, z > 0), (0, True))
    """

    name = "sympy"
    exp = staticmethod(_each(sp.exp))
    log = staticmethod(_each(sp.log))
    log1p = staticmethod(_each(lambda x: sp.log(1 + x)))
    tanh = staticmethod(_each(sp.tanh))
    logaddexp = staticmethod(_each(lambda x, y: sp.log(sp.exp(x) + sp.exp(y)), 2))
    where = staticmethod(_each(lambda c, x, y: sp.Piecewise((x, c), (y, True)), 3))
    maximum = staticmethod(_each(lambda x, y: sp.Piecewise((x, x > y), (y, True)), 2))
    positive = staticmethod(_each(lambda x: sp.Piecewise((1, x > 0), (0, True))))

    @staticmethod
    def sum(x: Any) -> Any:
        """Sum over the last axis of an object array, kept."""
        return np.array([[sp.Add(*row)] for row in x.reshape(-1, x.shape[-1])], dtype=object).reshape(
            (*x.shape[:-1], 1))

    @staticmethod
    def shift(x: Any) -> int:
        """0: exact arithmetic does not overflow."""
        return 0

    @staticmethod
    def floor(x: Any, low: float) -> Any:
        """x: the float routes' clamp is not part of the mathematics."""
        return x

    @staticmethod
    def const(c: float) -> sp.Expr:
        """A parameter as an exact rational, e.g. 0.01 -> 1/100."""
        return sp.nsimplify(c, rational=True)


SYMPY = SympyBackend()


def _elementwise_name(name: object, where: str) -> str:
    if isinstance(name, str) and name in _ALIASES:
        return _ALIASES[name]
    return one_of(name, "name", [*ELEMENTWISE, *_ALIASES], where)


def activation_expr(name: str, z: sp.Expr, negative_slope: float = 0.01) -> sp.Expr:
    """f(z) as a SymPy expression, from the activation's rule in :mod:`bpkit.catalogue`.

    Parameters
    ----------
    name : str
        An elementwise activation: 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'identity' (or
        'linear'), 'softplus'.
    z : sympy.Expr
        The argument.
    negative_slope : float
        alpha of the leaky ReLU (made an exact rational); ignored by the others.

    Returns
    -------
    sympy.Expr
        e.g. 1/(1 + e^{-z}), tanh z, Piecewise((z, z > 0), (0, True)).

    Examples
    --------
    >>> activation_expr("sigmoid", sp.Symbol("z"))
    1/(1 + exp(-z))
    """
    rule = ACTIVATIONS[_elementwise_name(name, "activation_expr")]
    params = {"negative_slope": negative_slope} if rule.params else {}
    return sp.sympify(rule.f(SYMPY, z, **params))


def activation_derivative(name: str, z: sp.Expr, negative_slope: float = 0.01) -> sp.Expr:
    """f'(z) = d f(u)/du at u = z, by differentiating ``activation_expr`` (ReLU': 1 for z > 0 else 0).

    Parameters
    ----------
    name, z, negative_slope
        As for ``activation_expr``.

    Examples
    --------
    >>> activation_derivative("tanh", sp.Symbol("z"))
    1 - tanh(z)**2
    """
    name = _elementwise_name(name, "activation_derivative")
    u = sp.Dummy("u", real=True)
    return sp.diff(activation_expr(name, u, negative_slope), u).subs(u, z)


def softmax_expr(z: sp.Matrix) -> sp.Matrix:
    """Softmax of a row or column of expressions, s_j = e^{z_j} / sum_k e^{z_k}; the shape of z.

    Examples
    --------
    >>> softmax_expr(sp.Matrix([[0, 0]]))
    Matrix([[1/2, 1/2]])
    """
    if not isinstance(z, sp.MatrixBase) or min(z.shape) != 1:
        raise ArgumentTypeError(f"softmax_expr: z must be a row or column Matrix, got {z!r}")
    flat = np.array(list(z), dtype=object)
    return sp.Matrix(z.shape[0], z.shape[1], list(ACTIVATIONS["softmax"].f(SYMPY, flat)))


def symbol_matrix(py: str, tex: str, rows: int, cols: int, names: dict[sp.Symbol, str],
                  index_rows: bool = True, index_cols: bool = True) -> sp.Matrix:
    """rows x cols Matrix of real Symbols ``py_r_c`` with LaTeX names ``tex_{rc}`` (1-based).

    Parameters
    ----------
    py : str
        The stem of the symbols' names (``W1`` makes ``W1_1_2``).
    tex : str
        The LaTeX stem (``W^{(1)}`` makes ``W^{(1)}_{12}``), recorded in names.
    rows, cols : int
        The shape (>= 0).
    names : dict
        Filled with symbol -> LaTeX name, for ``sympy.latex(..., symbol_names=names)``.
    index_rows, index_cols : bool
        Whether the row (column) index is part of the names; leave it out for a single row (column).

    Examples
    --------
    >>> names = {}
    >>> symbol_matrix("W1", "W^{(1)}", 1, 2, names)
    Matrix([[W1_1_1, W1_1_2]])
    >>> names[sp.Symbol("W1_1_2", real=True)]
    'W^{(1)}_{12}'
    """
    rows, cols = integer(rows, "rows", "symbol_matrix", low=0), integer(cols, "cols", "symbol_matrix", low=0)
    if not isinstance(names, dict):
        raise ArgumentTypeError(f"symbol_matrix: names must be a dict, got {type(names).__name__}")

    def make(r: int, c: int) -> sp.Symbol:
        idx = [i + 1 for i, keep in ((r, index_rows), (c, index_cols)) if keep]
        sym = sp.Symbol("_".join([py, *map(str, idx)]), real=True)
        sep = "," if py in ("x", "y") or any(i >= 10 for i in idx) else ""  # x_{n,i}: sample n, entry i
        names[sym] = f"{tex}_{{{sep.join(map(str, idx))}}}"
        return sym
    return sp.Matrix(rows, cols, make)


def loss_expr(kind: str, Yhat: sp.Matrix, Y: sp.Matrix) -> sp.Expr:
    """J(Yhat, Y) for N rows and C columns, from the loss's rule: the batch means bpkit.losses computes.

    Parameters
    ----------
    kind : str
        'squared_error', 'mse', 'bce', 'bce_logits' or 'cross_entropy' (whose Y holds target rows;
        convert labels to one-hot rows first). The float routes' clamp of BCE's log at -100 is not
        part of the expression.
    Yhat, Y : sympy.Matrix
        Predictions (probabilities for 'bce', logits for the logit losses) and targets, both (N, C).

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> p, t = sp.symbols("p t")
    >>> loss_expr("squared_error", sp.Matrix([[p]]), sp.Matrix([[t]]))
    (p - t)**2/2
    """
    kind = one_of(kind, "kind", LOSS_KINDS, "loss_expr")
    if not (isinstance(Yhat, sp.MatrixBase) and isinstance(Y, sp.MatrixBase)) or Yhat.shape != Y.shape:
        raise ArgumentValueError(f"loss_expr: Yhat and Y must be Matrices of one shape, got {Yhat!r} and {Y!r}")
    rule = LOSSES[kind]
    N, C = Yhat.shape
    P, T = np.array(Yhat.tolist(), dtype=object), np.array(Y.tolist(), dtype=object)
    terms = rule.term(SYMPY, P, T)
    return sp.Rational(1, N * C if rule.per == "element" else N) * sp.Add(*np.ravel(terms))
