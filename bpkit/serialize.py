"""Saving and loading a model's weights without pickle (``Sequential.save`` / ``Sequential.load``).

A file is an ordinary NumPy ``.npz`` archive holding one array per parameter and buffer, under the
model's names ("W1", "b1", ...), plus the entry ``__architecture__``: a JSON text that records the
model's class, each position's layer (its repr, e.g. ``Dense(2, 8, activation='tanh', bias=True)``)
and the names and shapes of the arrays. Loading compares that description with the model and
refuses a file written by a different architecture, naming the first difference. Nothing is ever
pickled: ``numpy.load`` runs with ``allow_pickle=False``.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.validate import Array


class Saveable(Protocol):
    """What save_model and load_model need of a model (bpkit.model.Sequential has it all).

    Examples
    --------
    >>> from bpkit.model import MLP
    >>> model: Saveable = MLP([2, 1])
    >>> model.architecture()["layers"]
    ["Dense(2, 1, activation='identity', bias=True)"]
    """

    def architecture(self) -> dict[str, Any]:
        """A JSON-ready description of the model."""
        ...

    def parameters(self) -> dict[str, Array]:
        """Live parameter arrays by name."""
        ...

    def buffers(self) -> dict[str, Array]:
        """Live buffers by name."""
        ...

    def load_state_dict(self, state: Mapping[str, ArrayLike]) -> Any:
        """Write arrays by name into the model, in place."""
        ...


M = TypeVar("M", bound=Saveable)

ARCHITECTURE_KEY = "__architecture__"
FORMAT = "bpkit-model/1"


def _check_file(file: object, where: str) -> None:
    if not isinstance(file, (str, Path)) and not (hasattr(file, "read") or hasattr(file, "write")):
        raise ArgumentTypeError(f"{where}: file must be a path or a binary file object, got {type(file).__name__}")


def save_model(model: Saveable, file: str | Path | IO[bytes]) -> None:
    """Write the model's parameters, buffers and architecture to `file`.

    Parameters
    ----------
    model : Sequential
        The model to save.
    file : str, Path or binary file object
        Written at exactly this path: unlike ``numpy.savez`` no ".npz" is appended, so
        ``load`` finds the file under the same name.

    Examples
    --------
    >>> import io
    >>> from bpkit.model import MLP
    >>> buffer = io.BytesIO()
    >>> save_model(MLP([2, 3, 1], seed=0), buffer)
    >>> _ = buffer.seek(0)
    >>> other = load_model(MLP([2, 3, 1], seed=1), buffer)
    >>> bool(np.array_equal(other.parameters()["W1"], MLP([2, 3, 1], seed=0).parameters()["W1"]))
    True
    """
    _check_file(file, "save")
    description = {"format": FORMAT, **model.architecture()}
    arrays: dict[str, Any] = {**model.parameters(), **model.buffers()}
    arrays[ARCHITECTURE_KEY] = np.array(json.dumps(description))
    if isinstance(file, (str, Path)):
        with open(file, "wb") as handle:
            np.savez(handle, **arrays)
    else:
        np.savez(file, **arrays)


def load_model(model: M, file: str | Path | IO[bytes]) -> M:
    """Read a file written by save_model into `model` in place; returns the model.

    Parameters
    ----------
    model : Sequential
        A model of the same architecture as the saved one.
    file : str, Path or binary file object
        What save_model wrote.

    Raises
    ------
    ArgumentValueError
        If the file is not a bpkit model file or describes another architecture.

    Examples
    --------
    >>> import io
    >>> from bpkit.model import MLP
    >>> buffer = io.BytesIO()
    >>> save_model(MLP([2, 3, 1]), buffer)
    >>> _ = buffer.seek(0)
    >>> load_model(MLP([2, 4, 1]), buffer)
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentValueError: load: layer 1 of the model in file object is Dense(2, 3, activation='relu', bias=True) but this model has Dense(2, 4, activation='relu', bias=True)
    """
    _check_file(file, "load")
    name = repr(str(file)) if isinstance(file, (str, Path)) else "object"
    try:
        with np.load(file, allow_pickle=False) as data:
            stored = {k: data[k] for k in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise ArgumentValueError(f"load: file {name} does not exist") from exc
        raise ArgumentValueError(f"load: file {name} is not an .npz file written by save(): {exc}") from exc
    text = stored.pop(ARCHITECTURE_KEY, None)
    if text is None:
        raise ArgumentValueError(f"load: file {name} has no {ARCHITECTURE_KEY} entry: it was not written by save()")
    described = json.loads(str(text))
    current = {"format": FORMAT, **model.architecture()}
    if described.get("format") != FORMAT:
        raise ArgumentValueError(f"load: file {name} has format {described.get('format')!r}, expected {FORMAT!r}")
    saved_layers, layers = described.get("layers", []), current["layers"]
    if len(saved_layers) != len(layers):
        raise ArgumentValueError(
            f"load: the model in file {name} has {len(saved_layers)} layers but this model has {len(layers)}"
        )
    for i, (a, b) in enumerate(zip(saved_layers, layers, strict=True), start=1):
        if a != b:
            raise ArgumentValueError(f"load: layer {i} of the model in file {name} is {a} but this model has {b}")
    if described.get("state") != current["state"]:
        raise ArgumentValueError(
            f"load: file {name} holds arrays {described.get('state')} but this model has {current['state']}"
        )
    model.load_state_dict(stored)
    return model


__all__ = ["ARCHITECTURE_KEY", "Saveable", "load_model", "save_model"]
