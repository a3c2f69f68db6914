"""One-line checks for the exercises of book/10_digits.ipynb; references recomputed with bpkit."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.data import load_digits, train_test_split
from bpkit.exercises.core import check_array, check_scalar
from bpkit.model import MLP


def _fit_part() -> np.ndarray:
    """X_fit of the chapter: the same two stratified splits with the same generator."""
    X, y = load_digits()
    rng = np.random.default_rng(0)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, rng=rng, stratify=True)
    X_fit, _, _, _ = train_test_split(X_train, y_train, test_size=0.2, rng=rng, stratify=True)
    return X_fit


def check_mean_leak(answer: float) -> bool:
    """max_j |mean over all images of pixel j - mean over X_fit of pixel j|."""
    X, _ = load_digits()
    return check_scalar("the largest mean difference", answer, float(np.max(np.abs(X.mean(axis=0) - _fit_part().mean(axis=0)))))


def check_confusion(model: Any, X: ArrayLike, y: ArrayLike, answer: ArrayLike) -> bool:
    """C[i, j] = number of examples of true class i predicted as j."""
    y = np.asarray(y)
    pred = model.predict(X).argmax(axis=1)
    expected = np.zeros((10, 10), dtype=int)
    np.add.at(expected, (y, pred), 1)
    return check_array("the confusion matrix", answer, expected)


def check_parameter_count(answer: int) -> bool:
    """Number of parameters of MLP([64, 128, 10]): sizes of W1, b1, W2, b2 added up."""
    return check_scalar("the parameter count", answer, MLP([64, 128, 10]).num_parameters)
