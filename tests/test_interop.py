"""Tests of bpkit.interop, and (when PyTorch is installed) that bpkit and PyTorch agree exactly."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.interop import keras_weights, load_keras_weights, torch_layout, torch_state_dict
from bpkit.layers import ActivationLayer, Dense, Dropout
from bpkit.losses import MSE, CrossEntropy
from bpkit.model import MLP, Sequential
from bpkit.optim import SGD, Adam


def test_torch_layout_and_state_dict_names() -> None:
    model = MLP([4, 8, 8, 3], activation="tanh", seed=11)
    assert torch_layout(model) == ["Linear(4, 8, bias=True)", "Tanh()", "Linear(8, 8, bias=True)", "Tanh()", "Linear(8, 3, bias=True)"]
    state = torch_state_dict(model)
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert state["0.weight"].shape == (8, 4)  # the same (n_out, n_in) layout: no transpose
    rng = np.random.default_rng(0)
    mixed = Sequential([Dense(2, 3, rng=rng), ActivationLayer("relu"), Dropout(0.5, rng), Dense(3, 1, bias=False, rng=rng)])
    assert torch_layout(mixed) == ["Linear(2, 3, bias=True)", "ReLU()", "Dropout(p=0.5)", "Linear(3, 1, bias=False)"]
    assert list(torch_state_dict(mixed)) == ["0.weight", "0.bias", "3.weight"]


def test_keras_round_trip_transposes() -> None:
    model = MLP([4, 6, 2], seed=1)
    weights = keras_weights(model)
    assert [w.shape for w in weights] == [(4, 6), (6,), (6, 2), (2,)]
    assert np.array_equal(weights[0], model.layers[0].W.T)
    other = load_keras_weights(MLP([4, 6, 2], seed=2), weights)
    X = np.random.default_rng(0).normal(size=(3, 4))
    assert np.array_equal(other.predict(X), model.predict(X))
    with pytest.raises(ShapeError, match=r"weights\[0\] must have shape \(4, 6\), got \(6, 4\)"):
        load_keras_weights(model, [weights[0].T, *weights[1:]])
    with pytest.raises(ArgumentValueError, match="weights must hold 4 arrays"):
        load_keras_weights(model, weights[:2])
    before = model.parameters()["W1"].copy()
    with pytest.raises(ShapeError, match=r"weights\[3\]"):
        load_keras_weights(model, [*weights[:3], np.zeros(5)])
    assert np.array_equal(model.parameters()["W1"], before)  # nothing written when a later array is wrong
    with pytest.raises(ArgumentTypeError, match="model must be a bpkit model"):
        torch_layout("MLP")


def _torch_model(torch, model):
    nn = torch.nn
    modules = [eval(f"nn.{m}", {"nn": nn}) for m in torch_layout(model)]
    net = nn.Sequential(*modules).double()
    net.load_state_dict({k: torch.from_numpy(v) for k, v in torch_state_dict(model).items()})
    return net


@pytest.mark.torch
def test_gradients_and_adam_steps_equal_pytorch() -> None:
    """The chapter's model: bpkit's forward, loss, gradients and Adam steps equal PyTorch's."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    X = rng.normal(size=(16, 4))
    y = rng.integers(0, 3, size=16)
    model = MLP([4, 8, 8, 3], activation="tanh", seed=11)
    net = _torch_model(torch, model)
    opt_t = torch.optim.Adam(net.parameters(), lr=0.01)
    opt_b = Adam(lr=0.01)
    loss = CrossEntropy()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(5):
        model.zero_grad()
        logits = model.forward(X)
        J = loss(logits, y)
        model.backward(loss.grad(logits, y))
        opt_t.zero_grad()
        out = torch.nn.functional.cross_entropy(net(Xt), yt)
        out.backward()
        assert out.item() == pytest.approx(J, rel=1e-13)
        torch_grads = {f"{k}": p.grad.numpy() for k, p in net.named_parameters()}
        ours = dict(zip(torch_grads, model.gradients().values(), strict=True))
        for k, g in torch_grads.items():
            assert np.allclose(ours[k], g, rtol=1e-11, atol=1e-14), k
        opt_b.step(model)
        opt_t.step()
    for k, v in torch_state_dict(model).items():
        assert np.allclose(v, net.state_dict()[k].numpy(), rtol=1e-11, atol=1e-14), k


@pytest.mark.torch
def test_mse_and_sgd_momentum_equal_pytorch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    model = MLP([3, 5, 2], activation="relu", seed=2)
    net = _torch_model(torch, model)
    opt_t = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    opt_b = SGD(lr=0.1, momentum=0.9, nesterov=True)
    for _ in range(4):
        model.zero_grad()
        y_hat = model.forward(X)
        model.backward(MSE().grad(y_hat, y))
        opt_b.step(model)
        opt_t.zero_grad()
        torch.nn.functional.mse_loss(net(torch.from_numpy(X)), torch.from_numpy(y)).backward()
        opt_t.step()
    for k, v in torch_state_dict(model).items():
        assert np.allclose(v, net.state_dict()[k].numpy(), rtol=1e-12, atol=1e-14), k
