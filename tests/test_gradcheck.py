"""Tests of bpkit.gradcheck: finite differences, relative error, check_model reports and kinks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.gradcheck import KinkWarning, check_model, format_error, numerical_gradient, relative_error
from bpkit.layers import Dense
from bpkit.losses import MSE, SquaredError
from bpkit.model import MLP, Sequential


@given(st.floats(-3, 3), st.floats(-3, 3))
@settings(max_examples=40, deadline=None)
def test_numerical_gradient_of_a_known_function(a: float, b: float) -> None:
    x = np.array([a, b])
    f = lambda: float(np.sin(x[0]) * x[1] ** 2 + np.exp(0.5 * x[0]))  # noqa: E731
    exact = np.array([np.cos(a) * b**2 + 0.5 * np.exp(0.5 * a), 2 * np.sin(a) * b])
    for order, tol in ((2, 1e-8), (4, 1e-10)):
        g = numerical_gradient(f, x, order=order)
        assert np.allclose(g, exact, rtol=0, atol=tol)
    assert np.array_equal(x, [a, b])  # restored exactly


def test_error_versus_step_follows_the_theory() -> None:
    """Central differences: the error first falls like eps^2, then rises like u/eps."""
    x = np.array([0.7])
    f = lambda: float(np.exp(x[0]))  # noqa: E731
    errors = {eps: abs(numerical_gradient(f, x, eps=eps)[0] - np.exp(0.7)) for eps in (1e-1, 1e-2, 1e-5, 1e-10)}
    assert 50 < errors[1e-1] / errors[1e-2] < 200  # ~ (10)^2 = 100: truncation
    assert errors[1e-5] < errors[1e-2] and errors[1e-5] < errors[1e-10]  # rounding wins for tiny eps


def test_relative_error_conventions() -> None:
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(1.0, 1.0 + 1e-9) == pytest.approx(1e-9, rel=1e-6)
    assert relative_error(2.0, -2.0) == 2.0
    with pytest.raises(ShapeError, match="shapes"):
        relative_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_input_errors() -> None:
    with pytest.raises(ArgumentTypeError, match="x must be the float64 NumPy array"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))
    with pytest.raises(ArgumentValueError, match="order must be 2 or 4"):
        numerical_gradient(lambda: 0.0, np.zeros(3), order=3)
    with pytest.raises(ArgumentValueError, match="eps must be a finite number > 0"):
        numerical_gradient(lambda: 0.0, np.zeros(3), eps=0.0)
    with pytest.raises(ArgumentTypeError, match=r"f must take no argument \(reading x\) or one \(x\)"):
        numerical_gradient(lambda a, b: 0.0, np.zeros(3))
    with pytest.raises(ArgumentTypeError, match="f must return a real number, got ndarray of shape"):
        numerical_gradient(lambda v: v * 2, np.zeros(3))


def test_numerical_gradient_takes_f_of_x_or_f_reading_x() -> None:
    x = np.array([0.3, -1.2])
    by_argument = numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    by_closure = numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert np.array_equal(by_argument, by_closure) and np.allclose(by_argument, np.cos(x), atol=1e-9)


def test_an_interrupted_check_restores_the_weight() -> None:
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f() -> float:
        calls.append(x.copy())
        if len(calls) == 3:
            raise KeyboardInterrupt  # e.g. Ctrl-C in the middle of a stencil
        return float(x.sum())

    with pytest.raises(KeyboardInterrupt):
        numerical_gradient(f, x)
    assert np.array_equal(x, [1.0, 2.0, 3.0])
    assert not np.array_equal(calls[-1], x)  # it was perturbed when the interrupt came


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


def test_format_error_prints_rounding_noise_as_a_bound() -> None:
    assert format_error(3e-16) == "< 1e-15" and format_error(2e-13) == "< 1e-12"
    assert format_error(5e-10) == "< 1e-9" and format_error(0.0) == "< 1e-15"
    assert format_error(2e-8) == "2e-08" and format_error(0.8) == "0.8"
    assert format_error(5e-9, floors=(1e-8,)) == "< 1e-8" and format_error(2.0, floors=(1e-8,)) == "2"


def test_report_with_floors_shows_bounds_and_drops_the_worst_index() -> None:
    rng = np.random.default_rng(0)
    report = check_model(MLP([3, 4, 2], activation="tanh", seed=0), MSE(), rng.normal(size=(5, 3)),
                         rng.normal(size=(5, 2)))
    table = report.to_markdown(floors=(1e-8,))
    assert table.splitlines()[0] == "| parameter | shape | checked | max relative error | passed | kink crossed |"
    assert table.count("| < 1e-8 | yes | no |") == 4 and "worst index" in report.to_markdown()
