"""Residual blocks y = x + F(x) (introduced in book/13_normalization_residual.ipynb).

A residual connection (残差连接) adds a block's input to its output. By the chain rule its Jacobian
is dy/dx = I + dF/dx, so the backward pass is

    dLoss/dx = dLoss/dy + (dF/dx)^T dLoss/dy:

the gradient reaches x unchanged along the identity path, however small F's Jacobian is. That is
why a stack of residual blocks still passes gradients to its first layers (He et al., 2016).
"""

from __future__ import annotations

from collections.abc import Sequence

from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError, ShapeError
from bpkit.layers import Layer
from bpkit.validate import Array, as_array

__all__ = ["Residual"]


class Residual(Layer):
    """y = x + F(x), where F is a layer or a list of layers run in order (F's output must have x's shape).

    Parameters
    ----------
    body : Layer or sequence of Layer
        F. A list is wrapped in a :class:`bpkit.sequential.Sequential`, so its parameters are named as
        in any model ("W1", "b1", "W2", ...); inside a model the block's parameters are then named
        "k.W1", "k.b1", ... (see :mod:`bpkit.model`).

    Notes
    -----
    ``train()`` and ``eval()`` reach the layers of F. The block stores F's cache in its own
    ``_cache``, so the same block may appear at several positions of a model (weight sharing).

    Examples
    --------
    >>> import numpy as np
    >>> from bpkit.layers import Dense
    >>> block = Residual([Dense(2, 2, W=[[0.0, 1.0], [0.0, 0.0]], bias=False)])
    >>> block.forward(np.array([[1.0, 2.0]]))       # x + x W^T
    array([[3., 2.]])
    >>> block.zero_grad()
    >>> block.backward(np.array([[1.0, 1.0]]))      # g + g W: the identity path adds g itself
    array([[1., 2.]])
    """

    def __init__(self, body: Layer | Sequence[Layer]) -> None:
        super().__init__()
        if not isinstance(body, Layer):
            if isinstance(body, (str, bytes)) or not isinstance(body, Sequence):
                raise ArgumentTypeError(f"Residual: body must be a bpkit Layer or a list of them, got {type(body).__name__}")
            from bpkit.model import Sequential  # model imports layers; imported here to keep modules independent

            body = Sequential(list(body))
        self.body = body
        self.name = "Residual"

    def forward(self, X: ArrayLike) -> Array:
        """y = X + F(X); caches F's cache."""
        X = as_array(X, "X", self.name, finite=False)
        fx = self.body.forward(X)
        if fx.shape != X.shape:
            raise ShapeError(
                f"{self.name}: F(X) must have the shape of X, {X.shape}, to be added to it, got {fx.shape}"
            )
        self._cache = (self.body._cache, X.shape)
        return fx + X

    def backward(self, grad_out: ArrayLike) -> Array:
        """dLoss/dX = g + J_F^T g; F's parameter gradients are added on the way."""
        body_cache, shape = self._need_cache()
        g = self._check_grad_out(grad_out, shape)
        self.body._cache = body_cache
        return g + self.body.backward(g)

    def params(self) -> dict[str, Array]:
        """F's parameters, by F's names; live arrays."""
        return self.body.params()

    def grads(self) -> dict[str, Array]:
        """F's gradients, same keys as params(); live arrays."""
        return self.body.grads()

    def buffers(self) -> dict[str, Array]:
        """F's buffers (e.g. BatchNorm running statistics); live arrays."""
        return self.body.buffers()

    def zero_grad(self) -> None:
        """Set F's gradients to 0."""
        self.body.zero_grad()

    def train(self, mode: bool = True) -> Residual:
        """Training mode (mode=True) or evaluation mode, for the block and the layers of F; returns the block."""
        super().train(mode)
        self.body.train(mode)
        return self

    def kink_pattern(self) -> Array | None:
        """F's kink pattern in the last forward pass (None if F is smooth or not run yet)."""
        if self._cache is None:
            return None
        saved, self.body._cache = self.body._cache, self._cache[0]
        try:
            return self.body.kink_pattern()
        finally:
            self.body._cache = saved

    def __repr__(self) -> str:
        return f"Residual({self.body!r})"
