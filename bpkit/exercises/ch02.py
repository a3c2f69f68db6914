"""One-line checks for the exercises of book/02_loss_and_gradient_descent.ipynb."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from bpkit.exercises.core import Mistake, Part, Verdict, check_count, diagnose, diagnose_parts, verdict
from bpkit.functions import quadratic
from bpkit.losses import MSE
from bpkit.optim import SGD
from bpkit.validate import as_array

#: the Hessian of f(x, y) = 1/2 (3 x^2 + 12 y^2) in exercise 2
HESSIAN_EX2 = np.diag([3.0, 12.0])
#: exercise 3: the condition number and the reduction of the distance to the minimum
KAPPA_EX3, REDUCTION_EX3 = 100.0, 1e-6


def mse_exercise_data() -> tuple[np.ndarray, np.ndarray]:
    """(Y_hat, Y) of the chapter's check cell under "Two losses": two (4, 3) arrays from default_rng(0)."""
    rng = np.random.default_rng(0)
    return rng.normal(size=(4, 3)), rng.normal(size=(4, 3))


def check_mse_grad(Y_hat: ArrayLike, Y: ArrayLike, answer: object) -> Verdict:
    """dJ/dY_hat = 2 (Y_hat - Y) / (N C) for the mean squared error, from bpkit.losses.MSE.

    The mistakes are recomputed with the real N and C of the arrays given.
    """
    Y_hat = as_array(Y_hat, "Y_hat", "check_mse_grad", ndim=2)
    Y = as_array(Y, "Y", "check_mse_grad", ndim=2)
    chapter_Y_hat, chapter_Y = mse_exercise_data()
    if Y_hat.shape == Y.shape == chapter_Y.shape and np.array_equal(Y_hat, chapter_Y) \
            and np.array_equal(Y, chapter_Y_hat):
        return verdict("dJ/dY_hat", "the call passes Y first: check_mse_grad(Y_hat, Y, your_grad) takes the "
                                    "predictions first")
    N, C = Y.shape
    diff = Y_hat - Y
    mistakes = [
        Mistake(f"the 1/(N C) = 1/{N * C} of the mean is missing", 2 * diff),
        Mistake(f"it divides by N = {N} only; the mean runs over all N C = {N * C} entries", 2 * diff / N),
        Mistake(f"it divides by C = {C} only; the mean runs over all N C = {N * C} entries", 2 * diff / C),
        Mistake("the factor 2 from the square is missing", diff / (N * C)),
        Mistake(f"both the factor 2 and the 1/(N C) = 1/{N * C} are missing", diff),
        Mistake("it uses Y - Y_hat; the derivative of (Y_hat - Y)² with respect to Y_hat is 2 (Y_hat - Y)",
                -2 * diff / (N * C)),
    ]
    return verdict("dJ/dY_hat", diagnose(answer, MSE().grad(Y_hat, Y), mistakes))


def check_learning_rates(largest: object, best: object) -> Verdict:
    """Largest stable rate 2 / lambda_max and best rate 2 / (lambda_min + lambda_max) of exercise 2."""
    lo, hi = np.linalg.eigvalsh(HESSIAN_EX2)
    limit, optimum = 2 / hi, 2 / (lo + hi)
    parts = [
        Part("largest", largest, limit, [
            Mistake(f"it is 2/λ_min = 2/{lo:g}; the largest curvature λ_max = {hi:g} sets the limit", 2 / lo),
            Mistake(f"it is 1/λ_max, the best rate for the steepest direction alone; the iteration still "
                    f"converges up to 2/λ_max = 2/{hi:g}", 1 / hi),
        ]),
        Part("best", best, optimum, [
            Mistake("it is 1/λ_max, the best rate for the steepest direction alone; the slowest factor "
                    "max |1 - α λ| is smallest where the two are balanced, at 2/(λ_min + λ_max)", 1 / hi),
            Mistake("it is 1/λ_min, at which the steep direction diverges", 1 / lo),
            Mistake("it is the stability limit 2/λ_max, where the steep direction does not converge", limit),
        ]),
    ]
    swapped = Mistake("the two answers are swapped: the largest stable rate comes first", (optimum, limit))
    return verdict("(largest, best) learning rates", diagnose_parts(parts, together=[swapped]))


def steps_needed(kappa: float = KAPPA_EX3, reduction: float = REDUCTION_EX3) -> int:
    """Steps of gradient descent with lr = 2/(1 + kappa) on quadratic(kappa) until |x_t| <= reduction |x_0|, by running it."""
    fn = quadratic(kappa)
    point = {"xy": fn.start.copy()}
    start = np.linalg.norm(point["xy"])
    opt = SGD(lr=2 / (1 + kappa))
    steps = 0
    while np.linalg.norm(point["xy"]) > reduction * start * (1 + 1e-9):
        opt.step_arrays(point, {"xy": fn.grad(point["xy"])})
        steps += 1
    return steps


def check_steps_needed(answer: object) -> Verdict:
    """The number of steps for a 10^-6 reduction on quadratic(100) at the optimal learning rate."""
    rho = (KAPPA_EX3 - 1) / (KAPPA_EX3 + 1)
    ratio = math.log(REDUCTION_EX3) / math.log(rho)
    mistakes = [
        Mistake(f"it rounds {ratio:.2f} down; after that many steps ρ^t is still above 10^-6", math.floor(ratio)),
        Mistake("it counts the steps until the loss, which falls by ρ² per step, is 10^-6 of its start; the "
                "exercise asks for the distance", math.ceil(math.log(REDUCTION_EX3) / (2 * math.log(rho)))),
        Mistake("it uses ρ = 1 - 1/κ, the factor at learning rate 1/λ_max; at the optimal rate "
                "ρ = (κ - 1)/(κ + 1)", math.ceil(math.log(REDUCTION_EX3) / math.log(1 - 1 / KAPPA_EX3))),
        Mistake("it uses ln ρ ≈ -(1 - ρ); the exact count uses ln ρ itself",
                math.ceil(math.log(REDUCTION_EX3) / -(1 - rho))),
    ]
    return check_count("the number of steps", answer, steps_needed(), mistakes)
