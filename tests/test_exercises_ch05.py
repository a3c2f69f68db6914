"""Tests of bpkit.exercises.ch05: right answers pass; typical mistakes fail with their hint."""

from __future__ import annotations

import numpy as np

from bpkit.activations import sigmoid
from bpkit.exercises.ch05 import (
    W1_SEED,
    W2_SEED,
    _second_example_loss,
    check_delta2_for_target_zero,
    check_dW1,
    check_second_example_loss,
)

x = np.array([1.0, -2.0])
a1 = sigmoid(W1_SEED @ x)
y_hat = sigmoid(W2_SEED @ a1)


def test_delta2(capsys) -> None:
    assert check_delta2_for_target_zero(y_hat * y_hat * (1 - y_hat))
    assert not check_delta2_for_target_zero(y_hat)
    assert "multiply by sigma'(z2)" in capsys.readouterr().out
    assert not check_delta2_for_target_zero((y_hat - 1) * y_hat * (1 - y_hat))


def test_dW1(capsys) -> None:
    delta2 = (y_hat - 1) * y_hat * (1 - y_hat)
    delta1 = (W2_SEED.T @ delta2) * a1 * (1 - a1)
    assert check_dW1(np.outer(delta1, x))
    capsys.readouterr()
    assert not check_dW1(np.outer(x, delta1))
    assert "transposed" in capsys.readouterr().out
    assert not check_dW1(np.outer(W2_SEED.T @ delta2, x))
    assert "sigma'(z1)" in capsys.readouterr().out


def test_second_example(capsys) -> None:
    assert _second_example_loss(0.5) < _second_example_loss(0.1) < _second_example_loss(0.0)
    assert check_second_example_loss(_second_example_loss(0.5))
    capsys.readouterr()
    assert not check_second_example_loss(_second_example_loss(0.1))
    assert "lr = 0.1" in capsys.readouterr().out
