"""Two-dimensional convolution on NCHW batches (introduced in book/12_convolution.ipynb).

A convolutional layer (卷积层) slides C_out kernels of shape (C_in, kH, kW) over a batch X of shape
(N, C_in, H, W). With stride s and zero padding p (``torch.nn.Conv2d``'s conventions; like PyTorch,
"convolution" here is the cross-correlation, the kernel is not flipped):

    Y[n, o, a, b] = b_o + sum_{c, i, j} Xp[n, c, s a + i, s b + j] W[o, c, i, j],
    Xp = X padded with p zeros on each side,   H_out = floor((H + 2 p - kH) / s) + 1.

Every weight is used at every output position (weight sharing, 权值共享), so its gradient is a sum
over positions. With dY = dLoss/dY of shape (N, C_out, H_out, W_out):

    dW[o, c, i, j] = sum_{n, a, b} Xp[n, c, s a + i, s b + j] dY[n, o, a, b]    (correlation of X with dY)
    db[o]          = sum_{n, a, b} dY[n, o, a, b]
    dX             = full convolution of dY (dilated by s) with the flipped kernel, cropped by p.

im2col turns all of it into chapter 4's matrix products: the rows of ``im2col(X)`` are the patches,
Y = cols W_mat^T + b, dW_mat = dY_mat^T cols, dcols = dY_mat W_mat, dX = col2im(dcols).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view
from numpy.typing import ArrayLike

from bpkit.errors import ShapeError
from bpkit.init import Initializer, get_initializer
from bpkit.layers import Layer
from bpkit.validate import Array, as_array, check_shape, generator, integer

__all__ = ["Conv2D", "col2im", "conv2d", "conv2d_grad_input", "conv2d_grad_weight", "im2col", "output_size"]

Pair = int | tuple[int, int]


def _pair(value: object, name: str, where: str, low: int) -> tuple[int, int]:
    """An int or a pair of ints (height, width), each >= low."""
    if isinstance(value, tuple) and len(value) == 2:
        return integer(value[0], name, where, low=low), integer(value[1], name, where, low=low)
    n = integer(value, name, where, low=low)
    return n, n


def output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """floor((size + 2 padding - kernel) / stride) + 1, the output length along one axis.

    Parameters
    ----------
    size, kernel, stride, padding : int
        Input length, window length, step between windows, zeros added on each side.

    Examples
    --------
    >>> output_size(8, 3, stride=1, padding=1), output_size(28, 2, stride=2)
    (8, 14)
    """
    return (size + 2 * padding - kernel) // stride + 1


def _out_hw(where: str, hw: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int],
            padding: tuple[int, int]) -> tuple[int, int]:
    """(H_out, W_out), or a ShapeError when the kernel is larger than the padded input."""
    (h, w), (kh, kw), (ph, pw) = hw, kernel, padding
    if kh > h + 2 * ph or kw > w + 2 * pw:
        raise ShapeError(
            f"{where}: kernel {kh}x{kw} is larger than the padded input {h + 2 * ph}x{w + 2 * pw} "
            f"(input {h}x{w}, padding {ph},{pw})"
        )
    return output_size(h, kh, stride[0], ph), output_size(w, kw, stride[1], pw)


def im2col(X: ArrayLike, kernel_size: Pair, stride: Pair = 1, padding: Pair = 0) -> Array:
    """The patches of X as rows: shape (N H_out W_out, C kH kW), rows ordered (n, a, b), columns (c, i, j).

    With W_mat = W.reshape(C_out, C kH kW), the convolution is Y_mat = im2col(X) W_mat^T.

    Parameters
    ----------
    X : array_like, shape (N, C, H, W)
        The batch.
    kernel_size, stride, padding : int or (int, int)
        Window size, step and zero padding, as for :class:`Conv2D`.

    Examples
    --------
    >>> im2col(np.arange(9.0).reshape(1, 1, 3, 3), 2)
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    """
    X = as_array(X, "X", "im2col", ndim=4)
    k, s, p = (_pair(v, n, "im2col", low) for v, n, low in
               ((kernel_size, "kernel_size", 1), (stride, "stride", 1), (padding, "padding", 0)))
    ho, wo = _out_hw("im2col", X.shape[2:], k, s, p)
    Xp = np.pad(X, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    win = sliding_window_view(Xp, k, axis=(2, 3))[:, :, :: s[0], :: s[1]][:, :, :ho, :wo]
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(X.shape[0] * ho * wo, -1)


def col2im(cols: ArrayLike, input_shape: tuple[int, int, int, int], kernel_size: Pair, stride: Pair = 1,
           padding: Pair = 0) -> Array:
    """The adjoint of im2col: every patch entry is added back to the pixel it was copied from.

    ``col2im(dcols, X.shape, ...)`` is dLoss/dX when dcols = dLoss/d im2col(X); overlapping patches add up.

    Parameters
    ----------
    cols : array_like, shape (N H_out W_out, C kH kW)
        One row per patch, ordered as im2col orders them.
    input_shape : (N, C, H, W)
        The shape of the batch the patches were taken from.
    kernel_size, stride, padding : int or (int, int)
        As for im2col.

    Returns
    -------
    ndarray, shape input_shape

    Examples
    --------
    >>> col2im(np.ones((4, 4)), (1, 1, 3, 3), 2)[0, 0]   # how many patches hold each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    n, c, h, w = input_shape
    k, s, p = (_pair(v, nm, "col2im", low) for v, nm, low in
               ((kernel_size, "kernel_size", 1), (stride, "stride", 1), (padding, "padding", 0)))
    ho, wo = _out_hw("col2im", (h, w), k, s, p)
    cols = check_shape(as_array(cols, "cols", "col2im"), (n * ho * wo, c * k[0] * k[1]), "cols", "col2im")
    patches = cols.reshape(n, ho, wo, c, k[0], k[1])
    dXp = np.zeros((n, c, h + 2 * p[0], w + 2 * p[1]))
    for i in range(k[0]):
        for j in range(k[1]):
            dXp[:, :, i : i + s[0] * ho : s[0], j : j + s[1] * wo : s[1]] += patches[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dXp[:, :, p[0] : p[0] + h, p[1] : p[1] + w]


def _patches_nhwc(Xp: Array, kernel: tuple[int, int], stride: tuple[int, int], ho: int, wo: int) -> Array:
    """im2col of a padded channels-last batch (N, Hp, Wp, C): (N ho wo, kH kW C), columns ordered (i, j, c).

    The same matrix as im2col with its columns permuted; channels-last keeps every copied run
    (kW C numbers) contiguous, which makes the copy several times faster.
    """
    n, _, _, c = Xp.shape
    sn, sh, sw, sc = Xp.strides
    view = as_strided(Xp, (n, ho, wo, kernel[0], kernel[1], c),
                      (sn, sh * stride[0], sw * stride[1], sh, sw, sc), writeable=False)
    return view.reshape(n * ho * wo, kernel[0] * kernel[1] * c)


def conv2d(X: ArrayLike, W: ArrayLike, b: ArrayLike | None = None, stride: Pair = 1, padding: Pair = 0) -> Array:
    """Y = X * W + b: the forward pass of :class:`Conv2D` as a function (like ``torch.nn.functional.conv2d``).

    Parameters
    ----------
    X : array_like, shape (N, C_in, H, W)
    W : array_like, shape (C_out, C_in, kH, kW)
    b : array_like, shape (C_out,), optional
    stride, padding : int or (int, int)

    Returns
    -------
    Y : ndarray, shape (N, C_out, H_out, W_out)

    Examples
    --------
    >>> conv2d(np.arange(9.0).reshape(1, 1, 3, 3), np.ones((1, 1, 2, 2)))[0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    """
    W = as_array(W, "W", "conv2d", ndim=4)
    layer = Conv2D(W.shape[1], W.shape[0], W.shape[2:], stride, padding, bias=b is not None, W=W, b=b)
    layer.name = "conv2d"
    return layer.forward(X)


def conv2d_grad_weight(X: ArrayLike, dY: ArrayLike, kernel_size: Pair, stride: Pair = 1, padding: Pair = 0) -> Array:
    """dW[o, c, i, j] = sum_{n, a, b} Xp[n, c, s a + i, s b + j] dY[n, o, a, b]: X correlated with dY.

    Parameters
    ----------
    X : array_like, shape (N, C_in, H, W)
        The layer's input.
    dY : array_like, shape (N, C_out, H_out, W_out)
        dLoss/dY.
    kernel_size, stride, padding : int or (int, int)
        The layer's kernel size, stride and padding.

    Returns
    -------
    dW : ndarray, shape (C_out, C_in, kH, kW)

    Examples
    --------
    >>> X = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv2d_grad_weight(X, np.ones((1, 1, 2, 2)), 2)[0, 0]   # each weight sees four pixels
    array([[ 8., 12.],
           [20., 24.]])
    """
    X = as_array(X, "X", "conv2d_grad_weight", ndim=4)
    dY = as_array(dY, "dY", "conv2d_grad_weight", ndim=4)
    k = _pair(kernel_size, "kernel_size", "conv2d_grad_weight", 1)
    s = _pair(stride, "stride", "conv2d_grad_weight", 1)
    p = _pair(padding, "padding", "conv2d_grad_weight", 0)
    ho, wo = _out_hw("conv2d_grad_weight", X.shape[2:], k, s, p)
    if dY.shape[0] != X.shape[0] or dY.shape[2:] != (ho, wo):
        raise ShapeError(f"conv2d_grad_weight: dY must have shape ({X.shape[0]}, C_out, {ho}, {wo}), got {dY.shape}")
    dY_mat = dY.transpose(0, 2, 3, 1).reshape(-1, dY.shape[1])
    return (dY_mat.T @ im2col(X, k, s, p)).reshape(dY.shape[1], X.shape[1], k[0], k[1])


def _placement(offset: int, step: int, count: int, size: int) -> tuple[slice, slice]:
    """Slices (source, target) for target[offset + step a] = source[a], keeping 0 <= target < size."""
    first = max(0, -(offset // step)) if offset < 0 else 0
    last = min(count, (size - 1 - offset) // step + 1) if size - 1 - offset >= 0 else 0
    if last <= first:
        return slice(0, 0), slice(0, 0)
    return slice(first, last), slice(offset + step * first, offset + step * (last - 1) + 1, step)


def conv2d_grad_input(dY: ArrayLike, W: ArrayLike, input_size: tuple[int, int], stride: Pair = 1,
                      padding: Pair = 0) -> Array:
    """dX as the full convolution of dY with the flipped kernel (dY dilated by the stride, cropped by the padding).

    dX[n, c, h, w] = sum_{o, i, j} D[n, o, h + p + i - (kH - 1), w + p + j - (kW - 1)] W[o, c, kH-1-i, kW-1-j],
    where D is dY with s - 1 zeros between neighbours (D = dY for stride 1) and zero outside.

    Parameters
    ----------
    dY : array_like, shape (N, C_out, H_out, W_out)
        dLoss/dY.
    W : array_like, shape (C_out, C_in, kH, kW)
        The kernels.
    input_size : (int, int)
        (H, W) of the layer's input.
    stride, padding : int or (int, int)
        The layer's stride and padding.

    Returns
    -------
    dX : ndarray, shape (N, C_in, H, W)

    Examples
    --------
    >>> conv2d_grad_input(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), (3, 3))[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    dY = as_array(dY, "dY", "conv2d_grad_input", ndim=4)
    W = as_array(W, "W", "conv2d_grad_input", ndim=4)
    c_out, _c_in, kh, kw = W.shape
    s = _pair(stride, "stride", "conv2d_grad_input", 1)
    p = _pair(padding, "padding", "conv2d_grad_input", 0)
    h, w = (integer(v, "input_size", "conv2d_grad_input") for v in input_size)
    ho, wo = _out_hw("conv2d_grad_input", (h, w), (kh, kw), s, p)
    check_shape(dY, (None, c_out, ho, wo), "dY", "conv2d_grad_input")
    # E[t] = D[t + p - (k - 1)]: dY's entry a lands at t = (k - 1 - p) + s a; entries outside are cropped
    E = np.zeros((dY.shape[0], c_out, h + kh - 1, w + kw - 1))
    src_r, dst_r = _placement(kh - 1 - p[0], s[0], ho, E.shape[2])
    src_c, dst_c = _placement(kw - 1 - p[1], s[1], wo, E.shape[3])
    E[:, :, dst_r, dst_c] = dY[:, :, src_r, src_c]
    flipped = W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (C_in, C_out, kH, kW)
    return conv2d(E, flipped)


class Conv2D(Layer):
    """2-D convolution: Y = X * W + b on (N, C_in, H, W) batches, W (C_out, C_in, kH, kW), b (C_out,).

    Parameters
    ----------
    in_channels, out_channels : int
        C_in and C_out.
    kernel_size : int or (int, int)
        (kH, kW).
    stride : int or (int, int)
        Step between neighbouring windows (default 1).
    padding : int or (int, int)
        Zeros added on each side of H and W (default 0).
    bias : bool
        Whether to add b (default True).
    init : str or callable
        Initializer for W, called with the shape (C_out, C_in kH kW) so that fan_in = C_in kH kW
        (default "he_normal", for ReLU networks); b starts at 0.
    rng : numpy.random.Generator
        Needed unless W is given.
    W, b : array_like, optional
        Explicit starting values of shapes (C_out, C_in, kH, kW) and (C_out,).

    Notes
    -----
    ``backward`` adds dW and db into ``grads()`` (call ``zero_grad()`` between steps) and returns
    dX. The output is stored channels-last in memory and returned as an NCHW view, so that a
    following convolution reads its patches without a transpose; its values are NCHW as usual.

    Examples
    --------
    >>> conv = Conv2D(1, 2, 3, padding=1, rng=np.random.default_rng(0))
    >>> Y = conv.forward(np.ones((4, 1, 8, 8)))
    >>> Y.shape, conv.W.shape, conv.backward(np.ones_like(Y)).shape
    ((4, 2, 8, 8), (2, 1, 3, 3), (4, 1, 8, 8))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Pair,
        stride: Pair = 1,
        padding: Pair = 0,
        bias: bool = True,
        init: str | Initializer = "he_normal",
        rng: np.random.Generator | None = None,
        W: ArrayLike | None = None,
        b: ArrayLike | None = None,
    ) -> None:
        super().__init__()
        self.in_channels = integer(in_channels, "in_channels", "Conv2D")
        self.out_channels = integer(out_channels, "out_channels", "Conv2D")
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2D", 1)
        self.stride = _pair(stride, "stride", "Conv2D", 1)
        self.padding = _pair(padding, "padding", "Conv2D", 0)
        kh, kw = self.kernel_size
        self.name = f"Conv2D {self.in_channels}->{self.out_channels} ({kh}x{kw})"
        shape = (self.out_channels, self.in_channels, kh, kw)
        if W is not None:
            self.W = check_shape(np.array(as_array(W, "W", self.name)), shape, "W", self.name)
        else:
            rng = generator(rng, self.name)
            self.W = np.asarray(get_initializer(init)((*shape[:1], self.in_channels * kh * kw), rng),
                                dtype=np.float64).reshape(shape)
        if b is not None and not bias:
            raise ShapeError(f"{self.name}: got b but bias=False")
        self.b: Array | None = None
        if bias:
            self.b = np.zeros(self.out_channels) if b is None else np.array(as_array(b, "b", self.name))
            check_shape(self.b, (self.out_channels,), "b", self.name)
        self.dW = np.zeros_like(self.W)
        self.db: Array | None = None if self.b is None else np.zeros_like(self.b)
        self._cache: tuple[Array, tuple[int, ...], tuple[int, ...]] | None = None

    def forward(self, X: ArrayLike) -> Array:
        """Y (N, C_out, H_out, W_out) = im2col(X) W_mat^T + b, reshaped; caches the patches for backward.

        Parameters
        ----------
        X : array_like, shape (N, C_in, H, W)
            The batch; H + 2 padding >= kH and W + 2 padding >= kW.
        """
        X = as_array(X, "X", self.name, ndim=4, finite=False)
        check_shape(X, (None, self.in_channels, None, None), "X", self.name)
        n, c, h, w = X.shape
        ho, wo = _out_hw(self.name, (h, w), self.kernel_size, self.stride, self.padding)
        ph, pw = self.padding
        Xp = np.zeros((n, h + 2 * ph, w + 2 * pw, c))
        Xp[:, ph : ph + h, pw : pw + w, :] = X.transpose(0, 2, 3, 1)
        cols = _patches_nhwc(Xp, self.kernel_size, self.stride, ho, wo)
        out = cols @ self._w_mat().T  # (N ho wo, C_out), channels-last
        if self.b is not None:
            out += self.b
        self._cache = (cols, X.shape, (n, self.out_channels, ho, wo))
        return out.reshape(n, ho, wo, self.out_channels).transpose(0, 3, 1, 2)

    def _w_mat(self) -> Array:
        """W as a (C_out, kH kW C_in) matrix whose columns match the channels-last patches."""
        return self.W.transpose(0, 2, 3, 1).reshape(self.out_channels, -1)

    def backward(self, grad_out: ArrayLike) -> Array:
        """Adds dW = dY_mat^T cols and db = sum dY into grads(); returns dX = col2im(dY_mat W_mat).

        Parameters
        ----------
        grad_out : array_like, shape (N, C_out, H_out, W_out)
            dLoss/dY for the batch of the last forward pass.
        """
        dX = self._backward(grad_out, input_grad=True)
        assert dX is not None
        return dX

    def backward_params(self, grad_out: ArrayLike) -> None:
        """Adds dW and db as backward does, skipping dX (the first layer of a model never needs it)."""
        self._backward(grad_out, input_grad=False)

    def _backward(self, grad_out: ArrayLike, input_grad: bool) -> Array | None:
        cols, x_shape, y_shape = self._need_cache()
        dY = self._check_grad_out(grad_out, y_shape)
        n, c_out, ho, wo = y_shape
        kh, kw = self.kernel_size
        dY_mat = np.ascontiguousarray(dY.transpose(0, 2, 3, 1)).reshape(-1, c_out)
        self.dW += (dY_mat.T @ cols).reshape(c_out, kh, kw, self.in_channels).transpose(0, 3, 1, 2)
        if self.db is not None:
            self.db += np.ones(dY_mat.shape[0]) @ dY_mat  # a sum over rows, as one matrix-vector product (faster)
        if not input_grad:
            return None
        _, c, h, w = x_shape
        (sh, sw), (ph, pw) = self.stride, self.padding
        dXp = np.zeros((n, h + 2 * ph, w + 2 * pw, c))
        if c < 4:  # col2im of dcols = dY_mat W_mat: one product, then each kernel offset adds its column back
            dcols = (dY_mat @ self._w_mat()).reshape(n, ho, wo, kh, kw, c)
            for i in range(kh):
                for j in range(kw):
                    dXp[:, i : i + sh * ho : sh, j : j + sw * wo : sw, :] += dcols[:, :, :, i, j, :]
        else:  # the same sums, one product per kernel offset: offset (i, j) read pixel (s a + i, s b + j)
            # with the weights W[:, :, i, j], so it sends dY[a, b] W[:, :, i, j] back there (contiguous
            # products are faster than slicing a wide dcols when there are many input channels)
            for i in range(kh):
                for j in range(kw):
                    part = dY_mat @ np.ascontiguousarray(self.W[:, :, i, j])
                    dXp[:, i : i + sh * ho : sh, j : j + sw * wo : sw, :] += part.reshape(n, ho, wo, c)
        return dXp[:, ph : ph + h, pw : pw + w, :].transpose(0, 3, 1, 2)

    def params(self) -> dict[str, Array]:
        """{'W': W} plus {'b': b} when the layer has a bias; live arrays."""
        return {"W": self.W} if self.b is None else {"W": self.W, "b": self.b}

    def grads(self) -> dict[str, Array]:
        """{'W': dW} plus {'b': db}; live arrays, same shapes as params()."""
        return {"W": self.dW} if self.db is None else {"W": self.dW, "b": self.db}

    def __repr__(self) -> str:
        return (f"Conv2D({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, bias={self.b is not None})")
