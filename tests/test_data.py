"""Tests of bpkit.data: shapes, determinism, balance, splits, standardization, one-hot, digits."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pytest

from bpkit.data import (
    circles,
    iterate_minibatches,
    load_digits,
    moons,
    one_hot,
    spirals,
    standardize,
    train_test_split,
    xor,
)
from bpkit.errors import ArgumentValueError, ShapeError


def test_xor() -> None:
    X, y = xor()
    assert X.shape == (4, 2) and y.shape == (4, 1)
    assert np.array_equal(y[:, 0], np.logical_xor(X[:, 0], X[:, 1]).astype(float))


@pytest.mark.parametrize("make,classes", [(moons, 2), (circles, 2), (spirals, 3)])
def test_2d_sets_are_seeded_balanced_and_shaped(make, classes) -> None:
    X, y = make(101, rng=np.random.default_rng(0))
    X2, y2 = make(101, rng=np.random.default_rng(0))
    X3, _ = make(101, rng=np.random.default_rng(1))
    assert X.shape == (101, 2) and y.shape == (101,) and y.dtype == np.int64
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, X3)
    counts = np.bincount(y)
    assert len(counts) == classes and counts.max() - counts.min() <= 1
    with pytest.raises(TypeError, match="default_rng"):
        make(10, rng=None)


def test_geometry() -> None:
    X, y = circles(400, noise=0.0, factor=0.3, rng=np.random.default_rng(0))
    r = np.linalg.norm(X, axis=1)
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)
    X, y = moons(200, noise=0.0, rng=np.random.default_rng(0))
    assert np.allclose(np.linalg.norm(X[y == 0], axis=1), 1.0)
    with pytest.raises(ValueError, match="factor"):
        circles(10, factor=1.5, rng=np.random.default_rng(0))


def test_train_test_split_sizes_and_stratification() -> None:
    X = np.arange(200.0).reshape(100, 2)
    y = np.repeat([0, 1, 2, 3], 25)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, rng=np.random.default_rng(0), stratify=True)
    assert Xtr.shape == (80, 2) and Xte.shape == (20, 2)
    assert np.array_equal(np.bincount(yte), [5, 5, 5, 5])
    assert sorted(np.concatenate([Xtr[:, 0], Xte[:, 0]]).tolist()) == X[:, 0].tolist()  # a partition
    assert np.array_equal(Xtr[:, 0] / 2, ytr * 0 + Xtr[:, 0] / 2)  # rows stay paired with labels
    assert np.array_equal(y[(Xte[:, 0] / 2).astype(int)], yte)
    with pytest.raises(ArgumentValueError, match="test_size must be a finite number > 0 and < 1"):
        train_test_split(X, y, test_size=1.5, rng=np.random.default_rng(0))
    with pytest.raises(ShapeError, match="rows"):
        train_test_split(X, y[:5], rng=np.random.default_rng(0))


def test_standardize_round_trip_and_constant_columns() -> None:
    X = np.random.default_rng(0).normal(3.0, 2.0, size=(50, 3))
    X[:, 2] = 7.0
    Z, mean, std = standardize(X)
    assert np.allclose(Z[:, :2].mean(axis=0), 0) and np.allclose(Z[:, :2].std(axis=0), 1)
    assert np.all(Z[:, 2] == 0)
    assert np.allclose(Z * std + mean, X)
    Z2, _, _ = standardize(X[:5], mean, std)  # applying the training statistics to new data
    assert np.allclose(Z2, Z[:5])


def test_one_hot() -> None:
    assert np.array_equal(one_hot(np.array([2, 0])), [[0, 0, 1], [1, 0, 0]])
    assert one_hot(np.array([1]), num_classes=4).shape == (1, 4)
    with pytest.raises(ArgumentValueError, match=r"labels in \[0, 2\] for 3 classes"):
        one_hot(np.array([0, 3]), num_classes=3)
    with pytest.raises(ArgumentValueError, match="integer"):
        one_hot(np.array([0.5]))
    assert one_hot(np.array([], dtype=int), num_classes=3).shape == (0, 3)
    with pytest.raises(ArgumentValueError, match="num_classes is needed when y is empty"):
        one_hot(np.array([], dtype=int))


def test_standardize_refuses_a_zero_scale_and_moons_a_nan_noise() -> None:
    X = np.ones((3, 2))
    with pytest.raises(ArgumentValueError, match="std must be > 0"):
        standardize(X, mean=np.zeros(2), std=np.array([1.0, 0.0]))
    with pytest.raises(ArgumentValueError, match="noise must be a finite number >= 0, got nan"):
        moons(10, noise=float("nan"), rng=np.random.default_rng(0))


def test_iterate_minibatches() -> None:
    X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    batches = list(iterate_minibatches(X, y, np.int64(2), np.random.default_rng(0)))
    assert [len(b[1]) for b in batches] == [2, 2, 1]
    order = np.random.default_rng(0).permutation(5)
    assert np.array_equal(np.concatenate([b[1] for b in batches]), order)
    assert all(np.array_equal(xb[:, 0] / 2, yb) for xb, yb in batches)
    with pytest.raises(ArgumentValueError, match="batch_size must be an integer >= 1, got 0"):
        list(iterate_minibatches(X, y, 0, shuffle=False))


def test_load_digits_is_the_shipped_uci_copy() -> None:
    X, y, images = load_digits(return_images=True)
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert images.shape == (1797, 8, 8) and np.array_equal(images[5].ravel(), X[5])
    assert X.min() == 0 and X.max() == 16 and np.all(np.round(X) == X)
    assert set(np.unique(y)) == set(range(10))
    assert np.array_equal(np.bincount(y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    X[0, 0] = 99.0  # callers get copies
    assert load_digits()[0][0, 0] == 0.0
    raw = resources.files("bpkit.datasets").joinpath("digits.csv.gz").read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    provenance = resources.files("bpkit.datasets").joinpath("PROVENANCE.md").read_text(encoding="utf-8")
    assert digest in provenance
