"""bpkit's exceptions: every refusal of bad input is one of these.

Each class also derives from the built-in exception a Python programmer would expect
(``ShapeError`` is a ``ValueError``, ``ArgumentTypeError`` a ``TypeError``), so code that catches
the built-in one keeps working, and ``except bpkit.BpkitError`` catches every refusal bpkit makes.

A message names the argument (and the layer or function), what was expected and what was given,
for example ``Dense 2->3: X must have shape (N, 2), got (4, 3)``.
"""

from __future__ import annotations


class BpkitError(Exception):
    """Base class of every exception bpkit raises on purpose."""


class ArgumentValueError(BpkitError, ValueError):
    """An argument has the right type but a value bpkit cannot use (out of range, NaN, empty ...)."""


class ArgumentTypeError(BpkitError, TypeError):
    """An argument has a type bpkit cannot use (a string where a loss object is needed, complex data ...)."""


class ShapeError(ArgumentValueError):
    """An array has the wrong number of dimensions or the wrong shape."""


class CallOrderError(BpkitError, RuntimeError):
    """Methods were called in an order that cannot work, e.g. backward() before forward()."""


class DivergenceError(BpkitError, FloatingPointError):
    """The loss or a gradient became NaN or infinite during training."""
