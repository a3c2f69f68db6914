"""Tests of bpkit.symbolic: symbols, exact gradients against bpkit and the hand chain rule, lambdify order, LaTeX."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.activations import LeakyReLU, get_activation
from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.layers import ActivationLayer, Dense, Dropout
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, Loss, SquaredError
from bpkit.model import MLP, Sequential
from bpkit.symbolic import (
    MAX_WORK,
    activation_derivative,
    activation_expr,
    architecture,
    estimate_work,
    symbolic_gradients,
    symbolic_loss,
)
from strategies import moderate


def seed_network() -> tuple[Sequential, np.ndarray, np.ndarray]:
    """The seed's 2-2-1 sigmoid network without biases: x = [1, -2], y = 1."""
    model = Sequential([
        Dense(2, 2, activation="sigmoid", bias=False, W=[[1.0, -1.0], [2.0, 1.0]]),
        Dense(2, 1, activation="sigmoid", bias=False, W=[[2.0, -1.0]]),
    ])
    return model, np.array([[1.0, -2.0]]), np.array([[1.0]])


def hand_chain_rule(W1: list[list[float]], W2: list[float], x: list[float], y: float) -> tuple[float, list, list]:
    """J = 1/2 (yhat - y)^2 and its gradients, scalar by scalar with math.exp (independent of bpkit)."""
    sig = lambda t: 1.0 / (1.0 + math.exp(-t))  # noqa: E731
    z1 = [W1[j][0] * x[0] + W1[j][1] * x[1] for j in range(2)]
    a1 = [sig(t) for t in z1]
    y_hat = sig(W2[0] * a1[0] + W2[1] * a1[1])
    delta2 = (y_hat - y) * y_hat * (1.0 - y_hat)  # dJ/dz2 = (yhat - y) sigma'(z2)
    delta1 = [W2[j] * delta2 * a1[j] * (1.0 - a1[j]) for j in range(2)]  # dJ/dz1_j
    dW1 = [[delta1[j] * x[k] for k in range(2)] for j in range(2)]
    dW2 = [[delta2 * a1[0], delta2 * a1[1]]]
    return 0.5 * (y_hat - y) ** 2, dW1, dW2


def test_seed_network_matches_hand_chain_rule_and_backprop() -> None:
    model, X, y = seed_network()
    net = symbolic_loss(model, SquaredError())
    J, grads = net.evaluate(X, y, model.parameters())
    J_hand, dW1, dW2 = hand_chain_rule([[1, -1], [2, 1]], [2, -1], [1, -2], 1.0)
    assert pytest.approx(J_hand, rel=1e-14) == J
    assert np.allclose(grads["W1"], dW1, rtol=0, atol=1e-15)
    assert np.allclose(grads["W2"], dW2, rtol=0, atol=1e-15)
    model.backward(SquaredError().grad(model.forward(X), y))
    for k, g in model.gradients().items():
        assert np.max(np.abs(g - grads[k])) < 1e-15
    # z1 = W1 x = [3, 0] exactly, so dJ/dW2_12 = delta2 * sigma(0) = delta2 / 2: an exact check in SymPy
    point = dict(zip(net.args, [1, -2, 1, 1, -1, 2, 1, 2, -1], strict=True))
    exact = net.gradients()["W2"][0, 1].xreplace(point)
    assert sp.simplify(exact - net.gradients()["W2"][0, 0].xreplace(point) / (2 / (1 + sp.exp(-3)))) == 0


def test_explicit_argument_order_and_latex_names() -> None:
    model, _, _ = seed_network()
    net = symbolic_loss(model, SquaredError())
    assert [str(s) for s in net.args] == ["x_1", "x_2", "y_1", "W1_1_1", "W1_1_2", "W1_2_1", "W1_2_2",
                                         "W2_1_1", "W2_1_2"]
    assert net.latex(net.params["W1"][0, 1]) == "W^{(1)}_{12}"
    assert {k: M.shape for k, M in net.gradients().items()} == {"W1": (2, 2), "W2": (1, 2)}
    tex = net.latex(net.J)
    assert "W^{(2)}_{11}" in tex and "x_{2}" in tex and "y_{1}" in tex and "W1_1_1" not in tex
    assert r"\sigma{\left(W^{(1)}_{11} x_{1} + W^{(1)}_{12} x_{2} \right)}" in tex  # display form of 1/(1+e^{-u})
    assert r"\sigma" not in net.latex(net.J, sigma=False) and "e^{- W^{(1)}_{11} x_{1}" in net.latex(net.J, sigma=False)
    eq = net.gradient_latex("W2", 0, 1)
    assert eq.startswith(r"\frac{\partial J}{\partial W^{(2)}_{12}} = ")
    with pytest.raises(ArgumentValueError, match=r"name must be one of \['W1', 'W2'\], got 'b1'"):
        net.gradient_latex("b1", 0)
    batch = symbolic_loss(MLP([2, 3, 1], activation="tanh", seed=0), MSE(), n_samples=2)
    assert batch.latex(batch.X[1, 0]) == "x_{2,1}" and batch.latex(batch.params["b1"][2]) == "b^{(1)}_{3}"
    assert [str(s) for s in batch.args[:4]] == ["x_1_1", "x_1_2", "x_2_1", "x_2_2"]


LOSSES: list[tuple[str, Loss, str]] = [
    ("identity", SquaredError(), "real"),
    ("softmax", MSE(), "real"),
    ("sigmoid", BinaryCrossEntropy(), "binary"),
    ("identity", BinaryCrossEntropy(from_logits=True), "binary"),
    ("identity", CrossEntropy(), "labels"),
    ("identity", CrossEntropy(), "onehot"),
]


def targets(kind: str, rng: np.random.Generator, n: int, c: int) -> np.ndarray:
    """Targets of each kind the losses take."""
    if kind == "real":
        return rng.normal(size=(n, c))
    if kind == "binary":
        return rng.integers(0, 2, size=(n, c)).astype(np.float64)
    labels = rng.integers(0, c, size=n)
    return labels if kind == "labels" else np.eye(c)[labels]


@pytest.mark.parametrize("output, loss, kind", LOSSES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_loss_value_and_gradients_match_bpkit(output: str, loss: Loss, kind: str) -> None:
    rng = np.random.default_rng(3)
    model = MLP([2, 2, 2], activation="tanh", output_activation=output, seed=1)
    X, y = rng.normal(size=(3, 2)), targets(kind, rng, 3, 2)
    J, grads = symbolic_loss(model, loss, 3).evaluate(X, y, model.parameters())
    assert pytest.approx(loss(model.forward(X), y), rel=1e-13) == J
    model.zero_grad()
    model.backward(loss.grad(model.forward(X), y))
    assert list(grads) == list(model.gradients()) == ["W1", "b1", "W2", "b2"]
    for k, g in model.gradients().items():
        assert grads[k].shape == g.shape and np.max(np.abs(grads[k] - g)) < 1e-12


def test_layers_without_bias_and_activation_layers() -> None:
    model = Sequential([Dense(2, 3, bias=False, rng=np.random.default_rng(0)), ActivationLayer("relu"),
                        Dense(3, 1, activation="sigmoid", rng=np.random.default_rng(1))])
    X, y = np.array([[0.5, -1.0], [1.5, 0.25]]), np.array([[0.2], [0.9]])
    grads = symbolic_gradients(model, SquaredError(), X, y)
    model.zero_grad()
    model.backward(SquaredError().grad(model.forward(X), y))
    assert list(grads) == list(model.gradients()) == ["W1", "W2", "b2"]
    for k, g in model.gradients().items():
        assert np.max(np.abs(grads[k] - g)) < 1e-12


@given(st.lists(moderate, min_size=9, max_size=9))
@settings(max_examples=15, deadline=None)
def test_seed_architecture_at_random_points(v: list[float]) -> None:
    model, _, _ = seed_network()
    model.layers[0].W[...] = np.reshape(v[:4], (2, 2))
    model.layers[1].W[...] = np.reshape(v[4:6], (1, 2))
    X, y = np.array([v[6:8]]), np.array([[v[8]]])
    grads = symbolic_gradients(model, SquaredError(), X, y)
    _, dW1, dW2 = hand_chain_rule(model.layers[0].W.tolist(), model.layers[1].W[0].tolist(), v[6:8], v[8])
    assert np.allclose(grads["W1"], dW1, rtol=1e-12, atol=1e-15)
    assert np.allclose(grads["W2"], dW2, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softplus"])
def test_activation_expressions_and_derivatives_match_bpkit(name: str) -> None:
    z = sp.Symbol("z", real=True)
    f = sp.lambdify([z], activation_expr(name, z, 0.2), modules="numpy")
    df = sp.lambdify([z], activation_derivative(name, z, 0.2), modules="numpy")
    act = LeakyReLU(0.2) if name == "leaky_relu" else get_activation(name)
    grid = np.array([-2.5, -0.3, 0.4, 1.7])
    assert np.allclose([f(t) for t in grid], act.forward(grid), rtol=1e-14, atol=0)
    assert np.allclose([df(t) for t in grid], act.derivative(grid), rtol=1e-14, atol=0)


def test_input_errors() -> None:
    model, X, y = seed_network()
    with pytest.raises(ShapeError, match=r"X must have shape \(1, 2\)"):
        symbolic_loss(model, SquaredError()).evaluate(np.zeros((1, 3)), y, model.parameters())
    with pytest.raises(ShapeError, match=r"y must have the shape of y_hat \(1, 1\), got \(1, 2\)"):
        symbolic_gradients(model, SquaredError(), X, np.zeros((1, 2)))
    with pytest.raises(ShapeError, match="X must have 2 dimensions"):
        symbolic_gradients(model, SquaredError(), np.array([1.0, -2.0]), y)
    with pytest.raises(ArgumentValueError, match="n_samples must be an integer >= 1"):
        symbolic_loss(model, SquaredError(), n_samples=0)
    with pytest.raises(ArgumentTypeError, match="loss must be a bpkit loss with a symbolic form"):
        symbolic_loss(model, object())  # type: ignore[arg-type]
    with pytest.raises(ArgumentValueError, match=r"name must be one of .*got 'softmax'"):
        activation_expr("softmax", sp.Symbol("z"))
    dropout = Sequential([Dense(2, 2, rng=np.random.default_rng(0)), Dropout(0.5, np.random.default_rng(0))])
    with pytest.raises(ArgumentValueError, match=r"dropout in training mode.*model.eval\(\)"):
        symbolic_loss(dropout, SquaredError())
    ce = MLP([2, 3], seed=0)
    with pytest.raises(ArgumentValueError, match=r"labels in \[0, 2\]"):
        symbolic_gradients(ce, CrossEntropy(), np.zeros((2, 2)), np.array([0, 3]))
    net = symbolic_loss(model, SquaredError())
    with pytest.raises(ArgumentValueError, match="row must be < 2 for W1"):
        net.gradient_latex("W1", 2, 0)
    with pytest.raises(ArgumentValueError, match="params must have the names"):
        net.evaluate(X, y, {"W1": model.parameters()["W1"]})


def test_size_limit_refuses_at_once_and_can_be_lifted() -> None:
    big = MLP([4, 8, 8, 3], seed=0)
    work, seconds = estimate_work(architecture(big), 4, "cross_entropy")
    assert work > MAX_WORK and seconds > 20
    with pytest.raises(ArgumentValueError, match="too large for SymPy"):
        symbolic_loss(big, CrossEntropy(), 4)
    seed = architecture(seed_network()[0])
    assert estimate_work(seed, 1, "squared_error")[0] < MAX_WORK / 100
    tiny = MLP([1, 1], seed=0)
    assert symbolic_loss(tiny, MSE(), 1, max_work=None).J is symbolic_loss(tiny, MSE(), 1).J  # cached
    with pytest.raises(ArgumentValueError, match="too large"):
        symbolic_loss(tiny, MSE(), 1, max_work=0)


def test_weight_sharing_and_dropout_in_evaluation_mode() -> None:
    rng = np.random.default_rng(2)
    shared = Dense(2, 2, activation="tanh", rng=rng, b=[0.3, -0.1])
    model = Sequential([shared, Dropout(0.5, rng), shared, Dense(2, 1, rng=rng)])
    model.eval()
    X, y = rng.normal(size=(2, 2)), rng.normal(size=(2, 1))
    grads = symbolic_gradients(model, SquaredError(), X, y)
    model.zero_grad()
    model.backward(SquaredError().grad(model.forward(X), y))
    assert list(grads) == list(model.gradients()) == ["W1", "b1", "W2", "b2"]
    for k, g in model.gradients().items():
        assert np.max(np.abs(grads[k] - g)) < 1e-12, k


def test_proofs_are_importable_from_symbolic() -> None:
    import bpkit.proofs
    import bpkit.symbolic

    assert bpkit.symbolic.prove_identities is bpkit.proofs.prove_identities
    with pytest.raises(AttributeError, match="no attribute"):
        bpkit.symbolic.no_such_name  # noqa: B018
