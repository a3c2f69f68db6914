"""Tests of bpkit.conv: Conv2D and the im2col helpers (finite differences, PyTorch parity, input checks)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from image_layer_checks import assert_accumulates, assert_gradients, assert_output_is_free, torch_or_skip

from bpkit.conv import Conv2D, col2im, conv2d, conv2d_grad_input, conv2d_grad_weight, im2col, output_size
from bpkit.errors import ArgumentTypeError, ArgumentValueError, CallOrderError, ShapeError


@st.composite
def conv_configs(draw: st.DrawFn) -> dict:
    """A convolution small enough for finite differences: shapes, kernel, stride, padding, seed."""
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, kh - 2 * ph), 6))
    w = draw(st.integers(max(1, kw - 2 * pw), 6))
    return {
        "n": draw(st.integers(1, 3)), "c_in": draw(st.integers(1, 3)), "c_out": draw(st.integers(1, 3)),
        "h": h, "w": w, "kernel": (kh, kw), "stride": (draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        "padding": (ph, pw), "bias": draw(st.booleans()), "seed": draw(st.integers(0, 2**16)),
    }


def make(cfg: dict) -> tuple[Conv2D, np.ndarray, np.random.Generator]:
    rng = np.random.default_rng(cfg["seed"])
    layer = Conv2D(cfg["c_in"], cfg["c_out"], cfg["kernel"], cfg["stride"], cfg["padding"], bias=cfg["bias"],
                   init="xavier_uniform", rng=rng)
    if layer.b is not None:
        layer.b[...] = rng.normal(size=layer.b.shape)
    return layer, rng.normal(size=(cfg["n"], cfg["c_in"], cfg["h"], cfg["w"])), rng


@settings(max_examples=40, deadline=None)
@given(conv_configs())
def test_gradients_match_finite_differences(cfg: dict) -> None:
    layer, X, rng = make(cfg)
    assert_gradients(layer, X, rng)


@settings(max_examples=25, deadline=None)
@given(conv_configs())
def test_parity_with_torch(cfg: dict) -> None:
    torch = torch_or_skip()
    F = torch.nn.functional
    layer, X, rng = make(cfg)
    Xt = torch.tensor(X, requires_grad=True)
    Wt = torch.tensor(layer.W, requires_grad=True)
    bt = None if layer.b is None else torch.tensor(layer.b, requires_grad=True)
    Yt = F.conv2d(Xt, Wt, bt, stride=cfg["stride"], padding=cfg["padding"])
    R = rng.normal(size=tuple(Yt.shape))
    Yt.backward(torch.tensor(R))
    layer.zero_grad()
    Y = layer.forward(X)
    dX = layer.backward(R)
    np.testing.assert_allclose(Y, Yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.dW, Wt.grad.numpy(), rtol=1e-12, atol=1e-12)
    if bt is not None:
        np.testing.assert_allclose(layer.db, bt.grad.numpy(), rtol=1e-12, atol=1e-12)
    # the functional forms: forward, dW as a correlation, dX as a full convolution with the flipped kernel
    np.testing.assert_allclose(conv2d(X, layer.W, layer.b, cfg["stride"], cfg["padding"]), Y, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(conv2d_grad_weight(X, R, cfg["kernel"], cfg["stride"], cfg["padding"]), layer.dW,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(conv2d_grad_input(R, layer.W, X.shape[2:], cfg["stride"], cfg["padding"]), dX,
                               rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(conv_configs())
def test_im2col_is_the_matrix_product_and_col2im_its_adjoint(cfg: dict) -> None:
    layer, X, rng = make(cfg)
    cols = im2col(X, cfg["kernel"], cfg["stride"], cfg["padding"])
    Y = layer.forward(X)
    n, c_out, ho, wo = Y.shape
    assert cols.shape == (n * ho * wo, cfg["c_in"] * cfg["kernel"][0] * cfg["kernel"][1])
    Z = cols @ layer.W.reshape(c_out, -1).T
    if layer.b is not None:
        Z += layer.b
    np.testing.assert_allclose(Z.reshape(n, ho, wo, c_out).transpose(0, 3, 1, 2), Y, rtol=1e-13, atol=1e-13)
    C = rng.normal(size=cols.shape)  # <im2col(X), C> = <X, col2im(C)>
    back = col2im(C, X.shape, cfg["kernel"], cfg["stride"], cfg["padding"])
    assert back.shape == X.shape
    assert np.isclose(np.sum(cols * C), np.sum(X * back), rtol=1e-12, atol=1e-12)


def test_small_example_by_hand() -> None:
    X = np.arange(16.0).reshape(1, 1, 4, 4)
    W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    layer = Conv2D(1, 1, 2, W=W, b=[0.5])
    Y = layer.forward(X)
    np.testing.assert_array_equal(Y, np.full((1, 1, 3, 3), 0.5 - 5.0))  # x[a, b] - x[a+1, b+1] = -5
    layer.zero_grad()
    dX = layer.backward(np.ones_like(Y))
    # every weight sees the sum of its 3x3 window of X; db counts the 9 positions
    np.testing.assert_array_equal(layer.dW[0, 0], [[45.0, 54.0], [81.0, 90.0]])
    np.testing.assert_array_equal(layer.db, [9.0])
    expected = np.zeros((4, 4))
    expected[:3, :3] += 1.0
    expected[1:, 1:] -= 1.0
    np.testing.assert_array_equal(dX[0, 0], expected)


def test_output_size_and_padding() -> None:
    assert output_size(8, 3, 1, 1) == 8
    assert output_size(7, 3, 2, 0) == 3
    layer = Conv2D(2, 4, 3, stride=2, padding=1, rng=np.random.default_rng(0))
    assert layer.forward(np.zeros((5, 2, 7, 9))).shape == (5, 4, 4, 5)


def test_gradient_rule_and_free_output() -> None:
    rng = np.random.default_rng(1)
    layer = Conv2D(2, 3, (2, 3), stride=(1, 2), padding=1, rng=rng)
    layer.b[...] = rng.normal(size=3)
    assert_accumulates(layer, rng.normal(size=(2, 2, 5, 6)), rng.normal(size=(3, 2, 4, 4)), rng)
    assert_output_is_free(layer, rng.normal(size=(2, 2, 5, 6)), rng)


def test_backward_params_skips_dX_and_adds_the_same_gradients() -> None:
    rng = np.random.default_rng(2)
    layer = Conv2D(1, 2, 3, padding=1, rng=rng)
    X, R = rng.normal(size=(2, 1, 5, 5)), rng.normal(size=(2, 2, 5, 5))
    layer.zero_grad()
    layer.forward(X)
    layer.backward(R)
    full = {k: g.copy() for k, g in layer.grads().items()}
    layer.zero_grad()
    layer.forward(X)
    assert layer.backward_params(R) is None
    for k, g in layer.grads().items():
        np.testing.assert_array_equal(g, full[k])


def test_float64_and_integer_input() -> None:
    layer = Conv2D(1, 1, 2, W=np.ones((1, 1, 2, 2)), bias=False)
    Y = layer.forward(np.arange(9).reshape(1, 1, 3, 3))
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y[0, 0], [[8.0, 12.0], [20.0, 24.0]])


def test_init_uses_the_fan_in_of_the_kernel() -> None:
    layer = Conv2D(16, 32, 3, rng=np.random.default_rng(0))  # he_normal: std sqrt(2 / (16 * 9))
    assert layer.W.shape == (32, 16, 3, 3)
    assert abs(layer.W.std() / np.sqrt(2 / 144) - 1) < 0.05
    np.testing.assert_array_equal(layer.b, np.zeros(32))


def test_bad_arguments_are_refused_with_clear_messages() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ArgumentValueError, match="in_channels must be an integer >= 1, got 0"):
        Conv2D(0, 2, 3, rng=rng)
    with pytest.raises(ArgumentValueError, match="padding must be an integer >= 0"):
        Conv2D(1, 2, 3, padding=-1, rng=rng)
    with pytest.raises(ArgumentTypeError, match="rng must be a numpy Generator"):
        Conv2D(1, 2, 3)
    with pytest.raises(ShapeError, match=r"W must have shape \(2, 1, 3, 3\), got \(2, 1, 2, 2\)"):
        Conv2D(1, 2, 3, W=np.zeros((2, 1, 2, 2)))
    with pytest.raises(ShapeError, match=r"b must have shape \(2,\), got \(3,\)"):
        Conv2D(1, 2, 3, W=np.zeros((2, 1, 3, 3)), b=np.zeros(3))


def test_bad_input_names_the_layer_and_both_shapes() -> None:
    layer = Conv2D(3, 4, 3, padding=1, rng=np.random.default_rng(0))
    with pytest.raises(ShapeError, match=r"Conv2D 3->4 \(3x3\): X must have shape \(N, 3, M, K\), got \(2, 1, 8, 8\)"):
        layer.forward(np.zeros((2, 1, 8, 8)))
    with pytest.raises(ShapeError, match=r"Conv2D 3->4 \(3x3\): X must have 4 dimensions, got shape \(2, 64\)"):
        layer.forward(np.zeros((2, 64)))
    small = Conv2D(1, 1, 5, padding=1, rng=np.random.default_rng(0))
    with pytest.raises(ShapeError, match=r"kernel 5x5 is larger than the padded input 4x4 \(input 2x2, padding 1,1\)"):
        small.forward(np.zeros((1, 1, 2, 2)))
    with pytest.raises(CallOrderError, match="call forward"):
        Conv2D(1, 1, 1, rng=np.random.default_rng(0)).backward(np.zeros((1, 1, 1, 1)))
    layer.forward(np.zeros((2, 3, 8, 8)))
    with pytest.raises(ShapeError, match=r"grad_out must have the output.s shape \(2, 4, 8, 8\), got \(2, 4, 7, 7\)"):
        layer.backward(np.zeros((2, 4, 7, 7)))


def test_functional_helpers_check_their_input() -> None:
    with pytest.raises(ShapeError, match="im2col: kernel 3x3 is larger than the padded input 2x2"):
        im2col(np.zeros((1, 1, 2, 2)), 3)
    with pytest.raises(ShapeError, match=r"col2im: cols must have shape \(4, 4\), got \(4, 3\)"):
        col2im(np.zeros((4, 3)), (1, 1, 3, 3), 2)
    with pytest.raises(ShapeError, match=r"conv2d_grad_input: dY must have shape \(N, 1, 2, 2\), got \(1, 1, 3, 3\)"):
        conv2d_grad_input(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 2, 2)), (3, 3))
    with pytest.raises(ShapeError, match=r"conv2d_grad_weight: dY must have shape \(1, C_out, 2, 2\), got \(1, 1, 3, 3\)"):
        conv2d_grad_weight(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 3, 3)), 2)


def test_a_small_cnn_passes_check_model() -> None:
    from bpkit.gradcheck import check_model
    from bpkit.layers import ActivationLayer, Dense
    from bpkit.model import Sequential
    from bpkit.pool import Flatten, MaxPool2D, Unflatten

    rng = np.random.default_rng(5)
    model = Sequential([Unflatten((1, 6, 6)), Conv2D(1, 3, 3, padding=1, rng=rng), ActivationLayer("tanh"),
                        MaxPool2D(2), Conv2D(3, 2, 2, rng=rng), Flatten(), Dense(8, 3, rng=rng)])
    X, y = rng.normal(size=(4, 36)), rng.integers(0, 3, size=4)
    report = check_model(model, "cross_entropy", X, y, eps=1e-4)  # small steps: no window changes its maximum
    assert report.passed, str(report)


def test_a_convolution_used_twice_gets_the_sum_of_both_gradients() -> None:
    from bpkit.layers import ActivationLayer
    from bpkit.model import Sequential

    rng = np.random.default_rng(6)
    conv = Conv2D(2, 2, 3, padding=1, rng=rng)
    model = Sequential([conv, ActivationLayer("tanh"), conv])
    assert list(model.parameters()) == ["W1", "b1"]
    X, R = rng.normal(size=(2, 2, 4, 4)), rng.normal(size=(2, 2, 4, 4))
    model.zero_grad()
    model.forward(X)
    model.backward(R)

    def J() -> float:
        return float(np.sum(R * model.forward(X)))

    from bpkit.gradcheck import numerical_gradient

    for name, p in model.parameters().items():
        np.testing.assert_allclose(model.gradients()[name], numerical_gradient(J, p, 1e-6), rtol=1e-6, atol=1e-8)
