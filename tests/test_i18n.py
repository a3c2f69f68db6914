"""The Chinese edition's catalogues (locales/zh_CN/LC_MESSAGES/book/*.po, tools/i18n.py).

Complete: one catalogue per page, every message translated, none fuzzy, none obsolete. Current: the
Chinese build warns about every message of the sources its catalogue lacks, and make test builds it
under -W (book/_ext/site_i18n.py); tests/test_built_zh.py also checks that the build used every
message of the catalogues. Faithful: each translation carries its message's formulas,
cross-references, glue keys, code, link targets and numbers unchanged. In the glossary's terms: a
translation of English that uses a glossary term uses the term's Chinese name, and the seeds' wrong
words (递归神经网络 for RNN, 偏差 for bias) appear only where the English quotes a seed.

The checks themselves are tested on a catalogue of typical mistakes, each of which must be reported,
and on right translations, which must not be.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from book_layout import ROOT, toc_entries

sys.path.insert(0, str(ROOT / "tools"))
import i18n

CATALOGUES = i18n.catalogues()


def test_every_page_has_one_catalogue() -> None:
    pages = {entry.removeprefix("book/") for entry in toc_entries()}
    assert {path.stem for path in CATALOGUES} == pages


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_every_message_is_translated_and_none_is_fuzzy_or_obsolete(path: Path) -> None:
    entries = list(i18n.entries(path))
    assert entries, f"{path.name} has no messages"
    untranslated = [e.msgid[:60] for e in entries if not e.msgstr.strip()]
    fuzzy = [e.msgid[:60] for e in entries if e.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:3]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (the English changed): {fuzzy[:3]}"
    assert "#~ msgid" not in path.read_text(encoding="utf-8"), "obsolete messages: run make locales"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_the_header_is_the_books_and_not_fuzzy(path: Path) -> None:
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f)
    assert not catalog.fuzzy, "the header is marked fuzzy (GNU gettext would ignore it): tools/i18n.py update"
    assert catalog.project.startswith("Backpropagation") and catalog.locale.language == "zh"
    assert "Project name not set" not in catalog.header_comment


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_translations_keep_formulas_references_code_and_numbers(path: Path) -> None:
    found = [f"{e.msgid[:50]!r}: {p}" for e in i18n.entries(path) if e.msgstr for p in i18n.structure_problems(e)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_translations_use_the_glossary_terms(path: Path) -> None:
    patterns = i18n._term_patterns()
    found = [f"{e.msgid[:50]!r}: {p}" for e in i18n.entries(path) if e.msgstr for p in i18n.term_problems(e, patterns)]
    assert not found, "\n".join(found)


def _entry(msgid: str, msgstr: str, page: str = "07_optimizers") -> i18n.Entry:
    return i18n.Entry(page, msgid, msgstr, False)


SOURCE = (
    "Gradient descent with learning rate $\\alpha = 0.1$ takes {glue:text}`ch07_steps` steps "
    "(see {doc}`08_pitfalls`, `bpkit.optim` and [the paper](https://example.org/p)) {cite}`polyak1964`."
)
RIGHT = (
    "学习率为 $\\alpha = 0.1$ 的梯度下降需要 {glue:text}`07_optimizers.ipynb::ch07_steps:s` 步"
    "（见 {doc}`08_pitfalls`、`bpkit.optim` 和[这篇论文](https://example.org/p)）{cite}`polyak1964`。"
)
# (wrong translation, words the report must contain): one typical mistake each.
MISTAKES = [
    (RIGHT.replace("$\\alpha = 0.1$", "$\\alpha=0.1$"), "formulas differ"),
    (RIGHT.replace("{doc}`08_pitfalls`", "第 8 章"), "cross-references and roles differ"),
    (RIGHT.replace("{cite}`polyak1964`", ""), "cross-references and roles differ"),
    (RIGHT.replace("07_optimizers.ipynb::ch07_steps:s", "07_optimizers.ipynb::ch07_step:s"), "cross-references"),
    (RIGHT.replace("{glue:text}`07_optimizers.ipynb::ch07_steps:s`", "{glue:text}`ch07_steps`"), "not qualified"),
    (RIGHT.replace("07_optimizers.ipynb::", "08_pitfalls.ipynb::"), "not this page's"),
    (RIGHT.replace("`bpkit.optim`", "bpkit.optim"), "inline code differ"),
    (RIGHT.replace("https://example.org/p", "https://example.org/q"), "link targets differ"),
    (RIGHT.replace("[这篇论文](https://example.org/p)", "[这篇论文][paper]") + "\n\n[paper]: https://example.org/p",
     "reference-style link"),
    (RIGHT.replace("0.1$ 的", "0.1$、共 2 次的"), "numbers differ"),
    (RIGHT.replace("梯度下降", "梯度下滑"), "'gradient descent' is 梯度下降"),
    (RIGHT.replace("学习率", "步长"), "'learning rate' is 学习率"),
    ("3. " + RIGHT, "starts like a Markdown list"),
]


def test_a_right_translation_has_no_problems() -> None:
    entry = _entry(SOURCE, RIGHT)
    assert i18n.structure_problems(entry) == []
    assert i18n.term_problems(entry, i18n._term_patterns()) == []


@pytest.mark.parametrize(("wrong", "expected"), MISTAKES, ids=[m[1] for m in MISTAKES])
def test_each_typical_mistake_is_reported(wrong: str, expected: str) -> None:
    entry = _entry(SOURCE, wrong)
    report = i18n.structure_problems(entry) + i18n.term_problems(entry, i18n._term_patterns())
    assert any(expected in line for line in report), report


@pytest.mark.parametrize(("msgid", "msgstr", "reported"), [
    ("A recurrent neural network (RNN) reads a sequence.", "递归神经网络（RNN）逐步读取序列。", True),
    ("Each unit adds its bias $b$.", "每个神经元加上自己的偏差 $b$。", True),
    ("Each unit adds its bias $b$.", "每个神经元加上自己的偏置 $b$。", False),
    ("Adam's bias correction matters early.", "Adam 优化器的偏差修正在开始时很重要。", False),
    ("The seed writes \"递归神经网络（RNN）\" for a recurrent neural network.",
     "种子文章把循环神经网络写作“递归神经网络（RNN）”。", False),
    ("The seed writes \"递归神经网络（RNN）\" for a recurrent neural network.",
     "种子文章把递归神经网络写作“递归神经网络（RNN）”。", True),
])
def test_the_seeds_wrong_words_only_where_the_english_quotes_them(msgid: str, msgstr: str, reported: bool) -> None:
    wrong = [p for p in i18n.term_problems(_entry(msgid, msgstr), i18n._term_patterns()) if "seeds' word" in p]
    assert bool(wrong) == reported, wrong


def test_qualify_rewrites_bare_glue_keys_only() -> None:
    text = "{glue:text}`a` 和 {glue:text}`08_pitfalls.ipynb::b:s`"
    assert i18n.qualify(text, "07_optimizers") == (
        "{glue:text}`07_optimizers.ipynb::a:s` 和 {glue:text}`08_pitfalls.ipynb::b:s`"
    )


def test_fill_sets_translations_by_number_and_drops_fuzzy(tmp_path: Path) -> None:
    po = tmp_path / "07_optimizers.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "One {glue:text}`k`."\nmsgstr ""\n\n#, fuzzy\nmsgid "Two."\nmsgstr "旧"\n',
        encoding="utf-8",
    )
    assert i18n.todo(po) == "@@ 0\nOne {glue:text}`k`.\n@@ 1\nTwo.\n"
    assert i18n.fill(po, "@@ 0\n一 {glue:text}`k`。\n@@ 1\n二。\n") == 2
    entries = list(i18n.entries(po))
    assert [(e.msgstr, e.fuzzy) for e in entries] == [("一 {glue:text}`07_optimizers.ipynb::k:s`。", False), ("二。", False)]
    assert i18n.todo(po) == ""


@pytest.mark.parametrize(("msgstr", "reported"), [
    ("**反向传播（backpropagation）**计算梯度。", True),   # closing ** between ） and 计: not bold
    ("**反向传播（backpropagation）** 计算梯度。", False),
    ("**反向传播**计算梯度。", False),
])
def test_bold_that_would_show_as_asterisks_is_reported(msgstr: str, reported: bool) -> None:
    entry = _entry("**Backpropagation** computes the gradient.", msgstr)
    assert any("shows as *" in p for p in i18n.structure_problems(entry)) == reported
