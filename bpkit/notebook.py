"""Running the book's chapters as notebooks: in the book's build, in Jupyter and on Colab.

Two things every chapter does in its first code cell live here, so that a chapter needs nothing
beyond bpkit's own dependencies and a Jupyter kernel:

- :func:`glue` records a value that the chapter's prose quotes. The book's builder (myst-nb)
  reads the record from the cell's output and puts the value into the text, so no number in the
  prose is typed by hand. When myst-nb is installed, its own ``glue`` is used; where it is not
  (Colab, a bare Jupyter), the same record is written without it.
- :func:`use_book_style` sets the figures' look: sharp (twice the pixels, shown at the intended
  size), and lines that differ in dash pattern as well as colour.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from typing import Any

from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.validate import as_array, boolean

__all__ = [
    "COLOURS",
    "DASHES",
    "FIGURE_BOX_PX",
    "FIGURE_DPI",
    "GLUE_MIME_PREFIX",
    "MARKERS",
    "MIN_TEXT_PX",
    "REPORT_KEY",
    "book_png",
    "book_style",
    "figure_report",
    "glue",
    "glue_range",
    "use_book_style",
]

#: Prefix of the MIME types under which a value glued with ``display=False`` is stored. Jupyter
#: front ends do not know these types and show nothing; myst-nb reads them (papermill's record
#: format, which myst-nb adopted).
GLUE_MIME_PREFIX = "application/papermill.record/"


def glue(name: str, value: Any, display: bool = True) -> None:
    """Record ``value`` under ``name`` for the book's text (myst-nb's glue).

    The cell's output gets one display item holding the value's representations (plain text,
    Markdown, an image ...) and the metadata ``{"scrapbook": {"name": name, "mime_prefix": ...}}``
    that myst-nb looks for. With ``display=False`` every MIME type is prefixed with
    :data:`GLUE_MIME_PREFIX`, so notebooks show nothing while the book can still use the value.

    Parameters
    ----------
    name : str
        The key the prose uses, e.g. ``{glue:text}`\\`dW1_norm\\``.
    value : object
        Anything IPython can display: a number, a string, ``IPython.display.Markdown``, a figure.
    display : bool
        Show the value in the notebook as well (default True).

    Raises
    ------
    ArgumentTypeError
        If ``name`` is not a non-empty string or ``display`` is not a bool.

    Notes
    -----
    Outside an IPython kernel (a plain ``python`` script) there is no cell output to record
    into, so nothing happens.
    """
    if not isinstance(name, str) or not name:
        raise ArgumentTypeError(f"glue: name must be a non-empty string, got {name!r}")
    if not isinstance(display, bool):
        raise ArgumentTypeError(f"glue: display must be True or False, got {display!r}")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        pass
    else:
        myst_glue(name, value, display=display)
        return
    try:
        from IPython import get_ipython
        from IPython.core.formatters import format_display_data
        from IPython.display import display as ipython_display
    except ImportError:
        return
    if get_ipython() is None:
        return
    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_MIME_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipython_display({prefix + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)


def glue_range(name: str, values: ArrayLike, spec: str, display: bool = True) -> None:
    """Record the smallest and the largest of ``values`` as ``name_lo`` and ``name_hi``.

    A range quoted in the prose ("from 0.32 to 1 over five seeds") is glued as two numbers, and
    the words around them stay in the text, where a translation can change them: the prose reads
    ``from {glue:text}`\\`name_lo\\` to {glue:text}`\\`name_hi\\```. With
    :math:`v_1, \\dots, v_n` the values, the two records are ``format(min_i v_i, spec)`` and
    ``format(max_i v_i, spec)``, each written by :func:`glue`.

    Parameters
    ----------
    name : str
        The keys' common prefix; the records are ``name + "_lo"`` and ``name + "_hi"``.
    values : array_like
        One or more finite real numbers, of any shape (e.g. one result per seed).
    spec : str
        A format specification for both numbers, as in ``format(x, spec)``: ``".2f"``, ``".0%"``,
        ``".1e"``, ``".2g"``.
    display : bool
        Show the two values in the notebook as well (default True, as :func:`glue`).

    Raises
    ------
    ArgumentTypeError
        If ``name`` is not a non-empty string, ``values`` does not hold real numbers, ``spec``
        is not a string or ``display`` is not a bool.
    ArgumentValueError
        If ``values`` is empty or holds NaN or infinity, or ``spec`` is not a valid format
        specification for a float.

    Notes
    -----
    Like :func:`glue`, it returns nothing, so a cell that ends with it shows no extra output.

    Examples
    --------
    In a notebook this records ``ch00_acc_lo`` = 0.87 and ``ch00_acc_hi`` = 0.91 (outside one,
    nothing):

    >>> glue_range("ch00_acc", [0.912, 0.874, 0.9], ".2f", display=False)
    >>> glue_range("ch00_acc", [0.912, float("nan")], ".2f")
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentValueError: glue_range: values must be finite, got 1 NaN or infinite entry
    """
    where = "glue_range"
    if not isinstance(name, str) or not name:
        raise ArgumentTypeError(f"{where}: name must be a non-empty string, got {name!r}")
    arr = as_array(values, "values", where)
    if not isinstance(spec, str):
        raise ArgumentTypeError(f"{where}: spec must be a format specification string such as '.2f', got {spec!r}")
    show = boolean(display, "display", where)
    try:
        lo, hi = format(float(arr.min()), spec), format(float(arr.max()), spec)
    except ValueError as exc:
        raise ArgumentValueError(
            f"{where}: spec must be a format specification for a float such as '.2f', got {spec!r} ({exc})"
        ) from exc
    glue(f"{name}_lo", lo, display=show)
    glue(f"{name}_hi", hi, display=show)


#: Okabe and Ito's palette, chosen to stay distinguishable under the common colour-vision
#: deficiencies; the dash patterns tell lines apart without any colour at all.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
#: Seven dash patterns, all different, paired with :data:`COLOURS` in the book's line cycle.
DASHES: list[Any] = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (3, 1.5)), (0, (1, 3))]
#: Markers for point sets and for lines beyond the seventh (all filled, all different shapes).
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]

#: The legibility rule of the book's figures (/work/coord/FIGURES.md; tests/test_browser_figures.py
#: checks it on the built pages): the smallest text of every figure, as displayed, is at least
#: this many CSS pixels tall (font size) in a page 1280 px wide and in one 390 px wide (a phone).
MIN_TEXT_PX = {1280: 11.0, 390: 9.0}
#: Widest image the text column shows without scaling it down (CSS px), measured in the built
#: book (sphinx-book-theme 1.3.0): 672 px at 1280 px, 342 px at 390 px.
FIGURE_BOX_PX = {1280: 672, 390: 342}
#: Figures are drawn at this many pixels per inch and shown at that size (1 inch = 100 CSS px);
#: the PNG holds twice the pixels (200 per inch) for sharpness on high-density screens.
FIGURE_DPI = 100.0
#: PNG text chunk under which each figure records :func:`figure_report` (as JSON).
REPORT_KEY = "bpkit-figure"


def book_style() -> dict[str, Any]:
    """The matplotlib settings of the book's figures, as a dict for ``plt.style.use``.

    Every text is at least 10 pt. At :data:`FIGURE_DPI` a 10-pt text is 13.9 CSS px tall at
    full size, so a figure up to 5.25 inches wide (525 px) keeps it at least 9 px tall in a
    phone's 342-px column (scale 342/525) and at 13.9 px on a desktop (:data:`MIN_TEXT_PX`).

    Returns
    -------
    dict
        rcParams: the line cycle (seven styles; colour and dash pattern change together, so
        the k-th line differs from the others in both), font sizes, axes and resolution.

    Examples
    --------
    >>> book_style()["font.size"]
    10.0
    """
    from cycler import cycler

    return {
        "axes.prop_cycle": cycler(color=COLOURS) + cycler(linestyle=DASHES),
        "lines.linewidth": 1.6,
        "figure.dpi": FIGURE_DPI,
        "figure.figsize": (5.0, 3.2),
        "font.size": 10.0,
        "axes.titlesize": 11.0,
        "axes.labelsize": 10.0,
        "legend.fontsize": 10.0,
        "xtick.labelsize": 10.0,
        "ytick.labelsize": 10.0,
        "figure.titlesize": 11.0,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _line_signature(artist: Any) -> tuple | None:
    """How a legend entry looks without colour: dash pattern and marker (lines, points) or outline dash,
    fill and hatch (patches); None for other artists."""
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(artist, Line2D):
        dashes = None if artist.get_linestyle() in ("None", " ", "") else str(artist._unscaled_dash_pattern)  # type: ignore[attr-defined]
        marker = artist.get_marker()
        return (dashes, None if marker in (None, "None", "none", "", " ") else str(marker))
    if isinstance(artist, Patch):  # bars, filled areas, step histograms: outline dash, fill and hatch
        dashes = str(artist._unscaled_dash_pattern)  # type: ignore[attr-defined]
        return ("patch", dashes, bool(artist.get_fill()), artist.get_hatch())
    if isinstance(artist, PathCollection) and len(artist.get_paths()):
        import numpy as np

        return (None, np.round(np.asarray(artist.get_paths()[0].vertices, dtype=float), 3).tobytes())
    return None


@contextlib.contextmanager
def _drawn_text_sizes() -> Iterator[list[float]]:
    """Collect the font size (pt) of every non-empty text matplotlib draws inside the block."""
    from matplotlib.text import Text

    sizes: list[float] = []
    original = Text.draw

    def draw(self: Text, renderer: Any) -> None:
        if self.get_visible() and self.get_text().strip():
            sizes.append(float(self.get_fontsize()))
        original(self, renderer)

    Text.draw = draw  # type: ignore[method-assign,assignment]
    try:
        yield sizes
    finally:
        Text.draw = original  # type: ignore[method-assign]


def _same_style_entries(fig: Any) -> list[list[str]]:
    """Pairs of entries of one legend that look the same without colour."""
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)
    same: list[list[str]] = []
    for legend in legends:
        entries = [
            (text.get_text(), _line_signature(handle))
            for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False)
        ]
        entries = [(label, sig) for label, sig in entries if sig is not None]
        same += [[a, b] for i, (a, sa) in enumerate(entries) for b, sb in entries[i + 1:] if sa == sb]
    return same


def _need_figure(fig: Any, where: str) -> None:
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise ArgumentTypeError(f"{where}: fig must be a matplotlib Figure, got {type(fig).__name__}")


def figure_report(fig: Any) -> dict[str, Any]:
    """What the legibility rule needs to know about a figure: its smallest text and look-alike lines.

    The figure is drawn without rendering (nothing is saved or shown) and every text that
    matplotlib draws is measured: tick labels of the ticks in view, axis labels, titles,
    legend entries, annotations.

    Parameters
    ----------
    fig : matplotlib Figure

    Returns
    -------
    dict
        ``min_font_pt``: the smallest font size (pt) drawn, None if the figure has no text;
        ``same_style``: pairs of entries of one legend whose lines (or point sets) share dash
        pattern and marker, so that only colour tells them apart; the rule wants it empty.

    Raises
    ------
    ArgumentTypeError
        If ``fig`` is not a matplotlib Figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], "-", label="a"); _ = ax.plot([1, 0], "-", label="b")
    >>> _ = ax.legend(fontsize=8); _ = ax.tick_params(labelsize=12)
    >>> figure_report(fig)
    {'min_font_pt': 8.0, 'same_style': [['a', 'b']]}
    >>> plt.close(fig)
    """
    _need_figure(fig, "figure_report")
    with _drawn_text_sizes() as sizes:
        fig.draw_without_rendering()
    return {"min_font_pt": min(sizes) if sizes else None, "same_style": _same_style_entries(fig)}


def book_png(fig: Any) -> tuple[bytes, dict[str, int]] | None:
    """The figure as the book shows it: a PNG at twice the figure's dpi, and its display width.

    The PNG has 256 colours (no dithering) over a white background, and carries
    ``{"min_font_pt", "same_style", "dpi"}`` (:func:`figure_report`, measured
    while this very image is drawn, and the PNG's pixels per inch) as JSON in a text chunk
    named :data:`REPORT_KEY`, so a test of the built pages can compute how tall the smallest
    text is as displayed. Only the display *width* is returned as metadata (no height): the
    page scales a wide figure down to the column keeping its aspect ratio, where a fixed
    height would squash it.

    Parameters
    ----------
    fig : matplotlib Figure

    Returns
    -------
    (bytes, dict) or None
        The PNG and ``{"width": css_px}`` (half its pixel width); None for an empty figure,
        which Jupyter then does not show.

    Raises
    ------
    ArgumentTypeError
        If ``fig`` is not a matplotlib Figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(3, 2), dpi=100)
    >>> png, meta = book_png(fig)
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n", 250 <= meta["width"] <= 300
    (True, True)
    >>> plt.close(fig)
    """
    _need_figure(fig, "book_png")
    if not fig.axes and not fig.lines:
        return None
    from PIL import Image, PngImagePlugin

    buffer = io.BytesIO()
    dpi = 2 * fig.dpi
    with _drawn_text_sizes() as sizes:
        fig.savefig(
            buffer, format="png", dpi=dpi, bbox_inches="tight",
            facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor(),
        )
    report = {"min_font_pt": min(sizes) if sizes else None, "same_style": _same_style_entries(fig), "dpi": dpi}
    rgba = Image.open(buffer).convert("RGBA")
    opaque = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    # 256 colours without dithering: line art and colour maps look the same and the file is
    # about a third of the full-colour one (page weight).
    palette = opaque.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    info = PngImagePlugin.PngInfo()
    info.add_text(REPORT_KEY, json.dumps(report, ensure_ascii=True))
    out = io.BytesIO()
    palette.save(out, format="png", optimize=True, pnginfo=info, dpi=(dpi, dpi))
    return out.getvalue(), {"width": round(palette.width / 2)}


def use_book_style() -> None:
    """Apply :func:`book_style` and make the notebook show figures as :func:`book_png` draws them.

    Inline figures become PNGs with twice the pixels, tagged with their intended display width,
    so they stay sharp on high-density screens and when zoomed. Outside a Jupyter kernel only
    the matplotlib settings change.
    """
    import matplotlib.pyplot as plt

    plt.style.use(book_style())
    try:
        from IPython import get_ipython
        from matplotlib.figure import Figure
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        set_matplotlib_formats("png")  # one image per figure (no extra PDF or SVG copies)
        shell.display_formatter.formatters["image/png"].for_type(Figure, book_png)
