"""Four routes to the gradient of a tiny convolution (book/12_convolution.ipynb).

The network: one input channel X (H x W), one kernel K (kH x kW) and a bias b, stride 1, no
padding; a max-pool of size ``pool`` and step ``pool_stride``; and the loss J = 1/2 sum (P - T)^2
against a target T:

    Z[a, c] = b + sum_{i, j} X[a + i, c + j] K[i, j],   P[u, v] = max over window (u, v) of Z,
    J = 1/2 sum_{u, v} (P[u, v] - T[u, v])^2.

The routes: manual (bpkit's Conv2D and MaxPool2D layers, backward), symbolic (every entry a SymPy
symbol, each max replaced by the entry that wins it at the point, differentiated exactly), automatic (``bpkit.autodiff.Value``, with
max(m, v) = m + relu(v - m), which sends the gradient of a tie to the first entry as bpkit and
PyTorch do) and numeric (central differences). ``compare_tiny_conv_routes`` tabulates them.
``prove_conv_gradients`` proves the two backward formulas (dK as a correlation, dX as a full
convolution with the flipped kernel) for symbolic sizes' every entry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike

from bpkit.autodiff import Value
from bpkit.conv import Conv2D
from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.gradcheck import numerical_gradient
from bpkit.pool import MaxPool2D
from bpkit.routes import RouteComparison, RouteRow
from bpkit.validate import Array, as_array, integer, real_number

__all__ = ["SymbolicTinyConv", "compare_tiny_conv_routes", "prove_conv_gradients", "tiny_conv_forward",
           "tiny_conv_gradients"]

NAMES = ("K", "b", "X")


@dataclass(frozen=True)
class _Problem:
    """Checked inputs of the tiny convolution."""

    X: Array
    K: Array
    b: float
    T: Array
    pool: int
    stride: int

    @property
    def z_shape(self) -> tuple[int, int]:
        return self.X.shape[0] - self.K.shape[0] + 1, self.X.shape[1] - self.K.shape[1] + 1

    def windows(self) -> list[list[list[tuple[int, int]]]]:
        """For every pooled position (u, v), the positions (a, c) of Z in its window, row-major."""
        (zh, zw), p, s = self.z_shape, self.pool, self.stride
        return [[[(u * s + i, v * s + j) for i in range(p) for j in range(p)]
                 for v in range((zw - p) // s + 1)] for u in range((zh - p) // s + 1)]


def _problem(X: ArrayLike, K: ArrayLike, b: float, T: ArrayLike, pool: int, pool_stride: int) -> _Problem:
    where = "tiny convolution"
    X = as_array(X, "X", where, ndim=2)
    K = as_array(K, "K", where, ndim=2)
    if K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ShapeError(f"{where}: kernel {K.shape[0]}x{K.shape[1]} is larger than the input {X.shape[0]}x{X.shape[1]}")
    pool, stride = integer(pool, "pool", where), integer(pool_stride, "pool_stride", where)
    zh, zw = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    if pool > min(zh, zw):
        raise ShapeError(f"{where}: pool {pool}x{pool} is larger than the convolution's output {zh}x{zw}")
    p_shape = ((zh - pool) // stride + 1, (zw - pool) // stride + 1)
    T = as_array(T, "T", where, ndim=2)
    if T.shape != p_shape:
        raise ShapeError(f"{where}: T must have the pooled shape {p_shape}, got {T.shape}")
    return _Problem(X, K, real_number(b, "b", where), T, pool, stride)


def tiny_conv_forward(X: ArrayLike, K: ArrayLike, b: float, T: ArrayLike, pool: int = 2,
                      pool_stride: int = 1) -> tuple[Array, Array, float]:
    """(Z, P, J) by plain loops over the formulas, independent of bpkit's layers.

    Parameters
    ----------
    X : array_like, shape (H, W)
        The input (one channel).
    K : array_like, shape (kH, kW)
        The kernel.
    b : float
        The bias.
    T : array_like
        The target, of the pooled output's shape.
    pool, pool_stride : int
        The max-pool's window size and step.

    Returns
    -------
    Z : ndarray, shape (H - kH + 1, W - kW + 1)
    P : ndarray, the pooled shape
    J : float

    Examples
    --------
    >>> Z, P, J = tiny_conv_forward(np.eye(3), np.eye(2), 0.0, [[1.0]], pool=2)
    >>> Z, P, J
    (array([[2., 0.],
           [0., 2.]]), array([[2.]]), 0.5)
    """
    pr = _problem(X, K, b, T, pool, pool_stride)
    kh, kw = pr.K.shape
    Z = np.array([[pr.b + float(np.sum(pr.X[a : a + kh, c : c + kw] * pr.K)) for c in range(pr.z_shape[1])]
                  for a in range(pr.z_shape[0])])
    P = np.array([[max(Z[pos] for pos in window) for window in row] for row in pr.windows()])
    return Z, P, 0.5 * float(np.sum((P - pr.T) ** 2))


def _manual(pr: _Problem) -> dict[str, Array]:
    conv = Conv2D(1, 1, pr.K.shape, W=pr.K[None, None], b=[pr.b])
    pool = MaxPool2D(pr.pool, pr.stride)
    P = pool.forward(conv.forward(pr.X[None, None]))
    conv.zero_grad()
    dX = conv.backward(pool.backward(P - pr.T[None, None]))  # dJ/dP = P - T
    return {"K": conv.dW[0, 0].copy(), "b": conv.grads()["b"].copy(), "X": dX[0, 0].copy()}


def _autodiff(pr: _Problem) -> dict[str, Array]:
    Xv = [[Value(float(v)) for v in row] for row in pr.X]
    Kv = [[Value(float(v)) for v in row] for row in pr.K]
    bv = Value(pr.b)
    kh, kw = pr.K.shape
    Z = [[sum((Xv[a + i][c + j] * Kv[i][j] for i in range(kh) for j in range(kw)), bv)
          for c in range(pr.z_shape[1])] for a in range(pr.z_shape[0])]
    J = Value(0.0)
    for row, t_row in zip(pr.windows(), pr.T, strict=True):
        for window, t in zip(row, t_row, strict=True):
            m = Z[window[0][0]][window[0][1]]
            for a, c in window[1:]:
                m = m + (Z[a][c] - m).relu()  # max(m, z): z's gradient only when z > m; ties stay with m
            J = J + 0.5 * (m - float(t)) ** 2
    J.backward()
    return {"K": np.array([[v.grad for v in row] for row in Kv]), "b": np.array([bv.grad]),
            "X": np.array([[v.grad for v in row] for row in Xv])}


def _numeric(pr: _Problem, eps: float) -> dict[str, Array]:
    X, K, b = pr.X.copy(), pr.K.copy(), np.array([pr.b])

    def J() -> float:
        return tiny_conv_forward(X, K, float(b[0]), pr.T, pr.pool, pr.stride)[2]

    return {"K": numerical_gradient(J, K, eps), "b": numerical_gradient(J, b, eps), "X": numerical_gradient(J, X, eps)}


def _exact(value: float) -> sp.Rational:
    """The decimal a float was written as (0.1 -> 1/10), exactly."""
    return sp.Rational(repr(float(value)))


@dataclass
class SymbolicTinyConv:
    """The tiny convolution in symbols: X, K, b and T as SymPy symbols, Z and P as expressions.

    The maximum is piecewise linear. Near a point where every pooling window has a single largest
    entry, P[u, v] equals that entry of Z, so J's derivatives there are those of ``local_loss``,
    the loss with each max replaced by its winner, which SymPy differentiates exactly. The
    winners are found by exact evaluation; at a tie the maximum has no derivative and the route
    refuses. Build with :meth:`build`.
    """

    X: sp.Matrix
    K: sp.Matrix
    b: sp.Symbol
    T: sp.Matrix
    Z: sp.Matrix
    windows: list[list[list[tuple[int, int]]]]

    @classmethod
    def build(cls, input_shape: tuple[int, int] = (4, 4), kernel_shape: tuple[int, int] = (2, 2), pool: int = 2,
              pool_stride: int = 1) -> SymbolicTinyConv:
        """Symbols x_{ij}, k_{ij}, b, t_{uv} (1-based) and Z by the module's formula.

        Examples
        --------
        >>> net = SymbolicTinyConv.build((2, 2), (2, 2), pool=1)
        >>> net.Z[0, 0]
        b + k_11*x_11 + k_12*x_12 + k_21*x_21 + k_22*x_22
        """
        (h, w), (kh, kw) = input_shape, kernel_shape
        zh, zw = h - kh + 1, w - kw + 1
        p_shape = ((zh - pool) // pool_stride + 1, (zw - pool) // pool_stride + 1)
        pr = _problem(np.zeros(input_shape), np.zeros(kernel_shape), 0.0, np.zeros(p_shape), pool, pool_stride)

        def symbols(name: str, rows: int, cols: int) -> sp.Matrix:
            return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))

        X, K, T = symbols("x", h, w), symbols("k", kh, kw), symbols("t", *p_shape)
        b = sp.Symbol("b", real=True)
        Z = sp.Matrix(zh, zw, lambda a, c: b + sum(X[a + i, c + j] * K[i, j] for i in range(kh) for j in range(kw)))
        return cls(X, K, b, T, Z, pr.windows())

    @property
    def P(self) -> sp.Matrix:
        """P[u, v] = Max of the window's entries of Z (unevaluated, for display)."""
        return sp.Matrix([[sp.Max(*(self.Z[pos] for pos in window), evaluate=False) for window in row]
                          for row in self.windows])

    def substitutions(self, X: ArrayLike, K: ArrayLike, b: float, T: ArrayLike) -> dict[sp.Symbol, sp.Rational]:
        """symbol -> exact rational value for every input."""
        pairs = [(self.X, np.asarray(X)), (self.K, np.asarray(K)), (self.T, np.asarray(T))]
        subs = {s: _exact(v) for M, A in pairs for s, v in zip(M, A.ravel(), strict=True)}
        subs[self.b] = _exact(b)
        return subs

    def winners(self, X: ArrayLike, K: ArrayLike, b: float, T: ArrayLike) -> list[list[tuple[int, int]]]:
        """For each pooled position, the position in Z of its window's maximum, found exactly; ties refused."""
        subs = self.substitutions(X, K, b, T)
        Zv = self.Z.xreplace(subs)
        out = []
        for row in self.windows:
            out_row = []
            for window in row:
                values = [Zv[pos] for pos in window]
                top = max(values)
                if values.count(top) > 1:
                    raise ArgumentValueError(
                        f"tiny convolution: a pooling window has a tie at its maximum {top}; the maximum is not "
                        "differentiable there, so the exact route is undefined (choose inputs without ties)"
                    )
                out_row.append(window[values.index(top)])
            out.append(out_row)
        return out

    def local_loss(self, X: ArrayLike, K: ArrayLike, b: float, T: ArrayLike) -> sp.Expr:
        """J = 1/2 sum (Z[winner] - T)^2: the loss near the point, each max replaced by its winner."""
        win = self.winners(X, K, b, T)
        return sp.Rational(1, 2) * sum((self.Z[pos] - self.T[u, v]) ** 2
                                       for u, row in enumerate(win) for v, pos in enumerate(row))

    def gradients(self, X: ArrayLike, K: ArrayLike, b: float, T: ArrayLike) -> dict[str, sp.Matrix]:
        """Exact dJ/dK, dJ/db (1x1) and dJ/dX at the point: sympy.diff of local_loss, then exact substitution."""
        J = self.local_loss(X, K, b, T)
        subs = self.substitutions(X, K, b, T)
        return {"K": self.K.applyfunc(lambda s: sp.diff(J, s).xreplace(subs)),
                "b": sp.Matrix([[sp.diff(J, self.b).xreplace(subs)]]),
                "X": self.X.applyfunc(lambda s: sp.diff(J, s).xreplace(subs))}


def tiny_conv_gradients(route: str, X: ArrayLike, K: ArrayLike, b: float, T: ArrayLike, pool: int = 2,
                        pool_stride: int = 1, eps: float = 1e-6) -> dict[str, Array]:
    """{'K': dJ/dK, 'b': dJ/db (shape (1,)), 'X': dJ/dX} by one route: manual, symbolic, autodiff or numeric.

    Parameters
    ----------
    route : {'manual', 'symbolic', 'autodiff', 'numeric'}
        The route.
    X, K, b, T, pool, pool_stride
        As for :func:`tiny_conv_forward`.
    eps : float
        The finite-difference step of the numeric route.

    Examples
    --------
    >>> X, K, T = np.arange(16.0).reshape(4, 4) / 10, [[1.0, -1.0], [0.5, 2.0]], np.zeros((2, 2))
    >>> tiny_conv_gradients("manual", X, K, 0.5, T)["b"].round(6)
    array([13.9])
    """
    pr = _problem(X, K, b, T, pool, pool_stride)
    if route == "manual":
        return _manual(pr)
    if route == "autodiff":
        return _autodiff(pr)
    if route == "numeric":
        return _numeric(pr, real_number(eps, "eps", "tiny convolution", low=0.0, low_open=True))
    if route == "symbolic":
        net = SymbolicTinyConv.build(pr.X.shape, pr.K.shape, pr.pool, pr.stride)
        exact = net.gradients(pr.X, pr.K, pr.b, pr.T)
        return {k: np.array(G.evalf(30).tolist(), dtype=np.float64).reshape((1,) if k == "b" else G.shape)
                for k, G in exact.items()}
    raise ArgumentValueError(f"tiny convolution: route must be one of 'manual', 'symbolic', 'autodiff', 'numeric', "
                             f"got {route!r}")


def compare_tiny_conv_routes(X: ArrayLike, K: ArrayLike, b: float, T: ArrayLike, pool: int = 2,
                             pool_stride: int = 1, eps: float = 1e-6) -> RouteComparison:
    """max |manual - route| for K, b and X, for the symbolic, automatic and numeric routes.

    ``result.agree()`` is True when the exact routes are within 1e-10 and the numeric one within 1e-7.

    Parameters
    ----------
    X, K, b, T, pool, pool_stride, eps
        As for :func:`tiny_conv_gradients`.

    Examples
    --------
    >>> X, K, T = np.arange(16.0).reshape(4, 4) / 10, [[1.0, -1.0], [0.5, 2.0]], np.zeros((2, 2))
    >>> compare_tiny_conv_routes(X, K, 0.5, T).agree()
    True
    """
    grads = {route: tiny_conv_gradients(route, X, K, b, T, pool, pool_stride, eps)
             for route in ("manual", "symbolic", "autodiff", "numeric")}

    def diff(route: str, k: str) -> float:
        return float(np.max(np.abs(grads["manual"][k] - grads[route][k])))

    rows = [RouteRow(k, grads["manual"][k].shape, diff("symbolic", k), diff("autodiff", k), diff("numeric", k))
            for k in NAMES]
    return RouteComparison(rows, grads)


def _correlate(A: sp.Matrix, B: sp.Matrix) -> sp.Matrix:
    """Valid cross-correlation: C[a, c] = sum_{i, j} A[a + i, c + j] B[i, j]."""
    return sp.Matrix(A.rows - B.rows + 1, A.cols - B.cols + 1,
                     lambda a, c: sum(A[a + i, c + j] * B[i, j] for i in range(B.rows) for j in range(B.cols)))


def prove_conv_gradients(input_shape: tuple[int, int] = (4, 4), kernel_shape: tuple[int, int] = (2, 2)) -> dict[str, bool]:
    """Prove, entry by entry, the backward formulas of Z = X * K + b for any upstream gradient G = dJ/dZ.

    With J = sum G[a, c] Z[a, c] (so that dJ/dZ = G, all symbols):

    - dJ/dK = X correlated with G (the valid correlation, the size of K);
    - dJ/dX = G zero-padded by kH - 1, kW - 1 and correlated with the flipped kernel (a full convolution);
    - dJ/db = sum of G.

    Parameters
    ----------
    input_shape, kernel_shape : (int, int)
        The sizes of X and K.

    Returns
    -------
    dict
        Each identity's name mapped to True when SymPy expands the difference to zero.

    Examples
    --------
    >>> prove_conv_gradients((3, 3), (2, 2))
    {'dK = X corr G': True, 'dX = full conv of G with flipped K': True, 'db = sum G': True}
    """
    h, w = (integer(v, "input_shape", "prove_conv_gradients") for v in input_shape)
    kh, kw = (integer(v, "kernel_shape", "prove_conv_gradients") for v in kernel_shape)
    if kh > h or kw > w:
        raise ShapeError(f"prove_conv_gradients: kernel {kh}x{kw} is larger than the input {h}x{w}")
    X = sp.Matrix(h, w, lambda i, j: sp.Symbol(f"x_{i + 1}{j + 1}"))
    K = sp.Matrix(kh, kw, lambda i, j: sp.Symbol(f"k_{i + 1}{j + 1}"))
    G = sp.Matrix(h - kh + 1, w - kw + 1, lambda i, j: sp.Symbol(f"g_{i + 1}{j + 1}"))
    b = sp.Symbol("b")
    Z = _correlate(X, K).applyfunc(lambda z: z + b)
    J = sum(G[i] * Z[i] for i in range(len(Z)))
    padded = sp.zeros(G.rows + 2 * (kh - 1), G.cols + 2 * (kw - 1))
    padded[kh - 1 : kh - 1 + G.rows, kw - 1 : kw - 1 + G.cols] = G
    flipped = sp.Matrix(kh, kw, lambda i, j: K[kh - 1 - i, kw - 1 - j])
    checks = {
        "dK = X corr G": K.applyfunc(lambda s: sp.diff(J, s)) - _correlate(X, G),
        "dX = full conv of G with flipped K": X.applyfunc(lambda s: sp.diff(J, s)) - _correlate(padded, flipped),
        "db = sum G": sp.Matrix([[sp.diff(J, b) - sum(G)]]),
    }
    return {name: all(sp.expand(e) == 0 for e in M) for name, M in checks.items()}
