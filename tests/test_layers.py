"""Tests of bpkit.layers: Dense, ActivationLayer and Dropout forward/backward, shapes and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.errors import ArgumentTypeError, ArgumentValueError, CallOrderError, ShapeError
from bpkit.gradcheck import numerical_gradient, relative_error
from bpkit.layers import ActivationLayer, Dense, Dropout
from strategies import seeds

ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"]


def _fd_check(layer, X: np.ndarray, G: np.ndarray) -> float:
    """Max relative error of backward() against central differences of sum(G * layer(X))."""
    layer.forward(X)
    dX = layer.backward(G)
    grads = {k: v.copy() for k, v in layer.grads().items()}
    objective = lambda: float(np.sum(G * layer.forward(X)))  # noqa: E731
    worst = relative_error(dX, numerical_gradient(objective, X, order=4), tiny=1e-5).max()
    for name, p in layer.params().items():
        worst = max(worst, relative_error(grads[name], numerical_gradient(objective, p, order=4), tiny=1e-5).max())
    return float(worst)


@pytest.mark.parametrize("activation", ACTS)
@given(n=st.integers(1, 4), n_in=st.integers(1, 4), n_out=st.integers(1, 4), seed=seeds(), bias=st.booleans())
@settings(max_examples=25, deadline=None)
def test_dense_backward_matches_finite_differences(activation, n, n_in, n_out, seed, bias) -> None:
    rng = np.random.default_rng(seed)
    layer = Dense(n_in, n_out, activation=activation, init="normal", bias=bias, rng=rng)
    layer.W[...] = rng.normal(size=layer.W.shape)
    X = rng.normal(size=(n, n_in))
    if activation in ("relu", "leaky_relu"):  # move pre-activations away from the kink
        z = X @ layer.W.T + (layer.b if layer.b is not None else 0)
        if np.abs(z).min() < 1e-2:
            return
    G = rng.normal(size=(n, n_out))
    assert _fd_check(layer, X, G) < 1e-7


def test_dense_shapes_and_formulas() -> None:
    W = np.array([[1.0, -1.0], [2.0, 1.0], [0.5, 0.0]])
    b = np.array([0.1, 0.2, 0.3])
    layer = Dense(2, 3, W=W, b=b)
    X = np.array([[1.0, -2.0], [0.0, 1.0]])
    out = layer.forward(X)
    assert np.allclose(out, X @ W.T + b)
    G = np.ones((2, 3))
    dX = layer.backward(G)
    assert layer.dW.shape == W.shape and layer.db.shape == b.shape and dX.shape == X.shape
    assert np.allclose(layer.dW, G.T @ X) and np.allclose(layer.db, G.sum(0)) and np.allclose(dX, G @ W)
    assert layer.params()["W"] is layer.W  # live arrays
    W[0, 0] = 99.0
    assert layer.W[0, 0] == 1.0  # an explicit W is copied


def test_dense_errors_name_the_layer_and_shapes() -> None:
    layer = Dense(2, 3, rng=np.random.default_rng(0))
    with pytest.raises(CallOrderError, match="Dense 2->3: call forward"):
        layer.backward(np.ones((4, 3)))
    with pytest.raises(ShapeError, match=r"Dense 2->3: X must have shape \(N, 2\), got \(4, 5\)"):
        layer.forward(np.ones((4, 5)))
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ShapeError, match=r"grad_out must have the output's shape \(4, 3\), got \(3, 4\)"):
        layer.backward(np.ones((3, 4)))
    with pytest.raises(ShapeError, match=r"W must have shape \(3, 2\), got \(2, 3\)"):
        Dense(2, 3, W=np.ones((2, 3)))
    with pytest.raises(ArgumentTypeError, match="rng"):
        Dense(2, 3)
    with pytest.raises(ArgumentValueError, match=r"activation must be one of .* got 'gelu'"):
        Dense(2, 3, activation="gelu", rng=np.random.default_rng(0))
    with pytest.raises(ArgumentValueError, match="n_in must be an integer >= 1"):
        Dense(0, 3, rng=np.random.default_rng(0))
    assert np.array_equal(Dense(2, 3, init="zeros").W, np.zeros((3, 2)))


def test_activation_layer_and_extremes() -> None:
    layer = ActivationLayer("sigmoid")
    X = np.array([[-1000.0, 0.0, 1000.0]])
    A = layer.forward(X)
    assert np.allclose(A, [[0.0, 0.5, 1.0]])
    assert np.allclose(layer.backward(np.ones_like(X)), [[0.0, 0.25, 0.0]])
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3, 4))
    assert _fd_check(ActivationLayer("tanh"), X, rng.normal(size=(3, 4))) < 1e-7
    dense = Dense(3, 2, activation="sigmoid", rng=rng)
    assert np.isfinite(dense.forward(np.full((2, 3), 1e3))).all()


# --- the gradient rule: backward adds into grads(), zero_grad() resets them ---


@pytest.mark.parametrize("activation", ACTS)
def test_two_backward_calls_add_their_gradients(activation: str) -> None:
    rng = np.random.default_rng(4)
    layer = Dense(3, 2, activation=activation, rng=rng)
    X1, X2 = rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    G1, G2 = rng.normal(size=(4, 2)), rng.normal(size=(5, 2))
    single = []
    for X, G in ((X1, G1), (X2, G2)):
        layer.zero_grad()
        layer.forward(X)
        layer.backward(G)
        single.append({k: g.copy() for k, g in layer.grads().items()})
    layer.zero_grad()
    for X, G in ((X1, G1), (X2, G2)):
        layer.forward(X)
        layer.backward(G)
    for k, g in layer.grads().items():
        assert np.allclose(g, single[0][k] + single[1][k], rtol=1e-13, atol=1e-15)


def test_zero_grad_resets_and_is_seen_through_every_accessor() -> None:
    rng = np.random.default_rng(5)
    layer = Dense(2, 3, activation="tanh", rng=rng)
    layer.forward(rng.normal(size=(4, 2)))
    layer.backward(rng.normal(size=(4, 3)))
    assert np.any(layer.dW != 0) and np.any(layer.db != 0)
    layer.zero_grad()
    assert np.all(layer.dW == 0) and np.all(layer.db == 0)
    layer.zero_grad()
    assert all(np.all(g == 0) for g in layer.grads().values())
    # the input gradient does not depend on what the parameter gradients held
    X, G = rng.normal(size=(4, 2)), rng.normal(size=(4, 3))
    layer.forward(X)
    dX_fresh = layer.backward(G)
    layer.forward(X)
    assert np.array_equal(layer.backward(G), dX_fresh)
    assert np.allclose(layer.dW, 2 * (G * (1 - np.tanh(X @ layer.W.T + layer.b) ** 2)).T @ X)


def test_zero_grad_zeroes_the_arrays_in_place() -> None:
    """A reference taken before zero_grad sees the zeros, and a write through it is added to, not lost."""
    rng = np.random.default_rng(8)
    layer = Dense(2, 2, activation="tanh", rng=rng)
    X, G = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    layer.forward(X)
    layer.backward(G)
    held = layer.grads()
    layer.zero_grad()
    assert np.all(held["W"] == 0) and np.all(held["b"] == 0)
    layer.forward(X)
    layer.backward(G)
    single = held["W"].copy()
    layer.zero_grad()
    held["W"][0, 0] = 5.0  # written by hand between zero_grad and backward
    layer.forward(X)
    layer.backward(G)
    expected = single.copy()
    expected[0, 0] += 5.0
    assert np.allclose(held["W"], expected, rtol=1e-15)


def test_grads_written_by_hand_are_added_to() -> None:
    layer = Dense(1, 1, W=[[2.0]], b=[0.0])
    layer.zero_grad()
    layer.grads()["W"][...] = 10.0  # e.g. a penalty's gradient, added before backward
    layer.forward(np.array([[3.0]]))
    layer.backward(np.array([[1.0]]))
    assert layer.dW[0, 0] == 13.0


@pytest.mark.parametrize("make", [
    lambda: Dense(3, 2, activation="sigmoid", rng=np.random.default_rng(0)),
    lambda: Dense(3, 2, activation="tanh", rng=np.random.default_rng(0)),
    lambda: Dense(3, 2, activation="softmax", rng=np.random.default_rng(0)),
    lambda: Dense(3, 2, activation="relu", rng=np.random.default_rng(0)),
    lambda: Dense(3, 2, activation="identity", rng=np.random.default_rng(0)),
    lambda: Dense(3, 2, activation="leaky_relu", rng=np.random.default_rng(0)),
    lambda: ActivationLayer("sigmoid"),
    lambda: ActivationLayer("softmax"),
    lambda: ActivationLayer("leaky_relu"),
    lambda: ActivationLayer("relu"),
    lambda: ActivationLayer("identity"),
    lambda: Dropout(0.5, np.random.default_rng(0)),
    lambda: Dropout(0.5, np.random.default_rng(0)).eval(),
])
def test_modifying_the_output_does_not_change_backward(make) -> None:
    rng = np.random.default_rng(6)
    X = rng.normal(size=(4, 3))
    layer = make()
    out = layer.forward(X)
    G = rng.normal(size=out.shape)
    expected = layer.backward(G)
    grads = {k: g.copy() for k, g in layer.grads().items()}
    layer = make()  # a fresh copy: the same weights (and the same dropout mask)
    out = layer.forward(X)
    out *= -7.0
    out += 3.0
    assert np.array_equal(layer.backward(G), expected)
    assert all(np.array_equal(g, grads[k]) for k, g in layer.grads().items())


def test_fast_path_without_input_gradient_adds_the_same() -> None:
    rng = np.random.default_rng(7)
    layer = Dense(3, 2, activation="relu", rng=rng)
    X, G = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer.forward(X)
    layer.backward(G)
    full = layer.dW.copy()
    layer.zero_grad()
    layer.forward(X)
    assert layer.backward(G, input_grad=False) is None
    assert np.array_equal(layer.dW, full)
    layer.backward_params(G)
    assert np.allclose(layer.dW, 2 * full)


