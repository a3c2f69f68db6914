"""Serve MathJax 3 from the built book, so math renders with no network.

MathJax comes from the PyPI package ``django-static-mathjax`` (MathJax 3.2.2, no Django
needed at run time). At ``config-inited`` we stage the few files a page needs into
``_build/.offline-assets/_static/mathjax`` and add that folder to ``html_extra_path``; Sphinx
then copies it beside the pages. ``mathjax_path`` (relative, so Sphinx resolves it under
``_static/``) points at the staged ``tex-chtml.js``. Nothing is added to ``_static`` in the
source tree, because jupyter-book would link every script found there into every page.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

# The combined TeX-input/CommonHTML-output component, plus what it loads lazily:
# TeX extensions (e.g. boldsymbol), the menu, and the CommonHTML fonts.
_NEEDED = ("tex-chtml.js", "input/tex", "output/chtml", "ui", "a11y", "adaptors")
_STAGE = Path(".offline-assets")


def _mathjax_es5() -> Path:
    """Locate MathJax's ``es5`` folder inside the installed ``django-static-mathjax``."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(
            "offline_mathjax: the package 'django-static-mathjax' is not installed; "
            "run `pip install -r requirements.txt`"
        )
    es5 = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax" / "es5"
    if not (es5 / "tex-chtml.js").is_file():
        raise ExtensionError(f"offline_mathjax: no tex-chtml.js under {es5}")
    return es5


def _stage(app: Sphinx, config: Config) -> None:
    """Copy the MathJax subset once into the build folder and register it as extra path."""
    es5 = _mathjax_es5()
    stage = Path(app.outdir).parent / _STAGE
    target = stage / "_static" / "mathjax"
    marker = stage.with_name(stage.name + ".source")  # outside the copied tree
    if not (marker.is_file() and marker.read_text() == str(es5)):
        shutil.rmtree(target, ignore_errors=True)
        for rel in _NEEDED:
            src = es5 / rel
            dst = target / rel
            if src.is_dir():
                shutil.copytree(src, dst)
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(es5))
    config.html_extra_path = [*config.html_extra_path, str(stage.resolve())]
    config.mathjax_path = "mathjax/tex-chtml.js"


def setup(app: Sphinx) -> dict[str, object]:
    """Register the staging step; parallel-safe because it only runs at config time."""
    app.connect("config-inited", _stage, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
