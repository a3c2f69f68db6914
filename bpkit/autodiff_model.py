"""The automatic route for a whole model: a bpkit model's loss rebuilt from ``Value`` nodes.

Used by ``bpkit.autodiff.model_gradients`` (and the four-route comparison) for models of up to a few
dozen parameters: every multiplication and addition of the forward pass becomes a graph node, so
the graph has O(N * parameters) nodes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bpkit.autodiff import Value
from bpkit.layers import ActivationLayer, Dense, Dropout
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, SquaredError

Row = list[Value]


def _activate(name: str, row: Row, act: Any) -> Row:
    """Apply an activation (by bpkit name) to one row of pre-activations."""
    if name == "identity":
        return row
    if name == "sigmoid":
        return [z.sigmoid() for z in row]
    if name == "tanh":
        return [z.tanh() for z in row]
    if name == "relu":
        return [z.relu() for z in row]
    if name == "leaky_relu":
        return [z.leaky_relu(act.negative_slope) for z in row]
    if name == "softmax":
        m = max(z.data for z in row)  # a constant shift: softmax(z - m) = softmax(z)
        exps = [(z - m).exp() for z in row]
        total = sum(exps[1:], exps[0])
        return [e / total for e in exps]
    raise ValueError(f"no Value form for activation {name!r}")


def _dense(row: Row, W: list[Row], b: Row | None) -> Row:
    """z_j = sum_k W[j][k] x_k + b_j for one example."""
    out = []
    for j, w_row in enumerate(W):
        z = w_row[0] * row[0]
        for k in range(1, len(row)):
            z = z + w_row[k] * row[k]
        out.append(z + b[j] if b is not None else z)
    return out


def _log_sum_exp(row: Row) -> Value:
    """log sum_c e^{z_c}, shifted by the (constant) max for stability."""
    m = max(z.data for z in row)
    exps = [(z - m).exp() for z in row]
    return sum(exps[1:], exps[0]).log() + m


def _softplus(z: Value) -> Value:
    """log(1 + e^z) without overflow: z + log(1 + e^{-z}) for z > 0."""
    if z.data > 0:
        return z + ((-z).exp() + 1.0).log()
    return (z.exp() + 1.0).log()


def _sample_loss(loss: Any, out: Row, target: np.ndarray) -> Value:
    """The per-example term of the loss, before the batch average."""
    if isinstance(loss, (MSE, SquaredError)):
        terms = [(o - float(t)) ** 2 for o, t in zip(out, target)]
        total = sum(terms[1:], terms[0])
        return total * 0.5 if isinstance(loss, SquaredError) else total
    if isinstance(loss, BinaryCrossEntropy):
        terms = []
        for o, t in zip(out, target):
            t = float(t)
            if loss.from_logits:
                terms.append(_softplus(o) - o * t)
            else:
                term = 0.0
                if t > 0:
                    term = term - t * o.log()
                if t < 1:
                    term = term - (1.0 - t) * (1.0 - o).log()
                terms.append(_lift_zero(term))
        return sum(terms[1:], terms[0])
    if isinstance(loss, CrossEntropy):
        lse = _log_sum_exp(out)
        if target.ndim == 0:
            return lse - out[int(target)]
        total = lse * float(target.sum())
        for o, t in zip(out, target):
            if t:
                total = total - o * float(t)
        return total
    raise TypeError(f"no Value form for the loss {type(loss).__name__}")


def _lift_zero(term: Value | float) -> Value:
    """A BCE term is always a Value unless both targets vanish (impossible for t in [0, 1])."""
    return term if isinstance(term, Value) else Value(term)


def graph_loss(model: Any, loss: Any, X: Any, y: Any, params: dict[str, Any]) -> Value:
    """J built from Values, with the model's parameters replaced by the given nested Value lists."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    layer_params: list[tuple[Any, Any]] = []
    names = list(params)
    k = 0
    for layer in model.layers:
        local = layer.params()
        if local:
            W = params[names[k]]
            b = params[names[k + 1]] if len(local) == 2 else None
            k += len(local)
            layer_params.append((W, b))
        else:
            layer_params.append((None, None))
    n = X.shape[0]
    if X.ndim != 2 or n == 0:
        raise ValueError(f"X must be a non-empty batch of shape (N, features), got {X.shape}")
    total = Value(0.0)
    for i in range(n):
        row: Row = [Value(float(x)) for x in X[i]]
        for layer, (W, b) in zip(model.layers, layer_params):
            if isinstance(layer, Dense):
                row = _activate(layer.activation.name, _dense(row, W, b), layer.activation)
            elif isinstance(layer, ActivationLayer):
                row = _activate(layer.activation.name, row, layer.activation)
            elif isinstance(layer, Dropout):
                continue  # evaluation mode: dropout is the identity
            else:
                raise TypeError(f"no Value form for {type(layer).__name__}")
        term = _sample_loss(loss, row, y[i])
        total = total + term
    if isinstance(loss, MSE):
        return total / float(y.size)
    if isinstance(loss, BinaryCrossEntropy):
        return total / float(y.size)
    return total / float(n)
