"""Tests of bpkit.activations: values, derivatives against finite differences, stability, lookup."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from bpkit.activations import (
    Activation,
    Identity,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    get_activation,
    log_softmax,
    sigmoid,
    softmax,
)
from bpkit.catalogue import ACTIVATIONS
from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.gradcheck import numerical_gradient, relative_error
from strategies import matrices

ALL = [Sigmoid(), Tanh(), ReLU(), LeakyReLU(0.1), Identity(), Softplus(), Softmax(), LogSoftmax()]


def _numeric_vjp(act, z: np.ndarray, g: np.ndarray) -> np.ndarray:
    """d/dz of sum(g * f(z)) by central differences.

    The objective subtracts f at the unperturbed point: the derivative is the same, but the sum is
    then small, so its rounding error (which the difference quotient divides by eps) is too.
    """
    z = z.copy()
    a0 = act.forward(z.copy())
    return numerical_gradient(lambda: float(np.sum(g * (act.forward(z) - a0))), z, order=4)


@pytest.mark.parametrize("act", ALL, ids=lambda a: a.name)
@given(z=matrices())
@settings(max_examples=30, deadline=None)
def test_backward_matches_finite_differences(act, z: np.ndarray) -> None:
    if not act.smooth:  # keep away from the kink at 0, where the derivative does not exist
        z = np.where(np.abs(z) < 1e-2, z + 0.05, z)
    g = np.cos(np.arange(z.size)).reshape(z.shape) + 0.5
    a = act.forward(z)
    analytic = act.backward(z, a, g)
    numeric = _numeric_vjp(act, z, g)
    # entries that are exactly 0 are judged against an absolute floor of 1e-5 * 1e-7 = 1e-12
    assert relative_error(analytic, numeric, tiny=1e-5).max() < 1e-7


@pytest.mark.parametrize("act", [a for a in ALL if a.elementwise], ids=lambda a: a.name)
def test_derivative_agrees_with_backward_of_ones(act) -> None:
    z = np.linspace(-3, 3, 13).reshape(1, -1) + 0.01
    a = act.forward(z)
    assert np.allclose(act.derivative(z), act.backward(z, a, np.ones_like(z)))


def test_known_values() -> None:
    assert sigmoid(0.0) == 0.5
    assert np.isclose(Tanh().derivative(np.array(0.0)), 1.0)
    assert np.allclose(ReLU().forward(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])
    assert np.allclose(ReLU().derivative(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 1.0])
    assert np.allclose(LeakyReLU(0.1).forward(np.array([-2.0, 3.0])), [-0.2, 3.0])
    # sigma'(z) = sigma(z)(1 - sigma(z)) peaks at 1/4 at z = 0
    z = np.linspace(-10, 10, 2001)
    assert np.isclose(Sigmoid().derivative(z).max(), 0.25)


@pytest.mark.parametrize("act", ALL, ids=lambda a: a.name)
def test_extreme_inputs_are_finite_without_warnings(act) -> None:
    z = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    a = act.forward(z)
    grad = act.backward(z, a, np.ones_like(z))
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(grad))


def test_softmax_rows_sum_to_one_and_log_softmax_is_stable() -> None:
    z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    assert np.allclose(softmax(z).sum(axis=1), 1.0)
    assert np.allclose(np.exp(log_softmax(z)), softmax(z))
    assert np.isfinite(log_softmax(z)).all()
    # invariant to adding a constant to a row
    assert np.allclose(softmax(z[1:] + 100.0), softmax(z[1:]))


def test_softmax_backward_is_the_jacobian_product() -> None:
    z = np.array([[0.3, -1.2, 2.0]])
    s = softmax(z)[0]
    jac = np.diag(s) - np.outer(s, s)
    g = np.array([[0.5, -1.0, 2.0]])
    assert np.allclose(Softmax().backward(z, s[None], g)[0], jac.T @ g[0])
    with pytest.raises(TypeError, match="not elementwise"):
        Softmax().derivative(z)


def test_lookup_by_name_and_errors() -> None:
    assert isinstance(get_activation("ReLU"), ReLU)
    assert isinstance(get_activation("linear"), Identity)
    assert isinstance(get_activation(None), Identity)
    inst = Tanh()
    assert get_activation(inst) is inst
    with pytest.raises(ArgumentValueError, match=r"activation must be one of .*'relu'.*'sigmoid'.*got 'Swish'"):
        get_activation("Swish")
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(-1.0)


def test_every_catalogue_rule_has_an_activation_and_the_classes_follow_their_rules() -> None:
    for name, rule in ACTIVATIONS.items():
        act = get_activation(name)
        assert act.rule is rule and act.name == name
        assert act.smooth == rule.smooth and act.elementwise == rule.elementwise
    assert repr(LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)" and LeakyReLU(0.2).negative_slope == 0.2
    assert repr(Activation(ACTIVATIONS["softplus"])) == "Activation('softplus')"
    with pytest.raises(ArgumentTypeError, match="unknown parameter"):
        Activation(ACTIVATIONS["tanh"], negative_slope=0.1)


def test_inputs_are_converted_once_and_not_copied_when_already_float64() -> None:
    z = np.array([[0.0, 1.0]])
    assert Identity().forward(z) is z  # the identity returns its input: no copy on the hot path
    assert Tanh().forward([[0, 1]]).dtype == np.float64  # lists of ints are fine
    assert Sigmoid().forward(np.float32(0.0)) == 0.5  # so are NumPy scalars


def test_a_subclass_without_a_rule_must_define_its_passes() -> None:
    class Mine(Activation):
        pass

    with pytest.raises(ArgumentTypeError, match="no catalogue rule"):
        Mine().forward(np.zeros(2))
    assert Mine().name == "mine" and Mine().smooth and Mine().elementwise


# The forward/backward fast paths skip checks only for float64 arrays that would pass them: called
# directly, every bad input is still refused with a bpkit error naming the argument.
_GOOD = np.array([[0.5, -1.0, 2.0]])
_BAD = {
    "complex": (np.array([[1j, 0, 0]]), ArgumentTypeError, "real numbers"),
    "strings": (np.array([["a", "b", "c"]]), ArgumentTypeError, "array of numbers"),
    "objects": (np.array([[None, 1, 2]], dtype=object), ArgumentTypeError, "array of numbers"),
    "ragged": ([[1.0, 2.0], [3.0]], ArgumentTypeError, "array of numbers"),
    "transposed": (_GOOD.T.copy(), ShapeError, "shape of z"),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("bad", sorted(_BAD))
def test_forward_and_backward_called_directly_refuse_bad_input(name: str, bad: str) -> None:
    act = Activation(ACTIVATIONS[name])
    value, error, words = _BAD[bad]
    a, g = act.forward(_GOOD), np.ones_like(_GOOD)
    if bad != "transposed":
        with pytest.raises(error, match=f"z must .*{words}"):
            act.forward(value)
        with pytest.raises(error, match=f"z must .*{words}"):
            act.backward(value, a, g)
    for arg, args in (("a", (_GOOD, value, g)), ("grad_a", (_GOOD, a, value))):
        with pytest.raises(error, match=f"{arg} must .*{words}"):
            act.backward(*args)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_row_rules_refuse_rows_without_entries_when_called_directly(name: str) -> None:
    act = Activation(ACTIVATIONS[name])
    with pytest.raises(ShapeError, match="z must have at least 1 dimension"):
        act.forward(np.array(1.0))
    with pytest.raises(ArgumentValueError, match="z must have at least one entry along its last axis"):
        act.forward(np.zeros((2, 0)))
