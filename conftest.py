"""pytest hooks shared by the unit tests and by nbval's notebook checks."""

from __future__ import annotations

import pytest


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Strict nbval compares every output except stderr.

    stderr carries messages we do not control (library deprecation notes, kernel start-up
    chatter) that differ across machines; everything a chapter prints on purpose goes to stdout.
    """
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb":
        collector.skip_compare += ("stderr",)
