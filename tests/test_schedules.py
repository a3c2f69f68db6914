"""Tests of bpkit.schedules: each schedule's formula, argument checks, and the optimizer checking a schedule's value at every step."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpkit.errors import ArgumentValueError
from bpkit.optim import SGD
from bpkit.schedules import constant, cosine_decay, exponential_decay, per_epoch, step_decay, steps_per_epoch, warmup


def test_schedule_values_are_checked_at_every_step() -> None:
    theta = np.array([1.0])
    opt = SGD(lambda t: 0.1 if t < 2 else -0.5)
    for _ in range(2):
        opt.step_arrays({"x": theta}, {"x": np.array([1.0])})
    with pytest.raises(ArgumentValueError, match=r"returned lr = -0.5 at step 2"):
        opt.step_arrays({"x": theta}, {"x": np.array([1.0])})
    assert np.isclose(theta[0], 0.8)  # the refused step changed nothing
    with pytest.raises(ArgumentValueError, match=r"returned lr = nan at step 0"):
        SGD(lambda t: float("nan")).step_arrays({"x": theta}, {"x": np.array([1.0])})
    assert SGD(lambda t: np.float32(0.5)).current_lr == 0.5
    s = per_epoch(step_decay(1.0, drop=0.5, every=1), steps_per_epoch=4)
    assert [s(t) for t in (0, 3, 4, 8)] == [1.0, 1.0, 0.5, 0.25]


def test_schedules() -> None:
    assert constant(0.1)(50) == 0.1
    s = step_decay(1.0, drop=0.5, every=10)
    assert [s(0), s(9), s(10), s(25)] == [1.0, 1.0, 0.5, 0.25]
    assert math.isclose(exponential_decay(1.0, 0.9)(3), 0.729)
    c = cosine_decay(1.0, total_steps=100, lr_min=0.1)
    assert c(0) == 1.0 and math.isclose(c(50), 0.55) and math.isclose(c(100), 0.1) and math.isclose(c(500), 0.1)
    w = warmup(constant(1.0), warmup_steps=4)
    assert [w(0), w(1), w(3), w(10)] == [0.25, 0.5, 1.0, 1.0]
    opt = SGD(lr=step_decay(1.0, 0.1, every=1))
    theta = np.array([0.0])
    for _ in range(3):
        opt.step_arrays({"x": theta}, {"x": np.array([1.0])})
    assert np.isclose(theta[0], -(1.0 + 0.1 + 0.01))


def test_per_epoch_counts_the_steps_fit_takes() -> None:
    assert steps_per_epoch(100, 32) == 4 and steps_per_epoch(96, 32) == 3
    s = per_epoch(lambda epoch: 0.1 / (1 + epoch), steps_per_epoch(100, 32))
    assert [s(t) for t in (0, 3, 4, 8)] == [0.1, 0.1, 0.05, 0.1 / 3]
    assert warmup(step_decay(1.0, 0.5, every=2), 2)(0) == 0.5  # warmup of a schedule
    import bpkit.optim

    assert bpkit.optim.cosine_decay is cosine_decay and bpkit.optim.warmup is warmup  # the old import path
