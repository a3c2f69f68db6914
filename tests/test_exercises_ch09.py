"""Tests of bpkit.exercises.ch09, including that the early-stopping reference agrees with fit()."""

from __future__ import annotations

import numpy as np

from bpkit.exercises.ch09 import (
    check_dropout_moments,
    check_early_stopping,
    check_l2_gradient,
    l2_exercise,
    reference_early_stopping,
)
from bpkit.losses import MSE
from bpkit.model import MLP
from bpkit.optim import Adam
from bpkit.train import fit


def test_l2(capsys) -> None:
    W, G = l2_exercise()
    assert check_l2_gradient(G + 0.01 * W)
    assert not check_l2_gradient(G + 0.005 * W)
    assert "lambda W" in capsys.readouterr().out.splitlines()[-1]


def test_dropout_moments(capsys) -> None:
    assert check_dropout_moments(1.25, 0.25)
    assert not check_dropout_moments(0.8, 0.25)


def test_early_stopping_reference_matches_fit(capsys) -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 5)), rng.normal(size=(30, 1))
    Xv, yv = rng.normal(size=(30, 5)), rng.normal(size=(30, 1))
    h = fit(MLP([5, 64, 1], seed=0), MSE(), Adam(0.01), X, y, epochs=200, batch_size=10, rng=rng,
            validation=(Xv, yv), early_stopping=4, metrics=())
    assert reference_early_stopping(h.val_loss, 4) == (h.best_epoch, h.stopped_epoch)

    def off_by_one(losses, patience):
        best, stop = reference_early_stopping(losses, patience)
        return best - 1, stop

    assert check_early_stopping(lambda losses, p: reference_early_stopping(losses, p))
    assert not check_early_stopping(off_by_one)
