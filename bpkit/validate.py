"""Argument checks shared by every bpkit module, and the array type they return.

Each check either returns the argument in the form bpkit computes with (a float64 array, a Python
int or float, a ``numpy.random.Generator``) or raises a :mod:`bpkit.errors` exception whose
message names the argument, what was expected and what was given. ``where`` is the name of the
caller (a function or a layer's name), and prefixes the message: ``"Dense 2->3: X must ..."``.

NumPy scalars count as numbers (``np.float32(0.5)``, ``np.int64(32)``); ``bool`` never counts as
a number, and complex values are refused rather than silently cast to real.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError

Array = NDArray[np.float64]
"""A float64 NumPy array: what every bpkit computation takes and returns."""


def _prefix(where: str) -> str:
    return f"{where}: " if where else ""


def _describe(value: object) -> str:
    """A short description of a value for an error message (its repr, cut to 60 characters)."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_array(
    value: ArrayLike,
    name: str,
    where: str = "",
    *,
    ndim: int | Sequence[int] | None = None,
    allow_empty: bool = False,
    finite: bool = True,
) -> Array:
    """``value`` as a float64 array, or a bpkit error naming ``name``.

    Parameters
    ----------
    value : array_like
        Numbers: a list, a NumPy array of a real or integer dtype (bool is accepted as 0/1).
    name : str
        The argument's name, used in the message.
    where : str
        The caller's name, used as the message's prefix.
    ndim : int or sequence of int, optional
        The allowed numbers of dimensions.
    allow_empty : bool
        Whether an array with no elements is accepted.
    finite : bool
        Whether NaN and infinite entries are refused.

    Examples
    --------
    >>> as_array([1, 2], "x").dtype
    dtype('float64')
    >>> as_array([1j], "x", "demo")
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentTypeError: demo: x must hold real numbers, got complex values (dtype complex128)
    """
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise ArgumentTypeError(f"{_prefix(where)}{name} must be an array of numbers, got {_describe(value)}") from exc
    if raw.dtype.kind == "c":
        raise ArgumentTypeError(
            f"{_prefix(where)}{name} must hold real numbers, got complex values (dtype {raw.dtype})"
        )
    if raw.dtype.kind not in "biuf":
        raise ArgumentTypeError(
            f"{_prefix(where)}{name} must be an array of numbers, got {_describe(value)} (dtype {raw.dtype})"
        )
    arr = raw.astype(np.float64, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ShapeError(f"{_prefix(where)}{name} must have {want} dimensions, got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ArgumentValueError(f"{_prefix(where)}{name} must not be empty, got shape {arr.shape}")
    if finite and arr.size and not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.isfinite(arr).sum())
        raise ArgumentValueError(
            f"{_prefix(where)}{name} must be finite, got {bad} NaN or infinite entr{'y' if bad == 1 else 'ies'}"
        )
    return arr


def check_shape(arr: Array, shape: Sequence[int | None], name: str, where: str = "") -> Array:
    """``arr`` unchanged if its shape matches ``shape`` (``None`` matches any size), else a ShapeError.

    Examples
    --------
    >>> check_shape(np.zeros((4, 2)), (None, 2), "X", "Dense 2->3").shape
    (4, 2)
    >>> check_shape(np.zeros((4, 3)), (None, 2), "X", "Dense 2->3")
    Traceback (most recent call last):
    ...
    bpkit.errors.ShapeError: Dense 2->3: X must have shape (N, 2), got (4, 3)
    """
    ok = arr.ndim == len(shape) and all(s is None or s == t for s, t in zip(shape, arr.shape, strict=True))
    if not ok:
        letters = iter("NMKL")
        want = ", ".join(next(letters) if s is None else str(s) for s in shape)
        want = f"({want},)" if len(shape) == 1 else f"({want})"
        raise ShapeError(f"{_prefix(where)}{name} must have shape {want}, got {arr.shape}")
    return arr


def is_real_number(value: object) -> bool:
    """True for Python and NumPy integers and floats, False for bool, complex and everything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def real_number(
    value: object,
    name: str,
    where: str = "",
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite Python float within [low, high] (ends open on request), else a bpkit error.

    Examples
    --------
    >>> real_number(np.float32(0.5), "p", "Dropout", low=0, high=1, high_open=True)
    0.5
    >>> real_number(-0.1, "lr", "SGD", low=0)
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentValueError: SGD: lr must be a finite number >= 0, got -0.1
    """
    if not is_real_number(value):
        raise ArgumentTypeError(f"{_prefix(where)}{name} must be a real number, got {_describe(value)}")
    x = float(value)  # type: ignore[arg-type]
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    rule = "a finite number" + (" " + " and ".join(parts) if parts else "")
    below = low is not None and (x <= low if low_open else x < low)
    above = high is not None and (x >= high if high_open else x > high)
    if not math.isfinite(x) or below or above:
        raise ArgumentValueError(f"{_prefix(where)}{name} must be {rule}, got {_describe(value)}")
    return x


def integer(value: object, name: str, where: str = "", *, low: int | None = 1) -> int:
    """``value`` as a Python int >= low (NumPy integers accepted, bool refused), else a bpkit error.

    Examples
    --------
    >>> integer(np.int64(32), "batch_size")
    32
    >>> integer(0, "batch_size", "fit")
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentValueError: fit: batch_size must be an integer >= 1, got 0
    """
    rule = "an integer" + (f" >= {low}" if low is not None else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(f"{_prefix(where)}{name} must be {rule}, got {_describe(value)}")
    n = int(value)
    if low is not None and n < low:
        raise ArgumentValueError(f"{_prefix(where)}{name} must be {rule}, got {_describe(value)}")
    return n


def boolean(value: object, name: str, where: str = "") -> bool:
    """``value`` as a Python bool; anything but True/False (the string "False", 0, None) is refused.

    Examples
    --------
    >>> boolean(np.bool_(True), "shuffle")
    True
    >>> boolean("False", "shuffle", "fit")
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentTypeError: fit: shuffle must be True or False, got 'False'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{_prefix(where)}{name} must be True or False, got {_describe(value)}")
    return bool(value)


def generator(rng: object, where: str, name: str = "rng") -> np.random.Generator:
    """``rng`` if it is a ``numpy.random.Generator``; bpkit has no global random state.

    Examples
    --------
    >>> generator(42, "moons")
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentTypeError: moons: rng must be a numpy Generator such as np.random.default_rng(0), got 42
    """
    if not isinstance(rng, np.random.Generator):
        raise ArgumentTypeError(
            f"{_prefix(where)}{name} must be a numpy Generator such as np.random.default_rng(0), got {_describe(rng)}"
        )
    return rng


def one_of(value: object, name: str, choices: Sequence[str], where: str = "") -> str:
    """``value`` if it is one of the strings ``choices``, else an error that lists them.

    Examples
    --------
    >>> one_of("relu", "activation", ["relu", "tanh"])
    'relu'
    >>> one_of("rleu", "activation", ["relu", "tanh"], "MLP")
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentValueError: MLP: activation must be one of 'relu', 'tanh', got 'rleu'
    """
    known = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{_prefix(where)}{name} must be one of {known}, got {_describe(value)}")
    if value not in choices:
        raise ArgumentValueError(f"{_prefix(where)}{name} must be one of {known}, got {value!r}")
    return value
