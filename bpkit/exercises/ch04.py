"""One-line checks for the exercises of book/04_backprop_matrix.ipynb.

The expected answers are computed with bpkit's Dense layers and losses, never typed in. The typical
mistakes are recomputed by a NumPy backward pass of the exercise network with that one mistake made
(the same code without a mistake reproduces bpkit's gradients; tests/test_exercises_ch04.py checks it).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from bpkit.activations import sigmoid
from bpkit.exercises.core import Mistake, Part, Verdict, call, describe, diagnose, diagnose_parts, numbers, verdict
from bpkit.layers import Dense
from bpkit.losses import SquaredError
from bpkit.model import Sequential

Slope = Literal["a(1-a)", "z(1-z)", "a", "none"]


def exercise_network() -> dict[str, np.ndarray]:
    """A 2-3-2 sigmoid network (W1 (3, 2), b1 (3,), W2 (2, 3), b2 (2,)), an example x, y and a batch X, Y."""
    rng = np.random.default_rng(404)
    return {
        "W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3),
        "W2": rng.normal(size=(2, 3)), "b2": rng.normal(size=2),
        "x": rng.normal(size=2), "y": np.array([1.0, 0.0]),
        "X": rng.normal(size=(4, 2)), "Y": rng.random((4, 2)),
    }


def _backprop(X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """bpkit's gradients of J = (1/N) sum_n 1/2 ||a2_n - y_n||^2 for the exercise network."""
    net = exercise_network()
    model = Sequential([
        Dense(2, 3, activation="sigmoid", W=net["W1"], b=net["b1"]),
        Dense(3, 2, activation="sigmoid", W=net["W2"], b=net["b2"]),
    ])
    model.zero_grad()
    model.backward(SquaredError().grad(model.forward(X), Y))
    return {k: g.copy() for k, g in model.gradients().items()}


def hand_backward(X: np.ndarray, Y: np.ndarray, *, mean: Literal["once", "none", "twice"] = "once",
                  slope1: Slope = "a(1-a)", slope2: Slope = "a(1-a)", sign: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(dZ1, dW1) of the exercise network in row form, optionally with one mistake made.

    mean: the 1/N of the batch loss applied once (right), not at all, or twice; slope1/slope2: sigma'
    taken as a(1 - a) (right), z(1 - z), a, or left out; sign = -1 uses y - a2 instead of a2 - y.
    """
    net = exercise_network()
    N = X.shape[0]

    def slope(a: np.ndarray, z: np.ndarray, how: Slope) -> np.ndarray:
        choices: dict[str, np.ndarray] = {"a(1-a)": a * (1 - a), "z(1-z)": z * (1 - z), "a": a, "none": np.ones_like(a)}
        return choices[how]

    Z1 = X @ net["W1"].T + net["b1"]
    A1 = sigmoid(Z1)
    Z2 = A1 @ net["W2"].T + net["b2"]
    A2 = sigmoid(Z2)
    scale = {"once": 1 / N, "none": 1.0, "twice": 1 / N**2}[mean]
    dZ2 = sign * (A2 - Y) * scale * slope(A2, Z2, slope2)
    dZ1 = (dZ2 @ net["W2"]) * slope(A1, Z1, slope1)
    return dZ1, dZ1.T @ X


def _single() -> tuple[np.ndarray, np.ndarray]:
    net = exercise_network()
    return net["x"][None, :], net["y"][None, :]


def _common_mistakes(X: np.ndarray, Y: np.ndarray, which: Literal["delta1", "dW1"]) -> list[Mistake]:
    """Slips shared by delta1 and dW1, each recomputed by hand_backward with that slip."""
    cases = [
        ("the factor σ'(z1) = a1 (1 - a1) is missing", hand_backward(X, Y, slope1="none")),
        ("the factor σ'(z2) = a2 (1 - a2) is missing from δ2", hand_backward(X, Y, slope2="none")),
        ("it multiplies by a1 = σ(z1); σ'(z1) is a1 (1 - a1)", hand_backward(X, Y, slope1="a")),
        ("σ'(z1) is taken as z1 (1 - z1); it is a1 (1 - a1), from the activation",
         hand_backward(X, Y, slope1="z(1-z)")),
        ("σ' is taken as z (1 - z) in both layers; it is a (1 - a), from the activations",
         hand_backward(X, Y, slope1="z(1-z)", slope2="z(1-z)")),
        ("it uses y - a2; for J = ½ ||a2 - y||², dJ/da2 = a2 - y", hand_backward(X, Y, sign=-1.0)),
    ]
    return [Mistake(says, dZ1[0] if which == "delta1" else dW1) for says, (dZ1, dW1) in cases]


def check_dense_backward(dense_backward: object) -> Verdict:
    """dense_backward(A_prev, W, dZ) = (dZ^T A_prev, sum_n dZ_n, dZ W) for a batch in rows, against a bpkit Dense layer."""
    name = "dense_backward"
    rng = np.random.default_rng(7)
    A_prev, W_in = rng.normal(size=(5, 4)), rng.normal(size=(3, 4))
    dZ = rng.normal(size=(5, 3))
    layer = Dense(4, 3, W=W_in, b=np.zeros(3))  # identity activation: dZ = dA; a new layer's gradients are 0
    layer.forward(A_prev)
    dA_prev = layer.backward(dZ)
    grads = layer.grads()
    if not callable(dense_backward):
        return verdict(name, f"expected a function, got {describe(dense_backward)}")
    result, problem = call(dense_backward, (A_prev, W_in, dZ))
    if problem is not None:
        return verdict(name, problem)
    if not isinstance(result, (tuple, list)):
        return verdict(name, f"it must return the three arrays (dW, db, dA_prev), got {describe(result)}")
    if len(result) != 3:
        return verdict(name, f"it returned {len(result)} values; it must return the three arrays (dW, db, dA_prev)")
    N = A_prev.shape[0]
    parts = [
        Part("dW", result[0], grads["W"], [
            Mistake("it is A_prev^T dZ, the transpose of dW = dZ^T A_prev (dW has the shape of W)", A_prev.T @ dZ),
            Mistake(f"it divides dZ^T A_prev by N = {N}; the 1/N of the loss is already inside dZ", dZ.T @ A_prev / N),
        ], kind="array"),
        Part("db", result[1], grads["b"], [
            Mistake(f"it is the mean of dZ over the {N} examples; db is their sum (the 1/N is already inside dZ)",
                    dZ.mean(axis=0)),
            Mistake("it sums dZ over the outputs (axis 1); db sums over the examples (axis 0)", dZ.sum(axis=1)),
        ], kind="array"),
        Part("dA_prev", result[2], dA_prev, [
            Mistake("it is (dZ W)^T; dA_prev = dZ W has the shape of A_prev", (dZ @ W_in).T),
        ], kind="array"),
    ]
    return verdict(name, diagnose_parts(parts))


def _as_vector(answer: object, size: int) -> object:
    """A vector answer of `size` numbers in any layout ((size,), (1, size), (size, 1)) as a 1-D array."""
    got = numbers(answer)
    return got.ravel() if got is not None and got.size == size else answer


def check_delta1(answer: object) -> Verdict:
    """delta1 = dJ/dz1 = (W2^T delta2) * sigma'(z1) for the exercise network and its example x, y (bpkit's db1)."""
    X, Y = _single()
    expected = _backprop(X, Y)["b1"]  # one example: dJ/db1 = delta1
    return verdict("delta1", diagnose(_as_vector(answer, 3), expected, _common_mistakes(X, Y, "delta1")))


def check_dW1(answer: object) -> Verdict:
    """dJ/dW1 = delta1 x^T, shape (3, 2), for the exercise network and its example."""
    X, Y = _single()
    dZ1, _ = hand_backward(X, Y)
    A1 = sigmoid(X @ exercise_network()["W1"].T + exercise_network()["b1"])
    mistakes = [
        Mistake("it is x δ1^T, the transpose of δ1 x^T (dW1 has the shape of W1)", X.T @ dZ1),
        Mistake("it uses a1, the layer's output, in place of its input x", dZ1.T @ A1),
        *_common_mistakes(X, Y, "dW1"),
    ]
    return verdict("dW1", diagnose(answer, _backprop(X, Y)["W1"], mistakes))


def check_batch_dW1(answer: object) -> Verdict:
    """dJ/dW1 for the batch X (4, 2), Y (4, 2) with J = (1/N) sum_n 1/2 ||a2_n - y_n||^2."""
    net = exercise_network()
    X, Y = net["X"], net["Y"]
    N = X.shape[0]
    dZ1, _ = hand_backward(X, Y)
    mistakes = [
        Mistake(f"the 1/N of the batch mean is missing (N = {N})", hand_backward(X, Y, mean="none")[1]),
        Mistake(f"it divides by N = {N} twice", hand_backward(X, Y, mean="twice")[1]),
        Mistake("it is X^T dZ1, the transpose of dZ1^T X (dW1 has the shape of W1)", X.T @ dZ1),
        Mistake(f"it is the gradient of the first example's loss alone; the batch gradient averages all N = {N}",
                hand_backward(X[:1], Y[:1])[1]),
        *_common_mistakes(X, Y, "dW1"),
    ]
    return verdict("dW1 for the batch", diagnose(answer, _backprop(X, Y)["W1"], mistakes))
