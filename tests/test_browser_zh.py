"""The Chinese edition in headless Chromium, network cut off, as tests/test_browser.py checks the English.

Every Chinese page: formulas typeset offline (no MathJax error), no raw TeX in the text, every image
loaded, no character drawn as a missing-glyph box (a CJK font must be installed where the test runs:
fonts-wqy-zenhei or fonts-noto-cjk), no JavaScript error, no request to another host. The language link opens the same page in the other
edition, both ways. (The Chinese search for 反向传播 is in tests/test_browser.py, beside the English one.)
"""

from __future__ import annotations

import browser_support
import pytest
from test_browser import DESKTOP, TIMEOUT_MS, VISIBLE_PROSE_JS, _open

from book_layout import toc_entries

pytestmark = pytest.mark.browser
CHROMIUM = browser_support.chromium()

# Characters of the main column that the page's body font stack draws as the missing-glyph box: each
# distinct character is drawn on a canvas and compared with a code point no font has (U+10FFFD).
MISSING_GLYPHS_JS = """() => {
  const main = document.querySelector('article.bd-article') || document.body;
  const chars = [...new Set([...main.innerText].filter(c => c.trim() && c.codePointAt(0) > 0x7f))];
  const font = getComputedStyle(main.querySelector('p') || main).font;
  const canvas = document.createElement('canvas'); canvas.width = 48; canvas.height = 48;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = c => { ctx.clearRect(0, 0, 48, 48); ctx.font = font; ctx.fillText(c, 4, 36);
                      return ctx.getImageData(0, 0, 48, 48).data.join(''); };
  const box = draw(String.fromCodePoint(0x10FFFD));
  return {checked: chars.length, missing: chars.filter(c => draw(c) === box)};
}"""


@pytest.mark.parametrize("entry", toc_entries())
def test_chinese_page_as_a_reader_sees_it(browser: object, server: str, entry: str) -> None:
    page, seen = _open(browser, server, f"zh/{entry}.html")
    try:
        if page.locator(".math").count() > 0:
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.document",
                                   timeout=TIMEOUT_MS)
            page.evaluate("() => MathJax.startup.promise")
            assert page.locator("mjx-merror").count() == 0, "formulas failed to typeset"
        prose = page.evaluate(VISIBLE_PROSE_JS)
        # (The API reference's signatures show **params: only its prose must have no "**".)
        for raw in ("\\(", "\\)", "\\[", "\\]", "$$", *(("**",) if entry != "book/appendix_api" else ())):
            assert raw not in prose, f"raw markup {raw!r} in the text"
        broken = page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                               ".map(i => i.getAttribute('src'))")
        assert not broken, f"images that did not load: {broken}"
        glyphs = page.evaluate(MISSING_GLYPHS_JS)
        assert glyphs["checked"] > 20, glyphs
        assert not glyphs["missing"], f"drawn as missing-glyph boxes: {glyphs['missing'][:20]}"
        assert not seen["foreign"], f"requests to other hosts: {seen['foreign']}"
        assert not seen["errors"], f"JavaScript console errors: {seen['errors']}"
        assert not seen["failed"], f"failed requests: {seen['failed']}"
        # Every page's language link is checked in tests/test_built_zh.py; two are followed below.
        assert page.locator("a.bpkit-language").get_attribute("href").endswith(f"{entry}.html")
    finally:
        page.close()


def test_the_missing_glyph_check_catches_a_missing_glyph(browser: object, server: str) -> None:
    page = browser.new_page(**DESKTOP)
    try:
        page.set_content("<article class='bd-article'><p>反向传播 \U0010FFFC</p></article>")
        glyphs = page.evaluate(MISSING_GLYPHS_JS)
        assert glyphs["missing"] == ["\U0010FFFC"], glyphs
    finally:
        page.close()


@pytest.mark.parametrize(("start", "target", "lang"), [
    ("book/07_optimizers.html", "zh/book/07_optimizers.html", "zh"),
    ("zh/book/14_recurrent.html", "book/14_recurrent.html", "en"),
])
def test_the_language_link_opens_the_same_page_in_the_other_edition(
    browser: object, server: str, start: str, target: str, lang: str
) -> None:
    page, _ = _open(browser, server, start)
    try:
        page.locator("a.bpkit-language").click()
        page.wait_for_url(f"{server}/{target}")
        number = start.split("/")[-1][:2].lstrip("0")
        assert page.locator("h1 .section-number").first.inner_text().strip() == f"{number}."
        assert page.evaluate("() => document.documentElement.lang").startswith(lang)
    finally:
        page.close()
