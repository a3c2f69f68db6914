"""Jupyter Book's command line (``jupyter-book``), without a grammar library that only slows it down.

Jupyter Book imports jsonschema to check ``_config.yml``; jsonschema imports rfc3987-syntax when it
is installed (JupyterLab's jupyter-events asks for it), and rfc3987-syntax compiles 38 parsing
grammars at import: 3.3 of the 17 seconds of a build with nothing to do, in each build (``make book``
runs two). It serves only the schema formats "iri" and "iri-reference", which Jupyter Book's schema
does not use. Hiding the module makes jsonschema skip it, as when it is not installed.

Usage: ``python tools/run_jupyter_book.py build ...``, exactly as ``jupyter-book build ...``.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

from jupyter_book.cli.main import main  # noqa: E402  (after hiding the module)

if __name__ == "__main__":
    sys.argv[0] = "jupyter-book"
    sys.exit(main())
