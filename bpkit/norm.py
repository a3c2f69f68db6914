"""Batch normalization and layer normalization (introduced in book/13_normalization_residual.ipynb).

Batch normalization (批量归一化) standardizes every channel c over the m values it takes in a batch
(m = N for (N, C) input, m = N H W for (N, C, H, W) input), then scales and shifts it:

    mu_c = (1/m) sum x,   var_c = (1/m) sum (x - mu_c)^2,   x_hat = (x - mu_c) / sqrt(var_c + eps),
    y = gamma_c x_hat + beta_c.

Because mu and var depend on every example, the backward pass has three terms, which collapse into
the compact form (g = dLoss/dy, sums over the m values of channel c):

    dgamma_c = sum g x_hat,   dbeta_c = sum g,
    dx = gamma_c / (m sqrt(var_c + eps)) * (m g - sum g - x_hat sum g x_hat).

In evaluation mode the layer uses running estimates instead of batch statistics (PyTorch's rule:
running = (1 - momentum) running + momentum batch, with the unbiased variance m/(m-1) var_c), so
y is an affine function of x alone: dx = gamma_c g / sqrt(running_var_c + eps).

Layer normalization (层归一化) standardizes each example over its last dimensions instead; it has no
running statistics and behaves the same in training and evaluation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.layers import Layer
from bpkit.validate import Array, as_array, check_shape, integer, real_number

__all__ = ["BatchNorm", "LayerNorm"]


def _normalize_backward(g_hat: Array, x_hat: Array, inv_std: Array, axes: tuple[int, ...]) -> Array:
    """dx = inv_std / m * (m g_hat - sum g_hat - x_hat sum(g_hat x_hat)) with g_hat = gamma g = dLoss/dx_hat.

    The sums run over ``axes``, the m values that share one mean and variance; inv_std = 1/sqrt(var + eps)
    broadcasts against x_hat.
    """
    m = x_hat.size // inv_std.size
    sum_g = g_hat.sum(axis=axes, keepdims=True)
    sum_gx = (g_hat * x_hat).sum(axis=axes, keepdims=True)
    dx: Array = (inv_std / m) * (m * g_hat - sum_g - x_hat * sum_gx)
    return dx


class _Affine(Layer):
    """Learnable scale gamma (starts at 1) and shift beta (starts at 0), with their gradients."""

    def _make_affine(self, shape: tuple[int, ...]) -> None:
        self.gamma = np.ones(shape)
        self.beta = np.zeros(shape)
        self.dgamma = np.zeros(shape)
        self.dbeta = np.zeros(shape)

    def params(self) -> dict[str, Array]:
        """{'gamma': gamma, 'beta': beta}; live arrays."""
        return {"gamma": self.gamma, "beta": self.beta}

    def grads(self) -> dict[str, Array]:
        """{'gamma': dgamma, 'beta': dbeta}; live arrays."""
        return {"gamma": self.dgamma, "beta": self.dbeta}



class BatchNorm(_Affine):
    """Batch normalization over the channel axis 1 of (N, C) or (N, C, H, W) input (``torch.nn.BatchNorm1d/2d``).

    Parameters
    ----------
    num_features : int
        C, the number of channels (columns of a dense input).
    eps : float
        Added to the variance before the square root (default 1e-5, as PyTorch).
    momentum : float
        Weight of the current batch in the running statistics, 0 < momentum <= 1 (default 0.1).

    Attributes
    ----------
    gamma, beta : ndarray, shape (C,)
        Learnable scale (starts at 1) and shift (starts at 0); ``params()`` holds them.
    running_mean, running_var : ndarray, shape (C,)
        Estimates used in evaluation mode (start at 0 and 1); ``buffers()`` holds them.

    Notes
    -----
    Training needs more than one value per channel (m > 1): with one, x - mu is 0 and the variance
    says nothing. A single example in evaluation mode is fine.

    Examples
    --------
    >>> bn = BatchNorm(2)
    >>> Y = bn.forward(np.array([[1.0, 10.0], [3.0, 30.0]]))
    >>> np.round(Y, 4)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean, bn.running_var
    (array([0.2, 2. ]), array([ 1.1, 20.9]))
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.num_features = integer(num_features, "num_features", "BatchNorm")
        self.eps = real_number(eps, "eps", "BatchNorm", low=0.0, low_open=True)
        self.momentum = real_number(momentum, "momentum", "BatchNorm", low=0.0, high=1.0, low_open=True)
        self.name = f"BatchNorm({self.num_features})"
        self._make_affine((self.num_features,))
        self.running_mean = np.zeros(self.num_features)
        self.running_var = np.ones(self.num_features)

    def forward(self, X: ArrayLike) -> Array:
        """y = gamma x_hat + beta with batch statistics (training) or running statistics (evaluation)."""
        X = as_array(X, "X", self.name, ndim=(2, 4), finite=False)
        check_shape(X, (None, self.num_features) + (None,) * (X.ndim - 2), "X", self.name)
        axes = (0,) if X.ndim == 2 else (0, 2, 3)
        bshape = (1, -1) + (1,) * (X.ndim - 2)
        if self.training:
            m = X.size // self.num_features
            if m < 2:
                raise ArgumentValueError(
                    f"{self.name}: training needs more than one value per channel, got X of shape {X.shape}; "
                    "use a batch of at least 2 examples, or eval() to use the running statistics"
                )
            mean = X.mean(axis=axes)
            centred = X - mean.reshape(bshape)
            var = np.mean(centred * centred, axis=axes)
            self.running_mean *= 1.0 - self.momentum
            self.running_mean += self.momentum * mean
            self.running_var *= 1.0 - self.momentum
            self.running_var += self.momentum * var * (m / (m - 1))
        else:
            var = self.running_var
            centred = X - self.running_mean.reshape(bshape)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = centred * inv_std.reshape(bshape)
        self._cache = (x_hat, inv_std, axes, bshape, self.training)
        y: Array = x_hat * self.gamma.reshape(bshape) + self.beta.reshape(bshape)
        return y

    def backward(self, grad_out: ArrayLike) -> Array:
        """Adds dgamma = sum g x_hat, dbeta = sum g; returns dx (compact form in training, affine in evaluation)."""
        x_hat, inv_std, axes, bshape, training = self._need_cache()
        g = self._check_grad_out(grad_out, x_hat.shape)
        self.dgamma += (g * x_hat).sum(axis=axes)
        self.dbeta += g.sum(axis=axes)
        g_hat = g * self.gamma.reshape(bshape)
        if not training:  # y is affine in x: dx = gamma g / sqrt(running_var + eps)
            dx: Array = g_hat * inv_std.reshape(bshape)
            return dx
        return _normalize_backward(g_hat, x_hat, inv_std.reshape(bshape), axes)

    def buffers(self) -> dict[str, Array]:
        """{'running_mean': ..., 'running_var': ...}; live arrays."""
        return {"running_mean": self.running_mean, "running_var": self.running_var}

    def __repr__(self) -> str:
        return f"BatchNorm({self.num_features}, eps={self.eps:g}, momentum={self.momentum:g})"


class LayerNorm(_Affine):
    """Layer normalization over the last dimensions of each example (``torch.nn.LayerNorm``).

    For X of shape ``(..., *normalized_shape)``: mu and var are taken over the trailing
    ``normalized_shape`` dimensions of each example, y = gamma x_hat + beta with gamma and beta of
    shape normalized_shape. Training and evaluation compute the same thing.

    Parameters
    ----------
    normalized_shape : int or tuple of int
        The trailing shape to normalize over, e.g. the number of features.
    eps : float
        Added to the variance (default 1e-5).

    Examples
    --------
    >>> ln = LayerNorm(3)
    >>> np.round(ln.forward(np.array([[1.0, 2.0, 3.0]])), 4)
    array([[-1.2247,  0.    ,  1.2247]])
    """

    def __init__(self, normalized_shape: int | tuple[int, ...], eps: float = 1e-5) -> None:
        super().__init__()
        dims = normalized_shape if isinstance(normalized_shape, tuple) else (normalized_shape,)
        if not dims:
            raise ShapeError("LayerNorm: normalized_shape must have at least one dimension, got ()")
        self.normalized_shape = tuple(integer(d, "normalized_shape", "LayerNorm") for d in dims)
        self.eps = real_number(eps, "eps", "LayerNorm", low=0.0, low_open=True)
        self.name = f"LayerNorm{self.normalized_shape}"
        self._make_affine(self.normalized_shape)

    def forward(self, X: ArrayLike) -> Array:
        """y = gamma (x - mu) / sqrt(var + eps) + beta, statistics over the trailing dimensions of each example."""
        X = as_array(X, "X", self.name, finite=False)
        k = len(self.normalized_shape)
        if X.ndim < k + 1 or X.shape[-k:] != self.normalized_shape:
            want = "(N, ..., " + ", ".join(map(str, self.normalized_shape)) + ")"
            raise ShapeError(f"{self.name}: X must have shape {want}, got {X.shape}")
        axes = tuple(range(X.ndim - k, X.ndim))
        centred = X - X.mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(np.mean(centred * centred, axis=axes, keepdims=True) + self.eps)
        x_hat = centred * inv_std
        self._cache = (x_hat, inv_std, axes)
        y: Array = x_hat * self.gamma + self.beta
        return y

    def backward(self, grad_out: ArrayLike) -> Array:
        """Adds dgamma, dbeta (summed over the examples); dx by the compact form over each example's values."""
        x_hat, inv_std, axes = self._need_cache()
        g = self._check_grad_out(grad_out, x_hat.shape)
        batch_axes = tuple(range(x_hat.ndim - len(axes)))
        self.dgamma += (g * x_hat).sum(axis=batch_axes)
        self.dbeta += g.sum(axis=batch_axes)
        return _normalize_backward(g * self.gamma, x_hat, inv_std, axes)

    def __repr__(self) -> str:
        return f"LayerNorm({self.normalized_shape}, eps={self.eps:g})"
