"""Interactive figures for the book's web pages: precomputed frames that sliders and menus switch between.

A chapter computes its data with bpkit for every setting of the controls (a small grid), adds the
traces to an :class:`InteractiveFigure`, and displays it. The cell's ``text/html`` output holds the
controls (``<select>`` menus, ``<input type=range>`` sliders with a readout), the data as JSON and
the alt text. On the book's web pages a small script (book/_ext/interactive_site.py) draws the
figure with Plotly and redraws it whenever a control moves: no kernel, no server, no network. In
Jupyter or Colab the output only says where the interactive version runs; :meth:`InteractiveFigure.draw`
draws any setting with matplotlib (the still figure of the book and of the PDF).

The figure is a set of *layers*. A layer is a list of :class:`~bpkit.interactive_parts.Trace` objects (lines, markers)
together with the setting it belongs to: a partial map from control names to values. The page draws
every layer whose setting agrees with the controls, in the order they were added; a layer that does
not name a control is drawn whatever that control says (e.g. contours that depend only on the
function menu). A slider that no drawn layer names is greyed out (a momentum slider for an optimizer
without momentum). Numbers are rounded to ``digits`` significant digits, NaN and infinities become
gaps, and the HTML is a pure function of the inputs, so the output is stable for nbval.

Examples
--------
>>> fig = InteractiveFigure("demo", [Slider("lr", [0.1, 0.5, 1.0], label="rate")],
...                         [Panel("loss", x_label="step", y_label="f", y_log=True)], alt="loss curves")
>>> for lr in (0.1, 0.5, 1.0):
...     fig.add({"lr": lr}, [Trace("loss", [0, 1, 2], [1.0, 1 - lr, (1 - lr) ** 2], name=f"rate {lr}")])
>>> fig.traces()[0].y
(1.0, 0.9, 0.81)
>>> '<div class="bpkit-interactive"' in fig.to_html()
True
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.interactive_parts import Menu, Panel, Slider, Trace, _name
from bpkit.validate import integer, one_of

__all__ = ["InteractiveFigure", "Menu", "Panel", "Slider", "Trace"]

def _rounded(values: Sequence[float], digits: int) -> tuple[float, ...]:
    """Each number to ``digits`` significant digits (NaN stays NaN)."""
    return tuple(v if v != v else float(f"{v:.{digits}g}") for v in values)


class InteractiveFigure:
    """A figure with controls, drawn in the browser from precomputed layers (see the module docs).

    Parameters
    ----------
    name : str
        Lower-case name, unique in the book (e.g. 'ch07-momentum'); the HTML ids derive from it.
    controls : sequence of Menu and Slider
        In the order they are shown. A Slider's depends_on must name menus listed before it.
    panels : sequence of Panel
        The plots, side by side on a wide screen and stacked on a phone.
    alt : str
        The figure's alt text: what it shows, for readers who cannot see it.
    digits : int
        Significant digits kept of every number (4 by default).
    """

    def __init__(self, name: str, controls: Sequence[Menu | Slider], panels: Sequence[Panel], alt: str,
                 digits: int = 4) -> None:
        where = "InteractiveFigure"
        self.name = _name(name, "name", where)
        self.where = f"InteractiveFigure {name!r}"
        if not controls or not all(isinstance(c, (Menu, Slider)) for c in controls):
            raise ArgumentTypeError(f"{self.where}: controls must be a non-empty list of Menu and Slider, got {controls!r}")
        if not panels or not all(isinstance(p, Panel) for p in panels):
            raise ArgumentTypeError(f"{self.where}: panels must be a non-empty list of Panel, got {panels!r}")
        self.controls, self.panels = list(controls), list(panels)
        for what, items in (("controls", self.controls), ("panels", self.panels)):
            names = [c.name for c in items]
            if len(set(names)) != len(names):
                raise ArgumentValueError(f"{self.where}: the names of {what} must differ, got {names}")
        self._index = {c.name: i for i, c in enumerate(self.controls)}
        for i, c in enumerate(self.controls):
            if not isinstance(c, Slider):
                continue
            for m in c.depends_on:
                if not isinstance(self.controls[self._index.get(m, i)], Menu) or self._index.get(m, i) >= i:
                    raise ArgumentValueError(f"{self.where}: slider {c.name!r} depends_on {m!r}, which is not a menu before it")
                keys = set(c.values)
                want = set(itertools.product(*(self.controls[self._index[d]].options for d in c.depends_on)))  # type: ignore[union-attr]
                if keys != want:
                    raise ArgumentValueError(f"{self.where}: slider {c.name!r} needs values for every setting of "
                                             f"{list(c.depends_on)}, missing {sorted(want - keys)}")
        if not isinstance(alt, str) or not alt.strip():
            raise ArgumentValueError(f"{self.where}: alt must be a non-empty description of the figure, got {alt!r}")
        self.alt = alt
        self.digits = integer(digits, "digits", self.where, low=2)
        self.layers: list[tuple[dict[int, int], list[Trace], dict[str, Any]]] = []

    def _key(self, settings: Mapping[str, object], complete: bool) -> dict[int, int]:
        """Control index -> value index for a (partial) setting."""
        if not isinstance(settings, Mapping):
            raise ArgumentTypeError(f"{self.where}: settings must map control names to values, got {settings!r}")
        for k in settings:
            one_of(k, "a settings key", list(self._index), self.where)
        missing = [c.name for c in self.controls if c.name not in settings]
        if complete and missing:
            raise ArgumentValueError(f"{self.where}: settings must give every control, missing {missing}")
        key = {}
        for i, c in enumerate(self.controls):
            if c.name not in settings:
                continue
            if isinstance(c, Menu):
                key[i] = c.options.index(one_of(settings[c.name], c.name, c.options, self.where))
            else:
                if any(d not in settings for d in c.depends_on):
                    raise ArgumentValueError(f"{self.where}: a setting of {c.name!r} needs {list(c.depends_on)} too")
                key[i] = c.position(settings[c.name], tuple(str(settings[d]) for d in c.depends_on))  # type: ignore[arg-type]
        return key

    def add(self, settings: Mapping[str, object], traces: Sequence[Trace],
            ranges: Mapping[str, tuple[tuple[float, float] | None, tuple[float, float] | None]] | None = None) -> None:
        """Add a layer: ``traces`` drawn whenever the controls agree with ``settings`` (control -> value).

        ``ranges`` maps a panel name to its (x_range, y_range) while this layer is drawn (None: keep).
        """
        key = self._key(settings, complete=False)
        if not all(isinstance(t, Trace) for t in traces):
            raise ArgumentTypeError(f"{self.where}: traces must be a list of Trace, got {traces!r}")
        panels = [p.name for p in self.panels]
        for t in traces:
            one_of(t.panel, "a trace's panel", panels, self.where)
        for p in ranges or {}:
            one_of(p, "a ranges key", panels, self.where)
        redone = [replace(t, x=_rounded(t.x, self.digits), y=_rounded(t.y, self.digits)) for t in traces]
        self.layers.append((key, redone, dict(ranges or {})))

    def default_settings(self) -> dict[str, object]:
        """Every control's default value: the setting the page shows first and the still figure draws."""
        out: dict[str, object] = {}
        for c in self.controls:
            if isinstance(c, Menu):
                out[c.name] = c.default or c.options[0]
            else:
                row = c.values[tuple(out[d] for d in c.depends_on)]  # type: ignore[call-overload]
                out[c.name] = row[self._default_position(c)]
        return out

    def _default_position(self, s: Slider) -> int:
        return 0 if s.default is None else s.position(s.default, next(iter(s.values)))  # type: ignore[arg-type]

    def _matching(self, key: Mapping[int, int]) -> list[tuple[dict[int, int], list[Trace], dict[str, Any]]]:
        return [layer for layer in self.layers if all(key[i] == v for i, v in layer[0].items())]

    def traces(self, settings: Mapping[str, object] | None = None) -> list[Trace]:
        """The traces drawn at ``settings`` (every control named; the defaults when None), in drawing order."""
        key = self._key(self.default_settings() if settings is None else settings, complete=True)
        return [t for _, traces, _ in self._matching(key) for t in traces]

    def check(self) -> None:
        """Raise ArgumentValueError unless every setting of the controls draws at least one trace."""
        for key in itertools.product(*(range(len(c.options) if isinstance(c, Menu) else c.n) for c in self.controls)):
            if not any(layer[1] for layer in self._matching(dict(enumerate(key)))):
                names = {c.name: k for c, k in zip(self.controls, key, strict=True)}
                raise ArgumentValueError(f"{self.where}: nothing is drawn at the control positions {names}")

    def data(self) -> dict[str, Any]:
        """The JSON the page's script reads: controls, panels, styles and layers."""
        from bpkit.notebook import book_style

        cycle = book_style()["axes.prop_cycle"].by_key()
        controls = []
        for c in self.controls:
            if isinstance(c, Menu):
                controls.append({"kind": "menu", "n": len(c.options), "default": c.options.index(c.default or c.options[0])})
            else:
                dep = [self._index[d] for d in c.depends_on]
                readouts = {",".join(str(self.controls[d].options.index(o)) for d, o in zip(dep, k, strict=True)):  # type: ignore[union-attr]
                            [format(v, c.fmt) for v in row] for k, row in c.values.items()}  # type: ignore[union-attr]
                controls.append({"kind": "slider", "n": c.n, "default": self._default_position(c), "dep": dep,
                                 "readouts": readouts})
        panels = [{"title": p.title, "x": {"title": p.x_label, "log": p.x_log, "range": p.x_range},
                   "y": {"title": p.y_label, "log": p.y_log, "range": p.y_range}} for p in self.panels]
        styles = [{"color": col, "dash": _plotly_dash(ls)} for col, ls in zip(cycle["color"], cycle["linestyle"], strict=True)]
        pidx = {p.name: i for i, p in enumerate(self.panels)}
        layers = [{"when": [[i, v] for i, v in sorted(key.items())],
                   "traces": [{"p": pidx[t.panel], "x": _encode(t.x), "y": _encode(t.y), "name": t.name, "s": t.style,
                               "mode": t.mode, "legend": t.legend} for t in traces]}
                  | ({"ranges": {str(pidx[p]): list(r) for p, r in ranges.items()}} if ranges else {})
                  for key, traces, ranges in self.layers]
        return {"version": 1, "controls": controls, "panels": panels, "styles": styles, "layers": layers}

    def to_html(self) -> str:
        """The ``<div class="bpkit-interactive">`` with controls, data and alt text (see the module docs)."""
        self.check()
        fid = f"bpkit-fig-{self.name}"
        rows = []
        for c in self.controls:
            cid = f"{fid}-{c.name}"
            label = html.escape(c.label or c.name)
            if isinstance(c, Menu):
                chosen = c.default or c.options[0]
                opts = "".join(f'<option value="{k}"{" selected" if o == chosen else ""}>{html.escape(o)}</option>'
                               for k, o in enumerate(c.options))
                rows.append(f'<label for="{cid}">{label}</label><select id="{cid}" data-control="{c.name}">{opts}</select>')
            else:
                pos = self._default_position(c)
                shown = self.default_settings()[c.name]
                rows.append(f'<label for="{cid}">{label}</label><input type="range" id="{cid}" data-control="{c.name}" '
                            f'min="0" max="{c.n - 1}" step="1" value="{pos}"><output for="{cid}" id="{cid}-value">'
                            f"{format(shown, c.fmt)}</output>")
        data = json.dumps(self.data(), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        data = data.replace("</", "<\\/").replace("<!--", "<\\!--")
        controls = "".join(f'<div class="bpkit-control">{r}</div>' for r in rows)
        return (f'<div class="bpkit-interactive" id="{fid}">\n'
                '<p class="bpkit-interactive-note">The interactive version of this figure runs on the book\'s web page; '
                "the still figure above shows its first setting.</p>\n"
                f'<div class="bpkit-interactive-controls" hidden>{controls}</div>\n'
                f'<div class="bpkit-interactive-plots" role="img" aria-label="{html.escape(self.alt)}" hidden></div>\n'
                f'<script type="application/json" class="bpkit-interactive-data">{data}</script>\n</div>')

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"InteractiveFigure({self.name!r}, {len(self.controls)} controls, {len(self.layers)} layers)"

    def draw(self, settings: Mapping[str, object] | None = None, axes: Sequence[Any] | None = None) -> Any:
        """Draw the figure at ``settings`` (the defaults when None) with matplotlib; returns the Figure.

        Without ``axes`` the panels are stacked in one column 5 inches wide (the book's widest
        figure that keeps its text legible on a phone); pass one Axes per panel for another layout.
        """
        import matplotlib.pyplot as plt

        if axes is None:
            _, grid = plt.subplots(len(self.panels), 1, figsize=(5.0, 3.0 * len(self.panels)), squeeze=False,
                                     layout="constrained")
            axes = list(grid[:, 0])
        if len(axes) != len(self.panels):
            raise ArgumentValueError(f"{self.where}: axes must hold {len(self.panels)} axes, got {len(axes)}")
        key = self._key(self.default_settings() if settings is None else settings, complete=True)
        ranges: dict[str, Any] = {}
        byname = dict(zip((p.name for p in self.panels), axes, strict=True))
        for _, traces, rng in self._matching(key):
            ranges.update(rng)
            for t in traces:
                ax, grey = byname[t.panel], t.style is None
                kw: dict[str, Any] = {"color": "0.75", "lw": 0.6, "ls": "-"} if grey else _mpl_style(t.style)  # type: ignore[arg-type]
                marker = "o" if "markers" in t.mode else None
                ls = kw.pop("ls", "-")
                ls = ls if "lines" in t.mode else "none"
                ax.plot(t.x, t.y, marker=marker, ms=3, ls=ls, label=t.name if t.legend and t.name else None, **kw)
        for p, ax in byname.items():
            panel = next(q for q in self.panels if q.name == p)
            ax.set(title=panel.title, xlabel=panel.x_label, ylabel=panel.y_label)
            ax.set_xscale("log" if panel.x_log else "linear")
            ax.set_yscale("log" if panel.y_log else "linear")
            xr, yr = ranges.get(p, (None, None))
            for r, setter in ((xr or panel.x_range, ax.set_xlim), (yr or panel.y_range, ax.set_ylim)):
                if r is not None:
                    setter(*r)
            if ax.get_legend_handles_labels()[0]:
                ax.legend()
        return axes[0].figure


def _mpl_style(k: int) -> dict[str, Any]:
    from bpkit.notebook import book_style

    cycle = book_style()["axes.prop_cycle"].by_key()
    n = len(cycle["color"])
    return {"color": cycle["color"][k % n], "ls": cycle["linestyle"][k % n]}


def _plotly_dash(ls: Any) -> str:
    """A matplotlib line style as Plotly's dash (a px list), scaled like matplotlib's at width 1.6."""
    import matplotlib as mpl

    if ls == "-":
        return "solid"
    named = {"--": mpl.rcParams["lines.dashed_pattern"], "-.": mpl.rcParams["lines.dashdot_pattern"],
             ":": mpl.rcParams["lines.dotted_pattern"]}
    pattern = named[ls] if isinstance(ls, str) else ls[1]
    return ",".join(f"{1.6 * v:.3g}px" for v in pattern)


def _encode(values: Sequence[float]) -> list[float | int | None] | dict[str, float | int]:
    """JSON-ready numbers: None for NaN (a gap), whole numbers as ints (shorter); evenly spaced
    values (e.g. step numbers) as ``{"start": a, "step": d, "n": n}``, which the page expands."""
    out = [None if v != v else int(v) if v.is_integer() and abs(v) < 1e15 else v for v in values]
    if len(out) >= 3 and None not in out:
        d = out[1] - out[0]  # type: ignore[operator]
        if d and all(b - a == d for a, b in itertools.pairwise(out)):  # type: ignore[operator]
            return {"start": out[0], "step": d, "n": len(out)}  # type: ignore[dict-item]
    return out
