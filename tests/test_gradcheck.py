"""Tests of bpkit.gradcheck: finite differences, relative error, check_model reports and kinks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from bpkit.errors import ArgumentValueError
from bpkit.gradcheck import KinkWarning, check_model
from bpkit.layers import Dense
from bpkit.losses import MSE, SquaredError
from bpkit.model import MLP, Sequential


def test_check_model_zeroes_stale_gradients_and_checks_its_arguments() -> None:
    rng = np.random.default_rng(0)
    model = MLP([3, 4, 2], activation="tanh", seed=0)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    model.backward(model.forward(X * 3))  # stale gradients that a check must not add to
    assert check_model(model, MSE(), X, y).passed
    assert check_model(model, "mse", X, y).passed
    with pytest.raises(ArgumentValueError, match="order must be 2 or 4"):
        check_model(model, MSE(), X, y, order=3)
    with pytest.raises(ArgumentValueError, match="X must be finite"):
        check_model(model, MSE(), X * np.nan, y)


def test_check_model_passes_a_correct_model_and_catches_a_bug() -> None:
    rng = np.random.default_rng(0)
    model = MLP([3, 4, 2], activation="tanh", seed=0)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    report = check_model(model, MSE(), X, y)
    assert report.passed and report.max_error < 1e-8
    assert [r["name"] for r in report.rows] == ["W1", "b1", "W2", "b2"]
    assert "| W1 | (4, 3) |" in report.to_markdown() and "W1" in str(report)

    class WrongDense(Dense):
        def backward(self, grad_out):  # forgets the activation's derivative, as seed 000's text does
            self.dW[...] += grad_out.T @ self.x
            self.db[...] += grad_out.sum(axis=0)
            return grad_out @ self.W

    bad = Sequential([WrongDense(3, 4, activation="tanh", rng=rng), Dense(4, 2, rng=rng)])
    report = check_model(bad, MSE(), X, y)
    assert not report.passed
    assert {r["name"]: r["passed"] for r in report.rows} == {"W1": False, "b1": False, "W2": True, "b2": True}


def test_check_model_subsamples_entries() -> None:
    model = MLP([6, 8, 3], activation="sigmoid", seed=1)
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(4, 6)), rng.normal(size=(4, 3))
    report = check_model(model, SquaredError(), X, y, max_entries=5, rng=np.random.default_rng(0))
    assert [r["checked"] for r in report.rows] == [5, 5, 5, 3]
    assert report.passed
    with pytest.raises(TypeError, match="rng"):
        check_model(model, SquaredError(), X, y, max_entries=5)


def test_kink_crossing_is_detected_and_warned() -> None:
    # one ReLU unit whose pre-activation sits at z = 1e-4, inside the stencil's reach of +-2e-3
    model = Sequential([Dense(1, 1, activation="relu", W=[[1.0]], b=[-1.0 + 1e-4]), Dense(1, 1, W=[[1.0]], b=[0.0])])
    with pytest.warns(KinkWarning, match="W1, b1"):
        report = check_model(model, MSE(), np.array([[1.0]]), np.array([[1.0]]))
    assert {r["name"]: r["kink"] for r in report.rows} == {"W1": True, "b1": True, "W2": False, "b2": False}
    assert not report.passed  # the numeric slope straddles the kink
    with warnings.catch_warnings():
        warnings.simplefilter("error", KinkWarning)
        far = Sequential([Dense(1, 1, activation="relu", W=[[1.0]], b=[0.5]), Dense(1, 1, W=[[1.0]], b=[0.0])])
        assert check_model(far, MSE(), np.array([[0.0]]), np.array([[1.0]])).passed


def test_check_model_leaves_the_model_unchanged() -> None:
    model = MLP([2, 3, 1], seed=3)
    before = {k: p.copy() for k, p in model.parameters().items()}
    check_model(model, MSE(), np.ones((2, 2)), np.zeros((2, 1)))
    assert all(np.array_equal(p, before[k]) for k, p in model.parameters().items())


def test_report_with_floors_shows_bounds_and_drops_the_worst_index() -> None:
    rng = np.random.default_rng(0)
    report = check_model(MLP([3, 4, 2], activation="tanh", seed=0), MSE(), rng.normal(size=(5, 3)),
                         rng.normal(size=(5, 2)))
    table = report.to_markdown(floors=(1e-8,))
    assert table.splitlines()[0] == "| parameter | shape | checked | max relative error | passed | kink crossed |"
    assert table.count("| < 1e-8 | yes | no |") == 4 and "worst index" in report.to_markdown()
