"""Tests of bpkit.conv_routes: four routes agree on the tiny convolution; the backward formulas are proved."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.conv import Conv2D
from bpkit.conv_routes import (
    SymbolicTinyConv,
    compare_tiny_conv_routes,
    prove_conv_gradients,
    tiny_conv_forward,
    tiny_conv_gradients,
)
from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.pool import MaxPool2D


def problem(seed: int, shape: tuple[int, int] = (4, 4), kernel: tuple[int, int] = (2, 2), pool: int = 2,
            stride: int = 1) -> tuple:
    rng = np.random.default_rng(seed)
    X, K = rng.normal(size=shape), rng.normal(size=kernel)
    zh, zw = shape[0] - kernel[0] + 1, shape[1] - kernel[1] + 1
    T = rng.normal(size=((zh - pool) // stride + 1, (zw - pool) // stride + 1))
    return X, K, float(rng.normal()), T


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**16))
def test_four_routes_agree_on_the_4x4_input_and_2x2_kernel(seed: int) -> None:
    result = compare_tiny_conv_routes(*problem(seed))
    assert result.agree(exact_tol=1e-10, numeric_tol=1e-7)
    assert [r.name for r in result.rows] == ["K", "b", "X"]
    assert max(result.max_diff("symbolic"), result.max_diff("autodiff")) <= 1e-10
    assert result.max_diff("numeric") <= 1e-7


@pytest.mark.parametrize(("shape", "kernel", "pool", "stride"), [((5, 4), (2, 3), 2, 2), ((3, 3), (1, 1), 3, 1),
                                                                  ((4, 5), (3, 2), 1, 1)])
def test_other_sizes_and_pools(shape: tuple, kernel: tuple, pool: int, stride: int) -> None:
    result = compare_tiny_conv_routes(*problem(1, shape, kernel, pool, stride), pool=pool, pool_stride=stride)
    assert result.agree()


def test_forward_matches_the_layers() -> None:
    X, K, b, T = problem(2)
    Z, P, J = tiny_conv_forward(X, K, b, T)
    Zl = Conv2D(1, 1, 2, W=K[None, None], b=[b]).forward(X[None, None])
    np.testing.assert_allclose(Z, Zl[0, 0], rtol=1e-14)
    np.testing.assert_allclose(P, MaxPool2D(2, 1).forward(Zl)[0, 0], rtol=1e-14)
    assert np.isclose(J, 0.5 * np.sum((P - T) ** 2))


def test_symbolic_values_are_exact() -> None:
    net = SymbolicTinyConv.build()
    X = np.arange(16.0).reshape(4, 4) / 4
    K, T = np.array([[1.0, -0.5], [0.25, 2.0]]), np.zeros((2, 2))
    J = net.local_loss(X, K, 0.5, T).xreplace(net.substitutions(X, K, 0.5, T))
    assert isinstance(J, sp.Rational)  # no rounding anywhere: a fraction
    assert float(J) == tiny_conv_forward(X, K, 0.5, T)[2]
    grads = net.gradients(X, K, 0.5, T)
    assert set(grads) == {"K", "b", "X"} and grads["X"].shape == (4, 4)
    assert all(isinstance(g, sp.Rational) for g in grads["X"])
    assert net.P.shape == (2, 2) and isinstance(net.P[0, 0], sp.Max)


def test_ties_follow_the_first_maximum_and_the_exact_route_refuses_them() -> None:
    X = np.ones((4, 4))  # every window of Z is a tie
    K, b, T = np.ones((2, 2)), 0.0, np.zeros((2, 2))
    manual = tiny_conv_gradients("manual", X, K, b, T)
    auto = tiny_conv_gradients("autodiff", X, K, b, T)
    for k in manual:
        np.testing.assert_array_equal(manual[k], auto[k])
    with pytest.raises(ArgumentValueError, match="tie"):
        tiny_conv_gradients("symbolic", X, K, b, T)


@pytest.mark.parametrize(("shape", "kernel"), [((4, 4), (2, 2)), ((3, 5), (2, 3)), ((3, 3), (3, 3))])
def test_backward_formulas_are_proved(shape: tuple, kernel: tuple) -> None:
    assert prove_conv_gradients(shape, kernel) == {"dK = X corr G": True, "dX = full conv of G with flipped K": True,
                                                  "db = sum G": True}


def test_bad_input() -> None:
    X, K, b, T = problem(0)
    with pytest.raises(ShapeError, match=r"T must have the pooled shape \(2, 2\), got \(3, 3\)"):
        tiny_conv_forward(X, K, b, np.zeros((3, 3)))
    with pytest.raises(ShapeError, match="kernel 5x5 is larger than the input 4x4"):
        tiny_conv_forward(X, np.zeros((5, 5)), b, T)
    with pytest.raises(ShapeError, match=r"pool 4x4 is larger than the convolution's output 3x3"):
        tiny_conv_forward(X, K, b, T, pool=4)
    with pytest.raises(ArgumentValueError, match="route must be one of"):
        tiny_conv_gradients("guess", X, K, b, T)
    with pytest.raises(ShapeError, match="kernel 3x3 is larger than the input 2x2"):
        prove_conv_gradients((2, 2), (3, 3))
