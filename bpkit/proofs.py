"""Proofs with SymPy: the derivative identities the book states, and the four backprop equations.

Each identity is proved by showing lhs - rhs == 0: structurally, per branch of a Piecewise (ReLU), by
expand, or, for small expressions, by sympy.simplify. Introduced in book/04_backprop_matrix.ipynb;
also importable from bpkit.symbolic.

Examples
--------
>>> z = sp.Symbol("z", real=True)
>>> check_identity("tanh'", sp.diff(sp.tanh(z), z), 1 - sp.tanh(z) ** 2).proved
True
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import sympy as sp

from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.sympy_backend import ELEMENTWISE, activation_derivative, activation_expr, softmax_expr, symbol_matrix
from bpkit.validate import one_of

__all__ = ["MAX_PROOF_WORK", "SIMPLIFY_MAX_OPS", "ProvedIdentity", "check_identity", "prove_identities", "verify_backprop_equations"]

SIMPLIFY_MAX_OPS = 300  # larger differences that expand cannot cancel count as not proved


class ProvedIdentity(NamedTuple):
    """One checked identity (name, lhs_latex, rhs_latex, proved): proved iff lhs - rhs was shown to be 0."""

    name: str
    lhs_latex: str
    rhs_latex: str
    proved: bool


def _nonzero_somewhere(d: sp.Expr) -> bool:
    """True if d evaluates (30 digits) clearly away from 0 at a fixed rational point: a disproof."""
    point = {}
    for i, t in enumerate(sorted(d.free_symbols, key=sp.default_sort_key)):
        v = sp.Rational(i % 5 + 2, 7)  # 2/7 .. 6/7, signs alternating unless the symbol fixes its sign
        point[t] = v if t.is_positive or (i % 2 == 0 and not t.is_negative) else -v
    value = d.xreplace(point).evalf(30)
    return bool(value.is_number and value.is_real and abs(value) > 1e-20)


def _is_zero(d: sp.Expr) -> bool:
    """d == 0 by structure, per branch of its Piecewise conditions, expand, or (small, not disproved) simplify."""
    if d == 0:
        return True
    if d.has(sp.Piecewise):  # zero under every true/false choice of the conditions => zero everywhere
        d = d.replace(lambda e: isinstance(e, sp.Rel), lambda r: r.func(sp.expand(r.lhs - r.rhs), 0))
        conds = sorted({c for p in d.atoms(sp.Piecewise) for _, c in p.args if c is not sp.true},
                       key=sp.default_sort_key)
        if len(conds) <= 10:
            return all(_is_zero(d.xreplace(dict(zip(conds, choice, strict=True))))
                       for choice in itertools.product((sp.true, sp.false), repeat=len(conds)))
    if sp.expand(d) == 0:
        return True
    if _nonzero_somewhere(d):
        return False
    return bool(sp.count_ops(d) <= SIMPLIFY_MAX_OPS and sp.simplify(d) == 0)  # no simplify on large trees


def check_identity(name: str, lhs: sp.Expr | sp.Matrix, rhs: sp.Expr | sp.Matrix,
                   lhs_latex: str | None = None, rhs_latex: str | None = None) -> ProvedIdentity:
    """Prove lhs = rhs: lhs - rhs == 0 by expand or simplify, entry by entry for matrices; False if shapes differ.

    Parameters
    ----------
    name : str
        What the identity says, for tables.
    lhs, rhs : sympy expression or Matrix
        The two sides.
    lhs_latex, rhs_latex : str, optional
        Their LaTeX for tables (default: sympy.latex of each side).

    Returns
    -------
    ProvedIdentity
        proved is True only when lhs - rhs was shown to be 0 (False also when it could not be shown).
    """
    if not isinstance(name, str):
        raise ArgumentTypeError(f"check_identity: name must be a string, got {name!r}")
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        same = getattr(lhs, "shape", None) == getattr(rhs, "shape", None)
        proved = same and all(_is_zero(d) for d in (sp.Matrix(lhs) - sp.Matrix(rhs)))
    else:
        proved = _is_zero(sp.sympify(lhs) - sp.sympify(rhs))
    return ProvedIdentity(name, lhs_latex or sp.latex(lhs), rhs_latex or sp.latex(rhs), bool(proved))


def prove_identities() -> list[ProvedIdentity]:
    """sigma' = sigma(1-sigma), tanh' = 1-tanh^2, softmax and loss gradients: each proved, lhs - rhs == 0.

    Returns
    -------
    list of ProvedIdentity
        Seven identities the book states, in the order of chapter 4's table.
    """
    z, y = sp.symbols("z y", real=True)
    zp, zn = sp.Symbol("z", positive=True), sp.Symbol("z", negative=True)
    sig = activation_expr("sigmoid", z)
    zs = sp.Matrix(sp.symbols("z_1:4", real=True))
    ys = sp.Matrix(sp.symbols("y_1:4", real=True))
    s = softmax_expr(zs)
    lse = sp.log(sp.Add(*zs.applyfunc(sp.exp)))
    probs = ys.subs(ys[2], 1 - ys[0] - ys[1])  # a probability (e.g. one-hot) vector: entries sum to 1
    ce = -sum(probs[j] * sp.log(s[j]) for j in range(3))
    bce = -(y * sp.log(sig) + (1 - y) * sp.log(1 - sig))
    relu_prime = sp.Matrix([sp.diff(activation_expr("relu", t), t) for t in (zp, zn)])
    return [
        check_identity("sigmoid derivative", sp.diff(sig, z), sig * (1 - sig),
                       r"\sigma'(z)", r"\sigma(z)\,(1 - \sigma(z))"),
        check_identity("tanh derivative", sp.diff(sp.tanh(z), z), 1 - sp.tanh(z) ** 2,
                       r"\tanh'(z)", r"1 - \tanh^2(z)"),
        check_identity("softmax Jacobian (n = 3)", s.jacobian(zs), sp.diag(*s) - s * s.T,
                       r"\frac{\partial \mathbf{s}}{\partial \mathbf{z}}",
                       r"\operatorname{diag}(\mathbf{s}) - \mathbf{s}\mathbf{s}^\top"),
        check_identity("gradient of log-sum-exp (n = 3)", sp.Matrix([lse]).jacobian(zs).T, s,
                       r"\nabla_{\mathbf{z}} \log \sum_k e^{z_k}", r"\operatorname{softmax}(\mathbf{z})"),
        check_identity("ReLU derivative away from 0", relu_prime,
                       sp.Matrix([sp.Heaviside(zp), sp.Heaviside(zn)]),
                       r"\operatorname{ReLU}'(z)\ (z \neq 0)", r"H(z)"),
        check_identity("BCE of sigmoid, derivative", sp.diff(bce, z), sig - y,
                       r"\frac{\partial}{\partial z}\left[-y\log\sigma(z) - (1-y)\log(1-\sigma(z))\right]",
                       r"\sigma(z) - y"),
        check_identity("cross-entropy of softmax, gradient (n = 3)", sp.Matrix([ce]).jacobian(zs).T,
                       s - probs, r"\nabla_{\mathbf{z}}\left[-\sum_j y_j \log s_j\right]",
                       r"\mathbf{s} - \mathbf{y}"),
    ]


MAX_PROOF_WORK = 50
"""The largest parameters x 2^(layers - 1) ``verify_backprop_equations`` accepts by default.

The proof's expressions multiply with the depth: one hidden layer of 3 units (2-3-2, work 34) takes
seconds to a minute, a second hidden layer (2-3-3-2, work 116) took ten minutes with sigmoid on the
busy two-core machine this was measured on.
"""


def verify_backprop_equations(sizes: Sequence[int] = (2, 3, 2), activation: str = "sigmoid", *,
                              max_work: int | None = MAX_PROOF_WORK) -> list[ProvedIdentity]:
    """BP1-BP4 for J = 1/2||a^L - y||^2 on explicit symbolic W, b, x, y, against direct sympy.diff.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths (input, hidden..., output): at least three positive integers.
    activation : str
        An elementwise activation of the catalogue, used in every layer.
    max_work : int or None
        Refuse networks whose parameters x 2^(layers - 1) exceed this (see ``MAX_PROOF_WORK``);
        None lifts the limit.

    Returns
    -------
    list of ProvedIdentity
        BP1 (output error), BP2 (error moves back), BP3 (bias gradient), BP4 (weight gradient).
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise ArgumentTypeError(f"verify_backprop_equations: sizes must be a sequence of integers, got {sizes!r}")
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) for n in sizes):
        raise ArgumentTypeError(f"verify_backprop_equations: sizes must hold integers, got {sizes!r}")
    sizes = [int(n) for n in sizes]
    if len(sizes) < 3 or min(sizes) < 1:
        raise ArgumentValueError(f"verify_backprop_equations: sizes must be >= 3 positive integers "
                                 f"(input, hidden..., output), got {tuple(sizes)}")
    activation = one_of(activation, "activation", ELEMENTWISE, "verify_backprop_equations")
    n_params = sum(m * (n + 1) for n, m in itertools.pairwise(sizes))
    work = n_params * 2 ** (len(sizes) - 2)
    if max_work is not None and work > max_work:
        raise ArgumentValueError(
            f"verify_backprop_equations: sizes {tuple(sizes)} give {n_params} parameters over {len(sizes) - 1} "
            f"layers, work {work} > max_work={max_work}; SymPy's proof would take many minutes. Use one hidden "
            "layer of a few units, e.g. (2, 3, 2), or max_work=None to wait")
    names: dict[sp.Symbol, str] = {}
    L = len(sizes) - 1
    x = symbol_matrix("x", "x", sizes[0], 1, names, index_cols=False)
    y = symbol_matrix("y", "y", sizes[-1], 1, names, index_cols=False)
    W = [None] + [symbol_matrix(f"W{k}", f"W^{{({k})}}", sizes[k], sizes[k - 1], names) for k in range(1, L + 1)]
    b = [None] + [symbol_matrix(f"b{k}", f"b^{{({k})}}", sizes[k], 1, names, index_cols=False)
                  for k in range(1, L + 1)]

    def f(M: sp.Matrix) -> sp.Matrix:
        return M.applyfunc(lambda e: activation_expr(activation, e))

    def fp(M: sp.Matrix) -> sp.Matrix:
        return M.applyfunc(lambda e: activation_derivative(activation, e))

    def cost(a: sp.Matrix) -> sp.Expr:
        return sp.Rational(1, 2) * sp.Add(*((a[j] - y[j]) ** 2 for j in range(sizes[-1])))

    def stack(ms: list[sp.Matrix]) -> sp.Matrix:
        return sp.Matrix([e for M in ms for e in M])  # every entry of every layer, one column

    def forward(a: sp.Matrix, start: int) -> tuple[list[sp.Matrix], list[sp.Matrix]]:
        zs, acts = [], [a]
        for k in range(start, L + 1):
            zs.append(W[k] * acts[-1] + b[k])
            acts.append(f(zs[-1]))
        return zs, acts

    zs, acts = forward(x, 1)
    z, a = [None, *zs], acts
    J = cost(a[L])
    u = sp.Matrix(sp.symbols(f"u_1:{sizes[-1] + 1}", real=True))
    grad_a = sp.Matrix([sp.diff(cost(u), uj) for uj in u]).xreplace(dict(zip(u, a[L], strict=True)))
    delta = [None] * (L + 1)
    delta[L] = grad_a.multiply_elementwise(fp(z[L]))
    for k in range(L - 1, 0, -1):
        delta[k] = (W[k + 1].T * delta[k + 1]).multiply_elementwise(fp(z[k]))
    direct_dz = [None] * (L + 1)
    for k in range(1, L + 1):  # dJ/dz^l: rebuild J from fresh symbols zeta standing for z^l
        zeta = sp.Matrix(sp.symbols(f"zeta_1:{sizes[k] + 1}", real=True))
        J_l = cost(forward(f(zeta), k + 1)[1][-1])
        direct_dz[k] = sp.Matrix([sp.diff(J_l, t) for t in zeta]).xreplace(dict(zip(zeta, z[k], strict=True)))
    hidden = range(1, L)
    return [
        check_identity("BP1: output error", direct_dz[L], delta[L], r"\frac{\partial J}{\partial z^{(L)}}",
                       r"\nabla_{a^{(L)}} J \odot f'(z^{(L)})"),
        check_identity("BP2: error moves back a layer", stack([direct_dz[k] for k in hidden]),
                       stack([delta[k] for k in hidden]), r"\frac{\partial J}{\partial z^{(l)}}",
                       r"\left(W^{(l+1)}\right)^\top \delta^{(l+1)} \odot f'(z^{(l)})"),
        check_identity("BP3: bias gradient",
                       stack([b[k].applyfunc(lambda t: sp.diff(J, t)) for k in range(1, L + 1)]),
                       stack([delta[k] for k in range(1, L + 1)]),
                       r"\frac{\partial J}{\partial b^{(l)}}", r"\delta^{(l)}"),
        check_identity("BP4: weight gradient",
                       stack([W[k].applyfunc(lambda t: sp.diff(J, t)) for k in range(1, L + 1)]),
                       stack([delta[k] * a[k - 1].T for k in range(1, L + 1)]),
                       r"\frac{\partial J}{\partial W^{(l)}}", r"\delta^{(l)} \left(a^{(l-1)}\right)^\top"),
    ]
