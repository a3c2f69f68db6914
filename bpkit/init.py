"""Weight initializers (introduced in book/08_pitfalls.ipynb).

A weight of shape (n_out, n_in) has fan_in = n_in and fan_out = n_out; a 1-D shape (a bias) has
fan_in = fan_out = shape[0]. Every random initializer takes a ``numpy.random.Generator``: bpkit
never touches NumPy's global random state.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bpkit.errors import ArgumentTypeError
from bpkit.validate import Array, generator, integer, one_of, real_number

Shape = tuple[int, ...]
Initializer = Callable[[Shape, "np.random.Generator | None"], Array]


def _fans(shape: Shape, where: str) -> tuple[Shape, int, int]:
    """The shape as a tuple of ints >= 1, with (fan_in, fan_out) of (n_out, n_in) or (n,)."""
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (tuple, list)) or len(shape) == 0:
        raise ArgumentTypeError(f"{where}: shape must be a non-empty tuple of sizes such as (n_out, n_in), got {shape!r}")
    dims = tuple(integer(s, "shape", where) for s in shape)
    if len(dims) == 1:
        return dims, dims[0], dims[0]
    return dims, dims[1], dims[0]


def zeros(shape: Shape, rng: np.random.Generator | None = None) -> Array:
    """W = 0. Fine for biases; for weights it leaves every unit of a layer identical (symmetry).

    Parameters
    ----------
    shape : tuple of int
        (n_out, n_in) or (n,).
    rng : numpy.random.Generator, optional
        Not used; accepted so that every initializer has the same signature.

    Examples
    --------
    >>> zeros((2, 3)).tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    dims, _, _ = _fans(shape, "zeros")
    return np.zeros(dims, dtype=np.float64)


def normal(shape: Shape, rng: np.random.Generator | None = None, std: float = 0.01) -> Array:
    """W_ij ~ N(0, std^2), a fixed scale regardless of the layer's width.

    Parameters
    ----------
    shape : tuple of int
        (n_out, n_in) or (n,).
    rng : numpy.random.Generator
        Random source.
    std : float
        Standard deviation (> 0).

    Examples
    --------
    >>> normal((2, 3), np.random.default_rng(0)).shape
    (2, 3)
    """
    dims, _, _ = _fans(shape, "normal")
    std = real_number(std, "std", "normal", low=0.0, low_open=True)
    return generator(rng, "normal").normal(0.0, std, size=dims)


def xavier_uniform(shape: Shape, rng: np.random.Generator | None = None, gain: float = 1.0) -> Array:
    """Glorot/Xavier: W_ij ~ U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)), Var = 2/(fan_in+fan_out) for gain 1.

    Parameters
    ----------
    shape : tuple of int
        (n_out, n_in) or (n,).
    rng : numpy.random.Generator
        Random source.
    gain : float
        Scale factor (> 0) of the bound.

    Examples
    --------
    >>> W = xavier_uniform((100, 50), np.random.default_rng(0))
    >>> bool(np.abs(W).max() <= np.sqrt(6 / 150))
    True
    """
    dims, fan_in, fan_out = _fans(shape, "xavier_uniform")
    gain = real_number(gain, "gain", "xavier_uniform", low=0.0, low_open=True)
    bound = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return generator(rng, "xavier_uniform").uniform(-bound, bound, size=dims)


def he_normal(shape: Shape, rng: np.random.Generator | None = None) -> Array:
    """He/Kaiming: W_ij ~ N(0, 2 / fan_in), which keeps E[a^2] constant through ReLU layers.

    Parameters
    ----------
    shape : tuple of int
        (n_out, n_in) or (n,).
    rng : numpy.random.Generator
        Random source.

    Examples
    --------
    >>> W = he_normal((400, 300), np.random.default_rng(0))
    >>> round(float(W.var() * 300 / 2), 1)
    1.0
    """
    dims, fan_in, _ = _fans(shape, "he_normal")
    return generator(rng, "he_normal").normal(0.0, np.sqrt(2.0 / fan_in), size=dims)


_INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "normal": normal,
    "xavier_uniform": xavier_uniform,
    "he_normal": he_normal,
}


def get_initializer(init: str | Initializer) -> Initializer:
    """Look up an initializer by name ('zeros', 'normal', 'xavier_uniform', 'he_normal') or pass a callable.

    Parameters
    ----------
    init : str or callable
        A name (case-insensitive) or a function (shape, rng) -> array.

    Examples
    --------
    >>> get_initializer("he_normal") is he_normal
    True
    """
    if callable(init):
        return init
    if isinstance(init, str):
        return _INITIALIZERS[one_of(init.lower(), "init", sorted(_INITIALIZERS), "get_initializer")]
    raise ArgumentTypeError(
        f"get_initializer: init must be an initializer name ({', '.join(sorted(_INITIALIZERS))}) or a function, "
        f"got {init!r}"
    )


__all__ = ["Initializer", "get_initializer", "he_normal", "normal", "xavier_uniform", "zeros"]
