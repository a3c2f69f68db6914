"""SymPy route to the gradient: a small model's loss written in explicit symbols, differentiated exactly.

Every entry of every matrix is its own Symbol (x_i, y_j, W^{(l)}_{jk}, b^{(l)}_j), so the calculus is
ordinary scalar differentiation; no MatrixSymbol calculus is used. The activations and losses are
the rules of :mod:`bpkit.catalogue`, turned into expressions by :mod:`bpkit.sympy_backend` (whose
functions, and those of :mod:`bpkit.proofs`, are importable from here too); the four-routes
comparison lives in :mod:`bpkit.routes`.

Size. SymPy differentiates the whole loss expression once per parameter, and that expression
grows with the batch and multiplies with the depth (an expression tree does not share the
previous layer's entries). ``estimate_work`` counts parameters x operations of J: about 2,000
for the 2-3-2 network on one row, 100,000 for 4-6-3 on 4 rows, 5.8 million for 4-8-8-3 on 4 rows
(which took 89 s). Beyond ``MAX_WORK`` (300,000, some 20 s) ``symbolic_loss`` refuses at once, says
roughly how long it would take, and what to do: fewer rows (one or two check a gradient as well),
a smaller network, the other routes, or ``max_work=None`` to wait.

Building your own network of symbols: see :mod:`bpkit.sympy_backend`.

Examples
--------
>>> from bpkit.losses import SquaredError
>>> from bpkit.model import MLP
>>> net = symbolic_loss(MLP([1, 1], output_activation="tanh", seed=0), SquaredError())
>>> net.J
(-y_1 + tanh(W1_1_1*x_1 + b1_1))**2/2
>>> net.latex(net.params["W1"][0, 0])
'W^{(1)}_{11}'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike

from bpkit.catalogue import ACTIVATIONS
from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.layers import ActivationLayer, Dense, Dropout
from bpkit.losses import Loss, get_loss
from bpkit.proofs import ProvedIdentity, check_identity, prove_identities, verify_backprop_equations
from bpkit.sympy_backend import (
    ELEMENTWISE,
    LOSS_KINDS,
    SYMPY,
    activation_derivative,
    activation_expr,
    loss_expr,
    softmax_expr,
    symbol_matrix,
)
from bpkit.validate import Array, as_array, integer

__all__ = [
    "ELEMENTWISE", "LOSS_KINDS", "MAX_WORK", "ProvedIdentity", "SymbolicNetwork", "activation_derivative",
    "activation_expr", "architecture", "check_identity", "estimate_work", "loss_expr", "loss_kind",
    "prove_identities", "softmax_expr", "symbol_matrix", "symbolic_gradients", "symbolic_loss",
    "verify_backprop_equations",
]


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
    """A model's loss J(X, Y, W^{(1)}, b^{(1)}, ...) in symbols; batch rows: Z^{(l)} = A^{(l-1)} W^T + 1 b^T.

    Made by ``symbolic_loss``. ``gradients()`` differentiates J by ``sympy.diff``, ``latex`` prints
    with the book's names, ``evaluate`` computes J and the gradients at numbers.

    Attributes
    ----------
    X, Y : sympy.Matrix
        The inputs (N, n_in) and the targets (N, C) as symbols (labels are one-hot rows Y).
    params : dict of str to sympy.Matrix
        The parameters' symbols by the model's names (a bias is a column).
    shapes : dict of str to tuple
        The parameters' shapes in the model.
    Z, A : list of sympy.Matrix
        The pre-activations and activations of every layer (A[0] = X).
    J : sympy.Expr
        The loss.
    loss_kind : str
        The loss's catalogue name.
    symbol_names : dict
        Symbol -> LaTeX name.
    """

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
    _func: Callable[..., list[Any]] | None = field(default=None, repr=False)

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
        """LaTeX of expr with the book's names (W^{(1)}_{12}, x_{1}, ...).

        Parameters
        ----------
        expr : sympy expression
        sigma : bool
            Show every 1/(1 + e^{-u}) as sigma(u).
        """
        return str(sp.latex(_sigma_form(expr) if sigma else expr, symbol_names=self.symbol_names))

    def gradient_latex(self, name: str, row: int, col: int = 0) -> str:
        """LaTeX equation dJ/dtheta_{row,col} = <derived expression>.

        Parameters
        ----------
        name : str
            A parameter's name, e.g. 'W1'.
        row, col : int
            The entry, 0-based (a bias has one column).
        """
        if name not in self.params:
            raise ArgumentValueError(f"gradient_latex: name must be one of {list(self.params)}, got {name!r}")
        M = self.params[name]
        row = integer(row, "row", "gradient_latex", low=0)
        col = integer(col, "col", "gradient_latex", low=0)
        if row >= M.shape[0] or col >= M.shape[1]:
            arg, value, size = ("row", row, M.shape[0]) if row >= M.shape[0] else ("col", col, M.shape[1])
            raise ArgumentValueError(f"gradient_latex: {arg} must be < {size} for {name} of shape {M.shape}, "
                                     f"got {value}")
        lhs = rf"\frac{{\partial J}}{{\partial {self.symbol_names[M[row, col]]}}}"
        return f"{lhs} = {self.latex(self.gradients()[name][row, col])}"

    def function(self) -> Callable[..., list[Any]]:
        """``lambdify(args, [J, *all gradient entries], modules='numpy', cse=True)``, built once."""
        if self._func is None:
            exprs = [self.J, *(e for M in self.gradients().values() for e in M)]
            self._func = sp.lambdify(self.args, exprs, modules="numpy", cse=True)
        return self._func

    def evaluate(self, X: ArrayLike, y: ArrayLike, params: dict[str, ArrayLike]) -> tuple[float, dict[str, Array]]:
        """(J, {name: dJ/dtheta}) at numbers.

        Parameters
        ----------
        X : array_like
            Inputs of shape ``X.shape`` (N, n_in), finite.
        y : array_like
            Targets as the loss takes them (labels (N,) or rows (N, C) for cross-entropy).
        params : dict of str to array_like
            Every parameter, by the names and shapes of ``params`` (like ``model.parameters()``).
        """
        X = as_array(X, "X", "SymbolicNetwork.evaluate")
        if X.shape != self.X.shape:
            raise ShapeError(f"SymbolicNetwork.evaluate: X must have shape {self.X.shape}, got {X.shape}")
        Y = _targets(self.loss_kind, self.Y.shape, y)
        if not isinstance(params, dict) or list(params) != list(self.params):
            got = list(params) if isinstance(params, dict) else type(params).__name__
            raise ArgumentValueError(f"SymbolicNetwork.evaluate: params must have the names {list(self.params)}, "
                                     f"got {got}")
        values = [*X.ravel(), *Y.ravel()]
        for k, v in params.items():
            arr = as_array(v, f"params[{k!r}]", "SymbolicNetwork.evaluate")
            if arr.shape != self.shapes[k]:
                raise ShapeError(f"SymbolicNetwork.evaluate: params[{k!r}] must have shape {self.shapes[k]}, "
                                 f"got {arr.shape}")
            values.extend(arr.ravel())
        out = [float(v) for v in self.function()(*values)]
        grads, i = {}, 1
        for k, shape in self.shapes.items():
            n = math.prod(shape)
            grads[k] = np.array(out[i:i + n]).reshape(shape)
            i += n
        return out[0], grads


def _targets(kind: str, shape: tuple[int, int], y: ArrayLike) -> Array:
    """Targets as (N, C) rows, checked by the loss itself (labels become one-hot rows)."""
    loss = get_loss(kind)
    probe = np.full(shape, 0.5)  # any prediction the loss accepts: only the targets are checked
    return loss.check(probe, y)[1].reshape(shape)


def loss_kind(loss: Loss) -> str:
    """The loss's catalogue name: squared_error, mse, bce, bce_logits or cross_entropy.

    Examples
    --------
    >>> from bpkit.losses import BinaryCrossEntropy
    >>> loss_kind(BinaryCrossEntropy(from_logits=True))
    'bce_logits'
    """
    kind = getattr(loss, "kind", None) if isinstance(loss, Loss) else None
    if kind not in LOSS_KINDS:
        raise ArgumentTypeError(f"loss must be a bpkit loss with a symbolic form ({', '.join(LOSS_KINDS)}), "
                                f"got {loss!r}")
    return str(kind)


#: per layer position: (is_dense, n_in, n_out, has_bias, activation rule name, its parameters, parameter slot)
LayerSpec = tuple[bool, int, int, bool, str, tuple[tuple[str, float], ...], int]
Arch = tuple[LayerSpec, ...]


def architecture(model: Any) -> Arch:
    """The model as the symbolic route needs it, one tuple per layer position.

    Parameters
    ----------
    model : Sequential
        Dense and ActivationLayer layers, and Dropout in evaluation mode (the identity). A layer used
        at several positions shares its symbols (weight sharing).

    Returns
    -------
    tuple
        (is_dense, n_in, n_out, has_bias, activation name, activation parameters, parameter slot).
    """
    layers = getattr(model, "layers", None)
    if not isinstance(layers, (list, tuple)) or not layers:
        raise ArgumentTypeError(f"model must be a bpkit Sequential model with layers, got {type(model).__name__}")
    arch: list[LayerSpec] = []
    slots: dict[int, int] = {}
    for i, layer in enumerate(layers, 1):
        if isinstance(layer, Dropout):
            if layer.training and layer.p > 0:
                raise ArgumentValueError(f"model: layer {i} is dropout in training mode (random masks); "
                                         "call model.eval() first")
            continue
        if not isinstance(layer, (Dense, ActivationLayer)):
            raise ArgumentTypeError(f"model: layer {i} ({type(layer).__name__}) has no symbolic form; "
                                    "only Dense, ActivationLayer and Dropout layers do")
        act = layer.activation
        if act.rule is None:
            raise ArgumentTypeError(f"model: layer {i}'s activation {type(act).__name__} has no catalogue rule")
        params = tuple(sorted(act.params.items()))
        if isinstance(layer, Dense):
            slot = slots.setdefault(id(layer), len(slots) + 1)
            arch.append((True, layer.W.shape[1], layer.W.shape[0], layer.b is not None, act.rule.name, params, slot))
        elif arch:
            arch.append((False, arch[-1][2], arch[-1][2], False, act.rule.name, params, 0))
        else:
            raise ArgumentTypeError("model: the first layer must be Dense so that the input width is known")
    if not any(a[0] for a in arch):
        raise ArgumentTypeError("model must have at least one Dense layer")
    return tuple(arch)


MAX_WORK = 300_000
"""The largest parameters x operations of J that ``symbolic_loss`` accepts by default (roughly 20 s)."""


def estimate_work(arch: Arch, n_samples: int, kind: str) -> tuple[int, float]:
    """(work, seconds): parameters x operations of J, and the time SymPy roughly needs for it.

    The operation count follows the expression tree: a unit of a dense layer holds n_in copies of the
    previous layer's entry, so the count multiplies with the depth. Seconds ~ 0.035 sqrt(work) was
    measured on this library's benchmark networks (2-3-2 to 4-6-3, up to 4 rows) on a busy two-core
    machine; read it as an order of magnitude.
    """
    size, n_params, seen = 0.0, 0, set()
    for dense, n_in, n_out, bias, act, _, slot in arch:
        if dense:
            size = n_in * (size + 1) + (n_in - 1) + bias
            if slot not in seen:
                seen.add(slot)
                n_params += n_out * n_in + n_out * bias
        rule = ACTIVATIONS[act]
        size = size * (n_out + 1) + 2 * n_out if not rule.elementwise else (2 * size + 2 if not rule.smooth else size + 4)
    out = arch[-1][2]
    per_row = out * (size + 3) if kind != "cross_entropy" else (out + 1) * (size + 2)
    work = int(n_params * n_samples * per_row)
    return work, 0.035 * math.sqrt(work)


@lru_cache(maxsize=32)
def _build(arch: Arch, kind: str, n_samples: int) -> SymbolicNetwork:
    """Forward pass in symbols for a given architecture, loss kind and batch size (cached)."""
    names: dict[sp.Symbol, str] = {}
    X = symbol_matrix("x", "x", n_samples, arch[0][1], names, index_rows=n_samples > 1)
    Y = symbol_matrix("y", "y", n_samples, arch[-1][2], names, index_rows=n_samples > 1)
    params: dict[str, sp.Matrix] = {}
    shapes: dict[str, tuple[int, ...]] = {}
    A, Zs, As = X, [], [X]
    for dense, n_in, n_out, bias, act, act_params, k in arch:
        Z = A
        if dense:  # parameters are numbered over the layers that have them, as Sequential does
            if f"W{k}" not in params:
                params[f"W{k}"] = symbol_matrix(f"W{k}", f"W^{{({k})}}", n_out, n_in, names)
                shapes[f"W{k}"] = (n_out, n_in)
                if bias:
                    params[f"b{k}"] = symbol_matrix(f"b{k}", f"b^{{({k})}}", n_out, 1, names, index_cols=False)
                    shapes[f"b{k}"] = (n_out,)
            Z = A * params[f"W{k}"].T
            if bias:
                Z = Z + sp.ones(n_samples, 1) * params[f"b{k}"].T
        rule = ACTIVATIONS[act]
        if rule.elementwise:
            A = Z.applyfunc(lambda e, rule=rule, p=dict(act_params): sp.sympify(rule.f(SYMPY, e, **p)))
        else:
            A = sp.Matrix([list(rule.f(SYMPY, np.array(Z.row(n).tolist()[0], dtype=object)))
                           for n in range(n_samples)])
        Zs.append(Z)
        As.append(A)
    return SymbolicNetwork(X, Y, params, shapes, Zs, As, loss_expr(kind, A, Y), kind, names)


def _model_names(model: Any, arch: Arch) -> dict[str, str]:
    """The symbolic route's names (W1, b1, ...) -> the model's parameter names, matched by array identity."""
    by_id = {id(arr): name for name, arr in model.parameters().items()}
    out: dict[str, str] = {}
    dense: dict[int, Dense] = {}
    for layer in model.layers:
        if isinstance(layer, Dense):
            dense.setdefault(id(layer), layer)
    for k, layer in enumerate(dense.values(), 1):
        out[f"W{k}"] = by_id.get(id(layer.W), f"W{k}")
        if layer.b is not None:
            out[f"b{k}"] = by_id.get(id(layer.b), f"b{k}")
    return out


def symbolic_loss(model: Any, loss: Loss, n_samples: int = 1, *, max_work: int | None = MAX_WORK) -> SymbolicNetwork:
    """J = loss(model(X), Y) in symbols for a batch of n_samples rows; J, .gradients(), .latex().

    Parameters
    ----------
    model : Sequential
        Dense and ActivationLayer layers (Dropout in evaluation mode is skipped).
    loss : Loss
        Any bpkit loss.
    n_samples : int
        The number of rows N of the symbolic batch (>= 1).
    max_work : int or None
        Refuse networks whose ``estimate_work`` exceeds this (None: no limit; see the module).

    Returns
    -------
    SymbolicNetwork
    """
    kind = loss_kind(loss)
    n_samples = integer(n_samples, "n_samples", "symbolic_loss", low=1)
    arch = architecture(model)
    work, seconds = estimate_work(arch, n_samples, kind)
    if max_work is not None and work > integer(max_work, "max_work", "symbolic_loss", low=0):
        sizes = "-".join(str(n) for n in [arch[0][1], *(a[2] for a in arch if a[0])])
        raise ArgumentValueError(
            f"symbolic_loss: model {sizes} with {n_samples} row(s) is too large for SymPy: about {work:,} "
            f"parameter x operation steps (limit max_work={max_work:,}), roughly {seconds:.0f} s or more. "
            "Use one or two rows, a smaller network, routes=('autodiff', 'numeric'), or max_work=None to wait")
    return _build(arch, kind, n_samples)


def symbolic_gradients(model: Any, loss: Loss, X: ArrayLike, y: ArrayLike, *,
                       max_work: int | None = MAX_WORK) -> dict[str, Array]:
    """{name: dJ/dtheta} at the model's current parameters via SymPy + lambdify; keys of model.parameters().

    Parameters
    ----------
    model : Sequential
        As for ``symbolic_loss``.
    loss : Loss
        Any bpkit loss.
    X : array_like
        Inputs (N, n_in), finite.
    y : array_like
        Targets for the N rows, as the loss takes them.
    max_work : int or None
        As for ``symbolic_loss``.
    """
    X = as_array(X, "X", "symbolic_gradients", ndim=2)
    arch = architecture(model)
    if X.shape[1] != arch[0][1]:
        raise ShapeError(f"symbolic_gradients: X must have shape (N, {arch[0][1]}) for this model, got {X.shape}")
    net = symbolic_loss(model, loss, X.shape[0], max_work=max_work)
    rename = _model_names(model, arch)
    params = {name: model.parameters()[rename[name]] for name in net.params}
    grads = net.evaluate(X, y, params)[1]
    return {rename[name]: g for name, g in grads.items()}
