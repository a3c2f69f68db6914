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

from typing import Any

from bpkit.errors import ArgumentTypeError

__all__ = ["GLUE_MIME_PREFIX", "book_style", "glue", "use_book_style"]

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


# Okabe and Ito's palette, chosen to stay distinguishable under the common colour-vision
# deficiencies; the dash patterns tell lines apart without any colour at all.
_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
_DASHES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (3, 1.5)), (0, (1, 3))]


def book_style() -> dict[str, Any]:
    """The matplotlib settings of the book's figures, as a dict for ``plt.style.use``.

    Returns
    -------
    dict
        rcParams: the line cycle (seven styles; colour and dash pattern change together, so
        the k-th line differs from the others in both), font sizes and axes.
    """
    from cycler import cycler

    return {
        "axes.prop_cycle": cycler(color=_COLOURS) + cycler(linestyle=_DASHES),
        "lines.linewidth": 1.6,
        "font.size": 10.0,
        "axes.titlesize": 10.5,
        "axes.labelsize": 10.0,
        "legend.fontsize": 9.0,
        "xtick.labelsize": 9.0,
        "ytick.labelsize": 9.0,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def use_book_style() -> None:
    """Apply :func:`book_style` and make the notebook draw figures at twice the pixel density.

    Inline figures become PNGs with twice the pixels, tagged with their intended display size
    (Jupyter's "retina" format), so they stay sharp on high-density screens and when zoomed.
    Outside a Jupyter kernel only the matplotlib settings change.
    """
    import matplotlib.pyplot as plt

    plt.style.use(book_style())
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")
