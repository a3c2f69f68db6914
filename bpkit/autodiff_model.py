"""The automatic route for a whole model: a bpkit model's loss rebuilt from ``Value`` nodes.

Every multiplication and addition of the forward pass becomes a graph node, so the graph has
O(N x parameters) nodes: meant for models of up to a few hundred parameters and small batches.
Activations and losses are evaluated from their rules in :mod:`bpkit.catalogue` (elementwise
activations as one node each; softmax and the losses built from ``Value`` operations over
:data:`bpkit.value_backend.VALUE`), so a rule added to the catalogue works here unchanged.

Examples
--------
>>> import numpy as np
>>> from bpkit.losses import MSE
>>> from bpkit.model import MLP
>>> model = MLP([2, 3, 1], activation="tanh", seed=0)
>>> X, y = np.array([[0.5, -1.0]]), np.array([[0.2]])
>>> auto = model_gradients(model, MSE(), X, y)
>>> model.zero_grad(); _ = model.backward(MSE().grad(model.forward(X), y))
>>> all(np.allclose(auto[k], g) for k, g in model.gradients().items())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.activations import Activation
from bpkit.autodiff import Value, grads_of, values_of
from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.layers import ActivationLayer, Dense, Dropout
from bpkit.losses import Loss
from bpkit.validate import Array, as_array
from bpkit.value_backend import VALUE

__all__ = ["graph_loss", "model_gradients"]

Row = list[Value]


def _activate(act: Activation, row: Row, where: str) -> Row:
    """Apply an activation to one row of pre-activations: one node per entry, or its row rule over VALUE."""
    rule = act.rule
    if rule is None:
        raise ArgumentTypeError(f"model: {where}'s activation {type(act).__name__} has no catalogue rule, so it has "
                                "no Value form")
    if rule.elementwise:
        return [z.activation(rule.name, **act.params) for z in row]
    return list(rule.f(VALUE, np.array(row, dtype=object)))


def _dense(row: Row, W: list[Row], b: Row | None) -> Row:
    """z_j = sum_k W[j][k] x_k + b_j for one example."""
    out = []
    for j, w_row in enumerate(W):
        z = w_row[0] * row[0]
        for k in range(1, len(row)):
            z = z + w_row[k] * row[k]
        out.append(z + b[j] if b is not None else z)
    return out


def _widths(model: Any) -> tuple[int, int]:
    """(input width, output width) of a model of Dense, ActivationLayer and Dropout layers."""
    layers = getattr(model, "layers", None)
    if not isinstance(layers, (list, tuple)) or not callable(getattr(model, "parameters", None)):
        raise ArgumentTypeError(f"model must be a bpkit Sequential model, got {type(model).__name__}")
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    for i, layer in enumerate(layers, 1):
        if not isinstance(layer, (Dense, ActivationLayer, Dropout)):
            raise ArgumentTypeError(f"model: layer {i} ({type(layer).__name__}) has no Value form; "
                                    "only Dense, ActivationLayer and Dropout layers do")
        if isinstance(layer, Dropout) and layer.training and layer.p > 0:
            raise ArgumentValueError("model: dropout is in training mode (random masks); call model.eval() first")
    if not dense:
        raise ArgumentTypeError("model must have at least one Dense layer")
    return int(dense[0].W.shape[1]), int(dense[-1].W.shape[0])


def graph_loss(model: Any, loss: Loss, X: ArrayLike, y: ArrayLike, params: dict[str, Any]) -> Value:
    """J built from Values, with the model's parameters replaced by the given nested Value lists.

    Parameters
    ----------
    model : Sequential
        Dense, ActivationLayer and Dropout (in evaluation mode) layers.
    loss : Loss
        A loss with a catalogue rule (every bpkit loss).
    X : array_like
        Inputs (N, n_in), finite.
    y : array_like
        Targets, as the loss takes them, for N rows.
    params : dict
        The model's parameter names (``model.parameters()``'s keys, in order) mapped to nested lists
        of Values of the same shapes (see ``bpkit.autodiff.values_of``).

    Returns
    -------
    Value
        J, whose ``backward()`` fills the grads of the Values in params.
    """
    n_in, n_out = _widths(model)
    if not isinstance(loss, Loss):
        raise ArgumentTypeError(f"loss must be a bpkit Loss such as MSE(), got {loss!r}")
    rule = loss.rule
    X = as_array(X, "X", "model_gradients", ndim=2)
    if X.shape[1] != n_in:
        raise ShapeError(f"model_gradients: X must have shape (N, {n_in}) for this model, got {X.shape}")
    y_hat_shape = np.zeros((X.shape[0], n_out))
    if loss.kind == "bce":
        y_hat_shape += 0.5  # any probability: only the targets are being checked
    _, targets = loss.check(y_hat_shape, y)  # raises on targets of the wrong shape or values
    by_id = {id(arr): name for name, arr in model.parameters().items()}
    if list(params) != list(by_id.values()):
        raise ArgumentValueError(f"params must have the model's parameter names {list(by_id.values())}, "
                                 f"got {list(params)}")
    layer_params: list[tuple[Any, Any]] = []
    for layer in model.layers:  # a layer used twice finds the same Values twice: weight sharing
        if isinstance(layer, Dense):
            b = params[by_id[id(layer.b)]] if layer.b is not None else None
            layer_params.append((params[by_id[id(layer.W)]], b))
        else:
            layer_params.append((None, None))
    total: Value | None = None
    for i in range(X.shape[0]):
        row: Row = [Value(float(x)) for x in X[i]]
        for j, (layer, (W, b)) in enumerate(zip(model.layers, layer_params, strict=True), 1):
            if isinstance(layer, Dense):
                row = _activate(layer.activation, _dense(row, W, b), f"layer {j}")
            elif isinstance(layer, ActivationLayer):
                row = _activate(layer.activation, row, f"layer {j}")
            # Dropout in evaluation mode is the identity
        term = np.sum(rule.term(VALUE, np.array(row, dtype=object), targets[i]))  # entries or the row's one term
        total = term if total is None else total + term
    assert total is not None  # X has at least one row
    count = targets.size if rule.per == "element" else X.shape[0]
    return total / float(count)


def model_gradients(model: Any, loss: Loss, X: ArrayLike, y: ArrayLike) -> dict[str, Array]:
    """dJ/dtheta for every parameter of a bpkit model, by building J from Values and calling backward().

    Parameters
    ----------
    model : Sequential
        Dense, ActivationLayer and Dropout (in evaluation mode) layers; its parameters are read, not changed.
    loss : Loss
        The loss J.
    X : array_like
        Inputs (N, n_in), finite.
    y : array_like
        Targets for N rows, as the loss takes them.

    Returns
    -------
    dict of str to ndarray
        The keys and shapes of ``model.parameters()``.
    """
    _widths(model)
    params = {name: values_of(p, name) for name, p in model.parameters().items()}
    J = graph_loss(model, loss, X, y, params)
    J.backward()
    return {name: grads_of(v).reshape(np.shape(model.parameters()[name])) for name, v in params.items()}
