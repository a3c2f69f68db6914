"""One-line checks for the exercises of book/07_optimizers.ipynb; references come from bpkit.optim."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

from bpkit.exercises.core import Mistake, Part, Verdict, call, describe, diagnose, diagnose_parts, verdict
from bpkit.optim import Adam, RMSProp

RMSPROP_LR, RMSPROP_STEPS = 0.01, 5


def _rmsprop_data() -> tuple[np.ndarray, list[np.ndarray]]:
    rng = np.random.default_rng(7)
    return rng.normal(size=4), [rng.normal(size=4) for _ in range(RMSPROP_STEPS)]


def _rmsprop_mistakes() -> list[Mistake]:
    """Wrong RMSProp steps with the reader's signature (theta, g, v, lr, rho=0.99, eps=1e-8) -> (theta, v)."""

    def adagrad(theta: Any, g: Any, v: Any, lr: float, rho: float = 0.99, eps: float = 1e-8) -> Any:
        v = v + g * g
        return theta - lr * g / (np.sqrt(v) + eps), v

    def swapped(theta: Any, g: Any, v: Any, lr: float, rho: float = 0.99, eps: float = 1e-8) -> Any:
        v = (1 - rho) * v + rho * g * g
        return theta - lr * g / (np.sqrt(v) + eps), v

    def eps_inside(theta: Any, g: Any, v: Any, lr: float, rho: float = 0.99, eps: float = 1e-8) -> Any:
        v = rho * v + (1 - rho) * g * g
        return theta - lr * g / np.sqrt(v + eps), v

    def no_sqrt(theta: Any, g: Any, v: Any, lr: float, rho: float = 0.99, eps: float = 1e-8) -> Any:
        v = rho * v + (1 - rho) * g * g
        return theta - lr * g / (v + eps), v

    def ascent(theta: Any, g: Any, v: Any, lr: float, rho: float = 0.99, eps: float = 1e-8) -> Any:
        v = rho * v + (1 - rho) * g * g
        return theta + lr * g / (np.sqrt(v) + eps), v

    def old_v(theta: Any, g: Any, v: Any, lr: float, rho: float = 0.99, eps: float = 1e-8) -> Any:
        new_v = rho * v + (1 - rho) * g * g
        return theta - lr * g / (np.sqrt(new_v) + eps), v

    return [
        Mistake("it accumulates v + g² (AdaGrad) instead of the moving average ρ v + (1 - ρ) g²", adagrad),
        Mistake("the weights of the average are swapped: v ← ρ v + (1 - ρ) g² with ρ = 0.99", swapped),
        Mistake("ε is added inside the square root; RMSProp (as in PyTorch) adds it to √v", eps_inside),
        Mistake("it divides by v instead of √v", no_sqrt),
        Mistake("it steps along +g; the update subtracts lr g / (√v + ε)", ascent),
        Mistake("it returns the old v, so every step starts from v = 0; return the updated v", old_v),
    ]


def _rmsprop_run(update: Callable[..., Any]) -> tuple[list[Any], str | None]:
    """theta after each of the five steps of update, or the reason it could not be run."""
    theta, grads = _rmsprop_data()
    v: Any = np.zeros(4)
    thetas: list[Any] = []
    for g in grads:
        result, problem = call(update, (theta, g, v, RMSPROP_LR))
        if problem is not None:
            return thetas, problem
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return thetas, f"it must return the pair (theta, v), got {describe(result)}"
        theta, v = result
        thetas.append(theta)
    return thetas, None


def check_rmsprop_update(rmsprop_update: object) -> Verdict:
    """Five steps of rmsprop_update(theta, g, v, lr) against bpkit.optim.RMSProp(lr), step by step."""
    name = "rmsprop_update"
    if not callable(rmsprop_update):
        return verdict(name, f"expected a function, got {describe(rmsprop_update)}")
    theta0, grads = _rmsprop_data()
    ref = {"p": theta0.copy()}
    opt = RMSProp(lr=RMSPROP_LR)
    expected = []
    for g in grads:
        opt.step_arrays(ref, {"p": g})
        expected.append(ref["p"].copy())
    thetas, problem = _rmsprop_run(rmsprop_update)
    if problem is not None:
        return verdict(name, problem)
    steps = [diagnose(t, e) for t, e in zip(thetas, expected, strict=True)]
    if all(p is None for p in steps):
        return verdict(name, None)
    for m in _rmsprop_mistakes():
        wrong_thetas, _ = _rmsprop_run(m.value)
        if all(diagnose(t, w) is None for t, w in zip(thetas, wrong_thetas, strict=True)):
            return verdict(name, m.says)
    k, problem = next((k, p) for k, p in enumerate(steps, start=1) if p is not None)
    return verdict(name, f"theta after step {k}: {problem}")


ADAM_LR = 0.1
ADAM_G1 = np.array([4.0, -0.001, 250.0])


def _adam_first_step(lr: float = ADAM_LR, eps: float | None = None) -> np.ndarray:
    """theta_1 - theta_0 of bpkit.optim.Adam(lr) (default betas; eps as given or the default) for g_1."""
    opt = Adam(lr=lr) if eps is None else Adam(lr=lr, eps=eps)
    p = {"p": np.zeros(3)}
    opt.step_arrays(p, {"p": ADAM_G1.copy()})
    return p["p"]


def _adam_mistakes(eps: float) -> list[Mistake]:
    """Wrong first Adam steps for g_1, each recomputed with one slip (and the given eps)."""
    (b1, b2), g, lr = Adam().betas, ADAM_G1, ADAM_LR
    m1, v1 = (1 - b1) * g, (1 - b2) * g * g
    right = -lr * g / (np.abs(g) + eps)
    return [
        Mistake(f"without the bias corrections m/(1 - β1) and v/(1 - β2) the first step is (1 - β1)/√(1 - β2) = "
                f"{(1 - b1) / math.sqrt(1 - b2):.3g} times too large", -lr * m1 / (np.sqrt(v1) + eps)),
        Mistake("v is not bias-corrected: v̂ = v/(1 - β2)", -lr * g / (np.sqrt(v1) + eps)),
        Mistake("m is not bias-corrected: m̂ = m/(1 - β1)", -lr * m1 / (np.abs(g) + eps)),
        *([Mistake("ε is added inside the square root; Adam adds it to √v̂", -lr * g / np.sqrt(g * g + eps))]
          if eps else []),
        Mistake("it has the sign of the gradient; a descent step moves against it", -right),
        Mistake(f"the learning rate α = {lr:g} is missing", right / lr),
        Mistake("it is the plain gradient step -α g; Adam divides by √v̂", -lr * g),
    ]


def check_adam_first_step(answer: object) -> Verdict:
    """theta_1 - theta_0 of Adam(lr=0.1) for g_1 = (4, -0.001, 250), run with bpkit.optim.Adam.

    The exact step is -lr g / (|g| + eps); -lr sign(g), the step with eps = 0 (run with Adam(eps=0)), is
    accepted too, with a note, since eps changes it by about eps / |g|.
    """
    exact, eps_free, eps = _adam_first_step(), _adam_first_step(eps=0.0), Adam().eps
    if diagnose(answer, exact) is not None and diagnose(answer, eps_free) is None:
        moved = np.abs(exact - eps_free) > 1e-6 * np.abs(exact)
        where = ", ".join(f"entry {i} is {exact[i]:.7g}" for i in np.flatnonzero(moved))
        return verdict("the first Adam step", None, note=f"up to ε: it is the step with ε = 0; with ε = {eps:g}, {where}")
    problem = diagnose(answer, exact, _adam_mistakes(eps) + _adam_mistakes(0.0))
    return verdict("the first Adam step", problem)


KAPPA_EX3 = 400


def _factor(kappa: int, momentum: bool) -> float:
    """Per-step factor (spectral radius of the iteration) of GD at lr = 2/(1+kappa), or of tuned heavy ball, on diag(1, kappa).

    Computed exactly with SymPy: each eigen-direction iterates [x_{t+1}, x_t] = M [x_t, x_{t-1}].
    """
    k = sp.Integer(kappa)
    sq = sp.sqrt(k)
    lr, mu = (4 / (1 + sq) ** 2, ((sq - 1) / (sq + 1)) ** 2) if momentum else (2 / (1 + k), sp.Integer(0))
    radii = []
    for lam in (sp.Integer(1), k):
        M = sp.Matrix([[1 - lr * lam + mu, -mu], [1, 0]])
        radii += [sp.Abs(ev) for ev in M.eigenvals()]
    return float(sp.Max(*radii))


def check_momentum_speedup(rho_gd: object, rho_hb: object, speedup: object) -> Verdict:
    """(rho_GD, rho_HB, ln rho_HB / ln rho_GD) for kappa = 400, from the exact spectral radii of the iterations."""
    gd, hb = _factor(KAPPA_EX3, False), _factor(KAPPA_EX3, True)
    kappa = float(KAPPA_EX3)
    mu = _factor(KAPPA_EX3, True) ** 2
    parts = [
        Part("rho_GD", rho_gd, gd, [
            Mistake("it is 1 - 1/κ, the factor at learning rate 1/λ_max; at the best rate 2/(λ_min + λ_max) it is "
                    "(κ - 1)/(κ + 1)", 1 - 1 / kappa),
        ], rtol=1e-6, atol=0.0),
        Part("rho_HB", rho_hb, hb, [
            Mistake("it is the momentum coefficient μ; the factor per step is √μ", mu),
            Mistake("it is ρ_GD, the factor without momentum", gd),
        ], rtol=1e-6, atol=0.0),
        Part("speed-up", speedup, math.log(hb) / math.log(gd), [
            Mistake("it is inverted: ln ρ_GD / ln ρ_HB is below 1; momentum needs fewer steps, so the speed-up is > 1",
                    math.log(gd) / math.log(hb)),
            Mistake("it is √κ, the large-κ approximation; the exercise asks for ln ρ_HB / ln ρ_GD", math.sqrt(kappa)),
            Mistake("it is (1 - ρ_HB)/(1 - ρ_GD); the number of steps goes with ln ρ", (1 - hb) / (1 - gd)),
            Mistake("it is ρ_GD / ρ_HB, a ratio of factors; the number of steps goes with their logarithms", gd / hb),
        ], rtol=1e-6, atol=0.0),
    ]
    return verdict("(rho_GD, rho_HB, speed-up)", diagnose_parts(parts))
