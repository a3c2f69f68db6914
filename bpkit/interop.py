"""Moving weights between bpkit and the frameworks (book/11_frameworks.ipynb).

bpkit stores a dense layer's weight as W (n_out, n_in), exactly like PyTorch's ``nn.Linear.weight``,
so a bpkit model maps onto an ``nn.Sequential`` of Linear and activation modules with no
transposition. Keras stores a Dense layer's ``kernel`` as (n_in, n_out), the transpose, because it
computes ``X @ kernel`` rather than ``X @ W.T``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bpkit.layers import ActivationLayer, Dense, Dropout
from bpkit.model import Sequential

Array = NDArray[np.float64]

_TORCH_ACTIVATIONS = {
    "sigmoid": "Sigmoid()",
    "tanh": "Tanh()",
    "relu": "ReLU()",
    "softmax": "Softmax(dim=-1)",
}


def _torch_activation(act: object) -> str | None:
    """The nn module that applies the activation, or None for the identity."""
    name = getattr(act, "name", "identity")
    if name == "identity":
        return None
    if name == "leaky_relu":
        return f"LeakyReLU(negative_slope={act.negative_slope})"  # type: ignore[attr-defined]
    return _TORCH_ACTIVATIONS[name]


def torch_layout(model: Sequential) -> list[str]:
    """The nn.Sequential modules equivalent to the model, e.g. ['Linear(2, 8)', 'Tanh()', 'Linear(8, 1)']."""
    modules: list[str] = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            modules.append(f"Linear({layer.n_in}, {layer.n_out}, bias={layer.b is not None})")
            act = _torch_activation(layer.activation)
            if act is not None:
                modules.append(act)
        elif isinstance(layer, ActivationLayer):
            act = _torch_activation(layer.activation)
            if act is not None:
                modules.append(act)
        elif isinstance(layer, Dropout):
            modules.append(f"Dropout(p={layer.p})")
        else:
            raise TypeError(f"{layer.name}: no PyTorch equivalent is known for {type(layer).__name__}")
    return modules


def torch_state_dict(model: Sequential) -> dict[str, Array]:
    """Parameters under nn.Sequential's names: '{i}.weight' = W (n_out, n_in), '{i}.bias' = b (n_out,)."""
    state: dict[str, Array] = {}
    index = 0
    for layer in model.layers:
        if isinstance(layer, Dense):
            state[f"{index}.weight"] = layer.W.copy()
            if layer.b is not None:
                state[f"{index}.bias"] = layer.b.copy()
            index += 1 + (_torch_activation(layer.activation) is not None)
        elif isinstance(layer, ActivationLayer):
            index += _torch_activation(layer.activation) is not None
        else:
            index += 1
    return state


def keras_weights(model: Sequential) -> list[Array]:
    """The list Keras' model.set_weights expects: [kernel_1 = W_1^T (n_in, n_out), bias_1, kernel_2, ...]."""
    weights: list[Array] = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            weights.append(layer.W.T.copy())
            if layer.b is not None:
                weights.append(layer.b.copy())
    return weights


def load_keras_weights(model: Sequential, weights: list[Array]) -> Sequential:
    """Inverse of keras_weights: W = kernel^T; shapes are checked layer by layer."""
    expected = keras_weights(model)
    if len(weights) != len(expected):
        raise ValueError(f"expected {len(expected)} arrays (kernels and biases), got {len(weights)}")
    for got, want in zip(weights, expected):
        if np.shape(got) != want.shape:
            raise ValueError(f"a Keras array has shape {np.shape(got)} where {want.shape} was expected")
    it = iter(weights)
    for layer in model.layers:
        if isinstance(layer, Dense):
            layer.W[...] = np.asarray(next(it)).T
            if layer.b is not None:
                layer.b[...] = next(it)
    return model
