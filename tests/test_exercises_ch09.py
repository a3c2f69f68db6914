"""Tests of bpkit.exercises.ch09: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.exercises.ch09 import (
    EARLY_STOPPING_CASES,
    check_dropout_moments,
    check_early_stopping,
    check_l2_gradient,
    dropout_scale,
    l2_exercise,
    reference_early_stopping,
)
from bpkit.exercises.core import Verdict
from bpkit.losses import MSE
from bpkit.model import MLP
from bpkit.optim import Adam
from bpkit.train import fit


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


W, G = l2_exercise()


@pytest.mark.parametrize("answer", [G + 0.01 * W, (G + 0.01 * W).tolist(), G + W / 100])
def test_l2_right(capsys, answer) -> None:
    assert run(capsys, check_l2_gradient, answer) == (True, "✔ the regularized gradient is correct.")


@pytest.mark.parametrize("answer,reason", [
    (G + 0.005 * W, "the penalty λ/2 ||W||² differentiates to λ W, not λ W / 2"),
    (G + 0.02 * W, "it differentiates λ ||W||² (2 λ W); the penalty λ/2 ||W||² gives λ W"),
    (G - 0.01 * W, "the penalty's gradient enters with the wrong sign: it is + λ W"),
    (0.01 * W, "it is the penalty's gradient λ W alone; add the loss gradient G"),
    (G, "it is the loss gradient G alone; the penalty adds λ W"),
    (G + 0.01, "it adds λ; the penalty λ/2 ||W||² adds λ W"),
    ((G + 0.01 * W).T, "it has shape (4, 3), the transpose of the expected shape (3, 4)"),
])
def test_l2_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_l2_gradient, answer) == (False, f"✘ the regularized gradient is wrong: {reason}")


def test_dropout_scale_is_read_from_bpkit() -> None:
    assert dropout_scale(0.2) == 1 / (1 - 0.2)


@pytest.mark.parametrize("scale,variance", [(1.25, 0.25), (1 / (1 - 0.2), 0.2 / (1 - 0.2)), (5 / 4, 1 / 4)])
def test_dropout_right(capsys, scale, variance) -> None:
    assert run(capsys, check_dropout_moments, scale, variance) == (True, "✔ (scale, variance) is correct.")


@pytest.mark.parametrize("scale,variance,reason", [
    (0.8, 0.25, "scale: it is 1 - p, the keep probability; inverted dropout divides by it: 1/(1 - p)"),
    (5.0, 0.25, "scale: it is 1/p; the kept units are scaled by 1/(1 - p)"),
    (1.25, 0.16, "variance: it is p(1 - p), the variance of the mask m; a = m/(1 - p) has variance p(1 - p)/(1 - p)²"),
    (1.25, 1.25, "variance: it is E[a²]; the variance subtracts E[a]² = 1"),
    (1.25, 0.2, "variance: it is p; the variance is p/(1 - p)"),
    (1.25, 0.3, "variance: expected 0.25, got 0.3"),
])
def test_dropout_wrong(capsys, scale, variance, reason) -> None:
    assert run(capsys, check_dropout_moments, scale, variance) == (False, f"✘ (scale, variance) is wrong: {reason}")


def test_early_stopping_reference_matches_fit() -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 5)), rng.normal(size=(30, 1))
    Xv, yv = rng.normal(size=(30, 5)), rng.normal(size=(30, 1))
    h = fit(MLP([5, 64, 1], seed=0), MSE(), Adam(0.01), X, y, epochs=200, batch_size=10, rng=rng,
            validation=(Xv, yv), early_stopping=4, metrics=())
    assert reference_early_stopping(h.val_loss, 4) == (h.best_epoch, h.stopped_epoch)


def test_the_cases_tell_every_mistake_apart() -> None:
    variants = [{}, {"first": 0}, {"ties_improve": True}, {"late": True}, {"reset": False}]
    results = [tuple(reference_early_stopping(losses, k, **kw) for losses, k in EARLY_STOPPING_CASES) for kw in variants]
    assert len(set(results)) == len(variants)


def best_epoch(val_losses, patience):  # the chapter's solution
    best, best_at, waited = float("inf"), 0, 0
    for epoch, v in enumerate(val_losses, start=1):
        if v < best:
            best, best_at, waited = v, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_at, epoch
    return best_at, len(val_losses)


def since_best(val_losses, patience):
    """A different right answer: stop at the first epoch that is `patience` epochs after the best so far."""
    for epoch in range(1, len(val_losses) + 1):
        seen = val_losses[:epoch]
        best = seen.index(min(seen)) + 1
        if epoch - best >= patience:
            return best, epoch
    return val_losses.index(min(val_losses)) + 1, len(val_losses)


@pytest.mark.parametrize("fn", [best_epoch, lambda losses, k: list(best_epoch(losses, k)), since_best])
def test_early_stopping_right(capsys, fn) -> None:
    assert run(capsys, check_early_stopping, fn) == (True, "✔ best_epoch is correct.")


@pytest.mark.parametrize("kwargs,reason", [
    ({"first": 0}, "it numbers the epochs from 0; the exercise counts them from 1"),
    ({"ties_improve": True}, "it counts an equal loss as an improvement; only a strictly lower loss is"),
    ({"late": True}, "it stops one epoch late: training stops when `patience` epochs in a row fail to improve"),
    ({"reset": False}, "it never resets the count of failures; an improvement starts the count again"),
])
def test_early_stopping_mistakes(capsys, kwargs, reason) -> None:
    fn = lambda losses, k: reference_early_stopping(losses, k, **kwargs)  # noqa: E731
    assert run(capsys, check_early_stopping, fn) == (False, f"✘ best_epoch is wrong: {reason}")


def test_early_stopping_plain_messages(capsys) -> None:
    never_stops = lambda losses, k: (int(np.argmin(losses)) + 1, len(losses))  # noqa: E731
    assert run(capsys, check_early_stopping, never_stops) == (
        False, "✘ best_epoch is wrong: on input ([1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95], 3): 1 of 2 entries differs; "
               "the largest difference is at index 1: expected 6, got 7")
    assert run(capsys, check_early_stopping, lambda losses, k: losses[k]) == (
        False, "✘ best_epoch is wrong: on input ([1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95], 3): it has shape (); "
               "expected shape (2,)")
