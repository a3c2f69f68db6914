"""Tests of bpkit.exercises.ch07."""

from __future__ import annotations

import numpy as np

from bpkit.exercises.ch07 import check_adam_first_step, check_momentum_speedup, check_rmsprop_update


def test_rmsprop(capsys) -> None:
    def right(theta, g, v, lr, rho=0.99, eps=1e-8):
        v = rho * v + (1 - rho) * g * g
        return theta - lr * g / (np.sqrt(v) + eps), v

    def no_average(theta, g, v, lr, rho=0.99, eps=1e-8):
        v = v + g * g
        return theta - lr * g / (np.sqrt(v) + eps), v

    assert check_rmsprop_update(right)
    assert not check_rmsprop_update(no_average)


def test_adam_first_step(capsys) -> None:
    g = np.array([4.0, -0.001, 250.0])
    assert check_adam_first_step(-0.1 * g / (np.abs(g) + 1e-8))
    assert not check_adam_first_step(-0.1 * g)


def test_momentum_speedup(capsys) -> None:
    kappa = 400.0
    gd = (kappa - 1) / (kappa + 1)
    hb = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    assert check_momentum_speedup(gd, hb, np.log(hb) / np.log(gd))
    capsys.readouterr()
    assert not check_momentum_speedup(gd, hb, np.log(gd) / np.log(hb))
    assert "inverted" in capsys.readouterr().out
