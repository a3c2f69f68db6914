"""Tests of bpkit.exercises.core: right answers pass, typical wrong answers fail with the right hint."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.exercises.core import check_array, check_function, check_scalar

E = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]])


def _run(capsys, fn, *args, **kwargs) -> tuple[bool, str]:
    ok = fn(*args, **kwargs)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, "a check prints exactly one line"
    return ok, out


def test_right_answer(capsys) -> None:
    ok, out = _run(capsys, check_array, "dW1", E.copy(), E)
    assert ok and out == "✔ dW1 is correct.\n"
    ok, out = _run(capsys, check_array, "dW1", E.tolist(), E)  # lists are fine
    assert ok


@pytest.mark.parametrize(
    "answer,fragment",
    [
        (E.T, "the shape of dW1 transposed"),
        (E.reshape(6), "same number of entries"),
        (np.zeros((4, 4)), "should have shape (2, 3)"),
        (-E, "wrong sign"),
        (2 * E, "a factor 1/2 is missing"),
        (0.5 * E, "half the right value"),
        (8 * E, "8 times the right value: is a 1/N batch average (N = 8?) missing"),
        (E / 4, "1/4 of the right value"),
        (E + np.array([[0, 0, 0.1], [0, 0, 0]]), "largest difference from the right value is 0.1 at index (0, 2)"),
        (np.full((2, 3), np.nan), "NaN"),
        ("abc", "expected an array of numbers"),
    ],
)
def test_wrong_answers_get_their_hint(capsys, answer, fragment) -> None:
    ok, out = _run(capsys, check_array, "dW1", answer, E)
    assert not ok
    assert out.startswith("✘ dW1 is wrong: ")
    assert fragment in out


def test_square_transpose_and_custom_hints(capsys) -> None:
    S = np.array([[1.0, 2.0], [3.0, 4.0]])
    ok, out = _run(capsys, check_array, "W", S.T, S)
    assert not ok and "transposed" in out
    hint = (lambda a, e: np.allclose(a, e + 1), "you added the bias twice")
    ok, out = _run(capsys, check_array, "z", S + 1, S, hints=[hint])
    assert not ok and "you added the bias twice" in out


def test_check_scalar(capsys) -> None:
    assert _run(capsys, check_scalar, "J", 0.245, 0.245)[0]
    assert _run(capsys, check_scalar, "J", np.float64(0.245), 0.245)[0]
    ok, out = _run(capsys, check_scalar, "J", 0.49, 0.245)
    assert not ok and "factor 1/2 is missing" in out
    ok, out = _run(capsys, check_scalar, "J", "0.245", 0.245)
    assert not ok and "single number" in out
    ok, out = _run(capsys, check_scalar, "J", True, 1.0)
    assert not ok


def test_check_function(capsys) -> None:
    ref = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    inputs = [(np.array([0.0, 1.0]),), (np.array([-2.0]),)]
    ok, out = _run(capsys, check_function, "sigmoid", ref, ref, inputs)
    assert ok and out == "✔ sigmoid is correct.\n"
    ok, out = _run(capsys, check_function, "sigmoid", lambda z: 1 / (1 + np.exp(z)), ref, inputs)
    assert not ok and "sigmoid([0., 1.])" in out
    ok, out = _run(capsys, check_function, "sigmoid", lambda z: z / 0 if False else undefined_name, ref, inputs)  # noqa: F821
    assert not ok and "raised NameError" in out
    ok, out = _run(capsys, check_function, "sigmoid", 3, ref, inputs)
    assert not ok and "expected a function" in out
