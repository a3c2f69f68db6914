"""Tests of bpkit.dropout: inverted dropout's masks, scaling, backward and arguments."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.dropout import Dropout
from bpkit.errors import ArgumentTypeError, ArgumentValueError


def test_dropout_scales_masks_and_backward() -> None:
    rng = np.random.default_rng(0)
    drop = Dropout(0.25, rng)
    X = np.ones((2000, 50))
    A = drop.forward(X)
    kept = A != 0
    assert np.allclose(A[kept], 1 / 0.75)
    assert abs(kept.mean() - 0.75) < 0.01
    assert abs(A.mean() - 1.0) < 0.02  # inverted dropout keeps the expectation
    G = np.arange(X.size, dtype=float).reshape(X.shape)
    assert np.array_equal(drop.backward(G), G * drop.mask)
    # with the mask fixed, dropout is linear, and backward is its exact derivative
    small = Dropout(0.5, np.random.default_rng(2))
    Xs = np.random.default_rng(3).normal(size=(3, 4))
    small.forward(Xs)
    mask = small.mask.copy()
    assert np.allclose(small.backward(np.ones_like(Xs)), mask)
    drop.training = False
    assert np.array_equal(drop.forward(X), X)


def test_dropout_errors() -> None:
    with pytest.raises(ArgumentValueError, match=r"p must be a finite number >= 0 and < 1, got 1.0"):
        Dropout(1.0, np.random.default_rng(0))
    with pytest.raises(ArgumentTypeError, match="rng"):
        Dropout(0.5, None)
    assert Dropout(np.float32(0.5), np.random.default_rng(0)).p == 0.5  # NumPy scalars are numbers
