"""One-line checks for the exercises of book/14_recurrent.ipynb.

Every expected value is computed by bpkit (the RNN and LSTM layers, or the worked example's routes);
a hint names a cause only when the answer equals a recomputation with that mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.exercises.core import Mistake, Verdict, check_array, check_count, check_function, check_scalar
from bpkit.recurrent import LSTM, RNN

# The chapter's worked example: x = (1, -2), two tanh units, no biases, h_0 = 0, y_hat = V h_2, J = (y_hat - y)^2 / 2
W_IH = np.array([[0.5], [-1.0]])
W_HH = np.array([[0.1, -0.3], [0.4, 0.2]])
V = np.array([[1.0, -2.0]])
X = np.array([[[1.0], [-2.0]]])
Y = 0.5


def _example_dW_ih(mistake: str = "") -> np.ndarray:
    """dJ/dW_ih of the worked example written out step by step; `mistake` recomputes a typical slip."""
    x1, x2 = X[0, 0], X[0, 1]
    h1 = np.tanh(W_IH @ x1)
    h2 = np.tanh(W_IH @ x2 + W_HH @ h1)
    dh2 = (V[0] @ h2 - Y) * V[0]
    d2 = dh2 * (1 - h2**2)
    back = (W_HH if mistake == "no transpose" else W_HH.T) @ d2
    d1 = back if mistake == "no tanh'" else back * (1 - h1**2)
    if mistake == "last step only":
        return np.outer(d2, x2)
    if mistake == "first step only":
        return np.outer(d1, x1)
    return np.outer(d2, x2) + np.outer(d1, x1)


def example_gradients() -> dict[str, np.ndarray]:
    """dJ/dW_ih, dJ/dW_hh, dJ/dV of the worked example, from bpkit's RNN and Dense layers."""
    rnn = RNN(1, 2, bias=False, return_sequences=False, W_ih=W_IH, W_hh=W_HH)
    h2 = rnn.forward(X)
    y_hat = h2 @ V.T
    rnn.backward((y_hat - Y) @ V)
    return {"W_ih": rnn.dW_ih.copy(), "W_hh": rnn.dW_hh.copy(), "V": (y_hat - Y) * h2}


def check_dW_ih(answer: Any) -> Verdict:
    """dJ/dW_ih (2, 1) of the worked example: a sum over both time steps (the fork through time)."""
    expected = example_gradients()["W_ih"]
    mistakes = [
        Mistake("it is the last step's term alone, delta_2 x_2^T: W_ih is used at both steps, so its "
                "gradient is the sum delta_2 x_2^T + delta_1 x_1^T", _example_dW_ih("last step only")),
        Mistake("it is the first step's term alone, delta_1 x_1^T; add the second step's delta_2 x_2^T",
                _example_dW_ih("first step only")),
        Mistake("delta_1 lacks the factor tanh'(z_1) = 1 - h_1^2", _example_dW_ih("no tanh'")),
        Mistake("delta_1 was computed with W_hh instead of W_hh^T", _example_dW_ih("no transpose")),
    ]
    return check_array("dJ/dW_ih", answer, expected, mistakes, rtol=1e-6, atol=1e-9)


def _step_reference(dh: np.ndarray, h: np.ndarray, h_prev: np.ndarray, x: np.ndarray,
                    W_ih: np.ndarray, W_hh: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One BPTT step from bpkit: an RNN run for one step from h_prev; (dh_prev, dW_hh, dW_ih)."""
    rnn = RNN(W_ih.shape[1], W_hh.shape[0], bias=False, W_ih=W_ih, W_hh=W_hh)
    out = rnn.forward(x[:, None, :], h_prev)
    if not np.allclose(out[:, 0], h):
        raise ValueError("h must be tanh(x W_ih^T + h_prev W_hh^T)")
    rnn.backward(dh[:, None, :])
    return rnn.dh0, rnn.dW_hh.copy(), rnn.dW_ih.copy()


def _step_inputs() -> list[tuple[np.ndarray, ...]]:
    rng = np.random.default_rng(14)
    cases: list[tuple[np.ndarray, ...]] = []
    for N, F, H in [(1, 1, 2), (3, 2, 3), (4, 3, 2)]:
        W_ih, W_hh = rng.normal(size=(H, F)), rng.normal(size=(H, H)) * 0.5
        x, h_prev, dh = rng.normal(size=(N, F)), rng.normal(size=(N, H)) * 0.5, rng.normal(size=(N, H))
        h = np.tanh(x @ W_ih.T + h_prev @ W_hh.T)
        cases.append((dh, h, h_prev, x, W_ih, W_hh))
    return cases


def _pack(fn: Callable[..., Any]) -> Callable[..., np.ndarray]:
    """A step function's three results as one flat array, for comparison."""
    def packed(*args: Any) -> np.ndarray:
        return np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in fn(*args)])
    return packed


def check_rnn_step_backward(step_backward: Callable[..., Any]) -> Verdict:
    """step_backward(dh, h, h_prev, x, W_ih, W_hh) -> (dh_prev, dW_hh, dW_ih) for one step of a tanh RNN."""
    def mistaken(kind: str) -> Callable[..., np.ndarray]:
        def fn(dh: np.ndarray, h: np.ndarray, h_prev: np.ndarray, x: np.ndarray, W_ih: np.ndarray,
               W_hh: np.ndarray) -> np.ndarray:
            dz = dh if kind == "no slope" else dh * (1 - (h_prev if kind == "slope at h_prev" else h) ** 2)
            dW_hh = h_prev.T @ dz if kind == "transposed" else dz.T @ h_prev
            dh_prev = dz @ W_hh.T if kind == "W_hh^T" else dz @ W_hh
            return np.concatenate([dh_prev.ravel(), dW_hh.ravel(), (dz.T @ x).ravel()])
        return fn

    mistakes = [
        Mistake("the tanh slope is missing: dz = dh * (1 - h^2) before anything else", mistaken("no slope")),
        Mistake("the slope is tanh' at the new state: use 1 - h^2 (h = h_t), not 1 - h_prev^2",
                mistaken("slope at h_prev")),
        Mistake("dW_hh is transposed: it is dz^T h_prev (rows are the receiving units)", mistaken("transposed")),
        Mistake("dh_prev is dz @ W_hh (z = h_prev W_hh^T, so the gradient goes back through W_hh, not W_hh^T)",
                mistaken("W_hh^T")),
    ]
    fn = _pack(step_backward) if callable(step_backward) else step_backward
    return check_function("step_backward", fn, _pack(_step_reference), _step_inputs(), mistakes)


def lstm_cell_example(forget_bias: float = 2.0) -> LSTM:
    """The exercise's LSTM: one unit, zero weights, biases (input, forget, candidate, output) = (0, b_f, 1, 0)."""
    return LSTM(1, 1, W_ih=np.zeros((4, 1)), W_hh=np.zeros((4, 1)),
                b_ih=np.array([0.0, forget_bias, 1.0, 0.0]), b_hh=np.zeros(4), return_sequences=False)


def _lstm_dc0(forget_bias: float, steps: int) -> float:
    lstm = lstm_cell_example(forget_bias)
    lstm.forward(np.zeros((1, steps, 1)), np.zeros((1, 1)), np.full((1, 1), 0.5))
    lstm.backward(np.ones((1, 1)))
    return float(lstm.dc0[0, 0])


def check_cell_gradient(answer: Any, forget_bias: float = 2.0, steps: int = 10) -> Verdict:
    """dL/dc_0 for L = h_T of lstm_cell_example, from c_0 = 0.5 and h_0 = 0 over `steps` zero inputs."""
    expected = _lstm_dc0(forget_bias, steps)
    f = 1.0 / (1.0 + np.exp(-forget_bias))
    mistakes = [
        Mistake(f"it is f^{steps} alone: multiply by dL/dc_T = o tanh'(c_T) as well", f**steps),
        Mistake(f"it uses f^{steps - 1}: c_T depends on c_0 through {steps} forget gates, one per step",
                expected / f),
        Mistake(f"it uses f^{steps + 1}: there are {steps} forget gates between c_0 and c_{steps}",
                expected * f),
    ]
    return check_scalar("dL/dc_0", answer, expected, mistakes, rtol=1e-6, atol=1e-12)


def nonzero_input_steps(T: int = 40, k: int = 10) -> int:
    """How many of T steps receive a nonzero dLoss/dx_t from a loss on h_T with bptt_steps=k (by bpkit)."""
    rnn = RNN(1, 3, rng=np.random.default_rng(0), return_sequences=False, bptt_steps=k)
    rnn.forward(np.random.default_rng(1).normal(size=(2, T, 1)))
    dX = rnn.backward(np.ones((2, 3)))
    return int(np.count_nonzero(np.abs(dX).sum(axis=(0, 2))))


def check_truncated_reach(answer: Any, T: int = 40, k: int = 10) -> Verdict:
    """The number of input steps a last-step loss reaches under truncated BPTT (blocks of k steps)."""
    expected = nonzero_input_steps(T, k)
    mistakes = [
        Mistake("that is every step: truncation stops the gradient at the start of the last block", T),
        Mistake("that is the number of blocks; count the steps inside the last block", -(-T // k)),
        Mistake(f"the last block holds all {k} steps, including its first one", k - 1),
    ]
    return check_count("the number of steps", answer, expected, mistakes)


def check_bits_per_character(nats: float, answer: Any) -> Verdict:
    """A cross-entropy of `nats` per character in bits per character: nats / ln 2."""
    expected = float(nats) / np.log(2.0)
    mistakes = [
        Mistake("that is nats times ln 2; divide by ln 2 (1 bit = ln 2 nats)", float(nats) * np.log(2.0)),
        Mistake("that uses log base 10; bits use log base 2: divide by ln 2", float(nats) / np.log(10.0)),
        Mistake("that is the perplexity e^nats, not bits", float(np.exp(nats))),
    ]
    return check_scalar("bits per character", answer, expected, mistakes, rtol=1e-6)
