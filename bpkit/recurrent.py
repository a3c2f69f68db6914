"""Recurrent layers over (N, T, features) batches: a tanh RNN and an LSTM (book/14_recurrent.ipynb).

A recurrent layer applies the same weights at every time step, so its unrolled graph is chapter 3's
graph with a fork per weight: backpropagation through time (BPTT, 时间反向传播) walks the steps in
reverse and ADDS each step's contribution into the weight gradients (the gradient rule of
bpkit.layers). Weights are laid out exactly as ``torch.nn.RNN`` / ``torch.nn.LSTM`` store them
(``weight_ih_l0`` is ``W_ih``, ``weight_hh_l0`` is ``W_hh``, ``bias_ih_l0`` is ``b_ih``,
``bias_hh_l0`` is ``b_hh``), so parameters copy across unchanged.

Truncated BPTT with ``bptt_steps=k`` cuts the gradient between consecutive blocks of k steps
(steps 0..k-1, k..2k-1, ...): the result equals running the blocks one after the other, passing the
hidden state forward but not its gradient (``h.detach()`` between chunks in PyTorch).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError, CallOrderError, ShapeError
from bpkit.layers import Layer
from bpkit.validate import Array, as_array, generator, integer

__all__ = ["LSTM", "RNN"]


class _Recurrent(Layer):
    """What RNN and LSTM share: sizes, parameters, checks, truncation and the output convention."""

    gates = 1
    kind = "RNN"

    def __init__(self, input_size: int, hidden_size: int, *, bias: bool = True, return_sequences: bool = True,
                 bptt_steps: int | None = None, rng: np.random.Generator | None = None,
                 W_ih: ArrayLike | None = None, W_hh: ArrayLike | None = None,
                 b_ih: ArrayLike | None = None, b_hh: ArrayLike | None = None) -> None:
        super().__init__()
        self.name = self.kind
        F = integer(input_size, "input_size", self.kind)
        H = integer(hidden_size, "hidden_size", self.kind)
        self.input_size, self.hidden_size = F, H
        self.name = f"{self.kind} {F}->{H}"
        if not isinstance(return_sequences, (bool, np.bool_)):
            raise ArgumentTypeError(f"{self.name}: return_sequences must be True or False, got {return_sequences!r}")
        self.return_sequences = bool(return_sequences)
        self.bptt_steps = None if bptt_steps is None else integer(bptt_steps, "bptt_steps", self.name)
        if not bias and (b_ih is not None or b_hh is not None):
            raise ShapeError(f"{self.name}: got b_ih or b_hh but bias=False")
        G = self.gates * H
        shapes = {"W_ih": (G, F), "W_hh": (G, H)} | ({"b_ih": (G,), "b_hh": (G,)} if bias else {})
        given = {"W_ih": W_ih, "W_hh": W_hh, "b_ih": b_ih, "b_hh": b_hh}
        bound = 1.0 / np.sqrt(H)  # PyTorch's default: every entry ~ U(-1/sqrt(H), 1/sqrt(H))
        self._params: dict[str, Array] = {}
        for key, shape in shapes.items():
            explicit = given[key]
            if explicit is not None:
                value = as_array(explicit, key, self.name).copy()
                if value.shape != shape:
                    raise ShapeError(f"{self.name}: {key} must have shape {shape}, got {value.shape}")
            else:
                value = generator(rng, self.name).uniform(-bound, bound, size=shape)
            self._params[key] = value
        self._grads = {k: np.zeros_like(v) for k, v in self._params.items()}
        self._cache: tuple | None = None
        self.h_n: Array | None = None

    # parameters as attributes, e.g. layer.W_hh, layer.dW_hh
    W_ih = property(lambda self: self._params["W_ih"], doc="Input-to-hidden weights (gates*H, F).")
    W_hh = property(lambda self: self._params["W_hh"], doc="Hidden-to-hidden weights (gates*H, H).")
    dW_ih = property(lambda self: self._grads["W_ih"], doc="dLoss/dW_ih, accumulated.")
    dW_hh = property(lambda self: self._grads["W_hh"], doc="dLoss/dW_hh, accumulated.")

    def params(self) -> dict[str, Array]:
        """Live parameter arrays: W_ih, W_hh and (with bias) b_ih, b_hh."""
        return dict(self._params)

    def grads(self) -> dict[str, Array]:
        """Live gradient arrays with the keys and shapes of params()."""
        return dict(self._grads)

    def buffers(self) -> dict[str, Array]:
        """No state besides the parameters."""
        return {}

    def zero_grad(self) -> None:
        """Set every parameter gradient to 0."""
        for g in self._grads.values():
            g[...] = 0.0

    def backward_params(self, grad_out: ArrayLike) -> None:
        """Add the parameter gradients as backward() does; the product dLoss/dX is skipped."""
        self._backward(grad_out, input_grad=False)

    def backward(self, grad_out: ArrayLike) -> Array:
        """ADD dLoss/dW_ih, dW_hh, db_ih, db_hh (through time); return dLoss/dX (N, T, F); set dh0 (and dc0)."""
        return cast(Array, self._backward(grad_out, input_grad=True))

    def _backward(self, grad_out: ArrayLike, input_grad: bool) -> Array | None:
        raise TypeError(f"{type(self).__name__} does not define _backward()")

    def _inputs(self, X: ArrayLike) -> Array:
        """X as float64 (N, T, F), or a ShapeError naming the layer."""
        X = as_array(X, "X", self.name)
        if X.ndim != 3 or X.shape[2] != self.input_size:
            raise ShapeError(f"{self.name}: X must have shape (N, T, {self.input_size}), got {X.shape}")
        return X

    def _state(self, h: ArrayLike | None, label: str, N: int) -> Array:
        """An initial state (N, H), zeros when None, or a ShapeError naming the layer and both shapes."""
        if h is None:
            return np.zeros((N, self.hidden_size))
        h = as_array(h, label, self.name)
        if h.shape != (N, self.hidden_size):
            raise ShapeError(f"{self.name}: {label} must have shape {(N, self.hidden_size)}, got {h.shape}")
        return h

    def _grad_steps(self, grad_out: ArrayLike) -> Array:
        """dLoss/dh_t as a (T, N, H) array from grad_out (N, T, H), or (N, H) for the last step only."""
        if self._cache is None:
            raise CallOrderError(f"{self.name}: call forward() before backward()")
        N, T = self._cache[0].shape[:2]
        H = self.hidden_size
        want = (N, T, H) if self.return_sequences else (N, H)
        grad_out = as_array(grad_out, "grad_out", self.name, allow_empty=True)
        if grad_out.shape != want:
            raise ShapeError(f"{self.name}: grad_out must have the output's shape {want}, got {grad_out.shape}")
        if self.return_sequences:
            return grad_out.transpose(1, 0, 2)
        dH = np.zeros((T, N, H))
        dH[-1] = grad_out
        return dH

    def _cut(self, t: int) -> bool:
        """True when truncation stops the gradient between step t-1 and step t."""
        return self.bptt_steps is not None and t > 0 and t % self.bptt_steps == 0

    def _output(self, hs: Array) -> Array:
        """The states h_1..h_T as (N, T, H), or h_T (N, H) with return_sequences=False; fresh arrays."""
        self.h_n = hs[-1].copy()
        return hs[1:].transpose(1, 0, 2).copy() if self.return_sequences else hs[-1].copy()

    def _accumulate(self, dZ: Array, X: Array, hs: Array, input_grad: bool) -> Array | None:
        """ADD dW_ih = sum_t dZ_t^T x_t, dW_hh = sum_t dZ_t^T h_{t-1}, db = sum_t,n dZ; return dX (N, T, F)."""
        g = self._grads
        g["W_ih"] += np.tensordot(dZ, X.transpose(1, 0, 2), axes=([0, 1], [0, 1]))
        g["W_hh"] += np.tensordot(dZ, hs[:-1], axes=([0, 1], [0, 1]))
        if "b_ih" in g:
            db = dZ.sum(axis=(0, 1))
            g["b_ih"] += db
            g["b_hh"] += db
        if not input_grad:
            return None
        return np.ascontiguousarray((dZ @ self._params["W_ih"]).transpose(1, 0, 2))

    def _input_projection(self, X: Array) -> Array:
        """x_t W_ih^T + b_ih + b_hh for every step, as a (T, N, gates*H) array (one matrix product)."""
        N, T, F = X.shape
        Z = (X.reshape(N * T, F) @ self._params["W_ih"].T).reshape(N, T, -1)
        if "b_ih" in self._params:
            Z += self._params["b_ih"] + self._params["b_hh"]
        return np.ascontiguousarray(Z.transpose(1, 0, 2))

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.input_size}, {self.hidden_size}, bias={'b_ih' in self._params}, "
                f"return_sequences={self.return_sequences}, bptt_steps={self.bptt_steps})")


class RNN(_Recurrent):
    r"""Elman recurrent layer (循环神经网络) with tanh, over a batch of sequences X (N, T, F).

    .. math::
        h_t = \tanh(x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh}),\qquad t = 1..T,

    with :math:`W_{ih}` (H, F), :math:`W_{hh}` (H, H), :math:`b_{ih}, b_{hh}` (H,), the layout of
    ``torch.nn.RNN(F, H, batch_first=True)``. Backprop through time, with
    :math:`\delta_t = \partial L/\partial z_t` (N, H):

    .. math::
        \delta_t = \big(\partial L/\partial h_t|_{\text{out}} + \delta_{t+1} W_{hh}\big) \odot (1 - h_t^2),\quad
        \partial L/\partial W_{hh} \mathrel{+}= \textstyle\sum_t \delta_t^\top h_{t-1},\quad
        \partial L/\partial W_{ih} \mathrel{+}= \textstyle\sum_t \delta_t^\top x_t,\quad
        \partial L/\partial x_t = \delta_t W_{ih}.

    Parameters
    ----------
    input_size : int
        F, the number of features of each step.
    hidden_size : int
        H, the number of hidden units.
    bias : bool
        Whether the layer has the biases b_ih and b_hh (both, as in PyTorch; only their sum matters).
    return_sequences : bool
        True: forward returns every state h_1..h_T, shape (N, T, H) (what ``torch.nn.RNN`` returns).
        False: only the last state h_T, shape (N, H), e.g. to feed a Dense layer in a Sequential.
    bptt_steps : int or None
        None: full BPTT. k >= 1: truncated BPTT, no gradient crosses from step jk back to step jk - 1.
    rng : numpy.random.Generator
        Draws every parameter not given explicitly from U(-1/sqrt(H), 1/sqrt(H)) (PyTorch's default).
    W_ih, W_hh, b_ih, b_hh : array_like, optional
        Explicit parameters of shapes (H, F), (H, H), (H,), (H,); copied.

    Attributes
    ----------
    h_n : ndarray
        The last state h_T (N, H) of the latest forward pass (a copy), to start the next chunk.
    dh0 : ndarray
        dLoss/dh_0 (N, H) from the latest backward pass.

    Examples
    --------
    >>> rnn = RNN(3, 4, rng=np.random.default_rng(0))
    >>> H = rnn.forward(np.ones((2, 5, 3)))
    >>> H.shape, rnn.h_n.shape
    ((2, 5, 4), (2, 4))
    >>> rnn.backward(np.ones_like(H)).shape, rnn.dW_hh.shape
    ((2, 5, 3), (4, 4))
    """

    gates = 1
    kind = "RNN"

    def forward(self, X: ArrayLike, h0: ArrayLike | None = None) -> Array:
        """Run the T steps from h0 (N, H; zeros by default); returns (N, T, H), or (N, H) (see return_sequences)."""
        X = self._inputs(X)
        N, T, _ = X.shape
        h0 = self._state(h0, "h0", N)
        Zx = self._input_projection(X)  # (T, N, H)
        W_hhT = self._params["W_hh"].T
        hs = np.empty((T + 1, N, self.hidden_size))
        hs[0] = h0
        for t in range(T):
            z = hs[t] @ W_hhT
            z += Zx[t]
            np.tanh(z, out=hs[t + 1])
        self._cache = (X, hs)
        return self._output(hs)

    def _backward(self, grad_out: ArrayLike, input_grad: bool) -> Array | None:
        """BPTT: dZ_t = (dH_t + dZ_{t+1} W_hh) * (1 - h_t^2), last step first; then the sums over time."""
        dH = self._grad_steps(grad_out)
        X, hs = self._cache  # type: ignore[misc]
        W_hh = self._params["W_hh"]
        slope = 1.0 - hs[1:] ** 2  # tanh'(z_t) = 1 - h_t^2, for every step at once
        dZ = np.empty_like(slope)
        dh = np.zeros_like(hs[0])
        for t in range(len(dZ) - 1, -1, -1):
            dh += dH[t]
            np.multiply(dh, slope[t], out=dZ[t])
            dh = np.zeros_like(dh) if self._cut(t) else dZ[t] @ W_hh
        self.dh0 = dh
        return self._accumulate(dZ, X, hs, input_grad)


class LSTM(_Recurrent):
    r"""Long short-term memory layer (长短期记忆网络) over X (N, T, F), PyTorch's gate order i, f, g, o.

    .. math::
        [\tilde i, \tilde f, \tilde g, \tilde o] = x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh},\quad
        i, f, o = \sigma(\tilde i, \tilde f, \tilde o),\ g = \tanh \tilde g,

    .. math::
        c_t = f \odot c_{t-1} + i \odot g,\qquad h_t = o \odot \tanh c_t,

    with :math:`W_{ih}` (4H, F), :math:`W_{hh}` (4H, H), biases (4H,): rows 0..H-1 feed the input
    gate i, H..2H-1 the forget gate f, 2H..3H-1 the candidate g, 3H..4H-1 the output gate o, exactly
    as ``torch.nn.LSTM(F, H, batch_first=True)``. The cell path is additive: backward,
    :math:`\partial L/\partial c_{t-1} = \partial L/\partial c_t \odot f + \ldots`, a product of
    forget gates instead of a product of weight matrices.

    Parameters
    ----------
    input_size, hidden_size, bias, return_sequences, bptt_steps, rng
        As for :class:`RNN`; the weights have 4H rows.
    W_ih, W_hh, b_ih, b_hh : array_like, optional
        Explicit parameters of shapes (4H, F), (4H, H), (4H,), (4H,); copied.

    Attributes
    ----------
    h_n, c_n : ndarray
        Last hidden and cell states (N, H) of the latest forward pass.
    dh0, dc0 : ndarray
        dLoss/dh_0 and dLoss/dc_0 from the latest backward pass.

    Examples
    --------
    >>> lstm = LSTM(3, 4, rng=np.random.default_rng(0), return_sequences=False)
    >>> h = lstm.forward(np.ones((2, 5, 3)))
    >>> h.shape, lstm.W_hh.shape
    ((2, 4), (16, 4))
    >>> lstm.backward(np.ones_like(h)).shape
    (2, 5, 3)
    """

    gates = 4
    kind = "LSTM"

    def forward(self, X: ArrayLike, h0: ArrayLike | None = None, c0: ArrayLike | None = None) -> Array:
        """Run the T steps from (h0, c0) (each (N, H), zeros by default); output as for RNN."""
        X = self._inputs(X)
        N, T, _ = X.shape
        H = self.hidden_size
        h0, c0 = self._state(h0, "h0", N), self._state(c0, "c0", N)
        Zx = self._input_projection(X)  # (T, N, 4H)
        W_hhT = self._params["W_hh"].T
        # sigma(u) = 1/2 + tanh(u/2)/2: one tanh for all four gates, then a scale and a shift
        scale = np.repeat([0.5, 0.5, 1.0, 0.5], H)
        shift = np.repeat([0.5, 0.5, 0.0, 0.5], H)
        hs, cs = np.empty((T + 1, N, H)), np.empty((T + 1, N, H))
        hs[0], cs[0] = h0, c0
        gates = np.empty((T, N, 4 * H))
        tanh_c = np.empty((T, N, H))
        for t in range(T):
            a = gates[t]
            np.matmul(hs[t], W_hhT, out=a)
            a += Zx[t]
            a *= scale
            np.tanh(a, out=a)
            a *= scale
            a += shift
            i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            c = cs[t + 1]
            np.multiply(f, cs[t], out=c)
            c += i * g
            np.tanh(c, out=tanh_c[t])
            np.multiply(o, tanh_c[t], out=hs[t + 1])
        self._cache = (X, hs, cs, gates, tanh_c)
        self.c_n = cs[-1].copy()
        return self._output(hs)

    def _backward(self, grad_out: ArrayLike, input_grad: bool) -> Array | None:
        """BPTT through the gates and the cell path, last step first; then the sums over time."""
        dH = self._grad_steps(grad_out)
        X, hs, cs, gates, tanh_c = self._cache  # type: ignore[misc]
        H = self.hidden_size
        W_hh = self._params["W_hh"]
        slope = gates * (1.0 - gates)  # sigma' = s (1 - s) for i, f, o ...
        slope[..., 2 * H:3 * H] = 1.0 - gates[..., 2 * H:3 * H] ** 2  # ... and tanh' = 1 - g^2 for g
        o_dtanh = gates[..., 3 * H:] * (1.0 - tanh_c**2)  # dh_t/dc_t along the output path
        dA = np.empty_like(gates)
        dh, dc = np.zeros_like(hs[0]), np.zeros_like(cs[0])
        for t in range(len(dA) - 1, -1, -1):
            dh += dH[t]
            dc += dh * o_dtanh[t]
            a, d = gates[t], dA[t]
            np.multiply(dc, a[:, 2 * H:3 * H], out=d[:, :H])  # dL/di = dc * g
            np.multiply(dc, cs[t], out=d[:, H:2 * H])  # dL/df = dc * c_{t-1}
            np.multiply(dc, a[:, :H], out=d[:, 2 * H:3 * H])  # dL/dg = dc * i
            np.multiply(dh, tanh_c[t], out=d[:, 3 * H:])  # dL/do = dh * tanh c_t
            d *= slope[t]
            if self._cut(t):
                dh, dc = np.zeros_like(dh), np.zeros_like(dc)
            else:
                dc = dc * a[:, H:2 * H]  # the additive cell path: dL/dc_{t-1} = dc * f
                dh = d @ W_hh
        self.dh0, self.dc0 = dh, dc
        return self._accumulate(dA, X, hs, input_grad)
