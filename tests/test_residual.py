"""Tests of bpkit.residual: y = x + F(x) as a layer of any model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from image_layer_checks import assert_accumulates, assert_gradients, assert_output_is_free, torch_or_skip

from bpkit.conv import Conv2D
from bpkit.errors import ArgumentTypeError, CallOrderError, ShapeError
from bpkit.layers import ActivationLayer, Dense
from bpkit.losses import CrossEntropy
from bpkit.model import Sequential
from bpkit.norm import BatchNorm
from bpkit.residual import Residual


def dense_block(width: int, rng: np.random.Generator) -> Residual:
    return Residual([Dense(width, width, activation="tanh", rng=rng), BatchNorm(width),
                     Dense(width, width, rng=rng)])


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 5), st.integers(1, 4), st.integers(0, 2**16))
def test_gradients_match_finite_differences(n: int, width: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    assert_gradients(dense_block(width, rng), rng.normal(size=(n, width)), rng, rtol=1e-5, atol=1e-7)


def test_convolutional_block_gradients() -> None:
    rng = np.random.default_rng(0)
    block = Residual([Conv2D(2, 3, 3, padding=1, rng=rng), ActivationLayer("tanh"),
                      Conv2D(3, 2, 3, padding=1, rng=rng)])
    assert_gradients(block, rng.normal(size=(2, 2, 4, 4)), rng)


def test_jacobian_is_identity_plus_that_of_F() -> None:
    rng = np.random.default_rng(1)
    dense = Dense(3, 3, W=rng.normal(size=(3, 3)), bias=False)
    block = Residual([dense])
    block.forward(np.zeros((1, 3)))
    block.zero_grad()
    J = np.vstack([block.backward(np.eye(3)[[i]]) for i in range(3)])  # rows: d y_i / d x
    np.testing.assert_allclose(J, np.eye(3) + dense.W, rtol=1e-15)


def test_in_a_model_names_weight_sharing_and_modes() -> None:
    rng = np.random.default_rng(2)
    block = dense_block(4, rng)
    model = Sequential([Dense(3, 4, rng=rng), block, block, Dense(4, 2, rng=rng)])
    names = list(model.parameters())
    assert names[:2] == ["W1", "b1"] and names[-2:] == ["W3", "b3"]
    assert "2.W1" in names and "2.gamma2" in names and "2.W3" in names
    assert "2.running_mean2" in model.buffers()
    # the block used twice gets the sum of its two gradients: compare with finite differences
    X, y = rng.normal(size=(6, 3)), rng.integers(0, 2, size=6)
    loss = CrossEntropy()
    model.zero_grad()
    model.backward(loss.grad(model.forward(X), y))
    params = model.parameters()
    for name in ("2.W1", "2.gamma2", "W1"):
        p = params[name]
        num = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + 1e-6
            up = loss(model.forward(X), y)
            p[idx] = old - 1e-6
            down = loss(model.forward(X), y)
            p[idx] = old
            num[idx] = (up - down) / 2e-6
        np.testing.assert_allclose(model.gradients()[name], num, rtol=1e-5, atol=1e-8, err_msg=name)
    model.eval()
    assert not block.training and not block.body.layers[1].training
    model.train()
    assert block.body.layers[1].training


def test_gradient_rule_and_free_output() -> None:
    rng = np.random.default_rng(4)
    block = dense_block(3, rng)
    assert_accumulates(block, rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng)
    assert_output_is_free(block, rng.normal(size=(4, 3)), rng)


def test_parity_with_torch() -> None:
    torch = torch_or_skip()
    rng = np.random.default_rng(5)
    d1, d2 = Dense(3, 3, activation="relu", rng=rng), Dense(3, 3, rng=rng)
    block = Residual([d1, d2])
    X, R = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    Xt = torch.tensor(X, requires_grad=True)
    W1, b1, W2, b2 = (torch.tensor(a, requires_grad=True) for a in (d1.W, rng.normal(size=3), d2.W, rng.normal(size=3)))
    d1.b[...], d2.b[...] = b1.detach().numpy(), b2.detach().numpy()
    Yt = Xt + torch.relu(Xt @ W1.T + b1) @ W2.T + b2
    Yt.backward(torch.tensor(R))
    block.zero_grad()
    np.testing.assert_allclose(block.forward(X), Yt.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(block.backward(R), Xt.grad.numpy(), rtol=1e-13)
    for name, t in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        np.testing.assert_allclose(block.grads()[name], t.grad.numpy(), rtol=1e-13, err_msg=name)


def test_bad_input() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ShapeError, match=r"Residual: F\(X\) must have the shape of X, \(2, 3\), to be added to it, "
                                         r"got \(2, 4\)"):
        Residual([Dense(3, 4, rng=rng)]).forward(np.zeros((2, 3)))
    with pytest.raises(ArgumentTypeError, match="body must be a bpkit Layer or a list of them, got int"):
        Residual(3)  # type: ignore[arg-type]
    with pytest.raises(CallOrderError):
        Residual([Dense(2, 2, rng=rng)]).backward(np.zeros((1, 2)))
    block = Residual([Dense(2, 2, rng=rng)])
    block.forward(np.zeros((3, 2)))
    with pytest.raises(ShapeError, match=r"Residual: grad_out must have the output.s shape \(3, 2\), got \(2, 2\)"):
        block.backward(np.zeros((2, 2)))
