"""Tests of bpkit.norm: BatchNorm and LayerNorm (finite differences, PyTorch parity, modes, input checks)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from image_layer_checks import assert_accumulates, assert_gradients, assert_output_is_free, torch_or_skip

from bpkit.errors import ArgumentValueError, CallOrderError, ShapeError
from bpkit.norm import BatchNorm, LayerNorm

shapes = st.one_of(
    st.tuples(st.integers(2, 6), st.integers(1, 4)),
    st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)),
).filter(lambda s: np.prod(s) // s[1] >= 2)  # training needs two values per channel


def with_affine(layer: BatchNorm | LayerNorm, rng: np.random.Generator) -> BatchNorm | LayerNorm:
    """gamma and beta away from 1 and 0, so that a missing gamma in a formula shows."""
    layer.gamma[...] = rng.uniform(0.5, 2.0, size=layer.gamma.shape)
    layer.beta[...] = rng.normal(size=layer.beta.shape)
    return layer


@settings(max_examples=40, deadline=None)
@given(shapes, st.booleans(), st.integers(0, 2**16))
def test_batch_norm_gradients_match_finite_differences(shape: tuple, training: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    bn = with_affine(BatchNorm(shape[1]), rng)
    bn.running_mean[...] = rng.normal(size=shape[1])
    bn.running_var[...] = rng.uniform(0.5, 2.0, size=shape[1])
    bn.train(training)
    X = rng.normal(size=shape) * rng.uniform(0.5, 3.0) + rng.normal()
    assert_gradients(bn, X, rng, rtol=1e-5, atol=1e-7)


@settings(max_examples=40, deadline=None)
@given(shapes, st.integers(0, 2**16), st.sampled_from([0.1, 0.5, 1.0]))
def test_batch_norm_parity_with_torch(shape: tuple, seed: int, momentum: float) -> None:
    torch = torch_or_skip()
    rng = np.random.default_rng(seed)
    bn = with_affine(BatchNorm(shape[1], eps=1e-5, momentum=momentum), rng)
    run_mean, run_var = torch.zeros(shape[1], dtype=torch.float64), torch.ones(shape[1], dtype=torch.float64)
    for training in (True, True, False):  # two training steps move the running statistics, then evaluation
        X = rng.normal(size=shape) * 2.0 + 1.0
        Xt = torch.tensor(X, requires_grad=True)
        gt = torch.tensor(bn.gamma, requires_grad=True)
        bt = torch.tensor(bn.beta, requires_grad=True)
        Yt = torch.nn.functional.batch_norm(Xt, run_mean, run_var, gt, bt, training=training, momentum=momentum,
                                            eps=1e-5)
        R = rng.normal(size=shape)
        Yt.backward(torch.tensor(R))
        bn.train(training)
        bn.zero_grad()
        Y = bn.forward(X)
        dX = bn.backward(R)
        np.testing.assert_allclose(Y, Yt.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(bn.dgamma, gt.grad.numpy(), rtol=1e-10, atol=1e-11)
        np.testing.assert_allclose(bn.dbeta, bt.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(bn.running_mean, run_mean.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(bn.running_var, run_var.numpy(), rtol=1e-12, atol=1e-14)


def test_batch_norm_normalizes_each_channel_in_training() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 3, 4, 5)) * np.array([1.0, 5.0, 0.1])[None, :, None, None] + 3.0
    Y = BatchNorm(3).forward(X)
    np.testing.assert_allclose(Y.mean(axis=(0, 2, 3)), 0.0, atol=1e-12)
    np.testing.assert_allclose(Y.var(axis=(0, 2, 3)), X.var(axis=(0, 2, 3)) / (X.var(axis=(0, 2, 3)) + 1e-5))


def test_running_statistics_follow_pytorch_rule() -> None:
    bn = BatchNorm(1, momentum=0.25)
    X = np.array([[1.0], [2.0], [6.0]])
    bn.forward(X)
    np.testing.assert_allclose(bn.running_mean, [0.75 * 0 + 0.25 * 3.0])
    np.testing.assert_allclose(bn.running_var, [0.75 * 1 + 0.25 * 7.0])  # unbiased: 14 / 2
    assert set(bn.buffers()) == {"running_mean", "running_var"}
    assert bn.buffers()["running_mean"] is bn.running_mean


def test_eval_mode_uses_running_statistics_and_is_affine() -> None:
    bn = BatchNorm(2)
    bn.running_mean[...] = [1.0, -1.0]
    bn.running_var[...] = [4.0, 0.25]
    bn.gamma[...] = [2.0, 3.0]
    bn.eval()
    X = np.array([[3.0, -1.0]])  # a single example is fine in evaluation mode
    np.testing.assert_allclose(bn.forward(X), [[2.0 * 2.0 / np.sqrt(4.0 + 1e-5), 0.0]])
    bn.zero_grad()
    np.testing.assert_allclose(bn.backward(np.ones((1, 2))), [[2.0 / np.sqrt(4 + 1e-5), 3.0 / np.sqrt(0.25 + 1e-5)]])
    before = bn.running_mean.copy()
    bn.forward(np.ones((5, 2)))
    np.testing.assert_array_equal(bn.running_mean, before)


def test_batch_of_one_is_refused_in_training() -> None:
    with pytest.raises(ArgumentValueError, match=r"BatchNorm\(3\): training needs more than one value per channel, "
                                                 r"got X of shape \(1, 3\)"):
        BatchNorm(3).forward(np.ones((1, 3)))
    BatchNorm(3).forward(np.ones((1, 3, 2, 1)))  # two values per channel: allowed, as in PyTorch


def test_gradient_rule_and_free_output() -> None:
    rng = np.random.default_rng(3)
    for layer in (with_affine(BatchNorm(3), rng), with_affine(LayerNorm(4), rng)):
        shape = (5, 3, 2, 2) if isinstance(layer, BatchNorm) else (5, 3, 4)
        assert_accumulates(layer, rng.normal(size=shape), rng.normal(size=(4, *shape[1:])), rng)
        assert_output_is_free(layer, rng.normal(size=shape), rng)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.sampled_from([(3,), (2, 3), (4,), (1, 5)]), st.integers(0, 2**16))
def test_layer_norm_gradients_match_finite_differences(n: int, normalized: tuple, seed: int) -> None:
    rng = np.random.default_rng(seed)
    ln = with_affine(LayerNorm(normalized), rng)
    assert_gradients(ln, rng.normal(size=(n, 2, *normalized)) * 2.0, rng, rtol=1e-5, atol=1e-7)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.sampled_from([(3,), (2, 3), (5,)]), st.integers(0, 2**16))
def test_layer_norm_parity_with_torch(n: int, normalized: tuple, seed: int) -> None:
    torch = torch_or_skip()
    rng = np.random.default_rng(seed)
    ln = with_affine(LayerNorm(normalized), rng)
    X = rng.normal(size=(n, *normalized)) * 3.0
    R = rng.normal(size=X.shape)
    Xt = torch.tensor(X, requires_grad=True)
    gt = torch.tensor(ln.gamma, requires_grad=True)
    bt = torch.tensor(ln.beta, requires_grad=True)
    Yt = torch.nn.functional.layer_norm(Xt, normalized, gt, bt, eps=1e-5)
    Yt.backward(torch.tensor(R))
    ln.zero_grad()
    np.testing.assert_allclose(ln.forward(X), Yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ln.backward(R), Xt.grad.numpy(), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ln.dgamma, gt.grad.numpy(), rtol=1e-10, atol=1e-11)
    np.testing.assert_allclose(ln.dbeta, bt.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_layer_norm_normalizes_each_example_the_same_in_both_modes() -> None:
    X = np.random.default_rng(0).normal(size=(3, 6)) * 4 + 2
    ln = LayerNorm(6)
    Y = ln.forward(X)
    np.testing.assert_allclose(Y.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_array_equal(ln.eval().forward(X), Y)
    assert ln.buffers() == {}


def test_bad_input_names_the_layer_and_both_shapes() -> None:
    with pytest.raises(ShapeError, match=r"BatchNorm\(3\): X must have shape \(N, 3\), got \(4, 2\)"):
        BatchNorm(3).forward(np.zeros((4, 2)))
    with pytest.raises(ShapeError, match=r"BatchNorm\(3\): X must have shape \(N, 3, M, K\), got \(4, 2, 5, 5\)"):
        BatchNorm(3).forward(np.zeros((4, 2, 5, 5)))
    with pytest.raises(ShapeError, match=r"BatchNorm\(3\): X must have 2 or 4 dimensions, got shape \(4, 3, 5\)"):
        BatchNorm(3).forward(np.zeros((4, 3, 5)))
    with pytest.raises(ShapeError, match=r"LayerNorm\(4,\): X must have shape \(N, ..., 4\), got \(2, 3\)"):
        LayerNorm(4).forward(np.zeros((2, 3)))
    with pytest.raises(ArgumentValueError, match="momentum must be a finite number > 0 and <= 1, got 0"):
        BatchNorm(3, momentum=0)
    with pytest.raises(ArgumentValueError, match="eps must be a finite number > 0"):
        LayerNorm(3, eps=0.0)
    with pytest.raises(CallOrderError):
        BatchNorm(2).backward(np.zeros((2, 2)))
    bn = BatchNorm(2)
    bn.forward(np.ones((3, 2)))
    with pytest.raises(ShapeError, match=r"grad_out must have the output.s shape \(3, 2\), got \(2, 3\)"):
        bn.backward(np.ones((2, 3)))
