"""Tests of bpkit.data: shapes, determinism, balance, splits, standardization, one-hot, digits."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pytest

from bpkit.data import (
    circles,
    load_digits,
    moons,
    spirals,
    xor,
)


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
