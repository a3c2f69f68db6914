"""One-line checks for the exercises of book/06_backprop_in_code.ipynb."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np

from bpkit.activations import sigmoid
from bpkit.exercises.core import (
    Mistake,
    Verdict,
    call,
    check_count,
    describe,
    diagnose,
    diagnose_function,
    verdict,
)
from bpkit.gradcheck import check_model
from bpkit.losses import BinaryCrossEntropy, CrossEntropy
from bpkit.model import MLP

XOR_KEYS = ("W1", "b1", "W2", "b2")


def xor_case(seed: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(X, Y, parameters, bpkit's gradients) for the 2-4-1 tanh/sigmoid MLP with random weights and biases."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    model = MLP([2, 4, 1], activation="tanh", output_activation="sigmoid", seed=seed)
    params = model.parameters()
    bias_rng = np.random.default_rng(seed + 10)
    for key in ("b1", "b2"):
        params[key][...] = bias_rng.normal(size=params[key].shape)
    model.zero_grad()
    model.backward(BinaryCrossEntropy().grad(model.forward(X), Y))
    return X, Y, {k: v.copy() for k, v in params.items()}, {k: g.copy() for k, g in model.gradients().items()}


def hand_xor(X: np.ndarray, Y: np.ndarray, p: Mapping[str, np.ndarray], *, mean: bool = True,
             output_slope: bool = False, hidden_slope: Literal["1-a^2", "1-z^2", "none"] = "1-a^2",
             sign: float = 1.0, bias_mean: bool = False) -> dict[str, np.ndarray]:
    """The gradients of mean BCE for the XOR network in row form, optionally with one mistake made.

    mean=False leaves out the 1/N; output_slope=True multiplies dZ2 by sigma'(z2) (which BCE cancels);
    hidden_slope takes tanh' as 1 - A1^2 (right), 1 - Z1^2 or leaves it out; sign = -1 uses y - y_hat;
    bias_mean=True averages dZ over the examples for the bias gradients instead of summing.
    """
    N = X.shape[0]
    Z1 = X @ p["W1"].T + p["b1"]
    A1 = np.tanh(Z1)
    A2 = sigmoid(A1 @ p["W2"].T + p["b2"])
    dZ2 = sign * (A2 - Y) / (N if mean else 1)
    if output_slope:
        dZ2 = dZ2 * A2 * (1 - A2)
    slope = {"1-a^2": 1 - A1**2, "1-z^2": 1 - Z1**2, "none": 1.0}[hidden_slope]
    dZ1 = (dZ2 @ p["W2"]) * slope
    reduce = np.mean if bias_mean else np.sum
    return {"W1": dZ1.T @ X, "b1": reduce(dZ1, axis=0), "W2": dZ2.T @ A1, "b2": reduce(dZ2, axis=0)}


_XOR_MISTAKES: list[tuple[str, dict[str, Any]]] = [
    ("the 1/N of the mean loss is missing (N = 4)", {"mean": False}),
    ("dZ2 has an extra factor σ'(z2): with a sigmoid output and binary cross-entropy, dJ/dz2 = (y_hat - y)/N",
     {"output_slope": True}),
    ("tanh' is taken as 1 - Z1²; it is 1 - A1², from the activation", {"hidden_slope": "1-z^2"}),
    ("the factor tanh'(z1) = 1 - A1² is missing from dZ1", {"hidden_slope": "none"}),
    ("it uses y - y_hat; dJ/dz2 = (y_hat - y)/N", {"sign": -1.0}),
    ("the bias gradients average dZ over the examples; the 1/N is already inside dZ, so they are sums",
     {"bias_mean": True}),
]


def _dict_problem(got: object, want: Mapping[str, np.ndarray]) -> str | None:
    """Why the dict got differs from want (a reason per wrong key), or None."""
    if not isinstance(got, Mapping):
        return f"it must return a dict with the keys {', '.join(XOR_KEYS)}, got {describe(got)}"
    missing = [k for k in XOR_KEYS if k not in got]
    if missing:
        return f"the returned dict has no key(s) {', '.join(missing)}"
    wrong = [(k, diagnose(got[k], want[k], kind="array")) for k in XOR_KEYS]
    said = [f"{k}: {p}" for k, p in wrong if p is not None]
    return "; ".join(said) if said else None


def check_xor_backward(xor_backward: object) -> Verdict:
    """xor_backward(X, Y, p) against bpkit's backprop for a 2-4-1 tanh/sigmoid MLP and mean BCE, at random weights."""
    name = "xor_backward"
    if not callable(xor_backward):
        return verdict(name, f"expected a function, got {describe(xor_backward)}")
    runs = []
    for seed in (1, 2, 3):
        X, Y, params, expected = xor_case(seed)
        got, problem = call(xor_backward, (X, Y, {k: v.copy() for k, v in params.items()}))
        if problem is not None:
            return verdict(name, problem)
        runs.append((X, Y, params, expected, got))
    problems = [(seed, _dict_problem(got, expected)) for seed, (*_, expected, got) in zip((1, 2, 3), runs, strict=True)]
    wrong = [(seed, p) for seed, p in problems if p is not None]
    if not wrong:
        return verdict(name, None)
    for says, kwargs in _XOR_MISTAKES:
        if all(_dict_problem(got, hand_xor(X, Y, params, **kwargs)) is None for X, Y, params, _, got in runs):
            return verdict(name, says)
    seed, problem = wrong[0]
    return verdict(name, f"with the weights of test {seed}: {problem}")


def _forward_ref(f: Callable[[float], float], x: float, eps: float) -> float:
    return (f(x + eps) - f(x)) / eps


def _central_ref(f: Callable[[float], float], x: float, eps: float) -> float:
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def _cube(t: float) -> float:
    return t**3


def check_differences(forward_difference: object, central_difference: object) -> Verdict:
    """(f(x+e) - f(x))/e and (f(x+e) - f(x-e))/(2e), compared with the formulas on several f, x, e."""
    cases = [(np.sin, 0.3, 1e-3), (np.exp, 1.0, 1e-2), (_cube, -2.0, 0.5)]
    tolerance = {"rtol": 1e-12, "atol": 1e-14}
    forward = diagnose_function(forward_difference, _forward_ref, cases, [
        Mistake("it is the backward difference (f(x) - f(x - ε))/ε", lambda f, x, e: (f(x) - f(x - e)) / e),
        Mistake("it is the central difference", _central_ref),
        Mistake("it divides by 2ε; the forward difference divides by ε", lambda f, x, e: (f(x + e) - f(x)) / (2 * e)),
    ], **tolerance)
    central = diagnose_function(central_difference, _central_ref, cases, [
        Mistake("it divides by ε; the central difference spans 2ε", lambda f, x, e: (f(x + e) - f(x - e)) / e),
        Mistake("it is the forward difference", _forward_ref),
    ], **tolerance)
    said = [f"{label}: {p}" for label, p in (("forward_difference", forward), ("central_difference", central)) if p]
    return verdict("(forward, central) differences", "; ".join(said) or None)


class _CountingLoss(CrossEntropy):
    """Cross-entropy that counts how often it is evaluated."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def __call__(self, y_hat: Any, y: Any) -> float:
        self.calls += 1
        return super().__call__(y_hat, y)


STENCIL_SIZES = (10, 20, 3)
STENCIL_MAX_ENTRIES = 5


def stencil_evaluations() -> int:
    """Loss evaluations made by check_model(MLP([10, 20, 3]), max_entries=5), counted by running it."""
    rng = np.random.default_rng(0)
    loss = _CountingLoss()
    check_model(MLP(list(STENCIL_SIZES), activation="tanh", seed=0), loss, rng.normal(size=(4, 10)),
                rng.integers(0, 3, size=4), max_entries=STENCIL_MAX_ENTRIES, rng=rng)
    return loss.calls


def check_stencil_evaluations(answer: object) -> Verdict:
    """The number of loss evaluations of the five-point stencil in that check; miscounts recounted from the sizes."""
    sizes = [p.size for p in MLP(list(STENCIL_SIZES)).parameters().values()]
    checked = sum(min(STENCIL_MAX_ENTRIES, s) for s in sizes)
    mistakes = [
        Mistake("it counts 2 evaluations per entry; the five-point stencil evaluates the loss 4 times per entry",
                2 * checked),
        Mistake("it counts 5 evaluations per entry; the stencil's centre point has weight 0 and is not evaluated",
                5 * checked),
        Mistake(f"it checks {STENCIL_MAX_ENTRIES} entries of every parameter, but b2 has only {min(sizes)}",
                4 * STENCIL_MAX_ENTRIES * len(sizes)),
        Mistake(f"it counts every entry of the {sum(sizes)} parameters; at most {STENCIL_MAX_ENTRIES} of each "
                "parameter array are checked", 4 * sum(sizes)),
    ]
    return check_count("the number of evaluations", answer, stencil_evaluations(), mistakes)
