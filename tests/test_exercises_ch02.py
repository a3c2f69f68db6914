"""Tests of bpkit.exercises.ch02: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpkit.exercises.ch02 import (
    check_learning_rates,
    check_mse_grad,
    check_steps_needed,
    mse_exercise_data,
    steps_needed,
)
from bpkit.exercises.core import Verdict


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


Y_HAT, Y = mse_exercise_data()
D = Y_HAT - Y


def test_the_data_is_the_chapters() -> None:
    rng = np.random.default_rng(0)  # the chapter's check cell under "Two losses"
    assert np.array_equal(Y_HAT, rng.normal(size=(4, 3))) and np.array_equal(Y, rng.normal(size=(4, 3)))


@pytest.mark.parametrize("answer", [2 * D / 12, (2 * D / 12).tolist(), D / 6, 2 * (Y_HAT - Y) / Y_HAT.size])
def test_mse_grad_right(capsys, answer) -> None:
    assert run(capsys, check_mse_grad, Y_HAT, Y, answer) == (True, "✔ dJ/dY_hat is correct.")


@pytest.mark.parametrize("answer,reason", [
    (2 * D, "the 1/(N C) = 1/12 of the mean is missing"),
    (2 * D / 4, "it divides by N = 4 only; the mean runs over all N C = 12 entries"),
    (2 * D / 3, "it divides by C = 3 only; the mean runs over all N C = 12 entries"),
    (D / 12, "the factor 2 from the square is missing"),
    (D, "both the factor 2 and the 1/(N C) = 1/12 are missing"),
    (-2 * D / 12, "it uses Y - Y_hat; the derivative of (Y_hat - Y)² with respect to Y_hat is 2 (Y_hat - Y)"),
    ((2 * D / 12).T, "it has shape (3, 4), the transpose of the expected shape (4, 3)"),
    (2 * D / 11, "all 12 entries differ; every entry is 1.091 times the right one; the largest difference is at "
                 "index (3, 0): expected -0.438647, got -0.478525"),
])
def test_mse_grad_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_mse_grad, Y_HAT, Y, answer) == (False, f"✘ dJ/dY_hat is wrong: {reason}")


def test_mse_grad_with_the_arguments_swapped(capsys) -> None:
    """Before, check_mse_grad(Y, Y_hat, 2 (Y - Y_hat) / 12) passed: a gradient of the wrong sign."""
    assert run(capsys, check_mse_grad, Y, Y_HAT, 2 * (Y - Y_HAT) / 12) == (
        False, "✘ dJ/dY_hat is wrong: the call passes Y first: check_mse_grad(Y_hat, Y, your_grad) takes the "
               "predictions first")


def test_mse_grad_mistakes_use_the_real_shape(capsys) -> None:
    rng = np.random.default_rng(1)
    Yh, Yt = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    assert run(capsys, check_mse_grad, Yh, Yt, 2 * (Yh - Yt))[1].endswith("the 1/(N C) = 1/10 of the mean is missing")


@pytest.mark.parametrize("largest,best", [(2 / 12, 2 / 15), (1 / 6, np.float64(2) / 15), (np.array(1 / 6), 0.13333333333333333)])
def test_learning_rates_right(capsys, largest, best) -> None:
    assert run(capsys, check_learning_rates, largest, best)[0]


@pytest.mark.parametrize("largest,best,reason", [
    (2 / 3, 2 / 15, "largest: it is 2/λ_min = 2/3; the largest curvature λ_max = 12 sets the limit"),
    (1 / 12, 2 / 15, "largest: it is 1/λ_max, the best rate for the steepest direction alone; the iteration still "
                     "converges up to 2/λ_max = 2/12"),
    (2 / 12, 1 / 3, "best: it is 1/λ_min, at which the steep direction diverges"),
    (2 / 12, 2 / 12, "best: it is the stability limit 2/λ_max, where the steep direction does not converge"),
    (2 / 15, 2 / 12, "the two answers are swapped: the largest stable rate comes first"),
    (0.17, 0.13, "largest: expected 0.166667, got 0.17; best: expected 0.133333, got 0.13"),
])
def test_learning_rates_wrong(capsys, largest, best, reason) -> None:
    assert run(capsys, check_learning_rates, largest, best) == (False, f"✘ (largest, best) learning rates is wrong: {reason}")


RHO = 99 / 101
RATIO = math.log(1e-6) / math.log(RHO)


def test_steps_needed_matches_the_formula() -> None:
    assert steps_needed() == math.ceil(RATIO)


@pytest.mark.parametrize("answer", [math.ceil(RATIO), float(math.ceil(RATIO)), np.ceil(RATIO), np.int64(691)])
def test_steps_needed_right(capsys, answer) -> None:
    assert run(capsys, check_steps_needed, answer)[0]


@pytest.mark.parametrize("answer,reason", [
    (math.floor(RATIO), "it rounds 690.75 down; after that many steps ρ^t is still above 10^-6"),
    (math.ceil(RATIO / 2), "it counts the steps until the loss, which falls by ρ² per step, is 10^-6 of its start; "
                           "the exercise asks for the distance"),
    (math.ceil(math.log(1e-6) / math.log(0.99)), "it uses ρ = 1 - 1/κ, the factor at learning rate 1/λ_max; at the "
                                                 "optimal rate ρ = (κ - 1)/(κ + 1)"),
    (math.ceil(math.log(1e6) / (1 - RHO)), "it uses ln ρ ≈ -(1 - ρ); the exact count uses ln ρ itself"),
    (RATIO, "expected a whole number, got 690.753"),
    (700, "expected 691, got 700"),
])
def test_steps_needed_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_steps_needed, answer) == (False, f"✘ the number of steps is wrong: {reason}")
