"""Tests of bpkit.exercises.ch13: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np

from bpkit.exercises.ch13 import (
    B1_RES,
    BATCHES,
    BETA,
    EPS,
    G_BN,
    GAMMA,
    W1_RES,
    W2_RES,
    X_BN,
    X_RES,
    check_bn_backward,
    check_bn_forward,
    check_residual_jacobian,
    check_running_var,
)
from bpkit.exercises.core import Verdict


def run(capsys, check, answer) -> tuple[bool, str]:
    v = check(answer)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


# batch normalization by hand, independently of bpkit
mu, var = X_BN.mean(axis=0), X_BN.var(axis=0)
x_hat = (X_BN - mu) / np.sqrt(var + EPS)
Y = GAMMA * x_hat + BETA
g_hat = G_BN * GAMMA
m = X_BN.shape[0]
dX = (m * g_hat - g_hat.sum(axis=0) - x_hat * (g_hat * x_hat).sum(axis=0)) / (m * np.sqrt(var + EPS))


def test_bn_forward(capsys) -> None:
    assert run(capsys, check_bn_forward, Y) == (True, "✔ y is correct.")
    unbiased = (X_BN - mu) / np.sqrt(X_BN.var(axis=0, ddof=1) + EPS) * GAMMA + BETA
    rows = X_BN - X_BN.mean(axis=1, keepdims=True)
    layer_norm = rows / np.sqrt(X_BN.var(axis=1, keepdims=True) + EPS) * GAMMA + BETA
    for answer, reason in ((unbiased, "unbiased variance"), (layer_norm, "layer normalization"),
                           (x_hat, "gamma and beta are not applied"),
                           ((X_BN - mu) / (var + EPS) * GAMMA + BETA, "instead of the standard deviation"),
                           (Y.T, "transpose"), (Y + 0.1, "entries")):
        ok, line = run(capsys, check_bn_forward, answer)
        assert not ok and reason in line, line


def test_bn_backward(capsys) -> None:
    assert run(capsys, check_bn_backward, dX) == (True, "✔ dJ/dx is correct.")
    assert run(capsys, check_bn_backward, dX.tolist())[0]
    s = np.sqrt(var + EPS)
    for answer, reason in ((g_hat / s, "as constants"),
                           ((g_hat - g_hat.mean(axis=0)) / s, "the term from the variance"),
                           ((g_hat - x_hat * (g_hat * x_hat).mean(axis=0)) / s, "the term from the mean"),
                           ((G_BN - G_BN.mean(axis=0) - x_hat * (G_BN * x_hat).mean(axis=0)) / s, "gamma is missing"),
                           (-dX, "entries")):
        ok, line = run(capsys, check_bn_backward, answer)
        assert not ok and reason in line, line


def test_running_var(capsys) -> None:
    v1, v2 = (b.var(ddof=1) for b in BATCHES)
    right = 0.9 * (0.9 * 1.0 + 0.1 * v1) + 0.1 * v2
    assert run(capsys, check_running_var, [right]) == (True, "✔ running_var is correct.")
    assert run(capsys, check_running_var, np.array([right]))[0]
    b1, b2 = (b.var() for b in BATCHES)
    for answer, reason in (([0.9 * (0.9 + 0.1 * b1) + 0.1 * b2], "unbiased m/(m-1)"),
                           ([0.1 * (0.1 + 0.9 * v1) + 0.9 * v2], "momentum weighs the old estimate"),
                           ([0.9 * 0.1 * v1 + 0.1 * v2], "it starts from 0"), ([right + 1], "expected")):
        ok, line = run(capsys, check_running_var, answer)
        assert not ok and reason in line, line


def test_residual_jacobian(capsys) -> None:
    active = (W1_RES @ X_RES + B1_RES > 0).astype(float)
    assert 0 < active.sum() < 2                     # one relu unit is off at X_RES: its derivative matters
    dF = W2_RES @ np.diag(active) @ W1_RES
    assert run(capsys, check_residual_jacobian, np.eye(2) + dF) == (True, "✔ dy/dx is correct.")
    for answer, reason in ((dF, "the identity is missing"), ((np.eye(2) + dF).T, "transpose"),
                           (np.eye(2) + W2_RES @ W1_RES, "relu's derivative is missing"),
                           (np.eye(2) + W1_RES @ np.diag(active) @ W2_RES, "wrong order"),
                           (np.eye(2) + dF + 0.5, "entries")):
        ok, line = run(capsys, check_residual_jacobian, answer)
        assert not ok and reason in line, line
