"""Activation functions and their backward passes (introduced in book/01_background.ipynb).

Every activation maps a pre-activation ``z`` to an activation ``a`` of the same shape. The backward
pass is a vector-Jacobian product: given ``grad_a = dLoss/da`` it returns ``grad_z = dLoss/dz``.
For elementwise activations that is ``grad_a * f'(z)``; for softmax it involves the whole row.

The formulas and derivatives are not written here: each class evaluates its rule from
:mod:`bpkit.catalogue` with the NumPy backend, the same rule the ``Value`` and SymPy routes read.
Inputs may be any real array (lists, integers, float32 are converted to float64); complex, string
or object arrays raise :class:`bpkit.errors.ArgumentTypeError`. NaN and infinities pass through as
NumPy's arithmetic has them (a training loop reports them as divergence).

Examples
--------
>>> import numpy as np
>>> act = get_activation("tanh")
>>> z = np.array([[0.0, 1.0]])
>>> a = act.forward(z)
>>> act.backward(z, a, np.ones_like(z)).round(4)
array([[1.  , 0.42]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.catalogue import ACTIVATIONS, NUMPY, ActivationRule
from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.validate import Array, as_array, one_of, real_number

__all__ = [
    "Activation", "Identity", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid", "Softmax", "Softplus", "Tanh",
    "get_activation", "log_softmax", "sigmoid", "softmax",
]


def _real(z: ArrayLike, where: str, name: str = "z", rows: bool = False) -> Array:
    """z as a float64 array (no copy when it is one already); rows: at least one entry along the last axis."""
    arr = z if type(z) is np.ndarray and z.dtype == np.float64 else as_array(
        z, name, where, allow_empty=True, finite=False)
    if rows and (arr.ndim == 0 or arr.shape[-1] == 0):
        if arr.ndim == 0:
            raise ShapeError(f"{where}: {name} must have at least 1 dimension (the classes), got a 0-d array")
        raise ArgumentValueError(f"{where}: {name} must have at least one entry along its last axis, got shape "
                                 f"{arr.shape}")
    return arr


def _float64(x: Any) -> Array:
    """np.asarray(x, dtype=np.float64), skipping the call when x is already such an array (it would return x)."""
    return x if type(x) is np.ndarray and x.dtype == np.float64 else np.asarray(x, dtype=np.float64)


def sigmoid(z: ArrayLike) -> Array:
    """Logistic sigmoid sigma(z) = 1 / (1 + e^{-z}), elementwise; exact to rounding for any z.

    Parameters
    ----------
    z : array_like
        Real numbers of any shape.

    Returns
    -------
    ndarray
        sigma(z), float64, the shape of z; in [0, 1].

    Examples
    --------
    >>> sigmoid([-1000.0, 0.0, 1000.0])
    array([0. , 0.5, 1. ])
    """
    return np.asarray(ACTIVATIONS["sigmoid"].f(NUMPY, _real(z, "sigmoid")), dtype=np.float64)


def softmax(z: ArrayLike) -> Array:
    """Softmax over the last axis: s_i = e^{z_i - max z} / sum_j e^{z_j - max z}.

    Parameters
    ----------
    z : array_like
        Real numbers with at least one entry along the last axis, e.g. logits (N, C).

    Returns
    -------
    ndarray
        Probabilities of the shape of z; each row sums to 1.

    Examples
    --------
    >>> softmax([[1000.0, 1000.0], [0.0, 0.0]])
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    return np.asarray(ACTIVATIONS["softmax"].f(NUMPY, _real(z, "softmax", rows=True)), dtype=np.float64)


def log_softmax(z: ArrayLike) -> Array:
    """Log-softmax over the last axis: z_i - logsumexp(z), computed without overflow.

    Parameters
    ----------
    z : array_like
        Real numbers with at least one entry along the last axis, e.g. logits (N, C).

    Returns
    -------
    ndarray
        log softmax(z), the shape of z, every entry <= 0.

    Examples
    --------
    >>> log_softmax([[0.0, 1000.0]])
    array([[-1000.,     0.]])
    """
    return np.asarray(ACTIVATIONS["log_softmax"].f(NUMPY, _real(z, "log_softmax", rows=True)), dtype=np.float64)


class Activation:
    """An activation a = f(z) with its backward pass, evaluated from a rule of :mod:`bpkit.catalogue`.

    Parameters
    ----------
    rule : ActivationRule, optional
        The catalogue rule to evaluate. The named subclasses (``Sigmoid`` ...) fix it; give it to
        use a catalogue rule that has no class, e.g. ``Activation(ACTIVATIONS["softplus"])``.
    **params : float
        The rule's parameters (e.g. ``negative_slope``); defaults come from the rule.

    Notes
    -----
    A subclass may override ``forward`` and ``backward`` (for a custom activation, or to check that
    a gradient check catches a wrong backward pass); the SymPy and ``Value`` routes keep evaluating
    the rule, so they disagree with a wrong backward.

    Examples
    --------
    >>> from bpkit.catalogue import ACTIVATIONS
    >>> softplus = Activation(ACTIVATIONS["softplus"])
    >>> softplus.forward(np.array([0.0])).round(6), softplus.name
    (array([0.693147]), 'softplus')
    """

    rule: ActivationRule | None = None

    def __init__(self, rule: ActivationRule | None = None, **params: float) -> None:
        if rule is not None:
            if not isinstance(rule, ActivationRule):
                raise ArgumentTypeError(f"Activation: rule must be a bpkit.catalogue.ActivationRule, got {rule!r}")
            self.rule = rule
        known = dict(self.rule.params) if self.rule is not None else {}
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise ArgumentTypeError(f"{self.name}: unknown parameter(s) {unknown}; it takes {sorted(known) or 'none'}")
        self.params: dict[str, float] = {
            k: real_number(params.get(k, default), k, self.name, low=0) for k, default in known.items()
        }

    @property
    def name(self) -> str:
        """The rule's name ('sigmoid', 'relu', ...), used by ``get_activation`` and the other routes."""
        return self.rule.name if self.rule is not None else type(self).__name__.lower()

    @property
    def smooth(self) -> bool:
        """False if f has a kink, where finite differences do not measure a derivative."""
        return self.rule.smooth if self.rule is not None else True

    @property
    def elementwise(self) -> bool:
        """True if f acts on each entry alone, so that ``derivative`` exists."""
        return self.rule.elementwise if self.rule is not None else True

    def _need_rule(self) -> ActivationRule:
        if self.rule is None:
            raise ArgumentTypeError(f"{type(self).__name__} has no catalogue rule: define forward() and backward()")
        return self.rule

    def forward(self, z: ArrayLike) -> Array:
        """a = f(z).

        Parameters
        ----------
        z : array_like
            Pre-activations, any shape (row rules such as softmax act on the last axis).

        Returns
        -------
        ndarray
            a, float64, the shape of z.
        """
        rule = self.rule if self.rule is not None else self._need_rule()
        if not (type(z) is np.ndarray and z.dtype == np.float64 and (rule.df is not None or (z.ndim and z.shape[-1]))):
            z = _real(z, self.name, rows=not rule.elementwise)  # a float64 array that passes is returned as is
        return _float64(rule.f(NUMPY, z, **self.params))

    def derivative(self, z: ArrayLike) -> Array:
        """f'(z) entry by entry (elementwise rules only).

        Parameters
        ----------
        z : array_like
            Pre-activations, any shape.

        Returns
        -------
        ndarray
            f'(z), float64, the shape of z (at a kink, the value the rule chooses: ReLU'(0) = 0).
        """
        rule = self._need_rule()
        if rule.df is None:
            raise ArgumentTypeError(f"{self.name} is not elementwise: use backward(z, a, grad_a)")
        z = _real(z, self.name)
        d = rule.df(NUMPY, z, rule.f(NUMPY, z, **self.params), **self.params)
        return np.broadcast_to(np.asarray(d, dtype=np.float64), z.shape).copy()

    def backward(self, z: ArrayLike, a: ArrayLike, grad_a: ArrayLike) -> Array:
        """grad_z = J_f(z)^T grad_a: grad_a * f'(z) for an elementwise f.

        Parameters
        ----------
        z : array_like
            The pre-activations of the forward pass.
        a : array_like
            The activations the forward pass returned, f(z) (the derivative may reuse them).
        grad_a : array_like
            dLoss/da, the shape of z.

        Returns
        -------
        ndarray
            dLoss/dz, the shape of z.
        """
        rule = self.rule if self.rule is not None else self._need_rule()
        # three float64 arrays of one shape (what a layer passes) would pass the checks unchanged
        if not (type(z) is np.ndarray and type(a) is np.ndarray and type(grad_a) is np.ndarray
                and z.dtype == a.dtype == grad_a.dtype == np.float64 and z.shape == a.shape == grad_a.shape):
            z, a, grad_a = _real(z, self.name), _real(a, self.name, "a"), _real(grad_a, self.name, "grad_a")
            for arg, arr in (("a", a), ("grad_a", grad_a)):
                if arr.shape != z.shape:
                    raise ShapeError(f"{self.name}: {arg} must have the shape of z {z.shape}, got {arr.shape}")
        if rule.df is None:
            assert rule.vjp is not None  # a row rule has a vector-Jacobian product
            return _float64(rule.vjp(NUMPY, z, a, grad_a))
        d = rule.df(NUMPY, z, a, **self.params)
        if type(d) is int and d == 1:  # the identity: dLoss/dz is dLoss/da itself, no copy needed
            return grad_a
        return _float64(grad_a * d)

    def __call__(self, z: ArrayLike) -> Array:
        """Same as forward(z)."""
        return self.forward(z)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})" if type(self) is not Activation else f"Activation({self.name!r})"


class Sigmoid(Activation):
    """sigma(z) = 1 / (1 + e^{-z}); sigma'(z) = sigma(z) (1 - sigma(z)) <= 1/4.

    Examples
    --------
    >>> Sigmoid().derivative(np.array([0.0]))
    array([0.25])
    """

    rule = ACTIVATIONS["sigmoid"]


class Tanh(Activation):
    """tanh(z) = (e^z - e^{-z}) / (e^z + e^{-z}); tanh'(z) = 1 - tanh(z)^2.

    Examples
    --------
    >>> Tanh().derivative(np.array([0.0]))
    array([1.])
    """

    rule = ACTIVATIONS["tanh"]


class ReLU(Activation):
    """relu(z) = max(0, z); relu'(z) = 1 if z > 0 else 0 (0 chosen at the kink z = 0, as PyTorch does).

    Examples
    --------
    >>> ReLU().derivative(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """

    rule = ACTIVATIONS["relu"]


class LeakyReLU(Activation):
    """f(z) = z if z > 0 else alpha z; f'(z) = 1 if z > 0 else alpha.

    Parameters
    ----------
    negative_slope : float
        alpha >= 0, the slope for z <= 0 (a NumPy scalar is fine).

    Examples
    --------
    >>> LeakyReLU(0.1).forward(np.array([-2.0, 3.0]))
    array([-0.2,  3. ])
    """

    rule = ACTIVATIONS["leaky_relu"]

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__(negative_slope=negative_slope)

    @property
    def negative_slope(self) -> float:
        """alpha, the slope for z <= 0."""
        return self.params["negative_slope"]


class Identity(Activation):
    """f(z) = z; f'(z) = 1 (a linear output layer).

    Examples
    --------
    >>> Identity().forward(np.array([-2.0, 3.0]))
    array([-2.,  3.])
    """

    rule = ACTIVATIONS["identity"]


class Softplus(Activation):
    """softplus(z) = ln(1 + e^z), a smooth ReLU; softplus'(z) = sigma(z).

    Examples
    --------
    >>> Softplus().forward(np.array([-1000.0, 0.0, 1000.0])).round(6).tolist()
    [0.0, 0.693147, 1000.0]
    """

    rule = ACTIVATIONS["softplus"]


class Softmax(Activation):
    """s = softmax(z) over the last axis; Jacobian ds/dz = diag(s) - s s^T per row.

    Examples
    --------
    >>> z = np.array([[0.0, 0.0]])
    >>> Softmax().backward(z, Softmax().forward(z), np.array([[1.0, 0.0]]))
    array([[ 0.25, -0.25]])
    """

    rule = ACTIVATIONS["softmax"]


class LogSoftmax(Activation):
    """log softmax(z) over the last axis; its backward pass is g - softmax(z) sum(g) per row.

    Examples
    --------
    >>> LogSoftmax().forward(np.array([[0.0, 0.0]])).round(6)
    array([[-0.693147, -0.693147]])
    """

    rule = ACTIVATIONS["log_softmax"]


_CLASSES: dict[str, type[Activation]] = {
    cls.rule.name: cls
    for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, Identity, Softplus, Softmax, LogSoftmax)
    if cls.rule is not None
}
_ALIASES = {"linear": "identity"}


def get_activation(activation: str | Activation | None) -> Activation:
    """An activation by name ('relu', 'sigmoid', ...), an instance passed through, or None for the identity.

    Parameters
    ----------
    activation : str, Activation or None
        A name from :data:`bpkit.catalogue.ACTIVATIONS` (case does not matter; 'linear' is the
        identity), an ``Activation`` instance (returned as is), or None (the identity).

    Returns
    -------
    Activation

    Examples
    --------
    >>> get_activation("ReLU")
    ReLU()
    >>> get_activation("swish")
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentValueError: get_activation: activation must be one of 'identity', 'leaky_relu', \
'linear', 'log_softmax', 'relu', 'sigmoid', 'softmax', 'softplus', 'tanh', got 'swish'
    """
    if activation is None:
        return Identity()
    if isinstance(activation, Activation):
        return activation
    known = sorted([*ACTIVATIONS, *_ALIASES])
    if not (isinstance(activation, str) and activation.lower() in known):
        one_of(activation, "activation", known, "get_activation")  # raises, listing the known names
    name = _ALIASES.get(activation.lower(), activation.lower())
    cls: Any = _CLASSES.get(name)
    return cls() if cls is not None else Activation(ACTIVATIONS[name])
