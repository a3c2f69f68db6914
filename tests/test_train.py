"""Tests of bpkit.train: XOR, early stopping, divergence guard, metrics, and the digits benchmark."""

from __future__ import annotations

import time

import numpy as np
import pytest

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.layers import Dense, Dropout
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy
from bpkit.model import MLP, Sequential
from bpkit.optim import SGD, Adam
from bpkit.train import DivergenceError, evaluate, fit

X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.mark.parametrize("seed", range(3))
def test_a_2_4_1_sigmoid_net_solves_xor(seed: int) -> None:
    model = MLP([2, 4, 1], activation="sigmoid", output_activation="sigmoid", seed=seed)
    history = fit(model, BinaryCrossEntropy(), SGD(0.5, momentum=0.9), X_XOR, Y_XOR, epochs=1500,
                  batch_size=4, shuffle=False)
    assert history.metrics["accuracy"][-1] == 1.0
    assert history.loss[-1] < 0.01
    assert np.all(np.abs(model.predict(X_XOR) - Y_XOR) < 0.1)


def test_history_records_losses_metrics_and_grad_norms() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = MLP([3, 8, 8, 2], activation="tanh", seed=0)
    h = fit(model, CrossEntropy(), Adam(0.01), X, y, epochs=5, batch_size=16, rng=rng, validation=(X[:16], y[:16]),
            grad_norms=True, evaluate_train=True)
    assert h.epochs_run == 5 and len(h.val_loss) == 5 and len(h.metrics["accuracy"]) == 5
    assert list(h.grad_norms[0]) == ["W1", "W2", "W3"]
    assert all(v > 0 for row in h.grad_norms for v in row.values())
    assert h.loss[-1] < h.loss[0]
    assert h.loss[-1] == pytest.approx(evaluate(model, CrossEntropy(), X, y)["loss"])
    assert h.metrics["accuracy"][-1] == evaluate(model, CrossEntropy(), X, y)["accuracy"]
    assert h.val_loss[-1] == pytest.approx(evaluate(model, CrossEntropy(), X[:16], y[:16])["loss"])


def test_history_by_default_averages_the_epochs_batches() -> None:
    """Without evaluate_train the training loss and accuracy are the batch-size-weighted means over the epoch."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = (X[:, 0] > 0).astype(int)
    model = MLP([3, 4, 2], activation="tanh", seed=0)
    replay = MLP([3, 4, 2], activation="tanh", seed=0)
    h = fit(model, CrossEntropy(), SGD(0.1), X, y, epochs=1, batch_size=16, rng=np.random.default_rng(9),
            grad_norms=False)
    assert h.grad_norms == []
    order = np.random.default_rng(9).permutation(50)
    losses, correct, opt, loss = [], 0, SGD(0.1), CrossEntropy()
    for start in range(0, 50, 16):
        idx = order[start:start + 16]
        replay.zero_grad()
        out = replay.forward(X[idx])
        losses.append(loss(out, y[idx]) * idx.size)
        correct += int(np.sum(out.argmax(1) == y[idx]))
        replay.backward(loss.grad(out, y[idx]))
        opt.step(replay)
    assert h.loss[0] == pytest.approx(sum(losses) / 50, rel=1e-12)
    assert h.metrics["accuracy"][0] == correct / 50
    assert all(np.array_equal(p, replay.parameters()[k]) for k, p in model.parameters().items())


def test_same_seed_same_history() -> None:
    rng_data = np.random.default_rng(1)
    X, y = rng_data.normal(size=(40, 2)), rng_data.integers(0, 2, 40)
    runs = []
    for _ in range(2):
        model = MLP([2, 6, 2], seed=3)
        runs.append(fit(model, CrossEntropy(), SGD(0.1), X, y, epochs=3, batch_size=8, rng=np.random.default_rng(5)).loss)
    assert runs[0] == runs[1]


def test_early_stopping_restores_the_best_weights() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5))
    y = rng.normal(size=(30, 1))  # pure noise: validation loss soon rises
    Xv, yv = rng.normal(size=(30, 5)), rng.normal(size=(30, 1))
    model = MLP([5, 64, 64, 1], seed=0)
    h = fit(model, MSE(), Adam(0.01), X, y, epochs=200, batch_size=10, rng=rng, validation=(Xv, yv), early_stopping=5)
    assert h.stopped_epoch is not None and h.stopped_epoch < 200
    assert h.stopped_epoch == h.best_epoch + 5
    assert evaluate(model, MSE(), Xv, yv, metrics=())["loss"] == pytest.approx(min(h.val_loss))


def test_divergence_raises_a_clear_error() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 4)) * 10
    y = rng.normal(size=(32, 1)) * 10
    model = MLP([4, 16, 1], seed=0)
    with pytest.raises(DivergenceError, match=r"at epoch \d+, step \d+ with learning rate 10.*smaller learning rate"):
        fit(model, MSE(), SGD(10.0), X, y, epochs=50, batch_size=8, rng=rng)


def test_clip_norm_keeps_training_finite() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 4)) * 10
    y = rng.normal(size=(32, 1)) * 10
    model = MLP([4, 16, 1], seed=0)
    h = fit(model, MSE(), SGD(0.05), X, y, epochs=20, batch_size=8, rng=rng, clip_norm=1.0, metrics=())
    assert np.isfinite(h.loss).all()


def test_dropout_model_trains_and_predicts_deterministically() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4))
    y = (X.sum(axis=1) > 0).astype(int)
    model = Sequential([Dense(4, 16, "relu", init="he_normal", rng=rng), Dropout(0.3, rng), Dense(16, 2, rng=rng)])
    fit(model, CrossEntropy(), Adam(0.01), X, y, epochs=20, batch_size=10, rng=rng)
    assert np.array_equal(model.predict(X), model.predict(X))
    assert evaluate(model, CrossEntropy(), X, y)["accuracy"] > 0.9


def test_fit_input_errors() -> None:
    model = MLP([2, 2], seed=0)
    X, y = np.zeros((4, 2)), np.zeros((4, 2))
    with pytest.raises(ArgumentTypeError, match="rng"):
        fit(model, MSE(), SGD(0.1), X, y, epochs=1)
    with pytest.raises(ShapeError, match="X with 4 rows and y with 3"):
        fit(model, MSE(), SGD(0.1), X, y[:3], epochs=1, shuffle=False)
    with pytest.raises(ArgumentValueError, match="known metrics"):
        fit(model, MSE(), SGD(0.1), X, y, epochs=1, shuffle=False, metrics=("f1",))
    with pytest.raises(ArgumentValueError, match="epochs"):
        fit(model, MSE(), SGD(0.1), X, y, epochs=0, shuffle=False)
    with pytest.raises(ArgumentTypeError, match="swapped"):
        fit(model, SGD(0.1), MSE(), X, y, epochs=1, shuffle=False)
    with pytest.raises(ArgumentValueError, match="X must be finite"):
        fit(model, MSE(), SGD(0.1), X * np.nan, y, epochs=1, shuffle=False)
    with pytest.raises(ArgumentValueError, match=r"validation must be a pair \(X_val, y_val\)"):
        fit(model, MSE(), SGD(0.1), X, y, epochs=1, shuffle=False, validation=(X,))


@pytest.mark.parametrize("seed", range(3))
def test_digits_mlp_with_adam_reaches_97_percent_quickly(seed: int) -> None:
    from bpkit.data import load_digits, standardize, train_test_split

    start = time.perf_counter()
    X, y = load_digits()
    rng = np.random.default_rng(seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, rng=rng, stratify=True)
    X_train, mean, std = standardize(X_train)  # statistics of the training part only
    X_test, _, _ = standardize(X_test, mean, std)
    model = MLP([64, 256, 10], activation="relu", seed=seed)
    fit(model, CrossEntropy(), Adam(1e-3), X_train, y_train, epochs=40, batch_size=32, rng=rng, metrics=())
    test_acc = evaluate(model, CrossEntropy(), X_test, y_test)["accuracy"]
    elapsed = time.perf_counter() - start
    assert test_acc >= 0.97, f"test accuracy {test_acc:.4f}"
    assert elapsed < 30.0, f"took {elapsed:.1f} s"


def test_fit_evaluate_and_check_model_take_image_batches() -> None:
    """X of shape (N, C, H, W): one example per row, the first layer checks the rest."""
    from bpkit.conv import Conv2D
    from bpkit.gradcheck import check_model
    from bpkit.pool import Flatten

    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 1, 4, 4))
    y = (X[:, 0, :2].sum(axis=(1, 2)) > 0).astype(int)
    model = Sequential([Conv2D(1, 2, 3, padding=1, rng=rng), Flatten(), Dense(32, 2, rng=rng)])
    h = fit(model, CrossEntropy(), Adam(0.01), X, y, epochs=3, batch_size=4, rng=rng)
    assert h.epochs_run == 3 and 0 <= h.metrics["accuracy"][-1] <= 1
    assert set(evaluate(model, CrossEntropy(), X, y)) == {"loss", "accuracy"}
    assert check_model(model, CrossEntropy(), X[:3], y[:3]).passed
