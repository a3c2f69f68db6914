"""Activation functions and their backward passes (introduced in book/01_background.ipynb).

Every activation maps a pre-activation ``z`` to an activation ``a`` of the same shape. The backward
pass is a vector-Jacobian product: given ``grad_a = dLoss/da`` it returns ``grad_z = dLoss/dz``.
For elementwise activations that is ``grad_a * f'(z)``; for softmax it involves the whole row.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def sigmoid(z: ArrayLike) -> Array:
    """Logistic sigmoid sigma(z) = 1 / (1 + e^{-z}), elementwise; stable for any finite z."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z: ArrayLike) -> Array:
    """Softmax over the last axis: s_i = e^{z_i - max z} / sum_j e^{z_j - max z}."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z: ArrayLike) -> Array:
    """Log-softmax over the last axis: z_i - logsumexp(z), computed without overflow."""
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class Activation:
    """Base class: a = f(z) forward; grad_z = J_f(z)^T grad_a backward."""

    name: str = "activation"
    smooth: bool = True
    elementwise: bool = True

    def forward(self, z: Array) -> Array:
        """a = f(z), same shape as z."""
        raise TypeError(f"{type(self).__name__} does not define forward()")

    def derivative(self, z: Array) -> Array:
        """f'(z) elementwise, same shape as z (elementwise activations only)."""
        raise TypeError(f"{type(self).__name__} is not elementwise: use backward()")

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """dL/dz = dL/da * f'(z) for an elementwise f; shapes of z, a and grad_a agree."""
        return grad_a * self.derivative(z)

    def __call__(self, z: ArrayLike) -> Array:
        """Same as forward(z)."""
        return self.forward(np.asarray(z, dtype=np.float64))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """sigma(z) = 1 / (1 + e^{-z}); sigma'(z) = sigma(z) (1 - sigma(z)) <= 1/4."""

    name = "sigmoid"

    def forward(self, z: Array) -> Array:
        """a = sigma(z)."""
        return sigmoid(z)

    def derivative(self, z: Array) -> Array:
        """sigma'(z) = sigma(z)(1 - sigma(z))."""
        s = sigmoid(z)
        return s * (1.0 - s)

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """dL/dz = dL/da * a (1 - a), reusing the cached activation."""
        return grad_a * a * (1.0 - a)


class Tanh(Activation):
    """tanh(z) = (e^z - e^{-z}) / (e^z + e^{-z}); tanh'(z) = 1 - tanh(z)^2."""

    name = "tanh"

    def forward(self, z: Array) -> Array:
        """a = tanh(z)."""
        return np.tanh(z)

    def derivative(self, z: Array) -> Array:
        """tanh'(z) = 1 - tanh(z)^2."""
        return 1.0 - np.tanh(z) ** 2

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """dL/dz = dL/da * (1 - a^2)."""
        return grad_a * (1.0 - a * a)


class ReLU(Activation):
    """relu(z) = max(0, z); relu'(z) = 1 if z > 0 else 0 (0 chosen at the kink z = 0)."""

    name = "relu"
    smooth = False

    def forward(self, z: Array) -> Array:
        """a = max(0, z)."""
        return np.maximum(z, 0.0)

    def derivative(self, z: Array) -> Array:
        """relu'(z) = [z > 0]."""
        return (z > 0).astype(np.float64)

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """dL/dz = dL/da * [z > 0] (the gradient passes where the unit is active)."""
        return grad_a * (z > 0)


class LeakyReLU(Activation):
    """f(z) = z if z > 0 else alpha z; f'(z) = 1 if z > 0 else alpha."""

    name = "leaky_relu"
    smooth = False

    def __init__(self, negative_slope: float = 0.01) -> None:
        """Leaky ReLU with slope alpha = negative_slope for z <= 0."""
        if not np.isfinite(negative_slope) or negative_slope < 0:
            raise ValueError(f"negative_slope must be a finite number >= 0, got {negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def forward(self, z: Array) -> Array:
        """a = z for z > 0, alpha z otherwise."""
        return np.where(z > 0, z, self.negative_slope * z)

    def derivative(self, z: Array) -> Array:
        """f'(z) = 1 for z > 0, alpha otherwise."""
        return np.where(z > 0, 1.0, self.negative_slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class Identity(Activation):
    """f(z) = z; f'(z) = 1 (a linear output layer)."""

    name = "identity"

    def forward(self, z: Array) -> Array:
        """a = z."""
        return np.asarray(z, dtype=np.float64)

    def derivative(self, z: Array) -> Array:
        """f'(z) = 1."""
        return np.ones_like(z, dtype=np.float64)

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """dL/dz = dL/da."""
        return grad_a


class Softmax(Activation):
    """s = softmax(z) over the last axis; Jacobian ds/dz = diag(s) - s s^T per row."""

    name = "softmax"
    elementwise = False

    def forward(self, z: Array) -> Array:
        """a = softmax(z), rows sum to 1."""
        return softmax(z)

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """dL/dz = s * (g - <g, s>) per row, the product of (diag(s) - s s^T) with g."""
        return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))


_ACTIVATIONS: dict[str, type[Activation]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "identity": Identity,
    "linear": Identity,
    "softmax": Softmax,
}


def get_activation(activation: str | Activation | None) -> Activation:
    """Look up an activation by name ('relu', 'sigmoid', ...) or pass an instance through."""
    if activation is None:
        return Identity()
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation.lower() in _ACTIVATIONS:
        return _ACTIVATIONS[activation.lower()]()
    known = ", ".join(sorted(_ACTIVATIONS))
    raise ValueError(f"unknown activation {activation!r}; known activations: {known}")
