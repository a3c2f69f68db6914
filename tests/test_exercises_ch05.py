"""Tests of bpkit.exercises.ch05: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.activations import sigmoid
from bpkit.exercises.ch05 import (
    W1_SEED,
    W2_SEED,
    X_SEED,
    _second_example_loss,
    check_delta2_for_target_zero,
    check_dW1,
    check_second_example_loss,
    seed_gradients,
    seed_network,
)
from bpkit.exercises.core import Verdict
from bpkit.losses import SquaredError


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


# seed 001's network by hand (column form), independently of bpkit.exercises
x = np.array([1.0, -2.0])
a1 = sigmoid(W1_SEED @ x)
z2 = W2_SEED @ a1
y_hat = sigmoid(z2)


def test_zero_bias_copy_has_the_seed_networks_gradients() -> None:
    model = seed_network()
    model.zero_grad()
    model.backward(SquaredError().grad(model.forward(X_SEED), np.array([[1.0]])))
    _, grads = seed_gradients(1.0)
    assert all(np.allclose(model.gradients()[k], grads[k], rtol=1e-14, atol=1e-16) for k in ("W1", "W2"))


D2_ZERO = y_hat * y_hat * (1 - y_hat)


@pytest.mark.parametrize("answer", [D2_ZERO, float(D2_ZERO[0]), D2_ZERO[:, None], [float(D2_ZERO[0])]])
def test_delta2_right(capsys, answer) -> None:
    assert run(capsys, check_delta2_for_target_zero, answer) == (True, "✔ delta2 is correct.")


@pytest.mark.parametrize("reason,answer", [
    ("it is y_hat - y alone: multiply by σ'(z2) = y_hat (1 - y_hat)", y_hat),
    ("it is δ2 for the original target y = 1", (y_hat - 1) * y_hat * (1 - y_hat)),
    ("it uses y - y_hat; for J = ½ (y_hat - y)², δ2 = (y_hat - y) σ'(z2)", -D2_ZERO),
    ("σ'(z2) is taken as z2 (1 - z2); it is y_hat (1 - y_hat), from the output", y_hat * z2 * (1 - z2)),
    ("it has shape (2,); expected shape (1,)", [0.1, 0.2]),
    ("expected 0.127028, got 0.13", 0.13),
])
def test_delta2_wrong(capsys, reason, answer) -> None:
    assert run(capsys, check_delta2_for_target_zero, answer) == (False, f"✘ delta2 is wrong: {reason}")


d2 = (y_hat - 1) * y_hat * (1 - y_hat)
d1 = (W2_SEED.T @ d2) * a1 * (1 - a1)


def test_dW1_right(capsys) -> None:
    assert run(capsys, check_dW1, np.outer(d1, x))[0]
    assert run(capsys, check_dW1, (d1[:, None] @ x[None, :]).tolist())[0]


@pytest.mark.parametrize("reason,answer", [
    ("it is x δ1^T, the transpose of δ1 x^T", np.outer(x, d1)),
    ("the factor σ'(z1) = a1 (1 - a1) is missing from δ1", np.outer(W2_SEED.T @ d2, x)),
    ("the factor σ'(z2) = y_hat (1 - y_hat) is missing from δ2", np.outer((W2_SEED.T @ (y_hat - 1)) * a1 * (1 - a1), x)),
    ("it uses y - y_hat; for J = ½ (y_hat - y)², δ2 = (y_hat - y) σ'(z2)", -np.outer(d1, x)),
    ("it uses a1, the layer's output, in place of its input x", np.outer(d1, a1)),
    ("it is dW1 for the target y = 0 of exercise 1; here y = 1", np.outer((W2_SEED.T @ D2_ZERO) * a1 * (1 - a1), x)),
    ("all 4 entries differ; every entry is 2 times the right one; the largest difference is at index (1, 1): "
     "expected -0.0155819, got -0.0311637", 2 * np.outer(d1, x)),
])
def test_dW1_wrong(capsys, reason, answer) -> None:
    assert run(capsys, check_dW1, answer) == (False, f"✘ dW1 is wrong: {reason}")


# the second example of the chapter, by hand
x2, y2 = np.array([0.5, -1.0]), np.array([1.0, 0.0])
V1 = np.array([[0.2, -0.4], [0.7, 0.1], [-0.5, 0.3]])
c1 = np.array([0.1, -0.2, 0.05])
V2 = np.array([[0.6, -0.3, 0.8], [-0.1, 0.5, 0.2]])
c2 = np.array([0.0, 0.1])


def loss_after(lr, biases=True):
    g1 = sigmoid(V1 @ x2 + c1)
    out = V2 @ g1 + c2
    dout = out - y2
    dh = (V2.T @ dout) * g1 * (1 - g1)
    W1n, W2n = V1 - lr * np.outer(dh, x2), V2 - lr * np.outer(dout, g1)
    b1n, b2n = (c1 - lr * dh, c2 - lr * dout) if biases else (c1, c2)
    return 0.5 * float(np.sum((W2n @ sigmoid(W1n @ x2 + b1n) + b2n - y2) ** 2))


def test_second_example_by_hand() -> None:
    assert np.isclose(_second_example_loss(0.5), loss_after(0.5), rtol=1e-12)


@pytest.mark.parametrize("answer", [loss_after(0.5), np.float32(loss_after(0.5)), np.array([loss_after(0.5)])])
def test_second_example_right(capsys, answer) -> None:
    assert run(capsys, check_second_example_loss, answer)[0]


def first_order(lr):
    g1 = sigmoid(V1 @ x2 + c1)
    out = V2 @ g1 + c2
    dout = out - y2
    dh = (V2.T @ dout) * g1 * (1 - g1)
    norm2 = sum(float(np.sum(g**2)) for g in (np.outer(dh, x2), dh, np.outer(dout, g1), dout))
    return 0.5 * float(np.sum(dout**2)) - lr * norm2


@pytest.mark.parametrize("reason,answer", [
    ("it is the loss after a step with lr = 0.1, not 0.5", loss_after(0.1)),
    ("it is the loss before the step", loss_after(0.0)),
    ("it is the loss after a step along +∇J; gradient descent subtracts α ∇J", loss_after(-0.5)),
    ("it steps the weights only; the biases take the step too", loss_after(0.5, biases=False)),
    ("it is the first-order prediction J - α ||∇J||², not the loss after the step", first_order(0.5)),
    ("expected 0.000263234, got 0.001", 0.001),
])
def test_second_example_wrong(capsys, reason, answer) -> None:
    assert run(capsys, check_second_example_loss, answer) == (False, f"✘ J after the step is wrong: {reason}")
