"""Tests of bpkit.exercises.ch06: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.activations import sigmoid
from bpkit.exercises.ch06 import (
    check_differences,
    check_stencil_evaluations,
    check_xor_backward,
    hand_xor,
    stencil_evaluations,
    xor_case,
)
from bpkit.exercises.core import Verdict
from bpkit.gradcheck import check_model
from bpkit.losses import CrossEntropy
from bpkit.model import MLP


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


def right(X, Y, p):  # the chapter's solution
    A1 = np.tanh(X @ p["W1"].T + p["b1"])
    dZ2 = (sigmoid(A1 @ p["W2"].T + p["b2"]) - Y) / X.shape[0]
    dZ1 = (dZ2 @ p["W2"]) * (1 - A1**2)
    return {"W1": dZ1.T @ X, "b1": dZ1.sum(0), "W2": dZ2.T @ A1, "b2": dZ2.sum(0)}


def test_hand_xor_reproduces_bpkit() -> None:
    for seed in (1, 2, 3):
        X, Y, p, grads = xor_case(seed)
        assert all(np.allclose(hand_xor(X, Y, p)[k], grads[k], rtol=1e-12, atol=1e-15) for k in grads)


@pytest.mark.parametrize("fn", [
    right,
    lambda X, Y, p: {k: g.tolist() for k, g in right(X, Y, p).items()},
    lambda X, Y, p: {**right(X, Y, p), "loss": 0.3},  # an extra entry does no harm
    lambda X, Y, p: dict(reversed(list(right(X, Y, p).items()))),
])
def test_xor_backward_right(capsys, fn) -> None:
    assert run(capsys, check_xor_backward, fn) == (True, "✔ xor_backward is correct.")


def mistaken(**kwargs):
    return lambda X, Y, p: hand_xor(X, Y, p, **kwargs)


@pytest.mark.parametrize("fn,reason", [
    (lambda X, Y, p: {k: 4 * g for k, g in right(X, Y, p).items()}, "the 1/N of the mean loss is missing (N = 4)"),
    (mistaken(output_slope=True), "dZ2 has an extra factor σ'(z2): with a sigmoid output and binary cross-entropy, "
                                  "dJ/dz2 = (y_hat - y)/N"),
    (mistaken(hidden_slope="1-z^2"), "tanh' is taken as 1 - Z1²; it is 1 - A1², from the activation"),
    (mistaken(hidden_slope="none"), "the factor tanh'(z1) = 1 - A1² is missing from dZ1"),
    (lambda X, Y, p: {k: -g for k, g in right(X, Y, p).items()}, "it uses y - y_hat; dJ/dz2 = (y_hat - y)/N"),
    (lambda X, Y, p: {**right(X, Y, p), "b1": right(X, Y, p)["b1"] / 4, "b2": right(X, Y, p)["b2"] / 4},
     "the bias gradients average dZ over the examples; the 1/N is already inside dZ, so they are sums"),
    (lambda X, Y, p: {**right(X, Y, p), "b1": right(X, Y, p)["b1"][None, :]},
     "with the weights of test 1: b1: it has shape (1, 4); expected shape (4,) (the same number of entries)"),
    (lambda X, Y, p: {"W1": 0}, "with the weights of test 1: the returned dict has no key(s) b1, W2, b2"),
    (lambda X, Y, p: [0, 0, 0, 0], "with the weights of test 1: it must return a dict with the keys W1, b1, W2, b2, "
                                   "got [0, 0, 0, 0] (a list)"),
    (lambda X, Y, p: p["W3"], "calling it with (an array of shape (4, 2), [[0.], [1.], [1.], [0.]], a dict with "
     "the keys 'W1', 'b1', 'W2', 'b2') raised KeyError: 'W3'"),
])
def test_xor_backward_wrong(capsys, fn, reason) -> None:
    assert run(capsys, check_xor_backward, fn) == (False, f"✘ xor_backward is wrong: {reason}")


def fwd(f, x, e):
    return (f(x + e) - f(x)) / e


def cen(f, x, e):
    return (f(x + e) - f(x - e)) / (2 * e)


@pytest.mark.parametrize("f,c", [(fwd, cen), (lambda f, x, e: (f(x + e) - f(x)) * (1 / e),
                                               lambda f, x, e: 0.5 * (f(x + e) - f(x - e)) / e)])
def test_differences_right(capsys, f, c) -> None:
    assert run(capsys, check_differences, f, c) == (True, "✔ (forward, central) differences is correct.")


@pytest.mark.parametrize("f,c,reason", [
    (fwd, lambda f, x, e: (f(x + e) - f(x - e)) / e, "central_difference: it divides by ε; the central difference spans 2ε"),
    (cen, fwd, "forward_difference: it is the central difference; central_difference: it is the forward difference"),
    (lambda f, x, e: (f(x) - f(x - e)) / e, cen, "forward_difference: it is the backward difference (f(x) - f(x - ε))/ε"),
    (lambda f, x, e: (f(x + e) - f(x)) / (2 * e), cen, "forward_difference: it divides by 2ε; the forward difference "
                                                       "divides by ε"),
    (fwd, lambda f, x, e: (f(x + e) - f(x - e)) / 2 * e, "central_difference: on input (sin, 0.3, 0.001): expected "
                                                         "0.955336, got 9.55336e-07"),
])
def test_differences_wrong(capsys, f, c, reason) -> None:
    assert run(capsys, check_differences, f, c) == (False, f"✘ (forward, central) differences is wrong: {reason}")


def test_stencil_count_is_four_per_checked_entry() -> None:
    rng = np.random.default_rng(0)
    report = check_model(MLP([10, 20, 3], activation="tanh", seed=0), CrossEntropy(), rng.normal(size=(4, 10)),
                         rng.integers(0, 3, size=4), max_entries=5, rng=rng)
    assert stencil_evaluations() == 4 * sum(row["checked"] for row in report.rows) == 4 * (5 + 5 + 5 + 3)


@pytest.mark.parametrize("answer", [72, 72.0, np.int64(72), 4 * (5 + 5 + 5 + 3)])
def test_stencil_evaluations_right(capsys, answer) -> None:
    assert run(capsys, check_stencil_evaluations, answer)[0]


@pytest.mark.parametrize("answer,reason", [
    (36, "it counts 2 evaluations per entry; the five-point stencil evaluates the loss 4 times per entry"),
    (90, "it counts 5 evaluations per entry; the stencil's centre point has weight 0 and is not evaluated"),
    (80, "it checks 5 entries of every parameter, but b2 has only 3"),
    (4 * 283, "it counts every entry of the 283 parameters; at most 5 of each parameter array are checked"),
    (73, "expected 72, got 73"),
])
def test_stencil_evaluations_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_stencil_evaluations, answer) == (False, f"✘ the number of evaluations is wrong: {reason}")
