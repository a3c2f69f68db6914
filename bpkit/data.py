"""Small data sets and data preparation (book/06_backprop_in_code.ipynb, book/10_digits.ipynb).

Every random data set takes a ``numpy.random.Generator``, so the same seed gives the same data.
Two-dimensional sets return X of shape (n, 2) and integer labels y of shape (n,).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
Labels = NDArray[np.int64]


def _need_rng(rng: object, name: str) -> np.random.Generator:
    """Insist on a numpy Generator: bpkit has no global random state."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} needs rng=np.random.default_rng(seed), got {type(rng).__name__}")
    return rng


def _need_count(n: int, name: str, minimum: int = 1) -> int:
    """A positive integer number of points."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{name}: n must be an integer >= {minimum}, got {n!r}")
    return int(n)


def xor() -> tuple[Array, Array]:
    """The four XOR points: X = {0,1}^2 (4, 2) and y = x1 XOR x2 as a column (4, 1) of floats."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return X, y


def _split_counts(n: int, classes: int) -> list[int]:
    """n points split as evenly as possible over the classes."""
    return [n // classes + (1 if k < n % classes else 0) for k in range(classes)]


def moons(n: int, noise: float = 0.1, rng: np.random.Generator | None = None) -> tuple[Array, Labels]:
    """Two interleaved half circles: class 0 on (cos t, sin t), class 1 on (1 - cos t, 1/2 - sin t), t in [0, pi], plus N(0, noise^2)."""
    n = _need_count(n, "moons", 2)
    rng = _need_rng(rng, "moons")
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
    """Two concentric circles: class 0 of radius 1, class 1 of radius `factor` (0 < factor < 1), plus N(0, noise^2)."""
    n = _need_count(n, "circles", 2)
    rng = _need_rng(rng, "circles")
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must lie in (0, 1), got {factor}")
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
    """`classes` interleaved spiral arms: r in [0, 1], angle 4 r + 2 pi k / classes + N(0, noise^2)."""
    n = _need_count(n, "spirals", classes)
    rng = _need_rng(rng, "spirals")
    if classes < 2:
        raise ValueError(f"spirals: classes must be >= 2, got {classes}")
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

    With stratify=True each class is split separately, so both parts keep the class proportions.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size}")
    rng = _need_rng(rng, "train_test_split")
    n = X.shape[0]
    if stratify:
        labels = y.reshape(n, -1).argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(n)
        test_idx = []
        for c in np.unique(labels):
            members = rng.permutation(np.flatnonzero(labels == c))
            test_idx.append(members[: int(round(test_size * members.size))])
        test = np.sort(np.concatenate(test_idx))
    else:
        test = np.sort(rng.permutation(n)[: int(round(test_size * n))])
    if test.size == 0 or test.size == n:
        raise ValueError(f"test_size={test_size} leaves an empty part for {n} examples")
    train = np.setdiff1d(np.arange(n), test)
    train = rng.permutation(train)
    test = rng.permutation(test)
    return X[train], X[test], y[train], y[test]


def standardize(
    X: ArrayLike, mean: ArrayLike | None = None, std: ArrayLike | None = None
) -> tuple[Array, Array, Array]:
    """X_std = (X - mean) / std per column; mean and std come from X unless given (use the training set's!).

    Columns with std 0 (constant pixels, say) get std 1, so they map to 0 instead of NaN.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"standardize expects X of shape (N, features), got {X.shape}")
    mean = X.mean(axis=0) if mean is None else np.asarray(mean, dtype=np.float64)
    if std is None:
        std = X.std(axis=0)
        std = np.where(std == 0, 1.0, std)
    std = np.asarray(std, dtype=np.float64)
    if mean.shape != (X.shape[1],) or std.shape != (X.shape[1],):
        raise ValueError(f"mean and std must have shape ({X.shape[1]},), got {mean.shape} and {std.shape}")
    return (X - mean) / std, mean, std


def one_hot(y: ArrayLike, num_classes: int | None = None) -> Array:
    """Rows e_{y_n} of the identity: (N,) integer labels in [0, C) -> (N, C) float64."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"one_hot expects labels of shape (N,), got {y.shape}")
    if y.size and not np.all(np.mod(y, 1) == 0):
        raise ValueError("one_hot expects integer labels")
    y = y.astype(np.int64)
    c = int(y.max()) + 1 if num_classes is None else int(num_classes)
    if y.size and (y.min() < 0 or y.max() >= c):
        raise ValueError(f"labels must lie in [0, {c - 1}] for {c} classes, got values in [{y.min()}, {y.max()}]")
    out = np.zeros((y.size, c))
    out[np.arange(y.size), y] = 1.0
    return out


@lru_cache(maxsize=1)
def _digits() -> tuple[Array, Labels]:
    """Parse the packaged digits file once (see bpkit/datasets/PROVENANCE.md)."""
    raw = resources.files("bpkit.datasets").joinpath("digits.csv.gz").read_bytes()
    table = np.loadtxt(gzip.decompress(raw).decode("ascii").splitlines(), delimiter=",", dtype=np.int64)
    return table[:, :64].astype(np.float64), table[:, 64].astype(np.int64)


def load_digits(return_images: bool = False) -> tuple[Array, Labels] | tuple[Array, Labels, Array]:
    """The UCI handwritten digits: X (1797, 64) pixel counts 0..16, y (1797,) labels 0..9; images (1797, 8, 8) if asked."""
    X, y = _digits()
    X, y = X.copy(), y.copy()
    if return_images:
        return X, y, X.reshape(-1, 8, 8).copy()
    return X, y
