"""Tests of bpkit.functions: gradients against finite differences, minima, grids, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.functions import beale, quadratic, rosenbrock, saddle
from bpkit.gradcheck import numerical_gradient, relative_error

FUNCTIONS = [quadratic(), quadratic(50.0), rosenbrock(), beale(), saddle()]


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.name)
@given(x=st.floats(-2, 2), y=st.floats(-2, 2))
@settings(max_examples=40, deadline=None)
def test_gradient_matches_finite_differences(fn, x: float, y: float) -> None:
    p = np.array([x, y])
    numeric = numerical_gradient(lambda: fn.f(p), p, order=4, eps=1e-4)
    scale = max(1.0, float(np.abs(fn.grad(p)).max()))
    assert relative_error(fn.grad(p), numeric, tiny=scale * 1e-3).max() < 1e-7


@pytest.mark.parametrize("fn", [f for f in FUNCTIONS if f.minimum is not None], ids=lambda f: f.name)
def test_minimum_is_stationary_and_lowest_on_a_grid(fn) -> None:
    assert np.allclose(fn.grad(fn.minimum), 0.0)
    X, Y = np.meshgrid(np.linspace(*fn.xlim, 201), np.linspace(*fn.ylim, 201))
    assert fn.value_grid(X, Y).min() >= fn.f(fn.minimum) - 1e-12


def test_value_grid_agrees_with_f_and_saddle_has_no_minimum() -> None:
    fn = beale()
    X, Y = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(0, 2, 3))
    grid = fn.value_grid(X, Y)
    assert grid.shape == (3, 4)
    assert all(np.isclose(grid[i, j], fn.f([X[i, j], Y[i, j]])) for i in range(3) for j in range(4))
    s = saddle()
    assert s.minimum is None and np.allclose(s.grad([0.0, 0.0]), 0.0)
    assert s.f([0.0, 10.0]) < s.f([0.0, 0.0]) < s.f([10.0, 0.0])


def test_quadratic_condition_number_is_the_hessian_ratio() -> None:
    fn = quadratic(25.0)
    H = np.column_stack([fn.grad([1.0, 0.0]), fn.grad([0.0, 1.0])])  # gradient is linear: H e_i
    eig = np.linalg.eigvalsh(H)
    assert np.isclose(eig.max() / eig.min(), 25.0)


def test_errors() -> None:
    with pytest.raises(ValueError, match="condition_number"):
        quadratic(0.5)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        rosenbrock().f([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"Y must have the shape of X \(3,\), got \(4,\)"):
        beale().value_grid(np.zeros(3), np.zeros(4))
