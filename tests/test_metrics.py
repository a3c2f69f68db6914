"""Tests of bpkit.metrics: accuracy of labels and one-hot rows, thresholds that follow the loss, no accuracy for a regression."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.layers import Dense
from bpkit.losses import MSE, BinaryCrossEntropy
from bpkit.metrics import accuracy, evaluate
from bpkit.model import MLP, Sequential
from bpkit.optim import SGD
from bpkit.train import fit, iterate_minibatches


def test_accuracy_and_minibatches() -> None:
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1])) == 0.5
    assert accuracy(np.array([[0.1, 0.9]]), np.array([[0.0, 1.0]])) == 1.0
    assert accuracy(np.array([[0.7], [0.2]]), np.array([[1.0], [0.0]])) == 1.0
    with pytest.raises(ShapeError, match="3 predictions but y has 2 labels"):
        accuracy(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ShapeError, match="y as one-hot rows must have 2 columns"):
        accuracy(np.zeros((2, 2)), np.eye(3)[:2])
    X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    batches = list(iterate_minibatches(X, y, 2, np.random.default_rng(0)))
    assert [len(b[1]) for b in batches] == [2, 2, 1]
    assert sorted(np.concatenate([b[1] for b in batches])) == list(range(5))


def test_accuracy_reads_outputs_as_the_loss_says() -> None:
    """Logits are cut at 0, probabilities at 1/2; a regression reports no accuracy by default."""
    model = Sequential([Dense(1, 1, W=[[1.0]], b=[0.0])])
    X, y = np.array([[0.3], [-0.2], [0.7]]), np.array([[1.0], [0.0], [0.0]])
    logits = evaluate(model, BinaryCrossEntropy(from_logits=True), X, y)
    assert logits["accuracy"] == 2 / 3  # 0.3 > 0 and -0.2 < 0 are right, 0.7 > 0 is wrong
    probabilities = evaluate(model, BinaryCrossEntropy(), np.clip(X, 0, 1), y)
    assert probabilities["accuracy"] == 1 / 3  # 0.3 < 0.5 is wrong, 0 < 0.5 right, 0.7 > 0.5 wrong
    assert "accuracy" not in evaluate(model, MSE(), X, y)
    h = fit(MLP([1, 1], seed=0), MSE(), SGD(0.1), X, np.array([[0.5], [1.5], [2.5]]), epochs=2, shuffle=False)
    assert h.metrics == {}
    with pytest.raises(ArgumentValueError, match="non-integer values"):
        fit(MLP([1, 1], seed=0), MSE(), SGD(0.1), X, X, epochs=1, shuffle=False, metrics="accuracy")
    h = fit(MLP([1, 1], seed=0), "bce_logits", SGD(0.1), X, y, epochs=1, shuffle=False, metrics="accuracy")
    assert list(h.metrics) == ["accuracy"]
    soft = np.array([[0.3], [0.9], [0.5]])  # BCE accepts probabilities as targets: no accuracy by default
    assert "accuracy" not in evaluate(model, BinaryCrossEntropy(from_logits=True), X, soft)
    with pytest.raises(ArgumentValueError, match="class labels"):
        evaluate(model, BinaryCrossEntropy(from_logits=True), X, soft, metrics="accuracy")
