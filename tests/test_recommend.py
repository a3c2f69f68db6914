"""Tests of bpkit.recommend: matrix factorization gradients, accumulation, training, simulated data, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.errors import ArgumentValueError, CallOrderError, ShapeError
from bpkit.gradcheck import numerical_gradient
from bpkit.optim import Adam
from bpkit.recommend import MatrixFactorization, simulated_ratings


@given(n=st.integers(1, 8), rank=st.integers(1, 3), decay=st.sampled_from([0.0, 0.3]), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=20, deadline=None)
def test_backward_matches_finite_differences(n, rank, decay, seed) -> None:
    rng = np.random.default_rng(seed)
    mf = MatrixFactorization(3, 4, rank, rng, mu=3.0, weight_decay=decay, init_scale=0.7)
    for v in mf.parameters().values():
        v[...] = rng.normal(size=v.shape)
    users, items, r = rng.integers(0, 3, size=n), rng.integers(0, 4, size=n), rng.normal(3.0, 1.0, size=n)
    mf.zero_grad()
    mf.forward(users, items)
    mf.backward(r)
    grads = {k: v.copy() for k, v in mf.gradients().items()}

    def objective() -> float:
        mf.forward(users, items)
        return mf.loss(r)

    for name, p in mf.parameters().items():
        assert np.allclose(grads[name], numerical_gradient(objective, p, order=4), rtol=1e-6, atol=1e-9), name


def test_repeated_user_gets_the_sum_and_backward_adds() -> None:
    mf = MatrixFactorization(2, 3, 2, np.random.default_rng(0), mu=1.0)
    users, items, r = np.array([0, 0]), np.array([1, 2]), np.array([2.0, 0.0])
    r_hat = mf.forward(users, items)
    mf.zero_grad()
    mf.backward(r)
    e = (r_hat - r) / 2
    Q = mf.parameters()["Q"]
    assert np.allclose(mf.gradients()["P"][0], e[0] * Q[1] + e[1] * Q[2])
    assert not mf.gradients()["P"][1].any()
    once = mf.gradients()["P"].copy()
    mf.forward(users, items)
    mf.backward(r)
    assert np.allclose(mf.gradients()["P"], 2 * once)


def test_training_recovers_planted_ratings_to_the_noise_level() -> None:
    rng = np.random.default_rng(1)
    users, items, r, _ = simulated_ratings(60, 80, 3, 0.3, 0.1, rng)
    test = rng.random(len(r)) < 0.2
    mf = MatrixFactorization(60, 80, 3, rng, mu=float(r[~test].mean()), weight_decay=0.05)
    opt = Adam(lr=0.05)
    for _ in range(300):
        mf.zero_grad()
        mf.forward(users[~test], items[~test])
        mf.backward(r[~test])
        opt.step(mf)
    rmse = np.sqrt(np.mean((mf.forward(users[test], items[test]) - r[test]) ** 2))
    baseline = np.sqrt(np.mean((r[~test].mean() - r[test]) ** 2))
    assert rmse < 0.4 * baseline


def test_simulated_ratings_are_reproducible_and_shaped() -> None:
    a = simulated_ratings(10, 12, 2, 0.5, 0.2, np.random.default_rng(3))
    b = simulated_ratings(10, 12, 2, 0.5, 0.2, np.random.default_rng(3))
    assert all(np.array_equal(x, y) for x, y in zip(a[:3], b[:3], strict=True))
    assert a[0].max() < 10 and a[1].max() < 12 and 0.3 < len(a[2]) / 120 < 0.7


def test_bad_input_is_refused() -> None:
    mf = MatrixFactorization(2, 3, 1, np.random.default_rng(0))
    with pytest.raises(CallOrderError, match="call forward"):
        mf.backward([1.0])
    with pytest.raises(ArgumentValueError, match=r"items must lie in 0..2, got 0..3"):
        mf.forward(np.array([0, 1]), np.array([0, 3]))
    with pytest.raises(ShapeError, match="users and items must have the same shape"):
        mf.forward(np.array([0, 1]), np.array([0]))
    with pytest.raises(ShapeError, match="users must be a 1-D integer array"):
        mf.forward(np.array([0.5]), np.array([0]))
    mf.forward(np.array([0, 1]), np.array([0, 2]))
    with pytest.raises(ShapeError, match=r"ratings must have shape \(2,\), got \(3,\)"):
        mf.backward([1.0, 2.0, 3.0])
    with pytest.raises(ArgumentValueError, match="density must be a finite number > 0 and <= 1"):
        simulated_ratings(2, 2, 1, 0.0, 0.1, np.random.default_rng(0))
