"""Build-time fixes for slow spots of the toolchain (measured with cProfile on a full build).

1. pybtex looks its plugins up again for every citation sphinxcontrib-bibtex resolves, and each lookup
   scans the entry points of every installed distribution: 168 lookups took 6.7 s of a 75 s build.
   The lookup's answer cannot change during a build, so it is cached.
"""

from __future__ import annotations

import functools

from sphinx.application import Sphinx


def _cache_pybtex_plugins() -> None:
    import pybtex.plugin

    lookup = pybtex.plugin._load_entry_point
    if not hasattr(lookup, "cache_info"):
        pybtex.plugin._load_entry_point = functools.lru_cache(maxsize=None)(lookup)


def setup(app: Sphinx) -> dict[str, object]:
    _cache_pybtex_plugins()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
