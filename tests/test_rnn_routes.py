"""Tests of bpkit.rnn_routes: the four routes agree on small recurrent networks; bad input is refused."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.errors import ArgumentTypeError, ShapeError
from bpkit.layers import Dense
from bpkit.model import Sequential
from bpkit.recurrent import RNN
from bpkit.rnn_routes import compare_rnn_routes, rnn_model, symbolic_rnn, value_gradients

# the chapter's two-step, two-unit example
W_IH = [[0.5], [-1.0]]
W_HH = [[0.1, -0.3], [0.4, 0.2]]
V = [[1.0, -2.0]]
X = [[[1.0], [-2.0]]]
Y = [[0.5]]


def test_four_routes_agree_on_the_two_step_two_unit_rnn() -> None:
    report = compare_rnn_routes(rnn_model(W_IH, W_HH, V), X, Y)
    assert [r.shape for r in report.rows] == [(2, 1), (2, 2), (1, 2)]
    assert report.max_diff("symbolic") < 1e-14 and report.max_diff("autodiff") < 1e-14
    assert report.max_diff("numeric") < 1e-8


def test_hand_computed_bptt_matches_the_routes() -> None:
    """The two-step BPTT written out by hand: dW_hh = delta_2 h_1^T + delta_1 h_0^T, with h_0 = 0."""
    W_ih, W_hh, v = np.array(W_IH), np.array(W_HH), np.array(V)[0]
    x1, x2, y = 1.0, -2.0, 0.5
    h1 = np.tanh(W_ih[:, 0] * x1)
    h2 = np.tanh(W_ih[:, 0] * x2 + W_hh @ h1)
    y_hat = v @ h2
    d2 = (y_hat - y) * v * (1 - h2**2)
    d1 = (W_hh.T @ d2) * (1 - h1**2)
    dW_hh = np.outer(d2, h1)  # + outer(d1, h0) = 0
    dW_ih = np.outer(d2, [x2]) + np.outer(d1, [x1])
    g = value_gradients(rnn_model(W_IH, W_HH, V), X, Y)
    names = list(g)
    assert np.allclose(g[names[0]], dW_ih, rtol=1e-14) and np.allclose(g[names[1]], dW_hh, rtol=1e-14)
    assert np.allclose(g[names[2]], (y_hat - y) * h2[None, :], rtol=1e-14)


def test_symbolic_gradient_is_exact_at_rational_points() -> None:
    model = rnn_model(W_IH, W_HH, V)
    net = symbolic_rnn(model, 1, 2)
    subs = net.substitutions(model, X, Y)
    assert all(isinstance(v, sp.Rational) for v in subs.values())
    exact = net.gradients()["W_hh"].subs(subs)
    numeric = net.evaluate(model, X, Y)[1][list(model.parameters())[1]]
    assert np.allclose(np.array(exact.evalf(30).tolist(), dtype=float), numeric, rtol=1e-14)
    assert r"W^{\mathrm{hh}}_{12}" in net.latex(net.params["W_hh"][0, 1])


@given(n=st.integers(1, 2), t=st.integers(1, 3), f=st.integers(1, 2), h=st.integers(1, 2), o=st.integers(1, 2),
       bias=st.booleans(), readout_bias=st.booleans(), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=10, deadline=None)
def test_routes_agree_on_drawn_shapes(n, t, f, h, o, bias, readout_bias, seed) -> None:
    rng = np.random.default_rng(seed)
    model = rnn_model(rng.normal(size=(h, f)), rng.normal(size=(h, h)), rng.normal(size=(o, h)),
                      b_ih=rng.normal(size=h) if bias else None, b_hh=rng.normal(size=h) if bias else None,
                      c=rng.normal(size=o) if readout_bias else None)
    report = compare_rnn_routes(model, rng.normal(size=(n, t, f)), rng.normal(size=(n, o)))
    assert report.max_diff("symbolic") < 1e-12 and report.max_diff("autodiff") < 1e-12
    assert report.max_diff("numeric") < 1e-7


def test_bad_models_and_data_are_refused() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ArgumentTypeError, match="expected a model built by rnn_model"):
        value_gradients(Sequential([Dense(2, 1, rng=rng)]), X, Y)
    seq = Sequential([RNN(1, 2, rng=rng), Dense(2, 1, rng=rng)])
    with pytest.raises(ArgumentTypeError, match="must return its last state"):
        value_gradients(seq, X, Y)
    with pytest.raises(ArgumentTypeError, match="give both b_ih and b_hh"):
        rnn_model(W_IH, W_HH, V, b_ih=[0.0, 0.0])
    with pytest.raises(ShapeError, match=r"X must have shape \(N, T, 1\), got \(1, 2, 2\)"):
        compare_rnn_routes(rnn_model(W_IH, W_HH, V), np.zeros((1, 2, 2)), Y)
    with pytest.raises(ShapeError, match=r"y must have shape \(1, 1\), got \(1, 2\)"):
        compare_rnn_routes(rnn_model(W_IH, W_HH, V), X, [[0.5, 1.0]])
