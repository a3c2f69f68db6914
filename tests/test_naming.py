"""Tests of bpkit.naming: W1, b1, ... for plain layers, k.W1 for containers, shared layers named once."""

from __future__ import annotations

import numpy as np

from bpkit.gradcheck import check_model
from bpkit.layers import ActivationLayer, Dense
from bpkit.losses import MSE
from bpkit.model import Sequential


def test_parameters_are_named_ordered_and_live() -> None:
    model = Sequential(
        [Dense(2, 3, rng=np.random.default_rng(0)), ActivationLayer("relu"), Dense(3, 1, bias=False, rng=np.random.default_rng(1))]
    )
    params, grads = model.parameters(), model.gradients()
    assert list(params) == ["W1", "b1", "W2"] == list(grads)
    assert all(params[k].shape == grads[k].shape for k in params)
    model.layers[0].W[0, 0] = 42.0
    assert model.parameters()["W1"][0, 0] == 42.0
    params["W2"][...] = 0.0
    assert np.all(model.layers[2].W == 0.0)
    assert model.num_parameters == 6 + 3 + 3
    assert model.layers[0].name == "layer 1 (Dense 2->3)"
    assert "9 parameters" not in repr(model) and "12 parameters" in repr(model)


def test_nested_sequential_and_container_names() -> None:
    rng = np.random.default_rng(4)
    inner = Sequential([Dense(3, 3, activation="tanh", rng=rng), Dense(3, 3, rng=rng)])
    model = Sequential([Dense(2, 3, activation="tanh", rng=rng), inner, ActivationLayer("tanh"), Dense(3, 1, rng=rng)])
    assert list(model.parameters()) == ["W1", "b1", "2.W1", "2.b1", "2.W2", "2.b2", "W3", "b3"]
    assert list(model.gradients()) == list(model.parameters())
    assert check_model(model, MSE(), rng.normal(size=(4, 2)), rng.normal(size=(4, 1))).passed
    model.eval()
    assert not any(layer.training for layer in inner.layers)
    model.train()
    assert all(layer.training for layer in inner.layers)


def test_qualified_names_for_plain_container_and_shared_layers() -> None:
    from bpkit.naming import qualified_names

    d = Dense(2, 2, init="zeros")
    inner = Sequential([Dense(2, 2, init="zeros"), Dense(2, 2, init="zeros")])
    names = qualified_names([d, ActivationLayer("relu"), inner, d], "params")
    assert [[name for _, name in pairs] for _, pairs in names] == [["W1", "b1"], ["2.W1", "2.b1", "2.W2", "2.b2"]]
    assert qualified_names([d], "buffers") == [(d, [])]  # numbered, but no buffers
