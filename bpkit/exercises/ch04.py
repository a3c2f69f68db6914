"""One-line checks for the exercises of book/04_backprop_matrix.ipynb.

The reference answers are computed with bpkit's Dense layers and losses, never typed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.exercises.core import check_array
from bpkit.layers import Dense
from bpkit.losses import SquaredError
from bpkit.model import Sequential


def exercise_network() -> dict[str, np.ndarray]:
    """A 2-3-2 sigmoid network (W1 (3, 2), b1 (3,), W2 (2, 3), b2 (2,)), an example x, y and a batch X, Y."""
    rng = np.random.default_rng(404)
    return {
        "W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3),
        "W2": rng.normal(size=(2, 3)), "b2": rng.normal(size=2),
        "x": rng.normal(size=2), "y": np.array([1.0, 0.0]),
        "X": rng.normal(size=(4, 2)), "Y": rng.random((4, 2)),
    }


def _model(net: dict[str, np.ndarray]) -> Sequential:
    """The exercise network as bpkit layers."""
    return Sequential([
        Dense(2, 3, activation="sigmoid", W=net["W1"], b=net["b1"]),
        Dense(3, 2, activation="sigmoid", W=net["W2"], b=net["b2"]),
    ])


def _backprop(X: np.ndarray, Y: np.ndarray) -> Sequential:
    """Run forward and backward on the exercise network with J = (1/N) sum 1/2 ||a2 - y||^2."""
    model = _model(exercise_network())
    loss = SquaredError()
    model.backward(loss.grad(model.forward(X), Y))
    return model


def check_dense_backward(dense_backward: Callable[[np.ndarray, np.ndarray, np.ndarray], Any]) -> bool:
    """dense_backward(A_prev, W, dZ) = (dZ^T A_prev, sum_n dZ_n, dZ W) for a batch in rows."""
    rng = np.random.default_rng(7)
    A_prev, W_in = rng.normal(size=(5, 4)), rng.normal(size=(3, 4))
    layer = Dense(4, 3, W=W_in, b=np.zeros(3))  # identity activation: dZ = dA
    layer.forward(A_prev)
    dZ = rng.normal(size=(5, 3))
    dA_prev = layer.backward(dZ)
    try:
        dW, db, dA = dense_backward(A_prev, W_in, dZ)
    except Exception as exc:  # noqa: BLE001 - the reader's code may raise anything
        print(f"✘ dense_backward is wrong: it raised {type(exc).__name__}: {exc}")
        return False
    for name, got, want in (("dW", dW, layer.dW), ("db", db, layer.db), ("dA_prev", dA, dA_prev)):
        if not check_array(name, got, want, quiet_success=True):
            return False
    print("✔ dense_backward is correct.")
    return True


def check_delta1(answer: ArrayLike) -> bool:
    """delta1 = dJ/dz1 = (W2^T delta2) * sigma'(z1) for the exercise network and its example x, y."""
    net = exercise_network()
    model = _model(net)
    first, second = model.layers
    y = net["y"][None, :]
    a2 = model.forward(net["x"][None, :])
    delta2 = second.activation.backward(second.z, a2, SquaredError().grad(a2, y))  # BP1
    grad_a1 = delta2 @ second.W                                                      # W2^T delta2, as a row
    delta1 = first.activation.backward(first.z, first.a, grad_a1)[0]                  # BP2
    hint = (lambda a, e: np.allclose(np.ravel(a), grad_a1[0]), "this is W2^T delta2: multiply by sigma'(z1) = a1 (1 - a1)")
    return check_array("delta1", np.ravel(np.asarray(answer, dtype=float)), delta1, hints=[hint])


def check_dW1(answer: ArrayLike) -> bool:
    """dJ/dW1 = delta1 x^T, shape (3, 2), for the exercise network and its example."""
    net = exercise_network()
    model = _backprop(net["x"][None, :], net["y"][None, :])
    return check_array("dW1", answer, model.gradients()["W1"])


def check_batch_dW1(answer: ArrayLike) -> bool:
    """dJ/dW1 for the batch X (4, 2), Y (4, 2) with J = (1/N) sum_n 1/2 ||a2_n - y_n||^2."""
    net = exercise_network()
    model = _backprop(net["X"], net["Y"])
    return check_array("dW1 for the batch", answer, model.gradients()["W1"])
