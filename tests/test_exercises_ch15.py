"""Exercise checks of chapter 15: right answers in several forms pass, typical wrong answers fail with the right hint."""

from __future__ import annotations

import numpy as np

from bpkit.activations import log_softmax, softmax
from bpkit.exercises import ch15


def _dP(overwrite=False, decay=True, mean=True):
    P, Q = ch15.MF_P, ch15.MF_Q
    N = 3
    dP = np.zeros_like(P)
    for u, i, r in zip(ch15.MF_USERS, ch15.MF_ITEMS, ch15.MF_RATINGS, strict=True):
        e = ch15.MF_MU + P[u] @ Q[i] - r
        term = e * Q[i] + (ch15.MF_DECAY * P[u] if decay else 0)
        term = term / N if mean else term
        dP[u] = term if overwrite else dP[u] + term
    return dP


def test_mf_gradient(capsys) -> None:
    assert ch15.check_mf_gradient(_dP()) and ch15.check_mf_gradient(_dP().tolist())
    capsys.readouterr()
    for answer, hint in [(_dP(overwrite=True), "SUM of two gradients"), (_dP(decay=False), "weight-decay"),
                         (_dP(mean=False), "1/N"), (_dP().T, "transposed"), (2 * _dP() + 0.1, "differ")]:
        assert not ch15.check_mf_gradient(answer)
        out = capsys.readouterr().out
        assert hint in out or ("expected" in out and hint == "differ"), (hint, out)


def test_pixel_cross_entropy(capsys) -> None:
    logits, labels = ch15.SEG_LOGITS, ch15.SEG_LABELS
    lp = log_softmax(np.moveaxis(logits, 0, -1))                       # (H, W, C)
    right = -np.mean(np.take_along_axis(lp, labels[..., None], axis=-1))
    assert ch15.check_pixel_cross_entropy(right) and ch15.check_pixel_cross_entropy(np.float32(right))
    capsys.readouterr()
    wrong_axis = -np.mean(np.log(softmax(logits.reshape(3, -1)))[labels.ravel(), np.arange(16)])
    for answer, hint in [(16 * right, "SUM over the 16 pixels"), (wrong_axis, "over the pixels"), (right + 0.3, "expected")]:
        assert not ch15.check_pixel_cross_entropy(answer)
        assert hint in capsys.readouterr().out


def test_policy_gradient(capsys) -> None:
    pi = softmax(ch15.PG_LOGITS)
    e_a = np.eye(3)[ch15.PG_ACTION]
    right = ch15.PG_RETURN * (pi - e_a)
    assert ch15.check_policy_gradient(right) and ch15.check_policy_gradient(list(right))
    capsys.readouterr()
    for answer, hint in [(-right, "sign is flipped"), (pi - e_a, "return G is missing"),
                         (-ch15.PG_RETURN * e_a, "normaliser"), (right[:2], "shape")]:
        assert not ch15.check_policy_gradient(answer)
        assert hint in capsys.readouterr().out


def test_mean_baseline_rmse(capsys) -> None:
    train, test = ch15.baseline_split()
    right = np.sqrt(np.mean((test - train.mean()) ** 2))
    assert ch15.check_mean_baseline_rmse(right)
    capsys.readouterr()
    for answer, hint in [(right**2, "square root"), (np.std(test), "TEST ratings"),
                         (np.mean(np.abs(test - train.mean())), "absolute error"), (right * 1.1, "expected")]:
        assert not ch15.check_mean_baseline_rmse(answer)
        assert hint in capsys.readouterr().out
