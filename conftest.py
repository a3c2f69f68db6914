"""pytest hooks shared by the unit tests and by nbval's notebook checks."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so a test run (and CI) is reproducible.
# `HYPOTHESIS_PROFILE=explore make unit` draws fresh random examples, to hunt for new failures.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Strict nbval compares every output except stderr.

    stderr carries messages we do not control (library deprecation notes, kernel start-up
    chatter) that differ across machines; everything a chapter prints on purpose goes to stdout.
    """
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb":
        collector.skip_compare += ("stderr",)
