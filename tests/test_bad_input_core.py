"""Bad input to bpkit's core: layers, models, optimizers, schedules, training, data, init, gradient checks, interop.

Each case is one call a learner could type. It must raise a :class:`bpkit.errors.BpkitError` of the
stated kind whose message names the argument that was wrong (for a call-order error, the call that
must come first). ``VALID`` lists unusual calls that are right (NumPy scalars, lists, integer and
float32 arrays) and must work.

Run this file as a script to classify every case against the importable bpkit without asserting:
``clear`` (a bpkit error naming the argument), ``bare`` (any other exception, or a bpkit error that
does not name the argument) or ``silent`` (no exception):
``python tests/test_bad_input_core.py``.
"""

from __future__ import annotations

import importlib
import io
import re
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bad_input import Bad
from bpkit import data, gradcheck, init, interop, layers, losses, model, optim, train
from bpkit.errors import ArgumentTypeError, ArgumentValueError, BpkitError, CallOrderError, ShapeError


def mod(name: str) -> Any:
    """A bpkit module imported when a case runs (so that a missing module counts against that case only)."""
    return importlib.import_module(f"bpkit.{name}")


def rng() -> np.random.Generator:
    return np.random.default_rng(0)


def net() -> model.Sequential:
    """A 2-3-2 tanh network: the model most cases use."""
    return model.MLP([2, 3, 2], activation="tanh", seed=0)


def dense() -> layers.Dense:
    return layers.Dense(2, 3, activation="tanh", rng=rng())


def forwarded(layer: Any, X: np.ndarray) -> Any:
    layer.forward(X)
    return layer


def stepped_model() -> model.Sequential:
    """A model after one forward and backward pass."""
    m = net()
    m.backward(m.forward(X2) - 1.0)
    return m


def saved(m: model.Sequential) -> io.BytesIO:
    buffer = io.BytesIO()
    m.save(buffer)
    buffer.seek(0)
    return buffer


def fit(**kwargs: Any) -> object:
    """fit on the small classification problem, with keyword overrides."""
    args: dict[str, Any] = {"model": net(), "loss": losses.CrossEntropy(), "optimizer": optim.SGD(0.1), "X": X2,
                            "y": L3, "epochs": 1, "batch_size": 2, "rng": rng()}
    args.update(kwargs)
    return train.fit(**args)


X2 = np.array([[0.5, -1.0], [1.5, 0.25], [0.0, 2.0]])
Y2 = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
L3 = np.array([0, 1, 1])
MSE, CE = losses.MSE(), losses.CrossEntropy()
NAN_X = np.array([[0.5, np.nan], [1.5, 0.25], [0.0, 2.0]])

CASES: list[Bad] = [
    # --- Dense ---
    Bad("Dense n_in 0", lambda: layers.Dense(0, 3, rng=rng()), "n_in", ArgumentValueError),
    Bad("Dense n_in float", lambda: layers.Dense(2.5, 3, rng=rng()), "n_in", ArgumentTypeError),
    Bad("Dense n_in string", lambda: layers.Dense("2", 3, rng=rng()), "n_in", ArgumentTypeError),
    Bad("Dense n_in bool", lambda: layers.Dense(True, 3, rng=rng()), "n_in", ArgumentTypeError),
    Bad("Dense n_out negative", lambda: layers.Dense(2, -1, rng=rng()), "n_out", ArgumentValueError),
    Bad("Dense unknown activation", lambda: layers.Dense(2, 3, activation="gelu", rng=rng()), "activation",
        ArgumentValueError),
    Bad("Dense activation a number", lambda: layers.Dense(2, 3, activation=5, rng=rng()), "activation"),
    Bad("Dense unknown init", lambda: layers.Dense(2, 3, init="glorot", rng=rng()), "init", ArgumentValueError),
    Bad("Dense init a number", lambda: layers.Dense(2, 3, init=5, rng=rng()), "init", ArgumentTypeError),
    Bad("Dense without rng", lambda: layers.Dense(2, 3), "rng", ArgumentTypeError),
    Bad("Dense rng a seed", lambda: layers.Dense(2, 3, rng=42), "rng", ArgumentTypeError),
    Bad("Dense W transposed", lambda: layers.Dense(2, 3, W=np.ones((2, 3))), "W", ShapeError),
    Bad("Dense W 1-D", lambda: layers.Dense(2, 3, W=np.ones(6)), "W", ShapeError),
    Bad("Dense W NaN", lambda: layers.Dense(1, 1, W=[[np.nan]]), "W", ArgumentValueError),
    Bad("Dense W complex", lambda: layers.Dense(1, 1, W=[[1j]]), "W", ArgumentTypeError),
    Bad("Dense W ragged", lambda: layers.Dense(2, 2, W=[[1.0], [1.0, 2.0]]), "W", ArgumentTypeError),
    Bad("Dense b wrong length", lambda: layers.Dense(2, 3, W=np.ones((3, 2)), b=np.ones(2)), "b", ShapeError),
    Bad("Dense b without bias", lambda: layers.Dense(2, 3, W=np.ones((3, 2)), b=np.ones(3), bias=False), "b",
        ArgumentValueError),
    Bad("Dense bias a string", lambda: layers.Dense(2, 3, bias="no", rng=rng()), "bias", ArgumentTypeError),
    Bad("Dense X too wide", lambda: dense().forward(np.ones((4, 3))), "X", ShapeError),
    Bad("Dense X 1-D", lambda: dense().forward(np.ones(2)), "X", ShapeError),
    Bad("Dense X 3-D", lambda: dense().forward(np.ones((1, 4, 2))), "X", ShapeError),
    Bad("Dense X complex", lambda: dense().forward(np.ones((4, 2)) * 1j), "X", ArgumentTypeError),
    Bad("Dense X strings", lambda: dense().forward(np.array([["a", "b"]])), "X", ArgumentTypeError),
    Bad("Dense backward before forward", lambda: dense().backward(np.ones((4, 3))), "forward", CallOrderError),
    Bad("Dense grad_out wrong shape", lambda: forwarded(dense(), X2).backward(np.ones((3, 2))), "grad_out",
        ShapeError),
    Bad("Dense grad_out complex", lambda: forwarded(dense(), X2).backward(np.ones((3, 3)) * 1j), "grad_out",
        ArgumentTypeError),
    Bad("Dense train mode a string", lambda: dense().train("False"), "mode", ArgumentTypeError),
    # --- ActivationLayer and Dropout ---
    Bad("ActivationLayer unknown", lambda: layers.ActivationLayer("swish"), "activation", ArgumentValueError),
    Bad("ActivationLayer backward first", lambda: layers.ActivationLayer("relu").backward(np.ones((1, 2))),
        "forward", CallOrderError),
    Bad("ActivationLayer grad_out shape",
        lambda: forwarded(layers.ActivationLayer("relu"), X2).backward(np.ones((2, 2))), "grad_out", ShapeError),
    Bad("ActivationLayer X complex", lambda: layers.ActivationLayer("relu").forward([1j]), "X", ArgumentTypeError),
    Bad("Dropout p 1", lambda: layers.Dropout(1.0, rng()), "p", ArgumentValueError),
    Bad("Dropout p negative", lambda: layers.Dropout(-0.1, rng()), "p", ArgumentValueError),
    Bad("Dropout p NaN", lambda: layers.Dropout(float("nan"), rng()), "p", ArgumentValueError),
    Bad("Dropout p a string", lambda: layers.Dropout("0.5", rng()), "p", ArgumentTypeError),
    Bad("Dropout p complex", lambda: layers.Dropout(0.5j, rng()), "p", ArgumentTypeError),
    Bad("Dropout rng None", lambda: layers.Dropout(0.5, None), "rng", ArgumentTypeError),
    Bad("Dropout rng a seed", lambda: layers.Dropout(0.5, 3), "rng", ArgumentTypeError),
    Bad("Dropout backward first", lambda: layers.Dropout(0.5, rng()).backward(np.ones((1, 2))), "forward",
        CallOrderError),
    Bad("Dropout grad_out shape", lambda: forwarded(layers.Dropout(0.5, rng()), X2).backward(np.ones((2, 2))),
        "grad_out", ShapeError),
    # --- Sequential and MLP ---
    Bad("Sequential empty", lambda: model.Sequential([]), "layers", ArgumentValueError),
    Bad("Sequential with a string", lambda: model.Sequential([dense(), "relu"]), "layers", ArgumentTypeError),
    Bad("Sequential of one layer, not a list", lambda: model.Sequential(dense()), "layers", ArgumentTypeError),
    Bad("MLP one size", lambda: model.MLP([3]), "sizes", ArgumentValueError),
    Bad("MLP width 0", lambda: model.MLP([2, 0, 1]), "sizes", ArgumentValueError),
    Bad("MLP float width", lambda: model.MLP([2, 1.5]), "sizes", ArgumentTypeError),
    Bad("MLP sizes a string", lambda: model.MLP("2-3-1"), "sizes", ArgumentTypeError),
    Bad("MLP sizes an int", lambda: model.MLP(3), "sizes", ArgumentTypeError),
    Bad("MLP seed -1", lambda: model.MLP([2, 1], seed=-1), "seed", ArgumentValueError),
    Bad("MLP seed float", lambda: model.MLP([2, 1], seed=1.5), "seed", ArgumentTypeError),
    Bad("MLP unknown activation", lambda: model.MLP([2, 1], activation="rleu"), "activation", ArgumentValueError),
    Bad("MLP activation a number", lambda: model.MLP([2, 3, 1], activation=3), "activation"),
    Bad("MLP unknown output_activation", lambda: model.MLP([2, 1], output_activation="prob"), "output_activation"),
    Bad("MLP unknown init", lambda: model.MLP([2, 1], init="bogus"), "init", ArgumentValueError),
    Bad("MLP bias a string", lambda: model.MLP([2, 1], bias="no"), "bias", ArgumentTypeError),
    Bad("model X too narrow", lambda: net().forward(X2[:, :1]), "X", ShapeError),
    Bad("model X complex", lambda: net().forward(X2 + 1j), "X", ArgumentTypeError),
    Bad("model backward first", lambda: net().backward(np.ones((3, 2))), "forward", CallOrderError),
    Bad("model grad_out shape", lambda: forwarded(net(), X2).backward(np.ones((3, 3))), "grad_out", ShapeError),
    Bad("predict X 1-D", lambda: net().predict(np.ones(2)), "X", ShapeError),
    Bad("predict_proba tanh output", lambda: model.MLP([2, 1], output_activation="tanh").predict_proba(X2),
        "activation", ArgumentValueError),
    Bad("load_state_dict missing name", lambda: net().load_state_dict({"W1": np.zeros((3, 2))}), "state",
        ArgumentValueError),
    Bad("load_state_dict wrong shape", lambda: net().load_state_dict({**net().state_dict(), "W1": np.zeros((2, 2))}),
        "state", ShapeError),
    Bad("load_state_dict NaN", lambda: net().load_state_dict({**net().state_dict(), "b1": np.full(3, np.nan)}),
        "state", ArgumentValueError),
    Bad("load_state_dict a list", lambda: net().load_state_dict([np.zeros((3, 2))]), "state", ArgumentTypeError),
    Bad("save to a number", lambda: net().save(123), "file", ArgumentTypeError),
    Bad("load a missing file", lambda: net().load("/nonexistent/bpkit-weights.npz"), "file", ArgumentValueError),
    Bad("load another architecture", lambda: model.MLP([2, 4, 2]).load(saved(net())), "file", ArgumentValueError),
    Bad("load another activation", lambda: model.MLP([2, 3, 2], activation="relu").load(saved(net())), "file",
        ArgumentValueError),
    Bad("load another leaky slope",
        lambda: model.MLP([2, 2], output_activation=mod("activations").LeakyReLU(0.2)).load(
            saved(model.MLP([2, 2], output_activation="leaky_relu"))), "file", ArgumentValueError),
    Bad("load a non-npz file", lambda: net().load(io.BytesIO(b"not an npz")), "file", ArgumentValueError),
    # --- optimizers ---
    Bad("SGD lr negative", lambda: optim.SGD(-1.0), "lr", ArgumentValueError),
    Bad("SGD lr NaN", lambda: optim.SGD(float("nan")), "lr", ArgumentValueError),
    Bad("SGD lr inf", lambda: optim.SGD(float("inf")), "lr", ArgumentValueError),
    Bad("SGD lr a string", lambda: optim.SGD("0.1"), "lr", ArgumentTypeError),
    Bad("SGD lr None", lambda: optim.SGD(None), "lr", ArgumentTypeError),
    Bad("SGD lr complex", lambda: optim.SGD(0.1j), "lr", ArgumentTypeError),
    Bad("SGD momentum negative", lambda: optim.SGD(0.1, momentum=-0.9), "momentum", ArgumentValueError),
    Bad("SGD nesterov without momentum", lambda: optim.SGD(0.1, nesterov=True), "nesterov", ArgumentValueError),
    Bad("SGD nesterov a string", lambda: optim.SGD(0.1, momentum=0.9, nesterov="yes"), "nesterov",
        ArgumentTypeError),
    Bad("SGD weight_decay negative", lambda: optim.SGD(0.1, weight_decay=-1), "weight_decay", ArgumentValueError),
    Bad("Adam betas of one", lambda: optim.Adam(betas=(0.9,)), "betas", ArgumentValueError),
    Bad("Adam betas a number", lambda: optim.Adam(betas=0.9), "betas", ArgumentValueError),
    Bad("Adam beta1 = 1", lambda: optim.Adam(betas=(1.0, 0.999)), "betas", ArgumentValueError),
    Bad("Adam eps negative", lambda: optim.Adam(eps=-1e-8), "eps", ArgumentValueError),
    Bad("AdaGrad eps NaN", lambda: optim.AdaGrad(eps=float("nan")), "eps", ArgumentValueError),
    Bad("RMSProp alpha 1", lambda: optim.RMSProp(alpha=1.0), "alpha", ArgumentValueError),
    Bad("schedule returns a negative lr",
        lambda: optim.SGD(lambda t: -0.5).step_arrays({"w": np.zeros(2)}, {"w": np.ones(2)}), "lr",
        ArgumentValueError),
    Bad("schedule returns NaN",
        lambda: optim.SGD(lambda t: float("nan")).step_arrays({"w": np.zeros(2)}, {"w": np.ones(2)}), "lr",
        ArgumentValueError),
    Bad("schedule returns a string",
        lambda: optim.Adam(lambda t: "0.1").step_arrays({"w": np.zeros(2)}, {"w": np.ones(2)}), "lr",
        ArgumentValueError),
    Bad("step before backward", lambda: optim.SGD(0.1).step(net()), "backward", CallOrderError),
    Bad("AdamW step before backward", lambda: optim.AdamW(0.1).step(net()), "backward", CallOrderError),
    Bad("step of a string", lambda: optim.SGD(0.1).step("model"), "model", ArgumentTypeError),
    Bad("step_arrays keys differ", lambda: optim.SGD(0.1).step_arrays({"a": np.zeros(2)}, {"b": np.zeros(2)}),
        "grads", ArgumentValueError),
    Bad("step_arrays shapes differ", lambda: optim.SGD(0.1).step_arrays({"a": np.zeros(2)}, {"a": np.zeros(3)}),
        "grads", ShapeError),
    Bad("step_arrays int parameter", lambda: optim.SGD(0.1).step_arrays({"a": np.zeros(2, int)}, {"a": np.ones(2)}),
        "params", ArgumentTypeError),
    Bad("step_arrays params a list", lambda: optim.SGD(0.1).step_arrays([np.zeros(2)], {"a": np.ones(2)}),
        "params", ArgumentTypeError),
    Bad("clip_grad_norm max_norm 0", lambda: optim.clip_grad_norm({"a": np.ones(2)}, 0.0), "max_norm",
        ArgumentValueError),
    Bad("clip_grad_norm of a string", lambda: optim.clip_grad_norm("model", 1.0), "model_or_grads",
        ArgumentTypeError),
    # --- schedules ---
    Bad("step_decay every 0", lambda: mod("schedules").step_decay(0.1, every=0), "every", ArgumentValueError),
    Bad("step_decay drop NaN", lambda: mod("schedules").step_decay(0.1, drop=float("nan")), "drop",
        ArgumentValueError),
    Bad("cosine_decay total_steps 0", lambda: mod("schedules").cosine_decay(0.1, total_steps=0), "total_steps",
        ArgumentValueError),
    Bad("cosine_decay total_steps float", lambda: mod("schedules").cosine_decay(0.1, total_steps=10.5),
        "total_steps", ArgumentTypeError),
    Bad("exponential_decay gamma negative", lambda: mod("schedules").exponential_decay(0.1, gamma=-0.5), "gamma",
        ArgumentValueError),
    Bad("constant lr negative", lambda: mod("schedules").constant(-0.1), "lr", ArgumentValueError),
    Bad("warmup steps negative", lambda: mod("schedules").warmup(0.1, -1), "warmup_steps", ArgumentValueError),
    Bad("warmup of a string", lambda: mod("schedules").warmup("fast", 3), "schedule", ArgumentTypeError),
    Bad("per_epoch steps 0", lambda: mod("schedules").per_epoch(lambda e: 0.1, 0), "steps_per_epoch",
        ArgumentValueError),
    # --- fit ---
    Bad("fit loss by unknown name", lambda: fit(loss="crossentropy"), "loss", ArgumentValueError),
    Bad("fit loss a number", lambda: fit(loss=2), "loss", ArgumentTypeError),
    Bad("fit loss and optimizer swapped", lambda: fit(loss=optim.SGD(0.1), optimizer=losses.CrossEntropy()), "loss",
        ArgumentTypeError),
    Bad("fit optimizer by name", lambda: fit(optimizer="sgd"), "optimizer", ArgumentTypeError),
    Bad("fit model not a model", lambda: fit(model="mlp"), "model", ArgumentTypeError),
    Bad("fit metrics unknown", lambda: fit(metrics=("f1",)), "metrics", ArgumentValueError),
    Bad("fit metrics unknown string", lambda: fit(metrics="f1"), "metrics", ArgumentValueError),
    Bad("fit metrics a number", lambda: fit(metrics=1), "metrics", ArgumentTypeError),
    Bad("fit validation of X only", lambda: fit(validation=(X2,)), "validation", ArgumentValueError),
    Bad("fit validation an array", lambda: fit(validation=X2), "validation", ArgumentValueError),
    Bad("fit validation rows differ", lambda: fit(validation=(X2, L3[:2])), "validation", ShapeError),
    Bad("fit validation too narrow", lambda: fit(validation=(X2[:, :1], L3)), "X", ShapeError),
    Bad("fit empty X", lambda: fit(X=np.zeros((0, 2)), y=L3[:0]), "X", ArgumentValueError),
    Bad("fit NaN in X", lambda: fit(X=NAN_X), "X", ArgumentValueError),
    Bad("fit inf in y", lambda: fit(loss=MSE, y=np.array([[np.inf, 0.0], [0.0, 0.0], [0.0, 0.0]])), "y",
        ArgumentValueError),
    Bad("fit X 1-D", lambda: fit(X=np.ones(3)), "X", ShapeError),
    Bad("fit X complex", lambda: fit(X=X2 + 0j), "X", ArgumentTypeError),
    Bad("fit X too narrow", lambda: fit(X=X2[:, :1]), "X", ShapeError),
    Bad("fit y shorter", lambda: fit(y=L3[:2]), "y", ShapeError),
    Bad("fit y strings", lambda: fit(y=np.array(["a", "b", "b"])), "y", ArgumentTypeError),
    Bad("fit epochs 0", lambda: fit(epochs=0), "epochs", ArgumentValueError),
    Bad("fit epochs float", lambda: fit(epochs=1.5), "epochs", ArgumentTypeError),
    Bad("fit epochs a string", lambda: fit(epochs="3"), "epochs", ArgumentTypeError),
    Bad("fit batch_size 0", lambda: fit(batch_size=0), "batch_size", ArgumentValueError),
    Bad("fit batch_size float", lambda: fit(batch_size=2.0), "batch_size", ArgumentTypeError),
    Bad("fit shuffle without rng", lambda: fit(rng=None), "rng", ArgumentTypeError),
    Bad("fit rng a seed", lambda: fit(rng=42), "rng", ArgumentTypeError),
    Bad("fit shuffle a string", lambda: fit(shuffle="False"), "shuffle", ArgumentTypeError),
    Bad("fit early_stopping 0", lambda: fit(early_stopping=0), "early_stopping", ArgumentValueError),
    Bad("fit clip_norm negative", lambda: fit(clip_norm=-1.0), "clip_norm", ArgumentValueError),
    Bad("fit restore_best a string", lambda: fit(restore_best="yes"), "restore_best", ArgumentTypeError),
    Bad("fit accuracy of a regression", lambda: fit(loss=MSE, y=Y2, metrics=("accuracy",)), "y",
        ArgumentValueError),
    Bad("fit labels out of range", lambda: fit(y=np.array([0, 1, 2])), "y", ArgumentValueError),
    # --- evaluate and accuracy ---
    Bad("evaluate unknown loss", lambda: train.evaluate(net(), "nope", X2, L3), "loss", ArgumentValueError),
    Bad("evaluate unknown metric", lambda: train.evaluate(net(), CE, X2, L3, metrics=("f1",)), "metrics",
        ArgumentValueError),
    Bad("evaluate NaN in X", lambda: train.evaluate(net(), CE, NAN_X, L3), "X", ArgumentValueError),
    Bad("evaluate model a string", lambda: train.evaluate("net", CE, X2, L3), "model", ArgumentTypeError),
    Bad("accuracy one-hot too wide", lambda: train.accuracy(np.zeros((2, 2)), np.eye(3)[:2]), "y", ShapeError),
    Bad("accuracy lengths differ", lambda: train.accuracy(np.zeros((3, 2)), np.zeros(2)), "y", ShapeError),
    Bad("accuracy labels out of range", lambda: train.accuracy(np.zeros((2, 2)), np.array([0, 5])), "y",
        ArgumentValueError),
    Bad("accuracy of regression targets", lambda: train.accuracy(np.zeros((2, 1)), np.array([0.3, 1.7])), "y",
        ArgumentValueError),
    Bad("accuracy y_hat 3-D", lambda: train.accuracy(np.zeros((2, 2, 2)), np.zeros(2)), "y_hat", ShapeError),
    Bad("accuracy threshold NaN", lambda: train.accuracy(np.zeros((2, 1)), np.zeros(2), threshold=float("nan")),
        "threshold", ArgumentValueError),
    Bad("iterate_minibatches batch_size 0", lambda: list(data.iterate_minibatches(X2, L3, 0, rng())), "batch_size",
        ArgumentValueError),
    Bad("iterate_minibatches rows differ", lambda: list(data.iterate_minibatches(X2, L3[:2], 2, rng())), "y",
        ShapeError),
    Bad("iterate_minibatches without rng", lambda: list(data.iterate_minibatches(X2, L3, 2)), "rng",
        ArgumentTypeError),
    # --- data ---
    Bad("moons noise NaN", lambda: data.moons(10, noise=float("nan"), rng=rng()), "noise", ArgumentValueError),
    Bad("moons noise negative", lambda: data.moons(10, noise=-0.1, rng=rng()), "noise", ArgumentValueError),
    Bad("moons n 1", lambda: data.moons(1, rng=rng()), "n", ArgumentValueError),
    Bad("moons n float", lambda: data.moons(10.5, rng=rng()), "n", ArgumentTypeError),
    Bad("moons without rng", lambda: data.moons(10), "rng", ArgumentTypeError),
    Bad("circles factor 1.5", lambda: data.circles(10, factor=1.5, rng=rng()), "factor", ArgumentValueError),
    Bad("circles factor NaN", lambda: data.circles(10, factor=float("nan"), rng=rng()), "factor",
        ArgumentValueError),
    Bad("spirals classes 1", lambda: data.spirals(10, classes=1, rng=rng()), "classes", ArgumentValueError),
    Bad("spirals fewer points than classes", lambda: data.spirals(2, classes=3, rng=rng()), "n", ArgumentValueError),
    Bad("train_test_split test_size 0", lambda: data.train_test_split(X2, L3, test_size=0.0, rng=rng()),
        "test_size", ArgumentValueError),
    Bad("train_test_split test_size 1.5", lambda: data.train_test_split(X2, L3, test_size=1.5, rng=rng()),
        "test_size", ArgumentValueError),
    Bad("train_test_split an empty part", lambda: data.train_test_split(X2, L3, test_size=0.1, rng=rng()),
        "test_size", ArgumentValueError),
    Bad("train_test_split rows differ", lambda: data.train_test_split(X2, L3[:2], rng=rng()), "y", ShapeError),
    Bad("train_test_split without rng", lambda: data.train_test_split(X2, L3), "rng", ArgumentTypeError),
    Bad("train_test_split empty X", lambda: data.train_test_split(np.zeros((0, 2)), L3[:0], rng=rng()), "X",
        ArgumentValueError),
    Bad("train_test_split stratify a string", lambda: data.train_test_split(X2, L3, rng=rng(), stratify="yes"),
        "stratify", ArgumentTypeError),
    Bad("standardize zero std", lambda: data.standardize(X2, np.zeros(2), np.array([1.0, 0.0])), "std",
        ArgumentValueError),
    Bad("standardize mean wrong length", lambda: data.standardize(X2, np.zeros(3)), "mean", ShapeError),
    Bad("standardize X 1-D", lambda: data.standardize(np.ones(3)), "X", ShapeError),
    Bad("standardize NaN in X", lambda: data.standardize(NAN_X), "X", ArgumentValueError),
    Bad("standardize complex X", lambda: data.standardize(X2 * 1j), "X", ArgumentTypeError),
    Bad("one_hot non-integer labels", lambda: data.one_hot(np.array([0.5, 1.0])), "y", ArgumentValueError),
    Bad("one_hot label too large", lambda: data.one_hot(np.array([0, 3]), num_classes=3), "y", ArgumentValueError),
    Bad("one_hot negative label", lambda: data.one_hot(np.array([0, -1])), "y", ArgumentValueError),
    Bad("one_hot empty without num_classes", lambda: data.one_hot(np.array([], dtype=int)), "num_classes",
        ArgumentValueError),
    Bad("one_hot 2-D labels", lambda: data.one_hot(np.eye(2)), "y", ShapeError),
    Bad("one_hot num_classes 0", lambda: data.one_hot(np.array([0]), num_classes=0), "num_classes",
        ArgumentValueError),
    Bad("one_hot num_classes float", lambda: data.one_hot(np.array([0]), num_classes=2.5), "num_classes",
        ArgumentTypeError),
    Bad("one_hot NaN label", lambda: data.one_hot(np.array([0.0, np.nan])), "y", ArgumentValueError),
    Bad("load_digits return_images a string", lambda: data.load_digits(return_images="yes"), "return_images",
        ArgumentTypeError),
    # --- init ---
    Bad("get_initializer unknown", lambda: init.get_initializer("glorot"), "init", ArgumentValueError),
    Bad("get_initializer a number", lambda: init.get_initializer(3), "init", ArgumentTypeError),
    Bad("xavier_uniform seed for rng", lambda: init.xavier_uniform((2, 2), 42), "rng", ArgumentTypeError),
    Bad("he_normal without rng", lambda: init.he_normal((2, 2)), "rng", ArgumentTypeError),
    Bad("normal std 0", lambda: init.normal((2, 2), rng(), std=0.0), "std", ArgumentValueError),
    Bad("zeros shape with 0", lambda: init.zeros((0, 3)), "shape", ArgumentValueError),
    Bad("zeros shape a string", lambda: init.zeros("2x3"), "shape", ArgumentTypeError),
    Bad("he_normal negative size", lambda: init.he_normal((2, -1), rng()), "shape", ArgumentValueError),
    # --- gradient checks ---
    Bad("numerical_gradient x a list", lambda: gradcheck.numerical_gradient(lambda: 0.0, [1.0, 2.0]), "x",
        ArgumentTypeError),
    Bad("numerical_gradient x float32", lambda: gradcheck.numerical_gradient(lambda: 0.0, np.zeros(2, np.float32)),
        "x", ArgumentTypeError),
    Bad("numerical_gradient order 3", lambda: gradcheck.numerical_gradient(lambda: 0.0, np.zeros(2), order=3),
        "order", ArgumentValueError),
    Bad("numerical_gradient eps 0", lambda: gradcheck.numerical_gradient(lambda: 0.0, np.zeros(2), eps=0.0), "eps",
        ArgumentValueError),
    Bad("numerical_gradient eps NaN",
        lambda: gradcheck.numerical_gradient(lambda: 0.0, np.zeros(2), eps=float("nan")), "eps", ArgumentValueError),
    Bad("numerical_gradient f not callable", lambda: gradcheck.numerical_gradient(3.0, np.zeros(2)), "f",
        ArgumentTypeError),
    Bad("numerical_gradient f of two arguments",
        lambda: gradcheck.numerical_gradient(lambda a, b: 0.0, np.zeros(2)), "f", ArgumentTypeError),
    Bad("numerical_gradient f returns an array", lambda: gradcheck.numerical_gradient(lambda v: v, np.zeros(2)),
        "f", ArgumentTypeError),
    Bad("numerical_gradient indices out of range",
        lambda: gradcheck.numerical_gradient(lambda v: 0.0, np.zeros(2), indices=[5]), "indices",
        ArgumentValueError),
    Bad("check_model order 3", lambda: gradcheck.check_model(net(), MSE, X2, Y2, order=3), "order",
        ArgumentValueError),
    Bad("check_model of a string", lambda: gradcheck.check_model("net", MSE, X2, Y2), "model", ArgumentTypeError),
    Bad("check_model unknown loss", lambda: gradcheck.check_model(net(), "mse2", X2, Y2), "loss",
        ArgumentValueError),
    Bad("check_model NaN in X", lambda: gradcheck.check_model(net(), MSE, NAN_X, Y2), "X", ArgumentValueError),
    Bad("check_model max_entries 0", lambda: gradcheck.check_model(net(), MSE, X2, Y2, max_entries=0, rng=rng()),
        "max_entries", ArgumentValueError),
    Bad("check_model max_entries without rng", lambda: gradcheck.check_model(net(), MSE, X2, Y2, max_entries=2),
        "rng", ArgumentTypeError),
    Bad("check_model threshold 0", lambda: gradcheck.check_model(net(), MSE, X2, Y2, threshold=0.0), "threshold",
        ArgumentValueError),
    Bad("check_model eps negative", lambda: gradcheck.check_model(net(), MSE, X2, Y2, eps=-1e-3), "eps",
        ArgumentValueError),
    Bad("relative_error shapes differ", lambda: gradcheck.relative_error(np.zeros(2), np.zeros(3)), "a", ShapeError),
    Bad("format_error negative", lambda: gradcheck.format_error(-1.0), "e", ArgumentValueError),
    Bad("format_error NaN", lambda: gradcheck.format_error(float("nan")), "e", ArgumentValueError),
    # --- interop ---
    Bad("torch_layout of a string", lambda: interop.torch_layout("mlp"), "model", ArgumentTypeError),
    Bad("keras_weights of a string", lambda: interop.keras_weights("mlp"), "model", ArgumentTypeError),
    Bad("load_keras_weights too few", lambda: interop.load_keras_weights(net(), interop.keras_weights(net())[:2]),
        "weights", ArgumentValueError),
    Bad("load_keras_weights transposed kernel",
        lambda: interop.load_keras_weights(net(), [w.T for w in interop.keras_weights(net())]), "weights",
        ShapeError),
    Bad("load_keras_weights NaN",
        lambda: interop.load_keras_weights(net(), [w * np.nan for w in interop.keras_weights(net())]), "weights",
        ArgumentValueError),
]

#: Unusual calls that are right and must work: NumPy scalars are numbers, lists and integers are arrays.
VALID: list[tuple[str, Callable[[], object]]] = [
    ("Dense int64 sizes", lambda: layers.Dense(np.int64(2), np.int32(3), rng=rng())),
    ("Dense W as a list of ints", lambda: layers.Dense(2, 1, W=[[1, 2]], b=[0])),
    ("Dense forward of a list", lambda: dense().forward([[1, 2], [3, 4]])),
    ("Dense forward of float32", lambda: dense().forward(np.ones((2, 2), np.float32))),
    ("Dense forward of bools", lambda: dense().forward(np.array([[True, False]]))),
    ("Dense forward of an empty batch", lambda: dense().forward(np.zeros((0, 2)))),
    ("Dropout float32 p", lambda: layers.Dropout(np.float32(0.5), rng())),
    ("Dropout p 0", lambda: layers.Dropout(0, rng()).forward(X2)),
    ("MLP int64 sizes and seed", lambda: model.MLP([np.int64(2), 3, 1], seed=np.int64(4))),
    ("MLP activation None is linear", lambda: model.MLP([2, 3, 1], activation=None)),
    ("train with a NumPy bool", lambda: net().train(np.bool_(False))),
    ("SGD float32 lr", lambda: optim.SGD(np.float32(0.1))),
    ("SGD int lr", lambda: optim.SGD(1)),
    ("Adam betas as a list", lambda: optim.Adam(betas=[0.9, np.float32(0.99)])),
    ("schedule returning float32",
     lambda: optim.SGD(lambda t: np.float32(0.1)).step_arrays({"w": np.zeros(2)}, {"w": np.ones(2)})),
    ("step_arrays with int gradients", lambda: optim.SGD(0.1).step_arrays({"w": np.zeros(2)}, {"w": [1, 2]})),
    ("step_decay int64 every", lambda: mod("schedules").step_decay(0.1, every=np.int64(5))),
    ("fit int64 epochs and batch_size", lambda: fit(epochs=np.int64(1), batch_size=np.int64(32))),
    ("fit lists", lambda: fit(X=X2.tolist(), y=L3.tolist())),
    ("fit integer X", lambda: fit(X=np.array([[0, 1], [1, 0], [1, 1]]))),
    ("fit float32 X", lambda: fit(X=X2.astype(np.float32))),
    ("fit float labels", lambda: fit(y=L3.astype(float))),
    ("fit loss by name", lambda: fit(loss="cross_entropy")),
    ("fit metrics as a string", lambda: fit(metrics="accuracy")),
    ("fit bool targets for BCE", lambda: fit(model=model.MLP([2, 1]), loss=losses.BinaryCrossEntropy(from_logits=True),
                                             y=np.array([[True], [False], [True]]))),
    ("fit float32 clip_norm", lambda: fit(clip_norm=np.float32(1.0))),
    ("fit a regression", lambda: fit(loss=MSE, y=Y2)),
    ("evaluate with lists", lambda: train.evaluate(net(), CE, X2.tolist(), L3.tolist())),
    ("accuracy of lists", lambda: train.accuracy([[0.2, 0.8]], [1])),
    ("accuracy with float one-hot rows", lambda: train.accuracy(np.eye(2), np.eye(2))),
    ("moons int64 n and float32 noise", lambda: data.moons(np.int64(10), noise=np.float32(0.1), rng=rng())),
    ("train_test_split float32 test_size",
     lambda: data.train_test_split(np.arange(20.0).reshape(10, 2), np.arange(10), np.float32(0.2), rng=rng())),
    ("one_hot of float labels", lambda: data.one_hot([0.0, 2.0])),
    ("one_hot empty with num_classes", lambda: data.one_hot(np.array([], dtype=int), num_classes=np.int64(3))),
    ("standardize int X", lambda: data.standardize([[1, 2], [3, 4]])),
    ("normal float32 std", lambda: init.normal((2, 2), rng(), std=np.float32(0.1))),
    ("check_model int64 order", lambda: gradcheck.check_model(net(), MSE, X2, Y2, order=np.int64(2))),
    ("check_model loss by name", lambda: gradcheck.check_model(net(), "mse", X2, Y2)),
    ("numerical_gradient f(x)", lambda: gradcheck.numerical_gradient(lambda v: float(v.sum()), np.zeros(2))),
    ("numerical_gradient returning a 0-d array",
     lambda: gradcheck.numerical_gradient(lambda v: np.sum(v), np.zeros(2))),
    ("relative_error of lists", lambda: gradcheck.relative_error([1, 2], [1, 2.5])),
    ("format_error float32", lambda: gradcheck.format_error(np.float32(1e-20))),
    ("clip_grad_norm int64 max_norm", lambda: optim.clip_grad_norm({"a": np.ones(2)}, np.int64(1))),
    ("optimizer over two models", lambda: [optim.Adam(0.1).step(stepped_model()) for _ in range(2)]),
]


def names_argument(message: str, arg: str) -> bool:
    """True if the message mentions arg as a whole word (y, not the y in y_hat)."""
    return re.search(rf"(?<![\w.]){re.escape(arg)}(?!\w)", message) is not None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_raises_a_bpkit_error_naming_the_argument(case: Bad) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a refused call must not depend on warnings
        with pytest.raises(BpkitError) as info:
            case.call()
    assert isinstance(info.value, case.kind), f"{type(info.value).__name__}: {info.value}"
    assert names_argument(str(info.value), case.arg), str(info.value)


@pytest.mark.parametrize("call", [c for _, c in VALID], ids=[name for name, _ in VALID])
def test_unusual_but_valid_input_works(call: Callable[[], object]) -> None:
    call()


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES] + [name for name, _ in VALID]
    assert len(ids) == len(set(ids))


# --- property tests: every shape mismatch and every non-real dtype is refused by name ---

BAD_DTYPES = st.sampled_from(["complex128", "complex64", "U1", "O", "datetime64[D]"])


def _array_of(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    if dtype == "O":
        return np.full(shape, None, dtype=object)
    if dtype.startswith("datetime"):
        return np.full(shape, np.datetime64("2020-01-01"), dtype=dtype)
    return np.ones(shape).astype(dtype) if dtype != "U1" else np.full(shape, "a")


@given(n=st.integers(1, 4), n_in=st.integers(1, 4), width=st.integers(1, 6))
@settings(max_examples=30, deadline=None)
def test_dense_refuses_every_other_width(n: int, n_in: int, width: int) -> None:
    layer = layers.Dense(n_in, 2, rng=rng())
    if width == n_in:
        assert layer.forward(np.ones((n, width))).shape == (n, 2)
    else:
        with pytest.raises(ShapeError, match=rf"\bX must have shape \(N, {n_in}\), got \({n}, {width}\)"):
            layer.forward(np.ones((n, width)))


@given(dtype=BAD_DTYPES, which=st.sampled_from(["X", "y"]))
@settings(max_examples=20, deadline=None)
def test_fit_refuses_non_real_data(dtype: str, which: str) -> None:
    bad = _array_of(dtype, X2.shape if which == "X" else L3.shape)
    with pytest.raises(ArgumentTypeError, match=rf"\b{which}\b"):
        fit(**{which: bad})


@given(value=st.sampled_from([np.float16(0.5), np.float32(0.5), np.float64(0.5), 0.5, np.int8(0), 0]),
       maker=st.sampled_from(["Dropout", "SGD", "Adam", "RMSProp", "AdaGrad", "clip_grad_norm"]))
@settings(max_examples=30, deadline=None)
def test_numpy_scalars_are_numbers_everywhere(value: object, maker: str) -> None:
    if maker == "Dropout":
        assert layers.Dropout(value, rng()).p == float(value)
    elif maker == "clip_grad_norm":
        if float(value) > 0:
            optim.clip_grad_norm({"a": np.ones(2)}, value)
    else:
        assert getattr(optim, maker)(value).lr == float(value)


@given(lr=st.floats(allow_nan=True, allow_infinity=True) | st.just(float("nan")), t=st.integers(0, 5))
@settings(max_examples=30, deadline=None)
def test_a_schedule_value_is_used_only_when_finite_and_non_negative(lr: float, t: int) -> None:
    opt = optim.SGD(lambda step: 0.1 if step < t else lr)
    w = np.zeros(1)
    for _ in range(t):
        opt.step_arrays({"w": w}, {"w": np.ones(1)})
    if np.isfinite(lr) and lr >= 0:
        opt.step_arrays({"w": w}, {"w": np.ones(1)})
    else:
        before = w.copy()
        with pytest.raises(ArgumentValueError, match=rf"\blr\b.*at step {t}\b"):
            opt.step_arrays({"w": w}, {"w": np.ones(1)})
        assert np.array_equal(w, before)


# --- classification of every case (python tests/test_bad_input_core.py) ---


def classify(case: Bad) -> str:
    """'clear' (a bpkit error naming the argument), 'bare' (any other exception) or 'silent' (no exception)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            case.call()
    except BpkitError as exc:
        return "clear" if names_argument(str(exc), case.arg) else "bare"
    except Exception:
        return "bare"
    return "silent"


def main() -> int:
    counts: dict[str, int] = {"clear": 0, "bare": 0, "silent": 0}
    for case in CASES:
        verdict = classify(case)
        counts[verdict] += 1
        if verdict != "clear" or "-v" in sys.argv:
            print(f"{verdict:7} {case.id}")
    print(f"{len(CASES)} cases: {counts['clear']} clear, {counts['bare']} bare, {counts['silent']} silent")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
