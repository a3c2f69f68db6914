"""Small data sets (book/06_backprop_in_code.ipynb, book/10_digits.ipynb).

Every random data set takes a ``numpy.random.Generator``, so the same seed gives the same data.
Two-dimensional sets return X of shape (n, 2) and integer labels y of shape (n,). The preparation
helpers (train_test_split, standardize, one_hot, iterate_minibatches) live in bpkit.prepare and are
re-exported here.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from bpkit.prepare import iterate_minibatches, one_hot, standardize, train_test_split
from bpkit.validate import Array, boolean, generator, integer, real_number

__all__ = ["circles", "iterate_minibatches", "load_digits", "moons", "one_hot", "spirals", "standardize",
           "train_test_split", "xor"]

Labels = NDArray[np.int64]


def xor() -> tuple[Array, Array]:
    """The four XOR points: X = {0,1}^2 (4, 2) and y = x1 XOR x2 as a column (4, 1) of floats.

    Examples
    --------
    >>> X, y = xor()
    >>> y.ravel()
    array([0., 1., 1., 0.])
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return X, y


def _split_counts(n: int, classes: int) -> list[int]:
    """n points split as evenly as possible over the classes."""
    return [n // classes + (1 if k < n % classes else 0) for k in range(classes)]


def moons(n: int, noise: float = 0.1, rng: np.random.Generator | None = None) -> tuple[Array, Labels]:
    """Two interleaved half circles: class 0 on (cos t, sin t), class 1 on (1 - cos t, 1/2 - sin t), t in [0, pi], plus N(0, noise^2).

    Parameters
    ----------
    n : int
        Number of points (>= 2), split evenly over the two classes.
    noise : float
        Standard deviation (>= 0) of the Gaussian noise added to both coordinates.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray of int64, shape (n,)

    Examples
    --------
    >>> X, y = moons(100, noise=0.1, rng=np.random.default_rng(0))
    >>> X.shape, int(y.sum())
    ((100, 2), 50)
    """
    n = integer(n, "n", "moons", low=2)
    noise = real_number(noise, "noise", "moons", low=0.0)
    rng = generator(rng, "moons")
    n0, n1 = _split_counts(n, 2)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])
    order = rng.permutation(n)
    return X[order], y[order]


def circles(
    n: int, noise: float = 0.05, factor: float = 0.5, rng: np.random.Generator | None = None
) -> tuple[Array, Labels]:
    """Two concentric circles: class 0 of radius 1, class 1 of radius `factor` (0 < factor < 1), plus N(0, noise^2).

    Parameters
    ----------
    n : int
        Number of points (>= 2), split evenly over the two classes.
    noise : float
        Standard deviation (>= 0) of the Gaussian noise.
    factor : float
        Radius of the inner circle, 0 < factor < 1.
    rng : numpy.random.Generator
        Random source.

    Examples
    --------
    >>> X, y = circles(10, rng=np.random.default_rng(0))
    >>> X.shape, y.shape
    ((10, 2), (10,))
    """
    n = integer(n, "n", "circles", low=2)
    noise = real_number(noise, "noise", "circles", low=0.0)
    factor = real_number(factor, "factor", "circles", low=0.0, high=1.0, low_open=True, high_open=True)
    rng = generator(rng, "circles")
    n0, n1 = _split_counts(n, 2)
    t0, t1 = rng.uniform(0, 2 * np.pi, n0), rng.uniform(0, 2 * np.pi, n1)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = factor * np.column_stack([np.cos(t1), np.sin(t1)])
    X = np.vstack([outer, inner]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])
    order = rng.permutation(n)
    return X[order], y[order]


def spirals(
    n: int, classes: int = 3, noise: float = 0.2, rng: np.random.Generator | None = None
) -> tuple[Array, Labels]:
    """`classes` interleaved spiral arms: r in [0, 1], angle 4 r + 2 pi k / classes + N(0, noise^2).

    Parameters
    ----------
    n : int
        Number of points (>= classes), split evenly over the arms.
    classes : int
        Number of arms (>= 2).
    noise : float
        Standard deviation (>= 0) of the noise on the angle.
    rng : numpy.random.Generator
        Random source.

    Examples
    --------
    >>> X, y = spirals(9, classes=3, rng=np.random.default_rng(0))
    >>> np.bincount(y).tolist()
    [3, 3, 3]
    """
    classes = integer(classes, "classes", "spirals", low=2)
    n = integer(n, "n", "spirals", low=classes)
    noise = real_number(noise, "noise", "spirals", low=0.0)
    rng = generator(rng, "spirals")
    Xs, ys = [], []
    for k, count in enumerate(_split_counts(n, classes)):
        r = np.linspace(0.0, 1.0, count)
        angle = 4.0 * r + 2.0 * np.pi * k / classes + rng.normal(0.0, noise, count)
        Xs.append(np.column_stack([r * np.sin(angle), r * np.cos(angle)]))
        ys.append(np.full(count, k, np.int64))
    order = rng.permutation(n)
    return np.vstack(Xs)[order], np.concatenate(ys)[order]


@lru_cache(maxsize=1)
def _digits() -> tuple[Array, Labels]:
    """Parse the packaged digits file once (see bpkit/datasets/PROVENANCE.md)."""
    raw = resources.files("bpkit.datasets").joinpath("digits.csv.gz").read_bytes()
    table = np.loadtxt(gzip.decompress(raw).decode("ascii").splitlines(), delimiter=",", dtype=np.int64)
    return table[:, :64].astype(np.float64), table[:, 64].astype(np.int64)


def load_digits(return_images: bool = False) -> tuple[Array, Labels] | tuple[Array, Labels, Array]:
    """The UCI handwritten digits: X (1797, 64) pixel counts 0..16, y (1797,) labels 0..9; images (1797, 8, 8) if asked.

    Parameters
    ----------
    return_images : bool
        Also return the images as 8 x 8 arrays.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.shape, int(X.max())
    ((1797, 64), (1797,), 16)
    """
    return_images = boolean(return_images, "return_images", "load_digits")
    X, y = _digits()
    X, y = X.copy(), y.copy()
    if return_images:
        return X, y, X.reshape(-1, 8, 8).copy()
    return X, y
