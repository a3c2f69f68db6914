"""Tests of bpkit.routes: manual, automatic, symbolic and numeric gradients agree on every activation x loss."""

from __future__ import annotations

import inspect
import time

import numpy as np
import pytest

from bpkit import symbolic
from bpkit.activations import Sigmoid
from bpkit.catalogue import ACTIVATIONS
from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.layers import Dense, Dropout
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, Loss, SquaredError
from bpkit.model import MLP, Sequential
from bpkit.routes import ROUTES, RouteComparison, compare_routes

EXACT, NUMERIC = 1e-10, 1e-7
#: every elementwise activation of the catalogue: a rule added there is checked through all four routes
HIDDEN = [name for name, rule in ACTIVATIONS.items() if rule.elementwise]
#: (output activation, loss, kind of targets): every loss with the output it is meant for, softmax via MSE
LOSSES: list[tuple[str, Loss, str]] = [
    ("identity", SquaredError(), "real"),
    ("softmax", MSE(), "real"),
    ("sigmoid", BinaryCrossEntropy(), "binary"),
    ("identity", BinaryCrossEntropy(from_logits=True), "binary"),
    ("identity", CrossEntropy(), "labels"),
]


def seed_network() -> tuple[Sequential, np.ndarray, np.ndarray]:
    """The seed's 2-2-1 sigmoid network without biases: x = [1, -2], y = 1, J = 1/2 (yhat - y)^2."""
    model = Sequential([
        Dense(2, 2, activation="sigmoid", bias=False, W=[[1.0, -1.0], [2.0, 1.0]]),
        Dense(2, 1, activation="sigmoid", bias=False, W=[[2.0, -1.0]]),
    ])
    return model, np.array([[1.0, -2.0]]), np.array([[1.0]])


def assert_agree(result: RouteComparison) -> None:
    """Every exact route within EXACT of manual backprop, central differences within NUMERIC."""
    for row in result.rows:
        assert row.symbolic is not None and row.symbolic <= EXACT, row
        assert row.autodiff is not None and row.autodiff <= EXACT, row
        assert row.numeric is not None and row.numeric <= NUMERIC, row
    assert result.agree(EXACT, NUMERIC)


def test_seed_network_four_routes() -> None:
    model, X, y = seed_network()
    result = compare_routes(model, SquaredError(), X, y)
    assert_agree(result)
    assert [r.name for r in result.rows] == ["W1", "W2"] and [r.shape for r in result.rows] == [(2, 2), (1, 2)]
    # the routes' gradients are kept: W2's gradient is (yhat - y) yhat (1 - yhat) a1^T, a1 = sigma([3, 0])
    a1 = 1.0 / (1.0 + np.exp(-np.array([3.0, 0.0])))
    y_hat = 1.0 / (1.0 + np.exp(-(2.0 * a1[0] - a1[1])))
    expected = (y_hat - 1.0) * y_hat * (1.0 - y_hat) * a1
    for route in ("manual", *ROUTES):
        assert np.allclose(result.gradients[route]["W2"][0], expected, rtol=1e-7, atol=0), route
    bounded = result.to_markdown(floors=(1e-15, 1e-12, 1e-9)).splitlines()
    assert len(bounded) == 4 and all(line.count("| < 1e-") == 3 for line in bounded[2:])


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output, loss, kind", LOSSES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_every_activation_and_loss(hidden: str, output: str, loss: Loss, kind: str) -> None:
    rng = np.random.default_rng(7)
    model = MLP([2, 2, 2], activation=hidden, output_activation=output, seed=1)
    for b in (p for k, p in model.parameters().items() if k.startswith("b")):
        b[...] = rng.normal(scale=0.3, size=b.shape)  # biases are zero after init: give them values
    X = rng.normal(size=(2, 2))
    y = {"real": rng.normal(size=(2, 2)), "binary": np.array([[0.0, 1.0], [1.0, 1.0]]),
         "labels": np.array([1, 0])}[kind]
    a = X
    for layer in model.layers:  # no pre-activation near a ReLU kink, so central differences are valid
        z = a @ layer.W.T + layer.b
        assert layer.activation.smooth or np.min(np.abs(z)) > 1e-4
        a = layer.activation.forward(z)
    assert_agree(compare_routes(model, loss, X, y))


def test_no_bias_layer_and_one_hot_targets() -> None:
    rng = np.random.default_rng(1)
    model = Sequential([Dense(3, 2, activation="tanh", bias=False, rng=rng), Dense(2, 3, rng=rng)])
    X, y = rng.normal(size=(2, 3)), np.eye(3)[[2, 0]]
    result = compare_routes(model, CrossEntropy(), X, y)
    assert [r.name for r in result.rows] == ["W1", "W2", "b2"]
    assert_agree(result)


def test_a_wrong_backward_pass_is_caught() -> None:
    class WrongSigmoid(Sigmoid):
        """Forward is right; backward forgets the factor (1 - a): sigma' taken as sigma."""

        def backward(self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
            return grad_a * a

    model, X, y = seed_network()
    model.layers[0].activation = WrongSigmoid()
    result = compare_routes(model, SquaredError(), X, y)
    assert result.max_diff("symbolic") > 1e-3 and result.max_diff("numeric") > 1e-3
    assert result.max_diff("autodiff") > 1e-3 and not result.agree()
    assert np.max(np.abs(result.gradients["symbolic"]["W1"] - result.gradients["numeric"]["W1"])) < NUMERIC


def test_tables_and_chosen_routes() -> None:
    model, X, y = seed_network()
    result = compare_routes(model, SquaredError(), X, y, routes=("numeric",))
    assert result.rows[0].symbolic is None and result.rows[0].numeric is not None
    md = result.to_markdown().splitlines()
    assert md[0] == "| parameter | shape | manual vs symbolic | manual vs autodiff | manual vs numeric |"
    assert md[1] == "|---|---|---|---|---|" and len(md) == 4
    assert md[2].startswith("| W1 | 2x2 | not run | not run | ") and "e-" in md[2]
    text = str(result).splitlines()
    assert len(text) == 3 and text[0].split()[0] == "parameter" and "1x2" in text[2]
    with pytest.raises(ValueError, match="route 'symbolic' was not run"):
        result.max_diff("symbolic")
    assert result.agree()  # only the routes that ran are judged


def test_input_errors() -> None:
    model, X, y = seed_network()
    with pytest.raises(ArgumentValueError, match=r"routes must be some of .* unknown \['magic'\]"):
        compare_routes(model, SquaredError(), X, y, routes=("symbolic", "magic"))
    with pytest.raises(ArgumentTypeError, match="routes must be a list or tuple"):
        compare_routes(model, SquaredError(), X, y, routes="numeric")
    noisy = Sequential([Dense(2, 2, rng=np.random.default_rng(0)), Dropout(0.5, np.random.default_rng(0))])
    with pytest.raises(ArgumentValueError, match=r"model.eval\(\)"):
        compare_routes(noisy, MSE(), X, np.zeros((1, 2)))
    noisy.eval()
    assert compare_routes(noisy, MSE(), X, np.zeros((1, 2))).agree()
    with pytest.raises(ArgumentValueError, match="eps must be a finite number > 0"):
        compare_routes(model, SquaredError(), X, y, eps=0.0)


def test_networks_too_large_for_sympy_are_refused_at_once_with_an_estimate() -> None:
    model = MLP([4, 8, 8, 3], seed=0)
    X, y = np.ones((4, 4)), np.array([0, 1, 2, 0])
    start = time.perf_counter()
    with pytest.raises(ArgumentValueError, match=r"model 4-8-8-3 with 4 row\(s\) is too large for SymPy.*roughly \d+ s"):
        compare_routes(model, CrossEntropy(), X, y)
    assert time.perf_counter() - start < 5.0  # refused before any SymPy work (was 89 s of silence)
    result = compare_routes(model, CrossEntropy(), X, y, routes=("autodiff", "numeric"))  # what the message advises
    assert result.agree()
    assert inspect.signature(compare_routes).parameters["max_work"].default == symbolic.MAX_WORK


def test_weight_sharing_through_all_four_routes() -> None:
    rng = np.random.default_rng(3)
    shared = Dense(2, 2, activation="tanh", rng=rng, b=[0.1, -0.2])
    model = Sequential([shared, shared, Dense(2, 1, rng=rng)])
    result = compare_routes(model, SquaredError(), rng.normal(size=(2, 2)), rng.normal(size=(2, 1)))
    assert [r.name for r in result.rows] == ["W1", "b1", "W2", "b2"]
    assert_agree(result)
