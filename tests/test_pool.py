"""Tests of bpkit.pool: MaxPool2D, AvgPool2D, Flatten (finite differences, ties, PyTorch parity, input checks)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from image_layer_checks import assert_gradients, assert_output_is_free, torch_or_skip

from bpkit.errors import ArgumentValueError, CallOrderError, ShapeError
from bpkit.pool import AvgPool2D, Flatten, MaxPool2D, Unflatten


@st.composite
def pool_configs(draw: st.DrawFn) -> dict:
    """Input shape, kernel, stride (None: the kernel) and a seed."""
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    return {"shape": (draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(kh, 7)),
                      draw(st.integers(kw, 7))),
            "kernel": (kh, kw), "stride": stride, "seed": draw(st.integers(0, 2**16))}


@settings(max_examples=40, deadline=None)
@given(pool_configs(), st.sampled_from([MaxPool2D, AvgPool2D]))
def test_gradients_match_finite_differences(cfg: dict, kind: type) -> None:
    rng = np.random.default_rng(cfg["seed"])
    X = rng.normal(size=cfg["shape"])  # continuous values: no ties, and a 1e-6 step never moves a maximum
    assert_gradients(kind(cfg["kernel"], cfg["stride"]), X, rng)


@settings(max_examples=40, deadline=None)
@given(pool_configs(), st.sampled_from(["max", "avg"]), st.booleans())
def test_parity_with_torch(cfg: dict, kind: str, ties: bool) -> None:
    torch = torch_or_skip()
    rng = np.random.default_rng(cfg["seed"])
    # small integers make many ties inside windows, which must be resolved as PyTorch does
    X = rng.integers(0, 3, size=cfg["shape"]).astype(float) if ties else rng.normal(size=cfg["shape"])
    layer = (MaxPool2D if kind == "max" else AvgPool2D)(cfg["kernel"], cfg["stride"])
    fn = torch.nn.functional.max_pool2d if kind == "max" else torch.nn.functional.avg_pool2d
    Xt = torch.tensor(X, requires_grad=True)
    Yt = fn(Xt, cfg["kernel"], cfg["stride"])
    R = rng.normal(size=tuple(Yt.shape))
    Yt.backward(torch.tensor(R))
    Y = layer.forward(X)
    np.testing.assert_allclose(Y, Yt.detach().numpy(), rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(layer.backward(R), Xt.grad.numpy(), rtol=1e-14, atol=1e-14)


def test_max_pool_routes_and_tie_rule() -> None:
    X = np.array([[[[1.0, 5.0, 2.0, 2.0],
                    [3.0, 0.0, 2.0, 2.0],
                    [7.0, 7.0, 0.0, 1.0],
                    [7.0, 7.0, 1.0, 0.0]]]])
    pool = MaxPool2D(2)
    np.testing.assert_array_equal(pool.forward(X)[0, 0], [[5.0, 2.0], [7.0, 1.0]])
    dX = pool.backward(np.array([[[[10.0, 20.0], [30.0, 40.0]]]]))
    # the maximum's position gets the gradient; at a tie, the first in row-major order
    np.testing.assert_array_equal(dX[0, 0], [[0.0, 10.0, 20.0, 0.0],
                                             [0.0, 0.0, 0.0, 0.0],
                                             [30.0, 0.0, 0.0, 40.0],
                                             [0.0, 0.0, 0.0, 0.0]])


def test_overlapping_windows_add_their_gradients() -> None:
    X = np.array([[[[0.0, 9.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]])
    pool = MaxPool2D(2, stride=1)  # the 9 is the maximum of the top two windows; the bottom two are ties
    pool.forward(X)
    np.testing.assert_array_equal(pool.backward(np.ones((1, 1, 2, 2)))[0, 0], [[0.0, 2.0, 0.0], [1.0, 1.0, 0.0],
                                                                               [0.0, 0.0, 0.0]])
    avg = AvgPool2D(2, stride=1)
    avg.forward(X)
    np.testing.assert_allclose(avg.backward(np.ones((1, 1, 2, 2)))[0, 0], [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5],
                                                                           [0.25, 0.5, 0.25]])


def test_leftover_rows_and_columns_get_no_gradient() -> None:
    X = np.random.default_rng(0).normal(size=(1, 1, 5, 5))
    for layer in (MaxPool2D(2), AvgPool2D(2)):
        assert layer.forward(X).shape == (1, 1, 2, 2)
        dX = layer.backward(np.ones((1, 1, 2, 2)))
        assert not dX[0, 0, 4].any() and not dX[0, 0, :, 4].any()


def test_free_output_and_no_parameters() -> None:
    rng = np.random.default_rng(0)
    for layer in (MaxPool2D(2), AvgPool2D(2), Flatten()):
        assert_output_is_free(layer, rng.normal(size=(2, 3, 4, 4)), rng)
        assert layer.params() == {} and layer.grads() == {}


def test_flatten_round_trip() -> None:
    X = np.arange(24.0).reshape(2, 3, 2, 2)
    flat = Flatten()
    Y = flat.forward(X)
    np.testing.assert_array_equal(Y, X.reshape(2, 12))
    np.testing.assert_array_equal(flat.backward(Y), X)


def test_unflatten_round_trip() -> None:
    X = np.arange(24.0).reshape(2, 12)
    layer = Unflatten((3, 2, 2))
    Y = layer.forward(X)
    np.testing.assert_array_equal(Y, X.reshape(2, 3, 2, 2))
    np.testing.assert_array_equal(layer.backward(Y), X)
    assert_output_is_free(layer, X, np.random.default_rng(0))
    with pytest.raises(ShapeError, match=r"Unflatten\(3, 2, 2\): X must have shape \(N, 12\), got \(2, 10\)"):
        layer.forward(np.zeros((2, 10)))
    with pytest.raises(ShapeError, match="shape must be a non-empty tuple"):
        Unflatten(12)  # type: ignore[arg-type]


def test_bad_input_names_the_layer_and_both_shapes() -> None:
    with pytest.raises(ShapeError, match=r"MaxPool2D 3x3: kernel 3x3 is larger than the input 2x2 \(X of shape \(1, 1, 2, 2\)\)"):
        MaxPool2D(3).forward(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ShapeError, match=r"AvgPool2D 2x2: X must have 4 dimensions, got shape \(4, 4\)"):
        AvgPool2D(2).forward(np.zeros((4, 4)))
    with pytest.raises(ArgumentValueError, match="kernel_size must be an integer >= 1, got 0"):
        MaxPool2D(0)
    with pytest.raises(CallOrderError):
        MaxPool2D(2).backward(np.zeros((1, 1, 1, 1)))
    pool = MaxPool2D(2)
    pool.forward(np.zeros((1, 2, 4, 4)))
    with pytest.raises(ShapeError, match=r"MaxPool2D 2x2: grad_out must have the output.s shape \(1, 2, 2, 2\), got \(1, 2, 4, 4\)"):
        pool.backward(np.zeros((1, 2, 4, 4)))
    flat = Flatten()
    with pytest.raises(ShapeError, match=r"Flatten: X must have shape \(N, ...\) with at least 2 dimensions, got \(3,\)"):
        flat.forward(np.zeros(3))
    flat.forward(np.zeros((2, 3, 2)))
    with pytest.raises(ShapeError, match=r"Flatten: grad_out must have the output.s shape \(2, 6\), got \(2, 5\)"):
        flat.backward(np.zeros((2, 5)))
