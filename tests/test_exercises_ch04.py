"""Tests of bpkit.exercises.ch04."""

from __future__ import annotations

import numpy as np

from bpkit.activations import sigmoid
from bpkit.exercises.ch04 import check_batch_dW1, check_delta1, check_dense_backward, check_dW1, exercise_network

net = exercise_network()


def _column_form():
    z1 = net["W1"] @ net["x"] + net["b1"]
    a1 = sigmoid(z1)
    a2 = sigmoid(net["W2"] @ a1 + net["b2"])
    delta2 = (a2 - net["y"]) * a2 * (1 - a2)
    delta1 = (net["W2"].T @ delta2) * a1 * (1 - a1)
    return delta2, delta1


def test_dense_backward(capsys) -> None:
    assert check_dense_backward(lambda A, W, dZ: (dZ.T @ A, dZ.sum(0), dZ @ W))
    assert not check_dense_backward(lambda A, W, dZ: (A.T @ dZ, dZ.sum(0), dZ @ W))
    assert "transposed" in capsys.readouterr().out
    assert not check_dense_backward(lambda A, W, dZ: (dZ.T @ A, dZ.mean(0), dZ @ W))


def test_delta1_and_dW1(capsys) -> None:
    delta2, delta1 = _column_form()
    assert check_delta1(delta1)
    assert not check_delta1(net["W2"].T @ delta2)
    assert "sigma'(z1)" in capsys.readouterr().out
    assert check_dW1(np.outer(delta1, net["x"]))
    assert not check_dW1(np.outer(net["x"], delta1))


def test_batch_dW1(capsys) -> None:
    X, Y = net["X"], net["Y"]
    A1 = sigmoid(X @ net["W1"].T + net["b1"])
    A2 = sigmoid(A1 @ net["W2"].T + net["b2"])
    dZ2 = (A2 - Y) / len(X) * A2 * (1 - A2)
    dZ1 = (dZ2 @ net["W2"]) * A1 * (1 - A1)
    assert check_batch_dW1(dZ1.T @ X)
    assert not check_batch_dW1(dZ1.T @ X * len(X))
    assert "1/N" in capsys.readouterr().out.splitlines()[-1]
