"""What counts as a page's running text, for the transforms that add links to it.

The glossary, seed and API links (site_glossary, site_seeds, site_api_links) go into the prose a
reader reads: not into headings, captions, code, math, cell outputs or text that is already a link.
This module finds that text and replaces part of a text node by a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docutils import nodes
from sphinx import addnodes

# Node types whose text is never linked (their text is not running prose, or is a link already).
SKIP = (
    nodes.title, nodes.subtitle, nodes.rubric, nodes.caption, nodes.legend, nodes.literal,
    nodes.literal_block, nodes.doctest_block, nodes.math, nodes.math_block, nodes.reference,
    nodes.target, nodes.raw, nodes.comment, nodes.substitution_definition, nodes.image,
    nodes.field_name, nodes.option_string, nodes.term, nodes.citation_reference,
    addnodes.pending_xref, addnodes.index, addnodes.toctree, addnodes.desc_signature,
)
# Containers of notebook cells: code and what it printed are not prose.
SKIP_CLASSES = {"cell_input", "cell_output", "output", "highlight"}

CHAPTER = re.compile(r"^book/\d\d_")


def is_chapter(docname: str) -> bool:
    """True for the numbered chapters (book/01_... to book/15_...)."""
    return bool(CHAPTER.match(docname))


def _skipped(node: nodes.Node) -> bool:
    if isinstance(node, SKIP):
        return True
    if type(node).__name__.endswith("title"):  # exercise, proof and admonition titles
        return True
    classes = node.get("classes", []) if isinstance(node, nodes.Element) else []
    return bool(SKIP_CLASSES.intersection(classes))


def prose_text(node: nodes.Node) -> Iterator[nodes.Text]:
    """The text nodes of running prose under ``node``, in document order."""
    if _skipped(node):
        return
    if isinstance(node, nodes.Text):
        yield node
        return
    _merge_text(node)
    for child in list(node.children):
        yield from prose_text(child)


def _merge_text(element: nodes.Node) -> None:
    """Join neighbouring text nodes: MyST writes a line break of the source as a text node of its
    own, so "weight\\nsharing" arrives as three nodes and a term could not be found across the break."""
    if not isinstance(element, nodes.Element) or len(element.children) < 2:
        return
    merged: list[nodes.Node] = []
    for child in element.children:
        if isinstance(child, nodes.Text) and merged and isinstance(merged[-1], nodes.Text):
            merged[-1] = nodes.Text(str(merged[-1]) + str(child))
        else:
            merged.append(child)
    if len(merged) != len(element.children):
        element.children = []
        element.extend(merged)


def split_text(text_node: nodes.Text, pieces: list[tuple[int, int, nodes.Node]]) -> None:
    """Replace spans ``(start, end, new_node)`` of ``text_node`` (sorted, not overlapping)."""
    if not pieces:
        return
    text = str(text_node)
    new: list[nodes.Node] = []
    at = 0
    for start, end, node in pieces:
        if start > at:
            new.append(nodes.Text(text[at:start]))
        new.append(node)
        at = end
    if at < len(text):
        new.append(nodes.Text(text[at:]))
    parent = text_node.parent
    index = parent.index(text_node)
    parent.remove(text_node)
    for offset, node in enumerate(new):
        parent.insert(index + offset, node)


def enclosing_block(node: nodes.Node) -> nodes.Element | None:
    """The paragraph (or list item, definition) that holds ``node``."""
    parent = node.parent
    while parent is not None and not isinstance(parent, (nodes.paragraph, nodes.list_item, nodes.definition)):
        parent = parent.parent
    return parent


# The pages the links point into. When one of them is read again (its anchors may have changed),
# every page that carries links into it is written again too, so an incremental build never keeps a
# link to an anchor that is gone.
TARGET_PAGES = {"book/appendix_glossary", "book/appendix_errata", "book/appendix_faq", "book/appendix_api"}


def stage_css(app: object, name: str, css: str) -> None:
    """Write a small style sheet beside book_site's staged assets (copied into the built _static).

    Connect a function that calls this to ``builder-inited`` and register ``name`` with
    ``app.add_css_file``.
    """
    from pathlib import Path

    static = Path(app.outdir).parent / ".offline-assets" / "_static"  # type: ignore[attr-defined]
    static.mkdir(parents=True, exist_ok=True)
    (static / name).write_text(css, encoding="utf-8")


def _note_reread(app: object, env: object, docnames: list[str]) -> None:
    app._site_targets_reread = bool(TARGET_PAGES.intersection(docnames))  # type: ignore[attr-defined]


def _rewrite_linking_pages(app: object, env: object) -> list[str]:
    if not getattr(app, "_site_targets_reread", False):
        return []
    return sorted(d for d in env.found_docs if d not in TARGET_PAGES)  # type: ignore[attr-defined]


def setup(app: object) -> dict[str, object]:
    app.connect("env-before-read-docs", _note_reread)  # type: ignore[attr-defined]
    app.connect("env-get-updated", _rewrite_linking_pages)  # type: ignore[attr-defined]
    return {"parallel_read_safe": True, "parallel_write_safe": True}
