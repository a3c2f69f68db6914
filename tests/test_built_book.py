"""Checks of the built HTML (run by `make test` after `make book`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from book_layout import HTML, toc_entries

pytestmark = pytest.mark.built_book

RAW_MATH = re.compile(r"(?<![\\\w])\$[^$\s][^$]*\$|\\\(|\\\)|\\\[|\\\]|\$\$")


def _pages() -> list[Path]:
    return [HTML / f"{entry}.html" for entry in toc_entries()]


def _visible_prose(html: str) -> str:
    """Page text outside math, code, scripts and styles: where raw TeX must not remain."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "pre", "code", "textarea", "noscript"]):
        tag.decompose()
    for tag in soup.select(".math, .cell_output, .output"):
        tag.decompose()
    main = soup.select_one("main") or soup
    return main.get_text(" ")


def test_index_and_one_page_per_toc_entry() -> None:
    assert (HTML / "index.html").is_file()
    missing = [str(p) for p in _pages() if not p.is_file()]
    assert not missing, f"pages not built: {missing}"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.stem)
def test_no_raw_tex_left_in_prose(page: Path) -> None:
    text = _visible_prose(page.read_text(encoding="utf-8"))
    leftovers = RAW_MATH.findall(text)
    assert not leftovers, f"raw TeX in {page.name}: {leftovers[:5]}"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.stem)
def test_math_is_served_from_the_book(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert not [s for s in scripts if "://" in s], "a page loads a script from another host"
    if 'class="math' in html:
        assert any("_static/mathjax/tex-chtml.js" in s for s in scripts)
        target = (page.parent / next(s for s in scripts if "mathjax" in s).split("?")[0]).resolve()
        assert target.is_file(), f"MathJax script missing at {target}"


def test_notebooks_are_offered_for_download() -> None:
    chapters = [e for e in toc_entries() if (HTML.parent.parent / f"{e}.ipynb").is_file()]
    for entry in chapters:
        html = (HTML / f"{entry}.html").read_text(encoding="utf-8")
        assert f"{Path(entry).name}.ipynb" in html, f"no .ipynb download on {entry}"
