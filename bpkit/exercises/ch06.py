"""One-line checks for the exercises of book/06_backprop_in_code.ipynb."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.exercises.core import check_array, check_scalar
from bpkit.gradcheck import check_model
from bpkit.losses import BinaryCrossEntropy, CrossEntropy
from bpkit.model import MLP


def check_xor_backward(xor_backward: Callable[[np.ndarray, np.ndarray, dict[str, np.ndarray]], Any]) -> bool:
    """xor_backward(X, Y, p) against bpkit's backprop for a 2-4-1 tanh/sigmoid MLP and mean BCE, at random weights."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    for seed in (1, 2, 3):
        model = MLP([2, 4, 1], activation="tanh", output_activation="sigmoid", seed=seed)
        for b in (model.layers[0].b, model.layers[1].b):
            b[...] = np.random.default_rng(seed + 10).normal(size=b.shape)
        model.backward(BinaryCrossEntropy().grad(model.forward(X), Y))
        params = {k: v.copy() for k, v in model.parameters().items()}
        try:
            got = xor_backward(X, Y, params)
        except Exception as exc:  # noqa: BLE001 - the reader's code may raise anything
            print(f"✘ xor_backward is wrong: it raised {type(exc).__name__}: {exc}")
            return False
        if not isinstance(got, dict) or set(got) != set(params):
            print(f"✘ xor_backward is wrong: it must return a dict with keys {sorted(params)}")
            return False
        for k, g in model.gradients().items():
            if not check_array(f"xor_backward's {k}", got[k], g, quiet_success=True):
                return False
    print("✔ xor_backward is correct.")
    return True


def check_differences(forward_difference: Callable[..., float], central_difference: Callable[..., float]) -> bool:
    """(f(x+e) - f(x))/e and (f(x+e) - f(x-e))/(2e), compared with the formulas on several f, x, e."""
    cases = [(np.sin, 0.3, 1e-3), (np.exp, 1.0, 1e-2), (lambda t: t**3, -2.0, 0.5)]
    fwd = [(f(x + e) - f(x)) / e for f, x, e in cases]
    cen = [(f(x + e) - f(x - e)) / (2 * e) for f, x, e in cases]
    try:
        got_f = [forward_difference(f, x, e) for f, x, e in cases]
        got_c = [central_difference(f, x, e) for f, x, e in cases]
    except Exception as exc:  # noqa: BLE001 - the reader's code may raise anything
        print(f"✘ the differences are wrong: calling them raised {type(exc).__name__}: {exc}")
        return False
    return check_array("(forward, central) differences", [got_f, got_c], [fwd, cen], rtol=1e-12, atol=1e-14)


class _CountingLoss(CrossEntropy):
    """Cross-entropy that counts how often it is evaluated."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, y_hat: Any, y: Any) -> float:
        self.calls += 1
        return super().__call__(y_hat, y)


def stencil_evaluations() -> int:
    """Loss evaluations made by the stencil of check_model(MLP([10, 20, 3]), max_entries=5), counted by running it."""
    rng = np.random.default_rng(0)
    loss = _CountingLoss()
    check_model(MLP([10, 20, 3], activation="tanh", seed=0), loss, rng.normal(size=(4, 10)),
                rng.integers(0, 3, size=4), max_entries=5, rng=rng)
    return loss.calls


def check_stencil_evaluations(answer: int) -> bool:
    """The number of loss evaluations of the five-point stencil in that check."""
    hint = (lambda a, e: np.isclose(float(a), 2 * e / 4), "that counts 2 evaluations per entry: the five-point stencil uses 4")
    return check_scalar("the number of evaluations", answer, stencil_evaluations(), hints=[hint])
