"""Exercise checks of chapter 14: right answers in several forms pass, typical wrong answers fail with the right hint."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.exercises import ch14


def _delta_example():
    x1, x2 = 1.0, -2.0
    h1 = np.tanh(ch14.W_IH[:, 0] * x1)
    h2 = np.tanh(ch14.W_IH[:, 0] * x2 + ch14.W_HH @ h1)
    dh2 = (ch14.V[0] @ h2 - ch14.Y) * ch14.V[0]
    d2 = dh2 * (1 - h2**2)
    d1 = (ch14.W_HH.T @ d2) * (1 - h1**2)
    return x1, x2, h1, h2, d1, d2


def test_dW_ih_right_answers(capsys) -> None:
    x1, x2, _, _, d1, d2 = _delta_example()
    right = np.outer(d2, [x2]) + np.outer(d1, [x1])
    assert ch14.check_dW_ih(right)
    assert ch14.check_dW_ih(right.tolist())
    assert capsys.readouterr().out.count("✔") == 2


@pytest.mark.parametrize("wrong, hint", [
    ("last", "last step's term alone"),
    ("first", "first step's term alone"),
    ("slope", "lacks the factor tanh'"),
    ("transpose", "W_hh instead of W_hh^T"),
    ("shape", "shape"),
    ("scaled", "differ"),
])
def test_dW_ih_wrong_answers(wrong, hint, capsys) -> None:
    x1, x2, h1, _, d1, d2 = _delta_example()
    answers = {
        "last": np.outer(d2, [x2]),
        "first": np.outer(d1, [x1]),
        "slope": np.outer(d2, [x2]) + np.outer(ch14.W_HH.T @ d2, [x1]),
        "transpose": np.outer(d2, [x2]) + np.outer((ch14.W_HH @ d2) * (1 - h1**2), [x1]),
        "shape": (np.outer(d2, [x2]) + np.outer(d1, [x1])).T,
        "scaled": 1.5 * (np.outer(d2, [x2]) + np.outer(d1, [x1])),
    }
    assert not ch14.check_dW_ih(answers[wrong])
    assert hint in capsys.readouterr().out


def _right_step(dh, h, h_prev, x, W_ih, W_hh):
    dz = dh * (1 - h**2)
    return dz @ W_hh, dz.T @ h_prev, dz.T @ x


def test_step_backward_right_and_wrong(capsys) -> None:
    assert ch14.check_rnn_step_backward(_right_step)
    assert ch14.check_rnn_step_backward(lambda *a: [np.asarray(v).tolist() for v in _right_step(*a)])
    wrong = {
        "the tanh slope is missing": lambda dh, h, hp, x, Wi, Wh: (dh @ Wh, dh.T @ hp, dh.T @ x),
        "tanh' at the new state": lambda dh, h, hp, x, Wi, Wh: (
            (dh * (1 - hp**2)) @ Wh, (dh * (1 - hp**2)).T @ hp, (dh * (1 - hp**2)).T @ x),
        "dW_hh is transposed": lambda dh, h, hp, x, Wi, Wh: (
            (dh * (1 - h**2)) @ Wh, hp.T @ (dh * (1 - h**2)), (dh * (1 - h**2)).T @ x),
        "back through W_hh, not W_hh^T": lambda dh, h, hp, x, Wi, Wh: (
            (dh * (1 - h**2)) @ Wh.T, (dh * (1 - h**2)).T @ hp, (dh * (1 - h**2)).T @ x),
        "on input": lambda dh, h, hp, x, Wi, Wh: (0 * dh, (dh * (1 - h**2)).T @ hp, (dh * (1 - h**2)).T @ x),
        "raised": lambda dh, h, hp, x, Wi, Wh: 1 / 0,
    }
    capsys.readouterr()
    for hint, fn in wrong.items():
        assert not ch14.check_rnn_step_backward(fn)
        assert hint in capsys.readouterr().out, hint
    assert not ch14.check_rnn_step_backward("not a function")
    assert "expected a function" in capsys.readouterr().out


def test_cell_gradient(capsys) -> None:
    f = 1 / (1 + np.exp(-2.0))
    i, g, o = 0.5, np.tanh(1.0), 0.5
    c = 0.5
    for _ in range(10):
        c = f * c + i * g
    right = f**10 * o * (1 - np.tanh(c) ** 2)
    assert ch14.check_cell_gradient(right)
    assert ch14.check_cell_gradient(np.float64(right))
    capsys.readouterr()
    for answer, hint in [(f**10, "f^10 alone"), (right / f, "f^9"), (right * f, "f^11"), (2 * right, "expected")]:
        assert not ch14.check_cell_gradient(answer)
        assert hint in capsys.readouterr().out


def test_truncated_reach(capsys) -> None:
    assert ch14.check_truncated_reach(10) and ch14.check_truncated_reach(10.0)
    capsys.readouterr()
    for answer, hint in [(40, "every step"), (4, "number of blocks"), (9, "all 10 steps"), (11, "expected")]:
        assert not ch14.check_truncated_reach(answer)
        assert hint in capsys.readouterr().out
    assert ch14.nonzero_input_steps(40, 10) == 10 and ch14.nonzero_input_steps(12, 5) == 2


def test_bits_per_character(capsys) -> None:
    assert ch14.check_bits_per_character(1.9, 1.9 / np.log(2))
    capsys.readouterr()
    for answer, hint in [(1.9 * np.log(2), "times ln 2"), (1.9 / np.log(10), "base 10"), (np.exp(1.9), "perplexity"),
                         (2.5, "expected")]:
        assert not ch14.check_bits_per_character(1.9, answer)
        assert hint in capsys.readouterr().out


def test_example_gradients_match_the_routes() -> None:
    from bpkit.rnn_routes import rnn_model, value_gradients

    g = value_gradients(rnn_model(ch14.W_IH, ch14.W_HH, ch14.V), ch14.X, [[ch14.Y]])
    ours = ch14.example_gradients()
    for (k, v), ref in zip(ours.items(), g.values(), strict=True):
        assert np.allclose(v, ref, rtol=1e-13), k
