"""Tests of bpkit.recurrent: RNN and LSTM against PyTorch and finite differences, truncation, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.errors import ArgumentTypeError, ArgumentValueError, CallOrderError, ShapeError
from bpkit.gradcheck import numerical_gradient, relative_error
from bpkit.layers import Dense
from bpkit.losses import SquaredError
from bpkit.model import Sequential
from bpkit.recurrent import LSTM, RNN

CLASSES = [RNN, LSTM]
TORCH_NAMES = {"W_ih": "weight_ih_l0", "W_hh": "weight_hh_l0", "b_ih": "bias_ih_l0", "b_hh": "bias_hh_l0"}

# local strategies: sequence shapes (N, T, F, H) small enough for finite differences
batch = st.integers(1, 3)
steps = st.integers(1, 6)
widths = st.integers(1, 3)
seeds = st.integers(0, 2**32 - 1)


def _run(layer, X, h0=None, c0=None):
    """Forward with the layer's own state arguments."""
    return layer.forward(X, h0) if isinstance(layer, RNN) else layer.forward(X, h0, c0)


def _make(cls, F, H, seed, **kw):
    """A layer whose weights are N(0, 0.8^2): large enough for non-trivial gradients, tanh not saturated."""
    rng = np.random.default_rng(seed)
    layer = cls(F, H, rng=rng, **kw)
    for p in layer.params().values():
        p[...] = rng.normal(0.0, 0.8, size=p.shape)
    return layer, rng


# ---------------------------------------------------------------- finite differences


@pytest.mark.parametrize("cls", CLASSES)
@given(n=batch, t=steps, f=widths, h=widths, seed=seeds, last=st.booleans())
@settings(max_examples=20, deadline=None)
def test_backward_matches_finite_differences(cls, n, t, f, h, seed, last) -> None:
    layer, rng = _make(cls, f, h, seed, return_sequences=not last)
    X = rng.normal(size=(n, t, f))
    h0, c0 = rng.normal(size=(n, h)), rng.normal(size=(n, h))
    G = rng.normal(size=(n, h) if last else (n, t, h))

    def objective() -> float:
        return float(np.sum(G * _run(layer, X, h0, c0)))

    objective()
    dX = layer.backward(G)
    worst = relative_error(dX, numerical_gradient(objective, X, order=4), tiny=1e-5).max()
    grads = {k: v.copy() for k, v in layer.grads().items()}
    for name, p in layer.params().items():
        worst = max(worst, relative_error(grads[name], numerical_gradient(objective, p, order=4), tiny=1e-5).max())
    objective()
    layer.backward(G)
    dh0 = layer.dh0.copy()
    worst = max(worst, relative_error(dh0, numerical_gradient(objective, h0, order=4), tiny=1e-5).max())
    if cls is LSTM:
        dc0 = layer.dc0.copy()
        worst = max(worst, relative_error(dc0, numerical_gradient(objective, c0, order=4), tiny=1e-5).max())
    assert worst < 1e-7


# ---------------------------------------------------------------- PyTorch parity


def _torch_run(cls, layer, X, h0, c0, G, k):
    """torch.nn.RNN/LSTM with the layer's weights, run in chunks of k steps with detached states."""
    torch = pytest.importorskip("torch", reason="PyTorch parity tests need torch (pip install torch)")
    torch.set_num_threads(1)
    tcls = torch.nn.RNN if cls is RNN else torch.nn.LSTM
    net = tcls(layer.input_size, layer.hidden_size, batch_first=True, bias="b_ih" in layer.params()).double()
    with torch.no_grad():
        for key, value in layer.params().items():
            getattr(net, TORCH_NAMES[key]).copy_(torch.from_numpy(value))
    Xt = torch.tensor(X, requires_grad=True)
    h0t, c0t = torch.tensor(h0[None], requires_grad=True), torch.tensor(c0[None], requires_grad=True)
    state = h0t if cls is RNN else (h0t, c0t)
    T = X.shape[1]
    k = k or T
    outs = []
    for s in range(0, T, k):
        out, state = net(Xt[:, s:s + k], state)
        outs.append(out)
        state = state.detach() if cls is RNN else tuple(x.detach() for x in state)
    out = torch.cat(outs, dim=1)
    if not layer.return_sequences:
        out = out[:, -1]
    (out * torch.from_numpy(G)).sum().backward()
    grads = {key: getattr(net, TORCH_NAMES[key]).grad.numpy() for key in layer.params()}
    dc0 = None if c0t.grad is None else c0t.grad.numpy()[0]
    return out.detach().numpy(), Xt.grad.numpy(), grads, h0t.grad.numpy()[0], dc0


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("bptt", [None, 1, 3])
@pytest.mark.parametrize("last", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_outputs_and_every_gradient_match_pytorch(cls, bptt, last, bias) -> None:
    rng = np.random.default_rng(7)
    N, T, F, H = 3, 8, 2, 4
    layer = cls(F, H, rng=rng, bias=bias, bptt_steps=bptt, return_sequences=not last)
    X, h0, c0 = rng.normal(size=(N, T, F)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    G = rng.normal(size=(N, H) if last else (N, T, H))
    out = _run(layer, X, h0, c0)
    dX = layer.backward(G)
    t_out, t_dX, t_grads, t_dh0, t_dc0 = _torch_run(cls, layer, X, h0, c0, G, bptt)
    assert np.allclose(out, t_out, rtol=1e-12, atol=1e-13)
    assert np.allclose(dX, t_dX, rtol=1e-12, atol=1e-13)
    assert set(t_grads) == set(layer.grads())
    for key, g in layer.grads().items():
        assert np.allclose(g, t_grads[key], rtol=1e-12, atol=1e-13), key
    assert np.allclose(layer.dh0, t_dh0, rtol=1e-12, atol=1e-13)
    if cls is LSTM:
        assert np.allclose(layer.dc0, t_dc0, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("cls", CLASSES)
def test_final_state_matches_pytorch(cls) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch parity tests need torch (pip install torch)")
    rng = np.random.default_rng(3)
    layer = cls(2, 3, rng=rng)
    X = rng.normal(size=(2, 5, 2))
    layer.forward(X)
    tcls = torch.nn.RNN if cls is RNN else torch.nn.LSTM
    net = tcls(2, 3, batch_first=True).double()
    with torch.no_grad():
        for key, value in layer.params().items():
            getattr(net, TORCH_NAMES[key]).copy_(torch.from_numpy(value))
        _, state = net(torch.from_numpy(X))
    if cls is RNN:
        assert np.allclose(layer.h_n, state.numpy()[0], rtol=1e-12, atol=1e-14)
    else:
        assert np.allclose(layer.h_n, state[0].numpy()[0], rtol=1e-12, atol=1e-14)
        assert np.allclose(layer.c_n, state[1].numpy()[0], rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- the gradient rule and truncation


@pytest.mark.parametrize("cls", CLASSES)
def test_backward_adds_into_gradients_and_zero_grad_resets(cls) -> None:
    layer, rng = _make(cls, 2, 3, 0)
    X, G = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 4, 3))
    layer.forward(X)
    layer.backward(G)
    once = {k: v.copy() for k, v in layer.grads().items()}
    layer.forward(X)
    layer.backward(G)
    for k, v in layer.grads().items():
        assert np.allclose(v, 2 * once[k])
    layer.zero_grad()
    assert all(not v.any() for v in layer.grads().values())
    assert all(layer.grads()[k] is v for k, v in layer.grads().items())


@pytest.mark.parametrize("cls", CLASSES)
def test_layer_used_twice_in_sequential_gets_the_sum(cls) -> None:
    layer, rng = _make(cls, 3, 3, 1)
    X = rng.normal(size=(2, 4, 3))
    G = rng.normal(size=(2, 4, 3))
    model = Sequential([layer, layer])
    if not hasattr(model, "zero_grad") or "_cache" not in Sequential.forward.__code__.co_names:
        pytest.skip("Sequential does not save and restore _cache yet (LIB-CORE's gradient-rule change)")
    model.zero_grad()
    model.forward(X)
    model.backward(G)
    got = {k: v.copy() for k, v in layer.grads().items()}

    def objective() -> float:
        return float(np.sum(G * layer.forward(layer.forward(X))))

    for name, p in layer.params().items():
        assert np.allclose(got[name], numerical_gradient(objective, p, order=4), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("cls", CLASSES)
@given(t=st.integers(2, 9), k=st.integers(1, 9), seed=seeds)
@settings(max_examples=15, deadline=None)
def test_truncation_equals_chunks_with_carried_state(cls, t, k, seed) -> None:
    layer, rng = _make(cls, 2, 3, seed, bptt_steps=k)
    X, G = rng.normal(size=(2, t, 2)), rng.normal(size=(2, t, 3))
    out = layer.forward(X)
    dX = layer.backward(G)
    truncated = {k_: v.copy() for k_, v in layer.grads().items()}
    chunked, _ = _make(cls, 2, 3, seed)  # same weights, full BPTT, run chunk by chunk
    h = c = None
    outs, dXs = [], []
    for s in range(0, t, k):
        outs.append(_run(chunked, X[:, s:s + k], h, c))
        dXs.append(chunked.backward(G[:, s:s + k]))
        h, c = chunked.h_n, getattr(chunked, "c_n", None)
    assert np.allclose(out, np.concatenate(outs, axis=1), rtol=1e-13, atol=1e-14)
    assert np.allclose(dX, np.concatenate(dXs, axis=1), rtol=1e-12, atol=1e-13)
    for key, g in chunked.grads().items():
        assert np.allclose(truncated[key], g, rtol=1e-12, atol=1e-13), key


@pytest.mark.parametrize("cls", CLASSES)
def test_backward_params_adds_the_same_gradients_without_dX(cls) -> None:
    a, rng = _make(cls, 2, 3, 4)
    b, _ = _make(cls, 2, 3, 4)
    X, G = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 5, 3))
    a.forward(X), b.forward(X)
    a.backward(G)
    assert b.backward_params(G) is None
    assert all(np.array_equal(a.grads()[k], b.grads()[k]) for k in a.grads())


def test_truncation_longer_than_the_sequence_is_full_bptt() -> None:
    a, rng = _make(RNN, 2, 3, 5)
    b, _ = _make(RNN, 2, 3, 5, bptt_steps=50)
    X, G = rng.normal(size=(2, 6, 2)), rng.normal(size=(2, 6, 3))
    a.forward(X), b.forward(X)
    assert np.array_equal(a.backward(G), b.backward(G))
    assert all(np.array_equal(a.grads()[k], b.grads()[k]) for k in a.grads())


@pytest.mark.parametrize("cls", CLASSES)
def test_output_is_a_fresh_array(cls) -> None:
    layer, rng = _make(cls, 2, 3, 2)
    X, G = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 4, 3))
    out = layer.forward(X)
    expected = layer.backward(G)
    layer.zero_grad()
    out2 = layer.forward(X)
    out2[...] = 99.0
    assert np.array_equal(layer.backward(G), expected) and not np.array_equal(out, out2)


def test_last_state_feeds_a_dense_layer_in_sequential() -> None:
    rng = np.random.default_rng(0)
    model = Sequential([RNN(2, 3, rng=rng, return_sequences=False), Dense(3, 1, rng=rng)])
    X, y = rng.normal(size=(4, 5, 2)), rng.normal(size=(4, 1))
    loss = SquaredError()
    model.zero_grad()
    model.backward(loss.grad(model.forward(X), y))
    grads = {k: v.copy() for k, v in model.gradients().items()}
    for name, p in model.parameters().items():
        num = numerical_gradient(lambda: float(loss(model.forward(X), y)), p, order=4)
        assert np.allclose(grads[name], num, rtol=1e-6, atol=1e-9), name


# ---------------------------------------------------------------- layouts, initialisation and errors


@pytest.mark.parametrize("cls, g", [(RNN, 1), (LSTM, 4)])
def test_parameter_layout_and_default_initialisation(cls, g) -> None:
    layer = cls(3, 5, rng=np.random.default_rng(0))
    shapes = {k: v.shape for k, v in layer.params().items()}
    assert shapes == {"W_ih": (5 * g, 3), "W_hh": (5 * g, 5), "b_ih": (5 * g,), "b_hh": (5 * g,)}
    bound = 1 / np.sqrt(5)
    assert all(np.abs(v).max() <= bound for v in layer.params().values())
    assert layer.params()["W_hh"] is layer.W_hh and layer.grads()["W_hh"] is layer.dW_hh
    assert set(cls(3, 5, rng=np.random.default_rng(0), bias=False).params()) == {"W_ih", "W_hh"}


def test_explicit_weights_are_copied_and_need_no_rng() -> None:
    W_ih, W_hh = np.ones((2, 1)), np.eye(2)
    layer = RNN(1, 2, bias=False, W_ih=W_ih, W_hh=W_hh)
    W_hh[0, 0] = 5.0
    assert layer.W_hh[0, 0] == 1.0


@pytest.mark.parametrize("cls", CLASSES)
def test_wrong_shapes_name_the_layer_and_both_shapes(cls) -> None:
    layer = cls(3, 4, rng=np.random.default_rng(0))
    with pytest.raises(ShapeError, match=rf"{cls.__name__} 3->4: X must have shape \(N, T, 3\), got \(2, 5, 2\)"):
        layer.forward(np.zeros((2, 5, 2)))
    with pytest.raises(ShapeError, match=r"X must have shape \(N, T, 3\), got \(2, 3\)"):
        layer.forward(np.zeros((2, 3)))
    with pytest.raises(ShapeError, match=rf"{cls.__name__} 3->4: h0 must have shape \(2, 4\), got \(2, 3\)"):
        layer.forward(np.zeros((2, 5, 3)), np.zeros((2, 3)))
    with pytest.raises(ShapeError, match=r"h0 must have shape \(2, 4\), got \(4,\)"):
        layer.forward(np.zeros((2, 5, 3)), np.zeros(4))
    layer.forward(np.zeros((2, 5, 3)))
    with pytest.raises(ShapeError, match=r"grad_out must have the output's shape \(2, 5, 4\), got \(2, 4\)"):
        layer.backward(np.zeros((2, 4)))
    with pytest.raises(ShapeError, match=r"W_hh must have shape"):
        cls(3, 4, rng=np.random.default_rng(0), W_hh=np.zeros((4 * cls.gates, 5)))


def test_lstm_cell_state_shape_is_checked() -> None:
    layer = LSTM(1, 2, rng=np.random.default_rng(0))
    with pytest.raises(ShapeError, match=r"LSTM 1->2: c0 must have shape \(3, 2\), got \(3, 1\)"):
        layer.forward(np.zeros((3, 4, 1)), None, np.zeros((3, 1)))


@pytest.mark.parametrize("k", [0, -3])
def test_truncation_below_one_is_refused(k) -> None:
    with pytest.raises(ArgumentValueError, match=rf"RNN 2->3: bptt_steps must be an integer >= 1, got {k}"):
        RNN(2, 3, rng=np.random.default_rng(0), bptt_steps=k)
    with pytest.raises(ArgumentTypeError, match="bptt_steps must be an integer"):
        LSTM(2, 3, rng=np.random.default_rng(0), bptt_steps=2.5)


def test_bad_sizes_missing_rng_and_call_order() -> None:
    with pytest.raises(ArgumentTypeError, match="RNN 2->3: return_sequences must be True or False, got 'no'"):
        RNN(2, 3, rng=np.random.default_rng(0), return_sequences="no")
    with pytest.raises(ArgumentValueError, match="hidden_size must be an integer >= 1, got 0"):
        RNN(2, 0, rng=np.random.default_rng(0))
    with pytest.raises(ArgumentTypeError, match="RNN 2->3: rng must be a numpy Generator"):
        RNN(2, 3)
    with pytest.raises(CallOrderError, match=r"LSTM 2->3: call forward\(\) before backward\(\)"):
        LSTM(2, 3, rng=np.random.default_rng(0)).backward(np.zeros((1, 1, 3)))
    with pytest.raises(ArgumentValueError, match="X must be finite"):
        RNN(2, 3, rng=np.random.default_rng(0)).forward(np.full((1, 2, 2), np.nan))
