"""The training loop: mini-batches, forward, loss, backward, update (book/06_backprop_in_code.ipynb).

One epoch visits every example once, in mini-batches of ``batch_size`` rows (shuffled with the given
Generator). Each step computes J on the batch, backpropagates dJ/dY through the model and lets the
optimizer update the parameters. ``fit`` records per-epoch losses, metrics and per-layer gradient
norms ||dJ/dW_l||_F, the quantity that reveals vanishing and exploding gradients.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.losses import Loss
from bpkit.model import Sequential
from bpkit.optim import Optimizer, clip_grad_norm

Array = NDArray[np.float64]


class DivergenceError(FloatingPointError):
    """The loss became NaN or infinite during training."""


def accuracy(y_hat: ArrayLike, y: ArrayLike, threshold: float = 0.5) -> float:
    """Fraction correct: argmax_c y_hat[n, c] == y[n] for C > 1 outputs, [y_hat_n > threshold] == y_n for one."""
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.asarray(y)
    if y_hat.ndim == 2 and y_hat.shape[1] > 1:
        pred = y_hat.argmax(axis=1)
        labels = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1)
    else:
        pred = (y_hat.reshape(-1) > threshold).astype(np.int64)
        labels = y.reshape(-1)
    if pred.shape != labels.shape:
        raise ValueError(f"accuracy: {pred.shape[0]} predictions but {labels.shape[0]} labels")
    return float(np.mean(pred == labels))


METRICS = {"accuracy": accuracy}


def iterate_minibatches(
    X: Array, y: Array, batch_size: int, rng: np.random.Generator | None = None, shuffle: bool = True
) -> Iterator[tuple[Array, Array]]:
    """Yield (X_B, y_B) batches of at most batch_size rows covering every row once."""
    n = X.shape[0]
    if shuffle:
        if not isinstance(rng, np.random.Generator):
            raise TypeError("shuffling needs rng=np.random.default_rng(seed)")
        order = rng.permutation(n)
    else:
        order = np.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


def evaluate(
    model: Sequential, loss: Loss, X: ArrayLike, y: ArrayLike, metrics: Sequence[str] = ("accuracy",)
) -> dict[str, float]:
    """{'loss': J(model(X), y), metric: value, ...} in evaluation mode."""
    y_hat = model.predict(X)
    out = {"loss": loss(y_hat, y)}
    for name in metrics:
        out[name] = METRICS[name](y_hat, y)
    return out


@dataclass
class History:
    """What fit() measured, one entry per epoch."""

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


def _check_data(model: Sequential, X: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    """X as float64 (N, d) and y with N rows."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, features), got {X.shape}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
    return X, y


def fit(
    model: Sequential,
    loss: Loss,
    optimizer: Optimizer,
    X: ArrayLike,
    y: ArrayLike,
    epochs: int,
    batch_size: int = 32,
    rng: np.random.Generator | None = None,
    validation: tuple[ArrayLike, ArrayLike] | None = None,
    metrics: Sequence[str] = ("accuracy",),
    early_stopping: int | None = None,
    restore_best: bool = True,
    progress: bool = False,
    clip_norm: float | None = None,
    shuffle: bool = True,
) -> History:
    """Train with mini-batch gradient descent: per step theta <- optimizer(theta, dJ_B/dtheta)."""
    X, y = _check_data(model, X, y)
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if shuffle and not isinstance(rng, np.random.Generator):
        raise TypeError("fit(shuffle=True) needs rng=np.random.default_rng(seed)")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}; known metrics: {sorted(METRICS)}")
    if early_stopping is not None and early_stopping < 1:
        raise ValueError(f"early_stopping is a patience in epochs >= 1, got {early_stopping}")
    val = _check_data(model, *validation) if validation is not None else None

    history = History(metrics={m: [] for m in metrics}, val_metrics={m: [] for m in metrics} if val else {})
    best_score, best_params, waited = math.inf, None, 0
    epoch_iter: Sequence[int] | Iterator[int] = range(1, epochs + 1)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(epoch_iter, desc="training", unit="epoch")
        epoch_iter = bar
    weight_keys = [k for k in model.parameters() if k.startswith("W")]

    for epoch in epoch_iter:
        model.train()
        sums = {k: 0.0 for k in weight_keys}
        steps = 0
        for step, (Xb, yb) in enumerate(iterate_minibatches(X, y, batch_size, rng, shuffle), start=1):
            with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported just below
                y_hat = model.forward(Xb)
                J = loss(y_hat, yb)
            if not math.isfinite(J):
                raise DivergenceError(
                    f"the loss became {J} at epoch {epoch}, step {step} with learning rate "
                    f"{optimizer.current_lr:g}; try a smaller learning rate (or clip_norm)"
                )
            with np.errstate(over="ignore", invalid="ignore"):  # a blow-up shows in the next loss
                model.zero_grad()
                model.backward(loss.grad(y_hat, yb), input_grad=False)
                grads = model.gradients()
                for k in weight_keys:
                    sums[k] += float(np.linalg.norm(grads[k]))
                if clip_norm is not None:
                    clip_grad_norm(model, clip_norm)
                optimizer.step(model)
            steps += 1
        history.grad_norms.append({k: s / steps for k, s in sums.items()})

        with np.errstate(over="ignore", invalid="ignore"):
            train_scores = evaluate(model, loss, X, y, metrics)
        if not math.isfinite(train_scores["loss"]):
            raise DivergenceError(
                f"the loss became {train_scores['loss']} at epoch {epoch}, step {steps} with learning rate "
                f"{optimizer.current_lr:g} (after the epoch's last update); try a smaller learning rate "
                "(or clip_norm)"
            )
        history.loss.append(train_scores["loss"])
        for m in metrics:
            history.metrics[m].append(train_scores[m])
        score = train_scores["loss"]
        if val is not None:
            val_scores = evaluate(model, loss, *val, metrics)
            history.val_loss.append(val_scores["loss"])
            for m in metrics:
                history.val_metrics[m].append(val_scores[m])
            score = val_scores["loss"]
        if bar is not None:
            bar.set_postfix(loss=f"{score:.4f}")

        if score < best_score:
            best_score, waited, history.best_epoch = score, 0, epoch
            if early_stopping is not None and restore_best:
                best_params = copy.deepcopy(model.parameters())
        else:
            waited += 1
            if early_stopping is not None and waited >= early_stopping:
                history.stopped_epoch = epoch
                break
    if bar is not None:
        bar.close()
    if best_params is not None:  # early stopping: leave the model at its best epoch
        for k, p in model.parameters().items():
            p[...] = best_params[k]
    return history
