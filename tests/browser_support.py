"""What the browser tests share: the built book's folder, Debian's chromium, a local server, a browser.

Each browser test module calls :func:`chromium` at import time: without the browser it is skipped
with one line saying what to install, except under CI (CI=true), where the browser is required.
The ``server`` and ``browser`` fixtures in tests/conftest.py use :func:`serve` and :func:`launch`.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import book_layout

#: The built HTML: $BOOK_HTML when set (e.g. a fast build elsewhere), else the repository's _build/html.
HTML = Path(os.environ["BOOK_HTML"]).resolve() if os.environ.get("BOOK_HTML") else book_layout.HTML

#: Chromium's flags: no sandbox (containers), no GPU, and nothing that phones home.
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

MISSING = "Debian's chromium is not installed: apt-get install chromium (the browser tests need it)"


def chromium() -> str:
    """The chromium executable; skips the calling module without it (fails under CI=true)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise RuntimeError(MISSING)
        pytest.skip(MISSING, allow_module_level=True)
    return found


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest's output clean
        pass


@contextlib.contextmanager
def serve(html: Path = HTML) -> Iterator[str]:
    """Serve ``html`` on a free local port; yields the base URL."""
    if not (html / "index.html").is_file():
        pytest.fail(f"no built book in {html}: run `make book` first (or set BOOK_HTML)")
    handler = functools.partial(_QuietHandler, directory=str(html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def launch() -> Iterator[Any]:
    """A headless Debian chromium driven by Playwright (which never downloads a browser here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()
