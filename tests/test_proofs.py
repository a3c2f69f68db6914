"""Tests of bpkit.proofs: the book's identities are proved, wrong ones are not, BP1-BP4 hold."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.proofs import check_identity, prove_identities, verify_backprop_equations
from bpkit.symbolic import activation_derivative, activation_expr


def test_identities_are_proved() -> None:
    proofs = prove_identities()
    assert len(proofs) == 7 and len({p.name for p in proofs}) == 7
    for name, lhs, rhs, proved in proofs:
        assert proved is True, name
        assert lhs and rhs


def test_wrong_identities_are_not_proved() -> None:
    z = sp.Symbol("z", real=True)
    sig = activation_expr("sigmoid", z)
    assert check_identity("wrong sign", sp.diff(sig, z), sig * (1 + sig)).proved is False
    assert check_identity("tanh' = 1 - tanh", sp.diff(sp.tanh(z), z), 1 - sp.tanh(z)).proved is False
    relu_prime = activation_derivative("relu", z)
    assert check_identity("relu' = leaky'", relu_prime, activation_derivative("leaky_relu", z)).proved is False
    assert check_identity("shapes differ", sp.Matrix([z, z]), sp.Matrix([[z, z]])).proved is False


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "identity"])
def test_four_backprop_equations(activation: str) -> None:
    results = verify_backprop_equations((2, 3, 2), activation)
    assert [r.name.split(":")[0] for r in results] == ["BP1", "BP2", "BP3", "BP4"]
    assert all(r.proved for r in results), results


def test_leaky_relu_backprop_equations_on_a_smaller_net() -> None:
    assert all(r.proved for r in verify_backprop_equations((2, 2, 1), "leaky_relu"))


def test_input_errors() -> None:
    with pytest.raises(ArgumentValueError, match="sizes must be >= 3 positive integers"):
        verify_backprop_equations((2, 1))
    with pytest.raises(ArgumentTypeError, match="sizes must hold integers"):
        verify_backprop_equations((2, 3.0, 1))  # type: ignore[arg-type]
    with pytest.raises(ArgumentValueError, match=r"activation must be one of .*'sigmoid'.*got 'softmax'"):
        verify_backprop_equations((2, 2, 2), "softmax")
    with pytest.raises(ArgumentValueError, match=r"sizes \(2, 3, 3, 2\) give 29 parameters over 3 layers"):
        verify_backprop_equations((2, 3, 3, 2))
    with pytest.raises(ArgumentTypeError, match="name must be a string"):
        check_identity(3, sp.S.One, sp.S.One)  # type: ignore[arg-type]


def test_numpy_integers_are_sizes() -> None:
    assert all(r.proved for r in verify_backprop_equations((2, np.int64(2), 1), "tanh"))
