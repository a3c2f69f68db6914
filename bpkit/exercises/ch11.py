"""One-line checks for the exercises of book/11_frameworks.ipynb."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from bpkit.exercises.core import Mistake, Verdict, check_array, check_count, describe, diagnose, verdict
from bpkit.interop import keras_weights
from bpkit.losses import MSE, CrossEntropy
from bpkit.model import MLP, Sequential


def _same_list(got: Sequence[object], want: Sequence[np.ndarray]) -> bool:
    return len(got) == len(want) and all(diagnose(g, w) is None for g, w in zip(got, want, strict=True))


def check_keras_weights(model: Sequential, answer: object) -> Verdict:
    """Keras' set_weights list: [W_1^T (n_in, n_out), b_1, W_2^T, b_2, ...]."""
    name = "the Keras weight list"
    expected = keras_weights(model)
    if not isinstance(answer, (list, tuple)):
        return verdict(name, f"expected a list of arrays, got {describe(answer)}")
    if len(answer) != len(expected):
        return verdict(name, f"it needs {len(expected)} arrays (a kernel and a bias per layer), got {len(answer)}")
    params = list(model.parameters().values())
    kernels, biases = expected[0::2], expected[1::2]
    mistakes = [
        Mistake("the kernels are not transposed: Keras stores W^T, of shape (n_in, n_out)", params),
        Mistake("it lists all kernels, then all biases; Keras wants the kernel and the bias of each layer in turn",
                [*kernels, *biases]),
    ]
    for m in mistakes:
        if _same_list(answer, m.value) and not _same_list(m.value, expected):
            return verdict(name, m.says)
    for i, (got, want) in enumerate(zip(answer, expected, strict=True)):
        problem = diagnose(got, want)
        if problem is not None:
            kind = "kernel" if want.ndim == 2 else "bias"
            return verdict(name, f"array {i} (the {kind} of layer {i // 2 + 1}): {problem}")
    return verdict(name, None)


def _model() -> Sequential:
    return MLP([4, 8, 8, 3], activation="tanh", seed=11)


def batch_grads(batches: Sequence[tuple[ArrayLike, ArrayLike]]) -> list[np.ndarray]:
    """dJ_B/dW1 of each batch on its own, at fixed weights, for MLP([4, 8, 8, 3], 'tanh', seed=11) and CE."""
    model, loss = _model(), CrossEntropy()
    grads = []
    for Xb, yb in batches:
        model.zero_grad()
        model.backward(loss.grad(model.forward(Xb), yb))
        grads.append(model.gradients()["W1"].copy())
    return grads


def accumulated_grad(batches: Sequence[tuple[ArrayLike, ArrayLike]]) -> np.ndarray:
    """Sum over batches of dJ_B/dW1 at fixed weights: PyTorch's .grad after one backward() per batch."""
    return np.asarray(np.sum(batch_grads(batches), axis=0))


def check_accumulated_grad(batches: Sequence[tuple[ArrayLike, ArrayLike]], answer: object) -> Verdict:
    """PyTorch's W1.grad after len(batches) backward() calls without zero_grad(): the sum of the batch gradients."""
    grads = batch_grads(batches)
    k = len(grads)
    running = np.cumsum(grads, axis=0)
    X_all = np.concatenate([np.asarray(Xb) for Xb, _ in batches])
    mistakes = [
        Mistake("it is the last batch's gradient alone; without zero_grad() PyTorch adds every backward() into .grad",
                grads[-1]),
        Mistake("it is the first batch's gradient alone; without zero_grad() PyTorch adds every backward() into .grad",
                grads[0]),
        Mistake(f"it is the mean of the {k} batch gradients (for batches of equal size, also the gradient of one "
                f"batch of all {len(X_all)} examples); .grad holds their sum", np.mean(grads, axis=0)),
        Mistake("it adds the running .grad into the total after every backward(); .grad already holds the sum",
                running.sum(axis=0)),
    ]
    return check_array("W1.grad", answer, running[-1], mistakes)


REDUCTION_SHAPE = (32, 10)


def reduction_factor(shape: tuple[int, int] = REDUCTION_SHAPE) -> int:
    """How many times larger the gradients of the summed squared error are than those of bpkit's MSE (the mean).

    Measured on random predictions of the given shape: the summed loss's gradient 2 (Y_hat - Y) divided
    by MSE().grad, which is the same for every entry.
    """
    rng = np.random.default_rng(0)
    Y_hat, Y = rng.normal(size=shape), rng.normal(size=shape)
    ratio = 2 * (Y_hat - Y) / MSE().grad(Y_hat, Y)
    return round(float(np.median(ratio)))


def check_reduction_factor(answer: object) -> Verdict:
    """Gradients of the summed MSE over (N, C) = (32, 10) are N C = 320 times those of the mean."""
    N, C = REDUCTION_SHAPE
    mistakes = [
        Mistake(f"it is N = {N}, the batch size; the mean runs over all N C elements", N),
        Mistake(f"it is C = {C}; the mean runs over all N C elements", C),
        Mistake("it is the inverse: the summed loss's gradients are the larger ones", 1 / (N * C)),
    ]
    return check_count("the factor", answer, reduction_factor(), mistakes)
