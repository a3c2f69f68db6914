"""One-line checks for the exercises of book/10_digits.ipynb; references recomputed with bpkit."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.data import load_digits, train_test_split
from bpkit.exercises.ch01 import parameter_count_mistakes
from bpkit.exercises.core import Mistake, Verdict, check_array, check_count, check_scalar
from bpkit.model import MLP

EX3_SIZES = (64, 128, 10)


def _digits() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_digits()[:2]
    return X, y


def _splits() -> tuple[np.ndarray, np.ndarray]:
    """(X_train, X_fit) of the chapter: the same two stratified splits with the same generator."""
    X, y = _digits()
    rng = np.random.default_rng(0)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, rng=rng, stratify=True)
    X_fit, _, _, _ = train_test_split(X_train, y_train, test_size=0.2, rng=rng, stratify=True)
    return X_train, X_fit


def _fit_part() -> np.ndarray:
    """X_fit of the chapter."""
    return _splits()[1]


def check_mean_leak(answer: object) -> Verdict:
    """max_j |mean over all images of pixel j - mean over X_fit of pixel j|."""
    X, _ = _digits()
    X_train, X_fit = _splits()
    diff = X.mean(axis=0) - X_fit.mean(axis=0)
    mistakes = [
        Mistake("it compares with the means of X_train, the whole training part; the exercise asks for X_fit",
                float(np.max(np.abs(X.mean(axis=0) - X_train.mean(axis=0))))),
        Mistake("it is the largest signed difference; take the absolute value first", float(np.max(diff))),
        Mistake("it is the mean of the absolute differences over the 64 pixels, not their maximum",
                float(np.mean(np.abs(diff)))),
    ]
    return check_scalar("the largest mean difference", answer, float(np.max(np.abs(diff))), mistakes)


def check_confusion(model: Any, X: ArrayLike, y: ArrayLike, answer: object) -> Verdict:
    """C[i, j] = number of examples of true class i predicted as j (10 x 10 counts)."""
    y = np.asarray(y)
    pred = model.predict(X).argmax(axis=1)
    expected = np.zeros((10, 10), dtype=int)
    np.add.at(expected, (y, pred), 1)
    totals = expected.sum(axis=1, keepdims=True)
    mistakes = [
        Mistake("rows and columns are swapped: rows are the true digits, columns the predicted ones", expected.T),
        Mistake("each row is divided by its total; the exercise asks for counts",
                expected / np.where(totals == 0, 1, totals)),
    ]
    return check_array("the confusion matrix", answer, expected, mistakes)


def check_parameter_count(answer: object) -> Verdict:
    """Number of parameters of MLP([64, 128, 10]): sizes of W1, b1, W2, b2 added up, exactly."""
    expected = MLP(list(EX3_SIZES)).num_parameters
    return check_count("the parameter count", answer, expected, parameter_count_mistakes(EX3_SIZES))
