"""Tests of bpkit.adaptive: AdaGrad, RMSProp, Adam and AdamW against their formulas computed by hand (PyTorch parity is in test_optim)."""

from __future__ import annotations

import numpy as np
import pytest
from test_optim import GRADS, THETA0, _run  # the three-step problem the SGD tests use too

from bpkit.adaptive import AdaGrad, Adam, AdamW, RMSProp


def test_adagrad_by_hand() -> None:
    lr, eps = 0.5, 1e-10
    th = _run(AdaGrad(lr=lr))
    s1 = GRADS[0] ** 2
    t1 = THETA0 - lr * GRADS[0] / (np.sqrt(s1) + eps)
    s2 = s1 + GRADS[1] ** 2
    assert np.allclose(th[0], t1) and np.allclose(th[1], t1 - lr * GRADS[1] / (np.sqrt(s2) + eps))


def test_rmsprop_by_hand() -> None:
    lr, a, eps = 0.01, 0.99, 1e-8
    th = _run(RMSProp(lr=lr))
    v1 = (1 - a) * GRADS[0] ** 2
    t1 = THETA0 - lr * GRADS[0] / (np.sqrt(v1) + eps)
    v2 = a * v1 + (1 - a) * GRADS[1] ** 2
    assert np.allclose(th[0], t1) and np.allclose(th[1], t1 - lr * GRADS[1] / (np.sqrt(v2) + eps))
    th = _run(RMSProp(lr=lr, momentum=0.9))
    u1 = GRADS[0] / (np.sqrt(v1) + eps)
    u2 = GRADS[1] / (np.sqrt(v2) + eps)
    assert np.allclose(th[1], THETA0 - lr * u1 - lr * (0.9 * u1 + u2))


def _adam_by_hand(lr, b1, b2, eps, wd, decoupled) -> list[np.ndarray]:
    theta, m, v, out = THETA0.copy(), np.zeros(3), np.zeros(3), []
    for t, g in enumerate(GRADS, start=1):
        if decoupled:
            theta = theta * (1 - lr * wd)
        else:
            g = g + wd * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta = theta - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        out.append(theta)
    return out


@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_adam_and_adamw_by_hand(wd: float) -> None:
    for got, want in zip(_run(Adam(lr=0.1, weight_decay=wd)), _adam_by_hand(0.1, 0.9, 0.999, 1e-8, wd, False), strict=True):
        assert np.allclose(got, want, rtol=1e-13, atol=0)
    for got, want in zip(_run(AdamW(lr=0.1, weight_decay=wd)), _adam_by_hand(0.1, 0.9, 0.999, 1e-8, wd, True), strict=True):
        assert np.allclose(got, want, rtol=1e-13, atol=0)
    # Adam's first step has size ~lr in every coordinate, whatever the gradient's scale
    first = _run(Adam(lr=0.1))[0]
    assert np.allclose(np.abs(first - THETA0), 0.1, rtol=1e-6)
