"""Tests of bpkit.exercises.ch01: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.exercises.ch01 import check_param_count, check_relu_neuron, check_tanh_prime, neuron_inputs
from bpkit.exercises.core import Verdict


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


# MLP([10, 32, 32, 5]) counted by hand from its shapes, independently of bpkit
WEIGHTS = 32 * 10 + 32 * 32 + 5 * 32
RIGHT_COUNT = WEIGHTS + 32 + 32 + 5


@pytest.mark.parametrize("answer", [RIGHT_COUNT, float(RIGHT_COUNT), np.int64(RIGHT_COUNT)])
def test_param_count_right(capsys, answer) -> None:
    assert run(capsys, check_param_count, answer) == (True, "✔ the parameter count is correct.")


@pytest.mark.parametrize("answer,reason", [
    (WEIGHTS, "it counts the weights only: each unit also has a bias"),
    (WEIGHTS + 10 + 32 + 32, "it gives each layer one bias per input; a layer has one bias per output unit"),
    (WEIGHTS + 3, "it counts one bias per layer; a layer has one bias per output unit"),
    (RIGHT_COUNT + 10, "it also gives the 10 inputs a bias; the input layer has no parameters"),
    (RIGHT_COUNT - (5 * 32 + 5), "it leaves out the last layer (165 parameters)"),
    (RIGHT_COUNT - (32 * 10 + 32), "it leaves out the first layer (352 parameters)"),
    (RIGHT_COUNT + 1, f"expected {RIGHT_COUNT}, got {RIGHT_COUNT + 1}"),  # off by one: no cause is guessed
    (RIGHT_COUNT + 0.5, f"expected a whole number, got {RIGHT_COUNT + 0.5}"),
    ("1573", "expected a single number, got '1573' (a str)"),
])
def test_param_count_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_param_count, answer) == (False, f"✘ the parameter count is wrong: {reason}")


W, B = np.array([1.0, -2.0, 0.5]), -0.5
Z = neuron_inputs() @ W + B


@pytest.mark.parametrize("answer", [np.maximum(0, Z), np.maximum(0, Z).tolist(), np.maximum(0, Z)[:, None],
                                    np.maximum(0, Z)[None, :]])
def test_relu_neuron_right(capsys, answer) -> None:
    assert run(capsys, check_relu_neuron, answer)[0]


@pytest.mark.parametrize("answer,reason", [
    (Z, "these are the pre-activations w·x + b: apply max(0, ·) to them"),
    (np.maximum(0, Z - B), "the bias b = -0.5 is missing"),
    (np.maximum(0, Z - 2 * B), "the bias enters with the wrong sign: b = -0.5"),
    (np.maximum(0, neuron_inputs().T @ W + B), "it uses the columns of neuron_inputs() as the inputs; each row is one input"),
    (np.maximum(0, Z)[:2], "it has shape (2,); expected shape (3,)"),
    (np.maximum(0, Z) + np.array([0, 0, 1]), "1 of 3 entries differs; the largest difference is at index 2: expected 1.5, got 2.5"),
])
def test_relu_neuron_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_relu_neuron, answer) == (False, f"✘ the output array is wrong: {reason}")


@pytest.mark.parametrize("fn", [lambda z: 1 - np.tanh(z) ** 2, lambda z: 1 / np.cosh(z) ** 2,
                                lambda z: (1 - np.tanh(z)) * (1 + np.tanh(z))])
def test_tanh_prime_right(capsys, fn) -> None:
    assert run(capsys, check_tanh_prime, fn) == (True, "✔ tanh_prime is correct.")


@pytest.mark.parametrize("fn,reason", [
    (lambda z: 1 - z**2, "it computes 1 - z²: the derivative is 1 - tanh(z)², with tanh(z) in place of z"),
    (lambda z: 1 - np.tanh(z), "it computes 1 - tanh(z): the square is missing"),
    (lambda z: np.tanh(z) ** 2 - 1, "it computes tanh(z)² - 1, the negative of the derivative"),
    (lambda z: np.tanh(z) ** 2, "it computes tanh(z)²; the derivative is 1 - tanh(z)²"),
    (lambda z: np.ones_like(z), "on input ([ 0. ,  0.5, -1. ]): 2 of 3 entries differ; the largest difference is at "
                                "index 2: expected 0.419974, got 1"),
    (lambda z: z.tolist() + 1, "calling it with ([ 0. ,  0.5, -1. ]) raised TypeError: can only concatenate list "
                               "(not \"int\") to list"),
    ("tanh", "expected a function, got 'tanh' (a str)"),
])
def test_tanh_prime_wrong(capsys, fn, reason) -> None:
    assert run(capsys, check_tanh_prime, fn) == (False, f"✘ tanh_prime is wrong: {reason}")
