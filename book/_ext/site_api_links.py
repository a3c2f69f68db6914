"""Link a chapter's first use of a bpkit name (inline code) to its entry in the API reference.

The API reference (book/appendix_api.md) is written by autodoc, so Sphinx's Python domain knows every
documented object (``env.domains['py'].objects``: ``bpkit.optim.SGD`` -> its anchor). At write time this
transform looks at each chapter's inline code in running text (site_prose: not in headings, code cells,
outputs or existing links) and links the first use of each documented object.

Which inline code names a bpkit object (decided so that no link can point at the wrong object):

* a fully qualified name, ``bpkit.optim.SGD`` or a module ``bpkit.optim``;
* a name the chapter's own code imports from bpkit (``from bpkit.optim import SGD`` makes ``SGD``,
  ``SGD(...)`` and ``SGD.step`` refer to ``bpkit.optim.SGD``), or an attribute of a bpkit module the
  chapter imports under a name (``import bpkit.optim as optim``: ``optim.SGD``).

A bare name the chapter does not import (``fit`` in a chapter that only calls ``model.fit``,
``zero_grad()``, ``backward``) is never linked: several bpkit objects have such names, and a method
called on a variable cannot be told apart from the text alone. A trailing call, ``MLP([2, 4, 1])``,
is allowed. Names are resolved by importing them, so a re-export (``bpkit.model.Sequential``) links
to the place the reference documents it (``bpkit.sequential.Sequential``); a name that is not
documented there is left alone.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from functools import lru_cache
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from site_prose import _skipped, is_chapter

DOTTED = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\(.*\))?$", re.S)


def chapter_imports(code: str) -> dict[str, str]:
    """Names bound by ``from bpkit... import`` and ``import bpkit... as`` in ``code`` -> dotted path.

    >>> chapter_imports("from bpkit.optim import SGD as S, Adam\\nimport bpkit.losses as L\\nimport numpy as np")
    {'S': 'bpkit.optim.SGD', 'Adam': 'bpkit.optim.Adam', 'L': 'bpkit.losses'}
    """
    names: dict[str, str] = {}
    try:
        tree = ast.parse(code)
    except SyntaxError:
        kept = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(kept)
        except SyntaxError:
            return names
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and (
            node.module == "bpkit" or node.module.startswith("bpkit.")
        ):
            for alias in node.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "bpkit" or alias.name.startswith("bpkit."):
                    names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else "bpkit"
    return names


@lru_cache(maxsize=64)
def _notebook_imports(path: str, mtime: float) -> dict[str, str]:
    if not path.endswith(".ipynb"):
        return {}
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            names.update(chapter_imports("".join(cell.get("source", []))))
    return names


def canonical(dotted: str, objects: dict) -> str | None:
    """The documented name of the object ``dotted`` names (following re-exports), or None."""
    if dotted in objects:
        return dotted
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):  # the longest importable module prefix
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        if hasattr(obj, "__module__") and hasattr(obj, "__qualname__"):
            name = f"{obj.__module__}.{obj.__qualname__}"
        else:
            name = getattr(obj, "__name__", None)  # a module
        return name if name in objects else None
    return None


def resolve(text: str, imports: dict[str, str], objects: dict) -> str | None:
    """The documented bpkit object an inline literal names in a chapter with ``imports``, or None."""
    m = DOTTED.match(text.strip())
    if not m:
        return None
    head, *rest = m.group(1).split(".")
    if head == "bpkit":
        return canonical(m.group(1), objects)
    if head in imports:
        return canonical(".".join([imports[head], *rest]), objects)
    return None


class ApiLinks(SphinxPostTransform):
    """Link the first use of each documented bpkit object in a chapter's inline code."""

    default_priority = 520

    def run(self, **kwargs: object) -> None:
        docname = self.env.docname
        if not is_chapter(docname):
            return
        objects = self.env.get_domain("py").objects
        if not objects:
            return
        source = Path(self.env.doc2path(docname))
        imports = _notebook_imports(str(source), source.stat().st_mtime)
        linked: set[str] = set()
        for literal in list(_prose_literals(self.document)):
            target = resolve(literal.astext(), imports, objects)
            if target is None or target in linked:
                continue
            linked.add(target)
            entry = objects[target]
            parent = literal.parent
            index = parent.index(literal)
            parent.remove(literal)
            ref = make_refnode(self.app.builder, docname, entry.docname, entry.node_id, literal, title=target)
            ref["classes"].append("site-api-link")
            parent.insert(index, ref)


def _prose_literals(node: nodes.Node):
    """Inline literals in running text (not in headings, code cells, outputs or links)."""
    if isinstance(node, nodes.literal):
        yield node
        return
    if _skipped(node):
        return
    if isinstance(node, nodes.Element):
        for child in list(node.children):
            yield from _prose_literals(child)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_post_transform(ApiLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
