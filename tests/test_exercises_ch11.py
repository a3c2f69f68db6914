"""Tests of bpkit.exercises.ch11: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.exercises.ch11 import (
    accumulated_grad,
    batch_grads,
    check_accumulated_grad,
    check_keras_weights,
    check_reduction_factor,
)
from bpkit.exercises.core import Verdict
from bpkit.losses import CrossEntropy
from bpkit.model import MLP


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


MODEL = MLP([4, 8, 8, 3], activation="tanh", seed=11)
P = MODEL.parameters()
KERAS = [P["W1"].T, P["b1"], P["W2"].T, P["b2"], P["W3"].T, P["b3"]]


@pytest.mark.parametrize("answer", [KERAS, tuple(KERAS), [a.tolist() for a in KERAS],
                                    [np.transpose(P[k]) if k.startswith("W") else P[k] for k in P]])
def test_keras_weights_right(capsys, answer) -> None:
    assert run(capsys, check_keras_weights, MODEL, answer) == (True, "✔ the Keras weight list is correct.")


@pytest.mark.parametrize("answer,reason", [
    ([P["W1"], P["b1"], P["W2"], P["b2"], P["W3"], P["b3"]], "the kernels are not transposed: Keras stores W^T, of "
                                                             "shape (n_in, n_out)"),
    ([KERAS[0], KERAS[2], KERAS[4], KERAS[1], KERAS[3], KERAS[5]], "it lists all kernels, then all biases; Keras wants "
                                                                   "the kernel and the bias of each layer in turn"),
    (KERAS[:4], "it needs 6 arrays (a kernel and a bias per layer), got 4"),
    ([KERAS[0], KERAS[1][None, :], *KERAS[2:]], "array 1 (the bias of layer 1): it has shape (1, 8); expected shape "
                                                "(8,) (the same number of entries)"),
    ([KERAS[0], KERAS[1], P["W2"], *KERAS[3:]], "array 2 (the kernel of layer 2): it equals the right matrix transposed"),
    (KERAS[0], "expected a list of arrays, got an array of dtype float64 and shape (4, 8)"),
])
def test_keras_weights_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_keras_weights, MODEL, answer) == (False, f"✘ the Keras weight list is wrong: {reason}")


RNG = np.random.default_rng(5)
BATCHES = [(RNG.normal(size=(16, 4)), RNG.integers(0, 3, size=16)) for _ in range(3)]


def own_gradients():
    """Each batch's own dJ/dW1, with zero_grad before each backward (independent of batch_grads)."""
    net, loss, out = MLP([4, 8, 8, 3], activation="tanh", seed=11), CrossEntropy(), []
    for Xb, yb in BATCHES:
        net.zero_grad()
        net.backward(loss.grad(net.forward(Xb), yb))
        out.append(net.gradients()["W1"].copy())
    return out


G = own_gradients()


def test_reference_is_the_sum_of_the_batch_gradients() -> None:
    assert all(np.allclose(a, b, rtol=1e-14, atol=0) for a, b in zip(batch_grads(BATCHES), G, strict=True))
    assert np.allclose(accumulated_grad(BATCHES), G[0] + G[1] + G[2], rtol=1e-14, atol=0)


@pytest.mark.parametrize("answer", [G[0] + G[1] + G[2], np.sum(G, axis=0).tolist()])
def test_accumulated_grad_right(capsys, answer) -> None:
    assert run(capsys, check_accumulated_grad, BATCHES, answer) == (True, "✔ W1.grad is correct.")


@pytest.mark.parametrize("answer,reason", [
    (G[-1], "it is the last batch's gradient alone; without zero_grad() PyTorch adds every backward() into .grad"),
    (G[0], "it is the first batch's gradient alone; without zero_grad() PyTorch adds every backward() into .grad"),
    ((G[0] + G[1] + G[2]) / 3, "it is the mean of the 3 batch gradients (for batches of equal size, also the "
                               "gradient of one batch of all 48 examples); .grad holds their sum"),
    (G[0] + (G[0] + G[1]) + (G[0] + G[1] + G[2]), "it adds the running .grad into the total after every backward(); "
                                                  ".grad already holds the sum"),
    ((G[0] + G[1] + G[2]).T, "it has shape (4, 8), the transpose of the expected shape (8, 4)"),
])
def test_accumulated_grad_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_accumulated_grad, BATCHES, answer) == (False, f"✘ W1.grad is wrong: {reason}")


@pytest.mark.parametrize("answer", [320, 320.0, np.int64(320), 32 * 10])
def test_reduction_factor_right(capsys, answer) -> None:
    assert run(capsys, check_reduction_factor, answer) == (True, "✔ the factor is correct.")


@pytest.mark.parametrize("answer,reason", [
    (32, "it is N = 32, the batch size; the mean runs over all N C elements"),
    (10, "it is C = 10; the mean runs over all N C elements"),
    (1 / 320, "it is the inverse: the summed loss's gradients are the larger ones"),
    (640, "expected 320, got 640"),
    (320.5, "expected a whole number, got 320.5"),
])
def test_reduction_factor_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_reduction_factor, answer) == (False, f"✘ the factor is wrong: {reason}")
