"""The glossary appendix is the book's English-Chinese reference list, and the pages follow it.

Two checks: every Chinese term a chapter introduces, as "term (中文)", is in the glossary; and every
"English term (中文)" pair on any page (chapters, appendices, intro) gives the English term the one
Chinese name the glossary gives it, so that one English term never has two Chinese names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import book_layout
from book_layout import book_pages, load_notebook, notebooks

_data = book_layout.site_module("glossary_data")
GLOSSARY = _data.GLOSSARY
glossary_entries = _data.glossary_entries
glossary_rows = _data.glossary_rows
glossary_terms = _data.glossary_terms
english_names = _data.english_names
chinese_names = _data.chinese_names
allowed_chinese = _data.allowed_chinese
CJK = re.compile(r"[\u4e00-\u9fff]")
CJK_IN_PARENS = re.compile(r"[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]")
MARKUP = re.compile(r"[*`_]")  # bold, italics, code: "**backward pass** (反向传递)" is a pair too
QUOTES = ('"', "”", "'", "“")


def page_prose(path: Path) -> str:
    """The prose of a page: the Markdown cells of a notebook, or the whole Markdown file."""
    if path.suffix == ".ipynb":
        nb = load_notebook(path)
        return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def english_chinese_pairs(text: str, names: set[str]) -> list[tuple[str, str, str]]:
    """Every "English term (中文)" in text whose English term is a glossary name.

    Returns (English name, the Chinese in the parentheses, some context). The longest glossary name
    that ends right before the parenthesis wins ("mini-batch gradient descent", not "gradient
    descent"); a plural -s or -es is allowed. Parentheses after a quotation, or holding one, quote a
    seed's words; a citation after a comma is dropped ("(批归一化, {cite}`ioffe2015`)").
    """
    pairs = []
    for m in CJK_IN_PARENS.finditer(text):
        before = MARKUP.sub("", text[max(0, m.start() - 120): m.start()])
        before = re.sub(r"\s+", " ", before).rstrip().lower()  # a term may break across lines
        if before.endswith(QUOTES):
            continue
        best = None
        for name in names:
            for form in (name, name + "s", name + "es"):
                if before.endswith(form):
                    start = len(before) - len(form)
                    at_word_start = start == 0 or not (before[start - 1].isalnum() or before[start - 1] == "-")
                    if at_word_start and (best is None or len(name) > len(best)):
                        best = name
        inner = m.group(1).strip()
        if best is not None and not inner.startswith(QUOTES):
            chinese = re.split(r"[,，;；:：]", inner)[0].strip()  # "(批归一化, {cite}`ioffe2015`)", "(权值共享: ...)"
            context = text[max(0, m.start() - 40): m.end()].replace("\n", " ")
            pairs.append((best, chinese, context))
    return pairs


def chapter_terms(text: str) -> set[str]:
    """Chinese names given in parentheses after an English term.

    Parentheses right after a quotation ("a result of causal theory" (因果理论中的一种结果)) hold the
    original words of a seed being quoted, not a term, and are skipped.
    """
    terms = set()
    for m in CJK_IN_PARENS.finditer(text):
        before = text[: m.start()].rstrip()
        if before.endswith(QUOTES):
            continue
        terms.add(m.group(1).strip())
    return terms


def test_the_glossary_has_entries() -> None:
    assert len(glossary_terms()) > 50


def test_every_entry_has_english_chinese_and_a_meaning() -> None:
    """Each entry shows its English term(s), one Chinese line and a meaning (the page is 中英对照)."""
    entries = glossary_entries()
    # a name Chinese texts keep in Latin letters (RMSProp) is its own Chinese name
    bad = [terms for terms, zh, meaning in entries
           if not terms or not (CJK.search(zh) or zh in terms) or CJK.search(" ".join(terms)) or len(meaning) < 3]
    assert not bad, f"glossary entries without English, Chinese or meaning: {bad}"
    text = GLOSSARY.read_text(encoding="utf-8")
    assert "\n|" not in text.split("```{glossary}", 1)[1], "a table row inside the glossary directive"


def test_no_chinese_term_names_two_english_terms() -> None:
    """反向传播 is backpropagation; the backward pass needs a name of its own (反向传递)."""
    owner: dict[str, str] = {}
    clashes = []
    for en, zh in glossary_rows():
        for name in (p.strip() for p in zh.split("、")):
            if name in owner and owner[name] != en:
                clashes.append(f"{name}: {owner[name]!r} and {en!r}")
            owner.setdefault(name, en)
    assert not clashes, f"one Chinese term for two English terms: {clashes}"


def test_every_english_name_has_one_glossary_row() -> None:
    seen: dict[str, str] = {}
    twice = []
    for en, _ in glossary_rows():
        for name in english_names(en):
            if name in seen:
                twice.append(name)
            seen[name] = en
    assert not twice, f"English names listed in two glossary rows: {twice}"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_chinese_terms_are_in_the_glossary(path: Path) -> None:
    text = page_prose(path)
    # quoted seed text is marked with a leading "seed" or sits in quotes; terms are short
    terms = {t for t in chapter_terms(text) if len(t) <= 12}
    known = glossary_terms()
    missing = sorted(t for t in terms if not any(t == k or t in k.split("（")[0] for k in known))
    assert not missing, f"{path.name}: add these to appendix_glossary.md: {missing}"


@pytest.mark.parametrize(
    "path", [p for p in book_pages() if p != GLOSSARY], ids=lambda p: p.name
)
def test_each_english_term_has_the_glossary_chinese_name(path: Path) -> None:
    allowed = allowed_chinese()
    wrong = [
        f"{en} ({zh}) should be ({' / '.join(sorted(allowed[en]))}): ...{context}"
        for en, zh, context in english_chinese_pairs(page_prose(path), set(allowed))
        if zh not in allowed[en]
    ]
    assert not wrong, f"{path.name}: " + "\n".join(wrong)


def test_the_pair_check_catches_a_second_chinese_name() -> None:
    """The check itself: the old chapters' "backward pass (反向传播)" is caught, the right pair is not."""
    allowed = allowed_chinese()
    old = "2. The **backward pass** (反向传播) sets the gradient of the output to 1."
    new = "2. The **backward pass** (反向传递) sets the gradient; mini-batch gradient\ndescent (小批量梯度下降)."
    found_old = english_chinese_pairs(old, set(allowed))
    assert [(en, zh) for en, zh, _ in found_old] == [("backward pass", "反向传播")]
    assert "反向传播" not in allowed["backward pass"]
    found_new = english_chinese_pairs(new, set(allowed))
    assert [(en, zh) for en, zh, _ in found_new] == [("backward pass", "反向传递"),
                                                     ("mini-batch gradient descent", "小批量梯度下降")]
    assert all(zh in allowed[en] for en, zh, _ in found_new)
    quoted = 'seed 000 says "propagated forward" (逐层向前传播)'
    assert english_chinese_pairs(quoted, set(allowed)) == []


# --- the build-time links to the glossary (book/_ext/site_glossary.py), on small documents --------------

def _linked_document():
    """A section as MyST builds it: a heading, prose whose line breaks are text nodes of their own, code."""
    from docutils import nodes

    glossary = book_layout.site_module("site_glossary")
    section = nodes.section()
    section += nodes.title("", "Gradient descent")
    section += nodes.paragraph("", "", nodes.Text("Stochastic gradient descent uses mini-batches; weight"),
                               nodes.Text("\n"), nodes.Text("sharing sums, and "),
                               nodes.literal("", "gradient descent"), nodes.Text(" in code is not linked."))
    section += nodes.paragraph("", "", nodes.Text("Plain gradient descent, Gradients and accuracies."))
    section += nodes.paragraph("", "", nodes.reference("", "gradient descent", refuri="x.html"),
                               nodes.Text(" is a link already; then weight sharing again."))
    by_form = {}
    for term in ["gradient descent", "stochastic gradient descent (SGD)", "mini-batch", "weight sharing",
                 "gradient", "accuracy", "weight"]:
        for form in glossary.term_forms(term):
            by_form[form] = term

    def make_link(term: str, words: str):
        return nodes.reference(words, words, refuri=f"appendix_glossary.html#{term}", classes=["site-glossary-link"])

    linked = glossary.link_first_uses(section, by_form, make_link)
    links = [(r.astext(), r["refuri"].split("#")[1]) for r in section.findall(nodes.reference)
             if "site-glossary-link" in r["classes"]]
    return linked, links


def test_first_uses_are_linked_in_prose_only() -> None:
    linked, links = _linked_document()
    assert links == [
        ("Stochastic gradient descent", "stochastic gradient descent (SGD)"),  # the longest term wins
        ("mini-batches", "mini-batch"),                                        # plural
        ("weight\nsharing", "weight sharing"),                                 # across a line break
        ("gradient descent", "gradient descent"),  # not in the heading, the code or inside SGD's name
        ("Gradients", "gradient"),                 # case-insensitive
        ("accuracies", "accuracy"),                # -y to -ies
    ]
    assert "weight" not in linked, "a word inside a longer term is not linked on its own"


def test_term_forms_of_abbreviated_and_parenthesised_terms() -> None:
    glossary = book_layout.site_module("site_glossary")
    assert glossary.term_forms("multilayer perceptron (MLP)") == ["multilayer perceptron", "mlp"]
    assert glossary.term_forms("Xavier (Glorot) initialization") == ["xavier initialization"]
    assert glossary.term_forms("vector–Jacobian product") == ["vector-jacobian product"]
