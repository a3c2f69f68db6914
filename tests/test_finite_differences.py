"""Tests of bpkit.finite_differences: central differences and their error, f() or f(x), restoring x, relative errors, error bounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.finite_differences import format_error, numerical_gradient, relative_error


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


def test_format_error_prints_rounding_noise_as_a_bound() -> None:
    assert format_error(3e-16) == "< 1e-15" and format_error(2e-13) == "< 1e-12"
    assert format_error(5e-10) == "< 1e-9" and format_error(0.0) == "< 1e-15"
    assert format_error(2e-8) == "2e-08" and format_error(0.8) == "0.8"
    assert format_error(5e-9, floors=(1e-8,)) == "< 1e-8" and format_error(2.0, floors=(1e-8,)) == "2"
