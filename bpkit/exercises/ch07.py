"""One-line checks for the exercises of book/07_optimizers.ipynb; references come from bpkit.optim."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.exercises.core import check_array
from bpkit.optim import Adam, RMSProp


def check_rmsprop_update(rmsprop_update: Callable[..., Any]) -> bool:
    """Five steps of rmsprop_update(theta, g, v, lr) against bpkit.optim.RMSProp(lr)."""
    rng = np.random.default_rng(7)
    theta0 = rng.normal(size=4)
    grads = [rng.normal(size=4) for _ in range(5)]
    ref = {"p": theta0.copy()}
    opt = RMSProp(lr=0.01)
    theta, v = theta0.copy(), np.zeros(4)
    for g in grads:
        opt.step_arrays(ref, {"p": g})
        try:
            theta, v = rmsprop_update(theta, g, v, 0.01)
        except Exception as exc:  # noqa: BLE001 - the reader's code may raise anything
            print(f"✘ rmsprop_update is wrong: it raised {type(exc).__name__}: {exc}")
            return False
    return check_array("theta after five rmsprop_update steps", theta, ref["p"])


def check_adam_first_step(answer: ArrayLike) -> bool:
    """theta_1 - theta_0 of Adam(lr=0.1) for g_1 = (4, -0.001, 250), run with bpkit.optim.Adam."""
    p = {"p": np.zeros(3)}
    Adam(lr=0.1).step_arrays(p, {"p": np.array([4.0, -0.001, 250.0])})
    no_correction = (lambda a, e: np.allclose(a, e * 0.1 / np.sqrt(0.001), rtol=0.05),
                     "without the bias corrections m/(1 - b1^t), v/(1 - b2^t) the first step is (1 - b1)/sqrt(1 - b2) times too large")
    return check_array("the first Adam step", answer, p["p"], hints=[no_correction], rtol=1e-6)


def _factor(kappa: float, momentum: bool) -> float:
    """Measured per-step factor of GD (2/(1+kappa)) or tuned heavy ball on diag(1, kappa), via the iteration matrix."""
    sq = np.sqrt(kappa)
    lr, mu = (4 / (1 + sq) ** 2, ((sq - 1) / (sq + 1)) ** 2) if momentum else (2 / (1 + kappa), 0.0)
    radii = []
    for lam in (1.0, kappa):  # each eigen-direction: [x_{t+1}, x_t] = M [x_t, x_{t-1}]
        M = np.array([[1 - lr * lam + mu, -mu], [1.0, 0.0]])
        radii.append(max(abs(np.linalg.eigvals(M))))
    return float(max(radii))


def check_momentum_speedup(rho_gd: float, rho_hb: float, speedup: float) -> bool:
    """(rho_GD, rho_HB, ln rho_HB / ln rho_GD) for kappa = 400, from the spectral radii of the iterations."""
    gd, hb = _factor(400.0, False), _factor(400.0, True)
    inverted = (lambda a, e: np.isclose(a[2], 1 / e[2], rtol=1e-3), "the speed-up is inverted: momentum needs fewer steps, so it is > 1")
    return check_array("(rho_GD, rho_HB, speed-up)", [rho_gd, rho_hb, speedup], [gd, hb, np.log(hb) / np.log(gd)],
                       hints=[inverted], rtol=1e-4)
