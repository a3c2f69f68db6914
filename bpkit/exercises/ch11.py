"""One-line checks for the exercises of book/11_frameworks.ipynb."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from bpkit.exercises.core import check_array, check_scalar
from bpkit.interop import keras_weights
from bpkit.losses import CrossEntropy
from bpkit.model import MLP, Sequential


def check_keras_weights(model: Sequential, answer: Sequence[ArrayLike]) -> bool:
    """Keras' set_weights list: [W_1^T (n_in, n_out), b_1, W_2^T, b_2, ...]."""
    expected = keras_weights(model)
    answer = list(answer)
    if len(answer) != len(expected):
        print(f"✘ the Keras weight list is wrong: it needs {len(expected)} arrays (a kernel and a bias "
              f"per layer), got {len(answer)}")
        return False
    for i, (got, want) in enumerate(zip(answer, expected)):
        kind = "kernel" if want.ndim == 2 else "bias"
        if not check_array(f"array {i} ({kind} of layer {i // 2 + 1})", got, want, quiet_success=True):
            return False
    print("✔ the Keras weight list is correct.")
    return True


def accumulated_grad(batches: Sequence[tuple[ArrayLike, ArrayLike]]) -> np.ndarray:
    """Sum over batches of dJ_B/dW1 at fixed weights, for MLP([4, 8, 8, 3], 'tanh', seed=11) and CE."""
    model = MLP([4, 8, 8, 3], activation="tanh", seed=11)
    loss = CrossEntropy()
    total = np.zeros_like(model.parameters()["W1"])
    for Xb, yb in batches:
        out = model.forward(Xb)
        model.backward(loss.grad(out, yb))
        total += model.gradients()["W1"]
    return total


def check_accumulated_grad(batches: Sequence[tuple[ArrayLike, ArrayLike]], answer: ArrayLike) -> bool:
    """PyTorch's W1.grad after len(batches) backward() calls without zero_grad(): the sum of the batch gradients."""
    expected = accumulated_grad(batches)
    last_only = accumulated_grad(batches[-1:])
    if np.shape(answer) == expected.shape and np.allclose(answer, last_only) and len(batches) > 1:
        print("✘ W1.grad is wrong: this is the last batch's gradient alone; without zero_grad() "
              "PyTorch adds every backward() into .grad")
        return False
    return check_array("W1.grad", answer, expected)


def check_reduction_factor(answer: float) -> bool:
    """Gradients of the summed MSE over (N, C) = (32, 10) are N C = 320 times those of the mean."""
    return check_scalar("the factor", answer, 32 * 10)
