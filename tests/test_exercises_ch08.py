"""Tests of bpkit.exercises.ch08: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpkit.exercises.ch08 import chain_factor, check_chain_factor, check_init_scales, check_log_sum_exp, init_scales
from bpkit.exercises.core import Verdict


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


def test_chain_factor_is_a_quarter_to_the_tenth() -> None:
    assert math.isclose(chain_factor(), 0.25**10, rel_tol=1e-12)


@pytest.mark.parametrize("answer", [0.25**10, 4.0**-10, 1 / 4**10, np.float32(0.25**10)])
def test_chain_factor_right(capsys, answer) -> None:
    assert run(capsys, check_chain_factor, answer) == (True, "✔ the factor is correct.")


@pytest.mark.parametrize("answer,reason", [
    (0.5**10, "it multiplies 0.5 per layer; that is σ(0), and σ'(0) = σ(0)(1 - σ(0)) = 0.25"),
    (0.25, "it is one layer's factor σ'(0); the chain multiplies 10 of them"),
    (2.5, "it adds the 10 factors; the chain rule multiplies them"),
    (4.0**10, "it is the inverse: each layer multiplies the gradient by σ'(0) = 0.25"),
    (1e-6, "expected 9.53674e-07, got 1e-06"),
])
def test_chain_factor_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_chain_factor, answer) == (False, f"✘ the factor is wrong: {reason}")


def test_init_scales_are_read_exactly() -> None:
    he, bound = init_scales()
    assert math.isclose(he, math.sqrt(2 / 256), rel_tol=1e-14) and math.isclose(bound, math.sqrt(6 / 384), rel_tol=1e-14)


@pytest.mark.parametrize("he,xa", [(np.sqrt(2 / 256), np.sqrt(6 / 384)), (1 / np.sqrt(128), 0.125),
                                   (np.sqrt(2) / 16, np.sqrt(3) * np.sqrt(2 / 384))])
def test_init_scales_right(capsys, he, xa) -> None:
    assert run(capsys, check_init_scales, he, xa) == (True, "✔ (He std, Xavier bound) is correct.")


@pytest.mark.parametrize("he,xa,reason", [
    (np.sqrt(2 / 128), 0.125, "He std: it uses n_out = 128; He uses the fan-in n_in = 256"),
    (2 / 256, 0.125, "He std: it is the variance 2/n_in; the standard deviation is its square root"),
    (np.sqrt(1 / 256), 0.125, "He std: it is √(1/n_in) (LeCun); He's factor 2 makes up for the half of the inputs a "
                              "ReLU zeroes"),
    (np.sqrt(2 / 384), 0.125, "He std: it is Xavier's standard deviation √(2/(n_in + n_out))"),
    (np.sqrt(2 / 256), np.sqrt(2 / 384), "Xavier bound: it is the standard deviation √(2/(n_in + n_out)); the bound a "
                                         "of U(-a, a) is √3 times it"),
    (np.sqrt(2 / 256), 6 / 384, "Xavier bound: it is a² = 6/(n_in + n_out); the bound is its square root"),
    (np.sqrt(2 / 256), np.sqrt(6 / 256), "Xavier bound: it uses n_in = 256 alone; Xavier averages the fan-in and the "
                                         "fan-out"),
    (np.sqrt(2 / 256), np.sqrt(6 / 128), "Xavier bound: it uses n_out = 128 alone; Xavier averages the fan-in and the "
                                         "fan-out"),
    # 0.5 % off: accepted before, when the check compared with sampled values within 1 %
    (np.sqrt(2 / 256) * 1.005, 0.125, "He std: expected 0.0883883, got 0.0888303"),
])
def test_init_scales_wrong(capsys, he, xa, reason) -> None:
    assert run(capsys, check_init_scales, he, xa) == (False, f"✘ (He std, Xavier bound) is wrong: {reason}")


def lse_max(z):  # the chapter's solution
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m)))


@pytest.mark.parametrize("fn", [lse_max, lambda z: np.logaddexp.reduce(z),
                                lambda z: max(z) + math.log(sum(math.exp(t - max(z)) for t in z))])
def test_log_sum_exp_right(capsys, fn) -> None:
    assert run(capsys, check_log_sum_exp, fn) == (True, "✔ log_sum_exp is correct.")


@pytest.mark.parametrize("fn,reason", [
    # a shift by the minimum was accepted before: it overflows when the entries spread over more than ~709
    (lambda z: np.min(z) + np.log(np.sum(np.exp(z - np.min(z)))),
     "calling it with ([ 1000., -1000.]) raised FloatingPointError: overflow encountered in exp"),
    (lambda z: np.log(np.sum(np.exp(z))), "calling it with ([1000.,  999.]) raised FloatingPointError: overflow "
                                          "encountered in exp"),
    (lambda z: math.log(sum(math.exp(t) for t in z)), "calling it with ([1000.,  999.]) raised OverflowError: math "
                                                      "range error"),
    (lambda z: np.log(np.sum(np.exp(z - np.max(z)))), "the shift m = max(z) is not added back: log Σ e^z = m + log Σ "
                                                      "e^(z - m)"),
    (lambda z: np.max(z), "it is max(z) alone; the term log Σ e^(z - max z) is missing"),
    (lambda z: np.max(z) + np.log(np.mean(np.exp(z - np.max(z)))), "it takes the mean of e^(z - m), not the sum"),
    (lambda z: np.array([lse_max(z)]), "on input ([1., 2., 3.]): expected a single number, got an array of shape (1,)"),
    ("lse", "expected a function, got 'lse' (a str)"),
])
def test_log_sum_exp_wrong(capsys, fn, reason) -> None:
    assert run(capsys, check_log_sum_exp, fn) == (False, f"✘ log_sum_exp is wrong: {reason}")
