"""One-line checks for the exercises of book/09_generalization.ipynb."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bpkit.exercises.core import Mistake, Part, Verdict, check_array, diagnose_function, diagnose_parts, verdict
from bpkit.layers import Dropout
from bpkit.optim import SGD

L2_LAMBDA = 0.01
DROPOUT_P = 0.2


def l2_exercise() -> tuple[np.ndarray, np.ndarray]:
    """A weight matrix W (3, 4) and a loss gradient G of the same shape."""
    rng = np.random.default_rng(909)
    return rng.normal(size=(3, 4)), rng.normal(size=(3, 4))


def check_l2_gradient(answer: object) -> Verdict:
    """G + lambda W for lambda = 0.01, read off one step of SGD(lr=1, weight_decay=0.01)."""
    W, G = l2_exercise()
    lam = L2_LAMBDA
    p = {"W": W.copy()}
    SGD(lr=1.0, weight_decay=lam).step_arrays(p, {"W": G})
    mistakes = [
        Mistake("the penalty λ/2 ||W||² differentiates to λ W, not λ W / 2", G + lam / 2 * W),
        Mistake("it differentiates λ ||W||² (2 λ W); the penalty λ/2 ||W||² gives λ W", G + 2 * lam * W),
        Mistake("the penalty's gradient enters with the wrong sign: it is + λ W", G - lam * W),
        Mistake("it is the penalty's gradient λ W alone; add the loss gradient G", lam * W),
        Mistake("it is the loss gradient G alone; the penalty adds λ W", G),
        Mistake("it adds λ; the penalty λ/2 ||W||² adds λ W", G + lam),
    ]
    return check_array("the regularized gradient", answer, W - p["W"], mistakes)


def dropout_scale(p: float = DROPOUT_P) -> float:
    """The factor by which bpkit's Dropout(p) multiplies the units it keeps, read off a forward pass on ones."""
    out = Dropout(p, np.random.default_rng(0)).forward(np.ones((1, 1000)))
    return float(out[out != 0][0])


def check_dropout_moments(scale: object, variance: object) -> Verdict:
    """Scale 1/(1-p) of kept units, read from bpkit's Dropout(0.2), and Var(a) = E[a²] - E[a]² for a = m scale."""
    p = DROPOUT_P
    kept = dropout_scale(p)
    mean, second = (1 - p) * kept, (1 - p) * kept**2
    parts = [
        Part("scale", scale, kept, [
            Mistake("it is 1 - p, the keep probability; inverted dropout divides by it: 1/(1 - p)", 1 - p),
            Mistake("it is 1/p; the kept units are scaled by 1/(1 - p)", 1 / p),
        ]),
        Part("variance", variance, second - mean**2, [
            Mistake("it is p(1 - p), the variance of the mask m; a = m/(1 - p) has variance p(1 - p)/(1 - p)²",
                    p * (1 - p)),
            Mistake("it is E[a²]; the variance subtracts E[a]² = 1", second),
            Mistake("it is p; the variance is p/(1 - p)", p),
        ]),
    ]
    return verdict("(scale, variance)", diagnose_parts(parts))


def reference_early_stopping(val_losses: Sequence[float], patience: int, *, ties_improve: bool = False,
                             late: bool = False, reset: bool = True, first: int = 1) -> tuple[int, int]:
    """(best epoch, last epoch run) of patience-based early stopping, as bpkit.train.fit applies it.

    The keyword arguments make one typical mistake each: ties_improve counts an equal loss as an
    improvement, late stops one epoch after `patience` failures, reset=False never resets the count of
    failures, first=0 numbers the epochs from 0.
    """
    best, best_at, waited = float("inf"), 0, 0
    for epoch, v in enumerate(val_losses, start=first):
        if v < best or (ties_improve and v == best):
            best, best_at, waited = v, epoch, 0 if reset else waited
        else:
            waited += 1
            if waited > patience if late else waited >= patience:
                return best_at, epoch
    return best_at, len(val_losses) - 1 + first


EARLY_STOPPING_CASES = [
    ([1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95], 3),
    ([3.0, 2.0, 1.0, 0.5], 2),
    ([0.5, 0.6, 0.4, 0.45, 0.41, 0.39, 0.5, 0.6], 2),
    ([1.0, 1.0, 1.0], 2),
    ([0.9, 0.8, 0.8, 0.7, 0.8, 0.9, 1.0], 2),
    ([0.5, 0.6, 0.7, 0.8, 0.9, 1.0], 2),
]


def check_early_stopping(best_epoch: object) -> Verdict:
    """best_epoch(val_losses, patience) -> (restored epoch, stopping epoch) on several loss curves."""
    mistakes = [
        Mistake("it numbers the epochs from 0; the exercise counts them from 1",
                lambda losses, k: reference_early_stopping(losses, k, first=0)),
        Mistake("it counts an equal loss as an improvement; only a strictly lower loss is",
                lambda losses, k: reference_early_stopping(losses, k, ties_improve=True)),
        Mistake("it stops one epoch late: training stops when `patience` epochs in a row fail to improve",
                lambda losses, k: reference_early_stopping(losses, k, late=True)),
        Mistake("it never resets the count of failures; an improvement starts the count again",
                lambda losses, k: reference_early_stopping(losses, k, reset=False)),
    ]
    problem = diagnose_function(best_epoch, reference_early_stopping, EARLY_STOPPING_CASES, mistakes)
    return verdict("best_epoch", problem)
