"""Tests of bpkit.optim: each update rule against its formula computed by hand, schedules, clipping."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpkit.errors import ArgumentValueError, CallOrderError, ShapeError
from bpkit.model import MLP
from bpkit.optim import (
    SGD,
    AdaGrad,
    Adam,
    AdamW,
    RMSProp,
    clip_grad_norm,
    constant,
    cosine_decay,
    exponential_decay,
    per_epoch,
    step_decay,
    warmup,
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


def test_defaults_match_pytorch() -> None:
    assert (AdaGrad().lr, AdaGrad().eps) == (1e-2, 1e-10)
    r = RMSProp()
    assert (r.lr, r.alpha, r.eps, r.momentum) == (1e-2, 0.99, 1e-8, 0.0)
    a = Adam()
    assert (a.lr, a.betas, a.eps, a.weight_decay) == (1e-3, (0.9, 0.999), 1e-8, 0.0)
    assert AdamW().weight_decay == 1e-2


def test_step_on_a_model_and_zero_grad() -> None:
    model = MLP([2, 3, 1], seed=0)
    X = np.array([[0.5, -1.0], [2.0, 0.0]])
    opt = SGD(lr=0.5)
    with pytest.raises(CallOrderError, match="no gradients"):
        opt.step(model)  # before any backward: nothing to step with
    model.backward(model.forward(X))
    before = {k: p.copy() for k, p in model.parameters().items()}
    grads = {k: g.copy() for k, g in model.gradients().items()}
    opt.step(model)
    for k, p in model.parameters().items():
        assert np.allclose(p, before[k] - 0.5 * grads[k])
    opt.zero_grad()  # the models it has stepped
    assert all(np.all(g == 0) for g in model.gradients().values())
    assert opt.t == 1
    with pytest.raises(CallOrderError, match="no gradients"):
        AdamW(0.1).step(model)  # after zero_grad, AdamW must not decay the weights silently


def test_state_belongs_to_each_parameter() -> None:
    """One optimizer over two models equals two optimizers; a model of other shapes gets its own state."""
    X = np.array([[0.5, -1.0], [2.0, 0.0]])

    def grads_of(model):
        model.zero_grad()
        model.backward(model.forward(X) - 1.0)

    a, b = MLP([2, 3, 1], seed=0), MLP([2, 3, 1], seed=1)
    a2, b2 = MLP([2, 3, 1], seed=0), MLP([2, 3, 1], seed=1)
    shared, alone_a, alone_b = Adam(0.1), Adam(0.1), Adam(0.1)
    for _ in range(3):
        for model, opt in ((a, shared), (b, shared), (a2, alone_a), (b2, alone_b)):
            grads_of(model)
            opt.step(model)
    for k in a.parameters():
        assert np.array_equal(a.parameters()[k], a2.parameters()[k])
        assert np.array_equal(b.parameters()[k], b2.parameters()[k])
    other = MLP([2, 5, 5, 1], seed=2)
    grads_of(other)
    shared.step(other)
    assert shared.state_of(other.parameters()["W1"])["step"] == 1
    assert shared.state_of(a.parameters()["W1"])["step"] == 3


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


def test_numpy_scalars_are_numbers() -> None:
    assert SGD(np.float32(0.1)).lr == pytest.approx(0.1)
    assert Adam(betas=(np.float64(0.8), 0.9)).betas == (0.8, 0.9)
    assert clip_grad_norm({"a": np.array([3.0, 4.0])}, np.int64(1)) == 5.0


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
