r"""Four routes to the gradient of a small recurrent network (book/14_recurrent.ipynb).

The network reads a sequence x_1..x_T (each of F features), keeps H hidden units and predicts O
numbers from its last state; the loss is the half squared error averaged over the batch:

.. math::
    h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}),\quad h_0 = 0,\quad
    \hat y = V h_T + c,\quad J = \frac1N \sum_n \tfrac12 \lVert \hat y_n - y_n \rVert^2 .

In bpkit it is ``Sequential([RNN(F, H, return_sequences=False), Dense(H, O)])`` with
``SquaredError()`` (:func:`rnn_model`). The four routes are manual backprop through time (the
layers' backward), automatic differentiation over ``Value`` nodes (:func:`value_gradients`), exact
differentiation of the loss written in SymPy symbols (:class:`SymbolicRNN`) and central finite
differences; :func:`compare_rnn_routes` tabulates how far each route is from the manual one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike

from bpkit.autodiff import Value
from bpkit.errors import ArgumentTypeError, ShapeError
from bpkit.layers import Dense
from bpkit.losses import SquaredError
from bpkit.model import Sequential
from bpkit.recurrent import RNN
from bpkit.routes import RouteComparison, RouteRow, manual_gradients, numeric_gradients
from bpkit.symbolic import symbol_matrix
from bpkit.validate import Array, as_array

__all__ = ["SymbolicRNN", "compare_rnn_routes", "rnn_model", "symbolic_rnn", "value_gradients"]

LOCAL = ("W_ih", "W_hh", "b_ih", "b_hh", "V", "c")


def rnn_model(W_ih: ArrayLike, W_hh: ArrayLike, V: ArrayLike, b_ih: ArrayLike | None = None,
              b_hh: ArrayLike | None = None, c: ArrayLike | None = None) -> Sequential:
    """The network above as ``Sequential([RNN(F, H, return_sequences=False), Dense(H, O)])``.

    Parameters
    ----------
    W_ih, W_hh : array_like
        Recurrent weights, shapes (H, F) and (H, H).
    V : array_like
        Read-out weights (O, H).
    b_ih, b_hh : array_like, optional
        Recurrent biases (H,); give both or neither.
    c : array_like, optional
        Read-out bias (O,).

    Examples
    --------
    >>> model = rnn_model([[0.5], [-1.0]], [[0.1, -0.3], [0.4, 0.2]], [[1.0, -2.0]])
    >>> model.forward(np.ones((1, 2, 1))).shape
    (1, 1)
    """
    W_ih = as_array(W_ih, "W_ih", "rnn_model", ndim=2)
    V = as_array(V, "V", "rnn_model", ndim=2)
    if (b_ih is None) != (b_hh is None):
        raise ArgumentTypeError("rnn_model: give both b_ih and b_hh, or neither")
    F, H = W_ih.shape[1], W_ih.shape[0]
    rnn = RNN(F, H, bias=b_ih is not None, return_sequences=False, W_ih=W_ih, W_hh=W_hh, b_ih=b_ih, b_hh=b_hh)
    return Sequential([rnn, Dense(H, V.shape[0], bias=c is not None, W=V, b=c)])


def _parts(model: Sequential) -> tuple[RNN, Dense, list[str]]:
    """The RNN and Dense layers of an rnn_model, and the model's parameter names in local order."""
    layers = getattr(model, "layers", [])
    if len(layers) != 2 or not isinstance(layers[0], RNN) or not isinstance(layers[1], Dense):
        raise ArgumentTypeError("expected a model built by rnn_model: Sequential([RNN(...), Dense(...)])")
    rnn, dense = layers
    if rnn.return_sequences or dense.activation.name != "identity":
        raise ArgumentTypeError("the RNN must return its last state and the Dense layer must be linear")
    return rnn, dense, list(model.parameters())


def _local_params(model: Sequential) -> dict[str, Array]:
    """The parameters under the local names W_ih, W_hh, (b_ih, b_hh), V, (c)."""
    rnn, dense, _ = _parts(model)
    out = dict(rnn.params())
    out["V"] = dense.W
    if dense.b is not None:
        out["c"] = dense.b
    return out


def _renamed(model: Sequential, grads: dict[str, Array]) -> dict[str, Array]:
    """Gradients keyed by local names, re-keyed by the model's parameter names (same order)."""
    _, _, names = _parts(model)
    return dict(zip(names, grads.values(), strict=True))


def _data(model: Sequential, X: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    """X (N, T, F) and y (N, O) as float arrays, or ShapeErrors naming them."""
    rnn, dense, _ = _parts(model)
    X = as_array(X, "X", "rnn routes", ndim=3)
    y = as_array(y, "y", "rnn routes", ndim=2)
    if X.shape[2] != rnn.input_size:
        raise ShapeError(f"rnn routes: X must have shape (N, T, {rnn.input_size}), got {X.shape}")
    if y.shape != (X.shape[0], dense.n_out):
        raise ShapeError(f"rnn routes: y must have shape {(X.shape[0], dense.n_out)}, got {y.shape}")
    return X, y


def value_gradients(model: Sequential, X: ArrayLike, y: ArrayLike) -> dict[str, Array]:
    """dJ/dtheta by reverse-mode autodiff: the forward pass rebuilt from scalar Value nodes, then J.backward().

    Examples
    --------
    >>> model = rnn_model([[0.5], [-1.0]], [[0.1, -0.3], [0.4, 0.2]], [[1.0, -2.0]])
    >>> g = value_gradients(model, [[[1.0], [-2.0]]], [[0.5]])
    >>> [k for k in g], g[list(g)[1]].shape
    (['W_ih1', 'W_hh1', 'W2'], (2, 2))
    """
    X, y = _data(model, X, y)
    P = {k: [[Value(float(v)) for v in row] for row in np.atleast_2d(p)] for k, p in _local_params(model).items()}
    N, T, F = X.shape
    H = len(P["W_hh"])
    terms = []
    for n in range(N):
        h: list[Value | float] = [0.0] * H
        for t in range(T):
            z = []
            for j in range(H):
                s = P["b_ih"][0][j] + P["b_hh"][0][j] if "b_ih" in P else Value(0.0)
                for k in range(F):
                    s = s + P["W_ih"][j][k] * float(X[n, t, k])
                for k in range(H):
                    s = s + P["W_hh"][j][k] * h[k]
                z.append(s)
            h = [zj.tanh() for zj in z]
        for o, row in enumerate(P["V"]):
            out = P["c"][0][o] if "c" in P else Value(0.0)
            for k in range(H):
                out = out + row[k] * h[k]
            terms.append(0.5 * (out - float(y[n, o])) ** 2)
    J = sum(terms[1:], terms[0]) * (1.0 / N)
    J.backward()
    local = {k: np.array([[v.grad for v in row] for row in rows]) for k, rows in P.items()}
    return _renamed(model, {k: g.ravel() if k in ("b_ih", "b_hh", "c") else g for k, g in local.items()})


@dataclass(eq=False)
class SymbolicRNN:
    """The loss J of the network above in SymPy symbols, for a batch of N sequences of T steps.

    ``X[t]`` is the (N, F) matrix of inputs at step t+1, ``H[t]`` the (N, H) matrix of states h_{t+1},
    ``params`` the parameter matrices by local name (biases as columns), ``J`` the loss.
    """

    X: list[sp.Matrix]
    Y: sp.Matrix
    H: list[sp.Matrix]
    params: dict[str, sp.Matrix]
    J: sp.Expr
    symbol_names: dict[sp.Symbol, str]
    _grads: dict[str, sp.Matrix] | None = field(default=None, repr=False)
    _func: Callable[..., list] | None = field(default=None, repr=False)

    @property
    def args(self) -> list[sp.Symbol]:
        """Argument order of evaluate's function: X step by step (row-major), Y, then each parameter."""
        return [*(s for M in self.X for s in M), *self.Y, *(s for M in self.params.values() for s in M)]

    def gradients(self) -> dict[str, sp.Matrix]:
        """dJ/dtheta for each parameter, a Matrix of the parameter's shape, by sympy.diff."""
        if self._grads is None:
            self._grads = {k: M.applyfunc(lambda w: sp.diff(self.J, w)) for k, M in self.params.items()}
        return self._grads

    def latex(self, expr: sp.Basic) -> str:
        """LaTeX of expr with the book's symbol names (x_{t,i}, W^{hh}_{jk}, ...)."""
        return str(sp.latex(expr, symbol_names=self.symbol_names))

    def substitutions(self, model: Sequential, X: ArrayLike, y: ArrayLike, exact: bool = True) -> dict:
        """{symbol: value} for the model's parameters and the data; exact=True turns floats into rationals."""
        X, y = _data(model, X, y)
        conv = (lambda v: sp.nsimplify(float(v), rational=True)) if exact else float
        values = [*(v for t in range(X.shape[1]) for v in X[:, t, :].ravel()), *y.ravel(),
                  *(v for p in _local_params(model).values() for v in p.ravel())]
        return {s: conv(v) for s, v in zip(self.args, values, strict=True)}

    def evaluate(self, model: Sequential, X: ArrayLike, y: ArrayLike) -> tuple[float, dict[str, Array]]:
        """(J, {model name: dJ/dtheta}) at the model's parameters, through lambdify (cse=True)."""
        if self._func is None:
            exprs = [self.J, *(e for M in self.gradients().values() for e in M)]
            self._func = sp.lambdify(self.args, exprs, modules="numpy", cse=True)
        out = [float(v) for v in self._func(*self.substitutions(model, X, y, exact=False).values())]
        grads, i = {}, 1
        for k, p in _local_params(model).items():
            grads[k] = np.array(out[i:i + p.size]).reshape(p.shape)
            i += p.size
        return out[0], _renamed(model, grads)


@lru_cache(maxsize=16)
def _build(N: int, T: int, F: int, H: int, n_out: int, bias: bool, readout_bias: bool) -> SymbolicRNN:
    names: dict[sp.Symbol, str] = {}
    X = [symbol_matrix(f"x{t + 1}", f"x^{{({t + 1})}}", N, F, names, index_rows=N > 1) for t in range(T)]
    Y = symbol_matrix("y", "y", N, n_out, names, index_rows=N > 1)
    P = {"W_ih": symbol_matrix("Wih", r"W^{\mathrm{ih}}", H, F, names),
         "W_hh": symbol_matrix("Whh", r"W^{\mathrm{hh}}", H, H, names)}
    if bias:
        P["b_ih"] = symbol_matrix("bih", r"b^{\mathrm{ih}}", H, 1, names, index_cols=False)
        P["b_hh"] = symbol_matrix("bhh", r"b^{\mathrm{hh}}", H, 1, names, index_cols=False)
    P["V"] = symbol_matrix("V", "V", n_out, H, names)
    if readout_bias:
        P["c"] = symbol_matrix("c", "c", n_out, 1, names, index_cols=False)
    h = sp.zeros(N, H)
    states = []
    for t in range(T):
        Z = X[t] * P["W_ih"].T + h * P["W_hh"].T
        if bias:
            Z += sp.ones(N, 1) * (P["b_ih"] + P["b_hh"]).T
        h = Z.applyfunc(sp.tanh)
        states.append(h)
    out = h * P["V"].T + (sp.ones(N, 1) * P["c"].T if readout_bias else sp.zeros(N, n_out))
    J = sp.Rational(1, 2 * N) * sum(((out - Y).applyfunc(lambda e: e**2)), sp.S.Zero)
    return SymbolicRNN(X, Y, states, P, J, names)


def symbolic_rnn(model: Sequential, N: int, T: int) -> SymbolicRNN:
    """The model's loss in symbols for N sequences of T steps (built once per shape; cached).

    Examples
    --------
    >>> model = rnn_model([[0.5], [-1.0]], [[0.1, -0.3], [0.4, 0.2]], [[1.0, -2.0]])
    >>> net = symbolic_rnn(model, N=1, T=2)
    >>> J, grads = net.evaluate(model, [[[1.0], [-2.0]]], [[0.5]])
    >>> round(J, 6), grads["W_hh1"].shape
    (4.659482, (2, 2))
    """
    rnn, dense, _ = _parts(model)
    return _build(int(N), int(T), rnn.input_size, rnn.hidden_size, dense.n_out, "b_ih" in rnn.params(),
                  dense.b is not None)


def compare_rnn_routes(model: Sequential, X: ArrayLike, y: ArrayLike, eps: float = 1e-6) -> RouteComparison:
    """Per parameter, max |manual - route| for the symbolic, Value and finite-difference routes.

    Examples
    --------
    >>> model = rnn_model([[0.5], [-1.0]], [[0.1, -0.3], [0.4, 0.2]], [[1.0, -2.0]])
    >>> compare_rnn_routes(model, [[[1.0], [-2.0]]], [[0.5]]).agree()
    True
    """
    X, y = _data(model, X, y)
    loss = SquaredError()
    grads = {"manual": manual_gradients(model, loss, X, y),
             "symbolic": symbolic_rnn(model, X.shape[0], X.shape[1]).evaluate(model, X, y)[1],
             "autodiff": value_gradients(model, X, y),
             "numeric": numeric_gradients(model, loss, X, y, eps)}
    rows = []
    for name, g in grads["manual"].items():
        d = {r: float(np.max(np.abs(g - grads[r][name]))) for r in ("symbolic", "autodiff", "numeric")}
        rows.append(RouteRow(name, g.shape, d["symbolic"], d["autodiff"], d["numeric"]))
    return RouteComparison(rows, grads)
