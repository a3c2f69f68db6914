"""One-line checks for the exercises of book/05_worked_example.ipynb.

The expected values come from bpkit's own layers run on the chapter's networks, never from typed numbers.
The typical mistakes are recomputed by a NumPy backward pass with that one mistake made (without a
mistake it reproduces bpkit's gradients; tests/test_exercises_ch05.py checks it).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from bpkit.activations import sigmoid
from bpkit.exercises.core import Mistake, Verdict, check_array, check_scalar, numbers
from bpkit.layers import Dense
from bpkit.losses import SquaredError
from bpkit.model import Sequential

X_SEED = np.array([[1.0, -2.0]])
W1_SEED = np.array([[1.0, -1.0], [2.0, 1.0]])
W2_SEED = np.array([[2.0, -1.0]])


def seed_network(zero_biases: bool = False) -> Sequential:
    """Seed 001's 2-2-1 sigmoid network without biases (or with biases fixed at 0: the same function)."""
    if zero_biases:
        return Sequential([
            Dense(2, 2, activation="sigmoid", W=W1_SEED, b=np.zeros(2)),
            Dense(2, 1, activation="sigmoid", W=W2_SEED, b=np.zeros(1)),
        ])
    return Sequential([
        Dense(2, 2, activation="sigmoid", bias=False, W=W1_SEED),
        Dense(2, 1, activation="sigmoid", bias=False, W=W2_SEED),
    ])


def seed_gradients(target: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(delta2, {W1, W2 gradients}) of J = 1/2 (y_hat - target)^2 for the seed network at x = (1, -2).

    delta2 = dJ/dz2 is read from a copy of the network with zero biases: there dJ/db2 = delta2.
    """
    model = seed_network(zero_biases=True)
    model.zero_grad()
    y = np.array([[target]])
    model.backward(SquaredError().grad(model.forward(X_SEED), y))
    grads = model.gradients()
    return grads["b2"].copy(), {"W1": grads["W1"].copy(), "W2": grads["W2"].copy()}


def hand_seed(target: float, *, slope1: bool = True, slope2: Literal["a", "z", "none"] = "a",
              sign: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(delta2, delta1, a1) of the seed network in column form, optionally with one mistake made.

    slope1=False leaves sigma'(z1) out; slope2 takes sigma'(z2) as y_hat (1 - y_hat) ("a"), z2 (1 - z2) ("z")
    or leaves it out; sign = -1 uses y - y_hat.
    """
    x = X_SEED[0]
    a1 = sigmoid(W1_SEED @ x)
    z2 = W2_SEED @ a1
    y_hat = sigmoid(z2)
    s2 = {"a": y_hat * (1 - y_hat), "z": z2 * (1 - z2), "none": np.ones(1)}[slope2]
    delta2 = sign * (y_hat - target) * s2
    delta1 = (W2_SEED.T @ delta2) * (a1 * (1 - a1) if slope1 else 1.0)
    return delta2, delta1, a1


def check_delta2_for_target_zero(answer: object) -> Verdict:
    """delta2 = (y_hat - 0) y_hat (1 - y_hat) for the seed network with target y = 0."""
    delta2, _ = seed_gradients(0.0)
    mistakes = [
        Mistake("it is y_hat - y alone: multiply by σ'(z2) = y_hat (1 - y_hat)", hand_seed(0.0, slope2="none")[0]),
        Mistake("it is δ2 for the original target y = 1", hand_seed(1.0)[0]),
        Mistake("it uses y - y_hat; for J = ½ (y_hat - y)², δ2 = (y_hat - y) σ'(z2)", hand_seed(0.0, sign=-1.0)[0]),
        Mistake("σ'(z2) is taken as z2 (1 - z2); it is y_hat (1 - y_hat), from the output", hand_seed(0.0, slope2="z")[0]),
    ]
    got = numbers(answer)
    return check_array("delta2", got.ravel() if got is not None and got.size == 1 else answer, delta2, mistakes)


def check_dW1(answer: object) -> Verdict:
    """dJ/dW1 = delta1 x^T, with delta1 = (W2^T delta2) * sigma'(z1), for the seed network and y = 1."""
    _, grads = seed_gradients(1.0)
    x = X_SEED[0]
    _, delta1, a1 = hand_seed(1.0)
    mistakes = [
        Mistake("it is x δ1^T, the transpose of δ1 x^T", np.outer(x, delta1)),
        Mistake("the factor σ'(z1) = a1 (1 - a1) is missing from δ1", np.outer(hand_seed(1.0, slope1=False)[1], x)),
        Mistake("the factor σ'(z2) = y_hat (1 - y_hat) is missing from δ2", np.outer(hand_seed(1.0, slope2="none")[1], x)),
        Mistake("it uses y - y_hat; for J = ½ (y_hat - y)², δ2 = (y_hat - y) σ'(z2)", np.outer(hand_seed(1.0, sign=-1.0)[1], x)),
        Mistake("it uses a1, the layer's output, in place of its input x", np.outer(delta1, a1)),
        Mistake("it is dW1 for the target y = 0 of exercise 1; here y = 1", np.outer(hand_seed(0.0)[1], x)),
    ]
    return check_array("dW1", answer, grads["W1"], mistakes)


def _second_example_loss(lr: float, update: Literal["all", "weights", "predicted"] = "all") -> float:
    """The loss of the chapter's 2-3-2 example after one gradient step of size lr.

    update="weights" steps the weights only (the biases stay); "predicted" returns the first-order
    prediction J - lr ||grad J||^2 instead of the loss after the step.
    """
    x = np.array([[0.5, -1.0]])
    y = np.array([[1.0, 0.0]])
    model = Sequential([
        Dense(2, 3, activation="sigmoid", W=[[0.2, -0.4], [0.7, 0.1], [-0.5, 0.3]], b=[0.1, -0.2, 0.05]),
        Dense(3, 2, W=[[0.6, -0.3, 0.8], [-0.1, 0.5, 0.2]], b=[0.0, 0.1]),
    ])
    loss = SquaredError()
    model.zero_grad()
    J = loss(model.forward(x), y)
    model.backward(loss.grad(model.forward(x), y))
    if update == "predicted":
        return float(J - lr * sum(float(np.sum(g**2)) for g in model.gradients().values()))
    for (name, p), g in zip(model.parameters().items(), model.gradients().values(), strict=True):
        if update == "all" or name.startswith("W"):
            p -= lr * g
    return float(loss(model.forward(x), y))


def check_second_example_loss(answer: object) -> Verdict:
    """J after one step with learning rate 0.5 in the chapter's 2-3-2 example."""
    mistakes = [
        Mistake("it is the loss after a step with lr = 0.1, not 0.5", _second_example_loss(0.1)),
        Mistake("it is the loss before the step", _second_example_loss(0.0)),
        Mistake("it is the loss after a step along +∇J; gradient descent subtracts α ∇J", _second_example_loss(-0.5)),
        Mistake("it steps the weights only; the biases take the step too", _second_example_loss(0.5, "weights")),
        Mistake("it is the first-order prediction J - α ||∇J||², not the loss after the step",
                _second_example_loss(0.5, "predicted")),
    ]
    return check_scalar("J after the step", answer, _second_example_loss(0.5), mistakes)
