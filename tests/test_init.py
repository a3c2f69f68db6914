"""Tests of bpkit.init: shapes, variances, determinism, errors."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.init import get_initializer, he_normal, normal, xavier_uniform, zeros


def test_shapes_and_determinism() -> None:
    for init in (normal, xavier_uniform, he_normal):
        a = init((30, 20), np.random.default_rng(1))
        b = init((30, 20), np.random.default_rng(1))
        assert a.shape == (30, 20) and a.dtype == np.float64
        assert np.array_equal(a, b)
    assert np.array_equal(zeros((3, 2)), np.zeros((3, 2)))


def test_variances_follow_the_fans() -> None:
    rng = np.random.default_rng(0)
    n_out, n_in = 400, 300
    w = xavier_uniform((n_out, n_in), rng)
    bound = np.sqrt(6 / (n_in + n_out))
    assert np.abs(w).max() <= bound
    assert np.isclose(w.var(), 2 / (n_in + n_out), rtol=0.03)
    w = he_normal((n_out, n_in), rng)
    assert np.isclose(w.var(), 2 / n_in, rtol=0.03)
    w = normal((n_out, n_in), rng, std=0.5)
    assert np.isclose(w.std(), 0.5, rtol=0.03)


def test_errors() -> None:
    with pytest.raises(ArgumentTypeError, match="Generator"):
        he_normal((2, 2), None)
    with pytest.raises(ArgumentTypeError, match="Generator"):
        xavier_uniform((2, 2), 42)  # a bare seed is not accepted: no hidden global state
    with pytest.raises(ArgumentValueError, match="shape must be an integer >= 1"):
        zeros((0, 3))
    with pytest.raises(ArgumentValueError, match="init must be one of 'he_normal', 'normal', 'xavier_uniform', 'zeros'"):
        get_initializer("glorot")
    with pytest.raises(ArgumentValueError, match="std must be a finite number > 0"):
        normal((2, 2), np.random.default_rng(0), std=0.0)
    assert normal((np.int64(2), 3), np.random.default_rng(0), std=np.float32(0.5)).shape == (2, 3)
    assert get_initializer("he_normal") is he_normal
