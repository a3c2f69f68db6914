"""Tests of bpkit.optim: each update rule against its formula computed by hand, schedules, clipping."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.optim import (
    SGD,
    AdaGrad,
    Adam,
    AdamW,
    RMSProp,
    clip_grad_norm,
)

THETA0 = np.array([1.0, -2.0, 0.5])
GRADS = [np.array([0.3, -0.1, 2.0]), np.array([-0.5, 0.4, 1.0]), np.array([0.2, 0.2, -0.3])]


def _run(opt) -> list[np.ndarray]:
    """Apply the three gradients in turn; return theta after each step."""
    theta = THETA0.copy()
    out = []
    for g in GRADS:
        opt.step_arrays({"p": theta}, {"p": g.copy()})
        out.append(theta.copy())
    return out


def test_sgd_plain_and_weight_decay() -> None:
    th = _run(SGD(lr=0.1))
    assert np.allclose(th[0], THETA0 - 0.1 * GRADS[0])
    th = _run(SGD(lr=0.1, weight_decay=0.01))
    assert np.allclose(th[0], THETA0 - 0.1 * (GRADS[0] + 0.01 * THETA0))


def test_sgd_momentum_and_nesterov_by_hand() -> None:
    lr, mu = 0.1, 0.9
    th = _run(SGD(lr=lr, momentum=mu))
    b1 = GRADS[0]
    t1 = THETA0 - lr * b1
    b2 = mu * b1 + GRADS[1]
    t2 = t1 - lr * b2
    b3 = mu * b2 + GRADS[2]
    assert np.allclose(th[0], t1) and np.allclose(th[1], t2) and np.allclose(th[2], t2 - lr * b3)
    th = _run(SGD(lr=lr, momentum=mu, nesterov=True))
    n1 = THETA0 - lr * (GRADS[0] + mu * b1)
    assert np.allclose(th[0], n1)
    assert np.allclose(th[1], n1 - lr * (GRADS[1] + mu * b2))
    th = _run(SGD(lr=lr, momentum=mu, dampening=0.5))
    d2 = mu * b1 + 0.5 * GRADS[1]  # the first buffer is g itself, undampened (as in PyTorch)
    assert np.allclose(th[1], t1 - lr * d2)


def test_defaults_match_pytorch() -> None:
    assert (AdaGrad().lr, AdaGrad().eps) == (1e-2, 1e-10)
    r = RMSProp()
    assert (r.lr, r.alpha, r.eps, r.momentum) == (1e-2, 0.99, 1e-8, 0.0)
    a = Adam()
    assert (a.lr, a.betas, a.eps, a.weight_decay) == (1e-3, (0.9, 0.999), 1e-8, 0.0)
    assert AdamW().weight_decay == 1e-2


def test_numpy_scalars_are_numbers() -> None:
    assert SGD(np.float32(0.1)).lr == pytest.approx(0.1)
    assert Adam(betas=(np.float64(0.8), 0.9)).betas == (0.8, 0.9)
    assert clip_grad_norm({"a": np.array([3.0, 4.0])}, np.int64(1)) == 5.0


def test_clip_grad_norm_like_pytorch() -> None:
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    total = clip_grad_norm(grads, max_norm=1.0)
    assert total == 5.0
    assert np.isclose(np.sqrt(sum((g**2).sum() for g in grads.values())), 1.0, rtol=1e-5)
    small = {"a": np.array([0.3, 0.4])}
    assert np.isclose(clip_grad_norm(small, 1.0), 0.5) and np.allclose(small["a"], [0.3, 0.4])


def test_bad_hyperparameters_and_keys() -> None:
    with pytest.raises(ArgumentValueError, match="SGD: lr must be a finite number >= 0"):
        SGD(lr=-1.0)
    with pytest.raises(ArgumentValueError, match="Nesterov"):
        SGD(lr=0.1, nesterov=True)
    with pytest.raises(ArgumentValueError, match="betas"):
        Adam(betas=(1.0, 0.999))
    with pytest.raises(ArgumentValueError, match=r"betas must be a pair \(beta1, beta2\)"):
        Adam(betas=(0.9,))
    with pytest.raises(ArgumentValueError, match="grads must have the keys of params"):
        SGD(0.1).step_arrays({"a": np.zeros(2)}, {"b": np.zeros(2)})
    with pytest.raises(ShapeError, match=r"grads\[.a.\] must have the shape \(2,\)"):
        SGD(0.1).step_arrays({"a": np.zeros(2)}, {"a": np.zeros(3)})


def test_matches_torch_optim_when_available() -> None:
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    cases = [
        (SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
        (AdaGrad(lr=0.1), lambda p: torch.optim.Adagrad(p, lr=0.1)),
        (RMSProp(lr=0.01, momentum=0.5), lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5)),
        (Adam(lr=0.1, weight_decay=0.1), lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.1)),
        (AdamW(lr=0.1), lambda p: torch.optim.AdamW(p, lr=0.1)),
    ]
    for ours, make in cases:
        p = torch.tensor(THETA0.copy(), requires_grad=True)
        opt = make([p])
        for g in GRADS:
            p.grad = torch.tensor(g)
            opt.step()
        assert np.allclose(_run(ours)[-1], p.detach().numpy(), rtol=1e-12, atol=1e-14)
