"""Checks of the built HTML (run by `make test` after `make book`).

The checks that read `_build/html` carry the `built_book` mark. The detectors they use are tested here
too, without a build, on HTML made the way the book's toolchain makes it, so that each check is known to
fail on the faults it is meant to catch (a table that renders as run-on `| ... |` text, a `True` printed
after an exercise check's message).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from book_layout import HTML, toc_entries

built_book = pytest.mark.built_book

RAW_MATH = re.compile(r"(?<![\\\w])\$[^$\s][^$]*\$|\\\(|\\\)|\\\[|\\\]|\$\$")
RAW_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE)
CHECK_MESSAGE = re.compile(r"^\s*[✔✘]")
BLOCKS = ["p", "li", "dd", "dt", "div", "section", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
          "figcaption", "caption", "br"]


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


def _visible_text_with_outputs(html: str) -> str:
    """The page's rendered text, cell outputs included, one line per line of a block element.

    Left out: source listings and printed text (`pre`, `code`), math, scripts and styles, and real
    tables (whose cells may legitimately hold `|`, as in "max |a - b|"; a raw row cannot sit inside a
    rendered cell). Every block element starts and ends a line, so text from two blocks never joins
    into one line, while the lines of one paragraph (a broken table's rows) stay as they are.
    """
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "pre", "code", "textarea", "noscript", "table"]):
        tag.decompose()
    for tag in soup.select(".math"):
        tag.decompose()
    for tag in soup.find_all(BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    main = soup.select_one("main") or soup
    return main.get_text("")


def raw_table_rows(html: str) -> list[str]:
    """Lines of rendered text that look like a Markdown table row, `| ... |`: a table that did not render."""
    return [m.group(0).strip() for m in RAW_TABLE_ROW.finditer(_visible_text_with_outputs(html))]


def stray_verdicts(html: str) -> list[str]:
    """`True`/`False` lines that a cell prints after an exercise check's ✔/✘ message."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for cell in soup.select(".cell_output"):
        lines = [line.strip() for pre in cell.find_all("pre") for line in pre.get_text().splitlines()]
        first_message = next((i for i, line in enumerate(lines) if CHECK_MESSAGE.match(line)), None)
        if first_message is not None:
            found += [f"{lines[first_message]} ... {line}" for line in lines[first_message + 1:]
                      if line in ("True", "False")]
    return found


# --- the detectors, on HTML shaped like the build's (no build needed) ---------------------------------

def _output_page(*blocks: str) -> str:
    """A chapter page whose one cell output holds `blocks`, as myst-nb nests outputs."""
    return ("<html><body><main><section><p>Some prose with |x| in it, and a sum $|a|$.</p>"
            '<div class="cell docutils container"><div class="cell_output docutils container">'
            + "".join(blocks) + "</div></div></section></main></body></html>")


def test_raw_table_detector_flags_a_table_that_did_not_render() -> None:
    # Chapter 7's update-rule table as it was made before bpkit.tables: the `|` in a header cell
    # breaks the table, and markdown-it (the parser of MyST) renders it as one paragraph.
    broken = "| method | max |ours - bpkit.optim| after 5 steps |\n|---|---|\n| SGD | 0 |"
    html = _output_page(MarkdownIt("commonmark").enable("table").render(broken))
    assert raw_table_rows(html) == ["| method | max |ours - bpkit.optim| after 5 steps |", "|---|---|",
                                    "| SGD | 0 |"]


def test_raw_table_detector_passes_a_rendered_table_and_listings() -> None:
    from bpkit.tables import markdown_table

    fixed = markdown_table(["method", "max |ours - bpkit.optim| after 5 steps"], [["SGD", "0"], ["|g|", "1"]])
    rendered = MarkdownIt("commonmark").enable("table").render(fixed)
    assert "<table>" in rendered
    listing = "<pre>| a | b |\n|---|---|</pre><p>inline <code>| a | b |</code> code</p>"
    assert raw_table_rows(_output_page(rendered, listing)) == []


def test_stray_verdict_detector() -> None:
    stream = '<div class="output stream"><div class="highlight"><pre>✔ dW1 is correct.\n</pre></div></div>'
    result = '<div class="output text_plain"><div class="highlight"><pre>True</pre></div></div>'
    assert stray_verdicts(_output_page(stream, result)) == ["✔ dW1 is correct. ... True"]
    assert stray_verdicts(_output_page(stream)) == []
    assert stray_verdicts(_output_page(result)) == []     # a True with no check message is not a check's


# --- the built book ------------------------------------------------------------------------------------

@built_book
def test_index_and_one_page_per_toc_entry() -> None:
    assert (HTML / "index.html").is_file()
    missing = [str(p) for p in _pages() if not p.is_file()]
    assert not missing, f"pages not built: {missing}"


@built_book
@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.stem)
def test_no_raw_tex_left_in_prose(page: Path) -> None:
    text = _visible_prose(page.read_text(encoding="utf-8"))
    leftovers = RAW_MATH.findall(text)
    assert not leftovers, f"raw TeX in {page.name}: {leftovers[:5]}"


@built_book
@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.stem)
def test_no_raw_markdown_table_rows(page: Path) -> None:
    rows = raw_table_rows(page.read_text(encoding="utf-8"))
    assert not rows, f"a table did not render in {page.name} (cell outputs included): {rows[:3]}"


@built_book
@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.stem)
def test_no_stray_true_or_false_after_a_check(page: Path) -> None:
    stray = stray_verdicts(page.read_text(encoding="utf-8"))
    assert not stray, f"{page.name}: a check's message is followed by a stray verdict: {stray[:3]}"


@built_book
@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.stem)
def test_math_is_served_from_the_book(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert not [s for s in scripts if "://" in s], "a page loads a script from another host"
    if 'class="math' in html:
        assert any("_static/mathjax/tex-chtml.js" in s for s in scripts)
        target = (page.parent / next(s for s in scripts if "mathjax" in s).split("?")[0]).resolve()
        assert target.is_file(), f"MathJax script missing at {target}"


@built_book
def test_notebooks_are_offered_for_download() -> None:
    chapters = [e for e in toc_entries() if (HTML.parent.parent / f"{e}.ipynb").is_file()]
    for entry in chapters:
        html = (HTML / f"{entry}.html").read_text(encoding="utf-8")
        assert f"{Path(entry).name}.ipynb" in html, f"no .ipynb download on {entry}"
