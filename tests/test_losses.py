"""Tests of bpkit.losses: values by hand, gradients by finite differences, conventions, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit.activations import sigmoid, softmax
from bpkit.errors import ArgumentValueError, ShapeError
from bpkit.gradcheck import numerical_gradient, relative_error
from bpkit.losses import MSE, BinaryCrossEntropy, CrossEntropy, SquaredError, get_loss
from strategies import matrices, seeds


def _numeric(loss, y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    y_hat = y_hat.copy()
    return numerical_gradient(lambda: loss(y_hat, y), y_hat, order=4)


def _targets(kind: str, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    if kind == "real":
        return rng.normal(size=shape)
    if kind == "binary":
        return (rng.random(shape) > 0.5).astype(float)
    return rng.integers(0, shape[1], size=shape[0])


CASES = [
    (MSE(), "real", lambda z: z),
    (SquaredError(), "real", lambda z: z),
    (BinaryCrossEntropy(), "binary", lambda z: sigmoid(np.clip(z, -2, 2))),
    (BinaryCrossEntropy(from_logits=True), "binary", lambda z: z),
    (CrossEntropy(), "labels", lambda z: z),
]


@pytest.mark.parametrize("loss,kind,pred", CASES, ids=lambda c: repr(c) if not callable(c) or hasattr(c, "grad") else "")
@given(z=matrices(), seed=seeds())
@settings(max_examples=30, deadline=None)
def test_grad_matches_finite_differences(loss, kind, pred, z: np.ndarray, seed: int) -> None:
    y_hat = pred(z)
    y = _targets(kind, y_hat.shape, np.random.default_rng(seed))
    analytic = loss.grad(y_hat, y)
    assert analytic.shape == y_hat.shape
    assert relative_error(analytic, _numeric(loss, y_hat, y), tiny=1e-5).max() < 1e-7


def test_values_by_hand() -> None:
    y_hat = np.array([[1.0, 2.0], [3.0, 5.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    # MSE: mean over all 4 elements of (0, 4, 9, 16)
    assert MSE()(y_hat, y) == pytest.approx(29 / 4)
    # SquaredError: (1/N) sum_n 1/2 ||.||^2 with N = 2 rows
    assert SquaredError()(y_hat, y) == pytest.approx((0.5 * 4 + 0.5 * 25) / 2)
    # one sample, one output: J = 1/2 (y_hat - y)^2 (the seeds' loss)
    assert SquaredError()(np.array([[0.3]]), np.array([[1.0]])) == pytest.approx(0.5 * 0.7**2)
    p = np.array([[0.8], [0.4]])
    t = np.array([[1.0], [0.0]])
    assert BinaryCrossEntropy()(p, t) == pytest.approx(-(np.log(0.8) + np.log(0.6)) / 2)
    z = np.array([[2.0, 1.0, 0.1]])
    expected = -np.log(np.exp(2.0) / np.exp(z).sum())
    assert CrossEntropy()(z, np.array([0])) == pytest.approx(expected)
    assert CrossEntropy()(z, np.array([[1.0, 0.0, 0.0]])) == pytest.approx(expected)


def test_logits_and_probabilities_agree() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(size=(6, 2))
    t = (rng.random((6, 2)) > 0.5).astype(float)
    assert BinaryCrossEntropy(True)(z, t) == pytest.approx(BinaryCrossEntropy()(sigmoid(z), t))
    # chain rule: dJ/dz = dJ/dp * p (1 - p)
    p = sigmoid(z)
    assert np.allclose(BinaryCrossEntropy(True).grad(z, t), BinaryCrossEntropy().grad(p, t) * p * (1 - p))


def test_duplicating_the_batch_changes_nothing() -> None:
    """The 1/N lives in the loss: a batch stacked twice gives the same loss and the same mean gradient."""
    rng = np.random.default_rng(4)
    z = rng.normal(size=(5, 3))
    labels = rng.integers(0, 3, size=5)
    for loss, y in [(CrossEntropy(), labels), (MSE(), rng.normal(size=(5, 3))), (SquaredError(), z * 0.5)]:
        z2, y2 = np.concatenate([z, z]), np.concatenate([y, y])
        assert loss(z2, y2) == pytest.approx(loss(z, y))
        assert np.allclose(loss.grad(z2, y2)[:5] * 2, loss.grad(z, y))


def test_extreme_values_are_finite() -> None:
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    assert np.isfinite(CrossEntropy()(z, np.array([1, 0])))
    assert np.isfinite(CrossEntropy().grad(z, np.array([1, 0]))).all()
    t = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert np.isfinite(BinaryCrossEntropy(True)(z, t))
    # probabilities of exactly 0 and 1: log clamped at -100 as in torch.nn.BCELoss
    assert BinaryCrossEntropy()(np.array([[0.0]]), np.array([[1.0]])) == pytest.approx(100.0)


def test_errors_are_clear() -> None:
    with pytest.raises(ShapeError, match=r"y must have the shape of y_hat \(3, 1\), got \(3,\)"):
        MSE()(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ArgumentValueError, match=r"labels in \[0, 2\] for 3 classes, got 3"):
        CrossEntropy()(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ArgumentValueError, match=r"y must hold probabilities in \[0, 1\], got values in \[2, 2\]"):
        BinaryCrossEntropy()(np.array([0.5]), np.array([2.0]))
    with pytest.raises(ArgumentValueError, match="from_logits=True"):
        BinaryCrossEntropy()(np.array([3.0]), np.array([1.0]))
    with pytest.raises(ArgumentValueError, match=r"loss must be one of .*'mse'.*got 'hinge'"):
        get_loss("hinge")
    assert isinstance(get_loss("bce_logits"), BinaryCrossEntropy) and get_loss("bce_logits").from_logits


@given(st.integers(1, 6), st.integers(2, 5), seeds())
@settings(max_examples=20, deadline=None)
def test_cross_entropy_gradient_rows_sum_to_zero(n: int, c: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    g = CrossEntropy().grad(rng.normal(size=(n, c)), rng.integers(0, c, size=n))
    assert np.allclose(g.sum(axis=1), 0.0)


def test_nan_predictions_give_a_nan_loss_while_bad_targets_are_refused() -> None:
    """NaN in y_hat is what fit reports as divergence; NaN in y is bad data and refused at once."""
    assert np.isnan(MSE()(np.array([[np.nan]]), np.array([[1.0]])))
    assert np.isnan(CrossEntropy()(np.array([[np.nan, 0.0]]), np.array([0])))
    with pytest.raises(ArgumentValueError, match=r"y must be finite"):
        MSE()(np.array([[0.0]]), np.array([[np.nan]]))


def test_cross_entropy_targets_are_labels_or_probability_rows() -> None:
    z = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
    soft = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    assert CrossEntropy()(z, soft) == pytest.approx(-(np.log(softmax(z)) * soft).sum() / 2)
    assert CrossEntropy()(z, np.array([2.0, 0.0])) == CrossEntropy()(z, np.array([2, 0]))
    for bad, why in [(soft * 2, "row 0 sums to 2"), (np.array([[-1.0, 1, 1], [0, 1, 0]]), "row 0 has a negative")]:
        with pytest.raises(ArgumentValueError, match=why):
            CrossEntropy().grad(z, bad)
    with pytest.raises(ArgumentValueError, match="at least one row"):
        CrossEntropy()(np.zeros((0, 3)), np.zeros(0, dtype=int))


def test_bce_gradient_refuses_what_the_loss_refuses_and_is_exact_near_zero() -> None:
    with pytest.raises(ArgumentValueError, match=r"y_hat must be probabilities in \[0, 1\]"):
        BinaryCrossEntropy().grad(np.array([1.5]), np.array([1.0]))
    p, t = np.array([1e-13]), np.array([1.0])
    # dJ/dp = -1/p exactly (torch's clamp of p (1 - p) at 1e-12 gives -1e12 here, ten times too small)
    assert BinaryCrossEntropy().grad(p, t)[0] == pytest.approx(-1e13, rel=1e-15)
    assert np.isfinite(BinaryCrossEntropy().grad(np.array([0.0, 1.0]), np.array([1.0, 0.0]))).all()


def test_float64_predictions_are_not_copied_and_integers_are_converted() -> None:
    y_hat = np.array([[1.0, 2.0]])
    assert MSE().check(y_hat, [[0, 0]])[0] is y_hat
    assert MSE()([[1, 2]], [[0, 0]]) == 2.5


# --- grad reuses what __call__ computed at the same point, and only there -------------------------------

def _fresh_grad(loss, y_hat, y):
    """grad from a loss object that has never been called (nothing to reuse)."""
    fresh = BinaryCrossEntropy(loss.from_logits) if isinstance(loss, BinaryCrossEntropy) else type(loss)()
    return fresh.grad(y_hat, y)


REUSE_CASES = [
    (CrossEntropy(), "labels"),
    (CrossEntropy(), "rows"),
    (MSE(), "real"),
    (SquaredError(), "real"),
    (BinaryCrossEntropy(from_logits=True), "binary"),
]


@pytest.mark.parametrize(("loss", "kind"), REUSE_CASES, ids=lambda c: getattr(c, "name", c))
def test_grad_after_call_is_bit_identical_and_never_stale(loss, kind):
    rng = np.random.default_rng(3)
    y_hat = rng.normal(size=(5, 4))
    if kind == "labels":
        y = rng.integers(0, 4, size=5)
    elif kind == "rows":
        y = rng.dirichlet(np.ones(4), size=5)
    elif kind == "binary":
        y = (rng.random((5, 4)) > 0.5).astype(float)
    else:
        y = rng.normal(size=(5, 4))
    # the same point: bit for bit what a fresh object computes
    loss(y_hat, y)
    assert np.array_equal(loss.grad(y_hat, y), _fresh_grad(loss, y_hat, y))
    # y_hat modified in place after __call__: grad must see the new values
    loss(y_hat, y)
    y_hat[0, 0] += 1.0
    assert np.array_equal(loss.grad(y_hat, y), _fresh_grad(loss, y_hat, y))
    # y modified in place after __call__
    loss(y_hat, y)
    y2 = y.copy()
    if kind == "labels":
        y[0] = (y[0] + 1) % 4
    elif kind == "rows":
        y[0] = y[0, ::-1].copy()
    else:
        y[0, 0] = 1.0 - y[0, 0]
    assert not np.array_equal(y, y2)
    assert np.array_equal(loss.grad(y_hat, y), _fresh_grad(loss, y_hat, y))
    # other arrays of the same shape
    loss(y_hat, y)
    other = rng.normal(size=y_hat.shape)
    assert np.array_equal(loss.grad(other, y2), _fresh_grad(loss, other, y2))
    # a sign of zero is a different point: MSE's gradient 2 (y_hat - y) keeps it
    z0 = np.zeros((2, 4))
    if kind not in ("labels",):
        y0 = z0.copy() if kind != "rows" else np.full((2, 4), 0.25)
        loss(z0, y0)
        neg = -z0
        assert np.array_equal(np.signbit(loss.grad(neg, y0)), np.signbit(_fresh_grad(loss, neg, y0)))


def test_grad_reuse_follows_from_logits_and_bad_input_after_call():
    loss = BinaryCrossEntropy(from_logits=True)
    p = np.array([[0.2, 0.9]])
    y = np.array([[0.0, 1.0]])
    loss(p, y)
    loss.from_logits = False  # another rule: nothing may be reused
    assert np.array_equal(loss.grad(p, y), BinaryCrossEntropy().grad(p, y))
    # a bad target after a good call is still refused by grad
    ce = CrossEntropy()
    z = np.zeros((2, 3))
    labels = np.array([0, 2])
    ce(z, labels)
    labels[1] = 3
    with pytest.raises(ArgumentValueError, match="labels in"):
        ce.grad(z, labels)


def test_a_subclass_with_its_own_check_gets_no_reuse():
    class Smoothed(CrossEntropy):
        eps = 0.0

        def check(self, y_hat, y):
            z, t = super().check(y_hat, y)
            return z, t * (1 - self.eps) + self.eps / t.shape[1]

    loss = Smoothed()
    z = np.array([[1.0, 0.0, -1.0]])
    y = np.array([0])
    loss(z, y)
    loss.eps = 0.3  # read by check only: a reused check result would be stale
    expected = Smoothed()
    expected.eps = 0.3
    assert np.array_equal(loss.grad(z, y), expected.grad(z, y))
