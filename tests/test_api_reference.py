"""The API reference page documents every bpkit module (book/appendix_api.md)."""

from __future__ import annotations

import pkgutil
import re

import bpkit
from book_layout import BOOK


def test_every_bpkit_module_is_on_the_api_page() -> None:
    page = (BOOK / "appendix_api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"automodule:: (bpkit[\w.]*)", page))
    modules = {f"bpkit.{m.name}" for m in pkgutil.iter_modules(bpkit.__path__) if not m.name.startswith("_")}
    modules -= {"bpkit.exercises", "bpkit.datasets"}  # packages: their public module is listed instead
    modules.add("bpkit.exercises.core")
    assert modules - documented == set(), "modules missing from book/appendix_api.md"
    assert documented - modules == set(), "the page names modules that do not exist"



# --- which inline code in a chapter links to the reference (book/_ext/site_api_links.py) ----------------

def _api_links():
    import importlib
    import sys

    sys.path.insert(0, str(BOOK / "_ext"))
    try:
        return importlib.import_module("site_api_links")
    finally:
        sys.path.pop(0)


def test_a_chapter_imports_are_read_from_its_code() -> None:
    links = _api_links()
    code = "%matplotlib inline\nfrom bpkit.optim import SGD as S, Adam\nimport bpkit.losses as L\nimport numpy as np"
    assert links.chapter_imports(code) == {"S": "bpkit.optim.SGD", "Adam": "bpkit.optim.Adam", "L": "bpkit.losses"}


def test_only_names_that_are_documented_and_unambiguous_are_linked() -> None:
    links = _api_links()
    # the objects the reference documents, as Sphinx's Python domain lists them (what autodoc writes)
    documented = {"bpkit.optim", "bpkit.optim.SGD", "bpkit.optim.SGD.step", "bpkit.sequential.Sequential",
                  "bpkit.sequential.Sequential.fit", "bpkit.model.MLP", "bpkit.train.fit"}
    imports = {"SGD": "bpkit.optim.SGD", "Sequential": "bpkit.model.Sequential", "optim": "bpkit.optim"}

    def resolve(text: str) -> str | None:
        return links.resolve(text, imports, documented)

    assert resolve("bpkit.optim.SGD") == "bpkit.optim.SGD"               # fully qualified
    assert resolve("bpkit.optim") == "bpkit.optim"                       # a module
    assert resolve("SGD") == "bpkit.optim.SGD"                           # imported by the chapter
    assert resolve("SGD(params, lr=0.1)") == "bpkit.optim.SGD"           # a call
    assert resolve("SGD.step") == "bpkit.optim.SGD.step"
    assert resolve("optim.SGD") == "bpkit.optim.SGD"                     # through a module alias
    assert resolve("Sequential") == "bpkit.sequential.Sequential"        # a re-export: where it is documented
    assert resolve("MLP") is None, "not imported by this chapter"
    assert resolve("fit") is None and resolve("model.fit()") is None, "a bare method name stays code"
    assert resolve("bpkit.optim.NoSuchThing") is None and resolve("x + y") is None
