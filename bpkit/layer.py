"""The Layer contract every bpkit layer follows (introduced in book/06_backprop_in_code.ipynb).

The gradient rule (as in PyTorch): ``backward`` ADDS dLoss/dparameter into the arrays of
``grads()`` and ``zero_grad()`` resets them, so a layer used twice in one pass (weight sharing)
receives the sum of its two gradients, the fork of chapter 3. A training loop calls ``zero_grad()``
before each ``backward``; ``bpkit.train.fit`` does.

- ``forward(X)`` validates X, stores everything its backward needs in ONE attribute,
  ``self._cache`` (None before the first forward), and returns the output. The caller may modify
  the output freely: a layer never hands out an array that its backward reads later.
- ``backward(grad_out)`` raises CallOrderError before any forward and ShapeError when grad_out's
  shape differs from the output's; it adds dLoss/dparameter into ``grads()`` and returns dLoss/dX.
- ``params()``, ``grads()``, ``buffers()`` return live arrays by local name ("W", "b", ...);
  ``zero_grad()``, ``train()``, ``eval()``.

A container (``bpkit.model.Sequential``) saves each position's ``_cache`` right after that
position's forward and puts it back before that position's backward, which is what makes
``Sequential([d, d])`` correct. The layers themselves live in bpkit.layers (Dense, ActivationLayer,
Dropout), bpkit.conv, bpkit.pool, bpkit.norm, bpkit.residual and bpkit.recurrent.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import CallOrderError, ShapeError
from bpkit.validate import Array, as_array, boolean

L = TypeVar("L", bound="Layer")


class Layer:
    """Base class of every layer: forward, backward, params, grads, buffers, zero_grad, train, eval.

    Attributes
    ----------
    training : bool
        True in training mode (dropout active), False in evaluation mode.
    name : str
        The prefix of every error message the layer raises; a model replaces it by
        "layer i (name)" so that a message says which layer of the model complained.

    Examples
    --------
    A parameter-free layer that doubles its input:

    >>> class Double(Layer):
    ...     def forward(self, X):
    ...         self._cache = np.shape(X)
    ...         return 2.0 * np.asarray(X, dtype=float)
    ...     def backward(self, grad_out):
    ...         self._check_grad_out(grad_out, self._need_cache())
    ...         return 2.0 * np.asarray(grad_out, dtype=float)
    >>> Double().forward([1.0, 2.0])
    array([2., 4.])
    """

    def __init__(self) -> None:
        """A layer starts in training mode, with no cache and a name the model may replace."""
        self.training = True
        self.name = type(self).__name__
        self._cache: Any = None

    def forward(self, X: ArrayLike) -> Array:
        """Output of the layer for a batch X; stores what backward needs in ``self._cache``.

        Parameters
        ----------
        X : array_like
            A batch, one example per row (the layer checks the shape it needs).
        """
        raise TypeError(f"{type(self).__name__} does not define forward()")

    def backward(self, grad_out: ArrayLike) -> Array:
        """dLoss/d(input) from dLoss/d(output); adds the parameter gradients into grads().

        Parameters
        ----------
        grad_out : array_like
            dLoss/d(output) for the batch of the last forward pass, the output's shape.
        """
        raise TypeError(f"{type(self).__name__} does not define backward()")

    def backward_params(self, grad_out: ArrayLike) -> None:
        """Add the parameter gradients only, as backward does, without returning dLoss/dX.

        The first layer of a model never needs dLoss/dX (X is data); a layer may skip that product
        here. The default simply calls backward.

        Parameters
        ----------
        grad_out : array_like
            dLoss/d(output), as for backward.
        """
        self.backward(grad_out)

    def params(self) -> dict[str, Array]:
        """The layer's parameters by local name ({} for parameter-free layers); live arrays."""
        return {}

    def grads(self) -> dict[str, Array]:
        """dLoss/dparameter with the same keys and shapes as params(); live arrays."""
        return {}

    def buffers(self) -> dict[str, Array]:
        """Live non-trained state saved with the parameters (e.g. running statistics); {} by default."""
        return {}

    def zero_grad(self) -> None:
        """Set every gradient of grads() to 0 (backward adds into them)."""
        for g in self.grads().values():
            g.fill(0.0)

    def train(self: L, mode: bool = True) -> L:
        """Training mode (mode=True) or evaluation mode (mode=False); returns the layer."""
        self.training = boolean(mode, "mode", self.name)
        return self

    def eval(self: L) -> L:
        """Evaluation mode (dropout off); same as train(False)."""
        return self.train(False)

    def kink_pattern(self) -> Array | None:
        """Which side of each kink the last forward was on (for gradient checks), None if smooth.

        A kink is a point where the layer is not differentiable, such as ReLU's z = 0. A gradient
        check compares this pattern before and after a finite-difference step to detect a step
        that crossed a kink.
        """
        return None

    def _need_cache(self) -> Any:
        """The cache of the last forward pass, or a CallOrderError if there was none."""
        if self._cache is None:
            raise CallOrderError(f"{self.name}: call forward() before backward()")
        return self._cache

    def _check_grad_out(self, grad_out: ArrayLike, shape: object) -> Array:
        """grad_out as a float64 array of the output's shape, or a bpkit error naming grad_out."""
        if type(grad_out) is np.ndarray and grad_out.dtype == np.float64 and grad_out.shape == shape:
            return grad_out  # the common case, checked without a function call per step
        g = as_array(grad_out, "grad_out", self.name, finite=False, allow_empty=True)
        if g.shape != shape:
            raise ShapeError(f"{self.name}: grad_out must have the output's shape {shape}, got {g.shape}")
        return g

    def __call__(self, X: ArrayLike) -> Array:
        """Same as forward(X)."""
        return self.forward(X)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={v.shape}" for k, v in self.params().items())
        return f"{type(self).__name__}({shapes})"
