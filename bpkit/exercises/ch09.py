"""One-line checks for the exercises of book/09_generalization.ipynb."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.exercises.core import check_array
from bpkit.layers import Dropout
from bpkit.optim import SGD


def l2_exercise() -> tuple[np.ndarray, np.ndarray]:
    """A weight matrix W (3, 4) and a loss gradient G of the same shape."""
    rng = np.random.default_rng(909)
    return rng.normal(size=(3, 4)), rng.normal(size=(3, 4))


def check_l2_gradient(answer: ArrayLike) -> bool:
    """G + lambda W for lambda = 0.01, read off one step of SGD(lr=1, weight_decay=0.01)."""
    W, G = l2_exercise()
    p = {"W": W.copy()}
    SGD(lr=1.0, weight_decay=0.01).step_arrays(p, {"W": G})
    expected = W - p["W"]
    half = (lambda a, e: np.allclose(a, G + 0.005 * W), "the penalty lambda/2 ||W||^2 differentiates to lambda W, not lambda W / 2")
    return check_array("the regularized gradient", answer, expected, hints=[half])


def check_dropout_moments(scale: float, variance: float) -> bool:
    """Scale 1/(1-p) of kept units, read from bpkit's Dropout(0.2) mask, and the output variance (1-p) scale^2 - 1."""
    p = 0.2
    layer = Dropout(p, np.random.default_rng(0))
    layer.forward(np.ones((1, 1000)))
    kept = float(layer.mask[layer.mask != 0][0])
    expected_var = (1 - p) * kept**2 - 1.0
    return check_array("(scale, variance)", [scale, variance], [kept, expected_var])


def reference_early_stopping(val_losses: Sequence[float], patience: int) -> tuple[int, int]:
    """(best epoch, last epoch run) of patience-based early stopping, as bpkit.train.fit applies it."""
    best, best_at, waited = float("inf"), 0, 0
    for epoch, v in enumerate(val_losses, start=1):
        if v < best:
            best, best_at, waited = v, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_at, epoch
    return best_at, len(val_losses)


def check_early_stopping(best_epoch: Callable[[Sequence[float], int], Any]) -> bool:
    """best_epoch(val_losses, patience) -> (restored epoch, stopping epoch) on several loss curves."""
    cases = [([1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95], 3), ([3.0, 2.0, 1.0, 0.5], 2),
             ([0.5, 0.6, 0.4, 0.45, 0.41, 0.39, 0.5, 0.6], 2), ([1.0, 1.0, 1.0], 2)]
    for losses, patience in cases:
        try:
            got = best_epoch(losses, patience)
        except Exception as exc:  # noqa: BLE001 - the reader's code may raise anything
            print(f"✘ best_epoch is wrong: it raised {type(exc).__name__}: {exc}")
            return False
        if not check_array(f"best_epoch({losses}, {patience})", got, reference_early_stopping(losses, patience),
                           quiet_success=True):
            return False
    print("✔ best_epoch is correct.")
    return True
