"""Tests of bpkit.prepare: splits, standardization, one-hot labels and mini-batches."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.data import moons
from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.prepare import iterate_minibatches, one_hot, standardize, train_test_split


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
