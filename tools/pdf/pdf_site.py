"""Sphinx extension loaded only by the PDF build (tools/pdf/build.py adds it to the config copy).

An interactive figure is two cells (see /work/coord/INTERACTIVE.md): a matplotlib still tagged
``interactive-still`` and, right after it, a cell tagged ``interactive`` whose output is HTML and
JavaScript. Paper cannot move a slider, so the PDF keeps the still and leaves the interactive cell
out entirely: myst-nb would otherwise fall back to the output's ``text/plain`` form (an object's
repr) in LaTeX, which means nothing on paper.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

INTERACTIVE_CLASS = "tag_interactive"  # myst-nb turns the cell tag `interactive` into this class
POINTER = "The interactive version of this figure, with its controls, is on the web page "


class DropInteractiveCells(SphinxPostTransform):
    """Replace every notebook cell tagged ``interactive`` in LaTeX output by a pointer to the web page.

    The prose beside an interactive figure tells the reader what to try with its controls; the
    pointer says where those controls are (the chapter's page on the published site, from
    ``html.baseurl`` in _config.yml), right under the still figure.
    """

    default_priority = 390  # before sphinx-jupyterbook-latex rewrites cells (priority 400)
    formats = ("latex",)

    def run(self, **kwargs: object) -> None:
        base = (self.config.html_baseurl or "").rstrip("/")
        for node in list(self.document.findall(nodes.container)):
            if INTERACTIVE_CLASS not in node.get("classes", []):
                continue
            docname = _docname(node, self.env) or self.env.docname
            if base:
                url = f"{base}/{docname}.html"
                pointer = nodes.paragraph(
                    "",
                    "",
                    nodes.emphasis("", POINTER),
                    nodes.reference("", url, refuri=url),
                    nodes.emphasis("", "."),
                )
                node.replace_self(pointer)
            else:
                node.parent.remove(node)


def _docname(node: nodes.Element, env: BuildEnvironment) -> str | None:
    """The page a node came from, by the source file that myst-nb records on the cell's nodes
    (the LaTeX builder merges all pages into one tree, so ``env.docname`` is the root page)."""
    for inner in node.findall(nodes.Element):
        source = inner.source or inner.get("source")
        if source:
            docname = env.path2doc(str(source).split(":", 1)[0])
            if docname:
                return docname
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.start_of_file):
            return str(parent["docname"])
        parent = parent.parent
    return None


def _keep_secnum_depth(app: Sphinx, config: Config) -> None:
    """Remember the numbering depth of figures, equations and exercises that _config.yml sets."""
    app.bpkit_numfig_secnum_depth = config.numfig_secnum_depth  # type: ignore[attr-defined]


def _restore_secnum_depth(app: Sphinx) -> None:
    """Read the pages with _config.yml's ``numfig_secnum_depth``.

    sphinx-jupyterbook-latex raises it by one when the toc has parts (LaTeX counts the part as a
    level). Reading with the raised value made the saved environment differ from _config.yml on
    every run, so every build re-read every page; with _config.yml's value a rebuild re-reads only
    the pages that changed.
    """
    app.bpkit_latex_secnum_depth = app.config.numfig_secnum_depth  # type: ignore[attr-defined]
    app.config.numfig_secnum_depth = app.bpkit_numfig_secnum_depth  # type: ignore[attr-defined]


def _latex_secnum_depth(app: Sphinx, env: BuildEnvironment) -> None:
    """Give the LaTeX writer the raised depth, so that figures and equations are numbered per
    chapter ("Fig. 7.2", "(4.2)"; with _config.yml's value they were numbered per part). Exercise
    titles then carry the section too ("Exercise 7.9.1")."""
    app.config.numfig_secnum_depth = app.bpkit_latex_secnum_depth  # type: ignore[attr-defined]


def setup(app: Sphinx) -> dict[str, object]:
    """Register the transform (LaTeX doctrees only, at write time) and the numbering fix."""
    app.add_post_transform(DropInteractiveCells)
    app.connect("config-inited", _keep_secnum_depth)
    app.connect("builder-inited", _restore_secnum_depth, priority=900)  # after sphinx-jupyterbook-latex
    app.connect("env-updated", _latex_secnum_depth)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
