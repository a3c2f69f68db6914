"""SymPy route to the gradient: a small model's loss written in explicit symbols, differentiated exactly.

Every entry of every matrix is its own Symbol (x_i, y_j, W^{(l)}_{jk}, b^{(l)}_j), so the calculus is
ordinary scalar differentiation; no MatrixSymbol calculus is used. The identity proofs
(prove_identities, check_identity, verify_backprop_equations) live in bpkit.proofs and can be
imported from here too; the four-routes comparison lives in bpkit.routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from bpkit.layers import ActivationLayer, Dense
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, Loss, SquaredError
from bpkit.model import Sequential

__all__ = [
    "ELEMENTWISE", "LOSS_KINDS", "ProvedIdentity", "SymbolicNetwork", "activation_derivative", "activation_expr",
    "architecture", "check_identity", "loss_expr", "loss_kind", "prove_identities", "softmax_expr",
    "symbol_matrix", "symbolic_gradients", "symbolic_loss", "verify_backprop_equations",
]

ELEMENTWISE = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
LOSS_KINDS = ("squared_error", "mse", "bce", "bce_logits", "cross_entropy")


def activation_expr(name: str, z: sp.Expr, negative_slope: float = 0.01) -> sp.Expr:
    """f(z) in SymPy: 1/(1+e^{-z}), tanh z, z if z > 0 else 0, z if z > 0 else s z (leaky), or z."""
    if name == "sigmoid":
        return 1 / (1 + sp.exp(-z))
    if name == "tanh":
        return sp.tanh(z)
    if name == "relu":
        return sp.Piecewise((z, z > 0), (0, True))
    if name == "leaky_relu":
        return sp.Piecewise((z, z > 0), (sp.nsimplify(negative_slope, rational=True) * z, True))
    if name in ("identity", "linear"):
        return z
    raise ValueError(f"unknown elementwise activation {name!r}; expected one of {ELEMENTWISE}")


def activation_derivative(name: str, z: sp.Expr, negative_slope: float = 0.01) -> sp.Expr:
    """f'(z) = d f(u)/du at u = z, obtained by differentiating activation_expr (relu': 1 for z > 0 else 0)."""
    u = sp.Dummy("u", real=True)
    return sp.diff(activation_expr(name, u, negative_slope), u).subs(u, z)


def softmax_expr(z: sp.Matrix) -> sp.Matrix:
    """Softmax of a row or column of symbols: s_j = e^{z_j} / sum_k e^{z_k}; same shape as z."""
    exps = z.applyfunc(sp.exp)
    total = sp.Add(*exps)
    return exps.applyfunc(lambda e: e / total)


def symbol_matrix(py: str, tex: str, rows: int, cols: int, names: dict[sp.Symbol, str],
                  index_rows: bool = True, index_cols: bool = True) -> sp.Matrix:
    """rows x cols Matrix of real Symbols py_r_c, LaTeX tex_{rc} (1-based; unindexed dims left out)."""
    def make(r: int, c: int) -> sp.Symbol:
        idx = [i + 1 for i, keep in ((r, index_rows), (c, index_cols)) if keep]
        sym = sp.Symbol("_".join([py, *map(str, idx)]), real=True)
        sep = "," if py in ("x", "y") or any(i >= 10 for i in idx) else ""  # x_{n,i}: sample n, entry i
        names[sym] = f"{tex}_{{{sep.join(map(str, idx))}}}"
        return sym
    return sp.Matrix(rows, cols, make)


def _sigma_form(expr: sp.Basic) -> sp.Basic:
    """For display only: every 1 / (1 + e^{-u}) becomes sigma(u)."""
    def is_sigmoid(e: sp.Basic) -> bool:
        return (isinstance(e, sp.Pow) and e.exp == -1 and isinstance(e.base, sp.Add) and len(e.base.args) == 2
                and sp.S.One in e.base.args and any(isinstance(t, sp.exp) for t in e.base.args))

    def to_sigma(e: sp.Pow) -> sp.Basic:
        (u,) = next(t for t in e.base.args if isinstance(t, sp.exp)).args
        return sp.Function(r"\sigma")(-u)

    return expr.replace(is_sigmoid, to_sigma)


@dataclass(eq=False)
class SymbolicNetwork:
    """A model's loss J(X, Y, W^{(1)}, b^{(1)}, ...) in symbols; batch rows: Z^{(l)} = A^{(l-1)} W^T + 1 b^T."""

    X: sp.Matrix
    Y: sp.Matrix
    params: dict[str, sp.Matrix]
    shapes: dict[str, tuple[int, ...]]
    Z: list[sp.Matrix]
    A: list[sp.Matrix]
    J: sp.Expr
    loss_kind: str
    symbol_names: dict[sp.Symbol, str]
    _grads: dict[str, sp.Matrix] | None = field(default=None, repr=False)
    _func: Callable[..., list] | None = field(default=None, repr=False)

    @property
    def args(self) -> list[sp.Symbol]:
        """Explicit argument order: X row-major, then Y row-major, then each parameter row-major."""
        return [*self.X, *self.Y, *(s for M in self.params.values() for s in M)]

    def gradients(self) -> dict[str, sp.Matrix]:
        """dJ/dtheta for each parameter as a Matrix of its shape (b as a column), by sympy.diff."""
        if self._grads is None:
            self._grads = {k: M.applyfunc(lambda w: sp.diff(self.J, w)) for k, M in self.params.items()}
        return self._grads

    def latex(self, expr: sp.Basic, sigma: bool = True) -> str:
        """LaTeX of expr with the book's names (W^{(1)}_{12}, x_{1}, ...); sigma: show 1/(1+e^{-u}) as sigma(u)."""
        return sp.latex(_sigma_form(expr) if sigma else expr, symbol_names=self.symbol_names)

    def gradient_latex(self, name: str, row: int, col: int = 0) -> str:
        """LaTeX equation dJ/dtheta_{row,col} = <derived expression> for parameter name (0-based entry)."""
        if name not in self.params:
            raise ValueError(f"unknown parameter {name!r}; expected one of {list(self.params)}")
        lhs = rf"\frac{{\partial J}}{{\partial {self.symbol_names[self.params[name][row, col]]}}}"
        return f"{lhs} = {self.latex(self.gradients()[name][row, col])}"

    def function(self) -> Callable[..., list]:
        """lambdify(args, [J, *all gradient entries], modules='numpy', cse=True), built once."""
        if self._func is None:
            exprs = [self.J, *(e for M in self.gradients().values() for e in M)]
            self._func = sp.lambdify(self.args, exprs, modules="numpy", cse=True)
        return self._func

    def evaluate(self, X: np.ndarray, y: np.ndarray,
                 params: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
        """(J, {name: dJ/dtheta}) at numbers: X (N, n_in), y like the loss takes, params like model.parameters()."""
        X = np.asarray(X, dtype=float)
        if X.shape != self.X.shape:
            raise ValueError(f"X must have shape {self.X.shape}, got {X.shape}")
        Y = _targets(np.asarray(y), self.Y.shape, self.loss_kind)
        if list(params) != list(self.params):
            raise ValueError(f"parameter names {list(params)} do not match {list(self.params)}")
        values = [*X.ravel(), *Y.ravel()]
        for k, v in params.items():
            if np.shape(v) != self.shapes[k]:
                raise ValueError(f"parameter {k} must have shape {self.shapes[k]}, got {np.shape(v)}")
            values.extend(np.asarray(v, dtype=float).ravel())
        out = [float(v) for v in self.function()(*values)]
        grads, i = {}, 1
        for k, shape in self.shapes.items():
            n = int(np.prod(shape))
            grads[k] = np.array(out[i:i + n]).reshape(shape)
            i += n
        return out[0], grads


def _targets(y: np.ndarray, shape: tuple[int, int], kind: str) -> np.ndarray:
    """Targets as an (N, C) float array; integer labels (N,) become one-hot rows for cross-entropy."""
    if kind == "cross_entropy" and y.ndim == 1:
        if not np.all(np.mod(y, 1) == 0):
            raise ValueError("class labels must be integers")
        if y.shape[0] != shape[0] or y.min() < 0 or y.max() >= shape[1]:
            raise ValueError(f"labels must have shape ({shape[0]},) and lie in [0, {shape[1] - 1}], got {y}")
        return np.eye(shape[1])[y.astype(np.int64)]
    if y.shape != shape:
        raise ValueError(f"y must have shape {shape}, got {y.shape}")
    return y.astype(float)


def loss_kind(loss: Loss) -> str:
    """The loss's name as get_loss spells it: squared_error, mse, bce, bce_logits or cross_entropy."""
    if isinstance(loss, SquaredError):
        return "squared_error"
    if isinstance(loss, MSE):
        return "mse"
    if isinstance(loss, BinaryCrossEntropy):
        return "bce_logits" if loss.from_logits else "bce"
    if isinstance(loss, CrossEntropy):
        return "cross_entropy"
    raise TypeError(f"no symbolic form for loss {type(loss).__name__}; supported: {LOSS_KINDS}")


def loss_expr(kind: str, Yhat: sp.Matrix, Y: sp.Matrix) -> sp.Expr:
    """J(Yhat, Y) for N rows, C columns: batch means exactly as bpkit.losses defines them."""
    N, C = Yhat.shape
    pairs = list(zip(Yhat, Y))
    if kind == "squared_error":  # (1/N) sum_n 1/2 ||yhat_n - y_n||^2
        return sp.Rational(1, 2 * N) * sp.Add(*((p - t) ** 2 for p, t in pairs))
    if kind == "mse":  # mean over all N*C elements
        return sp.Rational(1, N * C) * sp.Add(*((p - t) ** 2 for p, t in pairs))
    if kind == "bce":  # probabilities in; bpkit's log clamp at -100 is not modelled
        return -sp.Rational(1, N * C) * sp.Add(*(t * sp.log(p) + (1 - t) * sp.log(1 - p) for p, t in pairs))
    if kind == "bce_logits":  # softplus form: log(1 + e^z) - y z
        return sp.Rational(1, N * C) * sp.Add(*(sp.log(1 + sp.exp(p)) - t * p for p, t in pairs))
    if kind == "cross_entropy":  # logits in: (1/N) sum_n sum_j y_nj (log sum_k e^{z_nk} - z_nj)
        rows = []
        for n in range(N):
            lse = sp.log(sp.Add(*(sp.exp(Yhat[n, k]) for k in range(C))))
            rows.append(sp.Add(*(Y[n, j] * (lse - Yhat[n, j]) for j in range(C))))
        return sp.Rational(1, N) * sp.Add(*rows)
    raise ValueError(f"unknown loss kind {kind!r}; expected one of {LOSS_KINDS}")


Arch = tuple[tuple[bool, int, int, bool, str, float], ...]


def architecture(model: Sequential) -> Arch:
    """(is_dense, n_in, n_out, has_bias, activation name, negative_slope) per layer of model.layers."""
    arch: list[tuple[bool, int, int, bool, str, float]] = []
    for i, layer in enumerate(getattr(model, "layers", None) or [], 1):
        if not isinstance(layer, (Dense, ActivationLayer)):
            raise TypeError(f"layer {i} ({type(layer).__name__}) has no symbolic form; "
                            "only Dense and ActivationLayer layers do")
        act = layer.activation
        if act.name not in ELEMENTWISE + ("softmax",):
            raise ValueError(f"layer {i}: activation {act.name!r} has no symbolic form")
        slope = float(getattr(act, "negative_slope", 0.01))
        if isinstance(layer, Dense):
            arch.append((True, layer.W.shape[1], layer.W.shape[0], layer.b is not None, act.name, slope))
        elif arch:
            arch.append((False, arch[-1][2], arch[-1][2], False, act.name, slope))
        else:
            raise TypeError("the first layer must be Dense so that the input width is known")
    if not arch:
        raise TypeError("model must have a non-empty .layers list")
    return tuple(arch)


@lru_cache(maxsize=32)
def _build(arch: Arch, kind: str, n_samples: int) -> SymbolicNetwork:
    """Forward pass in symbols for a given architecture, loss kind and batch size (cached)."""
    names: dict[sp.Symbol, str] = {}
    X = symbol_matrix("x", "x", n_samples, arch[0][1], names, index_rows=n_samples > 1)
    Y = symbol_matrix("y", "y", n_samples, arch[-1][2], names, index_rows=n_samples > 1)
    params: dict[str, sp.Matrix] = {}
    shapes: dict[str, tuple[int, ...]] = {}
    A, Zs, As, k = X, [], [X], 0
    for dense, n_in, n_out, bias, act, slope in arch:
        Z = A
        if dense:  # parameters are numbered over the layers that have them, as Sequential does
            k += 1
            W = params[f"W{k}"] = symbol_matrix(f"W{k}", f"W^{{({k})}}", n_out, n_in, names)
            shapes[f"W{k}"] = (n_out, n_in)
            Z = A * W.T
            if bias:
                b = params[f"b{k}"] = symbol_matrix(f"b{k}", f"b^{{({k})}}", n_out, 1, names, index_cols=False)
                shapes[f"b{k}"] = (n_out,)
                Z = Z + sp.ones(n_samples, 1) * b.T
        if act == "softmax":
            A = sp.Matrix.vstack(*(softmax_expr(Z.row(n)) for n in range(n_samples)))
        else:
            A = Z.applyfunc(lambda e: activation_expr(act, e, slope))
        Zs.append(Z)
        As.append(A)
    return SymbolicNetwork(X, Y, params, shapes, Zs, As, loss_expr(kind, A, Y), kind, names)


def symbolic_loss(model: Sequential, loss: Loss, n_samples: int = 1) -> SymbolicNetwork:
    """J = loss(model(X), Y) in symbols for a batch of n_samples rows; J, .gradients(), .latex()."""
    if not isinstance(n_samples, int) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}")
    return _build(architecture(model), loss_kind(loss), n_samples)


def symbolic_gradients(model: Sequential, loss: Loss, X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """{name: dJ/dtheta} at the model's current parameters via SymPy + lambdify; keys of model.gradients()."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (N, n_in), got shape {X.shape}")
    return symbolic_loss(model, loss, X.shape[0]).evaluate(X, y, model.parameters())[1]


_PROOFS = ("ProvedIdentity", "check_identity", "prove_identities", "verify_backprop_equations")


def __getattr__(name: str) -> Any:
    """bpkit.symbolic.prove_identities etc.: the proofs, imported from bpkit.proofs on first use."""
    if name in _PROOFS:
        from bpkit import proofs

        return getattr(proofs, name)
    raise AttributeError(f"module 'bpkit.symbolic' has no attribute {name!r}")
