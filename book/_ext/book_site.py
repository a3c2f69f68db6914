"""Site fixes that make the built book work offline and load cleanly in a browser.

1. MathJax 3 is served from the built book, so math renders with no network.
2. sphinx-thebe's loader is dropped: this book does not run code in the browser (readers use
   Colab, Binder or a local Jupyter), and the loader would fetch thebe from a CDN and, as
   jupyter-book 1 registers it twice, raise a JavaScript error on every page.
3. The theme gets an explicit default colour mode ("auto"); without it pydata-sphinx-theme logs
   a console error on a reader's first visit.
4. Chinese text (the terms' Chinese names, quotes from the seeds) is marked ``lang="zh-Hans"``,
   so that screen readers read it with a Chinese voice and browsers pick a Chinese font.
5. Every page gets a description and link-preview tags (Open Graph, Twitter card) with the
   book's preview image, and exactly one viewport tag (the themes write three).
6. Page weight (a chapter's first visit was 1.7 MB compressed, mostly theme defaults): the 1.5 MB
   Font Awesome script goes (the theme's CSS draws the same icons from its web fonts), and the
   web fonts keep only the glyphs the book uses; MathJax loads only on pages with math; the
   search scripts and index load only on the search page (the search button submits to it); the
   styles and scripts of extensions a page does not use are left out of it.

MathJax details:

MathJax comes from the PyPI package ``django-static-mathjax`` (MathJax 3.2.2, no Django
needed at run time). At ``config-inited`` we stage the few files a page needs into
``_build/.offline-assets/_static/mathjax`` and add that folder to ``html_extra_path``; Sphinx
then copies it beside the pages. ``mathjax_path`` (relative, so Sphinx resolves it under
``_static/``) points at the staged ``tex-chtml.js``. Nothing is added to ``_static`` in the
source tree, because jupyter-book would link every script found there into every page.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

# The combined TeX-input/CommonHTML-output component, plus what it loads lazily:
# TeX extensions (e.g. boldsymbol), the menu, and the CommonHTML fonts.
_NEEDED = ("tex-chtml.js", "input/tex", "output/chtml", "ui", "a11y", "adaptors")
_STAGE = Path(".offline-assets")
_PREVIEW = "social-preview.png"  # drawn by tools/make_social_preview.py


def _mathjax_es5() -> Path:
    """Locate MathJax's ``es5`` folder inside the installed ``django-static-mathjax``."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(
            "book_site: the package 'django-static-mathjax' is not installed; "
            "run `pip install -r requirements.txt`"
        )
    es5 = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5"
    if not (es5 / "tex-chtml.js").is_file():
        raise ExtensionError(f"book_site: no tex-chtml.js under {es5}")
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
    preview = Path(__file__).with_name(_PREVIEW)
    shutil.copy2(preview, stage / "_static" / _PREVIEW)
    config.html_extra_path = [*config.html_extra_path, str(stage.resolve())]
    config.mathjax_path = "mathjax/tex-chtml.js"


def _theme_defaults(app: Sphinx, config: Config) -> None:
    """Give pydata-sphinx-theme the colour mode it expects, and no second header bar.

    pydata-sphinx-theme 0.17 fills an empty ``navbar_persistent`` with a search field, which
    makes it render its own top header: a second search box over the sidebar, and a second pair
    of sidebar toggles. Its script binds the *first* ``.primary-toggle``/``.secondary-toggle`` in
    the page, which are that hidden header's, so the visible buttons in sphinx-book-theme's
    article header did nothing (pydata-sphinx-theme #2451, sphinx-book-theme #986 and #988).
    An explicitly empty list leaves sphinx-book-theme's own header as the only one.
    """
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")  # pydata-sphinx-theme reads it from html_context
    config.html_context = context
    options = dict(config.html_theme_options or {})
    options.setdefault("navbar_persistent", [])
    config.html_theme_options = options


def _is_thebe(script: object) -> bool:
    """True for the scripts sphinx-thebe adds (its loader and its inline configuration)."""
    name = getattr(script, "filename", None) or ""
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return "thebe" in str(name) or "THEBE_JS_URL" in str(body)


def _drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """Remove sphinx-thebe's scripts from every page."""
    if "script_files" in context:
        context["script_files"] = [js for js in context["script_files"] if not _is_thebe(js)]


# Runs of Chinese characters, with the CJK punctuation and full-width forms that go with them.
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60]+")
_TAG = re.compile(r"(<[^>]*>)")
# Elements whose text must stay as it is: scripts, styles, the title, TeX source that MathJax
# reads, and text already marked (so that marking twice changes nothing).
_VERBATIM = re.compile(
    r"<(script|style|textarea|title)\b|<(span|div)\b[^>]*(?:\bclass=\"[^\"]*\bmath\b|\blang=\"zh-Hans\")", re.I
)


def mark_chinese(html: str) -> str:
    """Wrap every run of Chinese characters in text (not in tags, scripts or math) in a zh-Hans span."""
    out: list[str] = []
    closing: str | None = None  # the end tag that closes the verbatim element we are in
    for part in _TAG.split(html):
        if part.startswith("<"):
            if closing is None:
                m = _VERBATIM.match(part)
                if m:
                    closing = f"</{(m.group(1) or m.group(2)).lower()}"
            elif part.lower().startswith(closing):
                closing = None
            out.append(part)
        elif closing is None and _CJK_RUN.search(part):
            out.append(_CJK_RUN.sub(lambda r: f'<span lang="zh-Hans">{r.group(0)}</span>', part))
        else:
            out.append(part)
    return "".join(out)


def _finish_pages(app: Sphinx, exception: Exception | None) -> None:
    """Mark every written page's Chinese text (sidebars included) and keep one viewport tag."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    chinese_edition = (app.config.language or "en").startswith("zh")
    # Only the pages this build wrote (a build with nothing to do rewrites just the index pages);
    # the Chinese edition's pages (zh/) are a build of their own.
    for name in sorted(getattr(app, "bpkit_written", ())):
        page = outdir / f"{name}.html"
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        # A Chinese page is zh-Hans as a whole (<html lang="zh-CN">): no run needs marking.
        marked = trim_assets(one_viewport(text if chinese_edition else mark_chinese(text)), page)
        if marked != text:
            page.write_text(marked, encoding="utf-8")
    _subset_icon_fonts(Path(app.outdir))


def _note_written(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """Remember each page this build writes, for _finish_pages."""
    if not hasattr(app, "bpkit_written"):
        app.bpkit_written = set()  # type: ignore[attr-defined]
    app.bpkit_written.add(pagename)  # type: ignore[attr-defined]


def _description(doctree: object) -> str:
    """The page's first paragraph as plain text, cut at about 200 characters on a word boundary."""
    from docutils import nodes

    if not isinstance(doctree, nodes.Node):
        return ""
    for para in doctree.findall(nodes.paragraph):
        text = " ".join(para.astext().split())
        if len(text) >= 40:
            return text if len(text) <= 200 else text[:200].rsplit(" ", 1)[0] + " ..."
    return ""


def _meta_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """Description and link-preview tags for the page."""
    from html import escape

    site = app.config.html_baseurl or ""
    book = app.config.html_title or app.config.project
    title = _TAG.sub("", context.get("title") or book)
    description = _description(doctree) or book
    image = f"{site.rstrip('/')}/_static/{_PREVIEW}" if site else f"_static/{_PREVIEW}"
    tags = {
        "name=description": description,
        "property=og:title": f"{title} | {book}" if title != book else title,
        "property=og:description": description,
        "property=og:type": "article" if doctree is not None else "website",
        "property=og:image": image,
        "property=og:image:alt": "Gradient descent's iterates sliding down a parabola, beside the book's title",
        "name=twitter:card": "summary_large_image",
    }
    if site:
        tags["property=og:url"] = f"{site.rstrip('/')}/{pagename}.html"
    lines = []
    for key, value in tags.items():
        attr, name = key.split("=", 1)
        text = escape(_TAG.sub("", str(value)), quote=True)
        lines.append(f'<meta {attr}="{name}" content="{text}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"


_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>\s*')


def one_viewport(html: str) -> str:
    """Keep the first viewport tag of a page and drop the others the themes add."""
    seen = False

    def keep_first(m: re.Match[str]) -> str:
        nonlocal seen
        if seen:
            return ""
        seen = True
        return m.group(0)

    return _VIEWPORT.sub(keep_first, html)


_SCRIPT_OR_STYLE = re.compile(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]*)"[^>]*>(?:</script>)?\s*')
_HAS_MATH = ('class="math', "\\(", "\\[", "$$")


def _unused(asset: str, html: str, page: Path) -> bool:
    """True for a script or style that this page does not need (see point 6 of the module docs)."""
    name = asset.split("?")[0].rsplit("/", 1)[-1]
    if name == "fontawesome.js":
        return True
    if name in ("searchtools.js", "language_data.js", "searchindex.js"):
        return page.name != "search.html"
    if name == "tex-chtml.js":
        body = html.split("<body", 1)[-1]
        return not any(mark in body for mark in _HAS_MATH)
    if name in ("sphinx-thebe.css",):
        return True  # no code runs in the browser (see point 2)
    if name in ("sphinx-design.min.css", "design-tabs.js"):
        return 'class="sd-' not in html and "class='sd-" not in html
    return False


def trim_assets(html: str, page: Path) -> str:
    """Drop the <script>/<link> tags of assets the page does not use."""
    return _SCRIPT_OR_STYLE.sub(lambda m: "" if _unused(m.group(1), html, page) else m.group(0), html)


_ICON_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
_ICON_RULE = re.compile(r'([^{}]+)\{content:"\\([0-9a-f]{4,5})"\}')


def _subset_icon_fonts(outdir: Path) -> None:
    """Keep only the glyphs of the Font Awesome classes the written pages use."""
    from fontTools import subset

    theme_css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    fonts = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    if not theme_css.is_file() or not fonts.is_dir():
        return
    used: set[str] = set()
    for page in outdir.rglob("*.html"):
        if page.relative_to(outdir).parts[0] == "zh":
            continue  # the Chinese edition's pages: a build of their own, perhaps being copied right now
        used.update(_ICON_CLASS.findall(page.read_text(encoding="utf-8")))
    codepoints: set[int] = set()
    for selectors, code in _ICON_RULE.findall(theme_css.read_text(encoding="utf-8")):
        names = {sel.strip().removeprefix(".").split(":")[0].removeprefix("fa-") for sel in selectors.split(",")}
        if names & used:
            codepoints.add(int(code, 16))
    # A build that wrote few pages finds the fonts as the last build left them: skip the work (woff2
    # compression takes seconds) when they were subset for the same glyphs and are unchanged since.
    marker = fonts / ".bpkit-subset"
    if marker.is_file() and marker.read_text(encoding="utf-8") == _font_state(codepoints, fonts):
        return
    source = Path(importlib.util.find_spec("pydata_sphinx_theme").origin).parent  # type: ignore[union-attr,arg-type]
    originals = source / "theme" / "pydata_sphinx_theme" / "static" / "vendor" / "fontawesome" / "webfonts"
    for font in sorted(fonts.iterdir()):
        original = originals / font.name
        if font.suffix not in (".woff2", ".ttf") or not original.is_file():
            continue
        options = subset.Options()
        options.flavor = "woff2" if font.suffix == ".woff2" else None
        options.layout_features = ["*"]
        tt = subset.load_font(str(original), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints) or [0x20])
        subsetter.subset(tt)
        subset.save_font(tt, str(font), options)
    marker.write_text(_font_state(codepoints, fonts), encoding="utf-8")


def _font_state(codepoints: set[int], fonts: Path) -> str:
    """The glyphs kept and the font files' sizes: what a subset of the fonts is recognised by."""
    sizes = " ".join(f"{f.name}:{f.stat().st_size}" for f in sorted(fonts.iterdir()) if f.suffix in (".woff2", ".ttf"))
    return " ".join(f"{c:x}" for c in sorted(codepoints)) + "\n" + sizes


_LITERAL = re.compile(r"(``.*?``|`[^`]*`)")


def plain_bars(line: str) -> str:
    """Escape the bars of ``|x|`` and ``||x||`` (absolute values, norms) outside literals and roles.

    reStructuredText reads ``|x|`` as a substitution reference, which fails the build; bpkit's
    docstrings write plain formulas such as ``|a - n| / max(|a|, |n|)``. Doctest lines, and lines
    that start with a bar or a plus (line blocks, grid tables), are left as they are.
    """
    stripped = line.lstrip()
    if stripped.startswith((">>>", "...", "| ", "+-", "+=")):
        return line
    parts = _LITERAL.split(line)
    for i in range(0, len(parts), 2):  # even parts lie outside literals and roles
        parts[i] = re.sub(r"(?<!\\)\|", r"\\|", parts[i])
    return "".join(parts)


def _docstring_bars(app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]) -> None:
    """Apply plain_bars to every line of a docstring the API reference renders."""
    lines[:] = [plain_bars(line) for line in lines]


def setup(app: Sphinx) -> dict[str, object]:
    """Register the steps; parallel-safe because they only touch config and page context.

    The reader's links live in modules of their own: glossary terms (site_glossary), seed
    references to the errata (site_seeds) and bpkit names to the API reference (site_api_links).
    """
    for module in ("site_prose", "site_glossary", "site_seeds", "site_api_links", "site_i18n", "site_speed"):
        app.setup_extension(module)
    app.connect("config-inited", _stage, priority=900)
    app.connect("config-inited", _theme_defaults, priority=900)
    app.connect("html-page-context", _drop_thebe)
    app.connect("html-page-context", _meta_tags)
    app.connect("html-page-context", _note_written)
    app.connect("autodoc-process-docstring", _docstring_bars)
    app.connect("build-finished", _finish_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
