"""Preparing data for training: splits, standardization, one-hot labels, mini-batches (book/10_digits.ipynb).

Every function takes its randomness from a ``numpy.random.Generator`` (never NumPy's global state)
and refuses empty, non-finite or mismatched inputs with a bpkit error naming the argument.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.validate import Array, as_array, boolean, generator, integer, real_number

__all__ = ["iterate_minibatches", "one_hot", "standardize", "train_test_split"]


def _examples(value: ArrayLike, name: str, where: str) -> np.ndarray:
    """A non-empty, finite array of real numbers with one row per example; integer dtypes are kept."""
    checked = as_array(value, name, where)
    if checked.ndim == 0:
        raise ShapeError(f"{where}: {name} must have one row per example, got a single number")
    raw = np.asarray(value)
    return raw if raw.dtype.kind in "iu" else checked


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
    stratify = boolean(stratify, "stratify", where)
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
    if boolean(shuffle, "shuffle", where):
        order = generator(rng, where).permutation(X_arr.shape[0])
        X_arr, y_arr = X_arr[order], y_arr[order]
    for start in range(0, X_arr.shape[0], batch_size):
        yield X_arr[start : start + batch_size], y_arr[start : start + batch_size]
