"""Tests of bpkit.exercises.ch12: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.exercises.ch12 import (
    DY_POOL,
    K_OTHER,
    K_TINY,
    T_TINY,
    X_POOL,
    X_TINY,
    check_avgpool_dK,
    check_conv_output_shape,
    check_conv_parameter_count,
    check_full_conv_dX,
    check_maxpool_backward,
)
from bpkit.exercises.core import Verdict


def run(capsys, check, answer) -> tuple[bool, str]:
    v = check(answer)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


# the worked example by hand, independently of bpkit: Z = X corr K + b, 2x2 max-pool with stride 1
Z = np.array([[np.sum(X_TINY[a : a + 2, c : c + 2] * K_TINY) - 1.0 for c in range(3)] for a in range(3)])
dZ = np.zeros((3, 3))
for u in range(2):
    for v in range(2):
        window = Z[u : u + 2, v : v + 2]
        i, j = np.unravel_index(np.argmax(window), (2, 2))
        dZ[u + i, v + j] += window.max() - T_TINY[u, v]
dK = np.array([[np.sum(X_TINY[i : i + 3, j : j + 3] * dZ) for j in range(2)] for i in range(2)])
padded = np.pad(dZ, 1)
dX = np.array([[np.sum(padded[h : h + 2, w : w + 2] * K_TINY[::-1, ::-1]) for w in range(4)] for h in range(4)])


def test_hand_values_have_the_fork() -> None:
    assert dZ[0, 1] == 5.0 and np.count_nonzero(dZ) == 3  # Z[0, 1] wins two windows


@pytest.mark.parametrize("answer", [(10, 8, 15, 15), [10, 8, 15, 15], np.array([10, 8, 15, 15])])
def test_output_shape_right(capsys, answer) -> None:
    assert run(capsys, check_conv_output_shape, answer) == (True, "✔ the output shape is correct.")


@pytest.mark.parametrize(("reason", "answer"), [
    ("the padding is left out", (10, 8, 14, 14)),
    ("the stride is left out", (10, 8, 30, 30)),
    ("it rounds (H + 2p - k) / s up", (10, 8, 16, 16)),
    ("it keeps C_in = 3 channels", (10, 3, 15, 15)),
    ("it has shape (3,); expected shape (4,)", (8, 15, 15)),
])
def test_output_shape_wrong(capsys, reason, answer) -> None:
    ok, line = run(capsys, check_conv_output_shape, answer)
    assert not ok and line.startswith(f"✘ the output shape is wrong: {reason}")


def test_parameter_count(capsys) -> None:
    assert run(capsys, check_conv_parameter_count, 608)[0]
    assert run(capsys, check_conv_parameter_count, 608.0)[0]
    for answer, reason in ((600, "the 8 biases are missing"), (208, "the input channels are missing"),
                           (608 * 225, "it counts one kernel per output position"), (607, "expected 608, got 607")):
        ok, line = run(capsys, check_conv_parameter_count, answer)
        assert not ok and reason in line


def correlate(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    h, w = A.shape[0] - B.shape[0] + 1, A.shape[1] - B.shape[1] + 1
    return np.array([[np.sum(A[a : a + B.shape[0], c : c + B.shape[1]] * B) for c in range(w)] for a in range(h)])


# the average-pool version of the worked example, by hand
P_avg = np.array([[Z[u : u + 2, v : v + 2].mean() for v in range(2)] for u in range(2)])


def avg_dZ(scale: float = 0.25, add: bool = True) -> np.ndarray:
    out = np.zeros((3, 3))
    for u in range(2):
        for v in range(2):
            if add:
                out[u : u + 2, v : v + 2] += (P_avg[u, v] - T_TINY[u, v]) * scale
            else:
                out[u : u + 2, v : v + 2] = (P_avg[u, v] - T_TINY[u, v]) * scale
    return out


dK_avg = correlate(X_TINY, avg_dZ())


def test_avgpool_dK(capsys) -> None:
    assert run(capsys, check_avgpool_dK, dK_avg) == (True, "✔ dK is correct.")
    assert run(capsys, check_avgpool_dK, dK_avg.tolist())[0]
    for answer, reason in ((dK, "it is dK of the max-pool version"), (correlate(X_TINY, avg_dZ(1.0)), "1/4"),
                           (correlate(X_TINY, avg_dZ(add=False)), "the windows overlap"),
                           (np.rot90(dK_avg, 2), "rotated by 180 degrees"), (dK_avg.T, "transposed"),
                           (dK_avg + 0.5, "entries")):
        ok, line = run(capsys, check_avgpool_dK, answer)
        assert not ok and reason in line, line


def test_full_conv_dX(capsys) -> None:
    right = correlate(padded, K_OTHER[::-1, ::-1])
    assert run(capsys, check_full_conv_dX, right) == (True, "✔ dX is correct.")
    for answer, reason in ((correlate(padded, K_OTHER), "the kernel is not flipped"),
                           (np.rot90(right, 2), "flip the kernel, not the result"),
                           (dX, "the worked example's kernel K"),
                           (right[1:, 1:], "it has shape (3, 3); expected shape (4, 4)"), (right - 1, "entries")):
        ok, line = run(capsys, check_full_conv_dX, answer)
        assert not ok and reason in line, line


def pool_backward(rule: str) -> np.ndarray:
    out = np.zeros((4, 4))
    for u in range(2):
        for v in range(2):
            w = X_POOL[2 * u : 2 * u + 2, 2 * v : 2 * v + 2]
            top = [(i, j) for i in range(2) for j in range(2) if w[i, j] == w.max()]
            if rule == "first":
                top = top[:1]
            elif rule == "last":
                top = top[-1:]
            for i, j in top:
                out[2 * u + i, 2 * v + j] += DY_POOL[u, v] / (len(top) if rule == "split" else 1)
    return out


def test_maxpool_backward(capsys) -> None:
    assert run(capsys, check_maxpool_backward, pool_backward("first")) == (True, "✔ dX is correct.")
    avg = np.kron(DY_POOL, np.ones((2, 2))) / 4
    for answer, reason in ((pool_backward("last"), "not to the last"), (pool_backward("split"), "splitting it"),
                           (pool_backward("all"), "each tied maximum"), (avg, "average pooling"),
                           (pool_backward("first").T, "transposed"), (pool_backward("first") + 1, "entries")):
        ok, line = run(capsys, check_maxpool_backward, answer)
        assert not ok and reason in line, line
