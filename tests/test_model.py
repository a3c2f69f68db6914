"""Tests of bpkit.model: Sequential and MLP, parameter naming, gradient checks, save/load."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from bpkit.gradcheck import KinkWarning, check_model
from bpkit.layers import ActivationLayer, Dense, Dropout
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, SquaredError
from bpkit.model import MLP, Sequential

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
LOSSES = {
    "mse": (MSE(), "identity"),
    "squared_error": (SquaredError(), "sigmoid"),
    "bce": (BinaryCrossEntropy(), "sigmoid"),
    "bce_logits": (BinaryCrossEntropy(from_logits=True), "identity"),
    "cross_entropy": (CrossEntropy(), "identity"),
}


def _targets(name: str, rng: np.random.Generator, n: int, c: int) -> np.ndarray:
    if name in ("bce", "bce_logits"):
        return (rng.random((n, c)) > 0.5).astype(float)
    if name == "cross_entropy":
        return rng.integers(0, c, size=n)
    return rng.normal(size=(n, c))


@pytest.mark.parametrize("hidden,loss_name", list(itertools.product(HIDDEN, LOSSES)))
def test_every_activation_and_loss_passes_check_model(hidden: str, loss_name: str) -> None:
    loss, out = LOSSES[loss_name]
    checked = 0
    for seed in range(12):
        rng = np.random.default_rng(seed)
        model = MLP([3, 5, 4, 3], activation=hidden, output_activation=out, seed=seed)
        X = rng.normal(size=(6, 3))
        y = _targets(loss_name, rng, 6, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("error", KinkWarning)
            try:
                report = check_model(model, loss, X, y)
            except KinkWarning:
                continue  # a ReLU kink within reach of the stencil: finite differences are invalid there
        assert report.passed, str(report)
        assert report.max_error < 1e-7
        checked += 1
        if checked == 3:
            break
    assert checked == 3


def test_parameters_are_named_ordered_and_live() -> None:
    model = Sequential(
        [Dense(2, 3, rng=np.random.default_rng(0)), ActivationLayer("relu"), Dense(3, 1, bias=False, rng=np.random.default_rng(1))]
    )
    params, grads = model.parameters(), model.gradients()
    assert list(params) == ["W1", "b1", "W2"] == list(grads)
    assert all(params[k].shape == grads[k].shape for k in params)
    model.layers[0].W[0, 0] = 42.0
    assert model.parameters()["W1"][0, 0] == 42.0
    params["W2"][...] = 0.0
    assert np.all(model.layers[2].W == 0.0)
    assert model.num_parameters == 6 + 3 + 3
    assert "layer 1 (Dense 2->3)" == model.layers[0].name
    assert "9 parameters" not in repr(model) and "12 parameters" in repr(model)


def test_mlp_defaults_and_determinism() -> None:
    a, b = MLP([4, 8, 3], seed=7), MLP([4, 8, 3], seed=7)
    for k in a.parameters():
        assert np.array_equal(a.parameters()[k], b.parameters()[k])
    assert not np.array_equal(MLP([4, 8, 3], seed=8).parameters()["W1"], a.parameters()["W1"])
    assert a.layers[0].activation.name == "relu" and a.layers[-1].activation.name == "identity"
    # He initialization for ReLU hidden layers: Var(W) = 2 / fan_in
    big = MLP([500, 400, 1], seed=0)
    assert np.isclose(big.parameters()["W1"].var(), 2 / 500, rtol=0.05)
    with pytest.raises(ValueError, match="at least an input and an output"):
        MLP([3])


def test_duplicated_batch_gives_the_same_gradients() -> None:
    rng = np.random.default_rng(0)
    model = MLP([3, 4, 2], activation="tanh", seed=0)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    loss = CrossEntropy()
    model.backward(loss.grad(model.forward(X), y))
    once = {k: g.copy() for k, g in model.gradients().items()}
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


def test_save_and_load_round_trip(tmp_path) -> None:
    model = MLP([2, 3, 1], seed=1)
    path = tmp_path / "weights.npz"
    model.save(path)
    other = MLP([2, 3, 1], seed=2)
    other.load(path)
    X = np.random.default_rng(0).normal(size=(4, 2))
    assert np.array_equal(other.predict(X), model.predict(X))
    with pytest.raises(ValueError, match="do not match"):
        MLP([2, 3, 3, 1]).load(path)
    with pytest.raises(ValueError, match=r"W1 has shape \(3, 2\) in the file but \(4, 2\)"):
        MLP([2, 4, 1]).load(path)


def test_sequential_rejects_non_layers() -> None:
    with pytest.raises(TypeError, match="not a bpkit Layer"):
        Sequential([Dense(2, 2, rng=np.random.default_rng(0)), "relu"])
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential([])
