"""The reader's view: every built page opened in headless Chromium with the network cut off.

Needs Debian's `chromium` (apt-get install chromium) and the HTML from `make book`. Playwright
drives that browser; it never downloads one of its own. Each page is checked for typeset math,
loaded images, JavaScript errors, requests to other hosts, figure alt text and heading order.
Screenshots of three pages are saved under _build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import itertools
import shutil
import threading
from collections.abc import Iterator

import pytest

from book_layout import HTML, toc_entries

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = HTML.parent / "screenshots"
SCREENSHOT_PAGES = {
    "book/intro": "intro.png",
    "book/05_worked_example": "worked_example.png",
    "book/07_optimizers": "optimizers.png",
}
TIMEOUT_MS = 120_000
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not (HTML / "index.html").is_file():
        pytest.fail("no built book: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def _open(browser: object, server: str, path: str) -> tuple[object, dict[str, list[str]]]:
    """Open one page with every request to another host aborted and recorded."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # Generous limits: MathJax typesets a formula-heavy chapter in a few seconds on an idle
    # machine, but a CI machine under load can take many times longer.
    page.set_default_timeout(TIMEOUT_MS)
    seen: dict[str, list[str]] = {"foreign": [], "errors": [], "failed": []}

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
    page.goto(f"{server}/{path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, seen


@pytest.mark.parametrize("entry", toc_entries())
def test_page_as_a_reader_sees_it(browser: object, server: str, entry: str) -> None:
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
        assert a11y["figuresWithoutText"] == 0, "a figure has neither caption nor alt text"
        levels = a11y["levels"]
        assert levels and levels[0] == 1 and levels.count(1) == 1, f"one h1 first: {levels}"
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not jumps, f"heading levels skip: {jumps}"
        assert not seen["foreign"], f"requests to other hosts: {seen['foreign']}"
        assert not seen["errors"], f"JavaScript console errors: {seen['errors']}"
        assert not seen["failed"], f"failed requests: {seen['failed']}"
        if entry in SCREENSHOT_PAGES:
            SHOTS.mkdir(parents=True, exist_ok=True)
            name = SCREENSHOT_PAGES[entry]
            page.screenshot(path=str(SHOTS / name), full_page=False)
            # A second view centred on the page's first figure, when it has one.
            figures = page.locator("main img:visible")
            if figures.count():
                figures.first.scroll_into_view_if_needed(timeout=10_000)
                page.screenshot(path=str(SHOTS / name.replace(".png", "_figure.png")))
    finally:
        page.close()


def test_search_finds_backpropagation_offline(browser: object, server: str) -> None:
    page, seen = _open(browser, server, "search.html?q=backpropagation")
    try:
        results = page.locator("#search-results li, ul.search li")
        results.first.wait_for(timeout=TIMEOUT_MS)
        titles = results.all_inner_texts()
        assert len(titles) >= 2, f"too few search results: {titles}"
        assert not seen["foreign"], f"requests to other hosts: {seen['foreign']}"
    finally:
        page.close()


def test_screenshots_were_saved() -> None:
    names = list(SCREENSHOT_PAGES.values())
    names += [n.replace(".png", "_figure.png") for n in names if "intro" not in n]
    for name in names:
        shot = SHOTS / name
        assert shot.is_file() and shot.stat().st_size > 10_000, f"missing screenshot {shot}"
