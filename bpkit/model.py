"""Models made of layers: Sequential and the multilayer perceptron MLP (book/06_backprop_in_code.ipynb).

A model's forward pass runs the layers in order; its backward pass runs them in reverse, each layer
turning dLoss/d(its output) into dLoss/d(its input). Parameters are named "W1", "b1", "W2", ...,
numbered over the layers that have parameters, and ``parameters()`` / ``gradients()`` return the
live arrays under the same keys, which is all an optimizer needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.activations import Activation
from bpkit.layers import Dense, Layer

Array = NDArray[np.float64]


class Sequential:
    """A chain of layers: Y = f_L(... f_2(f_1(X))); backward applies the chain rule in reverse."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        """Compose layers in order; parameters get the names W1, b1, W2, b2, ..."""
        layers = list(layers)
        if not layers:
            raise ValueError("Sequential needs at least one layer")
        for i, layer in enumerate(layers, start=1):
            if not isinstance(layer, Layer):
                raise TypeError(f"item {i} of Sequential is a {type(layer).__name__}, not a bpkit Layer")
        self.layers = layers
        self._names: list[tuple[str, Layer, str]] = []
        k = 0
        for i, layer in enumerate(layers, start=1):
            layer.name = f"layer {i} ({layer.name})"
            local = layer.params()
            if local:
                k += 1
                self._names.extend((f"{key}{k}", layer, key) for key in local)

    def forward(self, X: ArrayLike) -> Array:
        """Y = f_L(... f_1(X)), caching what backward needs in each layer."""
        out = np.asarray(X, dtype=np.float64)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    __call__ = forward

    def backward(self, dY: ArrayLike, *, input_grad: bool = True) -> Array | None:
        """From dLoss/dY, fill every layer's gradients (last layer first); returns dLoss/dX.

        input_grad=False skips dLoss/dX of the first layer when it is Dense and returns None;
        fit() uses it, since the gradient with respect to the data is never needed for training.
        """
        grad = np.asarray(dY, dtype=np.float64)
        first = self.layers[0]
        for layer in reversed(self.layers[1:]):
            grad = layer.backward(grad)
        if not input_grad and isinstance(first, Dense):
            return first.backward(grad, input_grad=False)
        return first.backward(grad)

    def train(self) -> Sequential:
        """Put every layer in training mode (dropout active)."""
        for layer in self.layers:
            layer.training = True
        return self

    def eval(self) -> Sequential:
        """Put every layer in evaluation mode (dropout off)."""
        for layer in self.layers:
            layer.training = False
        return self

    def predict(self, X: ArrayLike) -> Array:
        """Forward pass in evaluation mode; each layer's mode is restored afterwards."""
        modes = [layer.training for layer in self.layers]
        self.eval()
        try:
            return self.forward(X)
        finally:
            for layer, mode in zip(self.layers, modes):
                layer.training = mode

    def parameters(self) -> dict[str, Array]:
        """Ordered map name -> live parameter array ('W1', 'b1', 'W2', ...)."""
        return {name: layer.params()[key] for name, layer, key in self._names}

    def gradients(self) -> dict[str, Array]:
        """Ordered map name -> live gradient array, same keys and shapes as parameters()."""
        return {name: layer.grads()[key] for name, layer, key in self._names}

    def zero_grad(self) -> None:
        """Set every stored gradient to 0."""
        for g in self.gradients().values():
            g[...] = 0.0

    @property
    def num_parameters(self) -> int:
        """Total number of scalar parameters, sum of the sizes of all W and b."""
        return int(sum(p.size for p in self.parameters().values()))

    def save(self, path: str | Path) -> None:
        """Write the parameters to a .npz file (no pickling)."""
        np.savez(Path(path), **self.parameters())

    def load(self, path: str | Path) -> Sequential:
        """Read parameters written by save(); the keys and shapes must match this model."""
        with np.load(Path(path), allow_pickle=False) as data:
            stored = {k: data[k] for k in data.files}
        params = self.parameters()
        if set(stored) != set(params):
            raise ValueError(
                f"{path}: stored parameters {sorted(stored)} do not match the model's {sorted(params)}"
            )
        for name, value in stored.items():
            if value.shape != params[name].shape:
                raise ValueError(
                    f"{path}: {name} has shape {value.shape} in the file but {params[name].shape} in the model"
                )
        for name, value in stored.items():
            params[name][...] = value
        return self

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__}("]
        lines += [f"  {layer!r}," for layer in self.layers]
        lines.append(f")  # {self.num_parameters} parameters")
        return "\n".join(lines)


class MLP(Sequential):
    """Multilayer perceptron sizes[0] -> sizes[1] -> ... -> sizes[-1] of Dense layers."""

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation = "relu",
        output_activation: str | Activation = "identity",
        init: str | None = None,
        bias: bool = True,
        seed: int = 0,
    ) -> None:
        """Hidden layers use `activation`, the last one `output_activation`; weights drawn with seed."""
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"MLP needs at least an input and an output size, got sizes={sizes}")
        rng = np.random.default_rng(seed)
        hidden_name = activation if isinstance(activation, str) else activation.name
        layers: list[Layer] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            last = i == len(sizes) - 2
            act = output_activation if last else activation
            if init is not None:
                layer_init = init
            elif not last and hidden_name in ("relu", "leaky_relu"):
                layer_init = "he_normal"
            else:
                layer_init = "xavier_uniform"
            layers.append(Dense(n_in, n_out, activation=act, init=layer_init, bias=bias, rng=rng))
        super().__init__(layers)
        self.sizes = sizes
