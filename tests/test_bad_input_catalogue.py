"""Bad input to bpkit's activations, losses, Value graphs, SymPy route, proofs, routes, test functions and plots.

Each case is one call a learner could type. It must raise a :class:`bpkit.errors.BpkitError` of the
stated kind whose message names the argument that was wrong. ``VALID`` lists unusual calls that are
right (NumPy scalars, lists, integer arrays) and must work.

Run this file as a script to classify every case against the installed bpkit, without asserting:
``clear`` (a bpkit error naming the argument), ``bare`` (any other exception, or a bpkit error that
does not name the argument) or ``silent`` (no exception: a result was returned).
"""

from __future__ import annotations

import re
import signal
import sys
import warnings
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bad_input import Bad
from bpkit import activations, autodiff, autodiff_model, functions, losses, plot, proofs, routes, symbolic
from bpkit.errors import ArgumentTypeError, ArgumentValueError, BpkitError, ShapeError
from bpkit.graph_plot import draw_graph
from bpkit.layers import Dense, Dropout
from bpkit.model import MLP, Sequential
from bpkit.train import History


def net() -> Sequential:
    """A 2-3-2 tanh network: the model most cases use."""
    return MLP([2, 3, 2], activation="tanh", seed=0)


def dropout_net() -> Sequential:
    """A network whose dropout is still in training mode."""
    rng = np.random.default_rng(0)
    return Sequential([Dense(2, 2, activation="tanh", rng=rng), Dropout(0.5, rng), Dense(2, 2, rng=rng)])


X2 = np.array([[0.5, -1.0], [1.5, 0.25], [0.0, 2.0]])
Y2 = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
L3 = np.array([0, 1, 1])
Z23 = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
MSE, SE, CE = losses.MSE(), losses.SquaredError(), losses.CrossEntropy()
BCE, BCE_LOGITS = losses.BinaryCrossEntropy(), losses.BinaryCrossEntropy(from_logits=True)


def comparison() -> routes.RouteComparison:
    """A route comparison that ran only the numeric route."""
    return routes.compare_routes(net(), MSE, X2, Y2, routes=("numeric",))


def seed_net() -> symbolic.SymbolicNetwork:
    """The symbolic loss of the 2-3-2 network for a batch of 3 rows."""
    return symbolic.symbolic_loss(net(), MSE, 3)


def history() -> History:
    """A history with one epoch of loss and accuracy, no gradient norms."""
    return History(loss=[1.0], metrics={"accuracy": [0.5]})


V = autodiff.Value

CASES: list[Bad] = [
    # --- activations: z is an array of real numbers, non-empty; names are known -----------------
    Bad("sigmoid complex scalar", lambda: activations.sigmoid(1j), "z", ArgumentTypeError),
    Bad("sigmoid complex array", lambda: activations.sigmoid(np.array([1 + 0j, 2])), "z", ArgumentTypeError),
    Bad("sigmoid string", lambda: activations.sigmoid("1.0"), "z", ArgumentTypeError),
    Bad("sigmoid ragged list", lambda: activations.sigmoid([[1.0], [2.0, 3.0]]), "z", ArgumentTypeError),
    Bad("sigmoid None entries", lambda: activations.sigmoid([1.0, None]), "z", ArgumentTypeError),
    Bad("softmax empty row", lambda: activations.softmax(np.zeros((2, 0))), "z", ArgumentValueError),
    Bad("softmax empty list", lambda: activations.softmax([]), "z", ArgumentValueError),
    Bad("softmax 0-d", lambda: activations.softmax(5.0), "z", ShapeError),
    Bad("softmax complex", lambda: activations.softmax(np.array([1 + 2j, 0])), "z", ArgumentTypeError),
    Bad("log_softmax empty row", lambda: activations.log_softmax(np.zeros((3, 0))), "z", ArgumentValueError),
    Bad("log_softmax complex", lambda: activations.log_softmax([1j, 2.0]), "z", ArgumentTypeError),
    Bad("Sigmoid() complex", lambda: activations.Sigmoid()(np.array([1j])), "z", ArgumentTypeError),
    Bad("Tanh() string", lambda: activations.Tanh()("x"), "z", ArgumentTypeError),
    Bad("ReLU().forward complex", lambda: activations.ReLU().forward(np.array([1j])), "z", ArgumentTypeError),
    Bad("Softmax() empty", lambda: activations.Softmax()(np.zeros((1, 0))), "z", ArgumentValueError),
    Bad("Softmax() 0-d", lambda: activations.Softmax()(1.0), "z", ShapeError),
    Bad("Tanh.backward grad_a shape", lambda: activations.Tanh().backward(np.zeros((3, 1)), np.zeros((3, 1)),
                                                                          np.ones((3, 4))), "grad_a", ShapeError),
    Bad("Sigmoid.backward a shape", lambda: activations.Sigmoid().backward(np.zeros((2, 2)), np.zeros((2, 1)),
                                                                           np.ones((2, 2))), "a", ShapeError),
    Bad("Softmax.backward grad_a shape", lambda: activations.Softmax().backward(Z23, Z23, np.ones((2, 1))),
        "grad_a", ShapeError),
    Bad("ReLU.derivative complex", lambda: activations.ReLU().derivative(np.array([1j])), "z", ArgumentTypeError),
    Bad("LeakyReLU negative slope", lambda: activations.LeakyReLU(-1.0), "negative_slope", ArgumentValueError),
    Bad("LeakyReLU NaN slope", lambda: activations.LeakyReLU(float("nan")), "negative_slope", ArgumentValueError),
    Bad("LeakyReLU string slope", lambda: activations.LeakyReLU("0.1"), "negative_slope",  # type: ignore[arg-type]
        ArgumentTypeError),
    Bad("LeakyReLU bool slope", lambda: activations.LeakyReLU(True), "negative_slope", ArgumentTypeError),
    Bad("get_activation unknown", lambda: activations.get_activation("swish"), "activation", ArgumentValueError),
    Bad("get_activation int", lambda: activations.get_activation(3), "activation",  # type: ignore[arg-type]
        ArgumentTypeError),
    # --- losses: predictions y_hat first, targets y second ----------------------------------------
    Bad("MSE shapes differ", lambda: MSE(np.zeros((3, 1)), np.zeros(3)), "y", ShapeError),
    Bad("MSE empty", lambda: MSE([], []), "y_hat", ArgumentValueError),
    Bad("MSE complex y_hat", lambda: MSE(np.array([1j]), np.array([1.0])), "y_hat", ArgumentTypeError),
    Bad("MSE complex y", lambda: MSE(np.array([1.0]), np.array([1j])), "y", ArgumentTypeError),
    Bad("MSE NaN target", lambda: MSE(np.ones(2), np.array([np.nan, 1.0])), "y", ArgumentValueError),
    Bad("MSE inf target", lambda: MSE.grad(np.ones(2), np.array([np.inf, 1.0])), "y", ArgumentValueError),
    Bad("MSE strings", lambda: MSE("a", "b"), "y_hat", ArgumentTypeError),
    Bad("MSE.grad shapes differ", lambda: MSE.grad(np.zeros((2, 2)), np.zeros((2, 1))), "y", ShapeError),
    Bad("SquaredError shapes differ", lambda: SE(np.zeros((2, 2)), np.zeros((2, 3))), "y", ShapeError),
    Bad("SquaredError.grad empty", lambda: SE.grad(np.zeros((0, 2)), np.zeros((0, 2))), "y_hat",
        ArgumentValueError),
    Bad("BCE target above 1", lambda: BCE(np.array([0.5]), np.array([2.0])), "y", ArgumentValueError),
    Bad("BCE probability above 1", lambda: BCE(np.array([1.5]), np.array([1.0])), "y_hat", ArgumentValueError),
    Bad("BCE.grad probability above 1", lambda: BCE.grad(np.array([1.5]), np.array([1.0])), "y_hat",
        ArgumentValueError),
    Bad("BCE.grad probability below 0", lambda: BCE.grad(np.array([-0.5]), np.array([1.0])), "y_hat",
        ArgumentValueError),
    Bad("BCE.grad target below 0", lambda: BCE.grad(np.array([0.5]), np.array([-1.0])), "y", ArgumentValueError),
    Bad("BCE logits target below 0", lambda: BCE_LOGITS(np.array([0.0]), np.array([-1.0])), "y",
        ArgumentValueError),
    Bad("BCE logits shapes differ", lambda: BCE_LOGITS.grad(np.zeros((2, 1)), np.zeros(2)), "y", ShapeError),
    Bad("BCE from_logits string", lambda: losses.BinaryCrossEntropy(from_logits="yes"),  # type: ignore[arg-type]
        "from_logits", ArgumentTypeError),
    Bad("BCE complex", lambda: BCE(np.array([0.5 + 0j]), np.array([1.0])), "y_hat", ArgumentTypeError),
    Bad("CE label out of range", lambda: CE(Z23, np.array([0, 3])), "y", ArgumentValueError),
    Bad("CE negative label", lambda: CE(Z23, np.array([0, -1])), "y", ArgumentValueError),
    Bad("CE fractional labels", lambda: CE(Z23, np.array([0.5, 1.0])), "y", ArgumentValueError),
    Bad("CE NaN label", lambda: CE(Z23, np.array([0.0, np.nan])), "y", ArgumentValueError),
    Bad("CE bool labels", lambda: CE(Z23, np.array([True, False])), "y", ArgumentTypeError),
    Bad("CE doubled one-hot", lambda: CE(Z23, np.array([[2.0, 0, 0], [0, 1, 0]])), "y", ArgumentValueError),
    Bad("CE negative one-hot", lambda: CE(Z23, np.array([[-1.0, 1, 1], [0, 1, 0]])), "y", ArgumentValueError),
    Bad("CE.grad doubled one-hot", lambda: CE.grad(Z23, np.array([[2.0, 0, 0], [0, 1, 0]])), "y",
        ArgumentValueError),
    Bad("CE.grad negative one-hot", lambda: CE.grad(Z23, np.array([[-1.0, 1, 1], [0, 1, 0]])), "y",
        ArgumentValueError),
    Bad("CE empty batch", lambda: CE(np.zeros((0, 3)), np.zeros(0, dtype=int)), "y_hat", ArgumentValueError),
    Bad("CE.grad empty batch", lambda: CE.grad(np.zeros((0, 3)), np.zeros(0, dtype=int)), "y_hat",
        ArgumentValueError),
    Bad("CE no classes", lambda: CE(np.zeros((2, 0)), np.zeros(2, dtype=int)), "y_hat", ArgumentValueError),
    Bad("CE 1-D logits", lambda: CE(np.zeros(3), np.array([0])), "y_hat", ShapeError),
    Bad("CE labels wrong length", lambda: CE(Z23, np.array([0, 1, 2])), "y", ShapeError),
    Bad("CE complex logits", lambda: CE(Z23 + 1j, np.array([0, 1])), "y_hat", ArgumentTypeError),
    Bad("CE string labels", lambda: CE(Z23, np.array(["a", "b"])), "y", ArgumentTypeError),
    Bad("get_loss unknown", lambda: losses.get_loss("hinge"), "loss", ArgumentValueError),
    Bad("get_loss None", lambda: losses.get_loss(None), "loss", ArgumentTypeError),  # type: ignore[arg-type]
    # --- Value: scalar reverse mode ---------------------------------------------------------------
    Bad("Value ** 1/3 of a negative base", lambda: V(-8.0) ** (1 / 3), "k", ArgumentValueError),
    Bad("Value ** -1 of zero", lambda: V(0.0) ** -1, "k", ArgumentValueError),
    Bad("Value ** 0.5 of zero", lambda: V(0.0) ** 0.5, "k", ArgumentValueError),
    Bad("Value ** Value", lambda: V(2.0) ** V(3.0), "k", ArgumentTypeError),  # type: ignore[operator]
    Bad("Value ** string", lambda: V(2.0) ** "2", "k", ArgumentTypeError),  # type: ignore[operator]
    Bad("Value ** complex", lambda: V(2.0) ** 1j, "k", ArgumentTypeError),  # type: ignore[operator]
    Bad("Value / 0", lambda: V(1.0) / 0, "other", ArgumentValueError),
    Bad("1 / Value(0)", lambda: 1 / V(0.0), "other", ArgumentValueError),
    Bad("Value.log of 0", lambda: V(0.0).log(), "log", ArgumentValueError),
    Bad("Value.log of a negative", lambda: V(-1.0).log(), "log", ArgumentValueError),
    Bad("Value(string)", lambda: V("3"), "data", ArgumentTypeError),  # type: ignore[arg-type]
    Bad("Value(complex)", lambda: V(1j), "data", ArgumentTypeError),  # type: ignore[arg-type]
    Bad("Value(array)", lambda: V(np.array([1.0, 2.0])), "data", ArgumentTypeError),  # type: ignore[arg-type]
    Bad("Value(None)", lambda: V(None), "data", ArgumentTypeError),  # type: ignore[arg-type]
    Bad("Value(Value)", lambda: V(V(1.0)), "data", ArgumentTypeError),  # type: ignore[arg-type]
    Bad("Value(bool)", lambda: V(True), "data", ArgumentTypeError),
    Bad("Value label int", lambda: V(1.0, label=3), "label", ArgumentTypeError),  # type: ignore[arg-type]
    Bad("Value + string", lambda: V(1.0) + "a", "other", ArgumentTypeError),  # type: ignore[operator]
    Bad("Value + complex", lambda: V(1.0) + 1j, "other", ArgumentTypeError),  # type: ignore[operator]
    Bad("Value * list", lambda: V(1.0) * [1.0], "other", ArgumentTypeError),  # type: ignore[operator]
    Bad("Value - None", lambda: V(1.0) - None, "other", ArgumentTypeError),  # type: ignore[operator]
    Bad("leaky_relu negative slope", lambda: V(2.0).leaky_relu(-1.0), "negative_slope", ArgumentValueError),
    Bad("leaky_relu string slope", lambda: V(2.0).leaky_relu("a"), "negative_slope",  # type: ignore[arg-type]
        ArgumentTypeError),
    Bad("zero_grad of floats", lambda: autodiff.zero_grad([1.0, 2.0]), "values",  # type: ignore[list-item]
        ArgumentTypeError),
    Bad("topological_order of a float", lambda: autodiff.topological_order(3.0), "root",  # type: ignore[arg-type]
        ArgumentTypeError),
    Bad("values_of 3-D", lambda: autodiff.values_of(np.zeros((2, 2, 2)), "W"), "array", ShapeError),
    Bad("values_of complex", lambda: autodiff.values_of(np.array([1j]), "W"), "array", ArgumentTypeError),
    Bad("values_of string", lambda: autodiff.values_of("abc", "W"), "array", ArgumentTypeError),
    Bad("grads_of a float", lambda: autodiff.grads_of(2.0), "values", ArgumentTypeError),
    Bad("model_gradients X too narrow", lambda: autodiff_model.model_gradients(net(), MSE, X2[:, :1], Y2), "X",
        ShapeError),
    Bad("model_gradients X too wide", lambda: autodiff_model.model_gradients(net(), MSE, np.ones((3, 3)), Y2), "X",
        ShapeError),
    Bad("model_gradients y too short", lambda: autodiff_model.model_gradients(net(), MSE, X2, Y2[:2]), "y", ShapeError),
    Bad("model_gradients y too wide", lambda: autodiff_model.model_gradients(net(), MSE, X2, np.ones((3, 3))), "y",
        ShapeError),
    Bad("model_gradients 1-D X", lambda: autodiff_model.model_gradients(net(), MSE, X2[0], Y2[0]), "X", ShapeError),
    Bad("model_gradients NaN in X", lambda: autodiff_model.model_gradients(net(), MSE, X2 * np.nan, Y2), "X",
        ArgumentValueError),
    Bad("model_gradients complex X", lambda: autodiff_model.model_gradients(net(), MSE, X2 + 1j, Y2), "X",
        ArgumentTypeError),
    Bad("model_gradients labels out of range", lambda: autodiff_model.model_gradients(net(), CE, X2, np.array([0, 1, 5])),
        "y", ArgumentValueError),
    Bad("model_gradients labels too few", lambda: autodiff_model.model_gradients(net(), CE, X2, np.array([0, 1])), "y",
        ShapeError),
    Bad("model_gradients loss by name", lambda: autodiff_model.model_gradients(net(), "mse", X2, Y2), "loss",
        ArgumentTypeError),
    Bad("model_gradients not a model", lambda: autodiff_model.model_gradients("net", MSE, X2, Y2), "model",
        ArgumentTypeError),
    Bad("model_gradients dropout in training", lambda: autodiff_model.model_gradients(dropout_net(), MSE, X2, Y2),
        "model", ArgumentValueError),
    # --- symbolic ---------------------------------------------------------------------------------
    Bad("activation_expr softmax", lambda: symbolic.activation_expr("softmax", symbolic.sp.Symbol("z")), "name",
        ArgumentValueError),
    Bad("activation_expr unknown", lambda: symbolic.activation_expr("swish", symbolic.sp.Symbol("z")), "name",
        ArgumentValueError),
    Bad("activation_expr int name", lambda: symbolic.activation_expr(3, symbolic.sp.Symbol("z")),  # type: ignore[arg-type]
        "name", ArgumentTypeError),
    Bad("activation_derivative unknown", lambda: symbolic.activation_derivative("swish", symbolic.sp.Symbol("z")),
        "name", ArgumentValueError),
    Bad("symbolic_loss n_samples 0", lambda: symbolic.symbolic_loss(net(), MSE, n_samples=0), "n_samples",
        ArgumentValueError),
    Bad("symbolic_loss n_samples float", lambda: symbolic.symbolic_loss(net(), MSE, n_samples=2.0),  # type: ignore[arg-type]
        "n_samples", ArgumentTypeError),
    Bad("symbolic_loss unknown loss", lambda: symbolic.symbolic_loss(net(), object()), "loss",  # type: ignore[arg-type]
        ArgumentTypeError),
    Bad("symbolic_loss loss by name", lambda: symbolic.symbolic_loss(net(), "mse"), "loss",  # type: ignore[arg-type]
        ArgumentTypeError),
    Bad("symbolic_loss dropout layer", lambda: symbolic.symbolic_loss(dropout_net(), MSE), "model",
        ArgumentValueError),
    Bad("symbolic_loss not a model", lambda: symbolic.symbolic_loss("net", MSE), "model",  # type: ignore[arg-type]
        ArgumentTypeError),
    Bad("symbolic_gradients 1-D X", lambda: symbolic.symbolic_gradients(net(), MSE, X2[0], Y2[0]), "X", ShapeError),
    Bad("symbolic_gradients X too wide", lambda: symbolic.symbolic_gradients(net(), MSE, np.ones((3, 3)), Y2), "X",
        ShapeError),
    Bad("symbolic_gradients y shape", lambda: symbolic.symbolic_gradients(net(), MSE, X2, Y2[:, :1]), "y",
        ShapeError),
    Bad("symbolic_gradients labels out of range",
        lambda: symbolic.symbolic_gradients(net(), CE, X2, np.array([0, 1, 2])), "y", ArgumentValueError),
    Bad("symbolic_gradients doubled one-hot",
        lambda: symbolic.symbolic_gradients(net(), CE, X2, np.array([[2.0, 0], [0, 1], [1, 0]])), "y",
        ArgumentValueError),
    Bad("symbolic_gradients complex X", lambda: symbolic.symbolic_gradients(net(), MSE, X2 + 1j, Y2), "X",
        ArgumentTypeError),
    Bad("symbolic_gradients NaN X", lambda: symbolic.symbolic_gradients(net(), MSE, X2 * np.nan, Y2), "X",
        ArgumentValueError),
    Bad("symbolic_gradients 4-8-8-3 network",
        lambda: symbolic.symbolic_gradients(MLP([4, 8, 8, 3], seed=0), CE, np.ones((4, 4)), np.array([0, 1, 2, 0])),
        "model", ArgumentValueError),
    Bad("evaluate parameter names", lambda: seed_net().evaluate(X2, Y2, {"W": np.zeros((3, 2))}), "params",
        ArgumentValueError),
    Bad("evaluate parameter shape",
        lambda: seed_net().evaluate(X2, Y2, {**net().parameters(), "W1": np.zeros((2, 2))}), "params", ShapeError),
    Bad("evaluate X shape", lambda: seed_net().evaluate(X2[:2], Y2, net().parameters()), "X", ShapeError),
    Bad("gradient_latex unknown parameter", lambda: seed_net().gradient_latex("W9", 0), "name", ArgumentValueError),
    Bad("gradient_latex row out of range", lambda: seed_net().gradient_latex("W1", 5, 0), "row", ArgumentValueError),
    Bad("gradient_latex col out of range", lambda: seed_net().gradient_latex("W1", 0, 7), "col", ArgumentValueError),
    Bad("loss_expr unknown kind",
        lambda: symbolic.loss_expr("hinge", symbolic.sp.Matrix([[1]]), symbolic.sp.Matrix([[1]])), "kind",
        ArgumentValueError),
    Bad("symbol_matrix negative rows", lambda: symbolic.symbol_matrix("x", "x", -1, 2, {}), "rows",
        ArgumentValueError),
    # --- proofs -----------------------------------------------------------------------------------
    Bad("verify_backprop_equations too few sizes", lambda: proofs.verify_backprop_equations((2, 1)), "sizes",
        ArgumentValueError),
    Bad("verify_backprop_equations zero width", lambda: proofs.verify_backprop_equations((2, 0, 1)), "sizes",
        ArgumentValueError),
    Bad("verify_backprop_equations float width", lambda: proofs.verify_backprop_equations((2, 3.0, 1)),  # type: ignore[arg-type]
        "sizes", ArgumentTypeError),
    Bad("verify_backprop_equations string", lambda: proofs.verify_backprop_equations("abc"),  # type: ignore[arg-type]
        "sizes", ArgumentTypeError),
    Bad("verify_backprop_equations softmax", lambda: proofs.verify_backprop_equations((2, 2, 2), "softmax"),
        "activation", ArgumentValueError),
    Bad("verify_backprop_equations too large", lambda: proofs.verify_backprop_equations((8, 8, 8, 8)), "sizes",
        ArgumentValueError),
    Bad("check_identity name int", lambda: proofs.check_identity(3, symbolic.sp.S.One, symbolic.sp.S.One),  # type: ignore[arg-type]
        "name", ArgumentTypeError),
    # --- routes -----------------------------------------------------------------------------------
    Bad("compare_routes unknown route", lambda: routes.compare_routes(net(), MSE, X2, Y2, routes=("magic",)),
        "routes", ArgumentValueError),
    Bad("compare_routes routes as a string", lambda: routes.compare_routes(net(), MSE, X2, Y2, routes="numeric"),
        "routes", ArgumentTypeError),
    Bad("compare_routes dropout in training", lambda: routes.compare_routes(dropout_net(), MSE, X2, Y2), "model",
        ArgumentValueError),
    Bad("compare_routes X too narrow", lambda: routes.compare_routes(net(), MSE, X2[:, :1], Y2), "X", ShapeError),
    Bad("compare_routes y too short", lambda: routes.compare_routes(net(), MSE, X2, Y2[:2], routes=("autodiff",)),
        "y", ShapeError),
    Bad("compare_routes eps 0", lambda: routes.compare_routes(net(), MSE, X2, Y2, routes=("numeric",), eps=0),
        "eps", ArgumentValueError),
    Bad("compare_routes eps negative", lambda: routes.compare_routes(net(), MSE, X2, Y2, eps=-1e-6), "eps",
        ArgumentValueError),
    Bad("compare_routes loss by name", lambda: routes.compare_routes(net(), "mse", X2, Y2), "loss",
        ArgumentTypeError),
    Bad("compare_routes complex X", lambda: routes.compare_routes(net(), MSE, X2 + 1j, Y2), "X", ArgumentTypeError),
    Bad("compare_routes 4-8-8-3 network",
        lambda: routes.compare_routes(MLP([4, 8, 8, 3], seed=0), CE, np.ones((4, 4)), np.array([0, 1, 2, 0])),
        "model", ArgumentValueError),
    Bad("numeric_gradients eps 0", lambda: routes.numeric_gradients(net(), MSE, X2, Y2, eps=0.0), "eps",
        ArgumentValueError),
    Bad("max_diff unknown route", lambda: comparison().max_diff("magic"), "route", ArgumentValueError),
    Bad("max_diff route not run", lambda: comparison().max_diff("symbolic"), "route", ArgumentValueError),
    Bad("agree negative tolerance", lambda: comparison().agree(numeric_tol=-1.0), "numeric_tol", ArgumentValueError),
    # --- test functions ---------------------------------------------------------------------------
    Bad("quadratic kappa below 1", lambda: functions.quadratic(0.5), "condition_number", ArgumentValueError),
    Bad("quadratic kappa string", lambda: functions.quadratic("10"), "condition_number",  # type: ignore[arg-type]
        ArgumentTypeError),
    Bad("quadratic kappa NaN", lambda: functions.quadratic(float("nan")), "condition_number", ArgumentValueError),
    Bad("quadratic kappa inf", lambda: functions.quadratic(float("inf")), "condition_number", ArgumentValueError),
    Bad("rosenbrock a NaN", lambda: functions.rosenbrock(a=float("nan")), "a", ArgumentValueError),
    Bad("rosenbrock b string", lambda: functions.rosenbrock(b="x"), "b", ArgumentTypeError),  # type: ignore[arg-type]
    Bad("f of three coordinates", lambda: functions.rosenbrock().f([1.0, 2.0, 3.0]), "p", ShapeError),
    Bad("f of a complex point", lambda: functions.rosenbrock().f([1j, 0.0]), "p", ArgumentTypeError),
    Bad("f of a NaN point", lambda: functions.rosenbrock().f([np.nan, 0.0]), "p", ArgumentValueError),
    Bad("f of a string", lambda: functions.beale().f("ab"), "p", ArgumentTypeError),
    Bad("grad of one coordinate", lambda: functions.saddle().grad([1.0]), "p", ShapeError),
    Bad("value_grid shapes differ", lambda: functions.beale().value_grid(np.zeros(3), np.zeros(4)), "Y", ShapeError),
    Bad("value_grid complex", lambda: functions.beale().value_grid(np.zeros(3) + 1j, np.zeros(3)), "X",
        ArgumentTypeError),
    # --- plots ------------------------------------------------------------------------------------
    Bad("plot_history unknown metric", lambda: plot.plot_history(history(), metric="acc"), "metric",
        ArgumentValueError),
    Bad("plot_history not a history", lambda: plot.plot_history("history"), "history",  # type: ignore[arg-type]
        ArgumentTypeError),
    Bad("plot_history empty history", lambda: plot.plot_history(History()), "history", ArgumentValueError),
    Bad("plot_decision_boundary X width 3", lambda: plot.plot_decision_boundary(net(), np.ones((3, 3)), L3), "X",
        ShapeError),
    Bad("plot_decision_boundary y length", lambda: plot.plot_decision_boundary(net(), X2, L3[:2]), "y", ShapeError),
    Bad("plot_decision_boundary resolution 0", lambda: plot.plot_decision_boundary(net(), X2, L3, resolution=0),
        "resolution", ArgumentValueError),
    Bad("plot_decision_boundary empty X", lambda: plot.plot_decision_boundary(net(), np.zeros((0, 2)), L3[:0]), "X",
        ArgumentValueError),
    Bad("plot_decision_boundary NaN X", lambda: plot.plot_decision_boundary(net(), X2 * np.nan, L3), "X",
        ArgumentValueError),
    Bad("plot_decision_boundary negative labels",
        lambda: plot.plot_decision_boundary(net(), X2, np.array([0, -1, 1])), "y", ArgumentValueError),
    Bad("plot_grad_norms empty history", lambda: plot.plot_grad_norms(History()), "history", ArgumentValueError),
    Bad("plot_optimizer_paths path width 3",
        lambda: plot.plot_optimizer_paths(functions.quadratic(), {"sgd": np.zeros((3, 3))}), "paths", ShapeError),
    Bad("plot_optimizer_paths paths as a list",
        lambda: plot.plot_optimizer_paths(functions.quadratic(), [np.zeros((3, 2))]), "paths",  # type: ignore[arg-type]
        ArgumentTypeError),
    Bad("plot_optimizer_paths not a test function",
        lambda: plot.plot_optimizer_paths("rosenbrock", {"sgd": np.zeros((3, 2))}), "function", ArgumentTypeError),
    Bad("plot_optimizer_paths resolution 1",
        lambda: plot.plot_optimizer_paths(functions.quadratic(), {}, resolution=1), "resolution", ArgumentValueError),
    Bad("draw_graph of a float", lambda: draw_graph(3.0), "root", ArgumentTypeError),  # type: ignore[arg-type]
    Bad("plot.draw_graph of a float", lambda: plot.draw_graph(3.0), "root", ArgumentTypeError),
]

#: Unusual calls that are right and must work: NumPy scalars are numbers, lists and integers are arrays.
VALID: list[tuple[str, Callable[[], object]]] = [
    ("LeakyReLU float32 slope", lambda: activations.LeakyReLU(np.float32(0.2))),
    ("sigmoid of an int list", lambda: activations.sigmoid([0, 1, -2])),
    ("sigmoid of a float32 array", lambda: activations.sigmoid(np.ones(3, dtype=np.float32))),
    ("sigmoid of a NumPy scalar", lambda: activations.sigmoid(np.float32(0.5))),
    ("softmax of an int array", lambda: activations.softmax(np.arange(3))),
    ("MSE of lists", lambda: MSE([1, 2], [1.0, 2.5])),
    ("BCE with bool targets", lambda: BCE(np.array([0.3, 0.8]), np.array([False, True]))),
    ("CE with int64 labels", lambda: CE(Z23, np.array([2, 0], dtype=np.int64))),
    ("CE with float labels", lambda: CE(Z23, np.array([2.0, 0.0]))),
    ("CE with probability rows", lambda: CE(Z23, np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]))),
    ("Value of NumPy scalars", lambda: V(np.float32(2.5)) * np.int64(3) + np.float64(1.0)),
    ("Value ** NumPy int", lambda: V(-2.0) ** np.int64(3)),
    ("Value ** integral float of a negative base", lambda: V(-2.0) ** 2.0),
    ("Value(1000).exp() is inf", lambda: V(1000.0).exp()),
    ("quadratic float32 kappa", lambda: functions.quadratic(np.float32(10))),
    ("symbolic_loss n_samples int64", lambda: symbolic.symbolic_loss(net(), MSE, n_samples=np.int64(2))),
    ("verify_backprop_equations int64 sizes", lambda: proofs.verify_backprop_equations((2, np.int64(2), 1))),
    ("compare_routes eps float32", lambda: routes.compare_routes(net(), MSE, X2, Y2, routes=("numeric",),
                                                                  eps=np.float32(1e-6))),
]


def names_argument(message: str, arg: str) -> bool:
    """True if the message mentions arg as a whole word (y, not the y in y_hat)."""
    return re.search(rf"(?<![\w.]){re.escape(arg)}(?!\w)", message) is not None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_raises_a_bpkit_error_naming_the_argument(case: Bad) -> None:
    with pytest.raises(BpkitError) as info:
        case.call()
    assert isinstance(info.value, case.kind), f"{type(info.value).__name__}: {info.value}"
    assert names_argument(str(info.value), case.arg), str(info.value)
    plt.close("all")


@pytest.mark.parametrize("call", [c for _, c in VALID], ids=[name for name, _ in VALID])
def test_unusual_but_valid_input_works(call: Callable[[], object]) -> None:
    call()
    plt.close("all")


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES] + [name for name, _ in VALID]
    assert len(ids) == len(set(ids))


BAD_DTYPES = st.sampled_from([np.complex128, np.complex64, object, np.str_, np.datetime64])


@given(dtype=BAD_DTYPES, fn=st.sampled_from([activations.sigmoid, activations.softmax, activations.log_softmax]))
@settings(max_examples=15, deadline=None)
def test_activation_functions_refuse_non_real_dtypes(dtype: type, fn: Callable[[object], object]) -> None:
    z = np.array([1, 2], dtype="datetime64[D]") if dtype is np.datetime64 else np.array([1, 2]).astype(dtype)
    with pytest.raises(ArgumentTypeError, match=r"\bz\b"):
        fn(z)


@given(n=st.integers(1, 4), c=st.integers(1, 4), extra=st.integers(1, 3), axis=st.integers(0, 1),
       loss=st.sampled_from([MSE, SE, BCE_LOGITS]), method=st.sampled_from(["__call__", "grad"]))
@settings(max_examples=25, deadline=None)
def test_elementwise_losses_refuse_any_shape_mismatch(n: int, c: int, extra: int, axis: int,
                                                      loss: losses.Loss, method: str) -> None:
    y_hat = np.zeros((n, c))
    y = np.zeros((n + extra, c) if axis == 0 else (n, c + extra))
    with pytest.raises(ShapeError, match=rf"\by\b.*\({n}, {c}\)"):
        getattr(loss, method)(y_hat, y)


@given(n=st.integers(1, 4), c=st.integers(2, 4), scale=st.floats(1.5, 5.0) | st.floats(-5.0, -0.01))
@settings(max_examples=25, deadline=None)
def test_cross_entropy_refuses_rows_that_are_not_probabilities(n: int, c: int, scale: float) -> None:
    y = np.eye(c)[np.arange(n) % c] * scale
    with pytest.raises(ArgumentValueError, match=r"\by\b"):
        CE(np.zeros((n, c)), y)


# --- classification of every case against the installed bpkit (python tests/test_bad_input_catalogue.py) ---


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


def classify(case: Bad, timeout: int = 20) -> str:
    """'clear', 'bare' or 'silent' (and 'silent (slow)' when the call runs past the timeout)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            case.call()
    except _Timeout:
        return "silent (slow)"
    except BpkitError as exc:
        return "clear" if names_argument(str(exc), case.arg) else "bare"
    except Exception:
        return "bare"
    finally:
        signal.alarm(0)
        plt.close("all")
    return "silent"


if __name__ == "__main__":
    counts: dict[str, int] = {}
    for c in CASES:
        verdict = classify(c)
        counts[verdict] = counts.get(verdict, 0) + 1
        if "-v" in sys.argv:
            print(f"{verdict:14s} {c.id}")
    print(f"{len(CASES)} cases:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
