"""One-line checks for the exercises of book/02_loss_and_gradient_descent.ipynb."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from bpkit.exercises.core import check_array, check_scalar
from bpkit.functions import quadratic
from bpkit.losses import MSE
from bpkit.optim import SGD

#: the Hessian of f(x, y) = 1/2 (3 x^2 + 12 y^2) in exercise 2
HESSIAN_EX2 = np.diag([3.0, 12.0])


def check_mse_grad(Y_hat: ArrayLike, Y: ArrayLike, answer: ArrayLike) -> bool:
    """dJ/dY_hat = 2 (Y_hat - Y) / (N C) for the mean squared error."""
    return check_array("dJ/dY_hat", answer, MSE().grad(Y_hat, Y))


def check_learning_rates(largest: float, best: float) -> bool:
    """Largest stable rate 2 / lambda_max and best rate 2 / (lambda_min + lambda_max) of exercise 2."""
    lam = np.linalg.eigvalsh(HESSIAN_EX2)
    hint = (lambda a, e: np.isclose(a[0], 2 / lam.min()), "the largest stable rate is set by the largest curvature, lambda_max")
    return check_array("(largest, best) learning rates", [largest, best], [2 / lam.max(), 2 / (lam.min() + lam.max())], hints=[hint])


def steps_needed(kappa: float = 100.0, reduction: float = 1e-6) -> int:
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


def check_steps_needed(answer: int) -> bool:
    """The number of steps for a 10^-6 reduction on quadratic(100) at the optimal learning rate."""
    return check_scalar("the number of steps", answer, steps_needed())
