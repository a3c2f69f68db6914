"""Every rule of bpkit.catalogue through the four routes: SymPy, NumPy (against 50-digit arithmetic), Value, finite differences.

The tests iterate over ACTIVATIONS and LOSSES, so a rule added to the catalogue is checked by every
route without a new test: its hand-written derivative must equal SymPy's derivative of its formula
(proved, not sampled), its NumPy values must be exact to a few units in the last place, the Value
route must give the same value and, by the chain rule through the formula, the same derivative,
and central differences of the NumPy function must agree with the NumPy derivative.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from bpkit.activations import get_activation
from bpkit.autodiff import Value
from bpkit.catalogue import ACTIVATIONS, LOSSES, MATH, NUMPY, ActivationRule, LossRule
from bpkit.gradcheck import numerical_gradient
from bpkit.losses import get_loss
from bpkit.proofs import check_identity
from bpkit.sympy_backend import SYMPY
from bpkit.value_backend import VALUE

EPS = np.finfo(np.float64).eps
ELEMENTWISE = {name: r for name, r in ACTIVATIONS.items() if r.elementwise}
ROWS = {name: r for name, r in ACTIVATIONS.items() if not r.elementwise}
#: parameters other than the defaults, so that a parameter that is ignored would be caught
PARAMS = {"leaky_relu": {"negative_slope": 0.2}}
#: from underflow to overflow: where the float formulas are put to the test
POINTS = [-800.0, -745.0, -700.0, -40.0, -20.0, -1.5, -1e-8, 0.0, 1e-8, 0.3, 2.0, 20.0, 36.0, 40.0, 700.0, 800.0]


def params_of(rule: ActivationRule) -> dict[str, float]:
    return {**dict(rule.params), **PARAMS.get(rule.name, {})}


def exact(expr: sp.Expr, symbols: list[sp.Symbol], values: list[float]) -> float:
    """expr at the given floats, in 50-digit arithmetic, rounded to the nearest float."""
    with mpmath.workdps(50):
        out = sp.lambdify(symbols, expr, modules="mpmath")(*[mpmath.mpf(v) for v in values])
        return float(out)


def close(got: float, want: float, scale: float = 0.0, ulps: float = 4.0) -> bool:
    """|got - want| <= ulps eps (|want| + scale), or both infinite with one sign."""
    if math.isinf(want) or math.isinf(got):
        return got == want
    return abs(got - want) <= ulps * EPS * (abs(want) + scale) + 1e-300


# --- elementwise activations ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_sympy_route_proves_the_hand_written_derivative(name: str) -> None:
    rule, p = ELEMENTWISE[name], params_of(ELEMENTWISE[name])
    z = sp.Symbol("z", real=True)
    f = sp.sympify(rule.f(SYMPY, z, **p))
    assert rule.df is not None
    proof = check_identity(f"{name}'", sp.diff(f, z), sp.sympify(rule.df(SYMPY, z, f, **p)))
    assert proof.proved, proof


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_numpy_route_is_exact_to_rounding_from_underflow_to_overflow(name: str) -> None:
    rule, p = ELEMENTWISE[name], params_of(ELEMENTWISE[name])
    act = get_activation(name) if not p else type(get_activation(name))(**p)
    z = sp.Symbol("z", real=True)
    f = sp.sympify(rule.f(SYMPY, z, **p))
    grid = np.array(POINTS)
    a, d = act.forward(grid), act.derivative(grid)
    for t, got_f, got_d in zip(grid, a, d, strict=True):
        assert close(got_f, exact(f, [z], [t])), (name, t, got_f)
        # a derivative computed from a = f(z) (sigma (1 - sigma), 1 - tanh^2) is exact to rounding
        # relative to the scale 1 of f, not to its own tiny value where f saturates
        assert close(got_d, exact(sp.diff(f, z), [z], [t]), scale=1.0), (name, t, got_d)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_value_route_matches_numpy_and_differentiates_the_formula_to_the_same_derivative(name: str) -> None:
    rule, p = ELEMENTWISE[name], params_of(ELEMENTWISE[name])
    act = type(get_activation(name))(**p) if p else get_activation(name)
    for t in POINTS:
        node = Value(t).activation(name, **p)  # one node: the rule's value and hand-written derivative
        node.backward()
        # math and NumPy may round tanh differently, by one unit in the last place
        assert close(node.data, act.forward(np.array([t]))[0], ulps=2)
        assert close(node.parents[0].grad, act.derivative(np.array([t]))[0], scale=1.0, ulps=2)
        if abs(t) > 40 or t == 0.0:  # the formula's own graph overflows or sits on a kink
            continue
        x = Value(t)
        built = rule.f(VALUE, x, **p)  # the formula as a graph of Value operations
        built.backward()
        assert close(built.data, node.data, ulps=8) and close(x.grad, node.parents[0].grad, scale=1.0, ulps=16)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_finite_differences_agree_with_the_numpy_derivative(name: str) -> None:
    p = params_of(ELEMENTWISE[name])
    act = type(get_activation(name))(**p) if p else get_activation(name)
    z = np.linspace(-3.0, 3.0, 13) + 0.05  # away from the kink at 0
    numeric = np.array([numerical_gradient(lambda v=v: float(act.forward(v)[0]), v, order=4)[0]
                        for v in (np.array([t]) for t in z)])
    assert np.allclose(numeric, act.derivative(z), rtol=1e-9, atol=1e-11)


def test_math_backend_gives_the_numpy_values() -> None:
    for name, rule in ELEMENTWISE.items():
        p = params_of(rule)
        for t in POINTS:
            assert close(float(rule.f(MATH, t, **p)), float(rule.f(NUMPY, np.float64(t), **p)), ulps=2), (name, t)


# --- row rules: softmax, log-softmax ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ROWS)
def test_sympy_route_proves_the_vector_jacobian_product(name: str) -> None:
    rule = ROWS[name]
    z = np.array(sp.symbols("z1:4", real=True), dtype=object)
    g = np.array(sp.symbols("g1:4", real=True), dtype=object)
    a = rule.f(SYMPY, z)
    jac = sp.Matrix([list(a)]).jacobian(list(z))
    assert rule.vjp is not None
    proof = check_identity(f"{name} vjp", jac.T * sp.Matrix(list(g)), sp.Matrix(list(rule.vjp(SYMPY, z, a, g))))
    assert proof.proved, proof


@pytest.mark.parametrize("name", ROWS)
def test_row_rules_are_exact_to_rounding_and_stable(name: str) -> None:
    rule = ROWS[name]
    act = get_activation(name)
    syms = list(sp.symbols("z1:4", real=True))
    exprs = list(rule.f(SYMPY, np.array(syms, dtype=object)))
    for row in ([0.3, -1.2, 2.0], [1000.0, 0.0, -1000.0], [-50.0, -50.0, -50.0], [5.0, 5.0 + 1e-12, -3.0]):
        got = act.forward(np.array([row]))[0]
        scale = max(abs(v) for v in row)  # z - max z is rounded at this scale
        for e, value in zip(exprs, got, strict=True):
            assert close(value, exact(e, syms, row), scale=scale, ulps=8), (name, row)


@pytest.mark.parametrize("name", ROWS)
def test_value_route_and_finite_differences_agree_with_the_numpy_backward(name: str) -> None:
    act = get_activation(name)
    z = np.array([[0.3, -1.2, 2.0]])
    g = np.array([[0.5, -1.0, 2.0]])
    manual = act.backward(z, act.forward(z), g)[0]
    xs = np.array([Value(t) for t in z[0]], dtype=object)
    out = ACTIVATIONS[name].f(VALUE, xs)
    total = sum((float(gi) * oi for gi, oi in zip(g[0], out, strict=True)), Value(0.0))
    total.backward()
    assert np.allclose([x.grad for x in xs], manual, rtol=1e-13, atol=1e-15)
    zc = z.copy()
    numeric = numerical_gradient(lambda: float(np.sum(g * act.forward(zc))), zc, order=4)
    assert np.allclose(numeric, manual, rtol=1e-9, atol=1e-11)


# --- losses ----------------------------------------------------------------------------------------------

#: predictions and targets each loss is checked at, from moderate to extreme
LOSS_POINTS: dict[str, list[tuple[list[float], list[float]]]] = {
    "mse": [([0.3, -2.0], [1.0, 0.5]), ([1e8, -3.0], [0.0, -3.0])],
    "squared_error": [([0.3, -2.0], [1.0, 0.5]), ([1e-8, 7.0], [0.0, 7.5])],
    "bce": [([0.3, 0.9], [1.0, 0.0]), ([1e-10, 1 - 1e-10], [0.3, 0.7]), ([0.5, 1e-300], [0.25, 0.0])],
    "bce_logits": [([36.0, -36.0], [1.0, 0.0]), ([800.0, -800.0], [0.3, 1.0]), ([0.0, 2.5], [1 - 2**-30, 0.5]),
                   ([-40.0, 40.0], [0.0, 1.0])],
    "cross_entropy": [([0.3, -1.2, 2.0], [0.0, 0.0, 1.0]), ([1000.0, 0.0, -1000.0], [1.0, 0.0, 0.0]),
                      ([2.0, 1.0, 0.5], [0.2, 0.3, 0.5])],
}


def loss_symbols(rule: LossRule, width: int) -> tuple[list[sp.Symbol], list[sp.Symbol], sp.Expr]:
    p = list(sp.symbols(f"p1:{width + 1}", real=True))
    t = list(sp.symbols(f"t1:{width + 1}", real=True))
    terms = rule.term(SYMPY, np.array([p], dtype=object), np.array([t], dtype=object))
    count = width if rule.per == "element" else 1
    return p, t, sp.Add(*np.ravel(terms)) / count


def test_every_loss_has_points() -> None:
    assert set(LOSS_POINTS) == set(LOSSES)


@pytest.mark.parametrize("name", LOSSES)
def test_sympy_route_proves_the_hand_written_loss_gradient(name: str) -> None:
    rule = LOSSES[name]
    width = len(LOSS_POINTS[name][0][0])
    p, t, J = loss_symbols(rule, width)
    dterm = rule.dterm(SYMPY, np.array([p], dtype=object), np.array([t], dtype=object))[0]
    count = width if rule.per == "element" else 1
    proof = check_identity(f"{name} gradient", sp.Matrix([sp.diff(J, v) for v in p]),
                           sp.Matrix([sp.sympify(d) / count for d in dterm]))
    assert proof.proved, proof


@pytest.mark.parametrize("name", LOSSES)
def test_numpy_loss_is_exact_to_rounding(name: str) -> None:
    rule, loss = LOSSES[name], get_loss(name)
    for y_hat, y in LOSS_POINTS[name]:
        p, t, J = loss_symbols(rule, len(y_hat))
        want = exact(J, p + t, y_hat + y)
        got = loss(np.array([y_hat]), np.array([y]))
        assert close(got, want, ulps=8), (name, y_hat, y, got, want)
        grads = loss.grad(np.array([y_hat]), np.array([y]))[0]
        scale = 1.0 if name in ("bce_logits", "cross_entropy") else 0.0
        for v, g in zip(p, grads, strict=True):
            assert close(g, exact(sp.diff(J, v), p + t, y_hat + y), scale=scale, ulps=8), (name, y_hat, y, v)


def test_binary_cross_entropy_from_logits_keeps_confident_correct_predictions() -> None:
    """The review's case: at z = 36, y = 1 the loss is ln(1 + e^-36) = 2.3e-16 and its gradient -sigma(-36)."""
    loss = get_loss("bce_logits")
    z, y = np.array([[36.0]]), np.array([[1.0]])
    with mpmath.workdps(50):
        want = float(mpmath.log1p(mpmath.exp(-36)))
        want_grad = float(-1 / (1 + mpmath.exp(36)))
    assert abs(loss(z, y) - want) <= EPS * want
    assert abs(loss.grad(z, y)[0, 0] - want_grad) <= EPS * abs(want_grad)


@pytest.mark.parametrize("name", LOSSES)
def test_value_route_and_finite_differences_agree_with_the_numpy_gradient(name: str) -> None:
    rule, loss = LOSSES[name], get_loss(name)
    y_hat, y = LOSS_POINTS[name][0]
    manual = loss.grad(np.array([y_hat]), np.array([y]))[0]
    xs = np.array([Value(v) for v in y_hat], dtype=object)
    terms = rule.term(VALUE, xs, np.array(y))
    J = np.sum(terms) / (len(y_hat) if rule.per == "element" else 1)
    J.backward()
    assert abs(J.data - loss(np.array([y_hat]), np.array([y]))) <= 1e-14 * max(1.0, abs(J.data))
    assert np.allclose([x.grad for x in xs], manual, rtol=1e-12, atol=1e-15)
    pred = np.array([y_hat])
    numeric = numerical_gradient(lambda: loss(pred, np.array([y])), pred, order=4)[0]
    assert np.allclose(numeric, manual, rtol=1e-8, atol=1e-10)
