"""One-line answer checks for the book's exercises.

A check prints one line, ``✔ <name> is correct.`` or ``✘ <name> is wrong: <reason>``, and returns a
:class:`Verdict`: true when the answer is right, false otherwise, and shown as nothing by Jupyter, so a
check on the last line of a cell prints its line once and no stray ``True``.

The reason names a cause only when the cause is certain. Each check lists the typical mistakes of its
exercise as :class:`Mistake` objects, each holding the answer *recomputed with that mistake*; the cause
is named only when the reader's answer equals one of those recomputations. Otherwise the reason says
plainly where the answer differs: its type, its shape (a transposed shape is a fact, not a guess), which
entries differ, expected against given. Expected values are computed by bpkit, never typed in.

The ``diagnose_*`` functions return the reason (``None`` for a right answer) without printing, so that
a check made of several parts prints one line; :func:`verdict` prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

RTOL, ATOL = 1e-6, 1e-9
Kind = Literal["array", "number", "count"]


class Verdict:
    """The outcome of a check: true when the answer is right. The check printed ``line`` once.

    Jupyter displays nothing for a Verdict (``_ipython_display_`` shows nothing), so the line is not
    followed by a ``True`` or a repr; ``bool(v)``, ``assert v`` and ``if not v`` work as with a bool.

    Examples
    --------
    >>> v = Verdict(False, "✘ dW is wrong: it has shape (2, 3), the transpose of the expected shape (3, 2)")
    >>> bool(v), v.ok
    (False, False)
    """

    __slots__ = ("line", "ok")

    def __init__(self, ok: bool, line: str) -> None:
        self.ok = bool(ok)
        self.line = line

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.line

    def __repr__(self) -> str:
        return f"Verdict(ok={self.ok}, line={self.line!r})"

    def _ipython_display_(self) -> None:
        """Show nothing: the check already printed its line."""


def verdict(name: str, problem: str | None, note: str = "") -> Verdict:
    """Print the one line for ``problem`` (``None`` means right) and return the Verdict.

    Examples
    --------
    >>> ok = verdict("dW1", None)
    ✔ dW1 is correct.
    >>> bad = verdict("dW1", "expected 2, got 3")
    ✘ dW1 is wrong: expected 2, got 3
    >>> bool(ok), bool(bad)
    (True, False)
    """
    line = f"✔ {name} is correct{' ' + note if note else ''}." if problem is None else f"✘ {name} is wrong: {problem}"
    print(line)
    return Verdict(problem is None, line)


@dataclass(frozen=True)
class Mistake:
    """A typical mistake: what to say, and the answer recomputed with that mistake.

    ``says`` completes "✘ <name> is wrong: ..." and may state the cause, because it is shown only when
    the reader's answer equals ``value``. For a function check, ``value`` is the mistaken function.
    """

    says: str
    value: Any


def describe(value: object) -> str:
    """A short description of a given value for a message: its type and, when short, its repr."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    if value is None:
        return "None"
    text = repr(value)
    kind = type(value).__name__
    kind = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
    return f"{text} ({kind})" if len(text) <= 40 else kind


def numbers(answer: object) -> NDArray[np.float64] | None:
    """``answer`` as a float64 array, or None if it is not an array of real numbers (bool and text are not)."""
    if isinstance(answer, (str, bytes, bool, np.bool_)) or answer is None:
        return None
    try:
        raw = np.asarray(answer)
        if raw.dtype.kind not in "iufO":  # bool, complex, text, dates are not real numbers
            return None
        return raw.astype(np.float64)  # an object array (e.g. SymPy numbers) converts, or raises
    except (TypeError, ValueError):
        return None


def _num(x: Any) -> str:
    return f"{float(x):.6g}"


def _index(idx: tuple[int, ...]) -> str:
    return f"index {idx[0]}" if len(idx) == 1 else f"index {tuple(int(i) for i in idx)}"


def _close(a: NDArray[np.float64], b: NDArray[np.float64], rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _matches(got: NDArray[np.float64], mistake: Any, want: NDArray[np.float64], rtol: float, atol: float,
             exact: bool) -> bool:
    """Whether got equals the mistaken value (and that value is not the right answer)."""
    value = numbers(mistake)
    if value is None or value.shape != got.shape:
        return False
    if exact and np.all(value == np.round(value)):  # a whole-number mistake must match exactly
        return bool(np.array_equal(got, value)) and not np.array_equal(value, want)
    return _close(got, value, rtol, atol) and not _close(value, want, rtol, atol)


def _shape_words(shape: tuple[int, ...]) -> str:
    return "a single number" if shape == () else f"an array of shape {shape}"


def _shape_difference(got: tuple[int, ...], want: tuple[int, ...]) -> str:
    if want == ():
        return f"expected a single number, got an array of shape {got}"
    if len(want) == 2 and got == want[::-1]:
        return f"it has shape {got}, the transpose of the expected shape {want}"
    same = " (the same number of entries)" if int(np.prod(got)) == int(np.prod(want)) else ""
    return f"it has shape {got}; expected shape {want}{same}"


def _pattern(got: NDArray[np.float64], want: NDArray[np.float64], rtol: float, atol: float) -> str:
    """A fact about the whole difference, if there is one: transposed, one common shift, or one common factor."""
    if want.ndim == 2 and want.shape[0] == want.shape[1] and _close(got, want.T, rtol, atol):
        return "it equals the right matrix transposed"
    shift = got - want
    if want.size >= 2 and np.allclose(shift, shift.flat[0], rtol=0.0, atol=atol + rtol * float(np.max(np.abs(want)))):
        return f"every entry is the right one {'plus' if shift.flat[0] > 0 else 'minus'} {_num(abs(shift.flat[0]))}"
    nonzero = np.abs(want) > atol
    if nonzero.sum() < 2:
        return ""
    if not np.any(got):
        return "every entry is 0"
    i = np.unravel_index(int(np.argmax(np.abs(want))), want.shape)
    c = float(got[i] / want[i])
    if not _close(got, c * want, rtol, atol):
        return ""
    if np.isclose(c, -1.0, rtol=rtol, atol=0.0):
        return "every entry has the right size and the opposite sign"
    return f"every entry is {c:.4g} times the right one"


def _value_difference(got: NDArray[np.float64], want: NDArray[np.float64], rtol: float, atol: float) -> str:
    if want.size == 1:
        return f"expected {_num(want.item())}, got {_num(got.item())}"
    pattern = _pattern(got, want, rtol, atol)
    if pattern.startswith("it equals"):
        return pattern
    wrong = ~np.isclose(got, want, rtol=rtol, atol=atol)
    worst = np.unravel_index(int(np.argmax(np.where(wrong, np.abs(got - want), -1.0))), want.shape)
    k, n = int(wrong.sum()), want.size
    head = f"all {n} entries differ" if k == n else f"{k} of {n} entries differ{'s' if k == 1 else ''}"
    where = f"the largest difference is at {_index(tuple(int(j) for j in worst))}: expected {_num(want[worst])}, got {_num(got[worst])}"
    return f"{head}{'; ' + pattern if pattern else ''}; {where}"


def diagnose(
    answer: object,
    expected: ArrayLike,
    mistakes: Sequence[Mistake] = (),
    *,
    kind: Kind = "array",
    rtol: float = RTOL,
    atol: float = ATOL,
) -> str | None:
    """Why ``answer`` is wrong, or None if it equals ``expected``.

    Parameters
    ----------
    answer : object
        The reader's answer: anything array-like (a list, a NumPy array, a number).
    expected : array_like
        The right answer, computed by bpkit.
    mistakes : sequence of Mistake
        Typical mistakes with their recomputed answers; the first one(s) the answer equals are named.
    kind : {"array", "number", "count"}
        "array": same shape and |answer - expected| <= atol + rtol |expected| entrywise. "number": one
        real number (a 1-element array is accepted), compared the same way. "count": a whole number,
        compared exactly (``1573``, ``1573.0`` and ``np.int64(1573)`` are the same answer).
    rtol, atol : float
        The tolerances of "array" and "number".

    Returns
    -------
    str or None
        The reason, phrased to follow "is wrong: ".

    Examples
    --------
    >>> diagnose([[1.0, 2.0]], [[1.0], [2.0]])
    'it has shape (1, 2), the transpose of the expected shape (2, 1)'
    >>> diagnose(6, 5, [Mistake("it counts the biases twice", 6)], kind="count")
    'it counts the biases twice'
    >>> diagnose(4.0, 5, kind="count")
    'expected 5, got 4'
    """
    want = np.asarray(expected, dtype=np.float64)
    got = numbers(answer)
    if got is None:
        return f"expected {_shape_words(want.shape)}, got {describe(answer)}"
    if kind != "array":
        if got.size != 1:
            return f"expected a single number, got an array of shape {got.shape}"
        got = got.reshape(())
    exact = kind == "count"
    right = np.array_equal(got, want) if exact else (np.all(np.isfinite(got)) and _close(got, want, rtol, atol))
    if right:
        return None
    named = [m.says for m in mistakes if _matches(got, m.value, want, rtol, atol, exact)]
    if named:
        return "; or ".join(dict.fromkeys(named))
    if exact and np.isfinite(got) and not float(got).is_integer():
        return f"expected a whole number, got {_num(got)}"
    if got.shape != want.shape:
        return _shape_difference(got.shape, want.shape)
    bad = ~np.isfinite(got)
    if bad.any():
        if got.ndim == 0:
            return f"it is {got.item()}"
        first = tuple(int(j) for j in np.argwhere(bad)[0])
        return f"it holds {int(bad.sum())} NaN or infinite value(s), the first at {_index(first)}: {got[first]}"
    if exact:
        return f"expected {int(want)}, got {_num(got)}"
    return _value_difference(got, want, rtol, atol)


def show(args: Sequence[Any]) -> str:
    """The arguments of a call, short enough for one line."""
    parts = []
    for a in args:
        if callable(a):
            parts.append(getattr(a, "__name__", type(a).__name__))
        elif isinstance(a, np.ndarray) and a.size > 6:
            parts.append(f"an array of shape {a.shape}")
        elif isinstance(a, np.ndarray):
            parts.append(np.array2string(a, precision=4, separator=", ").replace("\n", ""))
        elif isinstance(a, dict):
            parts.append(f"a dict with the keys {', '.join(map(repr, a))}")
        else:
            text = repr(a)
            parts.append(text if len(text) <= 60 else f"a {type(a).__name__}")
    return ", ".join(parts)


def _copy(args: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def call(fn: Callable[..., Any], args: Sequence[Any]) -> tuple[Any, str | None]:
    """``(fn(*args), None)``, or ``(None, the reason)`` if fn raised. Arrays are passed as copies."""
    try:
        return fn(*_copy(args)), None
    except Exception as exc:  # the reader's code may raise anything
        return None, f"calling it with ({show(args)}) raised {type(exc).__name__}: {exc}"


def _reproduces(mistaken: Callable[..., Any], args: Sequence[Any], got: Any, rtol: float, atol: float) -> bool:
    """Whether the mistaken function returns ``got`` on ``args`` (a mistaken function may fail: then it does not)."""
    try:
        with np.errstate(all="ignore"):
            value = mistaken(*_copy(args))
    except Exception:  # a mistaken formula may fail where the right one does not
        return False
    return diagnose(got, value, rtol=rtol, atol=atol) is None


def diagnose_function(
    fn: object,
    reference: Callable[..., Any],
    inputs: Sequence[tuple[Any, ...]],
    mistakes: Sequence[Mistake] = (),
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> str | None:
    """Why the function ``fn`` is wrong on ``inputs`` compared with ``reference``, or None.

    A mistake's ``value`` is a mistaken function; its cause is named when ``fn`` returns what it returns
    on every input. Otherwise the reason shows the first input where ``fn`` is wrong. Each call gets
    copies of the arrays, so a function that modifies its input cannot change the reference.

    Examples
    --------
    >>> diagnose_function(lambda z: 1 - z**2, lambda z: 1 - np.tanh(z) ** 2, [(np.array([0.0, 1.0]),)],
    ...                   [Mistake("it squares z, not tanh(z)", lambda z: 1 - z**2)])
    'it squares z, not tanh(z)'
    """
    if not callable(fn):
        return f"expected a function, got {describe(fn)}"
    rows = []
    for args in inputs:
        want = np.asarray(reference(*_copy(args)), dtype=np.float64)
        got, problem = call(fn, args)
        if problem is not None:
            return problem
        rows.append((args, got, want))
    wrong = [(args, p) for args, got, want in rows if (p := diagnose(got, want, rtol=rtol, atol=atol))]
    if not wrong:
        return None
    for m in mistakes:
        if all(_reproduces(m.value, args, got, rtol, atol) for args, got, _ in rows):
            return m.says
    args, problem = wrong[0]
    return f"on input ({show(args)}): {problem}"


@dataclass(frozen=True)
class Part:
    """One named part of a compound answer, compared as by :func:`diagnose`."""

    label: str
    answer: Any
    expected: Any
    mistakes: Sequence[Mistake] = ()
    kind: Kind = "number"
    rtol: float = RTOL
    atol: float = ATOL

    def problem(self, answer: Any = None, expected: Any = None, mistakes: Sequence[Mistake] | None = None) -> str | None:
        """The reason this part is wrong (optionally for another answer, expected value or mistakes)."""
        return diagnose(self.answer if answer is None else answer,
                        self.expected if expected is None else expected,
                        self.mistakes if mistakes is None else mistakes,
                        kind=self.kind, rtol=self.rtol, atol=self.atol)


def diagnose_parts(parts: Sequence[Part], together: Sequence[Mistake] = (), first_only: bool = False) -> str | None:
    """Why a compound answer is wrong, part by part, or None if every part is right.

    ``together`` holds mistakes that involve several parts at once (e.g. two answers swapped): its values
    are tuples with one value per part, and its cause is named when every part equals its value.
    ``first_only`` reports only the first wrong part (for answers where later parts inherit an error).

    Examples
    --------
    >>> parts = [Part("largest", 2 / 3, 2 / 12, [Mistake("it is 2/lambda_min", 2 / 3)]), Part("best", 2 / 15, 2 / 15)]
    >>> diagnose_parts(parts)
    'largest: it is 2/lambda_min'
    """
    problems = [(p.label, p.problem()) for p in parts]
    wrong = [(label, text) for label, text in problems if text is not None]
    if not wrong:
        return None
    for m in together:
        if all(p.problem(expected=v, mistakes=()) is None for p, v in zip(parts, m.value, strict=True)):
            return m.says
    if first_only:
        wrong = wrong[:1]
    return "; ".join(f"{label}: {text}" for label, text in wrong)


def check_array(name: str, answer: object, expected: ArrayLike, mistakes: Sequence[Mistake] = (),
                rtol: float = RTOL, atol: float = ATOL) -> Verdict:
    """Check an array answer (shape first, then |a - e| <= atol + rtol |e|) and print the verdict.

    Examples
    --------
    >>> v = check_array("dW", [[1, 2], [3, 4]], np.array([[1.0, 2.0], [3.0, 4.0]]))
    ✔ dW is correct.
    >>> bool(v)
    True
    """
    return verdict(name, diagnose(answer, expected, mistakes, kind="array", rtol=rtol, atol=atol))


def check_scalar(name: str, answer: object, expected: float, mistakes: Sequence[Mistake] = (),
                 rtol: float = RTOL, atol: float = ATOL) -> Verdict:
    """Check one number (|a - e| <= atol + rtol |e|) and print the verdict.

    Examples
    --------
    >>> v = check_scalar("J", 0.49, 0.245, [Mistake("the factor 1/2 of J is missing", 0.49)])
    ✘ J is wrong: the factor 1/2 of J is missing
    """
    return verdict(name, diagnose(answer, expected, mistakes, kind="number", rtol=rtol, atol=atol))


def check_count(name: str, answer: object, expected: int, mistakes: Sequence[Mistake] = ()) -> Verdict:
    """Check a whole number exactly (``72``, ``72.0`` and ``np.int64(72)`` are all right) and print the verdict.

    Examples
    --------
    >>> v = check_count("the count", 72.0, 72)
    ✔ the count is correct.
    """
    return verdict(name, diagnose(answer, expected, mistakes, kind="count"))


def check_function(name: str, fn: object, reference: Callable[..., Any], inputs: Sequence[tuple[Any, ...]],
                   mistakes: Sequence[Mistake] = (), rtol: float = RTOL, atol: float = ATOL) -> Verdict:
    """Check a function against a reference on each tuple of arguments in ``inputs`` and print the verdict.

    Examples
    --------
    >>> v = check_function("square", lambda x: x * x, np.square, [(np.array([1.0, -2.0]),)])
    ✔ square is correct.
    """
    return verdict(name, diagnose_function(fn, reference, inputs, mistakes, rtol=rtol, atol=atol))
