"""One-line checks for the exercises of book/15_applications.ipynb.

Expected values come from bpkit (MatrixFactorization, CrossEntropy, simulated_ratings); a hint names a
cause only when the answer equals a recomputation with that mistake.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bpkit.activations import softmax
from bpkit.exercises.core import Mistake, Verdict, check_array, check_scalar
from bpkit.losses import CrossEntropy
from bpkit.recommend import MatrixFactorization, simulated_ratings

# exercise 1: two users, three items, rank 2; user 0 rates items 0 and 2, user 1 rates item 1
MF_P = np.array([[0.5, -1.0], [1.0, 0.5]])
MF_Q = np.array([[1.0, 0.0], [0.5, 0.5], [-1.0, 2.0]])
MF_USERS, MF_ITEMS, MF_RATINGS = np.array([0, 0, 1]), np.array([0, 2, 1]), np.array([4.0, 1.0, 3.0])
MF_MU, MF_DECAY = 3.0, 0.1


def mf_example() -> MatrixFactorization:
    """Exercise 1's model: P = MF_P, Q = MF_Q, zero biases, mu = 3, weight decay 0.1."""
    mf = MatrixFactorization(2, 3, 2, np.random.default_rng(0), mu=MF_MU, weight_decay=MF_DECAY)
    mf.parameters()["P"][...] = MF_P
    mf.parameters()["Q"][...] = MF_Q
    return mf


def _mf_dP(mistake: str = "") -> np.ndarray:
    """dJ/dP for exercise 1, from bpkit, or recomputed with a typical mistake."""
    mf = mf_example()
    mf.zero_grad()
    r_hat = mf.forward(MF_USERS, MF_ITEMS)
    mf.backward(MF_RATINGS)
    if not mistake:
        return mf.gradients()["P"].copy()
    N = len(MF_USERS)
    e = r_hat - MF_RATINGS
    dP = np.zeros_like(MF_P)
    for n, (u, i) in enumerate(zip(MF_USERS, MF_ITEMS, strict=True)):
        term = e[n] * MF_Q[i] / N + (0 if mistake == "no decay" else MF_DECAY * MF_P[u] / N)
        if mistake == "no 1/N":
            term = term * N
        if mistake == "overwrite":
            dP[u] = term
        else:
            dP[u] += term
    return dP


def check_mf_gradient(answer: Any) -> Verdict:
    """dJ/dP (2, 2) of exercise 1: user 0's row sums the gradients of both of its ratings."""
    mistakes = [
        Mistake("user 0 rated two items, so its row is the SUM of two gradients (the fork); "
                "this answer keeps only the last one", _mf_dP("overwrite")),
        Mistake("the weight-decay term lambda p_u / N is missing", _mf_dP("no decay")),
        Mistake("the 1/N of the mean is missing", _mf_dP("no 1/N")),
    ]
    return check_array("dJ/dP", answer, _mf_dP(), mistakes)


# exercise 2: a 3-class segmentation of a 4 x 4 image
SEG_LOGITS = np.random.default_rng(15).normal(size=(3, 4, 4))          # (C, H, W)
SEG_LABELS = np.random.default_rng(16).integers(0, 3, size=(4, 4))     # (H, W)


def _pixel_rows() -> tuple[np.ndarray, np.ndarray]:
    return SEG_LOGITS.reshape(3, -1).T, SEG_LABELS.ravel()            # (16, 3), (16,)


def check_pixel_cross_entropy(answer: Any) -> Verdict:
    """The mean over the 16 pixels of the cross-entropy of SEG_LOGITS (C, H, W) against SEG_LABELS (H, W)."""
    rows, labels = _pixel_rows()
    expected = CrossEntropy()(rows, labels)
    wrong_axis = SEG_LOGITS.reshape(3, -1)                              # softmax over pixels instead of classes
    p_wrong = softmax(wrong_axis)
    mistakes = [
        Mistake("it is the SUM over the 16 pixels; segmentation losses average over pixels", 16 * expected),
        Mistake("the softmax ran over the pixels, not over the 3 classes of each pixel",
                float(-np.mean(np.log(p_wrong[labels, np.arange(16)])))),
        Mistake("it uses the logits as if they were probabilities: take -log softmax",
                float(-np.mean(np.log(np.abs(rows[np.arange(16), labels]))))),
    ]
    return check_scalar("the segmentation loss", answer, expected, mistakes)


# exercise 3: REINFORCE for one action of a softmax policy
PG_LOGITS = np.array([0.5, -0.2, 1.0])
PG_ACTION, PG_RETURN = 1, 2.5


def check_policy_gradient(answer: Any) -> Verdict:
    """d/dz of the surrogate loss -G log pi(a | z) for PG_LOGITS, PG_ACTION and return G = PG_RETURN."""
    z = PG_LOGITS[None, :]
    expected = PG_RETURN * CrossEntropy().grad(z, np.array([PG_ACTION]))[0]   # G (pi - e_a)
    e_a = np.eye(3)[PG_ACTION]
    pi = softmax(PG_LOGITS)
    mistakes = [
        Mistake("the sign is flipped: that is the gradient of +G log pi, the direction to step in, not the "
                "gradient of the loss -G log pi", PG_RETURN * (e_a - pi)),
        Mistake("the return G is missing: the gradient of -log pi(a) is scaled by G", pi - e_a),
        Mistake("the softmax's normaliser is missing: d log pi(a) / dz is e_a - pi, not e_a", -PG_RETURN * e_a),
    ]
    return check_array("the policy gradient", answer, expected, mistakes)


def baseline_split(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Exercise 4's data: ratings of simulated_ratings(100, 150, 3, 0.2, 0.3, rng(seed)), split 80/20 by rng."""
    rng = np.random.default_rng(seed)
    _, _, r, _ = simulated_ratings(100, 150, 3, 0.2, 0.3, rng)
    test = rng.random(len(r)) < 0.2
    return r[~test], r[test]


def check_mean_baseline_rmse(answer: Any, seed: int = 0) -> Verdict:
    """The test RMSE of predicting every test rating by the mean of the training ratings."""
    train, test = baseline_split(seed)
    expected = float(np.sqrt(np.mean((test - train.mean()) ** 2)))
    mistakes = [
        Mistake("that is the mean squared error; the RMSE is its square root", expected**2),
        Mistake("it predicts with the mean of the TEST ratings, which a real system does not know",
                float(np.sqrt(np.mean((test - test.mean()) ** 2)))),
        Mistake("that is the mean absolute error, not the root mean squared error",
                float(np.mean(np.abs(test - train.mean())))),
    ]
    return check_scalar("the baseline RMSE", answer, expected, mistakes)
