"""Tests of bpkit.exercises.ch04: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.activations import sigmoid
from bpkit.exercises.ch04 import (
    check_batch_dW1,
    check_delta1,
    check_dense_backward,
    check_dW1,
    exercise_network,
    hand_backward,
)
from bpkit.exercises.core import Verdict


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


net = exercise_network()


def test_hand_backward_reproduces_bpkit() -> None:
    """The mistakes are recomputed by hand_backward; without a mistake it must equal bpkit's gradients."""
    from bpkit.exercises.ch04 import _backprop

    for X, Y in ((net["x"][None, :], net["y"][None, :]), (net["X"], net["Y"])):
        dZ1, dW1 = hand_backward(X, Y)
        grads = _backprop(X, Y)
        assert np.allclose(dW1, grads["W1"], rtol=1e-12, atol=1e-15)
        assert np.allclose(dZ1.sum(axis=0), grads["b1"], rtol=1e-12, atol=1e-15)


def right_dense(A, W, dZ):
    return dZ.T @ A, dZ.sum(axis=0), dZ @ W


@pytest.mark.parametrize("fn", [right_dense, lambda A, W, dZ: [x.tolist() for x in right_dense(A, W, dZ)],
                                lambda A, W, dZ: (np.einsum("nk,ni->ki", dZ, A), np.ones(len(A)) @ dZ, dZ @ W)])
def test_dense_backward_right(capsys, fn) -> None:
    assert run(capsys, check_dense_backward, fn) == (True, "✔ dense_backward is correct.")


@pytest.mark.parametrize("fn,reason", [
    (lambda A, W, dZ: (A.T @ dZ, dZ.sum(0), dZ @ W), "dW: it is A_prev^T dZ, the transpose of dW = dZ^T A_prev (dW "
                                                     "has the shape of W)"),
    (lambda A, W, dZ: (dZ.T @ A / 5, dZ.sum(0), dZ @ W), "dW: it divides dZ^T A_prev by N = 5; the 1/N of the loss "
                                                         "is already inside dZ"),
    (lambda A, W, dZ: (dZ.T @ A, dZ.mean(0), dZ @ W), "db: it is the mean of dZ over the 5 examples; db is their sum "
                                                      "(the 1/N is already inside dZ)"),
    (lambda A, W, dZ: (dZ.T @ A, dZ.sum(1), dZ @ W), "db: it sums dZ over the outputs (axis 1); db sums over the "
                                                     "examples (axis 0)"),
    (lambda A, W, dZ: (dZ.T @ A, dZ.sum(0), (dZ @ W).T), "dA_prev: it is (dZ W)^T; dA_prev = dZ W has the shape of A_prev"),
    (lambda A, W, dZ: (A.T @ dZ, dZ.mean(0), dZ @ W),
     "dW: it is A_prev^T dZ, the transpose of dW = dZ^T A_prev (dW has the shape of W); db: it is the mean of dZ over "
     "the 5 examples; db is their sum (the 1/N is already inside dZ)"),
    (lambda A, W, dZ: (dZ.T @ A, dZ.sum(0)), "it returned 2 values; it must return the three arrays (dW, db, dA_prev)"),
    (lambda A, W, dZ: dZ.T @ A, "it must return the three arrays (dW, db, dA_prev), got an array of dtype float64 "
                                "and shape (3, 4)"),
    (lambda A, W, dZ: (dZ.T @ A, dZ.sum(0), {"dA": dZ @ W}["dA_prev"]), "calling it with (an array of shape (5, 4), "
     "an array of shape (3, 4), an array of shape (5, 3)) raised KeyError: 'dA_prev'"),
])
def test_dense_backward_wrong(capsys, fn, reason) -> None:
    assert run(capsys, check_dense_backward, fn) == (False, f"✘ dense_backward is wrong: {reason}")


# the column form of the chapter, written independently of bpkit.exercises
z1 = net["W1"] @ net["x"] + net["b1"]
a1 = sigmoid(z1)
z2 = net["W2"] @ a1 + net["b2"]
a2 = sigmoid(z2)
delta2 = (a2 - net["y"]) * a2 * (1 - a2)
delta1 = (net["W2"].T @ delta2) * a1 * (1 - a1)


@pytest.mark.parametrize("answer", [delta1, delta1.tolist(), delta1[:, None], delta1[None, :]])
def test_delta1_right(capsys, answer) -> None:
    assert run(capsys, check_delta1, answer) == (True, "✔ delta1 is correct.")


COMMON = [
    ("the factor σ'(z1) = a1 (1 - a1) is missing", net["W2"].T @ delta2),
    ("the factor σ'(z2) = a2 (1 - a2) is missing from δ2", (net["W2"].T @ (a2 - net["y"])) * a1 * (1 - a1)),
    ("it multiplies by a1 = σ(z1); σ'(z1) is a1 (1 - a1)", (net["W2"].T @ delta2) * a1),
    ("σ'(z1) is taken as z1 (1 - z1); it is a1 (1 - a1), from the activation", (net["W2"].T @ delta2) * z1 * (1 - z1)),
    ("σ' is taken as z (1 - z) in both layers; it is a (1 - a), from the activations",
     (net["W2"].T @ ((a2 - net["y"]) * z2 * (1 - z2))) * z1 * (1 - z1)),
    ("it uses y - a2; for J = ½ ||a2 - y||², dJ/da2 = a2 - y", -delta1),
]


@pytest.mark.parametrize("reason,answer", [*COMMON, ("it has shape (2,); expected shape (3,)", delta1[:2]),
                                           ("all 3 entries differ; every entry is 2 times the right one; the largest "
                                            "difference is at index 0: expected -0.0291512, got -0.0583024", 2 * delta1)])
def test_delta1_wrong(capsys, reason, answer) -> None:
    assert run(capsys, check_delta1, answer) == (False, f"✘ delta1 is wrong: {reason}")


def test_dW1_right(capsys) -> None:
    assert run(capsys, check_dW1, np.outer(delta1, net["x"]))[0]
    assert run(capsys, check_dW1, (delta1[:, None] * net["x"]).tolist())[0]


@pytest.mark.parametrize("reason,answer", [
    *[(says, np.outer(d1, net["x"])) for says, d1 in COMMON],
    ("it is x δ1^T, the transpose of δ1 x^T (dW1 has the shape of W1)", np.outer(net["x"], delta1)),
    ("it uses a1, the layer's output, in place of its input x", np.outer(delta1, a1)),
])
def test_dW1_wrong(capsys, reason, answer) -> None:
    assert run(capsys, check_dW1, answer) == (False, f"✘ dW1 is wrong: {reason}")


X, Y = net["X"], net["Y"]
N = len(X)
A1 = sigmoid(X @ net["W1"].T + net["b1"])
A2 = sigmoid(A1 @ net["W2"].T + net["b2"])
dZ2 = (A2 - Y) / N * A2 * (1 - A2)
dZ1 = (dZ2 @ net["W2"]) * A1 * (1 - A1)


@pytest.mark.parametrize("answer", [dZ1.T @ X, sum(np.outer(dZ1[n], X[n]) for n in range(N)), (dZ1.T @ X).tolist()])
def test_batch_dW1_right(capsys, answer) -> None:
    assert run(capsys, check_batch_dW1, answer) == (True, "✔ dW1 for the batch is correct.")


def first_example_alone():
    a1_0 = sigmoid(net["W1"] @ X[0] + net["b1"])
    a2_0 = sigmoid(net["W2"] @ a1_0 + net["b2"])
    d2 = (a2_0 - Y[0]) * a2_0 * (1 - a2_0)
    return np.outer((net["W2"].T @ d2) * a1_0 * (1 - a1_0), X[0])


@pytest.mark.parametrize("reason,answer", [
    ("the 1/N of the batch mean is missing (N = 4)", dZ1.T @ X * N),
    ("it divides by N = 4 twice", dZ1.T @ X / N),
    ("it is X^T dZ1, the transpose of dZ1^T X (dW1 has the shape of W1)", X.T @ dZ1),
    ("it is the gradient of the first example's loss alone; the batch gradient averages all N = 4", first_example_alone()),
    ("the factor σ'(z1) = a1 (1 - a1) is missing", (dZ2 @ net["W2"]).T @ X),
    ("it uses y - a2; for J = ½ ||a2 - y||², dJ/da2 = a2 - y", -(dZ1.T @ X)),
])
def test_batch_dW1_wrong(capsys, reason, answer) -> None:
    assert run(capsys, check_batch_dW1, answer) == (False, f"✘ dW1 for the batch is wrong: {reason}")
