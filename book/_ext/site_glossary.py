"""Link each glossary term's first use in every chapter to its entry in the glossary appendix.

The glossary (book/appendix_glossary.md) is a Sphinx ``glossary``: every term has an anchor
(``term-...``) and an index entry. At write time, when every page has been read, this transform looks
in each chapter's running text (site_prose: not headings, captions, code, math, cell outputs or
existing links) for the glossary's terms and links the first occurrence of each. Matching is on whole
words, case-insensitive, with the plural (-s, -es, -y to -ies); where terms overlap the longest wins
("stochastic gradient descent" before "gradient descent"), and a phrase that belongs to a term already
linked links nothing inside it. A term such as "multilayer perceptron (MLP)" is matched as
"multilayer perceptron" and as "MLP"; "Xavier (Glorot) initialization" as "Xavier initialization".

Working on the built doctree rather than on the notebooks keeps the sources untouched, keeps
working when the text changes, and carries over to a translated edition.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from site_prose import is_chapter, prose_text, split_text, stage_css

_DASHES = "-\u2013"


def term_forms(term: str) -> list[str]:
    """The words a term is written with in the text, lower case, dashes as '-'.

    >>> term_forms("multilayer perceptron (MLP)")
    ['multilayer perceptron', 'mlp']
    >>> term_forms("Xavier (Glorot) initialization")
    ['xavier initialization']
    """
    forms = [re.sub(r"\s+", " ", re.sub(r"\s*\([^)]*\)", "", term)).strip()]
    for inner in re.findall(r"\(([^)]*)\)", term):
        if inner.isupper():
            forms.append(inner)
    return [_normal(f) for f in forms if f]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(f"[{_DASHES}]", "-", text)).strip().lower()


def _alternative(form: str) -> str:
    """A regular expression for one form and its plural."""
    words = [re.escape(w).replace("\\-", f"[{_DASHES}]") for w in form.split(" ")]
    body = r"\s+".join(words)
    if form.endswith("y") and len(form) > 2 and form[-2] not in "aeiou":
        return body[:-1] + "(?:y|ies)"
    return body + "(?:e?s)?"


@lru_cache(maxsize=4)
def _matcher(forms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted(forms, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(_alternative(f) for f in alternatives) + r")(?![\w-])",
                      re.IGNORECASE)


def _lookup(found: str, by_form: dict[str, str]) -> str | None:
    text = _normal(found)
    for candidate in (text, text[:-1], text[:-2], text[:-3] + "y" if text.endswith("ies") else ""):
        if candidate in by_form:
            return by_form[candidate]
    return None


@lru_cache(maxsize=4)
def _chinese_matcher(names: tuple[str, ...]) -> re.Pattern[str]:
    """Chinese names as they stand (Chinese has no word boundaries), longest first."""
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def chinese_forms() -> dict[str, str]:
    """Each Chinese name of the glossary (two characters or more) -> its English term, lower case.

    A row with as many English terms as Chinese names (fan-in, fan-out / 扇入、扇出) pairs them in
    order; otherwise every name belongs to the row's first term. One-character names (层 for layer)
    are left out: they occur inside too many other words.
    """
    from glossary_data import chinese_names, glossary_entries

    forms: dict[str, str] = {}
    for terms, chinese, _ in glossary_entries():
        parts = [p.strip() for p in chinese.split("、")]
        paired = len(parts) == len(terms) > 1
        for i, part in enumerate(parts):
            term = terms[i if paired else 0].lower()
            for name in chinese_names(part):
                if len(name) >= 2 and _CJK.search(name):
                    forms.setdefault(name, term)
    return forms


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def link_first_uses(document: nodes.Node, by_form: dict[str, str],
                    make_link: Callable[[str, str], nodes.Node], chinese: bool = False) -> list[str]:
    """Replace the first use of each term in ``document``'s prose by ``make_link(term, words)``.

    ``by_form`` maps every form (term_forms, or with ``chinese`` the Chinese names of
    chinese_forms) to its glossary term. Returns the terms linked, in order.
    """
    matcher = _chinese_matcher(tuple(by_form)) if chinese else _matcher(tuple(sorted(by_form)))
    linked: list[str] = []
    for text_node in list(prose_text(document)):
        pieces = []
        for m in matcher.finditer(str(text_node)):
            term = by_form.get(m.group(0)) if chinese else _lookup(m.group(0), by_form)
            if term is None or term in linked:
                continue
            linked.append(term)
            pieces.append((m.start(), m.end(), make_link(term, m.group(0))))
        split_text(text_node, pieces)
    return linked


class GlossaryLinks(SphinxPostTransform):
    """Link the first use of each glossary term in a chapter to the term's entry."""

    default_priority = 500  # after references are resolved, so existing links are skipped

    def run(self, **kwargs: object) -> None:
        docname = self.env.docname
        if not is_chapter(docname):
            return
        std = self.env.get_domain("std")
        terms = {name: entry for (kind, name), entry in std.objects.items() if kind == "term"}
        if not terms:
            return
        chinese = (self.config.language or "en").startswith("zh")
        by_form: dict[str, str] = {}
        if chinese:  # the Chinese edition links the Chinese names (its English terms stay anchors)
            lower = {name.lower(): name for name in terms}
            by_form = {zh: lower[term] for zh, term in chinese_forms().items() if term in lower}
        for name in terms if not chinese else ():
            for form in term_forms(name):
                by_form.setdefault(form, name)

        def make_link(term: str, words: str) -> nodes.Node:
            todoc, anchor = terms[term]
            inner = nodes.inline(words, words, classes=["xref", "std", "std-term"])
            ref = make_refnode(self.app.builder, docname, todoc, anchor, inner, title=term)
            ref["classes"].append("site-glossary-link")
            return ref

        link_first_uses(self.document, by_form, make_link, chinese)


# A chapter's first paragraph may hold a dozen terms: they keep the text's colour and are marked by
# a dotted underline, so that they do not drown the links a reader follows to read on.
_CSS_NAME = "site-glossary.css"
_CSS = """a.site-glossary-link { color: inherit; text-decoration: underline dotted; text-underline-offset: 0.2em; }
a.site-glossary-link:hover, a.site-glossary-link:focus { color: var(--pst-color-link-hover); text-decoration-style: solid; }
"""


def _write_css(app: Sphinx) -> None:
    stage_css(app, _CSS_NAME, _CSS)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_post_transform(GlossaryLinks)
    app.connect("builder-inited", _write_css)
    app.add_css_file(_CSS_NAME)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
