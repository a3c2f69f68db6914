"""Tests of bpkit.sequential: the chain rule over layers, weight sharing, accumulation until zero_grad, modes, predictions."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.errors import ArgumentTypeError, ArgumentValueError, CallOrderError
from bpkit.gradcheck import check_model
from bpkit.layers import Dense, Dropout
from bpkit.losses import MSE, CrossEntropy
from bpkit.model import MLP
from bpkit.sequential import Sequential


def test_duplicated_batch_gives_the_same_gradients() -> None:
    rng = np.random.default_rng(0)
    model = MLP([3, 4, 2], activation="tanh", seed=0)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    loss = CrossEntropy()
    model.backward(loss.grad(model.forward(X), y))
    once = {k: g.copy() for k, g in model.gradients().items()}
    model.zero_grad()
    model.backward(loss.grad(model.forward(np.vstack([X, X])), np.concatenate([y, y])))
    for k, g in model.gradients().items():
        assert np.allclose(g, once[k], rtol=1e-12, atol=1e-15)


def test_predict_uses_eval_mode_and_restores_it() -> None:
    rng = np.random.default_rng(0)
    model = Sequential([Dense(4, 4, rng=rng), Dropout(0.5, rng), Dense(4, 1, rng=rng)])
    X = rng.normal(size=(3, 4))
    assert np.array_equal(model.predict(X), model.predict(X))
    assert all(layer.training for layer in model.layers)
    model.zero_grad()
    assert all(np.all(g == 0) for g in model.gradients().values())


def test_sequential_rejects_non_layers() -> None:
    with pytest.raises(ArgumentTypeError, match=r"layers\[1\] must be a bpkit Layer, got str"):
        Sequential([Dense(2, 2, rng=np.random.default_rng(0)), "relu"])
    with pytest.raises(ArgumentValueError, match="at least one layer"):
        Sequential([])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "identity"])
def test_weight_sharing_passes_a_gradient_check(activation: str) -> None:
    rng = np.random.default_rng(0)
    d = Dense(3, 3, activation=activation, rng=rng)
    model = Sequential([d, d, Dense(3, 2, rng=rng)])
    assert list(model.parameters()) == ["W1", "b1", "W2", "b2"]  # the shared layer is listed once
    assert d.name == "layers 1, 2 (Dense 3->3)"
    report = check_model(model, MSE(), rng.normal(size=(4, 3)), rng.normal(size=(4, 2)))
    assert report.passed, str(report)


def test_shared_layer_gets_the_sum_of_both_uses() -> None:
    rng = np.random.default_rng(1)
    d = Dense(2, 2, activation="tanh", rng=rng)
    X, G = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    shared = Sequential([d, d])
    shared.zero_grad()
    shared.forward(X)
    dX = shared.backward(G)
    # by hand: the second use sees A1 = tanh(X W^T + b), the first X
    Z1 = X @ d.W.T + d.b
    A1 = np.tanh(Z1)
    dZ2 = G * (1 - np.tanh(A1 @ d.W.T + d.b) ** 2)
    dA1 = dZ2 @ d.W
    dZ1 = dA1 * (1 - A1**2)
    assert np.allclose(d.dW, dZ2.T @ A1 + dZ1.T @ X, rtol=1e-13)
    assert np.allclose(d.db, dZ2.sum(0) + dZ1.sum(0), rtol=1e-13)
    assert np.allclose(dX, dZ1 @ d.W, rtol=1e-13)


def test_model_backward_accumulates_until_zero_grad() -> None:
    rng = np.random.default_rng(2)
    model = MLP([3, 4, 2], activation="tanh", seed=0)
    X, y, loss = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5), CrossEntropy()
    model.zero_grad()
    model.backward(loss.grad(model.forward(X), y))
    once = {k: g.copy() for k, g in model.gradients().items()}
    model.backward(loss.grad(model.forward(X), y))  # no zero_grad: the sum of both
    assert all(np.allclose(g, 2 * once[k], rtol=1e-13) for k, g in model.gradients().items())
    model.backward(loss.grad(model.predict(X), y), input_grad=False)  # the cache of the last forward
    assert all(np.allclose(g, 3 * once[k], rtol=1e-13) for k, g in model.gradients().items())
    model.zero_grad()
    assert all(np.all(g == 0) for g in model.gradients().values()) and not model.has_gradients


def test_modifying_the_model_output_does_not_change_backward() -> None:
    rng = np.random.default_rng(3)
    model = MLP([3, 4, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
    X, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    model.forward(X)
    expected = model.backward(G)
    model.zero_grad()
    out = model.forward(X)
    out[...] = 0.0
    assert np.array_equal(model.backward(G), expected)


def test_backward_before_forward_is_a_call_order_error() -> None:
    with pytest.raises(CallOrderError, match="call forward"):
        MLP([2, 2]).backward(np.ones((1, 2)))


def test_predict_proba_and_classes_follow_the_output_activation() -> None:
    X = np.array([[0.0, 1.0], [2.0, -1.0]])
    logits = MLP([2, 3], seed=0)
    z = logits.predict(X)
    assert np.allclose(logits.predict_proba(X), np.exp(z) / np.exp(z).sum(1, keepdims=True))
    assert np.array_equal(logits.predict_classes(X), z.argmax(1))
    soft = MLP([2, 3], output_activation="softmax", seed=0)
    assert np.allclose(soft.predict_proba(X), soft.predict(X))
    binary = MLP([2, 1], seed=0)
    zb = binary.predict(X)[:, 0]
    assert np.array_equal(binary.predict_classes(X), (zb > 0).astype(int))
    assert np.allclose(binary.predict_proba(X)[:, 0], 1 / (1 + np.exp(-zb)))
    with pytest.raises(ArgumentValueError, match="'tanh'"):
        MLP([2, 1], output_activation="tanh").predict_proba(X)
