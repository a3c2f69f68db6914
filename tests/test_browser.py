"""The reader's view: every built page opened in headless Chromium with the network cut off.

Needs Debian's `chromium` (apt-get install chromium) and the HTML from `make book` (or set BOOK_HTML
to another build's html folder). Playwright
drives that browser; it never downloads one of its own. Each page is checked for typeset math,
loaded images, JavaScript errors, requests to other hosts, figure alt text and heading order, and at
desktop and phone width (the same visit, resized) for the figure rule (tests/test_browser_figures.py)
and formulas cut off.
Screenshots of three pages are saved under _build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import gzip
import itertools
import time
from collections.abc import Iterator

import browser_support
import pytest
from test_browser_figures import figure_problems, write_measurements

from book_layout import toc_entries

pytestmark = pytest.mark.browser
HTML = browser_support.HTML

CHROMIUM = browser_support.chromium()
SHOTS = HTML.parent / "screenshots"
SCREENSHOT_PAGES = {
    "book/intro": "intro.png",
    "book/05_worked_example": "worked_example.png",
    "book/07_optimizers": "optimizers.png",
}
TIMEOUT_MS = 120_000

# Text of the page's main column once MathJax has run, without code, math or hidden parts.
VISIBLE_PROSE_JS = """() => {
  const main = (document.querySelector('main') || document.body).cloneNode(true);
  main.querySelectorAll('pre, code, script, style, mjx-container, .cell_output, .output')
      .forEach(e => e.remove());
  return main.innerText;
}"""

ACCESSIBILITY_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const badImages = [...main.querySelectorAll('img')]
    .filter(i => !(i.alt || '').trim() || /\\.(png|jpe?g|svg)$/i.test(i.alt.trim()))
    .map(i => i.getAttribute('src'));
  const figuresWithoutText = [...main.querySelectorAll('figure')]
    .filter(f => !f.querySelector('figcaption') && ![...f.querySelectorAll('img')].every(i => i.alt))
    .length;
  const levels = [...main.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter(h => h.offsetParent !== null || h.closest('details'))
    .map(h => Number(h.tagName[1]));
  return {badImages, figuresWithoutText, levels};
}"""


# Chinese characters in the page whose nearest lang attribute is not Chinese (screen readers would
# read them with an English voice).
UNMARKED_CHINESE_JS = """() => {
  const cjk = /[\\u3400-\\u9fff]/;
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  const bad = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!cjk.test(n.nodeValue) || el.closest('script, style, mjx-container')) continue;
    const lang = (el.closest('[lang]') || {}).lang || '';
    if (!lang.startsWith('zh')) bad.push(n.nodeValue.trim().slice(0, 30));
  }
  return bad;
}"""


# Formulas whose right edge passes the text column without a scrollable box to hold them: the
# reader sees them cut off. Display equations in a scrollable box are fine.
CLIPPED_MATH_JS = """() => {
  const column = document.querySelector('article.bd-article') || document.querySelector('main');
  const limit = column.getBoundingClientRect().right + 1;
  const clipped = [];
  for (const m of column.querySelectorAll('mjx-container')) {
    const r = m.getBoundingClientRect();
    if (r.width === 0 || r.right <= limit) continue;
    let held = false;
    for (let e = m.parentElement; e && e !== column; e = e.parentElement) {
      const ox = getComputedStyle(e).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && e.getBoundingClientRect().right <= limit) { held = true; break; }
    }
    if (!held) clipped.push((m.querySelector('mjx-assistive-mml') || m).textContent.slice(0, 50));
  }
  return clipped;
}"""

HEAD_JS = """() => {
  const meta = sel => (document.querySelector(sel) || {}).content || '';
  return {viewports: document.querySelectorAll('meta[name=viewport]').length,
          description: meta('meta[name=description]'), ogTitle: meta('meta[property="og:title"]'),
          ogImage: meta('meta[property="og:image"]'),
          icon: !!document.querySelector('link[rel=icon][href$="favicon.svg"]')};
}"""


@pytest.fixture(scope="module")
def measured() -> Iterator[dict]:
    """Every figure's numbers (test_browser_figures), written to figure_legibility.json at the end."""
    table: dict = {}
    yield table
    write_measurements(table)


def test_favicon_and_preview_image_are_served(browser: object, server: str) -> None:
    page = browser.new_page()
    try:
        for path in ("_static/social-preview.png", "_static/favicon.svg"):
            response = page.goto(f"{server}/{path}")
            assert response is not None and response.status == 200, path
            assert response.headers.get("content-type", "").startswith("image/"), path
    finally:
        page.close()


# A page's first visit (HTML, styles, scripts, fonts, figures), compressed as a web server would
# send it, stays under 1 MB; the theme's defaults alone were 1.7 MB before book_site trimmed them.
PAGE_WEIGHT_LIMIT = 1_000_000

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _open(
    browser: object, server: str, path: str, device: dict | None = None
) -> tuple[object, dict[str, list[str]]]:
    """Open one page (desktop size unless ``device`` says otherwise), other hosts cut off."""
    page = browser.new_page(**(device or DESKTOP))
    # Generous limits: MathJax typesets a formula-heavy chapter in a few seconds on an idle
    # machine, but a CI machine under load can take many times longer.
    page.set_default_timeout(TIMEOUT_MS)
    seen: dict[str, list] = {"foreign": [], "errors": [], "failed": [], "bytes": []}

    def route(r: object) -> None:
        if r.request.url.startswith(server) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            seen["foreign"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))

    def weigh(response: object) -> None:
        """Record (url, size gzip-compressed): what a server that compresses would send."""
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            return
        seen["bytes"].append((response.url, len(gzip.compress(body, 6))))

    page.on("response", weigh)
    page.goto(f"{server}/{path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, seen


@pytest.mark.parametrize("entry", toc_entries())
def test_page_as_a_reader_sees_it(browser: object, server: str, measured: dict, entry: str) -> None:
    started = time.time() - 1
    page, seen = _open(browser, server, f"{entry}.html")
    try:
        has_math = page.locator(".math").count() > 0
        if has_math:
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.document"
                " && document.querySelectorAll('mjx-container').length > 0",
                timeout=TIMEOUT_MS,
            )
            page.evaluate("() => MathJax.startup.promise")
            errors = page.locator("mjx-merror").count()
            assert errors == 0, f"{errors} formulas failed to typeset"
            keys = page.evaluate(
                "() => ({formulas: document.querySelectorAll('mjx-container').length,"
                " tabStops: document.querySelectorAll('mjx-container[tabindex]:not([tabindex=\"-1\"])').length,"
                " mathml: document.querySelectorAll('mjx-container mjx-assistive-mml math').length})"
            )
            assert keys["tabStops"] == 0, f"{keys['tabStops']} formulas are keyboard tab stops"
            assert keys["mathml"] == keys["formulas"], f"formulas without screen-reader MathML: {keys}"
            clipped = page.evaluate(CLIPPED_MATH_JS)
            assert not clipped, f"formulas cut off at desktop width: {clipped}"
        prose = page.evaluate(VISIBLE_PROSE_JS)
        for raw in ("\\(", "\\)", "\\[", "\\]", "$$"):
            assert raw not in prose, f"raw TeX {raw!r} left in the text of {entry}"
        broken = page.evaluate(
            "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => i.getAttribute('src'))"
        )
        assert not broken, f"images that did not load: {broken}"
        a11y = page.evaluate(ACCESSIBILITY_JS)
        assert not a11y["badImages"], f"images without real alt text: {a11y['badImages']}"
        figures = figure_problems(page, entry, 1280, measured)
        assert not figures, "the figure rule:\n" + "\n".join(figures)
        assert a11y["figuresWithoutText"] == 0, "a figure has neither caption nor alt text"
        levels = a11y["levels"]
        assert levels and levels[0] == 1 and levels.count(1) == 1, f"one h1 first: {levels}"
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not jumps, f"heading levels skip: {jumps}"
        head = page.evaluate(HEAD_JS)
        assert head["viewports"] == 1, f"{head['viewports']} viewport tags"
        assert len(head["description"]) >= 40, f"no real description: {head['description']!r}"
        assert head["ogImage"].endswith("/_static/social-preview.png") and head["ogTitle"], head
        assert head["icon"], "no favicon link"
        page.wait_for_load_state("networkidle")
        weight = sum(size for _, size in seen["bytes"])
        heaviest = sorted(seen["bytes"], key=lambda b: -b[1])[:3]
        assert weight < PAGE_WEIGHT_LIMIT, f"first visit {weight / 1e6:.2f} MB compressed; heaviest {heaviest}"
        unmarked = page.evaluate(UNMARKED_CHINESE_JS)
        assert not unmarked, f"Chinese text without lang=zh-Hans: {unmarked[:5]}"
        assert not seen["foreign"], f"requests to other hosts: {seen['foreign']}"
        assert not seen["errors"], f"JavaScript console errors: {seen['errors']}"
        assert not seen["failed"], f"failed requests: {seen['failed']}"
        if entry in SCREENSHOT_PAGES:
            SHOTS.mkdir(parents=True, exist_ok=True)
            name = SCREENSHOT_PAGES[entry]
            shots = [SHOTS / name]
            page.screenshot(path=str(shots[0]), full_page=False)
            # A second view centred on the page's first figure, when it has one.
            images = page.locator("main img:visible")
            if images.count():
                images.first.scroll_into_view_if_needed(timeout=10_000)
                shots.append(SHOTS / name.replace(".png", "_figure.png"))
                page.screenshot(path=str(shots[1]))
            for shot in shots:  # written by this run, not left over from an earlier one
                assert shot.stat().st_size > 10_000 and shot.stat().st_mtime >= started, f"bad screenshot {shot}"
        # The same page at a phone's width (typesetting a chapter's formulas takes seconds, so the
        # page is resized rather than opened again): no formula cut off, every figure legible.
        page.set_viewport_size(PHONE["viewport"])
        page.wait_for_function("() => document.documentElement.clientWidth <= 390")
        figures = figure_problems(page, entry, 390, measured)
        assert not figures, "the figure rule:\n" + "\n".join(figures)
        if has_math:
            clipped = page.evaluate(CLIPPED_MATH_JS)
            assert not clipped, f"formulas cut off at 390 px: {clipped}"
    finally:
        page.close()


@pytest.mark.parametrize(("path", "least"), [
    ("search.html?q=backpropagation", 2),
    ("zh/search.html?q=反向传播", 3),  # the Chinese edition's search (its words: book/_ext/site_zh_search.py)
])
def test_search_finds_backpropagation_offline(browser: object, server: str, path: str, least: int) -> None:
    page, seen = _open(browser, server, path)
    try:
        results = page.locator("#search-results li, ul.search li")
        results.first.wait_for(timeout=TIMEOUT_MS)
        titles = results.all_inner_texts()
        assert len(titles) >= least, f"too few search results: {titles}"
        assert not seen["foreign"], f"requests to other hosts: {seen['foreign']}"
    finally:
        page.close()


# Where each sidebar is, and whether its drawer (a <dialog> on narrow screens) is open.
SIDEBARS_JS = """() => {
  const box = sel => { const e = document.querySelector(sel); if (!e) return null;
    const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, visible: getComputedStyle(e).visibility !== 'hidden'}; };
  const open = sel => { const d = document.querySelector(sel); return !!(d && d.open); };
  return {primary: box('#pst-primary-sidebar'), secondary: box('#pst-secondary-sidebar'),
          primaryDrawer: open('#pst-primary-sidebar-modal'), secondaryDrawer: open('#pst-secondary-sidebar-modal'),
          menuButtons: document.querySelectorAll('.primary-toggle').length,
          contentsButtons: document.querySelectorAll('.secondary-toggle').length};
}"""


def test_phone_reader_can_open_the_chapter_list_and_the_page_contents(browser: object, server: str) -> None:
    page, _ = _open(browser, server, "book/07_optimizers.html", PHONE)
    try:
        before = page.evaluate(SIDEBARS_JS)
        assert before["menuButtons"] == 1 and before["contentsButtons"] == 1, (
            f"one menu and one contents button, not a hidden second pair: {before}"
        )
        assert not before["primaryDrawer"] and not before["secondaryDrawer"]
        page.locator("button.primary-toggle").tap()
        page.wait_for_function("() => document.querySelector('#pst-primary-sidebar-modal').open")
        chapters = page.locator("#pst-primary-sidebar-modal a.reference:visible")
        assert chapters.count() >= 11, "the chapter list drawer shows the chapters"
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('#pst-primary-sidebar-modal').open")
        page.locator("button.secondary-toggle").tap()
        page.wait_for_function("() => document.querySelector('#pst-secondary-sidebar-modal').open")
        assert page.locator("#pst-secondary-sidebar-modal a:visible").count() >= 3, "the contents drawer lists sections"
    finally:
        page.close()


def test_desktop_menu_button_collapses_and_restores_the_sidebar(browser: object, server: str) -> None:
    page, _ = _open(browser, server, "book/07_optimizers.html")
    try:
        shown = page.evaluate(SIDEBARS_JS)["primary"]
        assert shown["visible"] and shown["left"] >= 0
        page.locator("button.primary-toggle").click()
        page.wait_for_function("() => document.querySelector('#pst-primary-sidebar').getBoundingClientRect().right <= 0")
        page.locator("button.primary-toggle").click()
        page.wait_for_function("() => document.querySelector('#pst-primary-sidebar').getBoundingClientRect().left >= 0")
    finally:
        page.close()


def test_one_header_and_no_second_search_box(browser: object, server: str) -> None:
    for path in ("book/07_optimizers.html", "search.html?q=gradient"):
        page, _ = _open(browser, server, path)
        try:
            extra = page.evaluate(
                "() => { const h = document.querySelector('header#pst-header');"
                " return h ? h.querySelectorAll('button, input, a').length + h.getBoundingClientRect().height : 0; }"
            )
            assert extra == 0, f"a second header bar (buttons or height) on {path}"
            fields = page.locator("input[type=search]:visible, .search-button-field:visible")
            limit = 2 if path.startswith("search") else 1  # the search page adds its own field
            assert fields.count() <= limit, f"{fields.count()} search fields on {path}"
        finally:
            page.close()


# A page is readable on a phone when nothing sticks out past the screen's right edge (no column the
# reader would have to scroll sideways to find).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const article = document.querySelector('article.bd-article');
  const wide = [...article.querySelectorAll('dt, dd, p, span[lang]')]
    .filter(e => e.getBoundingClientRect().right > width + 1).map(e => e.textContent.slice(0, 40));
  return {width, scroll: document.documentElement.scrollWidth, wide};
}"""


def test_glossary_reads_on_a_phone(browser: object, server: str) -> None:
    """At 390 px each entry shows the English term, the Chinese term and the meaning, one under the other."""
    page, _ = _open(browser, server, "book/appendix_glossary.html", PHONE)
    try:
        seen = page.evaluate(OVERFLOW_JS)
        assert seen["scroll"] <= seen["width"] and not seen["wide"], f"off-screen at 390 px: {seen}"
        entry = page.evaluate(
            "() => { const dt = document.querySelector('#term-gradient-descent'); const dd = dt.nextElementSibling;"
            " return {term: dt.innerText, chinese: dd.querySelector('span[lang=\"zh-Hans\"]').innerText,"
            " meaning: dd.innerText, right: dd.getBoundingClientRect().right}; }"
        )
        assert entry["term"].startswith("gradient descent") and entry["chinese"] == "梯度下降", entry
        assert "—" in entry["meaning"] and entry["right"] <= 390, entry
        assert page.locator("article a[href$='genindex.html']").count() >= 1, "no link to the index"
    finally:
        page.close()


@pytest.mark.parametrize(("chapter", "link", "target"), [
    ("book/07_optimizers", "a.site-glossary-link", "book/appendix_glossary.html#term-"),
    ("book/03_chain_rule_and_graphs", "a.site-seed-link[href$='#errata-000-chain-rule']",
     "book/appendix_errata.html#errata-000-chain-rule"),
    ("book/12_convolution", "a.site-api-link[href$='#bpkit.conv.Conv2D']", "book/appendix_api.html#bpkit.conv.Conv2D"),
])
def test_a_chapter_link_takes_the_phone_reader_to_the_entry(
    browser: object, server: str, chapter: str, link: str, target: str
) -> None:
    """Tapping a glossary term, a seed reference or a bpkit name scrolls its entry into view."""
    page, seen = _open(browser, server, f"{chapter}.html", PHONE)
    try:
        first = page.locator(f"article {link}").first
        first.scroll_into_view_if_needed()
        first.tap()
        page.wait_for_url(f"**/{target}*")
        anchor = page.url.split("#", 1)[1]
        box = page.evaluate(
            "id => { const e = document.getElementById(id); if (!e) return null;"
            " const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, h: innerHeight}; }", anchor
        )
        assert box is not None, f"no element with id {anchor} on {page.url}"
        assert 0 <= box["top"] < box["h"], f"the entry is not in view after the tap: {box}"
        assert not seen["errors"], seen["errors"]
    finally:
        page.close()
