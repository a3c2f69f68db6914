"""Scores of a trained model: accuracy and evaluate (introduced in book/06_backprop_in_code.ipynb).

How predictions become classes follows the loss: logits of ``CrossEntropy`` or
``BinaryCrossEntropy(from_logits=True)`` are arg-maxed (C > 1 columns) or cut at 0 (one column);
probabilities (a sigmoid or softmax output, ``BinaryCrossEntropy()``) at 1/2. A regression loss (MSE,
SquaredError) reports no accuracy unless asked for, and then only for class-label targets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.losses import BinaryCrossEntropy, CrossEntropy, Loss, get_loss
from bpkit.model import Sequential
from bpkit.optimizer import Optimizer
from bpkit.validate import Array, as_array, real_number

__all__ = ["METRICS", "accuracy", "as_batch", "as_loss", "evaluate"]

#: The metric names fit and evaluate know.
METRICS = ("accuracy",)


def as_loss(loss: object, where: str) -> Loss:
    """A Loss object, or one looked up by name ('mse', 'cross_entropy', ...); a bpkit error naming loss.

    Parameters
    ----------
    loss : Loss or str
        The loss or its name (see bpkit.losses.get_loss).
    where : str
        The caller's name, the prefix of the error message.

    Examples
    --------
    >>> as_loss("mse", "fit")
    MSE()
    """
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str):
        try:
            return get_loss(loss)
        except ValueError as exc:
            raise ArgumentValueError(f"{where}: loss {loss!r} is not a known loss name ({exc})") from exc
    hint = " (the order is fit(model, loss, optimizer, X, y, ...))" if isinstance(loss, Optimizer) else ""
    raise ArgumentTypeError(f"{where}: loss must be a bpkit Loss such as MSE(), got {type(loss).__name__}{hint}")


def _labels(y: ArrayLike, width: int, where: str) -> NDArray[np.int64]:
    """Class labels (N,) from targets y, for a model output of `width` columns; a bpkit error naming y."""
    t = as_array(y, "y", where, ndim=(1, 2))
    if width > 1:
        if t.ndim == 2:
            if t.shape[1] != width:
                raise ShapeError(
                    f"{where}: y as one-hot rows must have {width} columns, one per output, got shape {t.shape}"
                )
            if np.any(t < 0) or not np.allclose(t.sum(axis=1), 1.0):
                raise ArgumentValueError(
                    f"{where}: y as rows must be one-hot or probability rows (entries >= 0 summing to 1) for "
                    "accuracy; these look like regression targets, which have no accuracy"
                )
            return np.asarray(t.argmax(axis=1), dtype=np.int64)
        labels = t
    else:
        if t.ndim == 2 and t.shape[1] != 1:
            raise ShapeError(f"{where}: y for a one-column output must have shape (N,) or (N, 1), got {t.shape}")
        labels = t.reshape(-1)
    if not np.all(np.mod(labels, 1) == 0):
        raise ArgumentValueError(
            f"{where}: y must hold class labels for accuracy, got non-integer values (a regression has no accuracy)"
        )
    top = max(width, 2) - 1
    if labels.min() < 0 or labels.max() > top:
        raise ArgumentValueError(f"{where}: y must hold class labels in [0, {top}], got values in [{labels.min():g}, {labels.max():g}]")
    return labels.astype(np.int64)


def _decider(threshold: float) -> Callable[[Array], NDArray[np.int64]]:
    """Predicted classes of outputs: argmax over C > 1 columns, [output > threshold] for one column."""

    def decide(y_hat: Array) -> NDArray[np.int64]:
        if y_hat.ndim == 2 and y_hat.shape[1] > 1:
            return np.asarray(y_hat.argmax(axis=1), dtype=np.int64)
        return (y_hat.reshape(-1) > threshold).astype(np.int64)

    return decide


def _threshold(loss: Loss) -> float:
    """Where one output column is cut into classes: 0 for logits, 1/2 for probabilities (and other losses)."""
    return 0.0 if isinstance(loss, BinaryCrossEntropy) and loss.from_logits else 0.5


def accuracy(y_hat: ArrayLike, y: ArrayLike, threshold: float = 0.5) -> float:
    """Fraction of correct predictions: argmax_c y_hat[n, c] == y_n for C > 1 outputs, [y_hat_n > threshold] == y_n for one.

    Parameters
    ----------
    y_hat : array_like, shape (N, C) or (N,) or (N, 1)
        Model outputs.
    y : array_like, shape (N,) or (N, C) or (N, 1)
        Integer labels, or one-hot (probability) rows of the same width C as y_hat.
    threshold : float
        Cut of a single output column: 0.5 for probabilities, 0 for logits (evaluate and fit choose
        it from the loss).

    Examples
    --------
    >>> accuracy([[0.1, 0.9], [0.8, 0.2]], [1, 1])
    0.5
    >>> accuracy([[2.0], [-1.0]], [1, 0], threshold=0.0)  # logits
    1.0
    """
    where = "accuracy"
    out = as_array(y_hat, "y_hat", where, ndim=(1, 2), finite=False)
    threshold = real_number(threshold, "threshold", where)
    width = out.shape[1] if out.ndim == 2 else 1
    labels = _labels(y, width, where)
    if labels.shape[0] != out.shape[0]:
        raise ShapeError(f"{where}: y_hat has {out.shape[0]} predictions but y has {labels.shape[0]} labels")
    return float(np.mean(_decider(threshold)(out) == labels))


def _metrics(metrics: object, loss: Loss, where: str, y: ArrayLike, width: int) -> tuple[str, ...]:
    """The metric names: the default for None, a single name, or a sequence of known names.

    The default is accuracy for a classification loss whose targets are class labels (not soft
    targets such as BCE's probabilities 0.3), and nothing otherwise.
    """
    if metrics is None:
        if not isinstance(loss, (CrossEntropy, BinaryCrossEntropy)):
            return ()
        try:
            _labels(y, width, where)
        except (ArgumentValueError, ArgumentTypeError):  # soft targets: no accuracy unless asked for
            return ()
        return ("accuracy",)
    names = (metrics,) if isinstance(metrics, str) else metrics
    if not isinstance(names, (tuple, list)) or not all(isinstance(m, str) for m in names):
        raise ArgumentTypeError(f"{where}: metrics must be a metric name or a list of names such as ['accuracy'], got {metrics!r}")
    unknown = [m for m in names if m not in METRICS]
    if unknown:
        raise ArgumentValueError(f"{where}: metrics {unknown} are not known; known metrics: {list(METRICS)}")
    return tuple(names)


def evaluate(
    model: Sequential, loss: Loss | str, X: ArrayLike, y: ArrayLike, metrics: str | Sequence[str] | None = None
) -> dict[str, float]:
    """{'loss': J(model(X), y), metric: value, ...} in evaluation mode (dropout off).

    Parameters
    ----------
    model : Sequential
        The trained model.
    loss : Loss or str
        The loss, which also says how outputs become classes (see the module).
    X : array_like, shape (N, n_in) or (N, C, H, W) ...
        Inputs, one example per row.
    y : array_like
        Targets, as the loss expects them.
    metrics : str or sequence of str, optional
        Names from METRICS; by default accuracy for CrossEntropy and BinaryCrossEntropy with class
        labels as targets, none for other losses or soft targets.

    Examples
    --------
    >>> from bpkit.model import MLP
    >>> scores = evaluate(MLP([2, 2], seed=0), CrossEntropy(), [[0.0, 0.0], [1.0, 1.0]], [0, 1])
    >>> sorted(scores), scores["loss"] > 0
    (['accuracy', 'loss'], True)
    """
    where = "evaluate"
    model = _model(model, where)
    loss = as_loss(loss, where)
    X = as_batch(X, where)
    y_hat = model.predict(X)
    names = _metrics(metrics, loss, where, y, y_hat.shape[1] if y_hat.ndim == 2 else 1)
    out = {"loss": loss(y_hat, y)}
    if "accuracy" in names:
        labels = _labels(y, y_hat.shape[1] if y_hat.ndim == 2 else 1, where)
        out["accuracy"] = float(np.mean(_decider(_threshold(loss))(y_hat) == labels))
    return out


def as_batch(X: ArrayLike, where: str, name: str = "X") -> Array:
    """X as a finite, non-empty float64 array with one example per row: (N, features) or (N, C, H, W) ...

    The model's first layer checks the rest of the shape.

    Parameters
    ----------
    X : array_like
        The inputs, at least 2-D.
    where : str
        The caller's name, the prefix of an error message.
    name : str
        The argument's name in an error message.

    Examples
    --------
    >>> as_batch([[1, 2]], "fit").dtype, as_batch(np.zeros((2, 1, 8, 8)), "fit").shape
    (dtype('float64'), (2, 1, 8, 8))
    """
    arr = as_array(X, name, where)
    if arr.ndim < 2:
        raise ShapeError(
            f"{where}: {name} must have one example per row, (N, features) or (N, C, H, W), got shape {arr.shape}"
        )
    return arr


def _model(model: object, where: str) -> Sequential:
    if not isinstance(model, Sequential):
        raise ArgumentTypeError(f"{where}: model must be a bpkit model (Sequential or MLP), got {type(model).__name__}")
    return model
