"""Every Chinese term a chapter introduces, as "term (中文)", is in the glossary appendix."""

from __future__ import annotations

import re

import pytest

from book_layout import BOOK, load_notebook, notebooks

CJK_IN_PARENS = re.compile(r"[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]")


def glossary_terms() -> set[str]:
    """The 中文 column of the glossary table."""
    terms = set()
    for line in (BOOK / "appendix_glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.search(r"[\u4e00-\u9fff]", cells[1]):
            terms.add(cells[1])
    return terms


def chapter_terms(text: str) -> set[str]:
    """Chinese names given in parentheses after an English term.

    Parentheses right after a quotation ("a result of causal theory" (因果理论中的一种结果)) hold the
    original words of a seed being quoted, not a term, and are skipped.
    """
    terms = set()
    for m in CJK_IN_PARENS.finditer(text):
        before = text[: m.start()].rstrip()
        if before.endswith(('"', "”", "'")):
            continue
        terms.add(m.group(1).strip())
    return terms


def test_the_glossary_has_entries() -> None:
    assert len(glossary_terms()) > 50


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_chinese_terms_are_in_the_glossary(path) -> None:
    nb = load_notebook(path)
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    # quoted seed text is marked with a leading "seed" or sits in quotes; terms are short
    terms = {t for t in chapter_terms(text) if len(t) <= 12}
    known = glossary_terms()
    missing = sorted(t for t in terms if not any(t == k or t in k.split("（")[0] for k in known))
    assert not missing, f"{path.name}: add these to appendix_glossary.md: {missing}"
