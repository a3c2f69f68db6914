"""The Chinese edition as built (_build/html/zh; `make book`, or `make test`'s build from outputs).

It is the English edition's twin: every page exists in both and links to its other-language page; a
page shows the same computed numbers and the same figures as its English page (the same notebooks);
its prose is Chinese, with no English paragraph, raw markup or unresolved glue left; its figures have
Chinese alt text; its search index knows the glossary's Chinese terms; its glossary terms and seed
references link as in English; and the build used every message of the catalogues (none is stale).
Set BOOK_HTML to check another build's html folder (its zh/ subfolder is the Chinese edition).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from functools import cache
from pathlib import Path, PurePosixPath

import pytest
from bs4 import BeautifulSoup
from test_built_book import _in_prose

import book_layout
from book_layout import toc_entries

HTML = Path(os.environ["BOOK_HTML"]) if os.environ.get("BOOK_HTML") else book_layout.HTML
ZH = HTML / "zh"
# Written by book/_ext/site_i18n.py beside the Chinese build's html folder (copied into zh/ by make).
REPORT = HTML.parent / "zh" / "_build" / "i18n-messages.json"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
EDITIONS = {"en": HTML, "zh": ZH}
ENTRIES = toc_entries()

pytestmark = pytest.mark.built_book


def _html(edition: str, entry: str) -> str:
    return (EDITIONS[edition] / f"{entry}.html").read_text(encoding="utf-8")


@cache
def _soup(edition: str, entry: str) -> BeautifulSoup:
    """The parsed page, once per test process; the tests only read it."""
    return BeautifulSoup(_html(edition, entry), "html.parser")


def _article(soup: BeautifulSoup) -> BeautifulSoup:
    return soup.select_one("article.bd-article") or soup.select_one("main") or soup


def test_every_page_exists_in_both_editions() -> None:
    for name in [*ENTRIES, "genindex", "search", "index"]:
        for edition, root in EDITIONS.items():
            assert (root / f"{name}.html").is_file(), f"{edition}: no {name}.html"


LANGUAGE_LINK = re.compile(r'<a class="[^"]*\bbpkit-language\b[^"]*" href="([^"]+)" hreflang="([^"]+)"')
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)"')
HTML_LANG = re.compile(r'<html[^>]*\blang="([^"]+)"')


@pytest.mark.parametrize("edition", ["en", "zh"])
@pytest.mark.parametrize("entry", ENTRIES)
def test_each_page_links_to_the_same_page_in_the_other_edition(entry: str, edition: str) -> None:
    html = _html(edition, entry)  # read with patterns: the theme writes these tags one way
    links = LANGUAGE_LINK.findall(html)
    assert len(links) == 1, f"{len(links)} language links"
    href, hreflang = links[0]
    own = PurePosixPath(("zh/" if edition == "zh" else "") + f"{entry}.html")
    target = os.path.normpath((own.parent / href).as_posix())
    other = "en" if edition == "zh" else "zh"
    expected = ("zh/" if other == "zh" else "") + f"{entry}.html"
    assert target == expected, f"{href} leads to {target}, not {expected}"
    assert (HTML / target).is_file()
    assert hreflang == ("zh-Hans" if other == "zh" else "en")
    assert set(ALTERNATE.findall(html)) == {"en", "zh-Hans"}
    assert HTML_LANG.search(html).group(1).startswith("zh" if edition == "zh" else "en")


def test_the_link_patterns_read_the_theme_markup() -> None:
    """The patterns above find what BeautifulSoup finds, on a real page of each edition."""
    for edition in ("en", "zh"):
        soup, html = _soup(edition, "book/07_optimizers"), _html(edition, "book/07_optimizers")
        link = soup.select_one("a.bpkit-language")
        assert LANGUAGE_LINK.findall(html) == [(link["href"], link["hreflang"])]
        assert sorted(ALTERNATE.findall(html)) == sorted(t["hreflang"] for t in soup.select('link[rel="alternate"]'))
        assert PASTED.findall(html) == [s.decode_contents() for s in _article(soup).select("span.pasted-text")]


@cache
def _prose_blocks(edition: str, entry: str) -> tuple[str, ...]:
    """Texts of the article's paragraphs, list items, captions and definitions that a translator writes.

    Left out: code, printed output, math, the API reference's docstrings, the bibliography, and the
    glossary's English terms (which stay English in both editions).
    """
    article = _article(BeautifulSoup(_html(edition, entry), "html.parser"))  # a copy of its own: cut below
    for tag in article.select("pre, code, script, style, .math, .cell_output, dl.py, .citation, "
                              "div.bibliography, dl.glossary > dt, span.pasted-text"):
        tag.decompose()
    blocks = []
    for tag in article.find_all(["p", "li", "figcaption", "dd", "h1", "h2", "h3", "th", "td"]):
        if tag.find(["p", "li"]):
            continue  # its own paragraphs are checked one by one
        text = " ".join(tag.get_text(" ").split())
        if text:
            blocks.append(text)
    return tuple(blocks)


def _english(blocks: tuple[str, ...]) -> list[str]:
    return [b[:80] for b in blocks if not CJK.search(b) and len(LATIN_WORD.findall(b)) >= 6]


# The API reference is bpkit's docstrings, in English in both editions (as help() shows them); only
# the page's own introduction is translated.
API = "book/appendix_api"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e != API])
def test_chinese_pages_have_no_english_paragraph_left(entry: str) -> None:
    english = _english(_prose_blocks("zh", entry))
    assert not english, f"{len(english)} English paragraphs: {english[:3]}"


def test_the_api_reference_introduction_is_chinese() -> None:
    article = _article(_soup("zh", API))
    first = " ".join(article.find("p").get_text(" ").split())
    assert CJK.search(first), first
    assert CJK.search(article.find("h1").get_text())


RAW = re.compile(r"\*\*|\{(?:glue|doc|ref|numref|cite|term|eq)[:}]|`|No key found|\$\$|\\\(|\\\[")


@pytest.mark.parametrize("entry", ENTRIES)
def test_chinese_prose_has_no_raw_markup_or_unresolved_glue(entry: str) -> None:
    raw = [m.string[max(0, m.start() - 20): m.end() + 20] for b in _prose_blocks("zh", entry)
           for m in RAW.finditer(b)]
    assert not raw, f"raw markup in the Chinese text: {raw[:5]}"


PASTED = re.compile(r'<span class="pasted-text">(.*?)</span>', re.S)
FIGURE = re.compile(r'<img [^>]*src="[^"]*_images/([^"/]+)"')


@pytest.mark.parametrize("entry", ENTRIES)
def test_same_numbers_and_figures_as_the_english_page(entry: str) -> None:
    """Every glued value and every figure of the English page appears on the Chinese page, as often."""
    en, zh = _html("en", entry), _html("zh", entry)
    pasted_en, pasted_zh = Counter(PASTED.findall(en)), Counter(PASTED.findall(zh))
    assert pasted_zh == pasted_en, f"glued values differ: {(pasted_en - pasted_zh) or (pasted_zh - pasted_en)}"
    assert Counter(FIGURE.findall(zh)) == Counter(FIGURE.findall(en))


@pytest.mark.parametrize("entry", ENTRIES)
def test_chinese_figures_have_chinese_alt_text(entry: str) -> None:
    images = [img for img in _article(_soup("zh", entry)).select("img") if "_images/" in img.get("src", "")]
    untranslated = [img.get("alt", "")[:60] for img in images if not CJK.search(img.get("alt", ""))]
    assert not untranslated, untranslated


def _search_index(root: Path) -> dict:
    text = (root / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1: text.rindex(")")])


def test_the_chinese_search_index_knows_the_glossary_terms() -> None:
    index = _search_index(ZH)
    terms = index["terms"]
    docs = index["docnames"]
    for word in ("反向传播", "梯度下降", "学习率", "链式法则", "循环神经网络"):
        assert word in terms, f"{word} is not a search word"
        found = terms[word] if isinstance(terms[word], list) else [terms[word]]
        assert len(found) >= 3, f"{word} is found on {[docs[i] for i in found]} only"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if re.search(r"/\d\d_", e)])
def test_chinese_chapters_link_glossary_terms_to_existing_entries(entry: str) -> None:
    anchors = {tag["id"] for tag in _soup("zh", "book/appendix_glossary").find_all(id=True)}
    links = _article(_soup("zh", entry)).select("a.site-glossary-link")
    assert len(links) >= 5, f"only {len(links)} glossary links"
    for link in links:
        path, _, anchor = link["href"].partition("#")
        assert path.endswith("appendix_glossary.html") and anchor in anchors, link["href"]
        assert CJK.search(link.get_text()), f"a Chinese page links an English word: {link.get_text()!r}"


def test_chinese_seed_references_link_to_the_errata() -> None:
    seed = book_layout.site_module("site_seeds").SEED
    anchors = {tag["id"] for tag in _soup("zh", "book/appendix_errata").find_all(id=True)}
    linked = unlinked = 0
    for entry in ENTRIES:
        if entry == "book/appendix_errata":
            continue
        article = _article(_soup("zh", entry))
        for link in article.select("a.site-seed-link"):
            assert link["href"].partition("#")[2] in anchors, link["href"]
            linked += 1
        for string in article.find_all(string=True):
            # Running prose only, as in English: not captions, headings, code or cell outputs.
            if _in_prose(string) and string.find_parent("a") is None:
                unlinked += len(seed.findall(str(string)))
    assert linked >= 30 and unlinked == 0, f"{linked} linked, {unlinked} not linked"


def test_the_build_used_every_catalogue_message() -> None:
    """No message of the catalogues is stale: each one was looked up by the page it belongs to."""
    if not REPORT.is_file():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{REPORT} is missing: the Chinese build writes it")
        pytest.skip(f"{REPORT} is missing (a Chinese build elsewhere?)")
    import sys

    sys.path.insert(0, str(book_layout.ROOT / "tools"))
    import i18n

    used = json.loads(REPORT.read_text(encoding="utf-8"))
    stale = {}
    for path in i18n.catalogues():
        messages = {e.msgid for e in i18n.entries(path)}
        unused = messages - set(used.get(f"book/{path.stem}", []))
        if unused:
            stale[path.stem] = sorted(m[:50] for m in unused)[:3]
    assert not stale, f"messages no page uses (run make locales): {stale}"
