"""One-line checks for the exercises of book/08_pitfalls.ipynb."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bpkit.activations import log_softmax
from bpkit.autodiff import Value
from bpkit.exercises.core import check_array, check_scalar
from bpkit.init import he_normal, xavier_uniform


def chain_factor(depth: int = 10) -> float:
    """d a_L / d a_0 for a chain of `depth` sigmoid units with w = 1, b = 0 at a_0 = 0, by backprop through Values.

    With a_0 = 0 the first pre-activation is 0; later ones are sigma(...) > 0, so the factor is computed, not assumed.
    """
    a0 = Value(0.0)
    a = a0
    for _ in range(depth):
        a = (a * 1.0 - a.data).sigmoid()  # subtract the current value (a constant): every z_l = 0
    a.backward()
    return a0.grad


def check_chain_factor(answer: float) -> bool:
    """prod_l w sigma'(0) = 4^-10 for the exercise's chain."""
    hint = (lambda a, e: np.isclose(float(a), 0.5**10), "sigma'(0) is 1/4, not 1/2: sigma'(z) = sigma(z)(1 - sigma(z))")
    return check_scalar("the factor", answer, chain_factor(), hints=[hint], rtol=1e-9, atol=0.0)


def check_init_scales(he_std: float, xavier_bound: float) -> bool:
    """He std sqrt(2/256) and Xavier bound sqrt(6/(256+128)), measured from bpkit.init samples of a (128, 256) weight."""
    rng = np.random.default_rng(0)
    he = he_normal((128, 256), rng)
    xa = xavier_uniform((128, 256), rng)
    measured = [float(he.std()), float(np.abs(xa).max())]
    # sampling error of these estimates is below 1 %; the answer must match the formulas that closely
    return check_array("(He std, Xavier bound)", [he_std, xavier_bound], measured, rtol=0.01, atol=0.0)


def check_log_sum_exp(log_sum_exp: Callable[[np.ndarray], float]) -> bool:
    """log sum_i e^{z_i}, stable, against bpkit's log_softmax identity lse(z) = z_0 - log_softmax(z)_0."""
    cases = [np.array([1.0, 2.0, 3.0]), np.array([1000.0, 999.0]), np.array([-1000.0, -1001.0, -1002.0]), np.array([5.0])]
    for z in cases:
        try:
            with np.errstate(over="raise", divide="raise", invalid="raise"):
                got = float(log_sum_exp(z))
        except FloatingPointError as exc:
            print(f"✘ log_sum_exp is wrong: it overflows or underflows on {z.tolist()} ({exc})")
            return False
        expected = float(z[0] - log_softmax(z)[0])
        if not check_array(f"log_sum_exp({z.tolist()})", got, expected, rtol=1e-12, atol=1e-12, quiet_success=True):
            return False
    print("✔ log_sum_exp is correct.")
    return True
