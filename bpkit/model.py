"""Models made of layers: Sequential and the multilayer perceptron MLP (book/06_backprop_in_code.ipynb).

A model's forward pass runs the layers in order; its backward pass runs them in reverse, each layer
turning dLoss/d(its output) into dLoss/d(its input) and ADDING its parameter gradients (the gradient
rule of bpkit.layer: call ``zero_grad()`` before each backward). A layer may appear at several
positions (weight sharing): the model keeps each position's cache, so the shared layer receives the
sum of the gradients of all its uses. Sequential lives in bpkit.sequential and the naming rule in
bpkit.naming; both are re-exported here, beside MLP.

Parameter names. The layers that hold parameters or buffers are numbered k = 1, 2, ... in order of
first appearance (a layer used twice keeps its first number and is listed once). A layer's local
name ``key`` becomes

- ``f"{key}{k}"`` when key is a plain name (letters and underscores: "W", "b", "gamma"), so a
  plain MLP has "W1", "b1", "W2", "b2", ...;
- ``f"{k}.{key}"`` otherwise, i.e. for a container layer whose keys are already its inner layers'
  names: a residual block at k = 2 holding two Dense layers gives "2.W1", "2.b1", "2.W2", "2.b2".

``parameters()``, ``gradients()`` and ``buffers()`` return the live arrays under these names, which
is all an optimizer needs; ``state_dict()`` copies parameters and buffers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from bpkit.activations import Activation
from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.layers import Dense, Layer, _activation
from bpkit.naming import qualified_names
from bpkit.sequential import Sequential
from bpkit.validate import boolean, integer

__all__ = ["MLP", "Sequential", "qualified_names"]


class MLP(Sequential):
    """Multilayer perceptron sizes[0] -> sizes[1] -> ... -> sizes[-1] of Dense layers.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, input first: [2, 8, 1] is 2 inputs, 8 hidden units, 1 output.
    activation : str, Activation or None
        Activation of the hidden layers (None: no activation, a linear network).
    output_activation : str, Activation or None
        Activation of the last layer ('identity': the outputs are logits or regression values).
    init : str, optional
        Initializer of every W; by default He normal for ReLU-like hidden layers, else Xavier uniform.
    bias : bool
        Whether the layers have biases.
    seed : int
        Seed (>= 0) of the Generator that draws the weights.

    Examples
    --------
    >>> model = MLP([2, 8, 1], activation="tanh", seed=0)
    >>> model.forward(np.zeros((5, 2))).shape
    (5, 1)
    >>> list(model.parameters())
    ['W1', 'b1', 'W2', 'b2']
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation | None = "relu",
        output_activation: str | Activation | None = "identity",
        init: str | None = None,
        bias: bool = True,
        seed: int = 0,
    ) -> None:
        """Hidden layers use `activation`, the last one `output_activation`; weights drawn with seed."""
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise ArgumentTypeError(f"MLP: sizes must be a list of layer widths such as [2, 8, 1], got {sizes!r}")
        sizes = [integer(s, f"sizes[{i}]", "MLP") for i, s in enumerate(sizes)]
        if len(sizes) < 2:
            raise ArgumentValueError(f"MLP: sizes must hold at least an input and an output width, got {sizes}")
        seed = integer(seed, "seed", "MLP", low=0)
        bias = boolean(bias, "bias", "MLP")
        hidden = _activation(activation, "MLP")
        output = _activation(output_activation, "MLP", "output_activation")
        rng = np.random.default_rng(seed)
        layers: list[Layer] = []
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            last = i == len(sizes) - 2
            if init is not None:
                layer_init = init
            elif not last and hidden.name in ("relu", "leaky_relu"):
                layer_init = "he_normal"
            else:
                layer_init = "xavier_uniform"
            act = output if last else hidden  # activations hold no state: one instance serves all layers
            layers.append(Dense(n_in, n_out, activation=act, init=layer_init, bias=bias, rng=rng))
        super().__init__(layers)
        self.sizes = sizes
