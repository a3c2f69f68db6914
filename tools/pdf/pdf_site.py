"""Sphinx extension loaded only by the PDF build (tools/pdf/build.py adds it to the config copy).

An interactive figure is two cells (see /work/coord/INTERACTIVE.md): a matplotlib still tagged
``interactive-still`` and, right after it, a cell tagged ``interactive`` whose output is HTML and
JavaScript. Paper cannot move a slider, so the PDF keeps the still and leaves the interactive cell
out entirely: myst-nb would otherwise fall back to the output's ``text/plain`` form (an object's
repr) in LaTeX, which means nothing on paper.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

INTERACTIVE_CLASS = "tag_interactive"  # myst-nb turns the cell tag `interactive` into this class


class DropInteractiveCells(SphinxPostTransform):
    """Remove every notebook cell tagged ``interactive`` from LaTeX output."""

    default_priority = 390  # before sphinx-jupyterbook-latex rewrites cells (priority 400)
    formats = ("latex",)

    def run(self, **kwargs: object) -> None:
        for node in list(self.document.findall(nodes.container)):
            if INTERACTIVE_CLASS in node.get("classes", []):
                node.parent.remove(node)


def setup(app: Sphinx) -> dict[str, object]:
    """Register the transform; it only touches LaTeX doctrees at write time."""
    app.add_post_transform(DropInteractiveCells)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
