"""Tests of bpkit.exercises.ch01."""

from __future__ import annotations

import numpy as np

from bpkit.exercises.ch01 import check_param_count, check_relu_neuron, check_tanh_prime, neuron_inputs


def test_param_count(capsys) -> None:
    assert check_param_count(32 * 10 + 32 + 32 * 32 + 32 + 5 * 32 + 5)
    assert not check_param_count(32 * 10 + 32 * 32 + 5 * 32)
    assert "bias" in capsys.readouterr().out.splitlines()[-1]


def test_relu_neuron(capsys) -> None:
    z = neuron_inputs() @ np.array([1.0, -2.0, 0.5]) - 0.5
    assert check_relu_neuron(np.maximum(0, z))
    assert not check_relu_neuron(z)
    assert "max(0, z)" in capsys.readouterr().out.splitlines()[-1]


def test_tanh_prime(capsys) -> None:
    assert check_tanh_prime(lambda z: 1 - np.tanh(z) ** 2)
    assert not check_tanh_prime(lambda z: 1 - np.tanh(z))
