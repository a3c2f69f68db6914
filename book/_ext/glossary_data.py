"""The glossary appendix as data: its entries, and each English name's allowed Chinese names.

``book/appendix_glossary.md`` is a Sphinx glossary whose entries are one or more unindented English
term lines followed by one indented line ``中文 — meaning``. The site (search words of the Chinese
edition), the tests (tests/test_glossary.py) and the translators' checker (tools/i18n.py) all read it
through this module.
"""

from __future__ import annotations

import re
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[1] / "appendix_glossary.md"


def glossary_entries(path: Path = GLOSSARY) -> list[tuple[list[str], str, str]]:
    """The entries of the glossary directive: (English term lines, Chinese, meaning), in order.

    The page is a Sphinx glossary: one or more unindented English term lines ("fan-in", "fan-out"),
    then one indented line "中文 — meaning".
    """
    text = path.read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    entries: list[tuple[list[str], str, str]] = []
    terms: list[str] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            terms.append(line.strip())
        else:
            chinese, _, meaning = line.strip().partition(" — ")
            entries.append((terms, chinese.strip(), meaning.strip()))
            terms = []
    return entries


def glossary_rows() -> list[tuple[str, str]]:
    """(English, 中文) of every glossary entry, in order; an entry's English terms joined by commas."""
    return [(", ".join(terms), zh) for terms, zh, _ in glossary_entries()]


def glossary_terms() -> set[str]:
    """The Chinese names of the glossary."""
    return {zh for _, zh in glossary_rows()}


def english_names(cell: str) -> list[str]:
    """The English names of one glossary row, lower case.

    "L2 regularization, weight decay" has two; "multilayer perceptron (MLP)" is also "MLP";
    "Xavier (Glorot) initialization" is "Xavier initialization".
    """
    names = []
    for part in (p.strip() for p in cell.split(",")):
        abbreviation = re.search(r"\(([^)]*)\)", part)
        bare = re.sub(r"\s*\([^)]*\)", "", part).strip()
        names.append(bare)
        if abbreviation and abbreviation.group(1).isupper():
            names.append(abbreviation.group(1))
    return [n.lower() for n in names if n]


def chinese_names(cell: str) -> list[str]:
    """The Chinese names of one glossary row: "L2 正则化、权重衰减" is two; "随机失活（Dropout）" is also "随机失活"."""
    names = []
    for part in (p.strip() for p in cell.split("、")):
        names.append(part)
        head = part.split("（")[0].strip()
        if head and head != part:
            names.append(head)
    return names


def allowed_chinese() -> dict[str, set[str]]:
    """English name (lower case) -> the Chinese names the glossary allows for it.

    When a row has as many English as Chinese names ("fan-in, fan-out" / "扇入、扇出") they pair up
    in order; otherwise every English name of the row may take every Chinese name of the row.
    """
    allowed: dict[str, set[str]] = {}
    for en, zh in glossary_rows():
        en_names = list(english_names(en))
        zh_parts = [p.strip() for p in zh.split("、")]
        bare_en = [re.sub(r"\s*\([^)]*\)", "", p).strip().lower() for p in en.split(",")]
        for name in en_names:
            if len(bare_en) == len(zh_parts) > 1 and name in bare_en:
                allowed.setdefault(name, set()).update(chinese_names(zh_parts[bare_en.index(name)]))
            else:
                allowed.setdefault(name, set()).update(chinese_names(zh))
    return allowed
