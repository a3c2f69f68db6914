"""Tests of bpkit.exercises.ch10: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.data import load_digits, train_test_split
from bpkit.exercises.ch10 import check_confusion, check_mean_leak, check_parameter_count
from bpkit.exercises.core import Verdict
from bpkit.model import MLP


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


# the chapter's splits, redone here
X, y = load_digits()[:2]
rng = np.random.default_rng(0)
X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, rng=rng, stratify=True)
X_fit, _, _, _ = train_test_split(X_train, y_train, test_size=0.2, rng=rng, stratify=True)
DIFF = X.mean(axis=0) - X_fit.mean(axis=0)


@pytest.mark.parametrize("answer", [float(np.max(np.abs(DIFF))), np.max(np.abs(DIFF)), np.abs(DIFF).max(keepdims=True)])
def test_mean_leak_right(capsys, answer) -> None:
    assert run(capsys, check_mean_leak, answer) == (True, "✔ the largest mean difference is correct.")


@pytest.mark.parametrize("answer,reason", [
    (float(np.max(np.abs(X.mean(axis=0) - X_train.mean(axis=0)))),
     "it compares with the means of X_train, the whole training part; the exercise asks for X_fit"),
    (float(np.max(DIFF)), "it is the largest signed difference; take the absolute value first"),
    (float(np.mean(np.abs(DIFF))), "it is the mean of the absolute differences over the 64 pixels, not their maximum"),
    (0.0, f"expected {float(np.max(np.abs(DIFF))):.6g}, got 0"),
])
def test_mean_leak_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_mean_leak, answer) == (False, f"✘ the largest mean difference is wrong: {reason}")


data_rng = np.random.default_rng(0)
XR, YR = data_rng.normal(size=(50, 64)), data_rng.integers(0, 10, 50)
MODEL = MLP([64, 10], seed=0)
PRED = MODEL.predict(XR).argmax(axis=1)
COUNTS = np.zeros((10, 10), dtype=int)
for t, p in zip(YR, PRED, strict=True):
    COUNTS[t, p] += 1


@pytest.mark.parametrize("answer", [COUNTS, COUNTS.astype(float), COUNTS.tolist()])
def test_confusion_right(capsys, answer) -> None:
    assert run(capsys, check_confusion, MODEL, XR, YR, answer) == (True, "✔ the confusion matrix is correct.")


@pytest.mark.parametrize("answer,reason", [
    (COUNTS.T, "rows and columns are swapped: rows are the true digits, columns the predicted ones"),
    (COUNTS / np.maximum(COUNTS.sum(axis=1, keepdims=True), 1), "each row is divided by its total; the exercise asks "
                                                               "for counts"),
    (COUNTS[:9], "it has shape (9, 10); expected shape (10, 10)"),
])
def test_confusion_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_confusion, MODEL, XR, YR, answer) == (False, f"✘ the confusion matrix is wrong: {reason}")


RIGHT = 128 * 64 + 128 + 10 * 128 + 10


@pytest.mark.parametrize("answer", [RIGHT, float(RIGHT), np.int64(RIGHT)])
def test_parameter_count_right(capsys, answer) -> None:
    assert run(capsys, check_parameter_count, answer) == (True, "✔ the parameter count is correct.")


@pytest.mark.parametrize("answer,reason", [
    (128 * 64 + 10 * 128, "it counts the weights only: each unit also has a bias"),
    (128 * 64 + 64 + 10 * 128 + 128, "it gives each layer one bias per input; a layer has one bias per output unit"),
    (RIGHT + 64, "it also gives the 64 inputs a bias; the input layer has no parameters"),
    (RIGHT - 1290, "it leaves out the last layer (1290 parameters)"),
    (RIGHT - 1, f"expected {RIGHT}, got {RIGHT - 1}"),
])
def test_parameter_count_wrong(capsys, answer, reason) -> None:
    assert run(capsys, check_parameter_count, answer) == (False, f"✘ the parameter count is wrong: {reason}")
