"""Tests of bpkit.layers: Dense, ActivationLayer and Dropout forward/backward, shapes and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"Dense 2->3: expected input of shape \(N, 2\), got \(4, 5\)"):
        layer.forward(np.ones((4, 5)))
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"must have shape \(4, 3\), got \(3, 4\)"):
        layer.backward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"W must have shape \(n_out, n_in\) = \(3, 2\), got \(2, 3\)"):
        Dense(2, 3, W=np.ones((2, 3)))
    with pytest.raises(TypeError, match="rng"):
        Dense(2, 3)
    with pytest.raises(ValueError, match="known activations"):
        Dense(2, 3, activation="gelu", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="positive integer"):
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


def test_dropout_scales_masks_and_backward() -> None:
    rng = np.random.default_rng(0)
    drop = Dropout(0.25, rng)
    X = np.ones((2000, 50))
    A = drop.forward(X)
    kept = A != 0
    assert np.allclose(A[kept], 1 / 0.75)
    assert abs(kept.mean() - 0.75) < 0.01
    assert abs(A.mean() - 1.0) < 0.02  # inverted dropout keeps the expectation
    G = np.arange(X.size, dtype=float).reshape(X.shape)
    assert np.array_equal(drop.backward(G), G * drop.mask)
    # with the mask fixed, dropout is linear, and backward is its exact derivative
    small = Dropout(0.5, np.random.default_rng(2))
    Xs = np.random.default_rng(3).normal(size=(3, 4))
    small.forward(Xs)
    mask = small.mask.copy()
    assert np.allclose(small.backward(np.ones_like(Xs)), mask)
    drop.training = False
    assert np.array_equal(drop.forward(X), X)


def test_dropout_errors() -> None:
    with pytest.raises(ValueError, match="0 <= p < 1"):
        Dropout(1.0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        Dropout(0.5, None)
