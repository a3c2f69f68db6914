"""Sequential: a chain of layers with a forward and a backward pass (book/06_backprop_in_code.ipynb).

A model's forward pass runs the layers in order; its backward pass runs them in reverse, each layer
turning dLoss/d(its output) into dLoss/d(its input) and ADDING its parameter gradients (the gradient
rule of bpkit.layer: call ``zero_grad()`` before each backward). A layer may appear at several
positions (weight sharing): the model keeps each position's cache, so the shared layer receives the
sum of the gradients of all its uses. Parameters are named by bpkit.naming (W1, b1, W2, ...).
Re-exported by bpkit.model with MLP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal, overload

import numpy as np
from numpy.typing import ArrayLike

from bpkit.activations import Activation, sigmoid, softmax
from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.layers import ActivationLayer, Dense, Dropout, Layer
from bpkit.naming import qualified_names
from bpkit.serialize import load_model, save_model
from bpkit.validate import Array, as_array

__all__ = ["Sequential"]


def _output_activation(model: Sequential) -> str | None:
    """The name of the activation the model's output passes through last (None if unknown)."""
    for layer in reversed(model.layers):
        if isinstance(layer, Dropout):
            continue
        act = getattr(layer, "activation", None)
        if isinstance(layer, (Dense, ActivationLayer)) and isinstance(act, Activation):
            return act.name
        if isinstance(layer, Sequential):
            return _output_activation(layer)
        return None
    return None


class Sequential(Layer):
    """A chain of layers: Y = f_L(... f_2(f_1(X))); backward applies the chain rule in reverse.

    Parameters
    ----------
    layers : sequence of Layer
        The layers in order. The same layer may appear more than once (weight sharing).

    Examples
    --------
    >>> model = Sequential([Dense(2, 3, activation="tanh", init="zeros"), Dense(3, 1, init="zeros")])
    >>> list(model.parameters())
    ['W1', 'b1', 'W2', 'b2']
    >>> model.zero_grad()
    >>> _ = model.backward(model.forward(np.ones((4, 2))) - 1.0)
    >>> model.gradients()["b2"]
    array([-4.])
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        """Compose layers in order; parameters get the names W1, b1, W2, b2, ... (see the module)."""
        super().__init__()
        if isinstance(layers, Layer) or not isinstance(layers, Sequence):
            raise ArgumentTypeError(f"Sequential: layers must be a list of bpkit layers, got {type(layers).__name__}")
        layers = list(layers)
        if not layers:
            raise ArgumentValueError("Sequential: layers must hold at least one layer, got an empty list")
        for i, layer in enumerate(layers, start=1):
            if not isinstance(layer, Layer):
                raise ArgumentTypeError(
                    f"Sequential: layers[{i - 1}] must be a bpkit Layer, got {type(layer).__name__}"
                )
        self.layers = layers
        positions: dict[int, list[int]] = {}
        for i, layer in enumerate(layers, start=1):
            positions.setdefault(id(layer), []).append(i)
        for layer in self._distinct():
            base = layer.__dict__.setdefault("_base_name", layer.name)
            where = positions[id(layer)]
            label = f"layer {where[0]}" if len(where) == 1 else "layers " + ", ".join(map(str, where))
            layer.name = f"{label} ({base})"
        self._param_names = qualified_names(layers, "params")
        self._buffer_names = qualified_names(layers, "buffers")
        self.has_gradients = False  # set by backward, cleared by zero_grad (optimizers check it)

    def _distinct(self) -> list[Layer]:
        """Each layer once, in order of first appearance."""
        seen: dict[int, Layer] = {}
        for layer in self.layers:
            seen.setdefault(id(layer), layer)
        return list(seen.values())

    def forward(self, X: ArrayLike) -> Array:
        """Y = f_L(... f_1(X)); each position's cache is kept for backward.

        Parameters
        ----------
        X : array_like, shape (N, n_in)
            A batch of N rows (the first layer checks the width).
        """
        out = X if type(X) is np.ndarray else as_array(X, "X", self.name, finite=False, allow_empty=True)
        caches = []
        for layer in self.layers:
            out = layer.forward(out)
            caches.append(layer._cache)
        self._cache = caches
        return out

    __call__ = forward

    @overload
    def backward(self, grad_out: ArrayLike) -> Array: ...

    @overload
    def backward(self, grad_out: ArrayLike, *, input_grad: Literal[True]) -> Array: ...

    @overload
    def backward(self, grad_out: ArrayLike, *, input_grad: Literal[False]) -> None: ...

    def backward(self, grad_out: ArrayLike, *, input_grad: bool = True) -> Array | None:
        """From dLoss/dY, add every layer's parameter gradients (last layer first); returns dLoss/dX.

        Parameters
        ----------
        grad_out : array_like
            dLoss/dY, the shape of the last forward's output.
        input_grad : bool
            With False, dLoss/dX of the first layer is skipped and None is returned; fit() uses
            it, since the gradient with respect to the data is never needed for training.
        """
        caches = self._need_cache()
        grad = grad_out
        for layer, cache in zip(self.layers[:0:-1], caches[:0:-1], strict=True):
            layer._cache = cache  # this position's cache: a shared layer has one per position
            grad = layer.backward(grad)
        first = self.layers[0]
        first._cache = caches[0]
        self.has_gradients = True
        if input_grad:
            return first.backward(grad)
        first.backward_params(grad)
        return None

    def backward_params(self, grad_out: ArrayLike) -> None:
        """backward(grad_out, input_grad=False)."""
        self.backward(grad_out, input_grad=False)

    def train(self, mode: bool = True) -> Sequential:
        """Put the model and every layer in training mode (mode=True, dropout active) or evaluation mode."""
        super().train(mode)
        for layer in self._distinct():
            layer.train(mode)
        return self

    def predict(self, X: ArrayLike) -> Array:
        """The output for X in evaluation mode (dropout off); the layers' modes are restored afterwards."""
        modes = [layer.training for layer in self._distinct()]
        mode = self.training
        self.eval()
        try:
            return self.forward(X)
        finally:
            for layer, m in zip(self._distinct(), modes, strict=True):
                layer.train(m)
            self.training = mode

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities for X (evaluation mode), read from the output activation.

        - sigmoid or softmax output: the output itself (one column: P(class 1); C columns: P(c));
        - identity output (logits, the convention of ``BinaryCrossEntropy(from_logits=True)`` and
          ``CrossEntropy``): sigmoid of one column, softmax of C columns;
        - any other output (tanh, relu, ...) holds no probabilities: ArgumentValueError.

        Examples
        --------
        >>> model = Sequential([Dense(2, 1, W=[[1.0, 0.0]])])
        >>> model.predict_proba([[0.0, 5.0]])
        array([[0.5]])
        """
        act = _output_activation(self)
        out = self.predict(X)
        if act in ("sigmoid", "softmax"):
            return out
        if act in ("identity", "linear"):
            return sigmoid(out) if out.shape[-1] == 1 else softmax(out)
        raise ArgumentValueError(
            f"{self.name}.predict_proba: the model's output activation is {act!r}, whose values are not "
            "probabilities; use an identity (logits), sigmoid or softmax output layer"
        )

    def predict_classes(self, X: ArrayLike) -> Array:
        """Predicted classes for X: argmax of C > 1 columns, [P(class 1) > 1/2] of one column.

        Returns integer labels of shape (N,); see predict_proba for how outputs are read.

        Examples
        --------
        >>> model = Sequential([Dense(2, 3, W=np.eye(3, 2))])
        >>> model.predict_classes([[0.0, 2.0], [1.0, 0.0]])
        array([1, 0])
        """
        p = self.predict_proba(X)
        if p.shape[-1] == 1:
            return (p[..., 0] > 0.5).astype(np.int64)
        return np.asarray(p.argmax(axis=-1), dtype=np.int64)

    def parameters(self) -> dict[str, Array]:
        """Ordered map name -> live parameter array ('W1', 'b1', 'W2', ...)."""
        out: dict[str, Array] = {}
        for layer, names in self._param_names:
            local = layer.params()
            for key, name in names:
                out[name] = local[key]
        return out

    def gradients(self) -> dict[str, Array]:
        """Ordered map name -> live gradient array, same keys and shapes as parameters()."""
        out: dict[str, Array] = {}
        for layer, names in self._param_names:
            local = layer.grads()
            for key, name in names:
                out[name] = local[key]
        return out

    def buffers(self) -> dict[str, Array]:
        """Ordered map name -> live buffer (non-trained state such as running statistics)."""
        out: dict[str, Array] = {}
        for layer, names in self._buffer_names:
            local = layer.buffers()
            for key, name in names:
                out[name] = local[key]
        return out

    params = parameters
    grads = gradients

    def zero_grad(self) -> None:
        """Set every gradient to 0 (backward adds into them)."""
        for layer in self._distinct():
            layer.zero_grad()
        self.has_gradients = False

    def kink_pattern(self) -> Array | None:
        """The kink patterns of every position of the last forward pass, concatenated (None if smooth)."""
        caches = self._cache
        if caches is None:
            return None
        parts = []
        for layer, cache in zip(self.layers, caches, strict=True):
            saved, layer._cache = layer._cache, cache
            try:
                pattern = layer.kink_pattern()
            finally:
                layer._cache = saved
            if pattern is not None:
                parts.append(np.ravel(pattern))
        return np.concatenate(parts) if parts else None

    @property
    def num_parameters(self) -> int:
        """Total number of scalar parameters, sum of the sizes of all W and b."""
        return int(sum(p.size for p in self.parameters().values()))

    def architecture(self) -> dict[str, Any]:
        """A JSON-ready description: the class, each position's layer, the state names and shapes."""
        state = {**self.parameters(), **self.buffers()}
        return {
            "class": type(self).__name__,
            "layers": [repr(layer) for layer in self.layers],
            "state": {name: list(arr.shape) for name, arr in state.items()},
        }

    def state_dict(self) -> dict[str, Array]:
        """Copies of every parameter and buffer by model name (a snapshot; PyTorch returns views).

        Examples
        --------
        >>> from bpkit.model import MLP
        >>> model = MLP([2, 1], seed=0)
        >>> snapshot = model.state_dict()
        >>> model.parameters()["W1"][...] = 0.0
        >>> _ = model.load_state_dict(snapshot)
        >>> bool(np.all(model.parameters()["W1"] == snapshot["W1"]))
        True
        """
        return {name: arr.copy() for name, arr in {**self.parameters(), **self.buffers()}.items()}

    def load_state_dict(self, state: Mapping[str, ArrayLike]) -> Sequential:
        """Write a state_dict() into the model's arrays in place (an optimizer's state stays attached).

        Parameters
        ----------
        state : dict of str to array_like
            Exactly the model's parameter and buffer names, each with its shape.
        """
        if not isinstance(state, Mapping):
            raise ArgumentTypeError(f"{self.name}.load_state_dict: state must be a dict, got {type(state).__name__}")
        live = {**self.parameters(), **self.buffers()}
        missing, unexpected = sorted(set(live) - set(state)), sorted(set(state) - set(live))
        if missing or unexpected:
            raise ArgumentValueError(
                f"{self.name}.load_state_dict: state must have the model's names {list(live)}; "
                f"missing {missing}, unexpected {unexpected}"
            )
        values = {}
        for name, arr in live.items():
            value = as_array(state[name], f"state[{name!r}]", f"{self.name}.load_state_dict", allow_empty=True)
            if value.shape != arr.shape:
                raise ShapeError(
                    f"{self.name}.load_state_dict: state[{name!r}] must have shape {arr.shape}, got {value.shape}"
                )
            values[name] = value
        for name, arr in live.items():
            arr.flags.writeable = True
            arr[...] = values[name]
        return self

    def save(self, file: str | Path | IO[bytes]) -> None:
        """Write parameters, buffers and architecture to an .npz file at exactly `file` (or a binary file object).

        No pickling: the architecture is stored as JSON text; see bpkit.serialize.
        """
        save_model(self, file)

    def load(self, file: str | Path | IO[bytes]) -> Sequential:
        """Read what save() wrote into this model, in place; refuses a file of another architecture."""
        return load_model(self, file)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__}("]
        lines += [f"  {layer!r}," for layer in self.layers]
        lines.append(f")  # {self.num_parameters} parameters")
        return "\n".join(lines)
