"""Tests of bpkit.exercises.core: one printed line per check, right verdicts, causes named only when certain."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.exercises.core import (
    Mistake,
    Part,
    Verdict,
    check_array,
    check_count,
    check_function,
    check_scalar,
    diagnose,
    diagnose_function,
    diagnose_parts,
)

E = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]])


def run(capsys, check, *args, **kwargs) -> tuple[bool, str]:
    """Call a check; it must return a Verdict and print exactly its line, once."""
    v = check(*args, **kwargs)
    out = capsys.readouterr().out
    assert isinstance(v, Verdict)
    assert out == v.line + "\n"
    return bool(v), v.line


def test_a_verdict_prints_once_and_jupyter_shows_nothing_more(capsys) -> None:
    formatters = pytest.importorskip("IPython.core.formatters")
    v = check_array("dW1", E.copy(), E)
    assert capsys.readouterr().out == "✔ dW1 is correct.\n"
    assert v and v.ok and str(v) == "✔ dW1 is correct."
    # what Jupyter shows for the value of a cell's last line: nothing (a bool would show "True")
    assert formatters.DisplayFormatter().format(v) == ({}, {})
    bad = check_array("dW1", -E, E)
    assert not bad and formatters.DisplayFormatter().format(bad) == ({}, {})


def test_right_answers_in_other_forms(capsys) -> None:
    assert run(capsys, check_array, "dW1", E.tolist(), E)[0]
    assert run(capsys, check_array, "v", [1, 2], np.array([1.0, 2.0]))[0]
    assert run(capsys, check_scalar, "J", np.float32(0.25), 0.25)[0]
    assert run(capsys, check_scalar, "J", np.array([0.25]), 0.25)[0]
    assert run(capsys, check_scalar, "J", 0.25 * (1 + 1e-9), 0.25)[0]
    for count in (72, 72.0, np.int64(72), np.array(72)):
        assert run(capsys, check_count, "n", count, 72)[0]


@pytest.mark.parametrize(
    "answer,line",
    [
        (E.T, "✘ dW1 is wrong: it has shape (3, 2), the transpose of the expected shape (2, 3)"),
        (E.reshape(6), "✘ dW1 is wrong: it has shape (6,); expected shape (2, 3) (the same number of entries)"),
        (np.zeros((4, 4)), "✘ dW1 is wrong: it has shape (4, 4); expected shape (2, 3)"),
        (-E, "✘ dW1 is wrong: all 6 entries differ; every entry has the right size and the opposite sign; "
             "the largest difference is at index (1, 1): expected 3, got -3"),
        (3 * E, "✘ dW1 is wrong: all 6 entries differ; every entry is 3 times the right one; "
                "the largest difference is at index (1, 1): expected 3, got 9"),
        (E + 0.5, "✘ dW1 is wrong: all 6 entries differ; every entry is the right one plus 0.5; "
                  "the largest difference is at index (0, 0): expected 1, got 1.5"),
        (E + np.array([[0, 0, 0.1], [0, 0, 0]]),
         "✘ dW1 is wrong: 1 of 6 entries differs; the largest difference is at index (0, 2): expected 0.5, got 0.6"),
        (np.where(E > 2, np.nan, E), "✘ dW1 is wrong: it holds 1 NaN or infinite value(s), the first at index (1, 1): nan"),
        ("abc", "✘ dW1 is wrong: expected an array of shape (2, 3), got 'abc' (a str)"),
        ([[1, 2], [3]], "✘ dW1 is wrong: expected an array of shape (2, 3), got [[1, 2], [3]] (a list)"),
        (E + 0j, "✘ dW1 is wrong: expected an array of shape (2, 3), got an array of dtype complex128 and shape (2, 3)"),
        (np.zeros((2, 3), dtype=bool), "✘ dW1 is wrong: expected an array of shape (2, 3), got an array of dtype bool "
                                       "and shape (2, 3)"),
        (None, "✘ dW1 is wrong: expected an array of shape (2, 3), got None"),
    ],
)
def test_wrong_arrays_get_a_plain_description(capsys, answer, line) -> None:
    """Without a matching mistake, the reason says where the answer differs and guesses no cause."""
    ok, out = run(capsys, check_array, "dW1", answer, E)
    assert not ok and out == line


def test_a_factor_names_no_cause_without_a_mistake(capsys) -> None:
    """The old hints guessed "a 1/N missing (N = 3?)" from a ratio of 3; now only the fact is stated."""
    _, line = run(capsys, check_array, "dW1", 3 * E, E)
    assert "N =" not in line and "1/N" not in line and "missing" not in line
    _, line = run(capsys, check_scalar, "J", 0.49, 0.245)
    assert line == "✘ J is wrong: expected 0.245, got 0.49"
    _, line = run(capsys, check_array, "dW1", -E, E)
    assert "y_hat" not in line


def test_a_mistake_is_named_only_when_its_recomputation_matches(capsys) -> None:
    N = 4
    mistakes = [Mistake(f"the 1/N of the mean is missing (N = {N})", N * E), Mistake("it is transposed", E.T)]
    assert run(capsys, check_array, "dW1", 4 * E, E, mistakes)[1] == "✘ dW1 is wrong: the 1/N of the mean is missing (N = 4)"
    assert run(capsys, check_array, "dW1", E.T, E, mistakes)[1] == "✘ dW1 is wrong: it is transposed"
    _, line = run(capsys, check_array, "dW1", 3 * E, E, mistakes)
    assert "1/N" not in line and "every entry is 3 times" in line
    # a mistake whose recomputation equals the right answer is never named
    assert run(capsys, check_array, "dW1", E, E, [Mistake("never", E)])[0]
    # two mistakes that give the same value are both named
    both = [Mistake("cause A", 2 * E), Mistake("cause B", 2 * E)]
    assert run(capsys, check_array, "dW1", 2 * E, E, both)[1] == "✘ dW1 is wrong: cause A; or cause B"


def test_square_transpose_is_a_fact(capsys) -> None:
    S = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert run(capsys, check_array, "W", S.T, S)[1] == "✘ W is wrong: it equals the right matrix transposed"


def test_numbers_and_counts(capsys) -> None:
    assert run(capsys, check_scalar, "J", "0.245", 0.245)[1] == "✘ J is wrong: expected a single number, got '0.245' (a str)"
    assert run(capsys, check_scalar, "J", True, 1.0)[1] == "✘ J is wrong: expected a single number, got True (a bool)"
    assert run(capsys, check_scalar, "J", [0.1, 0.2], 0.1)[1] == "✘ J is wrong: expected a single number, got an array of shape (2,)"
    assert run(capsys, check_scalar, "J", float("nan"), 0.1)[1] == "✘ J is wrong: it is nan"
    assert run(capsys, check_count, "n", 72.5, 72)[1] == "✘ n is wrong: expected a whole number, got 72.5"
    assert run(capsys, check_count, "n", 71, 72)[1] == "✘ n is wrong: expected 72, got 71"
    assert not run(capsys, check_count, "n", 72 + 1e-9, 72)[0]  # a count is compared exactly
    assert run(capsys, check_count, "n", 36, 72, [Mistake("2 per entry", 36)])[1] == "✘ n is wrong: 2 per entry"
    assert run(capsys, check_count, "n", 0.25, 4, [Mistake("inverted", 1 / 4)])[1] == "✘ n is wrong: inverted"


def test_check_function(capsys) -> None:
    ref = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    inputs = [(np.array([0.0, 1.0]),), (np.array([-2.0]),)]
    assert run(capsys, check_function, "sigmoid", ref, ref, inputs) == (True, "✔ sigmoid is correct.")
    ok, line = run(capsys, check_function, "sigmoid", lambda z: 1 / (1 + np.exp(z)), ref, inputs)
    assert not ok and line.startswith("✘ sigmoid is wrong: on input ([0., 1.]): 1 of 2 entries differs")
    mistakes = [Mistake("the sign of z is flipped", lambda z: 1 / (1 + np.exp(z)))]
    assert run(capsys, check_function, "sigmoid", lambda z: 1 / (1 + np.exp(z)), ref, inputs, mistakes)[1] \
        == "✘ sigmoid is wrong: the sign of z is flipped"
    ok, line = run(capsys, check_function, "sigmoid", lambda z: undefined_name, ref, inputs)  # noqa: F821
    assert line == "✘ sigmoid is wrong: calling it with ([0., 1.]) raised NameError: name 'undefined_name' is not defined"
    assert run(capsys, check_function, "sigmoid", 3, ref, inputs)[1] == "✘ sigmoid is wrong: expected a function, got 3 (an int)"


def test_a_function_that_modifies_its_input_cannot_change_the_reference(capsys) -> None:
    """The reader's function gets copies: before, tanh computed in place made the reference wrong."""
    def in_place(z):
        np.tanh(z, out=z)
        return 1 - z**2

    assert run(capsys, check_function, "tanh_prime", in_place, lambda z: 1 - np.tanh(z) ** 2, [(np.array([0.5, -1.0]),)])[0]


def test_a_mistaken_function_that_raises_is_not_named() -> None:
    ref = np.square
    mistakes = [Mistake("never", lambda z: 1 / 0)]
    assert diagnose_function(lambda z: z, ref, [(np.array([2.0]),)], mistakes) == \
        "on input ([2.]): expected 4, got 2"


def test_parts() -> None:
    parts = [Part("largest", 0.1, 0.2, [Mistake("half", 0.1)]), Part("best", 0.3, 0.3)]
    assert diagnose_parts(parts) == "largest: half"
    parts = [Part("a", 1.0, 2.0), Part("b", 3.0, 4.0)]
    assert diagnose_parts(parts) == "a: expected 2, got 1; b: expected 4, got 3"
    assert diagnose_parts(parts, first_only=True) == "a: expected 2, got 1"
    assert diagnose_parts(parts, together=[Mistake("swapped", (1.0, 3.0))]) == "swapped"
    assert diagnose_parts([Part("a", 2, 2, kind="count")]) is None


def test_diagnose_does_not_print(capsys) -> None:
    assert diagnose([1.0], [2.0]) == "expected 2, got 1"
    assert capsys.readouterr().out == ""


def test_every_check_returns_a_verdict() -> None:
    """A check that returned a bool would show a stray True under its line in Jupyter."""
    import importlib
    import inspect
    import pkgutil

    import bpkit.exercises

    checks = []
    for info in pkgutil.iter_modules(bpkit.exercises.__path__):
        module = importlib.import_module(f"bpkit.exercises.{info.name}")
        checks += [(info.name, name, fn) for name, fn in vars(module).items()
                   if name.startswith("check_") and inspect.isfunction(fn) and fn.__module__ == module.__name__]
    assert len(checks) >= 30
    for module_name, name, fn in checks:
        assert inspect.signature(fn).return_annotation in ("Verdict", Verdict), f"{module_name}.{name}"
