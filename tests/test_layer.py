"""Tests of bpkit.layer: the Layer contract's defaults, modes and call-order errors."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.errors import ArgumentTypeError, CallOrderError, ShapeError
from bpkit.layer import Layer
from bpkit.layers import ActivationLayer, Dropout


def test_layer_contract_defaults_and_modes() -> None:
    base = Layer()
    assert base._cache is None and base.params() == {} and base.buffers() == {} and base.kink_pattern() is None
    base.zero_grad()
    drop = Dropout(0.5, np.random.default_rng(0))
    assert drop.eval() is drop and not drop.training
    assert drop.train() is drop and drop.training
    with pytest.raises(ArgumentTypeError, match="mode"):
        drop.train("False")
    with pytest.raises(CallOrderError, match="call forward"):
        ActivationLayer("relu").backward(np.ones((1, 1)))
    with pytest.raises(CallOrderError, match="call forward"):
        drop.backward(np.ones((1, 1)))


def test_the_old_import_path_and_a_minimal_subclass() -> None:
    import bpkit.layers

    assert bpkit.layers.Layer is Layer

    class Double(Layer):
        def forward(self, X):
            self._cache = np.shape(X)
            return 2.0 * np.asarray(X, dtype=float)

        def backward(self, grad_out):
            return 2.0 * self._check_grad_out(grad_out, self._need_cache())

    layer = Double()
    with pytest.raises(CallOrderError, match="Double: call forward"):
        layer.backward(np.ones(2))
    layer.forward(np.ones((3, 2)))
    with pytest.raises(ShapeError, match=r"grad_out must have the output's shape \(3, 2\)"):
        layer.backward(np.ones((2, 3)))
    assert np.array_equal(layer.backward(np.ones((3, 2))), np.full((3, 2), 2.0))
    assert repr(layer) == "Double()"
