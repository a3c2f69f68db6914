"""Dense and activation layers (introduced in book/06_backprop_in_code.ipynb); Dropout is re-exported.

A batch is a matrix whose rows are examples. A dense layer mapping n_in -> n_out stores
W (n_out, n_in) and b (n_out,) and computes Z = X W^T + b, A = f(Z). Its backward pass receives
dA = dLoss/dA (N, n_out) and returns dLoss/dX (N, n_in), adding the parameter gradients on the way:

    dZ = dA * f'(Z)      dW += dZ^T X      db += sum_n dZ_n      dX = dZ W

Every layer follows the contract of :mod:`bpkit.layer` (re-exported here as ``Layer``): backward
ADDS into ``grads()``, ``zero_grad()`` resets them, and everything backward needs is kept in
``self._cache``, so that ``Sequential([d, d])`` (weight sharing) sums the gradients of both uses.
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np
from numpy.typing import ArrayLike

from bpkit.activations import Activation, get_activation
from bpkit.dropout import Dropout
from bpkit.errors import ArgumentValueError, BpkitError
from bpkit.init import Initializer, get_initializer
from bpkit.layer import Layer
from bpkit.validate import Array, as_array, boolean, check_shape, generator, integer

__all__ = ["ActivationLayer", "Dense", "Dropout", "Layer"]


def _activation(activation: object, where: str, name: str = "activation") -> Activation:
    """An Activation from a name, an instance or None (the identity), or a bpkit error naming `name`."""
    try:
        return get_activation(activation)  # type: ignore[arg-type]
    except BpkitError as exc:
        raise type(exc)(f"{where}: {name} {activation!r} is not an activation ({exc})") from exc
    except (ValueError, TypeError, AttributeError) as exc:
        raise ArgumentValueError(f"{where}: {name} {activation!r} is not an activation ({exc})") from exc


#: Catalogue activations whose backward reads only z, never a = f(z) (checked by tests/test_layers.py).
_BACKWARD_READS_ONLY_Z = frozenset({"relu", "leaky_relu", "identity"})


def _hand_out(activation: Activation, z: Array, a: Array) -> Array:
    """The array forward returns: ``a`` itself when backward never reads it, else a copy.

    The backward of ReLU, leaky ReLU and the identity reads only z (the identity not even that),
    so a can be handed out as it is. Any other activation (sigmoid, tanh, softmax, user-defined)
    may read a, so the caller gets a copy and may modify it without changing the next backward.
    """
    kind = type(activation)
    plain = kind.forward is Activation.forward and kind.backward is Activation.backward
    if plain and activation.name in _BACKWARD_READS_ONLY_Z and (a is not z or activation.name == "identity"):
        return a
    return a.copy()


class Dense(Layer):
    """Fully connected layer: Z = X W^T + b with W (n_out, n_in), b (n_out,); A = f(Z).

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths (>= 1).
    activation : str, Activation or None
        f, by name ('relu', 'tanh', ...) or as an instance; None means no activation ('identity').
    init : str or callable
        How to draw W when W is not given: 'xavier_uniform' (default), 'he_normal', 'normal',
        'zeros', or a function (shape, rng) -> array. b starts at 0.
    bias : bool
        Whether the layer has b.
    rng : numpy.random.Generator, optional
        Random source for `init`; needed unless W is given or init is 'zeros'.
    W, b : array_like, optional
        Explicit starting values of shape (n_out, n_in) and (n_out,); they are copied.

    Examples
    --------
    >>> d = Dense(2, 1, W=[[1.0, -1.0]], b=[0.5])
    >>> d.forward(np.array([[3.0, 1.0]]))
    array([[2.5]])
    >>> d.zero_grad()
    >>> d.backward(np.array([[1.0]]))
    array([[ 1., -1.]])
    >>> d.dW
    array([[3., 1.]])
    """

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
        self.n_in = integer(n_in, "n_in", "Dense")
        self.n_out = integer(n_out, "n_out", "Dense")
        self.name = f"Dense {self.n_in}->{self.n_out}"
        self.activation = _activation(activation, self.name)
        bias = boolean(bias, "bias", self.name)
        if W is not None:
            W = as_array(W, "W", self.name, ndim=2).copy()
            check_shape(W, (self.n_out, self.n_in), "W", self.name)
            self.W = W
        else:
            initializer = get_initializer(init)
            if initializer is not get_initializer("zeros"):
                rng = generator(rng, self.name)
            W0 = as_array(initializer((self.n_out, self.n_in), rng), "the initializer's output", self.name)
            self.W = check_shape(W0, (self.n_out, self.n_in), "the initializer's output", self.name).copy()
        self.b: Array | None = None
        if b is not None and not bias:
            raise ArgumentValueError(f"{self.name}: b was given but bias=False")
        if bias:
            self.b = np.zeros(self.n_out) if b is None else as_array(b, "b", self.name, ndim=1).copy()
            check_shape(self.b, (self.n_out,), "b", self.name)
        self.dW = np.zeros_like(self.W)
        self.db: Array | None = None if self.b is None else np.zeros_like(self.b)
        self._scratch: Array | None = None  # backward's dZ^T X, before it is added into dW

    def forward(self, X: ArrayLike) -> Array:
        """Z = X W^T + b (N, n_out), A = f(Z); caches (X, Z, A) for backward.

        Parameters
        ----------
        X : array_like, shape (N, n_in)
            A batch of N rows.

        Returns
        -------
        A : ndarray, shape (N, n_out)
            The layer's output, which the caller may modify.
        """
        if not (type(X) is np.ndarray and X.dtype == np.float64 and X.ndim == 2 and X.shape[1] == self.n_in):
            X = as_array(X, "X", self.name, finite=False, allow_empty=True)
            check_shape(X, (None, self.n_in), "X", self.name)
        z = X @ self.W.T
        if self.b is not None:
            z += self.b
        a = self.activation.forward(z)
        self._cache = (X, z, a)
        return _hand_out(self.activation, z, a)

    @overload
    def backward(self, grad_out: ArrayLike) -> Array: ...

    @overload
    def backward(self, grad_out: ArrayLike, *, input_grad: Literal[True]) -> Array: ...

    @overload
    def backward(self, grad_out: ArrayLike, *, input_grad: Literal[False]) -> None: ...

    def backward(self, grad_out: ArrayLike, *, input_grad: bool = True) -> Array | None:
        """dZ = J_f^T dA; dW += dZ^T X (n_out, n_in); db += sum_n dZ_n (n_out,); returns dZ W (N, n_in).

        Parameters
        ----------
        grad_out : array_like, shape (N, n_out)
            dLoss/dA for the batch of the last forward pass.
        input_grad : bool
            With False the product dZ W is skipped and None is returned: a training loop never
            needs dLoss/dX for the data itself (PyTorch skips it the same way).
        """
        X, z, a = self._need_cache()
        g = self._check_grad_out(grad_out, a.shape)
        dZ = self.activation.backward(z, a, g)
        # dW += dZ^T X through a scratch array kept between calls: no new array per step, one pass to add.
        # (Writing into dW directly right after zero_grad() would save the add, but telling that case
        # from a gradient written by hand in between takes a scan of dW, which costs more than the add.)
        scratch = self._scratch
        if scratch is None or scratch.shape != self.dW.shape:
            scratch = self._scratch = np.empty_like(self.dW)
        np.matmul(dZ.T, X, out=scratch)
        self.dW += scratch
        if self.db is not None:
            self.db += np.add.reduce(dZ, axis=0)  # dZ.sum(axis=0), without the method's wrapper
        return dZ @ self.W if input_grad else None

    def backward_params(self, grad_out: ArrayLike) -> None:
        """dW and db as backward adds them, skipping dLoss/dX.

        Parameters
        ----------
        grad_out : array_like, shape (N, n_out)
            dLoss/dA for the batch of the last forward pass.
        """
        self.backward(grad_out, input_grad=False)

    def params(self) -> dict[str, Array]:
        """{'W': W} plus {'b': b} when the layer has a bias."""
        return {"W": self.W} if self.b is None else {"W": self.W, "b": self.b}

    def grads(self) -> dict[str, Array]:
        """{'W': dW} plus {'b': db} when the layer has a bias (live arrays)."""
        return {"W": self.dW} if self.db is None else {"W": self.dW, "b": self.db}

    def zero_grad(self) -> None:
        """dW = 0 and db = 0 (in place: references to the arrays see the zeros)."""
        self.dW.fill(0.0)
        if self.db is not None:
            self.db.fill(0.0)

    def kink_pattern(self) -> Array | None:
        """z > 0 of the last forward pass when f has a kink (ReLU-like), else None."""
        if self._cache is None or self.activation.smooth:
            return None
        return np.asarray(self._cache[1] > 0)

    # Read-only views of the cache, kept for code that inspects a layer after forward().
    @property
    def x(self) -> Array | None:
        """The input X of the last forward pass (None before it)."""
        return None if self._cache is None else self._cache[0]

    @property
    def z(self) -> Array | None:
        """The pre-activation Z of the last forward pass (None before it)."""
        return None if self._cache is None else self._cache[1]

    @property
    def a(self) -> Array | None:
        """The activation A of the last forward pass (None before it)."""
        return None if self._cache is None else self._cache[2]

    def __repr__(self) -> str:
        act = self.activation
        # a parameter-free catalogue activation by name ('relu'), anything else by its repr (with its slope ...)
        plain = type(act).__repr__ is Activation.__repr__ and not getattr(act, "params", None)
        name = repr(act.name) if plain else repr(act)
        return f"Dense({self.n_in}, {self.n_out}, activation={name}, bias={self.b is not None})"


class ActivationLayer(Layer):
    """An activation as a parameter-free layer: A = f(Z), dZ = J_f(Z)^T dA.

    Parameters
    ----------
    activation : str or Activation
        f, by name ('relu', 'softmax', ...) or as an instance.

    Examples
    --------
    >>> layer = ActivationLayer("relu")
    >>> layer.forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    >>> layer.backward(np.array([[5.0, 5.0]]))
    array([[0., 5.]])
    """

    def __init__(self, activation: str | Activation) -> None:
        """Wrap an activation (name or instance) as a layer."""
        super().__init__()
        self.activation = _activation(activation, "ActivationLayer")
        self.name = f"{type(self.activation).__name__} layer"

    def forward(self, X: ArrayLike) -> Array:
        """A = f(X) for X of any shape; caches (X, A)."""
        z = as_array(X, "X", self.name, finite=False, allow_empty=True)
        a = self.activation.forward(z)
        self._cache = (z, a)
        return _hand_out(self.activation, z, a)

    def backward(self, grad_out: ArrayLike) -> Array:
        """dLoss/dX = J_f(X)^T dLoss/dA.

        Parameters
        ----------
        grad_out : array_like
            dLoss/dA, the shape of the last forward's output.
        """
        z, a = self._need_cache()
        g = self._check_grad_out(grad_out, a.shape)
        return self.activation.backward(z, a, g)

    def kink_pattern(self) -> Array | None:
        """X > 0 of the last forward pass when f has a kink, else None."""
        if self._cache is None or self.activation.smooth:
            return None
        return np.asarray(self._cache[0] > 0)

    def __repr__(self) -> str:
        return f"ActivationLayer({self.activation!r})"
