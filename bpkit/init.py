"""Weight initializers (introduced in book/08_pitfalls.ipynb).

A weight of shape (n_out, n_in) has fan_in = n_in and fan_out = n_out; a 1-D shape (a bias) has
fan_in = fan_out = shape[0]. Every random initializer takes a ``numpy.random.Generator``: bpkit
never touches NumPy's global random state.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Shape = tuple[int, ...]
Initializer = Callable[[Shape, "np.random.Generator | None"], Array]


def _fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape (n_out, n_in) or a 1-D shape (n,)."""
    shape = tuple(int(s) for s in shape)
    if len(shape) == 0 or any(s <= 0 for s in shape):
        raise ValueError(f"shape must be a non-empty tuple of positive sizes, got {shape}")
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[1], shape[0]


def _need_rng(rng: object, name: str) -> np.random.Generator:
    """Insist on a numpy Generator, e.g. np.random.default_rng(0)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} needs a numpy Generator such as np.random.default_rng(0), got {type(rng).__name__}"
        )
    return rng


def zeros(shape: Shape, rng: np.random.Generator | None = None) -> Array:
    """W = 0. Fine for biases; for weights it leaves every unit of a layer identical (symmetry)."""
    _fans(shape)
    return np.zeros(shape, dtype=np.float64)


def normal(shape: Shape, rng: np.random.Generator | None = None, std: float = 0.01) -> Array:
    """W_ij ~ N(0, std^2), a fixed scale regardless of the layer's width."""
    _fans(shape)
    if not std > 0:
        raise ValueError(f"std must be positive, got {std}")
    return _need_rng(rng, "normal").normal(0.0, std, size=shape)


def xavier_uniform(shape: Shape, rng: np.random.Generator | None = None, gain: float = 1.0) -> Array:
    """Glorot/Xavier: W_ij ~ U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)), Var = 2/(fan_in+fan_out)."""
    fan_in, fan_out = _fans(shape)
    bound = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return _need_rng(rng, "xavier_uniform").uniform(-bound, bound, size=shape)


def he_normal(shape: Shape, rng: np.random.Generator | None = None) -> Array:
    """He/Kaiming: W_ij ~ N(0, 2 / fan_in), which keeps E[a^2] constant through ReLU layers."""
    fan_in, _ = _fans(shape)
    return _need_rng(rng, "he_normal").normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


_INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "normal": normal,
    "xavier_uniform": xavier_uniform,
    "he_normal": he_normal,
}


def get_initializer(init: str | Initializer) -> Initializer:
    """Look up an initializer by name ('zeros', 'normal', 'xavier_uniform', 'he_normal') or pass a callable."""
    if callable(init):
        return init
    if isinstance(init, str) and init.lower() in _INITIALIZERS:
        return _INITIALIZERS[init.lower()]
    raise ValueError(f"unknown initializer {init!r}; known initializers: {', '.join(sorted(_INITIALIZERS))}")
