"""Fixtures of the browser tests (tests/browser_support.py): one local server and one browser per module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import browser_support
import pytest


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with browser_support.serve() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with browser_support.launch() as b:
        yield b
