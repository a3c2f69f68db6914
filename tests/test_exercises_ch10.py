"""Tests of bpkit.exercises.ch10."""

from __future__ import annotations

import numpy as np

from bpkit.data import load_digits
from bpkit.exercises.ch10 import _fit_part, check_confusion, check_mean_leak, check_parameter_count
from bpkit.model import MLP


def test_mean_leak(capsys) -> None:
    X, _ = load_digits()
    value = float(np.max(np.abs(X.mean(axis=0) - _fit_part().mean(axis=0))))
    assert value > 0
    assert check_mean_leak(value)
    assert not check_mean_leak(0.0)


def test_confusion(capsys) -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 64)), rng.integers(0, 10, 50)
    model = MLP([64, 10], seed=0)
    pred = model.predict(X).argmax(axis=1)
    right = np.zeros((10, 10), dtype=int)
    np.add.at(right, (y, pred), 1)
    assert check_confusion(model, X, y, right)
    assert not check_confusion(model, X, y, right.T)
    assert "transposed" in capsys.readouterr().out.splitlines()[-1]


def test_parameter_count(capsys) -> None:
    assert check_parameter_count(128 * 64 + 128 + 10 * 128 + 10)
    assert not check_parameter_count(128 * 64 + 10 * 128)
