"""The pieces of an interactive figure: its controls (:class:`Menu`, :class:`Slider`), its plots
(:class:`Panel`) and what is drawn in them (:class:`Trace`).

Each piece checks its arguments when it is made and is immutable afterwards;
:class:`bpkit.interactive.InteractiveFigure` puts them together (see that module for the whole
picture and an example).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.validate import as_array, boolean, integer, one_of, real_number

__all__ = ["Menu", "Panel", "Slider", "Trace"]

_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")
_MODES = ("lines", "markers", "lines+markers")


def _name(value: object, what: str, where: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ArgumentValueError(f"{where}: {what} must be a lower-case name such as 'lr' or 'ch07-paths', got {value!r}")
    return value


@dataclass(frozen=True)
class Menu:
    """A drop-down menu (``<select>``) of the figure.

    Parameters
    ----------
    name : str
        Lower-case name (letters, digits, ``-``, ``_``), the key of the menu in every setting.
    options : sequence of str
        The items the reader picks from, non-empty and all different.
    label : str
        The visible label (the name if empty).
    default : str, optional
        The item shown first (the first option if None).

    Examples
    --------
    >>> Menu("optimizer", ["SGD", "Adam"], label="optimizer").options
    ('SGD', 'Adam')
    """

    name: str
    options: Sequence[str]
    label: str = ""
    default: str | None = None

    def __post_init__(self) -> None:
        where = f"Menu {self.name!r}"
        _name(self.name, "name", "Menu")
        if isinstance(self.options, str) or not all(isinstance(o, str) and o for o in self.options) or not self.options:
            raise ArgumentValueError(f"{where}: options must be a non-empty list of non-empty strings, got {self.options!r}")
        object.__setattr__(self, "options", tuple(self.options))
        if len(set(self.options)) != len(self.options):
            raise ArgumentValueError(f"{where}: options must differ from each other, got {self.options!r}")
        one_of(self.options[0] if self.default is None else self.default, "default", self.options, where)


@dataclass(frozen=True)
class Slider:
    """A slider (``<input type=range>``) over a few values, with a readout of the current one.

    Parameters
    ----------
    name : str
        Lower-case name, the key of the slider in every setting.
    values : sequence of float, or mapping
        The n >= 2 finite values, in slider order. With ``depends_on``, a mapping from each setting
        of those menus (an option, or a tuple of options for several menus) to its own n values:
        the slider keeps its position when a menu changes (e.g. step sizes that differ between
        optimizers). Stored as a dict from tuples of options (``()`` without depends_on) to tuples.
    label : str
        The visible label (the name if empty).
    default : float, optional
        The value shown first (the first if None); its position is used for every menu setting.
    fmt : str
        Format spec of the readout, e.g. ``".3g"``.
    depends_on : sequence of str
        Names of menus listed before the slider.

    Examples
    --------
    >>> s = Slider("lr", {"SGD": [0.01, 0.1], "Adam": [0.001, 0.01]}, depends_on=["optimizer"])
    >>> s.n, s.position(0.001, ("Adam",))
    (2, 0)
    """

    name: str
    values: Sequence[float] | Mapping[Any, Sequence[float]]
    label: str = ""
    default: float | None = None
    fmt: str = ".3g"
    depends_on: Sequence[str] = ()

    def __post_init__(self) -> None:
        where = f"Slider {self.name!r}"
        _name(self.name, "name", "Slider")
        object.__setattr__(self, "depends_on", tuple(self.depends_on))
        table = self.values if isinstance(self.values, Mapping) else {(): self.values}
        if isinstance(self.values, Mapping) == (not self.depends_on):
            raise ArgumentTypeError(f"{where}: values must be a mapping exactly when depends_on names menus, "
                                    f"got depends_on={self.depends_on!r} and values of type {type(self.values).__name__}")
        rows = {k if isinstance(k, tuple) else (k,): tuple(as_array(v, "values", where, ndim=1).tolist())
                for k, v in table.items()}
        if len({len(v) for v in rows.values()}) != 1 or min(len(v) for v in rows.values()) < 2:
            raise ArgumentValueError(f"{where}: values must hold lists of one length >= 2, got lengths "
                                     f"{sorted({len(v) for v in rows.values()})}")
        object.__setattr__(self, "values", rows)
        try:
            format(0.5, self.fmt)
        except (TypeError, ValueError):
            raise ArgumentValueError(f"{where}: fmt must be a format spec for numbers such as '.3g', got {self.fmt!r}") from None
        if self.default is not None:
            self.position(self.default, next(iter(rows)))

    @property
    def n(self) -> int:
        """The number of positions."""
        return len(next(iter(self.values.values())))  # type: ignore[union-attr]

    def position(self, value: float, context: tuple[str, ...] = ()) -> int:
        """The index of ``value`` among the values for ``context`` (the depends_on menus' options)."""
        where = f"Slider {self.name!r}"
        row = self.values.get(context)  # type: ignore[union-attr]
        if row is None:
            raise ArgumentValueError(f"{where}: no values for the menu setting {context!r}")
        hits = np.flatnonzero(np.isclose(row, real_number(value, self.name, where), rtol=1e-9, atol=0))
        if hits.size != 1:
            raise ArgumentValueError(f"{where}: {self.name} must be one of {[format(v, self.fmt) for v in row]}, got {value!r}")
        return int(hits[0])


@dataclass(frozen=True)
class Panel:
    """One plot of the figure: side by side with the others on a wide screen, stacked on a phone.

    Parameters
    ----------
    name : str
        Lower-case name; a Trace names its panel.
    title, x_label, y_label : str
        The plot's title and axis labels (plain text).
    x_log, y_log : bool
        Logarithmic axes.
    x_range, y_range : pair of float, optional
        Fixed axis limits (low < high; > 0 on a log axis); None lets the axis fit the data.

    Examples
    --------
    >>> Panel("loss", x_label="step", y_label="f", y_log=True, y_range=(1e-8, 10.0)).y_range
    (1e-08, 10.0)
    """

    name: str
    title: str = ""
    x_label: str = ""
    y_label: str = ""
    x_log: bool = False
    y_log: bool = False
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        where = f"Panel {self.name!r}"
        _name(self.name, "name", "Panel")
        for axis in ("x", "y"):
            boolean(getattr(self, f"{axis}_log"), f"{axis}_log", where)
            r = getattr(self, f"{axis}_range")
            if r is not None:
                lo, hi = (real_number(v, f"{axis}_range", where) for v in _pair(r, f"{axis}_range", where))
                if lo >= hi or (getattr(self, f"{axis}_log") and lo <= 0):
                    raise ArgumentValueError(f"{where}: {axis}_range must be (low, high) with low < high"
                                             f"{' and low > 0 on a log axis' if getattr(self, f'{axis}_log') else ''}, got {r!r}")
                object.__setattr__(self, f"{axis}_range", (lo, hi))


def _pair(value: object, name: str, where: str) -> tuple[object, object]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ArgumentValueError(f"{where}: {name} must be a pair (low, high), got {value!r}")
    return value[0], value[1]


@dataclass(frozen=True)
class Trace:
    """A line or a set of markers: the points (x[i], y[i]) on one panel.

    Parameters
    ----------
    panel : str
        The name of the Panel it is drawn on.
    x, y : array_like
        1-D, of one length. NaN and infinities leave a gap (use NaN to separate contour lines or
        to end a diverged run). Stored as tuples of floats (NaN for non-finite values).
    name : str
        The legend entry and hover text ('' for none).
    style : int or None
        k draws it in the book's k-th colour AND dash pattern (bpkit.notebook.book_style), so
        traces are told apart without colour; None draws it thin and grey (contours, background).
    mode : {'lines', 'markers', 'lines+markers'}
    legend : bool
        Show it in the legend (when it has a name).

    Examples
    --------
    >>> Trace("loss", [0, 1, 2], [1.0, np.inf, 0.25], name="SGD").y
    (1.0, nan, 0.25)
    """

    panel: str
    x: Sequence[float]
    y: Sequence[float]
    name: str = ""
    style: int | None = 0
    mode: str = "lines"
    legend: bool = True

    def __post_init__(self) -> None:
        where = f"Trace {self.name!r}"
        x = as_array(self.x, "x", where, ndim=1, allow_empty=True, finite=False)
        y = as_array(self.y, "y", where, ndim=1, allow_empty=True, finite=False)
        if x.shape != y.shape:
            raise ShapeError(f"{where}: y must have the shape of x {x.shape}, got {y.shape}")
        one_of(self.mode, "mode", _MODES, where)
        if self.style is not None:
            integer(self.style, "style", where, low=0)
        boolean(self.legend, "legend", where)
        object.__setattr__(self, "x", tuple(np.where(np.isfinite(x), x, np.nan).tolist()))
        object.__setattr__(self, "y", tuple(np.where(np.isfinite(y), y, np.nan).tolist()))
