"""The interactive figures (bpkit.interactive) in headless Chromium, with the network cut off.

For every built page that holds a ``.bpkit-interactive`` figure, at desktop width (1280 px) and on a
phone (390 px): each figure draws once scrolled to, its still version is then hidden, moving each
control (a slider by keyboard, another menu item) changes the plotted data, no request leaves
localhost, the console stays clean, plotly.min.js is fetched once, and the controls fit the screen.
Pages without a figure must not load the figures' scripts.

The built HTML comes from ``make book`` (_build/html), or from the folder in BOOK_HTML (for a
build made with ``--path-output``). Needs Debian's chromium, like tests/test_browser.py.
"""

from __future__ import annotations

import functools
import re

import browser_support
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = browser_support.chromium()

HTML = browser_support.HTML
TIMEOUT_MS = 120_000
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
MARKER = '<div class="bpkit-interactive"'
DRIVER, PLOTLY = "bpkit-interactive.js", "plotly.min.js"


def pages() -> list[str]:
    """The built pages (relative paths) that contain an interactive figure."""
    if not HTML.is_dir():
        return []
    return sorted(str(p.relative_to(HTML)) for p in HTML.rglob("*.html")
                  if "_static" not in p.parts and MARKER in p.read_text(encoding="utf-8"))


# The plotted data of each panel of a figure: what must change when a control moves.
TRACES_JS = """root => [...root.querySelectorAll('.js-plotly-plot')]
  .map(d => JSON.stringify((d.data || []).map(t => [t.name, t.x, t.y])))"""

STATE_JS = """root => {
  const cell = root.closest('.cell');
  let still = cell ? cell.previousElementSibling : null;
  while (still && !still.classList.contains('cell')) still = still.previousElementSibling;
  const visible = e => !!e && e.offsetParent !== null && e.getBoundingClientRect().height > 0;
  return {drawn: root.dataset.drawn || '',
          stillTagged: !!still && still.classList.contains('tag_interactive-still'),
          stillVisible: visible(still),
          noteVisible: visible(root.querySelector('.bpkit-interactive-note')),
          panels: root.querySelectorAll('.js-plotly-plot').length,
          traces: [...root.querySelectorAll('.js-plotly-plot')].map(d => (d.data || []).length)};
}"""

# Each control's box and each panel's box, to check that they fit a phone's screen.
BOXES_JS = """root => ({
  controls: [...root.querySelectorAll('[data-control]')].map(e => {
    const r = e.getBoundingClientRect(); return [e.id, r.left, r.right, r.height]; }),
  panels: [...root.querySelectorAll('.bpkit-panel')].map(e => {
    const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; }),
  width: document.documentElement.clientWidth})"""


def _open(browser: object, server: str, path: str, device: str) -> tuple[object, dict[str, list[str]]]:
    """Open a page with every request to another host aborted and recorded."""
    page = browser.new_page(**DEVICES[device])
    page.set_default_timeout(TIMEOUT_MS)
    seen: dict[str, list[str]] = {"foreign": [], "errors": [], "failed": [], "urls": []}

    def route(r: object) -> None:
        url = r.request.url
        if url.startswith((server, "data:")):
            r.continue_()
        else:
            seen["foreign"].append(url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda r: seen["urls"].append(r.url))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.goto(f"{server}/{path}", wait_until="load")
    return page, seen


def _changes(page: object, root: object, act: object) -> bool:
    """Run ``act`` and wait until the figure's plotted data differ from before."""
    before = root.evaluate(TRACES_JS)
    act()
    try:
        page.wait_for_function(f"([root, before]) => JSON.stringify(({TRACES_JS})(root)) !== JSON.stringify(before)",
                               arg=[root.element_handle(), before], timeout=10_000)
    except Exception:  # playwright's TimeoutError: the data did not change
        return False
    return True


def test_the_book_has_interactive_figures() -> None:
    if not HTML.is_dir():
        pytest.fail(f"no built book in {HTML}: run `make book` first (or set BOOK_HTML)")
    found = pages()
    assert any("07_optimizers" in p for p in found), f"chapter 7's figure is missing; pages with figures: {found}"


def test_scripts_are_linked_only_on_pages_with_a_figure_and_once() -> None:
    with_figure = set(pages())
    for page in HTML.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        rel = str(page.relative_to(HTML))
        # Sphinx appends ?v=<checksum> to a static file's link when the file is already in the
        # output (an incremental build), and nothing on a fresh build: count both forms.
        links = re.findall(re.escape(DRIVER) + r'(?:\?v=[0-9a-f]+)?"', text)
        assert len(links) == (1 if rel in with_figure else 0), rel
        assert PLOTLY not in text, f"{rel} links plotly.min.js directly; the driver loads it"
    for name in (DRIVER, PLOTLY):
        assert (HTML / "_static" / name).is_file(), f"_static/{name} was not copied"


def english_pages() -> list[str]:
    """The English edition's pages with a figure: the Chinese edition's run the same driver on the same
    data (tests/test_built_zh.py checks that each Chinese page has what its English page has)."""
    return [p for p in pages() if not p.startswith("zh/")]


@pytest.mark.parametrize("device", list(DEVICES))
@pytest.mark.parametrize("path", english_pages() or ["(no built pages with figures)"])
def test_every_control_changes_the_figure(browser: object, server: str, path: str, device: str) -> None:
    if path.startswith("("):
        pytest.fail(f"no page of {HTML} has an interactive figure")
    page, seen = _open(browser, server, path, device)
    try:
        roots = page.locator(".bpkit-interactive")
        assert roots.count() >= 1
        for k in range(roots.count()):
            root = roots.nth(k)
            root.scroll_into_view_if_needed()
            page.wait_for_function("r => r.dataset.drawn", arg=root.element_handle(), timeout=TIMEOUT_MS)
            state = root.evaluate(STATE_JS)
            assert state["drawn"] == "true", f"figure {k} did not draw: {state}"
            assert state["stillTagged"], f"figure {k} has no still (a cell tagged interactive-still) before it"
            assert not state["stillVisible"] and not state["noteVisible"], state
            assert state["panels"] >= 1 and min(state["traces"]) >= 1, state
            moved = []
            for control in root.locator("[data-control]").all():
                name = control.get_attribute("data-control")
                if control.evaluate("e => e.tagName") == "SELECT":
                    n = control.locator("option").count()
                    current = int(control.input_value())
                    pick = str((current + 1) % n)
                    changed = _changes(page, root, functools.partial(control.select_option, pick))
                else:
                    assert not control.is_disabled(), f"slider {name} is greyed out in the figure's first setting"
                    readout = root.locator(f'output[for="{control.get_attribute("id")}"]')
                    before = readout.text_content()
                    key = "Home" if control.input_value() == control.get_attribute("max") else "End"
                    control.focus()
                    changed = _changes(page, root, functools.partial(control.press, key))
                    assert readout.text_content() != before, f"the readout of {name} did not change"
                assert changed, f"moving {name} did not change the plotted data ({path}, {device})"
                moved.append(name)
            assert moved, "a figure without controls"
            if device == "phone":
                boxes = root.evaluate(BOXES_JS)
                for cid, left, right, height in boxes["controls"]:
                    assert left >= 0 and right <= boxes["width"] + 0.5, f"{cid} sticks out of the screen: {boxes}"
                    assert height >= 24, f"{cid} is too small to touch ({height:.0f} px)"
                for left, right, _, _ in boxes["panels"]:
                    assert left >= 0 and right <= boxes["width"] + 0.5 and right - left >= 250, boxes
                tops = [b[2] for b in boxes["panels"]]
                assert all(b >= a[3] - 1 for a, b in zip(boxes["panels"], tops[1:], strict=False)), "panels not stacked"
        page.wait_for_load_state("networkidle")
        loads = [u for u in seen["urls"] if u.split("?")[0].endswith("/" + PLOTLY)]
        assert len(loads) == 1, f"plotly.min.js requested {len(loads)} times"
        assert page.evaluate(f"() => document.querySelectorAll('script[src*=\"{PLOTLY}\"]').length") == 1
        assert not seen["foreign"], f"requests to other hosts: {seen['foreign']}"
        assert all(u.startswith((server, "data:")) for u in seen["urls"])
        assert not seen["errors"], f"console errors: {seen['errors']}"
        assert not seen["failed"], f"failed requests: {seen['failed']}"
    finally:
        page.close()


def test_a_page_without_figures_loads_neither_script(browser: object, server: str) -> None:
    without = [p for p in ("book/05_worked_example.html", "intro.html", "book/intro.html")
               if (HTML / p).is_file() and p not in pages()]
    assert without, "no page without figures to check"
    page, seen = _open(browser, server, without[0], "desktop")
    try:
        page.mouse.wheel(0, 100_000)
        page.wait_for_load_state("networkidle")
        assert not [u for u in seen["urls"] if DRIVER in u or PLOTLY in u]
        assert page.evaluate("() => typeof window.Plotly") == "undefined"
    finally:
        page.close()


def test_without_plotly_the_still_stays(browser: object, server: str) -> None:
    """plotly.min.js cut off too: the still and the note stay visible, the controls stay hidden, and the
    only console error is the failed request itself."""
    path = next(p for p in pages() if "07_optimizers" in p)
    page = browser.new_page(**DEVICES["desktop"])
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.route("**/*", lambda r: r.abort() if (not r.request.url.startswith(server)
                                               or r.request.url.endswith("/" + PLOTLY)) else r.continue_())
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{server}/{path}", wait_until="load")
        root = page.locator(".bpkit-interactive").first
        root.scroll_into_view_if_needed()
        page.wait_for_function("r => r.dataset.drawn === 'failed'", arg=root.element_handle(), timeout=TIMEOUT_MS)
        state = root.evaluate(STATE_JS)
        assert state["stillVisible"] and state["noteVisible"] and state["panels"] == 0, state
        assert root.locator(".bpkit-interactive-controls").is_hidden()
        assert len(errors) == 1 and "Failed to load resource" in errors[0], errors
    finally:
        page.close()
