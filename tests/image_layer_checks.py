"""Checks shared by the tests of the Part III image layers (conv, pool, norm, residual).

A layer's gradients are checked on the scalar J = sum(R * layer(X)) for a fixed random R, so that
dJ/dY = R: backward(R) must return dJ/dX and add dJ/dtheta, and central differences of J give the
same numbers independently.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

from bpkit.gradcheck import numerical_gradient

TORCH_REASON = "PyTorch parity tests need torch (pip install torch; the CI installs 2.13.0 CPU)"


def torch_or_skip() -> ModuleType:
    """The torch module, or a visible skip with the reason when it is not installed."""
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    torch.set_num_threads(1)
    return torch


def analytic(layer: Any, X: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(dJ/dX, {name: dJ/dtheta}) from one zero_grad, forward and backward(R)."""
    layer.zero_grad()
    layer.forward(X)
    dX = layer.backward(R)
    return dX, {k: g.copy() for k, g in layer.grads().items()}


def numeric(layer: Any, X: np.ndarray, R: np.ndarray, eps: float = 1e-6) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The same gradients by central differences of J = sum(R * layer.forward(X))."""
    X = np.array(X, dtype=np.float64)

    def J() -> float:
        return float(np.sum(R * layer.forward(X)))

    return numerical_gradient(J, X, eps), {k: numerical_gradient(J, p, eps) for k, p in layer.params().items()}


def assert_gradients(layer: Any, X: np.ndarray, rng: np.random.Generator, rtol: float = 1e-6,
                     atol: float = 1e-8) -> None:
    """backward agrees with central differences for dX and every parameter."""
    X = np.asarray(X, dtype=np.float64)
    R = rng.normal(size=layer.forward(X).shape)
    dX, grads = analytic(layer, X, R)
    ndX, ngrads = numeric(layer, X, R)
    np.testing.assert_allclose(dX, ndX, rtol=rtol, atol=atol, err_msg="dX")
    for k in grads:
        np.testing.assert_allclose(grads[k], ngrads[k], rtol=rtol, atol=atol, err_msg=k)


def assert_accumulates(layer: Any, X1: np.ndarray, X2: np.ndarray, rng: np.random.Generator) -> None:
    """The gradient rule: two backward passes (each with its own cache) add up; zero_grad resets."""
    R1 = rng.normal(size=layer.forward(X1).shape)
    R2 = rng.normal(size=layer.forward(X2).shape)
    _, g1 = analytic(layer, X1, R1)
    _, g2 = analytic(layer, X2, R2)
    layer.zero_grad()
    layer.forward(X1)
    cache1 = layer._cache
    layer.forward(X2)
    layer.backward(R2)
    layer._cache = cache1  # as Sequential does for a layer used at two positions
    layer.backward(R1)
    for k, g in layer.grads().items():
        np.testing.assert_allclose(g, g1[k] + g2[k], rtol=1e-12, atol=1e-12, err_msg=k)
    layer.zero_grad()
    assert all(not np.any(g) for g in layer.grads().values())


def assert_output_is_free(layer: Any, X: np.ndarray, rng: np.random.Generator) -> None:
    """Modifying the returned output after forward does not change the next backward."""
    X = np.array(X, dtype=np.float64)
    R = rng.normal(size=layer.forward(X).shape)
    dX, grads = analytic(layer, X, R)
    layer.zero_grad()
    Y = layer.forward(X)
    Y[...] = 123.0
    dX2 = layer.backward(R)
    np.testing.assert_array_equal(dX2, dX)
    for k, g in layer.grads().items():
        np.testing.assert_array_equal(g, grads[k])
