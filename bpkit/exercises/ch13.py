"""One-line checks for the exercises of book/13_normalization_residual.ipynb.

Expected values come from bpkit's BatchNorm, Dense and Residual layers, never from typed numbers.
Each named mistake is the answer recomputed with that one mistake (tests/test_exercises_ch13.py
checks that the recomputations reproduce the mistakes they name).
"""

from __future__ import annotations

import numpy as np

from bpkit.exercises.core import Mistake, Verdict, check_array
from bpkit.layers import ActivationLayer, Dense
from bpkit.norm import BatchNorm
from bpkit.residual import Residual

#: Exercises 1 and 2: a batch of 4 examples with 2 features, the scale and shift, and dJ/dy.
X_BN = np.array([[1.0, 4.0], [2.0, 0.0], [4.0, 2.0], [5.0, 2.0]])
GAMMA = np.array([2.0, 0.5])
BETA = np.array([1.0, -1.0])
G_BN = np.array([[1.0, 0.0], [-1.0, 2.0], [0.5, 1.0], [2.0, -1.0]])
EPS = 1e-5

#: Exercise 3: two training batches of one feature, seen by a fresh BatchNorm(1, momentum=0.1).
BATCHES = (np.array([[1.0], [3.0]]), np.array([[2.0], [6.0], [10.0]]))

#: Exercise 4: y = x + W2 relu(W1 x + b1) at the point x.
W1_RES = np.array([[1.0, -2.0], [0.5, 1.0]])
B1_RES = np.array([0.5, -1.5])
W2_RES = np.array([[2.0, 1.0], [-1.0, 3.0]])
X_RES = np.array([1.0, 0.5])


def _bn(X: np.ndarray = X_BN) -> BatchNorm:
    bn = BatchNorm(X.shape[1], eps=EPS)
    bn.gamma[...] = GAMMA
    bn.beta[...] = BETA
    return bn


def _normalized(X: np.ndarray, axis: int = 0, ddof: int = 0, eps: float = EPS) -> np.ndarray:
    mean = X.mean(axis=axis, keepdims=True)
    out: np.ndarray = (X - mean) / np.sqrt(X.var(axis=axis, ddof=ddof, keepdims=True) + eps)
    return out


def check_bn_forward(answer: object) -> Verdict:
    """y = gamma (x - mu) / sqrt(var + eps) + beta for X_BN in training mode (batch statistics per feature)."""
    want = _bn().forward(X_BN)
    mistakes = [
        Mistake("it divides by the unbiased variance (1/(m-1)); the batch is normalized with the 1/m variance "
                "(the unbiased one only enters the running estimate)", _normalized(X_BN, ddof=1) * GAMMA + BETA),
        Mistake("it normalizes each example over its features (that is layer normalization); batch "
                "normalization takes each feature over the batch", _normalized(X_BN, axis=1) * GAMMA + BETA),
        Mistake("gamma and beta are not applied", _normalized(X_BN)),
        Mistake("it divides by the variance instead of the standard deviation",
                (X_BN - X_BN.mean(axis=0)) / (X_BN.var(axis=0) + EPS) * GAMMA + BETA),
    ]
    return check_array("y", answer, want, mistakes)


def check_bn_backward(answer: object) -> Verdict:
    """dJ/dx for X_BN in training mode when dJ/dy = G_BN (the compact form)."""
    bn = _bn()
    bn.forward(X_BN)
    bn.zero_grad()
    want = bn.backward(G_BN)
    x_hat = _normalized(X_BN)
    inv_std = 1.0 / np.sqrt(X_BN.var(axis=0) + EPS)
    g_hat = G_BN * GAMMA
    mistakes = [
        Mistake("it treats the batch mean and variance as constants (gamma g / sigma, the evaluation-mode formula); "
                "in training they depend on every x of the batch", g_hat * inv_std),
        Mistake("the term from the variance, - x_hat mean(g_hat x_hat), is missing",
                inv_std * (g_hat - g_hat.mean(axis=0))),
        Mistake("the term from the mean, - mean(g_hat), is missing",
                inv_std * (g_hat - x_hat * (g_hat * x_hat).mean(axis=0))),
        Mistake("gamma is missing: dJ/dx_hat = gamma dJ/dy",
                inv_std * (G_BN - G_BN.mean(axis=0) - x_hat * (G_BN * x_hat).mean(axis=0))),
    ]
    return check_array("dJ/dx", answer, want, mistakes)


def _running_var(momentum: float = 0.1, unbiased: bool = True) -> np.ndarray:
    rv = np.ones(1)
    for batch in BATCHES:
        var = batch.var(axis=0, ddof=1 if unbiased else 0)
        rv = (1 - momentum) * rv + momentum * var
    return rv


def check_running_var(answer: object) -> Verdict:
    """running_var of a fresh BatchNorm(1) (momentum 0.1) after training-mode forward passes on BATCHES."""
    bn = BatchNorm(1, momentum=0.1)
    for batch in BATCHES:
        bn.forward(batch)
    mistakes = [
        Mistake("it averages the 1/m batch variances; the running estimate uses the unbiased m/(m-1) variance "
                "(as PyTorch)", _running_var(unbiased=False)),
        Mistake("momentum weighs the old estimate: running = (1 - momentum) running + momentum batch, "
                "not the reverse", _running_var(momentum=0.9)),
        Mistake("it starts from 0; the running variance starts at 1", _running_var() - 0.9 * 0.9),
    ]
    return check_array("running_var", answer, bn.running_var, mistakes)


def _residual_block() -> Residual:
    return Residual([Dense(2, 2, W=W1_RES, b=B1_RES, activation="relu"), Dense(2, 2, W=W2_RES, bias=False)])


def _jacobian(block: Residual | Dense | ActivationLayer, x: np.ndarray) -> np.ndarray:
    """dy/dx at x, row i = dy_i/dx, by one backward pass per output (the block has no batch coupling)."""
    rows = []
    for i in range(x.size):
        block.forward(x[None, :])
        block.zero_grad()
        rows.append(block.backward(np.eye(x.size)[[i]])[0])
    return np.array(rows)


def check_residual_jacobian(answer: object) -> Verdict:
    """dy/dx (rows: outputs) of y = x + W2 relu(W1 x + b1) at X_RES."""
    want = _jacobian(_residual_block(), X_RES)
    mask = (W1_RES @ X_RES + B1_RES > 0).astype(float)
    dF = W2_RES @ (mask[:, None] * W1_RES)
    mistakes = [
        Mistake("the identity is missing: y = x + F(x) gives dy/dx = I + dF/dx", dF),
        Mistake("it is the transpose of dy/dx (rows are outputs, columns inputs)", (np.eye(2) + dF).T),
        Mistake("relu's derivative is missing: a unit with W1 x + b1 <= 0 passes no gradient",
                np.eye(2) + W2_RES @ W1_RES),
        Mistake("the factors of dF/dx are in the wrong order: it is W2 diag(relu') W1, not W1 diag(relu') W2",
                np.eye(2) + W1_RES @ (mask[:, None] * W2_RES)),
    ]
    return check_array("dy/dx", answer, want, mistakes)
