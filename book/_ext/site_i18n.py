"""The two editions, English and Chinese (中文版), built from the same notebooks.

The Chinese edition is the English sources read through gettext catalogues
(``locales/zh_CN/LC_MESSAGES/book/*.po``): Sphinx swaps each translatable paragraph, heading,
caption and list item for its translation while it reads a page, and everything else, the code,
its outputs and the computed numbers, is the same object in both editions. This module decides
what is translatable and links each page to the same page in the other edition.

What stays as it is in both editions (marked ``translatable = False`` before Sphinx's ``Locale``
transform, so that it is neither extracted into the catalogues nor replaced):

- cell outputs, except figure captions and alt texts: printed output is the program's, and a table
  a cell prints changes with the numbers, which would put a stale message in the catalogue;
- the API reference's docstrings (``help()`` shows them in English, and the reference must say
  what ``help()`` says), with the field labels Sphinx writes into them in the edition's language;
- display formulas: the notation is the same in both editions;
- the glossary's English terms: each entry keeps its anchor (``term-backpropagation``) in both
  editions, and its definition, which starts with the Chinese name, is translated.

Alt texts of notebook figures: the gettext builder gets myst-nb's choice of outputs (it has none of
its own, and dropped every figure), and an alt text Sphinx's ``Locale`` does not replace is
translated here. The Chinese search: site_zh_search.

Every page links to the other edition's page: ``zh/<page>.html`` from the English edition,
``../<page>.html`` from the Chinese one (the Chinese edition is built into ``zh/`` of the same site,
see ``tools/book_config.py``), with ``<link rel="alternate" hreflang>`` tags for search engines.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from site_prose import stage_css

# The folder of the Chinese edition inside the English site, and the two editions' labels.
ZH_FOLDER = "zh"
EDITIONS = {
    "en": {"label": "English", "lang": "en", "hreflang": "en"},
    "zh": {"label": "中文", "lang": "zh-Hans", "hreflang": "zh-Hans"},
}
logger = logging.getLogger(__name__)
_TEMPLATES = Path(__file__).with_name("templates")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def edition(config: Config) -> str:
    """``"zh"`` for the Chinese edition (``language: zh_CN``), ``"en"`` otherwise."""
    return "zh" if (config.language or "en").lower().startswith("zh") else "en"


def _ancestor(node: nodes.Node, kind: type[nodes.Element]) -> bool:
    """True when ``node`` or one of its ancestors is a ``kind``."""
    while node is not None:
        if isinstance(node, kind):
            return True
        node = node.parent
    return False


def _in_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and "cell_output" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


class KeepOriginal(SphinxTransform):
    """Mark outputs, docstrings and glossary terms as not translatable (before ``Locale``, 20).

    In the Chinese edition it also starts the page's record of the messages it uses with its alt
    texts, which ``Locale`` replaces.
    """

    default_priority = 19

    def apply(self, **kwargs: object) -> None:
        if edition(self.config) == "zh":
            table = _translations(self)
            _seen(self.env)[self.env.docname] = {
                image["alt"] for image in _figure_images(self.document) if image["alt"] in table
            }
        for node in self.document.findall(nodes.TextElement):
            source = node.source or ""
            # An object's description in the API reference: its docstring, and the field labels
            # (Parameters, Returns) that Sphinx itself writes in the edition's language.
            docstring = "docstring of " in source or "<autosummary>" in source or _ancestor(node, addnodes.desc)
            glossary_term = isinstance(node, nodes.term) and _ancestor(node, addnodes.glossary)
            output = _in_output(node) and not _ancestor(node, nodes.caption)
            formula = isinstance(node, nodes.math_block)  # notation is the same in both editions
            if docstring or glossary_term or output or formula:
                node["translatable"] = False


def _figure_images(document: nodes.document) -> list[nodes.image]:
    return [img for img in document.findall(nodes.image) if img.get("alt")]


def _translations(transform: SphinxTransform) -> dict[str, str]:
    """The page's catalogue as a mapping from message to translation (empty ones left out)."""
    config = transform.config
    domain = docname_to_domain(transform.env.docname, config.gettext_compact)
    dirs = [str(Path(transform.env.srcdir, d)) for d in config.locale_dirs]
    catalog, found = init_locale(dirs, config.language, domain)
    table = getattr(catalog, "_catalog", {}) if found else {}
    return {k: v for k, v in table.items() if isinstance(k, str) and k and v}


def _untranslated(node: nodes.Node, message: str) -> None:
    logger.warning("no translation for %r (tools/i18n.py: make locales, then todo/fill)",
                   message[:70], location=node, type="i18n", subtype="untranslated")


class ChineseTransform(SphinxTransform):
    """A step of the Chinese edition only: ``translate`` gets the page's catalogue and its record of used messages."""

    def apply(self, **kwargs: object) -> None:
        if edition(self.config) == "zh":
            self.translate(_translations(self), _seen(self.env).setdefault(self.env.docname, set()))

    def translate(self, table: dict[str, str], seen: set[str]) -> None:
        raise NotImplementedError


class ReportUntranslated(ChineseTransform):
    """In the Chinese edition, warn about every message its catalogue does not translate.

    Runs right after Sphinx's ``Locale`` (20). A message whose translation is the English text itself
    (a heading such as "AdaGrad") is translated; one missing from the catalogue, or marked fuzzy
    because its English changed, is not. Under ``-W`` a single one fails the build, so the edition
    is complete and its catalogues current.
    """

    default_priority = 21

    def translate(self, table: dict[str, str], seen: set[str]) -> None:
        # A translated node keeps its English source (rawsource), which is what is extracted here.
        for node, message in extract_messages(self.document):
            if isinstance(node, nodes.image):
                continue  # alt texts: TranslateAltText
            if message in table:
                seen.add(message)
            elif not node.get("translated") and _LATIN.search(message):
                # (No Latin letter: a label Sphinx or an extension wrote in Chinese itself, 参数, 练习.)
                _untranslated(node, message)


def _seen(env: object) -> dict[str, set[str]]:
    """The messages each page of the Chinese edition used, kept in the environment between builds."""
    if not hasattr(env, "bpkit_i18n_seen"):
        env.bpkit_i18n_seen = {}  # type: ignore[attr-defined]
    return env.bpkit_i18n_seen  # type: ignore[attr-defined]


def _forget(app: Sphinx, env: object, docname: str) -> None:
    _seen(env).pop(docname, None)


def _write_report(app: Sphinx, exception: Exception | None) -> None:
    """Write the messages each page used to ``i18n-messages.json`` beside the HTML folder.

    tests/test_built_zh.py compares them with the catalogues: a message no page uses is stale.
    """
    if exception is not None or edition(app.config) != "zh" or app.builder.format != "html":
        return
    import json

    report = {page: sorted(messages) for page, messages in sorted(_seen(app.env).items())}
    path = Path(app.outdir).parent / "i18n-messages.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=0), encoding="utf-8")


class DetachTranslations(SphinxTransform):
    """Let translated nodes belong to the page, not to the scrap documents their text was parsed in.

    Sphinx's ``Locale`` parses each translation as a small document of its own and moves its nodes
    into the page; they kept a reference to that document, whose settings hold the whole build
    environment. Every page's saved doctree then carried copies of the environment: 5-8 MB a page,
    101 MB in all, and 26 s of a 37 s rebuild went to loading them.
    """

    default_priority = 22

    def apply(self, **kwargs: object) -> None:
        if edition(self.config) != "zh":
            return
        for node in self.document.findall():
            if getattr(node, "_document", None) not in (None, self.document):
                node._document = None  # type: ignore[attr-defined]  # its parents lead to the page


class TranslateTocCaptions(ChineseTransform):
    """Translate the part captions of the table of contents (Chinese edition).

    sphinx-external-toc inserts the root page's toctrees (priority 100) after Sphinx's ``Locale``
    has run, so their captions ("Part I: ...") would stay English; the gettext builder does extract
    them into the root page's catalogue.
    """

    default_priority = 101

    def translate(self, table: dict[str, str], seen: set[str]) -> None:
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("caption")
            if not caption:
                continue
            if caption in table:
                seen.add(caption)
                toctree["caption"] = table[caption]
            elif _LATIN.search(caption):
                _untranslated(toctree, caption)


class TranslateAltText(ChineseTransform):
    """Replace each alt text by its translation in the page's catalogue (Chinese edition)."""

    default_priority = 882

    def translate(self, table: dict[str, str], seen: set[str]) -> None:
        for image in _figure_images(self.document):
            if image["alt"] in table:
                seen.add(image["alt"])
                image["alt"] = table[image["alt"]]
            elif not _CJK.search(image["alt"]):
                _untranslated(image, image["alt"])


def other_edition_link(config: Config, pagename: str) -> tuple[str, dict[str, str]]:
    """The root-relative address of ``pagename`` in the other edition, and that edition's labels.

    >>> class C: language = "en"
    >>> other_edition_link(C(), "book/07_optimizers")[0]
    'zh/book/07_optimizers.html'
    >>> C.language = "zh_CN"
    >>> other_edition_link(C(), "book/07_optimizers")
    ('../book/07_optimizers.html', {'label': 'English', 'lang': 'en', 'hreflang': 'en'})
    """
    if edition(config) == "zh":
        return f"../{pagename}.html", EDITIONS["en"]
    return f"{ZH_FOLDER}/{pagename}.html", EDITIONS["zh"]


def _language_link(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """Put the other edition's address into the page context (template ``bpkit-language.html``)."""
    from html import escape

    target, labels = other_edition_link(app.config, pagename)
    href = context["pathto"](target, 1)
    context["bpkit_language"] = {"href": href, **labels}
    own = EDITIONS[edition(app.config)]
    site = (app.config.html_baseurl or "").rstrip("/")
    if site:
        here = f"{site}/{pagename}.html"
        there = f"{site}/{target}" if not target.startswith("../") else f"{site.rsplit('/', 1)[0]}/{target[3:]}"
        links = [(own["hreflang"], here), (labels["hreflang"], there)]
        context["metatags"] = context.get("metatags", "") + "".join(
            f'<link rel="alternate" hreflang="{lang}" href="{escape(url, quote=True)}" />\n' for lang, url in links
        )


# The theme stacks the header's end items; the language link sits in one row with the buttons.
_CSS_NAME = "site-i18n.css"
_CSS = """.header-article-items__end { display: flex; align-items: center; gap: 0.25rem; }
a.bpkit-language { font-size: 0.85rem; white-space: nowrap; }
"""


def _write_css(app: Sphinx) -> None:
    stage_css(app, _CSS_NAME, _CSS)


def _templates(app: Sphinx, config: Config) -> None:
    """Add the language button before the theme's buttons in every page's header."""
    config.templates_path = [*config.templates_path, str(_TEMPLATES)]
    options = dict(config.html_theme_options or {})
    options.setdefault("article_header_end", ["bpkit-language.html", "article-header-buttons.html"])
    config.html_theme_options = options


def _gettext_outputs(app: Sphinx, config: Config) -> None:
    """Let the gettext builder pick cell outputs as the HTML builder does.

    myst-nb keeps only the outputs its priority list names for the builder, and it has no list for
    ``gettext``: every figure was dropped before extraction, and its alt text with it.
    """
    from myst_nb.core.render import base_render_priority

    html = base_render_priority()["html"]
    config.nb_mime_priority_overrides = [
        *config.nb_mime_priority_overrides,
        *(("gettext", mime, priority) for mime, priority in html.items()),
    ]


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("site_zh_search")
    app.add_transform(KeepOriginal)
    app.add_transform(ReportUntranslated)
    app.add_transform(DetachTranslations)
    app.add_transform(TranslateTocCaptions)
    app.add_transform(TranslateAltText)
    app.connect("config-inited", _templates)
    app.connect("builder-inited", _write_css)
    app.add_css_file(_CSS_NAME)
    app.connect("config-inited", _gettext_outputs)
    app.connect("html-page-context", _language_link)
    app.connect("env-purge-doc", _forget)
    app.connect("build-finished", _write_report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
