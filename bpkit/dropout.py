"""Inverted dropout as a layer (introduced in book/09_generalization.ipynb).

In training mode every unit is kept with probability 1 - p and scaled by 1 / (1 - p), so the
expected output equals the input; in evaluation mode the layer is the identity. The mask of the
forward pass is the layer's cache, so backward multiplies by the same mask.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from bpkit.layer import Layer
from bpkit.validate import Array, as_array, generator, real_number

__all__ = ["Dropout"]


class Dropout(Layer):
    """Inverted dropout: in training A = X * M / (1 - p) with M_ij ~ Bernoulli(1 - p); identity in eval.

    Parameters
    ----------
    p : float
        Probability of dropping a unit, 0 <= p < 1.
    rng : numpy.random.Generator
        Where the masks come from.

    Examples
    --------
    >>> drop = Dropout(0.5, np.random.default_rng(0))
    >>> A = drop.forward(np.ones((2, 3)))
    >>> sorted(set(A.ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    >>> drop.eval().forward(np.ones((1, 2)))
    array([[1., 1.]])
    """

    def __init__(self, p: float, rng: np.random.Generator) -> None:
        """Drop each unit with probability p (0 <= p < 1), drawing masks from rng."""
        super().__init__()
        self.p = real_number(p, "p", "Dropout", low=0.0, high=1.0, high_open=True)
        self.rng = generator(rng, "Dropout")
        self.name = f"Dropout p={self.p:g}"

    def forward(self, X: ArrayLike) -> Array:
        """Training: X * mask / (1 - p), so E[A] = X. Eval (training=False) or p = 0: A = X."""
        X = as_array(X, "X", self.name, finite=False, allow_empty=True)
        if not self.training or self.p == 0.0:
            self._cache = X.shape  # the identity: backward needs only the shape
            return X.copy()
        mask = (self.rng.random(X.shape) >= self.p) / (1.0 - self.p)
        self._cache = mask
        return X * mask

    def backward(self, grad_out: ArrayLike) -> Array:
        """dLoss/dX = dLoss/dA * mask / (1 - p), the same mask as the forward pass.

        Parameters
        ----------
        grad_out : array_like
            dLoss/dA, the shape of the last forward's output.
        """
        cache = self._need_cache()
        if isinstance(cache, tuple):
            return self._check_grad_out(grad_out, cache).copy()
        assert isinstance(cache, np.ndarray)
        return self._check_grad_out(grad_out, cache.shape) * cache

    @property
    def mask(self) -> Array | None:
        """The scaled mask M / (1 - p) of the last forward pass (ones in eval mode; None before it)."""
        if self._cache is None:
            return None
        return np.ones(self._cache) if isinstance(self._cache, tuple) else self._cache

    def __repr__(self) -> str:
        return f"Dropout(p={self.p:g})"
