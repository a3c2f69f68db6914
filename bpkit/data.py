"""Small data sets and data preparation (book/06_backprop_in_code.ipynb, book/10_digits.ipynb).

Every random data set takes a ``numpy.random.Generator``, so the same seed gives the same data.
Two-dimensional sets return X of shape (n, 2) and integer labels y of shape (n,).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.validate import Array, as_array, generator, integer, real_number

Labels = NDArray[np.int64]


def _flag(value: object, name: str, where: str) -> bool:
    """A bool, else an ArgumentTypeError (the string 'False' must not count as true)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{where}: {name} must be True or False, got {value!r}")
    return bool(value)


def _examples(value: ArrayLike, name: str, where: str) -> np.ndarray:
    """A non-empty, finite array of real numbers with one row per example; integer dtypes are kept."""
    checked = as_array(value, name, where)
    if checked.ndim == 0:
        raise ShapeError(f"{where}: {name} must have one row per example, got a single number")
    raw = np.asarray(value)
    return raw if raw.dtype.kind in "iu" else checked


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


def train_test_split(
    X: ArrayLike,
    y: ArrayLike,
    test_size: float = 0.25,
    rng: np.random.Generator | None = None,
    stratify: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into (X_train, X_test, y_train, y_test); a fraction test_size goes to the test set.

    Parameters
    ----------
    X : array_like, shape (N, ...)
        Inputs, one row per example.
    y : array_like, shape (N,) or (N, C)
        Targets (labels, one-hot rows or values), one row per example.
    test_size : float
        Fraction of the examples for the test part, 0 < test_size < 1; round(test_size * N) of them.
    rng : numpy.random.Generator
        Random source of the shuffle.
    stratify : bool
        Split each class separately, so both parts keep the class proportions (y holds labels or
        one-hot rows).

    Examples
    --------
    >>> X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, rng=np.random.default_rng(0), stratify=True)
    >>> X_tr.shape, X_te.shape, sorted(y_te.tolist())
    ((8, 2), (2, 2), [0, 1])
    """
    where = "train_test_split"
    X, y = _examples(X, "X", where), _examples(y, "y", where)
    if X.shape[0] != y.shape[0]:
        raise ShapeError(f"{where}: X and y must have the same number of rows, got X with {X.shape[0]} and y with {y.shape[0]}")
    test_size = real_number(test_size, "test_size", where, low=0.0, high=1.0, low_open=True, high_open=True)
    rng = generator(rng, where)
    stratify = _flag(stratify, "stratify", where)
    n = X.shape[0]
    if stratify:
        labels = y.reshape(n, -1).argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(n)
        test_idx = []
        for c in np.unique(labels):
            members = rng.permutation(np.flatnonzero(labels == c))
            test_idx.append(members[: round(test_size * members.size)])
        test = np.sort(np.concatenate(test_idx))
    else:
        test = np.sort(rng.permutation(n)[: round(test_size * n)])
    if test.size == 0 or test.size == n:
        raise ArgumentValueError(f"{where}: test_size={test_size} leaves an empty part for {n} examples")
    train = np.setdiff1d(np.arange(n), test)
    train = rng.permutation(train)
    test = rng.permutation(test)
    return X[train], X[test], y[train], y[test]


def standardize(
    X: ArrayLike, mean: ArrayLike | None = None, std: ArrayLike | None = None
) -> tuple[Array, Array, Array]:
    """X_std = (X - mean) / std per column; mean and std come from X unless given (use the training set's!).

    Computed from X, a column with std 0 (a constant pixel, say) gets std 1, so it maps to 0
    instead of NaN. A given std must be > 0 everywhere.

    Parameters
    ----------
    X : array_like, shape (N, d)
        The data.
    mean, std : array_like, shape (d,), optional
        Statistics to use, typically those returned for the training set.

    Returns
    -------
    X_std : ndarray, shape (N, d)
    mean, std : ndarray, shape (d,)

    Examples
    --------
    >>> Z, mean, std = standardize([[1.0, 5.0], [3.0, 5.0]])
    >>> Z
    array([[-1.,  0.],
           [ 1.,  0.]])
    >>> std
    array([1., 1.])
    """
    where = "standardize"
    X = as_array(X, "X", where, ndim=2)
    d = X.shape[1]
    mean_arr = X.mean(axis=0) if mean is None else as_array(mean, "mean", where, ndim=1)
    if std is None:
        std_arr = X.std(axis=0)
        std_arr = np.where(std_arr == 0, 1.0, std_arr)
    else:
        std_arr = as_array(std, "std", where, ndim=1)
        if np.any(std_arr <= 0):
            raise ArgumentValueError(f"{where}: std must be > 0 in every column, got {int(np.sum(std_arr <= 0))} entries <= 0")
    for name, arr in (("mean", mean_arr), ("std", std_arr)):
        if arr.shape != (d,):
            raise ShapeError(f"{where}: {name} must have shape ({d},), one entry per column of X, got {arr.shape}")
    return (X - mean_arr) / std_arr, mean_arr, std_arr


def one_hot(y: ArrayLike, num_classes: int | None = None) -> Array:
    """Rows e_{y_n} of the identity: (N,) integer labels in [0, C) -> (N, C) float64.

    Parameters
    ----------
    y : array_like of int, shape (N,)
        Labels; N may be 0 when num_classes is given.
    num_classes : int, optional
        C (>= 1); by default max(y) + 1.

    Examples
    --------
    >>> one_hot([2, 0], num_classes=3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    where = "one_hot"
    labels = as_array(y, "y", where, ndim=1, allow_empty=True)
    if labels.size and not np.all(np.mod(labels, 1) == 0):
        raise ArgumentValueError(f"{where}: y must hold integer labels, got non-integer values")
    if num_classes is None:
        if labels.size == 0:
            raise ArgumentValueError(f"{where}: num_classes is needed when y is empty (it cannot be read from y)")
        c = int(labels.max()) + 1
    else:
        c = integer(num_classes, "num_classes", where)
    if labels.size and (labels.min() < 0 or labels.max() >= c):
        raise ArgumentValueError(
            f"{where}: y must hold labels in [0, {c - 1}] for {c} classes, got values in [{labels.min():g}, {labels.max():g}]"
        )
    out = np.zeros((labels.size, c))
    out[np.arange(labels.size), labels.astype(np.int64)] = 1.0
    return out


def iterate_minibatches(
    X: ArrayLike, y: ArrayLike, batch_size: int, rng: np.random.Generator | None = None, shuffle: bool = True
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (X_B, y_B) batches of at most batch_size rows covering every row once.

    With shuffle=True the rows are permuted once by rng.permutation(N) and cut in order; the
    batches are views of that permuted copy.

    Parameters
    ----------
    X : array_like, shape (N, ...)
        Inputs.
    y : array_like, shape (N, ...)
        Targets.
    batch_size : int
        Rows per batch (>= 1); the last batch may be smaller.
    rng : numpy.random.Generator
        Needed when shuffle is True.
    shuffle : bool
        Whether to visit the rows in a random order.

    Examples
    --------
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in iterate_minibatches(X, y, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    where = "iterate_minibatches"
    X_arr, y_arr = _examples(X, "X", where), _examples(y, "y", where)
    if X_arr.shape[0] != y_arr.shape[0]:
        raise ShapeError(f"{where}: X and y must have the same number of rows, got {X_arr.shape[0]} and {y_arr.shape[0]}")
    batch_size = integer(batch_size, "batch_size", where)
    if _flag(shuffle, "shuffle", where):
        order = generator(rng, where).permutation(X_arr.shape[0])
        X_arr, y_arr = X_arr[order], y_arr[order]
    for start in range(0, X_arr.shape[0], batch_size):
        yield X_arr[start : start + batch_size], y_arr[start : start + batch_size]


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
    return_images = _flag(return_images, "return_images", "load_digits")
    X, y = _digits()
    X, y = X.copy(), y.copy()
    if return_images:
        return X, y, X.reshape(-1, 8, 8).copy()
    return X, y
