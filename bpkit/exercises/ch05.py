"""One-line checks for the exercises of book/05_worked_example.ipynb.

The expected values come from bpkit's own layers run on the chapter's networks, never from typed numbers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from bpkit.exercises.core import check_array, check_scalar
from bpkit.layers import Dense
from bpkit.losses import SquaredError
from bpkit.model import Sequential

X_SEED = np.array([[1.0, -2.0]])
W1_SEED = np.array([[1.0, -1.0], [2.0, 1.0]])
W2_SEED = np.array([[2.0, -1.0]])


def seed_network() -> Sequential:
    """Seed 001's 2-2-1 sigmoid network without biases."""
    return Sequential([
        Dense(2, 2, activation="sigmoid", bias=False, W=W1_SEED),
        Dense(2, 1, activation="sigmoid", bias=False, W=W2_SEED),
    ])


def seed_gradients(target: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(delta2, gradients) of J = 1/2 (y_hat - target)^2 for the seed network at x = (1, -2)."""
    model = seed_network()
    loss = SquaredError()
    y = np.array([[target]])
    y_hat = model.forward(X_SEED)
    grad_out = loss.grad(y_hat, y)
    model.backward(grad_out)
    delta2 = model.layers[1].activation.backward(model.layers[1].z, y_hat, grad_out)[0]
    return delta2, {k: g.copy() for k, g in model.gradients().items()}


def check_delta2_for_target_zero(answer: ArrayLike) -> bool:
    """delta2 = (y_hat - 0) y_hat (1 - y_hat) for the seed network with target y = 0."""
    delta2, _ = seed_gradients(0.0)
    y_hat = float(seed_network().forward(X_SEED)[0, 0])
    forgot_slope = (lambda a, e: np.allclose(np.ravel(a), [y_hat]), "this is y_hat - y: multiply by sigma'(z2) = y_hat (1 - y_hat)")
    return check_array("delta2", np.ravel(np.asarray(answer, dtype=float)), delta2, hints=[forgot_slope])


def check_dW1(answer: ArrayLike) -> bool:
    """dJ/dW1 = delta1 x^T, with delta1 = (W2^T delta2) * sigma'(z1), for the seed network and y = 1."""
    delta2, grads = seed_gradients(1.0)
    no_slope = np.outer(W2_SEED.T @ delta2, X_SEED[0])
    hint = (lambda a, e: np.allclose(a, no_slope), "the factor sigma'(z1) = a1 (1 - a1) is missing from delta1")
    return check_array("dW1", answer, grads["W1"], hints=[hint])


def _second_example_loss(lr: float) -> float:
    """The loss of the chapter's 2-3-2 example after one gradient step of size lr."""
    x = np.array([[0.5, -1.0]])
    y = np.array([[1.0, 0.0]])
    model = Sequential([
        Dense(2, 3, activation="sigmoid", W=[[0.2, -0.4], [0.7, 0.1], [-0.5, 0.3]], b=[0.1, -0.2, 0.05]),
        Dense(3, 2, W=[[0.6, -0.3, 0.8], [-0.1, 0.5, 0.2]], b=[0.0, 0.1]),
    ])
    loss = SquaredError()
    model.backward(loss.grad(model.forward(x), y))
    for p, g in zip(model.parameters().values(), model.gradients().values()):
        p -= lr * g
    return loss(model.forward(x), y)


def check_second_example_loss(answer: float) -> bool:
    """J after one step with learning rate 0.5 in the chapter's 2-3-2 example."""
    wrong_lr = (lambda a, e: np.isclose(float(a), _second_example_loss(0.1)), "this is the loss after a step with lr = 0.1, not 0.5")
    return check_scalar("J after the step", answer, _second_example_loss(0.5), hints=[wrong_lr])

