"""One-line checks for the exercises of book/08_pitfalls.ipynb."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.activations import log_softmax
from bpkit.autodiff import Value
from bpkit.exercises.core import (
    Mistake,
    Part,
    Verdict,
    check_scalar,
    describe,
    diagnose_function,
    diagnose_parts,
    verdict,
)
from bpkit.init import he_normal, xavier_uniform

CHAIN_DEPTH = 10


def chain_factor(depth: int = CHAIN_DEPTH) -> float:
    """d a_L / d a_0 for a chain of `depth` sigmoid units with w = 1, b = 0 at a_0 = 0, by backprop through Values.

    With a_0 = 0 the first pre-activation is 0; later ones are sigma(...) > 0, so the factor is computed, not assumed.
    """
    a0 = Value(0.0)
    a = a0
    for _ in range(depth):
        a = (a * 1.0 - a.data).sigmoid()  # subtract the current value (a constant): every z_l = 0
    a.backward()
    return a0.grad


def check_chain_factor(answer: object) -> Verdict:
    """prod_l w sigma'(0) = 4^-10 for the exercise's chain, against chain_factor()."""
    z0 = Value(0.0)
    s0 = z0.sigmoid()
    s0.backward()
    sigma, slope = s0.data, z0.grad  # sigma(0) and sigma'(0), from Value
    mistakes = [
        Mistake(f"it multiplies {sigma:g} per layer; that is σ(0), and σ'(0) = σ(0)(1 - σ(0)) = {slope:g}",
                sigma**CHAIN_DEPTH),
        Mistake(f"it is one layer's factor σ'(0); the chain multiplies {CHAIN_DEPTH} of them", slope),
        Mistake(f"it adds the {CHAIN_DEPTH} factors; the chain rule multiplies them", CHAIN_DEPTH * slope),
        Mistake(f"it is the inverse: each layer multiplies the gradient by σ'(0) = {slope:g}", slope**-CHAIN_DEPTH),
    ]
    return check_scalar("the factor", answer, chain_factor(), mistakes, rtol=1e-9, atol=0.0)


#: the layer of exercise 2: its weight has shape (n_out, n_in)
N_IN, N_OUT = 256, 128


def init_scales(n_in: int = N_IN, n_out: int = N_OUT) -> tuple[float, float]:
    """(He's standard deviation, Xavier's uniform bound) read exactly off bpkit.init for a (n_out, n_in) weight.

    he_normal draws rng.normal(0, std) = std * rng.standard_normal() and xavier_uniform draws
    rng.uniform(-a, a) = -a + 2 a rng.random(); dividing by the same draws from the same seed gives std
    and a to rounding, without typing the formulas.
    """
    shape = (n_out, n_in)
    he = he_normal(shape, np.random.default_rng(0)) / np.random.default_rng(0).standard_normal(shape)
    u = 2 * np.random.default_rng(1).random(shape) - 1
    xa = xavier_uniform(shape, np.random.default_rng(1))
    bound = (xa / u)[np.abs(u) > 0.5]
    for ratio in (he, bound):
        if np.ptp(ratio) > 1e-12 * np.abs(ratio).max():
            raise RuntimeError("bpkit.init no longer draws std * standard_normal or -a + 2 a random; update init_scales")
    return float(np.median(he)), float(np.median(bound))


def check_init_scales(he_std: object, xavier_bound: object) -> Verdict:
    """He std sqrt(2/256) and Xavier bound sqrt(6/(256+128)), read off bpkit.init (see init_scales)."""
    he, bound = init_scales()
    parts = [
        Part("He std", he_std, he, [
            Mistake(f"it uses n_out = {N_OUT}; He uses the fan-in n_in = {N_IN}", np.sqrt(2 / N_OUT)),
            Mistake("it is the variance 2/n_in; the standard deviation is its square root", 2 / N_IN),
            Mistake("it is √(1/n_in) (LeCun); He's factor 2 makes up for the half of the inputs a ReLU zeroes",
                    np.sqrt(1 / N_IN)),
            Mistake("it is Xavier's standard deviation √(2/(n_in + n_out))", np.sqrt(2 / (N_IN + N_OUT))),
        ]),
        Part("Xavier bound", xavier_bound, bound, [
            Mistake("it is the standard deviation √(2/(n_in + n_out)); the bound a of U(-a, a) is √3 times it",
                    np.sqrt(2 / (N_IN + N_OUT))),
            Mistake("it is a² = 6/(n_in + n_out); the bound is its square root", 6 / (N_IN + N_OUT)),
            Mistake(f"it uses n_in = {N_IN} alone; Xavier averages the fan-in and the fan-out", np.sqrt(6 / N_IN)),
            Mistake(f"it uses n_out = {N_OUT} alone; Xavier averages the fan-in and the fan-out", np.sqrt(6 / N_OUT)),
        ]),
    ]
    return verdict("(He std, Xavier bound)", diagnose_parts(parts))


LSE_CASES = [
    np.array([1.0, 2.0, 3.0]),
    np.array([1000.0, 999.0]),
    np.array([-1000.0, -1001.0, -1002.0]),
    np.array([5.0]),
    np.array([1000.0, -1000.0]),
    np.array([-800.0, 0.5, 700.0]),
]


def _lse_reference(z: np.ndarray) -> float:
    return float(z[0] - log_softmax(z)[0])


def check_log_sum_exp(log_sum_exp: object) -> Verdict:
    """log sum_i e^{z_i}, stable, against bpkit's log_softmax identity lse(z) = z_0 - log_softmax(z)_0.

    The reader's function runs with NumPy's overflow, divide and invalid warnings turned into errors,
    on cases that need the shift by max(z): entries of 1000, of -1000, and both in one array (which
    overflows with a shift by min(z)).
    """
    name = "log_sum_exp"
    if not callable(log_sum_exp):
        return verdict(name, f"expected a function, got {describe(log_sum_exp)}")

    def strict(z: np.ndarray) -> Any:
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            return log_sum_exp(z)

    def shifted(z: np.ndarray, shift: Callable[[np.ndarray], float], add_back: bool = True,
                reduce: Callable[..., Any] = np.sum) -> float:
        m = shift(z)
        return float((m if add_back else 0.0) + np.log(reduce(np.exp(z - m))))

    mistakes = [
        Mistake("the shift m = max(z) is not added back: log Σ e^z = m + log Σ e^(z - m)",
                lambda z: shifted(z, np.max, add_back=False)),
        Mistake("it is max(z) alone; the term log Σ e^(z - max z) is missing", lambda z: float(np.max(z))),
        Mistake("it takes the mean of e^(z - m), not the sum", lambda z: shifted(z, np.max, reduce=np.mean)),
    ]
    problem = diagnose_function(strict, _lse_reference, [(z,) for z in LSE_CASES], mistakes, rtol=1e-12, atol=1e-12)
    return verdict(name, problem)
