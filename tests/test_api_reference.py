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

