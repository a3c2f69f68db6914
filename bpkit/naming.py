"""How a model names its parameters and buffers (bpkit.model.Sequential uses it; containers may too).

The layers that hold parameters or buffers are numbered k = 1, 2, ... in order of first appearance
(a layer used at several positions, weight sharing, keeps its first number and is listed once). A
layer's local name ``key`` becomes ``f"{key}{k}"`` when it is a plain name (letters and underscores:
"W", "b", "gamma"), so a plain MLP has W1, b1, W2, b2, ...; and ``f"{k}.{key}"`` otherwise, i.e. for a
container whose keys are already its inner layers' names: a residual block at k = 2 holding two Dense
layers gives 2.W1, 2.b1, 2.W2, 2.b2.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bpkit.layer import Layer

__all__ = ["qualified_names"]

_PLAIN = re.compile(r"[A-Za-z_]+")


def qualified_names(layers: Sequence[Layer], kind: str) -> list[tuple[Layer, list[tuple[str, str]]]]:
    """For each distinct layer holding state, its (local name, model name) pairs of `kind`.

    Parameters
    ----------
    layers : sequence of Layer
        The layers in order; repeated layers (weight sharing) are named at their first position.
    kind : {'params', 'buffers'}
        Which arrays to name. Numbering counts layers with parameters or buffers, so that both
        kinds use the same k for a layer.

    Examples
    --------
    >>> from bpkit.layers import ActivationLayer, Dense
    >>> d = Dense(2, 2, init="zeros")
    >>> [names for _, names in qualified_names([d, ActivationLayer("relu"), d], "params")]
    [[('W', 'W1'), ('b', 'b1')]]
    """
    seen_layers: set[int] = set()
    seen_arrays: set[int] = set()
    out: list[tuple[Layer, list[tuple[str, str]]]] = []
    k = 0
    for layer in layers:
        if id(layer) in seen_layers:
            continue
        seen_layers.add(id(layer))
        params, buffers = layer.params(), layer.buffers()
        if not params and not buffers:
            continue
        k += 1
        names = []
        for key, arr in (params if kind == "params" else buffers).items():
            if id(arr) in seen_arrays:  # the same array reached through another layer: named once
                continue
            seen_arrays.add(id(arr))
            names.append((key, f"{key}{k}" if _PLAIN.fullmatch(key) else f"{k}.{key}"))
        out.append((layer, names))
    return out
