"""Layers with a forward and a backward pass (introduced in book/06_backprop_in_code.ipynb).

A batch is a matrix whose rows are examples. A dense layer mapping n_in -> n_out stores
W (n_out, n_in) and b (n_out,) and computes Z = X W^T + b, A = f(Z). Its backward pass receives
dA = dLoss/dA (N, n_out) and returns dLoss/dX (N, n_in), storing dW and db on the way:

    dZ = dA * f'(Z)      dW = dZ^T X      db = sum_n dZ_n      dX = dZ W
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.activations import Activation, get_activation
from bpkit.init import Initializer, get_initializer

Array = NDArray[np.float64]


class Layer:
    """Base class: forward(X) -> output, backward(grad_out) -> grad_in, params() and grads()."""

    def __init__(self) -> None:
        """A layer starts in training mode, with a name the model may replace."""
        self.training = True
        self.name = type(self).__name__

    def forward(self, X: Array) -> Array:
        """Output of the layer for a batch X."""
        raise TypeError(f"{type(self).__name__} does not define forward()")

    def backward(self, grad_out: Array) -> Array:
        """dLoss/d(input) from dLoss/d(output); stores parameter gradients."""
        raise TypeError(f"{type(self).__name__} does not define backward()")

    def params(self) -> dict[str, Array]:
        """The layer's parameters by local name ({} for parameter-free layers); live arrays."""
        return {}

    def grads(self) -> dict[str, Array]:
        """dLoss/dparameter with the same keys and shapes as params(); live arrays."""
        return {}

    def __call__(self, X: ArrayLike) -> Array:
        """Same as forward(X)."""
        return self.forward(np.asarray(X, dtype=np.float64))


def _as_batch(layer: Layer, X: ArrayLike, width: int) -> Array:
    """X as a float64 (N, width) array, or a ValueError naming the layer and both shapes."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != width:
        raise ValueError(f"{layer.name}: expected input of shape (N, {width}), got {X.shape}")
    return X


class Dense(Layer):
    """Fully connected layer: Z = X W^T + b with W (n_out, n_in), b (n_out,); A = f(Z)."""

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str | Activation | None = "identity",
        init: str | Initializer = "xavier_uniform",
        bias: bool = True,
        rng: np.random.Generator | None = None,
        W: ArrayLike | None = None,
        b: ArrayLike | None = None,
    ) -> None:
        """A dense layer n_in -> n_out; give W (and b) explicitly, or an initializer and an rng."""
        super().__init__()
        for label, value in (("n_in", n_in), ("n_out", n_out)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"Dense: {label} must be a positive integer, got {value!r}")
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.name = f"Dense {self.n_in}->{self.n_out}"
        self.activation = get_activation(activation)
        if W is not None:
            W = np.array(W, dtype=np.float64)
            if W.shape != (self.n_out, self.n_in):
                raise ValueError(
                    f"{self.name}: W must have shape (n_out, n_in) = {(self.n_out, self.n_in)}, got {W.shape}"
                )
            self.W = W
        else:
            initializer = get_initializer(init)
            if rng is None and initializer is not get_initializer("zeros"):
                raise TypeError(f"{self.name}: pass rng=np.random.default_rng(seed) or an explicit W")
            self.W = np.asarray(initializer((self.n_out, self.n_in), rng), dtype=np.float64)
        self.b: Array | None = None
        if b is not None and not bias:
            raise ValueError(f"{self.name}: got b but bias=False")
        if bias:
            self.b = np.zeros(self.n_out) if b is None else np.array(b, dtype=np.float64)
            if self.b.shape != (self.n_out,):
                raise ValueError(f"{self.name}: b must have shape ({self.n_out},), got {self.b.shape}")
        self.dW = np.zeros_like(self.W)
        self.db: Array | None = None if self.b is None else np.zeros_like(self.b)
        self.x: Array | None = None
        self.z: Array | None = None
        self.a: Array | None = None

    def forward(self, X: Array) -> Array:
        """Z = X W^T + b (N, n_out), A = f(Z); caches x, z and a for backward."""
        X = _as_batch(self, X, self.n_in)
        z = X @ self.W.T
        if self.b is not None:
            z += self.b
        self.x, self.z = X, z
        self.a = self.activation.forward(z)
        return self.a

    def backward(self, grad_out: Array, *, input_grad: bool = True) -> Array | None:
        """dZ = J_f^T dA; dW = dZ^T X (n_out, n_in); db = sum_n dZ_n (n_out,); returns dZ W (N, n_in).

        With input_grad=False the product dZ W is skipped and None is returned: a training loop
        never needs dLoss/dX for the data itself (PyTorch skips it the same way).
        """
        if self.x is None or self.z is None or self.a is None:
            raise RuntimeError(f"{self.name}: call forward() before backward()")
        grad_out = np.asarray(grad_out, dtype=np.float64)
        if grad_out.shape != self.a.shape:
            raise ValueError(
                f"{self.name}: gradient of the output must have shape {self.a.shape}, got {grad_out.shape}"
            )
        dZ = self.activation.backward(self.z, self.a, grad_out)
        self.dW[...] = dZ.T @ self.x
        if self.db is not None:
            self.db[...] = dZ.sum(axis=0)
        return dZ @ self.W if input_grad else None

    def params(self) -> dict[str, Array]:
        """{'W': W} plus {'b': b} when the layer has a bias."""
        return {"W": self.W} if self.b is None else {"W": self.W, "b": self.b}

    def grads(self) -> dict[str, Array]:
        """{'W': dW} plus {'b': db} when the layer has a bias."""
        return {"W": self.dW} if self.db is None else {"W": self.dW, "b": self.db}

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r}, bias={self.b is not None})"


class ActivationLayer(Layer):
    """An activation as a parameter-free layer: A = f(Z), dZ = J_f(Z)^T dA."""

    def __init__(self, activation: str | Activation) -> None:
        """Wrap an activation (name or instance) as a layer."""
        super().__init__()
        self.activation = get_activation(activation)
        self.name = f"{type(self.activation).__name__} layer"
        self.z: Array | None = None
        self.a: Array | None = None

    def forward(self, X: Array) -> Array:
        """A = f(X), any shape; caches X and A."""
        self.z = np.asarray(X, dtype=np.float64)
        self.a = self.activation.forward(self.z)
        return self.a

    def backward(self, grad_out: Array) -> Array:
        """dLoss/dX = J_f(X)^T dLoss/dA."""
        if self.z is None or self.a is None:
            raise RuntimeError(f"{self.name}: call forward() before backward()")
        grad_out = np.asarray(grad_out, dtype=np.float64)
        if grad_out.shape != self.a.shape:
            raise ValueError(f"{self.name}: gradient must have shape {self.a.shape}, got {grad_out.shape}")
        return self.activation.backward(self.z, self.a, grad_out)

    def __repr__(self) -> str:
        return f"ActivationLayer({self.activation!r})"


class Dropout(Layer):
    """Inverted dropout: in training A = X * M / (1 - p) with M_ij ~ Bernoulli(1 - p); identity in eval."""

    def __init__(self, p: float, rng: np.random.Generator) -> None:
        """Drop each unit with probability p (0 <= p < 1), drawing masks from rng."""
        super().__init__()
        if not (isinstance(p, (int, float)) and 0.0 <= float(p) < 1.0):
            raise ValueError(f"Dropout: p must satisfy 0 <= p < 1, got {p!r}")
        if not isinstance(rng, np.random.Generator):
            raise TypeError("Dropout needs rng=np.random.default_rng(seed)")
        self.p = float(p)
        self.rng = rng
        self.name = f"Dropout p={self.p}"
        self.mask: Array | None = None

    def forward(self, X: Array) -> Array:
        """Training: X * mask / (1 - p), so E[A] = X. Eval (training=False): A = X."""
        X = np.asarray(X, dtype=np.float64)
        if not self.training or self.p == 0.0:
            self.mask = np.ones_like(X)
            return X
        self.mask = (self.rng.random(X.shape) >= self.p) / (1.0 - self.p)
        return X * self.mask

    def backward(self, grad_out: Array) -> Array:
        """dLoss/dX = dLoss/dA * mask / (1 - p), the same mask as the forward pass."""
        if self.mask is None:
            raise RuntimeError(f"{self.name}: call forward() before backward()")
        grad_out = np.asarray(grad_out, dtype=np.float64)
        if grad_out.shape != self.mask.shape:
            raise ValueError(f"{self.name}: gradient must have shape {self.mask.shape}, got {grad_out.shape}")
        return grad_out * self.mask

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"
