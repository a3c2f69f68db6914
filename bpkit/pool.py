"""Pooling and flattening layers for NCHW batches (introduced in book/12_convolution.ipynb).

Pooling (池化) summarises each kH x kW window of every channel by one number, with windows
``stride`` apart (default: the kernel size, so the windows do not overlap), as ``torch.nn.MaxPool2d``
and ``torch.nn.AvgPool2d`` with no padding:

    max pooling      Y[n, c, a, b] = max_{i, j} X[n, c, s a + i, s b + j]
    average pooling  Y[n, c, a, b] = (1 / (kH kW)) sum_{i, j} X[n, c, s a + i, s b + j]

Backward, max pooling routes each dY[n, c, a, b] to the position of its window's maximum and
average pooling spreads it evenly, dY / (kH kW) to every position; where windows overlap, a pixel
receives the sum over the windows that contain it. ``Flatten`` reshapes (N, C, H, W) to (N, C H W)
so that dense layers can follow; ``Unflatten`` does the opposite, so that a model whose first layer is
a convolution can take the rows of a data matrix, as ``fit`` and ``check_model`` pass them.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import ArrayLike

from bpkit.errors import ShapeError
from bpkit.layers import Layer
from bpkit.validate import Array, as_array, integer

__all__ = ["AvgPool2D", "Flatten", "MaxPool2D", "Unflatten"]


def _pair(value: object, name: str, where: str) -> tuple[int, int]:
    """An int >= 1 or a pair (height, width) of them."""
    if isinstance(value, tuple) and len(value) == 2:
        return integer(value[0], name, where), integer(value[1], name, where)
    n = integer(value, name, where)
    return n, n


class _Pool2D(Layer):
    """What max and average pooling share: arguments, input checks and the output size."""

    def __init__(self, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None) -> None:
        super().__init__()
        kind = type(self).__name__
        self.kernel_size = _pair(kernel_size, "kernel_size", kind)
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride", kind)
        self.name = f"{kind} {self.kernel_size[0]}x{self.kernel_size[1]}"
        self._cache: tuple | None = None

    def _windows(self, X: ArrayLike) -> tuple[Array, Array]:
        """X checked as (N, C, H, W), and a read-only view of its windows (N, C, H_out, W_out, kH, kW)."""
        X = as_array(X, "X", self.name, ndim=4, finite=False)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        h, w = X.shape[2:]
        if kh > h or kw > w:
            raise ShapeError(f"{self.name}: kernel {kh}x{kw} is larger than the input {h}x{w} (X of shape {X.shape})")
        ho, wo = (h - kh) // sh + 1, (w - kw) // sw + 1
        s = X.strides
        view = as_strided(X, (*X.shape[:2], ho, wo, kh, kw), (s[0], s[1], s[2] * sh, s[3] * sw, s[2], s[3]),
                          writeable=False)
        return X, view

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride})"


class MaxPool2D(_Pool2D):
    """Max pooling: the largest value of each window; the gradient goes to where it was.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Window size (kH, kW).
    stride : int or (int, int), optional
        Step between windows; default the kernel size (non-overlapping windows).

    Notes
    -----
    Ties: when several entries of a window share the maximum, the first one in row-major order
    (scanning the window's rows top to bottom, each left to right) is the maximum's position and
    receives the whole gradient, as in PyTorch's CPU implementation. The maximum is not
    differentiable there; this is the subgradient that both libraries choose.

    Examples
    --------
    >>> pool = MaxPool2D(2)
    >>> X = np.array([[[[1.0, 3.0], [3.0, 0.0]]]])
    >>> pool.forward(X)
    array([[[[3.]]]])
    >>> pool.backward(np.ones((1, 1, 1, 1)))   # the tie goes to the first 3
    array([[[[0., 1.],
             [0., 0.]]]])
    """

    def forward(self, X: ArrayLike) -> Array:
        """Y[n, c, a, b] = max of window (a, b); caches the flat index of each maximum in X."""
        X, view = self._windows(X)
        n, c, ho, wo, kh, kw = view.shape
        flat = view.reshape(n, c, ho, wo, kh * kw)
        arg = flat.argmax(axis=4)  # the first maximum in row-major order (NaN counts as the maximum)
        out = np.take_along_axis(flat, arg[..., None], axis=4)[..., 0]
        h, w = X.shape[2:]
        (sh, sw) = self.stride
        i, j = np.divmod(arg, kw)
        rows = np.arange(ho)[:, None] * sh + i
        cols = np.arange(wo)[None, :] * sw + j
        index = ((np.arange(n * c).reshape(n, c, 1, 1) * h + rows) * w + cols).ravel()
        self._cache = (index, arg, X.shape, out.shape)
        return out

    def backward(self, grad_out: ArrayLike) -> Array:
        """dX[position of the maximum of window (a, b)] += dY[a, b]; 0 elsewhere."""
        index, _, x_shape, y_shape = self._need_cache()
        dY = self._check_grad_out(grad_out, y_shape)
        size = int(np.prod(x_shape))
        return np.bincount(index, weights=dY.ravel(), minlength=size).reshape(x_shape)

    def kink_pattern(self) -> Array | None:
        """Which entry of each window was the maximum in the last forward pass (for gradient checks)."""
        return None if self._cache is None else self._cache[1].astype(np.float64)


class AvgPool2D(_Pool2D):
    """Average pooling: the mean of each window; the gradient is spread evenly over it.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Window size (kH, kW).
    stride : int or (int, int), optional
        Step between windows; default the kernel size.

    Examples
    --------
    >>> pool = AvgPool2D(2)
    >>> pool.forward(np.arange(4.0).reshape(1, 1, 2, 2))
    array([[[[1.5]]]])
    >>> pool.backward(np.ones((1, 1, 1, 1)))
    array([[[[0.25, 0.25],
             [0.25, 0.25]]]])
    """

    def forward(self, X: ArrayLike) -> Array:
        """Y[n, c, a, b] = mean of window (a, b)."""
        X, view = self._windows(X)
        self._cache = (X.shape, view.shape[:4])
        out: Array = view.mean(axis=(4, 5))
        return out

    def backward(self, grad_out: ArrayLike) -> Array:
        """dX[s a + i, s b + j] += dY[a, b] / (kH kW) for every window (a, b) and offset (i, j)."""
        x_shape, y_shape = self._need_cache()
        share = self._check_grad_out(grad_out, y_shape) / (self.kernel_size[0] * self.kernel_size[1])
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        ho, wo = y_shape[2:]
        dX = np.zeros(x_shape)
        for i in range(kh):
            for j in range(kw):
                dX[:, :, i : i + sh * ho : sh, j : j + sw * wo : sw] += share
        return dX


class Flatten(Layer):
    """(N, d_1, d_2, ...) -> (N, d_1 d_2 ...), row-major as ``torch.nn.Flatten``; backward reshapes back.

    Examples
    --------
    >>> flat = Flatten()
    >>> flat.forward(np.zeros((2, 3, 4, 4))).shape
    (2, 48)
    >>> flat.backward(np.ones((2, 48))).shape
    (2, 3, 4, 4)
    """

    def __init__(self) -> None:
        super().__init__()
        self._cache: tuple[int, ...] | None = None

    def forward(self, X: ArrayLike) -> Array:
        """A copy of X with one row per example."""
        X = as_array(X, "X", self.name, finite=False)
        if X.ndim < 2:
            raise ShapeError(f"{self.name}: X must have shape (N, ...) with at least 2 dimensions, got {X.shape}")
        self._cache = X.shape
        out = X.reshape(X.shape[0], -1)
        return out.copy() if np.shares_memory(out, X) else out

    def backward(self, grad_out: ArrayLike) -> Array:
        """dX = dY reshaped to the input's shape."""
        shape = self._need_cache()
        return self._check_grad_out(grad_out, (shape[0], int(np.prod(shape[1:])))).reshape(shape)

    def __repr__(self) -> str:
        return "Flatten()"


class Unflatten(Layer):
    """(N, d_1 d_2 ...) -> (N, d_1, d_2, ...), as ``torch.nn.Unflatten(1, shape)``: rows of pixels to images.

    Parameters
    ----------
    shape : tuple of int
        The shape of one example, e.g. (1, 8, 8) for one-channel 8x8 images.

    Examples
    --------
    >>> to_images = Unflatten((1, 8, 8))
    >>> to_images.forward(np.zeros((5, 64))).shape
    (5, 1, 8, 8)
    >>> to_images.backward(np.ones((5, 1, 8, 8))).shape
    (5, 64)
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        if not isinstance(shape, tuple) or not shape:
            raise ShapeError(f"Unflatten: shape must be a non-empty tuple of sizes, e.g. (1, 8, 8), got {shape!r}")
        self.shape = tuple(integer(d, "shape", "Unflatten") for d in shape)
        self.size = int(np.prod(self.shape))
        self.name = f"Unflatten{self.shape}"

    def forward(self, X: ArrayLike) -> Array:
        """A copy of X (N, d_1 d_2 ...) reshaped to (N, d_1, d_2, ...)."""
        X = as_array(X, "X", self.name, ndim=2, finite=False)
        if X.shape[1] != self.size:
            raise ShapeError(f"{self.name}: X must have shape (N, {self.size}), got {X.shape}")
        self._cache = X.shape
        return X.reshape(X.shape[0], *self.shape).copy()

    def backward(self, grad_out: ArrayLike) -> Array:
        """dX = dY reshaped to (N, d_1 d_2 ...)."""
        n, size = self._need_cache()
        return self._check_grad_out(grad_out, (n, *self.shape)).reshape(n, size)

    def __repr__(self) -> str:
        return f"Unflatten({self.shape})"
