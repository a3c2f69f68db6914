"""The case record shared by the bad-input suites (test_bad_input_core.py, test_bad_input_catalogue.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bpkit.errors import BpkitError


@dataclass(frozen=True)
class Bad:
    """One bad call: it must raise `kind` with a message that names `arg`."""

    id: str
    call: Callable[[], object]
    arg: str
    kind: type[BpkitError] = BpkitError
