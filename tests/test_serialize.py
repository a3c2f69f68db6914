"""Tests of bpkit.serialize and the model's state_dict: round trips, file objects, exact paths, refusing another architecture."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.errors import ArgumentValueError
from bpkit.model import MLP


def test_save_and_load_round_trip(tmp_path) -> None:
    model = MLP([2, 3, 1], seed=1)
    path = tmp_path / "weights.npz"
    model.save(path)
    other = MLP([2, 3, 1], seed=2)
    other.load(path)
    X = np.random.default_rng(0).normal(size=(4, 2))
    assert np.array_equal(other.predict(X), model.predict(X))
    with pytest.raises(ArgumentValueError, match=r"has 2 layers but this model has 3"):
        MLP([2, 3, 3, 1]).load(path)
    with pytest.raises(ArgumentValueError, match=r"layer 1 of the model in file .* is Dense\(2, 3, .* but this model has Dense\(2, 4"):
        MLP([2, 4, 1]).load(path)
    with pytest.raises(ArgumentValueError, match=r"activation='tanh'"):
        MLP([2, 3, 1], activation="tanh").load(path)


def test_state_dict_round_trip_keeps_arrays_in_place() -> None:
    model = MLP([2, 3, 1], seed=0)
    arrays = model.parameters()
    state = MLP([2, 3, 1], seed=5).state_dict()
    model.load_state_dict(state)
    for k, p in model.parameters().items():
        assert p is arrays[k] and np.array_equal(p, state[k])
    with pytest.raises(ArgumentValueError, match=r"missing \['b2'\]"):
        model.load_state_dict({k: v for k, v in state.items() if k != "b2"})
    with pytest.raises(ArgumentValueError, match=r"state\['W1'\] must have shape"):
        model.load_state_dict({**state, "W1": np.zeros((2, 2))})


def test_save_and_load_file_objects_and_exact_paths(tmp_path) -> None:
    import io

    model = MLP([2, 3, 1], seed=1)
    path = tmp_path / "w"  # no .npz: written and read under exactly this name
    model.save(str(path))
    assert path.exists() and not (tmp_path / "w.npz").exists()
    other = MLP([2, 3, 1], seed=2).load(str(path))
    assert np.array_equal(other.parameters()["W1"], model.parameters()["W1"])
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    assert np.array_equal(MLP([2, 3, 1], seed=3).load(buffer).parameters()["b1"], model.parameters()["b1"])
    np.savez(tmp_path / "plain.npz", W1=np.zeros((3, 2)))
    with pytest.raises(ArgumentValueError, match="not written by save"):
        model.load(tmp_path / "plain.npz")
    with pytest.raises(ArgumentValueError, match="does not exist"):
        model.load(tmp_path / "missing.npz")
