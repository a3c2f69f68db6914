"""Tests of bpkit.exercises.ch07: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.exercises.ch07 import check_adam_first_step, check_momentum_speedup, check_rmsprop_update
from bpkit.exercises.core import Verdict


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


def rms(theta, g, v, lr, rho=0.99, eps=1e-8):  # the chapter's solution
    v = rho * v + (1 - rho) * g * g
    return theta - lr * g / (np.sqrt(v) + eps), v


def rms_in_place(theta, g, v, lr, rho=0.99, eps=1e-8):
    v *= rho
    v += (1 - rho) * g**2
    theta -= lr * g / (v**0.5 + eps)
    return theta, v


@pytest.mark.parametrize("fn", [rms, rms_in_place, lambda t, g, v, lr: list(rms(t, g, v, lr))])
def test_rmsprop_right(capsys, fn) -> None:
    assert run(capsys, check_rmsprop_update, fn) == (True, "✔ rmsprop_update is correct.")


def variant(update_v, step):
    def fn(theta, g, v, lr, rho=0.99, eps=1e-8):
        new_v = update_v(v, g, rho)
        return step(theta, g, new_v, lr, eps), new_v
    return fn


AVG = lambda v, g, rho: rho * v + (1 - rho) * g * g  # noqa: E731
DESCENT = lambda t, g, v, lr, eps: t - lr * g / (np.sqrt(v) + eps)  # noqa: E731


@pytest.mark.parametrize("fn,reason", [
    (variant(lambda v, g, rho: v + g * g, DESCENT),
     "it accumulates v + g² (AdaGrad) instead of the moving average ρ v + (1 - ρ) g²"),
    (variant(lambda v, g, rho: (1 - rho) * v + rho * g * g, DESCENT),
     "the weights of the average are swapped: v ← ρ v + (1 - ρ) g² with ρ = 0.99"),
    (variant(AVG, lambda t, g, v, lr, eps: t - lr * g / np.sqrt(v + eps)),
     "ε is added inside the square root; RMSProp (as in PyTorch) adds it to √v"),
    (variant(AVG, lambda t, g, v, lr, eps: t - lr * g / (v + eps)), "it divides by v instead of √v"),
    (variant(AVG, lambda t, g, v, lr, eps: t + lr * g / (np.sqrt(v) + eps)),
     "it steps along +g; the update subtracts lr g / (√v + ε)"),
    (lambda theta, g, v, lr: (rms(theta, g, v, lr)[0], v), "it returns the old v, so every step starts from v = 0; "
                                                           "return the updated v"),
    (lambda theta, g, v, lr: rms(theta, g, v, lr, rho=0.9), "theta after step 1: all 4 entries differ; the largest "
     "difference is at index 3: expected -0.990592, got -0.922215"),
    (lambda theta, g, v, lr: rms(theta, g, v, lr)[0], "it must return the pair (theta, v), got an array of dtype "
                                                      "float64 and shape (4,)"),
])
def test_rmsprop_wrong(capsys, fn, reason) -> None:
    assert run(capsys, check_rmsprop_update, fn) == (False, f"✘ rmsprop_update is wrong: {reason}")


G1 = np.array([4.0, -0.001, 250.0])
EXACT = -0.1 * G1 / (np.abs(G1) + 1e-8)


def test_adam_exact_step(capsys) -> None:
    assert run(capsys, check_adam_first_step, EXACT) == (True, "✔ the first Adam step is correct.")
    assert run(capsys, check_adam_first_step, EXACT.tolist())[0]


@pytest.mark.parametrize("answer", [-0.1 * np.sign(G1), [-0.1, 0.1, -0.1]])
def test_adam_accepts_what_the_solution_calls_approximately_right(capsys, answer) -> None:
    """The solution says the step is ≈ -α sign(g1); before, the check rejected exactly that."""
    assert run(capsys, check_adam_first_step, answer) == (
        True, "✔ the first Adam step is correct up to ε: it is the step with ε = 0; with ε = 1e-08, entry 1 is 0.099999.")


B1, B2 = 0.9, 0.999
M1, V1 = (1 - B1) * G1, (1 - B2) * G1**2


@pytest.mark.parametrize("answer,reason", [
    (-0.1 * M1 / (np.sqrt(V1) + 1e-8), "without the bias corrections m/(1 - β1) and v/(1 - β2) the first step is "
                                       "(1 - β1)/√(1 - β2) = 3.16 times too large"),
    (-0.1 * G1 / (np.sqrt(V1) + 1e-8), "v is not bias-corrected: v̂ = v/(1 - β2)"),
    (-0.1 * M1 / (np.abs(G1) + 1e-8), "m is not bias-corrected: m̂ = m/(1 - β1)"),
    (-0.1 * G1 / np.sqrt(G1**2 + 1e-8), "ε is added inside the square root; Adam adds it to √v̂"),
    (-EXACT, "it has the sign of the gradient; a descent step moves against it"),
    (0.1 * np.sign(G1), "it has the sign of the gradient; a descent step moves against it"),
    (-np.sign(G1), "the learning rate α = 0.1 is missing"),
    (-0.1 * G1, "it is the plain gradient step -α g; Adam divides by √v̂"),
    (EXACT[:2], "it has shape (2,); expected shape (3,)"),
    (EXACT * [1, 1, 2], "1 of 3 entries differs; the largest difference is at index 2: expected -0.1, got -0.2"),
])
def test_adam_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_adam_first_step, answer) == (False, f"✘ the first Adam step is wrong: {reason}")


KAPPA = 400.0
GD = (KAPPA - 1) / (KAPPA + 1)
HB = (np.sqrt(KAPPA) - 1) / (np.sqrt(KAPPA) + 1)
SPEEDUP = np.log(HB) / np.log(GD)


def spectral_radius(lr, mu):
    """The reader may compute the factors numerically, from the iteration matrices of both eigen-directions."""
    return max(max(abs(np.linalg.eigvals([[1 - lr * lam + mu, -mu], [1.0, 0.0]]))) for lam in (1.0, KAPPA))


NUMERIC = (spectral_radius(2 / (1 + KAPPA), 0.0), spectral_radius(4 / (1 + 20) ** 2, (19 / 21) ** 2))


@pytest.mark.parametrize("answers", [(GD, HB, SPEEDUP), (399 / 401, 19 / 21, float(SPEEDUP)),
                                     (np.float64(GD), HB, np.log1p(-2 / 21) / np.log1p(-2 / 401)),
                                     (*NUMERIC, np.log(NUMERIC[1]) / np.log(NUMERIC[0]))])
def test_momentum_right(capsys, answers) -> None:
    assert run(capsys, check_momentum_speedup, *answers) == (True, "✔ (rho_GD, rho_HB, speed-up) is correct.")


@pytest.mark.parametrize("answers,reason", [
    ((GD, HB, 1 / SPEEDUP), "speed-up: it is inverted: ln ρ_GD / ln ρ_HB is below 1; momentum needs fewer steps, so "
                            "the speed-up is > 1"),
    ((GD, HB, 20.0), "speed-up: it is √κ, the large-κ approximation; the exercise asks for ln ρ_HB / ln ρ_GD"),
    ((GD, HB, (1 - HB) / (1 - GD)), "speed-up: it is (1 - ρ_HB)/(1 - ρ_GD); the number of steps goes with ln ρ"),
    ((GD, HB, GD / HB), "speed-up: it is ρ_GD / ρ_HB, a ratio of factors; the number of steps goes with their "
                        "logarithms"),
    ((1 - 1 / KAPPA, HB, SPEEDUP), "rho_GD: it is 1 - 1/κ, the factor at learning rate 1/λ_max; at the best rate "
                                   "2/(λ_min + λ_max) it is (κ - 1)/(κ + 1)"),
    ((GD, HB**2, SPEEDUP), "rho_HB: it is the momentum coefficient μ; the factor per step is √μ"),
    ((GD, GD, SPEEDUP), "rho_HB: it is ρ_GD, the factor without momentum"),
    ((GD, HB, 20.02), "speed-up: expected 20.0167, got 20.02"),
])
def test_momentum_wrong(capsys, answers, reason) -> None:
    assert run(capsys, check_momentum_speedup, *answers) == (False, f"✘ (rho_GD, rho_HB, speed-up) is wrong: {reason}")
