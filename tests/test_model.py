"""Tests of bpkit.model: Sequential and MLP, parameter naming, gradient checks, save/load."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from bpkit.errors import ArgumentValueError
from bpkit.gradcheck import KinkWarning, check_model
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, SquaredError
from bpkit.model import MLP

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


# --- the gradient rule in models: weight sharing, accumulation, zero_grad ---


def test_mlp_arguments() -> None:
    with pytest.raises(ArgumentValueError, match="seed must be an integer >= 0"):
        MLP([2, 1], seed=-1)
    linear = MLP([2, 3, 1], activation=None, seed=0)  # None: no activation, as in Dense
    assert linear.layers[0].activation.name == "identity"
    assert np.array_equal(MLP([2, np.int64(3), 1], seed=np.int64(0)).parameters()["W1"], MLP([2, 3, 1]).parameters()["W1"])
    with pytest.raises(ArgumentValueError, match=r"sizes\[1\] must be an integer >= 1"):
        MLP([2, 0, 1])
