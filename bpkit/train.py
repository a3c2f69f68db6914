"""The training loop: mini-batches, forward, loss, backward, update (book/06_backprop_in_code.ipynb).

One epoch visits every example once, in mini-batches of ``batch_size`` rows (shuffled with the given
Generator). Each step zeroes the gradients, computes J on the batch, backpropagates dJ/dY through
the model and lets the optimizer update the parameters. ``fit`` records per epoch the training loss
and metrics, averaged over the epoch's batches (as Keras reports them, at no extra cost), the
validation loss and metrics when validation data is given, and on request the per-layer gradient
norms ||dJ/dW_l||_F that reveal vanishing and exploding gradients.

How predictions become classes (``accuracy``, ``evaluate``, defined in bpkit.metrics and
re-exported here) follows the loss: logits are arg-maxed or cut at 0, probabilities at 1/2, and a
regression loss reports no accuracy.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError, ArgumentValueError, DivergenceError, ShapeError
from bpkit.losses import Loss
from bpkit.metrics import (
    METRICS,
    _decider,
    _labels,
    _metrics,
    _model,
    _threshold,
    accuracy,
    as_batch,
    as_loss,
    evaluate,
)
from bpkit.model import Sequential
from bpkit.optim import clip_grad_norm
from bpkit.optimizer import Optimizer
from bpkit.prepare import iterate_minibatches
from bpkit.validate import Array, as_array, boolean, generator, integer, real_number

__all__ = ["METRICS", "DivergenceError", "History", "accuracy", "evaluate", "fit", "iterate_minibatches"]

@dataclass
class History:
    """What fit() measured, one entry per epoch.

    Attributes
    ----------
    loss : list of float
        Training loss: the mean of the epoch's batch losses (weighted by batch size), or with
        fit(evaluate_train=True) the loss of the whole training set after the epoch.
    val_loss : list of float
        Loss on the validation data after each epoch.
    metrics, val_metrics : dict of str to list of float
        The same for each metric.
    grad_norms : list of dict
        With fit(grad_norms=True): per epoch, the mean over its steps of ||dJ/dW||_F of each weight matrix.
    best_epoch, stopped_epoch : int or None
        The epoch with the lowest monitored loss, and where early stopping stopped.

    Examples
    --------
    >>> h = History(loss=[0.9, 0.5], metrics={"accuracy": [0.6, 0.8]})
    >>> h.epochs_run, h.metrics["accuracy"][-1]
    (2, 0.8)
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)
    grad_norms: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int | None = None

    @property
    def epochs_run(self) -> int:
        """Number of epochs completed."""
        return len(self.loss)


def _data(X: ArrayLike, y: ArrayLike, where: str, label: str = "") -> tuple[Array, np.ndarray]:
    """X as float64 (N, d) and y with N rows (integer labels keep their dtype); NaN and empty refused."""
    names = (f"{label}X", f"{label}y") if label else ("X", "y")
    X_arr = as_batch(X, where, names[0])
    y_checked = as_array(y, names[1], where, ndim=(1, 2))
    y_raw = np.asarray(y)
    y_arr = y_raw if y_raw.dtype.kind in "iu" else y_checked
    if y_arr.shape[0] != X_arr.shape[0]:
        raise ShapeError(
            f"{where}: {names[0]} and {names[1]} must have the same number of rows, "
            f"got {names[0]} with {X_arr.shape[0]} rows and {names[1]} with {y_arr.shape[0]}"
        )
    return X_arr, y_arr


def _finite_parameters(model: Sequential) -> bool:
    """True when no parameter holds NaN or inf (one cheap pass: a sum is non-finite if any entry is)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return all(math.isfinite(float(np.sum(p))) for p in model.parameters().values())


def fit(
    model: Sequential,
    loss: Loss | str,
    optimizer: Optimizer,
    X: ArrayLike,
    y: ArrayLike,
    epochs: int,
    batch_size: int = 32,
    rng: np.random.Generator | None = None,
    validation: tuple[ArrayLike, ArrayLike] | None = None,
    metrics: str | Sequence[str] | None = None,
    early_stopping: int | None = None,
    restore_best: bool = True,
    progress: bool = False,
    clip_norm: float | None = None,
    shuffle: bool = True,
    evaluate_train: bool = False,
    grad_norms: bool = True,
) -> History:
    """Train with mini-batch gradient descent: per step theta <- optimizer(theta, dJ_B/dtheta).

    Each step: ``model.zero_grad()``, forward on the batch, J_B, ``model.backward(dJ_B/dY)``,
    optional clipping, ``optimizer.step(model)``. A schedule given as the optimizer's lr counts
    these steps, ceil(N / batch_size) per epoch (bpkit.schedules.per_epoch converts).

    Parameters
    ----------
    model : Sequential
        The model to train, in place.
    loss : Loss or str
        The training loss, as an object (MSE(), CrossEntropy(), ...) or by name ('mse', ...).
    optimizer : Optimizer
        SGD(0.1), Adam(), ...
    X : array_like, shape (N, n_in) or (N, C, H, W) ...
        Finite training inputs, one example per row, N >= 1.
    y : array_like, shape (N,) or (N, C)
        Training targets, as the loss expects them.
    epochs : int
        Number of passes over the data (>= 1).
    batch_size : int
        Rows per step (>= 1); the last batch of an epoch may be smaller.
    rng : numpy.random.Generator, optional
        Shuffles the rows every epoch; needed when shuffle is True.
    validation : pair (X_val, y_val), optional
        Data evaluated after every epoch (History.val_loss, val_metrics); early stopping watches it.
    metrics : str or sequence of str, optional
        Metric names from METRICS; by default accuracy for CrossEntropy and BinaryCrossEntropy with
        class labels as targets, none for regression losses or soft targets.
    early_stopping : int, optional
        Patience: stop after this many epochs (>= 1) without a new lowest monitored loss (the
        validation loss, else the training loss).
    restore_best : bool
        With early stopping, leave the model at the weights of its best epoch.
    progress : bool
        Show a tqdm progress bar.
    clip_norm : float, optional
        Clip the gradients' global norm to this value (> 0) before each update.
    shuffle : bool
        Visit the rows in a new random order every epoch.
    evaluate_train : bool
        Record the loss and metrics of the whole training set after every epoch (one more
        forward pass over X per epoch) instead of the mean over the epoch's batches.
    grad_norms : bool
        Record History.grad_norms (one more pass over the weight gradients per step).

    Returns
    -------
    History
        Per-epoch losses and metrics.

    Raises
    ------
    DivergenceError
        When the loss or a parameter becomes NaN or infinite (the message names the epoch, the
        step and the learning rate).

    Examples
    --------
    >>> from bpkit.data import xor
    >>> from bpkit.losses import BinaryCrossEntropy
    >>> from bpkit.model import MLP
    >>> from bpkit.optim import SGD
    >>> X, y = xor()
    >>> model = MLP([2, 4, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    >>> history = fit(model, BinaryCrossEntropy(), SGD(0.5, momentum=0.9), X, y, epochs=1500,
    ...               batch_size=4, shuffle=False)
    >>> history.metrics["accuracy"][-1], history.loss[-1] < 0.01
    (1.0, True)
    """
    where = "fit"
    model = _model(model, where)
    if isinstance(loss, Optimizer) and isinstance(optimizer, (Loss, str)):
        raise ArgumentTypeError(
            f"{where}: loss and optimizer are swapped: the order is fit(model, loss, optimizer, X, y, ...), "
            f"got loss={type(loss).__name__} and optimizer={type(optimizer).__name__}"
        )
    loss = as_loss(loss, where)
    if not isinstance(optimizer, Optimizer):
        raise ArgumentTypeError(
            f"{where}: optimizer must be a bpkit optimizer such as SGD(0.1) or Adam(), got {optimizer!r}"
        )
    X, y = _data(X, y, where)
    epochs = integer(epochs, "epochs", where)
    batch_size = integer(batch_size, "batch_size", where)
    shuffle = boolean(shuffle, "shuffle", where)
    if shuffle:
        rng = generator(rng, where)
    if early_stopping is not None:
        early_stopping = integer(early_stopping, "early_stopping", where)
    restore_best = boolean(restore_best, "restore_best", where)
    progress = boolean(progress, "progress", where)
    evaluate_train = boolean(evaluate_train, "evaluate_train", where)
    record_norms = boolean(grad_norms, "grad_norms", where)
    if clip_norm is not None:
        clip_norm = real_number(clip_norm, "clip_norm", where, low=0.0, low_open=True)
    val = None
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ArgumentValueError(
                f"{where}: validation must be a pair (X_val, y_val), got "
                + (f"a sequence of length {len(validation)}" if isinstance(validation, (tuple, list)) else repr(validation))
            )
        val = _data(validation[0], validation[1], where, "validation ")

    width = model.predict(X[:1]).shape[-1]  # checks X against the model before any training
    names = _metrics(metrics, loss, where, y, width)
    if val is not None:
        model.predict(val[0][:1])
    labels = _labels(y, width, where) if "accuracy" in names else None
    if val is not None and labels is not None:
        _labels(val[1], width, where)
    decide = _decider(_threshold(loss))

    history = History(metrics={m: [] for m in names}, val_metrics={m: [] for m in names} if val else {})
    best_score, best_state, waited = math.inf, None, 0
    epoch_iter: Sequence[int] | Iterator[int] = range(1, epochs + 1)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(epoch_iter, desc="training", unit="epoch")
        epoch_iter = bar
    weight_keys = [k for k, p in model.parameters().items() if p.ndim >= 2]
    n = X.shape[0]
    index = np.arange(n)

    for epoch in epoch_iter:
        model.train()
        order = rng.permutation(n) if shuffle and rng is not None else index
        Xs, ys = (X[order], y[order]) if shuffle else (X, y)
        labels_s = None if labels is None else labels[order]
        sums = dict.fromkeys(weight_keys, 0.0)
        total, correct, step = 0.0, 0, 0
        with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported as a DivergenceError
            for start in range(0, n, batch_size):
                step += 1
                Xb, yb = Xs[start : start + batch_size], ys[start : start + batch_size]
                model.zero_grad()
                y_hat = model.forward(Xb)
                J = loss(y_hat, yb)
                if not math.isfinite(J):
                    raise DivergenceError(
                        f"the loss became {J} at epoch {epoch}, step {step} with learning rate "
                        f"{optimizer.current_lr:g}; try a smaller learning rate (or clip_norm)"
                    )
                total += J * Xb.shape[0]
                if labels_s is not None:
                    correct += int(np.count_nonzero(decide(y_hat) == labels_s[start : start + batch_size]))
                model.backward(loss.grad(y_hat, yb), input_grad=False)
                if record_norms:
                    grads = model.gradients()
                    for k in weight_keys:
                        g = grads[k].ravel()
                        sums[k] += math.sqrt(float(np.dot(g, g)))
                if clip_norm is not None:
                    clip_grad_norm(model, clip_norm)
                optimizer.step(model)
        if not _finite_parameters(model):
            raise DivergenceError(
                f"a parameter became NaN or infinite at epoch {epoch}, step {step} with learning rate "
                f"{optimizer.current_lr:g} (after the epoch's last update); try a smaller learning rate (or clip_norm)"
            )
        if record_norms:
            history.grad_norms.append({k: s / step for k, s in sums.items()})
        if evaluate_train:
            with np.errstate(over="ignore", invalid="ignore"):
                train_scores = evaluate(model, loss, X, y, names)
        else:
            train_scores = {"loss": total / n}
            if labels is not None:
                train_scores["accuracy"] = correct / n
        history.loss.append(train_scores["loss"])
        for m in names:
            history.metrics[m].append(train_scores[m])
        score = train_scores["loss"]
        if val is not None:
            val_scores = evaluate(model, loss, val[0], val[1], names)
            history.val_loss.append(val_scores["loss"])
            for m in names:
                history.val_metrics[m].append(val_scores[m])
            score = val_scores["loss"]
        if bar is not None:
            bar.set_postfix(loss=f"{score:.4f}")

        if score < best_score:
            best_score, waited, history.best_epoch = score, 0, epoch
            if early_stopping is not None and restore_best:
                best_state = model.state_dict()
        else:
            waited += 1
            if early_stopping is not None and waited >= early_stopping:
                history.stopped_epoch = epoch
                break
    if bar is not None:
        bar.close()
    if best_state is not None:  # early stopping: leave the model at its best epoch
        model.load_state_dict(best_state)
    return history
