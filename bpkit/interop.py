"""Moving weights between bpkit and the frameworks (book/11_frameworks.ipynb).

bpkit stores a dense layer's weight as W (n_out, n_in), exactly like PyTorch's ``nn.Linear.weight``,
so a bpkit model maps onto an ``nn.Sequential`` of Linear and activation modules with no
transposition. Keras stores a Dense layer's ``kernel`` as (n_in, n_out), the transpose, because it
computes ``X @ kernel`` rather than ``X @ W.T``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.layers import ActivationLayer, Dense, Dropout
from bpkit.model import Sequential
from bpkit.validate import Array, as_array


def _model(model: object, where: str) -> Sequential:
    if not isinstance(model, Sequential):
        raise ArgumentTypeError(f"{where}: model must be a bpkit model (Sequential or MLP), got {type(model).__name__}")
    return model

_TORCH_ACTIVATIONS = {
    "sigmoid": "Sigmoid()",
    "tanh": "Tanh()",
    "relu": "ReLU()",
    "softmax": "Softmax(dim=-1)",
}


def _torch_activation(act: object) -> str | None:
    """The nn module that applies the activation, or None for the identity."""
    name = getattr(act, "name", "identity")
    if name in ("identity", "linear"):
        return None
    if name == "leaky_relu":
        slope = getattr(act, "params", {}).get("negative_slope", getattr(act, "negative_slope", 0.01))
        return f"LeakyReLU(negative_slope={slope})"
    if name not in _TORCH_ACTIVATIONS:
        raise ArgumentValueError(f"torch_layout: no PyTorch module is known for the activation {name!r}")
    return _TORCH_ACTIVATIONS[name]


def torch_layout(model: Sequential) -> list[str]:
    """The nn.Sequential modules equivalent to the model, e.g. ['Linear(2, 8)', 'Tanh()', 'Linear(8, 1)'].

    Parameters
    ----------
    model : Sequential
        A model of Dense, ActivationLayer and Dropout layers.

    Examples
    --------
    >>> from bpkit.model import MLP
    >>> torch_layout(MLP([2, 8, 1], activation="tanh"))
    ['Linear(2, 8, bias=True)', 'Tanh()', 'Linear(8, 1, bias=True)']
    """
    model = _model(model, "torch_layout")
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
            raise ArgumentValueError(f"torch_layout: model's {layer.name}: no PyTorch equivalent is known for {type(layer).__name__}")
    return modules


def torch_state_dict(model: Sequential) -> dict[str, Array]:
    """Parameters under nn.Sequential's names: '{i}.weight' = W (n_out, n_in), '{i}.bias' = b (n_out,).

    Parameters
    ----------
    model : Sequential
        A model of Dense, ActivationLayer and Dropout layers (copies of its arrays are returned).

    Examples
    --------
    >>> from bpkit.model import MLP
    >>> list(torch_state_dict(MLP([2, 8, 1], activation="tanh")))
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """
    torch_layout(model)  # refuses layers without a PyTorch module
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
    """The list Keras' model.set_weights expects: [kernel_1 = W_1^T (n_in, n_out), bias_1, kernel_2, ...].

    Parameters
    ----------
    model : Sequential
        The model whose Dense layers are exported (copies).

    Examples
    --------
    >>> from bpkit.model import MLP
    >>> [w.shape for w in keras_weights(MLP([2, 8, 1]))]
    [(2, 8), (8,), (8, 1), (1,)]
    """
    model = _model(model, "keras_weights")
    weights: list[Array] = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            weights.append(layer.W.T.copy())
            if layer.b is not None:
                weights.append(layer.b.copy())
    return weights


def load_keras_weights(model: Sequential, weights: Sequence[ArrayLike]) -> Sequential:
    """Inverse of keras_weights: W = kernel^T; shapes are checked layer by layer before anything is written.

    Parameters
    ----------
    model : Sequential
        The model to write into, in place.
    weights : sequence of array_like
        [kernel_1 (n_in, n_out), bias_1, kernel_2, ...], as Keras' model.get_weights() returns them.

    Examples
    --------
    >>> from bpkit.model import MLP
    >>> a, b = MLP([2, 3, 1], seed=0), MLP([2, 3, 1], seed=1)
    >>> bool(np.array_equal(load_keras_weights(b, keras_weights(a)).parameters()["W1"], a.parameters()["W1"]))
    True
    """
    where = "load_keras_weights"
    expected = keras_weights(model)
    if isinstance(weights, (str, bytes, np.ndarray)) or not isinstance(weights, Sequence):
        raise ArgumentTypeError(f"{where}: weights must be a list of arrays (kernels and biases), got {type(weights).__name__}")
    if len(weights) != len(expected):
        raise ArgumentValueError(
            f"{where}: weights must hold {len(expected)} arrays (kernels and biases), got {len(weights)}"
        )
    arrays = []
    for i, (got, want) in enumerate(zip(weights, expected, strict=True)):
        arr = as_array(got, f"weights[{i}]", where)
        if arr.shape != want.shape:
            raise ShapeError(f"{where}: weights[{i}] must have shape {want.shape}, got {arr.shape}")
        arrays.append(arr)
    it = iter(arrays)
    for layer in model.layers:
        if isinstance(layer, Dense):
            layer.W[...] = next(it).T
            if layer.b is not None:
                layer.b[...] = next(it)
    return model
