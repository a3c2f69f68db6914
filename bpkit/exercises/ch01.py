"""One-line checks for the exercises of book/01_background.ipynb."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from bpkit.activations import Tanh
from bpkit.exercises.core import check_array, check_function, check_scalar
from bpkit.layers import Dense
from bpkit.model import MLP


def check_param_count(answer: int) -> bool:
    """Parameters of MLP([10, 32, 32, 5]): sum over layers of n_out * n_in + n_out."""
    no_bias = (lambda a, e: np.isclose(float(a), 10 * 32 + 32 * 32 + 32 * 5), "you counted the weights only: add one bias per unit")
    return check_scalar("the parameter count", answer, MLP([10, 32, 32, 5]).num_parameters, hints=[no_bias])


def neuron_inputs() -> np.ndarray:
    """Three inputs of three features each, one per row."""
    return np.array([[1.0, 0.0, 2.0], [0.5, 1.0, -1.0], [2.0, 0.25, 1.0]])


def check_relu_neuron(answer: ArrayLike) -> bool:
    """relu(w . x + b) for w = (1, -2, 0.5), b = -0.5 on neuron_inputs(), computed with a bpkit Dense layer."""
    layer = Dense(3, 1, activation="relu", W=[[1.0, -2.0, 0.5]], b=[-0.5])
    expected = layer.forward(neuron_inputs())[:, 0]
    no_relu = (lambda a, e: np.allclose(a, layer.z[:, 0]), "these are the pre-activations z: apply max(0, z)")
    return check_array("the output array", np.ravel(np.asarray(answer, dtype=float)), expected, hints=[no_relu])


def check_tanh_prime(tanh_prime: Callable[[np.ndarray], np.ndarray]) -> bool:
    """tanh'(z) = 1 - tanh(z)^2 against bpkit.activations.Tanh().derivative on several arrays."""
    inputs = [(np.array([0.0, 0.5, -1.0]),), (np.linspace(-3, 3, 7),)]
    return check_function("tanh_prime", tanh_prime, Tanh().derivative, inputs)
