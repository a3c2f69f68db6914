"""Helpers shared by the book tests: read the table of contents and the notebooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
HTML = ROOT / "_build" / "html"
PAGE_SUFFIXES = (".md", ".ipynb")


def toc_entries() -> list[str]:
    """Every `file:` in _toc.yml (root first), as paths without suffix relative to ROOT."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]]

    def walk(items: list[dict]) -> None:
        for item in items:
            if "file" in item:
                entries.append(item["file"])
            for key in ("parts", "chapters", "sections"):
                walk(item.get(key, []))

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return entries


def book_pages() -> list[Path]:
    """Every page source under book/ (Markdown and notebooks), excluding helper folders."""
    return sorted(
        p for p in BOOK.rglob("*")
        if p.suffix in PAGE_SUFFIXES
        and not any(part.startswith(("_", ".")) for part in p.relative_to(BOOK).parts)
    )


def notebooks() -> list[Path]:
    """Every chapter notebook under book/."""
    return [p for p in book_pages() if p.suffix == ".ipynb"]


def load_notebook(path: Path) -> dict:
    """The notebook's JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def config() -> dict:
    """The parsed _config.yml."""
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def site_module(name: str) -> Any:
    """Import one of the site extension's modules from book/_ext (e.g. 'site_seeds'), without a build."""
    import importlib
    import sys

    sys.path.insert(0, str(BOOK / "_ext"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)
