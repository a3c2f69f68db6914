"""Tests of bpkit.autodiff: local derivatives, fan-out, accumulation, deep graphs, the model route."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.autodiff import Value, topological_order, zero_grad
from bpkit.autodiff_model import model_gradients
from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.layers import ActivationLayer, Dense, Dropout
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, SquaredError
from bpkit.model import MLP, Sequential

UNARY = {
    "exp": (lambda v: v.exp(), math.exp),
    "log": (lambda v: v.log(), math.log),
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    "relu": (lambda v: v.relu(), lambda x: max(0.0, x)),
    "square": (lambda v: v**2, lambda x: x**2),
    "cube_root": (lambda v: v ** (1 / 3), lambda x: x ** (1 / 3)),
    "reciprocal": (lambda v: 1 / v, lambda x: 1 / x),
    "neg": (lambda v: -v, lambda x: -x),
    "rsub": (lambda v: 3 - v, lambda x: 3 - x),
}


@pytest.mark.parametrize("name", list(UNARY))
@given(x=st.floats(0.1, 3.0))
@settings(max_examples=25, deadline=None)
def test_unary_ops_match_central_differences(name: str, x: float) -> None:
    op, f = UNARY[name]
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(f(x), rel=1e-12)
    h = 1e-5
    numeric = (f(x + h) - f(x - h)) / (2 * h)
    assert v.grad == pytest.approx(numeric, rel=1e-7, abs=1e-9)


@given(a=st.floats(-3, 3), b=st.floats(0.5, 3))
@settings(max_examples=25, deadline=None)
def test_binary_ops(a: float, b: float) -> None:
    x, y = Value(a), Value(b)
    out = x * y + x / y - y
    out.backward()
    assert x.grad == pytest.approx(b + 1 / b)
    assert y.grad == pytest.approx(a - a / b**2 - 1)


def test_composite_with_fan_out_by_hand() -> None:
    # f(x, w) = tanh(x w) * x + (x w)^2, with u = x w used twice and x used twice
    x, w = Value(0.5, "x"), Value(-1.5, "w")
    u = x * w
    f = u.tanh() * x + u**2
    f.backward()
    U = 0.5 * -1.5
    df_du = (1 - math.tanh(U) ** 2) * 0.5 + 2 * U
    assert f.data == pytest.approx(math.tanh(U) * 0.5 + U**2)
    assert x.grad == pytest.approx(df_du * -1.5 + math.tanh(U))
    assert w.grad == pytest.approx(df_du * 0.5)
    assert u.grad == pytest.approx(df_du)


def test_a_node_used_twice_in_one_op() -> None:
    a = Value(3.0)
    b = a * a  # d(a^2)/da = 2a: both edges contribute
    b.backward()
    assert a.grad == 6.0
    c = Value(2.0)
    d = c + c + c
    d.backward()
    assert c.grad == 3.0


def test_repeated_backward_accumulates_in_leaves_only() -> None:
    x = Value(2.0)
    y = x * 3.0
    z = y * y  # dz/dx = 2 y * 3 = 36
    z.backward()
    assert x.grad == 36.0 and y.grad == 12.0
    z.backward()
    assert x.grad == 72.0  # leaves accumulate, as PyTorch's .grad does
    assert y.grad == 12.0  # inner nodes are recomputed, not piled up
    z.zero_grad()
    assert x.grad == 0.0 and y.grad == 0.0
    z.backward()
    assert x.grad == 36.0
    zero_grad([x])
    assert x.grad == 0.0


def test_a_million_node_chain_needs_no_recursion() -> None:
    limit = sys.getrecursionlimit()
    x = Value(1.0)
    v = x
    for _ in range(1_000_000):
        v = v + 1.0
    v.backward()
    assert x.grad == 1.0 and v.data == 1_000_001.0
    assert sys.getrecursionlimit() == limit


def test_topological_order_is_deterministic_and_parents_first() -> None:
    def build() -> Value:
        a, b = Value(1.0, "a"), Value(2.0, "b")
        c = a * b
        c.label = "c"
        d = c + a
        d.label = "d"
        return d

    names1 = [v.label for v in topological_order(build())]
    names2 = [v.label for v in topological_order(build())]
    assert names1 == names2 == ["a", "b", "c", "d"]


def test_input_errors() -> None:
    with pytest.raises(ArgumentTypeError, match="k must be a plain real number"):
        Value(2.0) ** Value(3.0)  # type: ignore[operator]
    with pytest.raises(ArgumentValueError, match="data > 0"):
        Value(0.0).log()
    with pytest.raises(ArgumentTypeError, match="other must be a Value or a real number"):
        Value(1.0) + "a"  # type: ignore[operator]
    with pytest.raises(ArgumentTypeError, match="already a Value"):
        Value(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(ArgumentValueError, match=r"negative base .* needs a whole exponent"):
        Value(-8.0) ** (1 / 3)


def test_extremes_are_finite_or_infinite_as_in_numpy() -> None:
    for x in (-1000.0, 1000.0):
        s = Value(x).sigmoid()
        s.backward()
        assert math.isfinite(s.data)
    e = Value(1000.0).exp()  # NumPy and PyTorch give inf, not an OverflowError
    e.backward()
    assert e.data == math.inf and e.parents[0].grad == math.inf
    assert (Value(10.0) ** 400).data == math.inf and (Value(-10.0) ** 401).data == -math.inf
    assert (Value(-2.0) ** 3).data == -8.0 and (Value(-2.0) ** np.int64(2)).data == 4.0


def test_numpy_scalars_are_numbers_and_comparisons_read_data() -> None:
    x = Value(np.float32(2.5))
    y = x * np.int64(3) + np.float64(1.0)
    y.backward()
    assert y.data == 8.5 and x.grad == 3.0
    assert Value(2.0) > 1 and Value(1.0) <= Value(1.0) and not Value(0.0) > 0
    assert len({Value(1.0), Value(1.0)}) == 2  # equality stays identity: nodes hash by id


def test_custom_node_with_a_hand_written_derivative() -> None:
    a, b = Value(3.0), Value(2.0)
    y = Value(a.data * b.data**2, op="a*b^2", parents=(a, b), local_grads=(b.data**2, 2 * a.data * b.data))
    (y * 2).backward()
    assert (a.grad, b.grad) == (8.0, 24.0)
    with pytest.raises(ArgumentValueError, match="one number per parent"):
        Value(1.0, parents=(a, b), local_grads=(1.0,))
    with pytest.raises(ArgumentTypeError, match="parents must all be Value"):
        Value(1.0, parents=(1.0,), local_grads=(1.0,))  # type: ignore[arg-type]


def test_activation_by_name_and_log1p() -> None:
    x = Value(0.0)
    sp_ = x.activation("softplus")
    sp_.backward()
    assert sp_.data == math.log(2.0) and x.grad == 0.5
    assert x.softplus().data == sp_.data
    assert Value(-2.0).activation("leaky_relu", negative_slope=0.5).data == -1.0
    with pytest.raises(ArgumentValueError, match=r"name must be one of .*'sigmoid'.*got 'softmax'"):
        Value(1.0).activation("softmax")
    with pytest.raises(ArgumentTypeError, match="unknown parameter"):
        Value(1.0).activation("tanh", negative_slope=0.5)
    t = Value(1e-20)
    lp = t.log1p()
    lp.backward()
    assert lp.data == 1e-20 and t.grad == 1.0


CASES = [
    ("identity", MSE(), lambda r: r.normal(size=(3, 2))),
    ("sigmoid", SquaredError(), lambda r: r.random((3, 2))),
    ("sigmoid", BinaryCrossEntropy(), lambda r: (r.random((3, 2)) > 0.5) * 1.0),
    ("identity", BinaryCrossEntropy(from_logits=True), lambda r: (r.random((3, 2)) > 0.5) * 1.0),
    ("identity", CrossEntropy(), lambda r: r.integers(0, 2, 3)),
    ("identity", CrossEntropy(), lambda r: np.eye(2)[r.integers(0, 2, 3)]),
]


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
@pytest.mark.parametrize("out,loss,make_y", CASES)
def test_model_gradients_equal_manual_backprop(hidden, out, loss, make_y) -> None:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3, 3))
    y = make_y(rng)
    model = MLP([3, 4, 2], activation=hidden, output_activation=out, seed=4)
    model.zero_grad()
    model.backward(loss.grad(model.forward(X), y))
    auto = model_gradients(model, loss, X, y)
    manual = model.gradients()
    assert list(auto) == list(manual)
    for k in manual:
        assert np.allclose(auto[k], manual[k], rtol=1e-10, atol=1e-12), k


def test_model_gradients_with_softmax_layer_dropout_and_no_bias() -> None:
    rng = np.random.default_rng(0)
    model = Sequential([
        Dense(2, 3, activation="tanh", bias=False, rng=rng),
        Dropout(0.5, rng),
        Dense(3, 3, rng=rng),
        ActivationLayer("softmax"),
    ])
    X, y = rng.normal(size=(2, 2)), rng.random((2, 3))
    model.eval()
    model.zero_grad()
    model.backward(MSE().grad(model.forward(X), y))
    auto = model_gradients(model, MSE(), X, y)
    for k, g in model.gradients().items():
        assert np.allclose(auto[k], g, rtol=1e-10, atol=1e-12), k


def test_model_gradients_with_weight_sharing_sum_over_the_uses() -> None:
    rng = np.random.default_rng(5)
    shared = Dense(3, 3, activation="tanh", rng=rng)
    model = Sequential([shared, shared, Dense(3, 2, rng=rng)])
    X, y = rng.normal(size=(2, 3)), rng.normal(size=(2, 2))
    model.zero_grad()
    model.backward(MSE().grad(model.forward(X), y))
    auto = model_gradients(model, MSE(), X, y)
    assert list(auto) == list(model.gradients())
    for k, g in model.gradients().items():
        assert np.allclose(auto[k], g, rtol=1e-10, atol=1e-12), k


def test_model_gradients_leave_the_parameters_alone() -> None:
    model = MLP([2, 3, 2], activation="sigmoid", seed=0)
    before = {k: v.copy() for k, v in model.parameters().items()}
    model_gradients(model, CrossEntropy(), np.ones((2, 2)), np.array([0, 1]))
    assert all(np.array_equal(before[k], v) for k, v in model.parameters().items())
