"""Tests of bpkit.exercises.ch06."""

from __future__ import annotations

import numpy as np

from bpkit.activations import sigmoid
from bpkit.exercises.ch06 import check_differences, check_stencil_evaluations, check_xor_backward, stencil_evaluations


def _right(X, Y, p):
    A1 = np.tanh(X @ p["W1"].T + p["b1"])
    dZ2 = (sigmoid(A1 @ p["W2"].T + p["b2"]) - Y) / X.shape[0]
    dZ1 = (dZ2 @ p["W2"]) * (1 - A1**2)
    return {"W1": dZ1.T @ X, "b1": dZ1.sum(0), "W2": dZ2.T @ A1, "b2": dZ2.sum(0)}


def test_xor_backward(capsys) -> None:
    assert check_xor_backward(_right)

    def no_mean(X, Y, p):
        return {k: v * X.shape[0] for k, v in _right(X, Y, p).items()}

    assert not check_xor_backward(no_mean)
    assert "1/N" in capsys.readouterr().out.splitlines()[-1]
    assert not check_xor_backward(lambda X, Y, p: {"W1": 0})


def test_differences(capsys) -> None:
    fwd = lambda f, x, e: (f(x + e) - f(x)) / e  # noqa: E731
    cen = lambda f, x, e: (f(x + e) - f(x - e)) / (2 * e)  # noqa: E731
    assert check_differences(fwd, cen)
    assert not check_differences(fwd, lambda f, x, e: (f(x + e) - f(x - e)) / e)


def test_stencil_evaluations(capsys) -> None:
    assert stencil_evaluations() == 4 * (5 + 5 + 5 + 3)
    assert check_stencil_evaluations(72)
    assert not check_stencil_evaluations(36)
    assert "4" in capsys.readouterr().out.splitlines()[-1]
