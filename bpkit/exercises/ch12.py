"""One-line checks for the exercises of book/12_convolution.ipynb.

Expected values come from bpkit's layers (Conv2D, MaxPool2D, AvgPool2D) run on the chapter's worked
example, never from typed numbers. Each named mistake is the answer recomputed with that one mistake
(tests/test_exercises_ch12.py checks that the recomputations reproduce the mistakes they name).
"""

from __future__ import annotations

import numpy as np

from bpkit.conv import Conv2D
from bpkit.exercises.core import Mistake, Verdict, check_array, check_count
from bpkit.pool import AvgPool2D, MaxPool2D

#: The worked example of the chapter: a 4x4 input, a 2x2 kernel, a bias, and the target of the 2x2 max-pool.
X_TINY = np.array([[1.0, 2.0, 0.0, 1.0], [0.0, 1.0, 3.0, 1.0], [2.0, 1.0, 0.0, 2.0], [1.0, 0.0, 1.0, 3.0]])
K_TINY = np.array([[1.0, -1.0], [2.0, 1.0]])
B_TINY = -1.0
T_TINY = np.array([[4.0, 3.0], [2.0, 5.0]])

#: Exercise 4: a 4x4 input with ties inside its 2x2 windows, and the gradient arriving at the pooled output.
X_POOL = np.array([[1.0, 3.0, 2.0, 2.0], [3.0, 0.0, 2.0, 2.0], [0.0, 1.0, 5.0, 4.0], [1.0, 1.0, 0.0, 5.0]])
DY_POOL = np.array([[10.0, 20.0], [30.0, 40.0]])


def _conv_shape(n: int, c_in: int, c_out: int, size: int, kernel: int, stride: int, padding: int) -> tuple[int, ...]:
    return Conv2D(c_in, c_out, kernel, stride, padding, rng=np.random.default_rng(0)).forward(
        np.zeros((n, c_in, size, size))).shape


def check_conv_output_shape(answer: object) -> Verdict:
    """Output shape of Conv2D(3, 8, 5, stride=2, padding=1) on a batch of shape (10, 3, 32, 32)."""
    want = _conv_shape(10, 3, 8, 32, 5, 2, 1)
    mistakes = [
        Mistake("the padding is left out: H_out = floor((H + 2p - k) / s) + 1", (10, 8, 14, 14)),
        Mistake("the stride is left out: H_out = floor((H + 2p - k) / s) + 1", _conv_shape(10, 3, 8, 32, 5, 1, 1)),
        Mistake("it rounds (H + 2p - k) / s up; the last window must fit, so round down", (10, 8, 16, 16)),
        Mistake("it keeps C_in = 3 channels; the output has one channel per kernel, C_out = 8", (10, 3, 15, 15)),
    ]
    return check_array("the output shape", answer, want, mistakes)


def check_conv_parameter_count(answer: object) -> Verdict:
    """Number of parameters of Conv2D(3, 8, 5): C_out C_in k^2 weights plus C_out biases."""
    want = sum(p.size for p in Conv2D(3, 8, 5, rng=np.random.default_rng(0)).params().values())
    mistakes = [
        Mistake("the 8 biases are missing", 8 * 3 * 5 * 5),
        Mistake("the input channels are missing: each kernel has C_in x 5 x 5 = 75 weights", 8 * 5 * 5 + 8),
        Mistake("it counts one kernel per output position (15 x 15 of them); weight sharing uses one for all",
                (8 * 3 * 5 * 5 + 8) * 15 * 15),
    ]
    return check_count("the parameter count", answer, want, mistakes)


def _tiny(route: str = "max", fork: str = "sum", scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dZ, dK, dX) of the worked example.

    route 'avg' uses a 2x2 average pool (stride 1) instead of the max-pool; fork 'first' / 'last' keeps only
    one window's gradient for an entry of Z shared by two windows (written, not added); scale multiplies
    the average pool's gradient (scale 4 leaves out its 1/4).
    """
    conv = Conv2D(1, 1, 2, W=K_TINY[None, None], b=[B_TINY])
    Z = conv.forward(X_TINY[None, None])
    if route == "max":
        pool: MaxPool2D | AvgPool2D = MaxPool2D(2, stride=1)
        dP = pool.forward(Z) - T_TINY[None, None]
        dZ = pool.backward(dP)
        if fork != "sum":  # write instead of add: one window's gradient replaces the other's
            index = pool._need_cache()[0]
            order = range(len(index)) if fork == "last" else reversed(range(len(index)))
            flat = np.zeros(Z.size)
            for k in order:
                flat[index[k]] = dP.ravel()[k]
            dZ = flat.reshape(Z.shape)
    else:
        pool = AvgPool2D(2, stride=1)
        dP = pool.forward(Z) - T_TINY[None, None]
        dZ = scale * pool.backward(dP)
        if fork != "sum":
            flat = np.zeros((3, 3))
            windows = [(u, v) for u in range(2) for v in range(2)]
            for u, v in windows if fork == "last" else windows[::-1]:
                flat[u : u + 2, v : v + 2] = scale * dP[0, 0, u, v] / 4
            dZ = flat[None, None]
    conv.zero_grad()
    dX = conv.backward(dZ)
    return dZ[0, 0], conv.dW[0, 0].copy(), dX[0, 0]


def _correlate(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Valid cross-correlation of two matrices."""
    h, w = A.shape[0] - B.shape[0] + 1, A.shape[1] - B.shape[1] + 1
    return np.array([[np.sum(A[a : a + B.shape[0], c : c + B.shape[1]] * B) for c in range(w)] for a in range(h)])


def check_avgpool_dK(answer: object) -> Verdict:
    """dJ/dK of the worked example with a 2x2 average pool (stride 1) in place of the max-pool."""
    _, dK, _ = _tiny(route="avg")
    mistakes = [
        Mistake("it is dK of the max-pool version; an average pool spreads dP / 4 over every window",
                _tiny(route="max")[1]),
        Mistake("the factor 1/4 of the average is missing: each of the 4 entries of a window gets dP / 4",
                _tiny(route="avg", scale=4.0)[1]),
        Mistake("the windows overlap: an entry of Z in several windows must receive the sum of their gradients",
                _tiny(route="avg", fork="first")[1]),
        Mistake("the windows overlap: an entry of Z in several windows must receive the sum of their gradients",
                _tiny(route="avg", fork="last")[1]),
        Mistake("it is the right matrix rotated by 180 degrees: dK is X correlated with dZ, no flip",
                np.rot90(dK, 2)),
    ]
    return check_array("dK", answer, dK, mistakes)


#: Exercise 3: another kernel, and the gradient dJ/dZ of the worked example arriving at its output.
K_OTHER = np.array([[0.0, 1.0], [-1.0, 3.0]])


def check_full_conv_dX(answer: object) -> Verdict:
    """dJ/dX for Z = X corr K_OTHER + b when dJ/dZ is the worked example's dZ: a full convolution of dZ with K_OTHER."""
    dZ = _tiny()[0]
    conv = Conv2D(1, 1, 2, W=K_OTHER[None, None], bias=False)
    conv.forward(X_TINY[None, None])
    want = conv.backward(dZ[None, None])[0, 0]
    padded = np.pad(dZ, 1)
    mistakes = [
        Mistake("the kernel is not flipped: correlate the padded dZ with K rotated by 180 degrees", _correlate(padded, K_OTHER)),
        Mistake("it is the right matrix rotated by 180 degrees: flip the kernel, not the result", np.rot90(want, 2)),
        Mistake("it uses the worked example's kernel K; this exercise has another kernel",
                _correlate(padded, K_TINY[::-1, ::-1])),
    ]
    return check_array("dX", answer, want, mistakes)


def _pool_backward(rule: str) -> np.ndarray:
    """dX of exercise 4 with a tie rule: 'first' (bpkit, PyTorch), 'last', 'split' (shared equally), 'all'."""
    dX = np.zeros_like(X_POOL)
    for u in range(2):
        for v in range(2):
            window = X_POOL[2 * u : 2 * u + 2, 2 * v : 2 * v + 2]
            top = np.argwhere(window == window.max())
            chosen = {"first": top[:1], "last": top[-1:], "split": top, "all": top}[rule]
            share = DY_POOL[u, v] / (len(chosen) if rule == "split" else 1)
            for i, j in chosen:
                dX[2 * u + i, 2 * v + j] += share
    return dX


def check_maxpool_backward(answer: object) -> Verdict:
    """dX of a 2x2 max-pool (stride 2) on X_POOL for dY = DY_POOL, ties going to the first maximum."""
    pool = MaxPool2D(2)
    pool.forward(X_POOL[None, None])
    want = pool.backward(DY_POOL[None, None])[0, 0]
    avg = AvgPool2D(2)
    avg.forward(X_POOL[None, None])
    mistakes = [
        Mistake("at a tie the whole gradient goes to the first maximum (row by row), not to the last",
                _pool_backward("last")),
        Mistake("at a tie the whole gradient goes to the first maximum; splitting it equally is another valid "
                "subgradient, but not the one bpkit and PyTorch use", _pool_backward("split")),
        Mistake("each tied maximum received the whole gradient: the sum is then too large", _pool_backward("all")),
        Mistake("it spreads dY / 4 over each window: that is average pooling's gradient",
                avg.backward(DY_POOL[None, None])[0, 0]),
    ]
    return check_array("dX", answer, want, mistakes)
