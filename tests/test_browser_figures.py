"""The book's figure rule, checked where the reader meets it: every figure of every page, in Chromium.

The rule (bpkit.notebook; /work/coord/FIGURES.md gives the reasoning), checked by tests/test_browser.py
on every figure in the two visits it makes of every page (1280 and 390 px wide):

- R1 legibility: the smallest text of a figure, as displayed, is at least ``MIN_TEXT_PX[w]`` CSS px
  (font size) in a window ``w`` px wide: 11 px at 1280 (desktop), 9 px at 390 (phone). The size is
  computed from the figure itself: ``bpkit.notebook.book_png`` records the smallest font it drew
  (pt) and the PNG's pixels per inch in a ``bpkit-figure`` text chunk, and the browser says how
  wide the image is shown: px = font_pt * dpi / 72 * shown_width / png_width.
- R3 sharpness: the PNG has at least twice the pixels of its displayed width (a "retina" image).
- R4 without colour: no two entries of one legend differ in colour only (``same_style`` is empty).

An image without the chunk was not drawn by ``use_book_style`` (an old output, a pasted PNG) and
fails: nothing is assumed about it. Set ``BOOK_HTML`` to check another build (default _build/html).
Needs Debian's `chromium`; skipped with one line without it, required under CI=true.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import browser_support
import pytest

from book_layout import ROOT, load_notebook
from bpkit.notebook import MIN_TEXT_PX, REPORT_KEY

HTML = browser_support.HTML
#: Where each page's measurements are written, for a person (and the closing note) to read.
MEASUREMENTS = HTML.parent / "figure_legibility.json"

FIGURES_JS = """() => [...document.querySelectorAll('main img')]
  .filter(i => (i.getAttribute('src') || '').includes('_images/'))
  .map(i => ({src: i.currentSrc || i.src, complete: i.complete, natural: i.naturalWidth,
              shown: i.getBoundingClientRect().width,
              hidden: i.getBoundingClientRect().width === 0 || i.offsetParent === null}))"""


def figure_record(png: Path) -> dict | None:
    """The ``bpkit-figure`` chunk of a PNG (smallest font, dpi, look-alike legend entries), or None."""
    from PIL import Image

    with Image.open(png) as image:
        raw = image.info.get(REPORT_KEY) if image.format == "PNG" else None
    return json.loads(raw) if raw else None


def check_figure(record: dict | None, natural: float, shown: float, window: int) -> tuple[list[str], float | None]:
    """The rule's verdict on one displayed figure: (what is wrong, smallest text in CSS px)."""
    if record is None:
        return ["no bpkit-figure record: not drawn by use_book_style (re-execute the notebook)"], None
    problems = []
    if natural < 2 * shown - 1:
        problems.append(f"not sharp: {natural} px PNG shown {shown:.0f} px wide (needs 2x)")
    text_px = None
    if record["min_font_pt"] is not None:
        text_px = record["min_font_pt"] * record["dpi"] / 72 * shown / natural
        if text_px < MIN_TEXT_PX[window] - 1e-6:
            problems.append(
                f"smallest text {text_px:.1f} px < {MIN_TEXT_PX[window]:g} px "
                f"({record['min_font_pt']:g} pt, {natural / 2:.0f} px figure shown at {shown:.0f} px)"
            )
    if record["same_style"]:
        problems.append(f"legend entries differ in colour only: {record['same_style']}")
    return problems, text_px


def test_the_check_fails_what_breaks_the_rule() -> None:
    """check_figure is not a test that cannot fail: each breach of the rule is reported."""
    good = {"min_font_pt": 10.0, "dpi": 200.0, "same_style": []}
    assert check_figure(good, 1000, 500, 1280) == ([], pytest.approx(13.89, abs=0.01))
    assert check_figure(good, 1000, 342, 390)[0] == []  # 10 pt at 342/500 of full size: 9.5 px
    assert "smallest text 6.8 px" in check_figure(good, 1400, 342, 390)[0][0]  # a 7-in figure on a phone
    assert "smallest text" in check_figure({**good, "min_font_pt": 7.0}, 1000, 500, 1280)[0][0]
    assert "not sharp" in check_figure(good, 500, 500, 1280)[0][0]  # a 1x PNG
    assert "colour only" in check_figure({**good, "same_style": [["RMSProp", "Adam"]]}, 1000, 500, 1280)[0][0]
    assert "no bpkit-figure record" in check_figure(None, 1000, 500, 1280)[0][0]


def figure_problems(page: object, entry: str, window: int, measured: dict) -> list[str]:
    """The rule's verdict on every figure of ``page`` (``entry`` open at ``window`` px), recorded in ``measured``.

    tests/test_browser.py calls this in the visits it makes anyway: the desktop reader's (1280 px)
    and the phone reader's (390 px).
    """
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=60_000)
    figures = page.evaluate(FIGURES_JS)
    source = ROOT / f"{entry}.ipynb"
    if source.is_file() and any(
        "image/png" in out.get("data", {}) for cell in load_notebook(source)["cells"] for out in cell.get("outputs", [])
    ):
        assert figures, f"{entry}: the notebook has figures but the page shows none (the test would pass vacuously)"
    problems = []
    for k, fig in enumerate(figures):
        name = Path(urlparse(fig["src"]).path).name
        if fig["hidden"]:
            continue  # inside a closed drop-down: measured when shown (none in the book today)
        record = figure_record(HTML / "_images" / unquote(name))
        wrong, text_px = check_figure(record, fig["natural"], fig["shown"], window)
        measured.setdefault(entry, {}).setdefault(f"figure {k + 1} ({name[:8]})", {})[str(window)] = {
            "shown_px": round(fig["shown"]), "png_px": fig["natural"],
            "min_text_px": None if text_px is None else round(text_px, 1),
        }
        problems += [f"figure {k + 1} ({name[:12]}) at {window} px: {w}" for w in wrong]
    return problems


def write_measurements(table: dict) -> None:
    """Merge ``table`` into MEASUREMENTS (each test worker writes the pages it checked)."""
    if not table:
        return
    old = json.loads(MEASUREMENTS.read_text(encoding="utf-8")) if MEASUREMENTS.is_file() else {}
    for entry, figures in table.items():
        for name, windows in figures.items():
            old.setdefault(entry, {}).setdefault(name, {}).update(windows)
    MEASUREMENTS.write_text(json.dumps(old, indent=1, sort_keys=True) + "\n", encoding="utf-8")
