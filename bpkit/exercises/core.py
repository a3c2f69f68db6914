"""One-line answer checks for the book's exercises.

Each check prints exactly one line, "✔ <name> is correct." or "✘ <name> is wrong: <hint>", and
returns True or False. The hints diagnose the usual mistakes: a transposed shape, a sign error, a
missing 1/N or 1/2 factor, NaN values. The expected values are always computed by bpkit, never typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

#: A custom hint: a predicate on (answer, expected) and the message to show when it holds.
Hint = tuple[Callable[[np.ndarray, np.ndarray], bool], str]

RTOL, ATOL = 1e-6, 1e-9


def _ok(name: str, quiet: bool = False) -> bool:
    """Print the success line (unless quiet) and return True."""
    if not quiet:
        print(f"✔ {name} is correct.")
    return True


def _wrong(name: str, hint: str) -> bool:
    """Print the failure line with its hint and return False."""
    print(f"✘ {name} is wrong: {hint}")
    return False


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """Elementwise |a - b| <= atol + rtol |b| everywhere."""
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _scale_hint(answer: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str | None:
    """If answer = c * expected for one constant c, say what c suggests."""
    mask = np.abs(expected) > atol
    if not mask.any():
        return None
    ratios = answer[mask] / expected[mask]
    c = float(np.median(ratios))
    if not np.isfinite(c) or c == 0 or not _close(answer, c * expected, rtol, atol):
        return None
    if np.isclose(c, -1.0):
        return "it has the right size but the wrong sign: check the direction of a subtraction (y_hat - y or y - y_hat?)"
    if np.isclose(c, 2.0):
        return "it is exactly 2 times the right value: a factor 1/2 is missing (J = 1/2 (y_hat - y)^2 differentiates to y_hat - y)"
    if np.isclose(c, 0.5):
        return "it is exactly half the right value: a factor 2 is missing, or a 1/2 was applied twice"
    if c > 1 and np.isclose(c, round(c)):
        return f"it is exactly {round(c)} times the right value: is a 1/N batch average (N = {round(c)}?) missing?"
    if c < 1 and np.isclose(1 / c, round(1 / c)):
        return f"it is exactly 1/{round(1 / c)} of the right value: did you divide by N (N = {round(1 / c)}?) twice?"
    return f"it is {c:.4g} times the right value: a constant factor is off"


def check_array(
    name: str,
    answer: Any,
    expected: ArrayLike,
    hints: Iterable[Hint] = (),
    rtol: float = RTOL,
    atol: float = ATOL,
    quiet_success: bool = False,
) -> bool:
    """Check an array answer against the expected one: shape first, then values (|a - e| <= atol + rtol |e|)."""
    expected = np.asarray(expected, dtype=np.float64)
    try:
        got = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return _wrong(name, f"expected an array of numbers of shape {expected.shape}, got {type(answer).__name__}")
    if got.shape != expected.shape:
        if expected.ndim == 2 and got.shape == expected.shape[::-1]:
            return _wrong(
                name,
                f"it has shape {got.shape}, the shape of {name} transposed; expected {expected.shape}. "
                "Did you swap the order of a matrix product (dZ.T @ X versus X.T @ dZ)?",
            )
        if got.size == expected.size:
            return _wrong(name, f"it has shape {got.shape} but should have shape {expected.shape} (same number of entries: a reshape or a missing axis?)")
        return _wrong(name, f"it has shape {got.shape} but should have shape {expected.shape}")
    if not np.all(np.isfinite(got)):
        return _wrong(name, "it contains NaN or infinite values: look for an overflow or a division by zero")
    if _close(got, expected, rtol, atol):
        return _ok(name, quiet_success)
    for predicate, message in hints:
        if predicate(got, expected):
            return _wrong(name, message)
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and _close(got, expected.T, rtol, atol):
        return _wrong(name, "it equals the right matrix transposed: check the order of a matrix product")
    scale = _scale_hint(got, expected, rtol, atol)
    if scale is not None:
        return _wrong(name, scale)
    worst = np.unravel_index(int(np.argmax(np.abs(got - expected))), expected.shape) if expected.ndim else ()
    err = float(np.max(np.abs(got - expected)))
    where = f" at index {tuple(int(i) for i in worst)}" if expected.ndim else ""
    return _wrong(name, f"the largest difference from the right value is {err:.3g}{where}")


def check_scalar(
    name: str,
    answer: Any,
    expected: float,
    hints: Iterable[Hint] = (),
    rtol: float = RTOL,
    atol: float = ATOL,
) -> bool:
    """Check a number: |answer - expected| <= atol + rtol |expected|, with the same hints as check_array."""
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        return _wrong(name, f"expected a single number, got {type(answer).__name__}")
    return check_array(name, np.float64(answer), np.float64(expected), hints=hints, rtol=rtol, atol=atol)


def check_function(
    name: str,
    fn: Callable[..., Any],
    reference: Callable[..., Any],
    inputs: Sequence[tuple[Any, ...]],
    rtol: float = RTOL,
    atol: float = ATOL,
) -> bool:
    """Check a function on each tuple of arguments in `inputs` against a reference implementation."""
    if not callable(fn):
        return _wrong(name, f"expected a function, got {type(fn).__name__}")
    for args in inputs:
        shown = ", ".join(np.array2string(np.asarray(a), precision=3, separator=", ") for a in args)
        try:
            got = fn(*args)
        except Exception as exc:  # noqa: BLE001 - the reader's code may raise anything
            return _wrong(name, f"calling it with ({shown}) raised {type(exc).__name__}: {exc}")
        want = np.asarray(reference(*args), dtype=np.float64)
        if not check_array(f"{name}({shown})", got, want, rtol=rtol, atol=atol, quiet_success=True):
            return False
    return _ok(name)
