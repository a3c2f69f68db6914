"""Tests of bpkit.exercises.ch02."""

from __future__ import annotations

import numpy as np

from bpkit.exercises.ch02 import check_learning_rates, check_mse_grad, check_steps_needed, steps_needed


def test_mse_grad(capsys) -> None:
    rng = np.random.default_rng(0)
    Y_hat, Y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert check_mse_grad(Y_hat, Y, 2 * (Y_hat - Y) / 12)
    assert not check_mse_grad(Y_hat, Y, 2 * (Y_hat - Y))
    assert "12 times" in capsys.readouterr().out.splitlines()[-1]


def test_learning_rates(capsys) -> None:
    assert check_learning_rates(2 / 12, 2 / 15)
    assert not check_learning_rates(2 / 3, 2 / 15)
    assert "lambda_max" in capsys.readouterr().out.splitlines()[-1]


def test_steps_needed_matches_the_formula() -> None:
    rho = 99 / 101
    assert steps_needed() == int(np.ceil(np.log(1e-6) / np.log(rho)))
    assert check_steps_needed(steps_needed())
    assert not check_steps_needed(steps_needed() // 2)
