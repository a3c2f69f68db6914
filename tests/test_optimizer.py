"""Tests of bpkit.optimizer: stepping a model, zero_grad, refusing a step without gradients, state per parameter array."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.errors import CallOrderError
from bpkit.model import MLP
from bpkit.optim import (
    SGD,
    Adam,
    AdamW,
)


def test_step_on_a_model_and_zero_grad() -> None:
    model = MLP([2, 3, 1], seed=0)
    X = np.array([[0.5, -1.0], [2.0, 0.0]])
    opt = SGD(lr=0.5)
    with pytest.raises(CallOrderError, match="no gradients"):
        opt.step(model)  # before any backward: nothing to step with
    model.backward(model.forward(X))
    before = {k: p.copy() for k, p in model.parameters().items()}
    grads = {k: g.copy() for k, g in model.gradients().items()}
    opt.step(model)
    for k, p in model.parameters().items():
        assert np.allclose(p, before[k] - 0.5 * grads[k])
    opt.zero_grad()  # the models it has stepped
    assert all(np.all(g == 0) for g in model.gradients().values())
    assert opt.t == 1
    with pytest.raises(CallOrderError, match="no gradients"):
        AdamW(0.1).step(model)  # after zero_grad, AdamW must not decay the weights silently


def test_state_belongs_to_each_parameter() -> None:
    """One optimizer over two models equals two optimizers; a model of other shapes gets its own state."""
    X = np.array([[0.5, -1.0], [2.0, 0.0]])

    def grads_of(model):
        model.zero_grad()
        model.backward(model.forward(X) - 1.0)

    a, b = MLP([2, 3, 1], seed=0), MLP([2, 3, 1], seed=1)
    a2, b2 = MLP([2, 3, 1], seed=0), MLP([2, 3, 1], seed=1)
    shared, alone_a, alone_b = Adam(0.1), Adam(0.1), Adam(0.1)
    for _ in range(3):
        for model, opt in ((a, shared), (b, shared), (a2, alone_a), (b2, alone_b)):
            grads_of(model)
            opt.step(model)
    for k in a.parameters():
        assert np.array_equal(a.parameters()[k], a2.parameters()[k])
        assert np.array_equal(b.parameters()[k], b2.parameters()[k])
    other = MLP([2, 5, 5, 1], seed=2)
    grads_of(other)
    shared.step(other)
    assert shared.state_of(other.parameters()["W1"])["step"] == 1
    assert shared.state_of(a.parameters()["W1"])["step"] == 3
