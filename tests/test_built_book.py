"""Checks of the built HTML (run by `make test` after `make book`).

The checks that read `_build/html` carry the `built_book` mark; set BOOK_HTML to check another build
(`BOOK_HTML=/tmp/x/_build/html pytest tests/test_built_book.py`). The detectors they use are tested
here too, without a build, on HTML made the way the book's toolchain makes it, so that each check is known to
fail on the faults it is meant to catch (a table that renders as run-on `| ... |` text, a `True` printed
after an exercise check's message).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

import book_layout
from book_layout import BOOK, ROOT, toc_entries

HTML = Path(os.environ["BOOK_HTML"]) if os.environ.get("BOOK_HTML") else book_layout.HTML

built_book = pytest.mark.built_book

RAW_MATH = re.compile(r"(?<![\\\w])\$[^$\s][^$]*\$|\\\(|\\\)|\\\[|\\\]|\$\$")
RAW_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE)
CHECK_MESSAGE = re.compile(r"^\s*[✔✘]")
CJK = re.compile(r"[\u4e00-\u9fff]")
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
    chapters = [e for e in toc_entries() if (ROOT / f"{e}.ipynb").is_file()]
    for entry in chapters:
        html = (HTML / f"{entry}.html").read_text(encoding="utf-8")
        assert f"{Path(entry).name}.ipynb" in html, f"no .ipynb download on {entry}"


# --- numbering: chapters by the table of contents, figures/exercises/equations per chapter -----------------

CAPTION_NUMBER = re.compile(r"^(Fig\.|Exercise|Table|Listing)\s+(\d+(?:\.\d+)*)\s*$")


def _numbered_chapters() -> list[str]:
    """The chapters of the numbered parts (Parts I-III), in table-of-contents order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [c["file"] for part in toc["parts"] if part.get("numbered") for c in part["chapters"]]


@functools.cache
def _soup(entry: str) -> BeautifulSoup:
    """The parsed page, once per test process (the tests only read it; parsing a chapter takes ~1 s)."""
    return BeautifulSoup((HTML / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")


def _article(soup: BeautifulSoup):
    return soup.select_one("article.bd-article") or soup.select_one("main") or soup


def numbered_items(soup: BeautifulSoup) -> dict[str, list[str]]:
    """Numbers shown on a page's own figures, exercises, tables and equations, e.g. {"Exercise": ["7.1", ...]}."""
    found: dict[str, list[str]] = {}
    for span in _article(soup).select("span.caption-number"):
        m = CAPTION_NUMBER.match(span.get_text(" ").strip())
        if m:
            found.setdefault(m.group(1), []).append(m.group(2))
    for eqno in _article(soup).select("span.eqno"):
        m = re.search(r"\((\d+(?:\.\d+)*)\)", eqno.get_text())
        if m:
            found.setdefault("Equation", []).append(m.group(1))
    return found


def test_numbered_items_reads_captions_and_equation_numbers() -> None:
    html = ('<article class="bd-article"><figure><figcaption><p><span class="caption-number">Fig. 7.1 </span>'
            'Paths</p></figcaption></figure><p class="admonition-title"><span class="caption-number">Exercise 7.2 '
            '</span></p><div class="math"><span class="eqno">(7.3)</span></div></article>')
    assert numbered_items(BeautifulSoup(html, "html.parser")) == {"Fig.": ["7.1"], "Exercise": ["7.2"],
                                                                  "Equation": ["7.3"]}


def test_parts_one_to_three_are_numbered_and_the_rest_not() -> None:
    """The generator of _toc.yml numbers exactly the three parts, and _toc.yml is its output."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    numbered = [part["caption"] for part in toc["parts"] if part.get("numbered")]
    assert [c.split(":")[0] for c in numbered] == ["Part I", "Part II", "Part III"]
    assert len(_numbered_chapters()) == 15
    assert book_layout.config()["html"]["use_multitoc_numbering"] is True  # 1-15 straight through the parts
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_toc
    finally:
        sys.path.pop(0)
    generated = {caption: numbered for caption, numbered, _ in make_toc.PARTS}
    assert [c for c, n in generated.items() if n] == numbered


@built_book
def test_chapters_carry_their_table_of_contents_number() -> None:
    """Chapter 7's title reads "7. Gradient descent ..."; Getting started and the appendices have no number."""
    chapters = _numbered_chapters()
    for number, entry in enumerate(chapters, start=1):
        h1 = _article(_soup(entry)).find("h1")
        shown = h1.select_one("span.section-number")
        assert shown is not None and shown.get_text().strip() == f"{number}.", f"{entry}: {h1.get_text()!r}"
    for entry in toc_entries():
        if entry not in chapters:
            h1 = _article(_soup(entry)).find("h1")
            assert h1.select_one("span.section-number") is None, f"{entry} is numbered: {h1.get_text()!r}"


@built_book
@pytest.mark.parametrize("entry", _numbered_chapters())
def test_figures_exercises_and_equations_are_numbered_per_chapter(entry: str) -> None:
    """In chapter n, every kind of numbered item reads n.1, n.2, ... in order."""
    n = _numbered_chapters().index(entry) + 1
    found = numbered_items(_soup(entry))
    for kind, numbers in found.items():
        assert numbers == [f"{n}.{k}" for k in range(1, len(numbers) + 1)], f"{entry} {kind}: {numbers}"


@built_book
def test_numbering_examples_a_reader_sees() -> None:
    """The issue's example: chapter 7's exercises read "Exercise 7.1", ...; chapter 12's figures "Fig. 12.1"."""
    ch7 = numbered_items(_soup("book/07_optimizers"))
    assert ch7["Exercise"][:2] == ["7.1", "7.2"] and ch7["Fig."][0] == "7.1"
    assert numbered_items(_soup("book/12_convolution"))["Fig."][0] == "12.1"
    assert numbered_items(_soup("book/04_backprop_matrix"))["Equation"][0] == "4.1"
    solutions = [a.get_text().strip() for a in _article(_soup("book/07_optimizers")).select("p.admonition-title a")]
    assert "Exercise 7.1" in solutions, "a solution's title names its exercise by the chapter number"


# --- links into the appendices: glossary terms, seed references, bpkit names ------------------------------

# Where a link must not be added (and where a term's earlier use does not count): not running prose.
NOT_PROSE = ("h1, h2, h3, h4, h5, h6, pre, code, .math, figcaption, caption, .caption, dt, .admonition-title, "
             ".cell_input, .cell_output, script, style, .toctree-wrapper, .prev-next-area")


def _in_prose(node) -> bool:
    """True when a string of the page is running prose (no ancestor in NOT_PROSE)."""
    parent = node.parent
    while parent is not None and parent.name != "article":
        if parent.name in ("h1", "h2", "h3", "h4", "h5", "h6", "pre", "code", "figcaption", "caption", "dt",
                           "script", "style"):
            return False
        classes = set(parent.get("class") or [])
        if classes & {"math", "caption", "admonition-title", "cell_input", "cell_output", "toctree-wrapper",
                      "prev-next-area"}:
            return False
        parent = parent.parent
    return True


def _anchor_ids(entry: str) -> set[str]:
    return {tag["id"] for tag in _soup(entry).find_all(id=True)}


def _target(href: str, page: str) -> tuple[str, str]:
    """("book/appendix_glossary", "term-x") for "appendix_glossary.html#term-x" on a page in book/."""
    path, _, anchor = href.partition("#")
    base = Path(page).parent
    doc = (base / path.removesuffix(".html")).as_posix() if path else page
    return doc, anchor


GLOSSARY_PAGE = "book/appendix_glossary"


@built_book
def test_the_glossary_page_is_a_glossary_with_an_anchor_per_term() -> None:
    from test_glossary import glossary_entries

    soup = _soup(GLOSSARY_PAGE)
    glossary = _article(soup).select_one("dl.glossary")
    assert glossary is not None, "the glossary is not a Sphinx glossary (dl.glossary)"
    terms = glossary.find_all("dt")
    entries = glossary_entries()
    assert len(terms) == sum(len(t) for t, _, _ in entries), "one <dt> per English term"
    assert all(t.get("id", "").startswith("term-") for t in terms), "a term without an anchor"
    for dd, (names, zh, _) in zip(glossary.find_all("dd"), entries, strict=True):
        chinese = dd.select_one('span[lang="zh-Hans"]')
        if CJK.search(zh):
            assert chinese is not None and chinese.get_text() in zh, f"{names}: no Chinese name marked zh-Hans"
        else:  # a name kept in Latin letters (RMSProp)
            assert dd.get_text().strip().startswith(zh), f"{names}: the Chinese name {zh!r} is not shown"
        assert " — " in dd.get_text(), f"{names}: no meaning"
    assert any(a.get("href", "").endswith("genindex.html") for a in _article(soup).find_all("a")), \
        "the glossary links to the index"


@built_book
def test_the_index_lists_every_glossary_term() -> None:
    index = (HTML / "genindex.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="book/appendix_glossary\.html#(term-[^"]+)"', index))
    terms = {i for i in _anchor_ids(GLOSSARY_PAGE) if i.startswith("term-")}
    assert linked == terms and len(terms) > 100, f"terms not in the index: {sorted(terms - linked)[:5]}"


def _glossary_names() -> dict[str, list[str]]:
    """Glossary term (as written in the glossary, lower case) -> the English names it is used under."""
    from test_glossary import english_names, glossary_entries

    return {term.lower(): english_names(term) for terms, _, _ in glossary_entries() for term in terms}


def _names_pattern(names: list[str]) -> re.Pattern[str]:
    """Whole words, case-insensitive, plural allowed, longest name first; '-' and '–' alike."""
    def alt(name: str) -> str:
        body = r"\s+".join(re.escape(w).replace("\\-", "[-–]") for w in name.split())
        if name.endswith("y") and name[-2:-1] not in ("a", "e", "i", "o", "u"):
            return body[:-1] + "(?:y|ies)"
        return body + "(?:e?s)?"

    return re.compile(r"(?<![\w-])(?:" + "|".join(alt(n) for n in sorted(names, key=len, reverse=True))
                      + r")(?![\w-])", re.IGNORECASE)


def first_use_violations(soup: BeautifulSoup, names: dict[str, list[str]]) -> list[str]:
    """Glossary links that are not a term's first use in the page's prose, or sit outside prose."""
    everything = _names_pattern([n for ns in names.values() for n in ns])
    owner = {n.replace("–", "-"): term for term, ns in names.items() for n in ns}
    seen: set[str] = set()
    problems = []
    for string in _article(soup).find_all(string=True):
        link = string.find_parent("a", class_="site-glossary-link")
        if link is not None:
            if string is not link.find(string=True):
                continue
            term = (link.get("title") or "").lower()
            if not _in_prose(link):
                problems.append(f"{term}: linked outside prose")
            if term in seen:
                problems.append(f"{term}: linked after an earlier unlinked use (or twice)")
            seen.add(term)
            continue
        if not _in_prose(string) or string.find_parent("a") is not None:
            continue
        for m in everything.finditer(str(string)):
            word = re.sub(r"\s+", " ", m.group(0).lower()).replace("–", "-")
            for candidate in (word, word[:-1], word[:-2], word[:-3] + "y"):
                if candidate in owner:
                    seen.add(owner[candidate])
                    break
    return problems


def test_first_use_check_catches_a_late_link() -> None:
    names = {"gradient descent": ["gradient descent"], "gradient": ["gradient"]}
    good = ('<article class="bd-article"><h1>Gradient descent</h1><p>The <a class="site-glossary-link" '
            'title="gradient descent">gradient descent</a> step uses the <a class="site-glossary-link" '
            'title="gradient">gradients</a>; gradient descent again.</p></article>')
    late = ('<article class="bd-article"><p>Gradients first.</p><p>Then the <a class="site-glossary-link" '
            'title="gradient">gradient</a>.</p></article>')
    assert first_use_violations(BeautifulSoup(good, "html.parser"), names) == []
    assert first_use_violations(BeautifulSoup(late, "html.parser"), names) == [
        "gradient: linked after an earlier unlinked use (or twice)"]


@built_book
@pytest.mark.parametrize("entry", _numbered_chapters())
def test_each_chapter_links_the_first_use_of_glossary_terms(entry: str) -> None:
    soup = _soup(entry)
    links = _article(soup).select("a.site-glossary-link")
    assert len(links) >= 10, f"{entry}: only {len(links)} glossary links"
    anchors = _anchor_ids(GLOSSARY_PAGE)
    for link in links:
        doc, anchor = _target(link["href"], entry)
        assert doc == GLOSSARY_PAGE and anchor in anchors, f"{entry}: {link['href']} does not exist"
    targets = [link["href"] for link in links]
    assert len(targets) == len(set(targets)), f"{entry}: a term linked twice"
    assert first_use_violations(soup, _glossary_names()) == [], entry


SEED_REFERENCE = re.compile(r"(?<![\w-])seeds?\s+\d{3}(?!\d)|(?<=\sand\s)\d{3}(?!\d)", re.IGNORECASE)
ERRATA_PAGE = "book/appendix_errata"


def unlinked_seed_references(soup: BeautifulSoup) -> tuple[list[str], int]:
    """("seed NNN" in prose that is not a link, number of seed references that are links)."""
    unlinked, linked = [], 0
    for string in _article(soup).find_all(string=True):
        if not _in_prose(string):
            continue
        for m in re.finditer(r"(?<![\w-])seeds?\s+\d{3}(?!\d)", str(string), re.IGNORECASE):
            if string.find_parent("a") is None:
                unlinked.append(str(string)[max(0, m.start() - 30): m.end() + 20].replace("\n", " "))
            else:
                linked += 1
    return unlinked, linked


def test_unlinked_seed_detector() -> None:
    html = ('<article class="bd-article"><h2>Seed 001: shapes</h2><p><a href="x.html#a">Seed 000</a> (FAQ 6.3) '
            'and seed 001 (§4.1).</p><pre>seed 002</pre></article>')
    unlinked, linked = unlinked_seed_references(BeautifulSoup(html, "html.parser"))
    assert linked == 1 and len(unlinked) == 1 and "seed 001 (§4.1)" in unlinked[0]


@built_book
def test_every_seed_reference_links_to_an_existing_errata_anchor() -> None:
    """Every "seed NNN" in the running text of a chapter or appendix leads to the errata."""
    anchors = _anchor_ids(ERRATA_PAGE)
    in_chapters = 0
    for entry in toc_entries():
        if entry == ERRATA_PAGE:
            continue
        soup = _soup(entry)
        unlinked, linked = unlinked_seed_references(soup)
        assert not unlinked, f"{entry}: seed references without a link: {unlinked[:3]}"
        for link in _article(soup).select("a.site-seed-link"):
            doc, anchor = _target(link["href"], entry)
            assert doc == ERRATA_PAGE and anchor in anchors, f"{entry}: {link['href']} does not exist"
        if entry in _numbered_chapters():
            in_chapters += linked
    assert in_chapters >= 40, f"only {in_chapters} seed references in the chapters"


@built_book
def test_seed_references_with_a_place_link_to_that_entry() -> None:
    """ "Seed 000 (FAQ 6.3)" is the chain-rule erratum; "Seed 001 (§4.1)" the shapes erratum."""
    def targets(entry: str) -> list[str]:
        return [_target(a["href"], entry)[1] for a in _article(_soup(entry)).select("a.site-seed-link")]

    assert "errata-000-chain-rule" in targets("book/03_chain_rule_and_graphs")
    assert {"errata-001-shapes", "errata-000-missing-derivative"} <= set(targets("book/04_backprop_matrix"))
    faq = _anchor_ids("book/appendix_faq")
    assert len([i for i in faq if i.startswith("faq-")]) >= 15, "FAQ questions without anchors"


API_PAGE = "book/appendix_api"


@built_book
def test_chapters_link_their_first_use_of_bpkit_names_to_the_api_reference() -> None:
    anchors = _anchor_ids(API_PAGE)
    total = 0
    for entry in _numbered_chapters():
        links = _article(_soup(entry)).select("a.site-api-link")
        targets = []
        for link in links:
            doc, anchor = _target(link["href"], entry)
            assert doc == API_PAGE and anchor in anchors, f"{entry}: {link['href']} is not in the API reference"
            assert link.find("code") is not None and _in_prose(link), f"{entry}: {link} is not inline code in prose"
            name = anchor.removeprefix("module-")  # a module's anchor is module-bpkit.x
            assert name.startswith("bpkit.") and link.get("title") == name, f"{entry}: {link}"
            targets.append(anchor)
        assert len(targets) == len(set(targets)), f"{entry}: a bpkit name linked twice"
        total += len(links)
    assert total >= 30, f"only {total} bpkit names linked in the chapters"
    ch12 = [_target(a["href"], "book/12_convolution")[1] for a in _article(_soup("book/12_convolution")).select("a.site-api-link")]
    assert "bpkit.conv.Conv2D" in ch12
    for entry in _numbered_chapters():  # method calls on variables stay plain code
        for code in _article(_soup(entry)).select("a.site-api-link code"):
            assert code.get_text() not in ("zero_grad()", "backward()", "model.zero_grad()")


# --- how a seed reference chooses its errata entry (book/_ext/site_seeds.py), without a build --------------

def test_a_seed_reference_links_to_the_entry_at_the_place_it_names() -> None:
    seeds = book_layout.site_module("site_seeds")
    errata = BOOK / "appendix_errata.md"
    entries = seeds.errata_entries(str(errata), errata.stat().st_mtime)
    labels = set(re.findall(r"^\(([\w-]+)\)=$", errata.read_text(encoding="utf-8"), re.MULTILINE))
    assert len(entries) > 40 and {e.label for e in entries} <= labels

    def choose(seed: str, place: str | None, page: str, in_paragraph: set[str] = frozenset()) -> str:
        return seeds.choose(seed, place, f"book/{page}", entries, set(in_paragraph))

    assert choose("000", "FAQ 6.3", "03_chain_rule_and_graphs") == "errata-000-chain-rule"
    assert choose("000", "Q3", "appendix_faq") == "errata-000-chain-rule"  # question 3 of seed 000's FAQ (§6)
    assert choose("001", "§4.1", "04_backprop_matrix") == "errata-001-shapes"  # §4.1 is in two; shown here
    assert choose("000", "§3.1", "04_backprop_matrix") == "errata-000-missing-derivative"
    assert choose("003", "FAQ 1", "03_chain_rule_and_graphs") == "errata-003-cost"
    # several entries fit equally well: the seed's own section, which lists them all
    assert choose("000", "§4", "06_backprop_in_code") == "errata-seed-000"
    # no place: the entry the paragraph links to, else the seed's section
    assert choose("000", None, "appendix_faq", {"errata-000-sparse"}) == "errata-000-sparse"
    assert choose("002", None, "11_frameworks") == "errata-seed-002"
    assert all(f"errata-seed-{n}" in labels for n in ("000", "001", "002", "003", "004"))


def test_seed_places_are_read_after_the_reference() -> None:
    seeds = book_layout.site_module("site_seeds")
    cases = {"Seed 000 (FAQ 6.3) calls": "FAQ 6.3", "Seed 004, §4.2, describes": "§4.2",
             "seed 001 in §3.4 (": "§3.4", "(seed 000, Q1)": "Q1", "seed 004, 9.2)": "9.2",
             "Seed 001's 1.40": "1.40", "seed 000 calls": None}
    for text, place in cases.items():
        m = seeds.SEED.search(text)
        found = seeds.PLACE.match(text[m.end():])
        assert (found.group(1) if found else None) == place, text
