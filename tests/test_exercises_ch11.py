"""Tests of bpkit.exercises.ch11: right answers pass, the typical wrong ones fail with their hint."""

from __future__ import annotations

import numpy as np

from bpkit.exercises.ch11 import accumulated_grad, check_accumulated_grad, check_keras_weights, check_reduction_factor
from bpkit.model import MLP


def _batches():
    rng = np.random.default_rng(5)
    return [(rng.normal(size=(16, 4)), rng.integers(0, 3, size=16)) for _ in range(3)]


def test_keras_weights(capsys) -> None:
    model = MLP([4, 8, 8, 3], activation="tanh", seed=11)
    p = model.parameters()
    right = [p["W1"].T, p["b1"], p["W2"].T, p["b2"], p["W3"].T, p["b3"]]
    assert check_keras_weights(model, right)
    assert capsys.readouterr().out == "✔ the Keras weight list is correct.\n"
    untransposed = [p["W1"], p["b1"], p["W2"], p["b2"], p["W3"], p["b3"]]
    assert not check_keras_weights(model, untransposed)
    assert "transposed" in capsys.readouterr().out
    assert not check_keras_weights(model, right[:4])
    assert "needs 6 arrays" in capsys.readouterr().out


def test_accumulated_grad(capsys) -> None:
    batches = _batches()
    assert check_accumulated_grad(batches, accumulated_grad(batches))
    assert "correct" in capsys.readouterr().out
    assert not check_accumulated_grad(batches, accumulated_grad(batches[-1:]))
    assert "last batch's gradient alone" in capsys.readouterr().out
    mean = accumulated_grad(batches) / 3
    assert not check_accumulated_grad(batches, mean)
    assert "1/3 of the right value" in capsys.readouterr().out


def test_reduction_factor(capsys) -> None:
    assert check_reduction_factor(320)
    assert not check_reduction_factor(32)
    assert "wrong" in capsys.readouterr().out
