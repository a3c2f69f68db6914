"""Serve the interactive figures' scripts from the book itself, only on the pages that have such a figure.

A chapter's interactive figure (:mod:`bpkit.interactive`) is a ``<div class="bpkit-interactive">`` in a
cell's HTML output. Two scripts draw it in the browser:

- ``bpkit-interactive.js`` (book/_ext/, about 6 kB), which wires the controls and hides the still figure;
- ``plotly.min.js`` from the installed ``plotly`` wheel (``plotly/package_data/plotly.min.js``, pinned in
  requirements.txt; a build dependency only), which the first script fetches when the first figure
  comes within a screen of the viewport, so a reader who never scrolls there does not pay its 4.8 MB.

Both are copied into the build's ``_static`` when the build finishes (not into the source's ``_static``,
whose files jupyter-book links into every page). The driver's ``<script defer>`` tag is added to a page
only when the page's body contains a ``bpkit-interactive`` element, and once. Nothing comes from another
host.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

DRIVER = "bpkit-interactive.js"
PLOTLY = "plotly.min.js"
MARKER = '<div class="bpkit-interactive"'


def plotly_js() -> Path:
    """The path of ``plotly.min.js`` inside the installed plotly package (never imported)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise ExtensionError("interactive_site: the package 'plotly' is not installed; run `pip install -r requirements.txt`")
    path = Path(spec.origin).parent / "package_data" / PLOTLY
    if not path.is_file():
        raise ExtensionError(f"interactive_site: no {PLOTLY} in the plotly package at {path.parent}")
    return path


def has_interactive(body: str) -> bool:
    """True when a page's body holds an interactive figure."""
    return MARKER in body


def _link(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """Add the driver script to this page only, if it has an interactive figure.

    Runs before book_site's handlers (priority 400), which copy ``script_files`` into a new list.
    Sphinx restores its script list after each page, so the script stays on this page alone.
    """
    if has_interactive(context.get("body", "")):
        app.add_js_file(DRIVER, defer="defer")


def _copy(app: Sphinx, exception: Exception | None) -> None:
    """Copy the driver and plotly.min.js into the HTML build's _static folder."""
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for src in (Path(__file__).with_name(DRIVER), plotly_js()):
        dst = static / src.name
        if not dst.is_file() or dst.stat().st_size != src.stat().st_size or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)


def setup(app: Sphinx) -> dict[str, object]:
    """Register the two steps; the per-page check reads only that page's context."""
    plotly_js()  # fail early, with the install command, when plotly is missing
    app.connect("html-page-context", _link, priority=400)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
