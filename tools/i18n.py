"""The Chinese edition's message catalogues: extract, check, count.

The Chinese edition (中文版) is the English sources read through one gettext catalogue per page,
``locales/zh_CN/LC_MESSAGES/book/<page>.po`` (see ``book/_ext/site_i18n.py``).

``python tools/i18n.py update``
    extracts every translatable message from the English sources (Sphinx's gettext builder, from
    the committed outputs), merges new and changed messages into the catalogues (sphinx-intl: a
    changed message keeps its old translation marked fuzzy, for a translator to revise), and
    qualifies glue keys (below). ``make locales`` runs it.
``python tools/i18n.py check [PO ...]``
    prints every problem of every (or the named) catalogue, and exits 1 if there is one:
    untranslated or fuzzy messages, and translations that do not carry their message's formulas,
    inline code, cross-references, citations, glue keys, link targets and numbers unchanged, or that
    break a glossary pair (:func:`term_problems`). ``tests/test_i18n.py`` runs the same checks.
``python tools/i18n.py qualify``
    rewrites each bare glue key in a translation, ``{glue:text}`key```, as
    ``{glue:text}`<page>.ipynb::key:s```: myst-nb reads a translated paragraph outside its notebook's
    context, where a bare key finds nothing.
``python tools/i18n.py stats``
    counts messages and translated messages per catalogue.
``python tools/i18n.py todo PO [--all]`` and ``python tools/i18n.py fill PO FILE``
    a translator's round trip without PO escaping: ``todo`` prints the untranslated or fuzzy
    messages (``--all``: every message) as blocks ``@@ N`` followed by the English text; ``fill``
    reads the same blocks with the Chinese text, sets message N's translation, drops its fuzzy flag
    and qualifies its glue keys.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
BUILD = ROOT / "_build"

_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.S)
_ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
_CODE = re.compile(r"(?<![}`])`([^`]+)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_REF_LINK = re.compile(r"\]\[[^\]]*\]")
# A translation is parsed as a Markdown block of its own: "3. 在线阅读" would become a list.
_BLOCK_START = re.compile(r"\s*(?:\d+[.)]\s|[-*+]\s|>\s|#)")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_GLUE_BARE = re.compile(r"\{glue:text\}`([^`:]+)`")
# Roles whose text a translation may change (a title before <target>); only the target must stay.
_TITLED = {"doc", "ref", "numref", "term", "eq", "prf:ref"}
# Where 偏差 (the seeds' wrong word for a layer's bias, 偏置) is the right word: a statistical bias.
BIAS_STATISTICAL = ("bias correction", "bias-variance", "bias–variance", "statistical bias", "biased", "unbiased")
# English phrases in which a glossary word has another sense than the glossary's: a unit vector is
# not a neuron (神经元), Adam's bias correction is not a bias parameter (偏置), and the performance
# appendix's "faster kernels" are compiled routines, not convolution kernels (卷积核).
OTHER_SENSES = re.compile(
    r"unit vectors?|unit directions?|unit tests?|unit squares?|unit roundoff|in units of|phonetic units?|one unit per window|"
    r"accuracy of central differences|ReLU-type activations|bias[- –]correct\w*|bias[-–]variance|statistical bias|faster kernels", re.I
)
WRONG_TERMS = {"递归神经网络": "recurrent neural network (循环神经网络)", "偏差": "bias (偏置)"}


@dataclass(frozen=True)
class Entry:
    """One message of a catalogue."""

    page: str
    msgid: str
    msgstr: str
    fuzzy: bool


def catalogues(paths: Iterable[Path] | None = None) -> list[Path]:
    """The catalogue files, sorted: every page's, or the ones named."""
    return sorted(paths) if paths else sorted(LOCALE.glob("book/*.po"))


def entries(path: Path) -> Iterator[Entry]:
    """The messages of one catalogue (the header excluded)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        yield Entry(path.stem, msgid, msgstr or "", message.fuzzy)


def _role_targets(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for role, content in _ROLE.findall(text):
        if role == "glue:text":
            content = content.split("::")[-1].rsplit(":", 1)[0] if "::" in content else content
        elif role in _TITLED and content.endswith(">") and "<" in content:
            content = content[content.rindex("<") + 1:-1]
        found[f"{{{role}}}{content}"] += 1
    return found


def _outside(text: str) -> str:
    """``text`` without its formulas, roles, inline code and link targets."""
    for pattern in (_MATH, _ROLE, _CODE, _LINK):
        text = pattern.sub(" ", text)
    return text


def _stray_stars(text: str) -> int:
    """How many ``*`` CommonMark (as MyST parses it) leaves as text: emphasis that did not render.

    Formulas, roles and code are masked first: a ``*`` in them is not markup.
    """
    from markdown_it import MarkdownIt

    masked = _CODE.sub("C", _ROLE.sub("R", _MATH.sub("M", text)))
    html = MarkdownIt("commonmark").renderInline(masked)
    return re.sub(r"<[^>]+>", "", html).count("*")


def structure_problems(entry: Entry) -> list[str]:
    """What a translation must carry over unchanged from its message, and does not.

    >>> structure_problems(Entry("01_background", "Here $z$ is {glue:text}`ch01_z` (`z`).",
    ...                          "这里 $z$ 为 {glue:text}`01_background.ipynb::ch01_z:s`（`z`）。", False))
    []
    >>> structure_problems(Entry("p", "See {doc}`08_pitfalls`, 3 steps.", "见第 8 章，4 步。", False))
    ['cross-references and roles differ: missing {doc}08_pitfalls', 'numbers differ: missing 3; extra 4, 8']
    """
    problems = []
    source, target = entry.msgid, entry.msgstr
    checks = [
        ("formulas", Counter(_MATH.findall(source)), Counter(_MATH.findall(target))),
        ("cross-references and roles", _role_targets(source), _role_targets(target)),
        ("inline code", Counter(_CODE.findall(_ROLE.sub(" ", source))), Counter(_CODE.findall(_ROLE.sub(" ", target)))),
        ("link targets", Counter(_LINK.findall(source)), Counter(_LINK.findall(target))),
        ("numbers", Counter(_NUMBER.findall(_outside(source))), Counter(_NUMBER.findall(_outside(target)))),
    ]
    for what, want, got in checks:
        if want != got:
            missing, extra = want - got, got - want
            detail = "; ".join(
                f"{label} {', '.join(sorted(items.elements()))}" for label, items in (("missing", missing), ("extra", extra))
                if items
            )
            problems.append(f"{what} differ: {detail}")
    if _stray_stars(target) > _stray_stars(source):
        problems.append(
            "bold/italic markup shows as * (it does not render): a closing ** after full-width punctuation needs "
            "a space or punctuation after it (**梯度（gradient）** 的, not **梯度（gradient）**的)"
        )
    if _BLOCK_START.match(target):
        problems.append("starts like a Markdown list, quote or heading, so it would not render as this text: "
                        "escape the marker (3\\. 在线阅读)")
    if _REF_LINK.search(_CODE.sub(" ", _ROLE.sub(" ", target))):
        problems.append("a reference-style link ([text][name]) is lost in translation: use [text](url)")
    bare = _GLUE_BARE.findall(target)
    if bare:
        problems.append(f"glue keys not qualified (run tools/i18n.py qualify): {', '.join(bare)}")
    problems.extend(
        f"glue key qualified with {key}.ipynb, not this page's {entry.page}.ipynb"
        for key in re.findall(r"\{glue:text\}`([^`:]+)\.ipynb::", target) if key != entry.page
    )
    return problems


def _term_patterns() -> list[tuple[re.Pattern[str], str, tuple[str, ...]]]:
    """A pattern for each English name in the glossary (plural included) and its allowed Chinese names.

    Longest name first, so that a longer term takes its words from shorter ones.
    """
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from glossary_data import allowed_chinese
    from site_glossary import _alternative

    patterns = []
    for english, chinese in allowed_chinese().items():
        # A Chinese name with Latin letters in it (Adam 优化器, He 初始化) is written many ways.
        names = tuple(sorted(name for name in chinese if not re.search(r"[A-Za-z]", name)))
        if names and len(names) == len(chinese):
            patterns.append((re.compile(rf"(?<![\w-])(?:{_alternative(english)})(?![\w-])", re.I), english, names))
    return sorted(patterns, key=lambda p: -len(p[1]))


def term_problems(entry: Entry, patterns: list[tuple[re.Pattern[str], str, tuple[str, ...]]]) -> list[str]:
    """Glossary pairs a translation breaks: an English term whose Chinese name is not in it.

    A longer term takes its words from shorter ones ("stochastic gradient descent" is not also
    checked as "gradient descent"). Formulas, code and roles are not read. The seeds' wrong words
    (``WRONG_TERMS``) appear only as often as the English quotes them, except 偏差 where the English
    means a statistical bias.
    """
    problems = []
    english = OTHER_SENSES.sub(" ", _outside(entry.msgid))
    chinese = entry.msgstr
    for pattern, term, names in patterns:
        if pattern.search(english):
            english = pattern.sub(" ", english)
            if not any(name in chinese for name in names):
                problems.append(f"{term!r} is {' or '.join(names)} in the glossary, not in this translation")
    for wrong, right in WRONG_TERMS.items():
        statistical = wrong == "偏差" and any(p in entry.msgid.lower() for p in BIAS_STATISTICAL)
        # Where the English quotes the seed (in Chinese), the translation quotes it as often.
        if chinese.count(wrong) > entry.msgid.count(wrong) and not statistical:
            problems.append(f"{wrong} is the seeds' word; the book's is {right}")
    return problems


def qualify(text: str, page: str) -> str:
    """Every bare glue key of ``text`` qualified with ``page``'s notebook.

    >>> qualify("$a =$ {glue:text}`ch01_a`.", "01_background")
    '$a =$ {glue:text}`01_background.ipynb::ch01_a:s`.'
    """
    return _GLUE_BARE.sub(lambda m: f"{{glue:text}}`{page}.ipynb::{m.group(1)}:s`", text)


HEADER = """\
# The Chinese edition (中文版) of "Backpropagation and Gradient Descent, Executed": one page's messages.
# Made by `make locales` (tools/i18n.py) from the English sources; translate with tools/i18n.py todo/fill.
#"""


def tidy_headers() -> int:
    """Give every catalogue a real header: the book's name and team, not a template's fuzzy one.

    sphinx-intl copies the template's header, marked fuzzy ("Project name not set"); GNU gettext
    ignores a fuzzy header, and with it the catalogue's character set. Returns how many changed.
    """
    from babel.messages.pofile import read_po, write_po

    changed = 0
    for path in catalogues():
        with path.open("rb") as f:
            catalog = read_po(f)
        wanted = {"header_comment": HEADER, "fuzzy": False, "project": "Backpropagation and Gradient Descent, Executed", "version": "",
                  "copyright_holder": "The bpkit authors", "last_translator": "The bpkit authors",
                  "language_team": "Chinese (zh_CN), the bpkit authors"}
        if all(getattr(catalog, key) == value for key, value in wanted.items()):
            continue
        for key, value in wanted.items():
            setattr(catalog, key, value)
        with path.open("wb") as f:
            write_po(f, catalog, width=0, omit_header=False)
        changed += 1
    return changed


def _qualify_all() -> int:
    from babel.messages.pofile import read_po, write_po

    changed = 0
    for path in catalogues():
        with path.open("rb") as f:
            catalog = read_po(f)
        count = 0
        for message in catalog:
            if message.id and isinstance(message.string, str) and _GLUE_BARE.search(message.string):
                message.string = qualify(message.string, path.stem)
                count += 1
        if count:
            with path.open("wb") as f:
                write_po(f, catalog, width=0, omit_header=False)
            changed += count
    return changed


_BLOCK = re.compile(r"^@@ (\d+)[ \t]*\n", re.M)


def todo(path: Path, every: bool = False) -> str:
    """The messages of ``path`` still to translate (``every``: all), as ``@@ N`` blocks."""
    blocks = []
    for number, entry in enumerate(entries(path)):
        if every or entry.fuzzy or not entry.msgstr.strip():
            blocks.append(f"@@ {number}\n{entry.msgid}\n")
            if every and entry.msgstr:
                blocks.append(f"# now: {entry.msgstr}\n")
    return "".join(blocks)


def fill(path: Path, text: str) -> int:
    """Set the translations given as ``@@ N`` blocks in ``text``; returns how many were set."""
    from babel.messages.pofile import read_po, write_po

    parts = _BLOCK.split(text)
    given = {int(number): body.strip() for number, body in zip(parts[1::2], parts[2::2], strict=True)}
    with path.open("rb") as f:
        catalog = read_po(f)
    messages = [m for m in catalog if m.id]
    for number, body in given.items():
        if not 0 <= number < len(messages):
            raise SystemExit(f"fill: {path.name} has messages 0-{len(messages) - 1}, not {number}")
        if not body:
            raise SystemExit(f"fill: block @@ {number} is empty")
        message = messages[number]
        message.string = qualify(body, path.stem)
        message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False)
    return len(given)


def problems(paths: Iterable[Path] | None = None, terms: bool = True) -> list[str]:
    """Every problem of the catalogues, one line each: ``page: message start: problem``."""
    patterns = _term_patterns() if terms else []
    lines = []
    for path in catalogues(paths):
        for entry in entries(path):
            head = f"{entry.page}: {entry.msgid[:60]!r}"
            if not entry.msgstr.strip():
                lines.append(f"{head}: not translated")
                continue
            if entry.fuzzy:
                lines.append(f"{head}: fuzzy (the English changed; revise the translation, then drop the flag)")
            if not _CJK.search(entry.msgstr) and _CJK.search(entry.msgid) is None and len(_outside(entry.msgid).split()) > 3:
                lines.append(f"{head}: the translation has no Chinese")
            found = structure_problems(entry) + term_problems(entry, patterns)
            lines.extend(f"{head}: {p}" for p in found)
    return lines


def update() -> None:
    """Extract the messages again and merge them into the catalogues (``make locales``)."""
    python = sys.executable
    config = BUILD / "config-gettext.yml"
    out = BUILD / "gettext-build"
    subprocess.run([python, str(ROOT / "tools" / "book_config.py"), "--execute", "off", str(config)], check=True)
    shutil.rmtree(out, ignore_errors=True)  # read every page again: what is translatable may have changed
    jupyter_book = [python, str(ROOT / "tools" / "run_jupyter_book.py")]
    subprocess.run([*jupyter_book, "build", str(ROOT), "--config", str(config), "--path-output", str(out),
                    "--builder", "custom", "--custom-builder", "gettext", "-W", "-n", "--keep-going"],
                   check=True, cwd=ROOT)
    intl = Path(python).with_name("sphinx-intl")
    subprocess.run([str(intl), "update", "-p", str(out / "_build" / "gettext"), "-l", "zh_CN",
                    "-d", str(ROOT / "locales"), "-w", "0", "--no-obsolete"], check=True, cwd=ROOT)
    print(f"qualified glue keys in {_qualify_all()} translations; tidied {tidy_headers()} headers")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="print every problem; exit 1 if there is one")
    check.add_argument("po", nargs="*", type=Path)
    check.add_argument("--no-terms", action="store_true", help="skip the glossary checks")
    sub.add_parser("qualify", help="qualify bare glue keys in translations")
    sub.add_parser("update", help="extract messages and merge them into the catalogues")
    sub.add_parser("stats", help="messages and translations per catalogue")
    todo_parser = sub.add_parser("todo", help="print the messages still to translate as @@ N blocks")
    todo_parser.add_argument("po", type=Path)
    todo_parser.add_argument("--all", action="store_true", help="every message, with its current translation")
    fill_parser = sub.add_parser("fill", help="set translations from a file of @@ N blocks")
    fill_parser.add_argument("po", type=Path)
    fill_parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "check":
        found = problems(args.po, terms=not args.no_terms)
        print("\n".join(found) if found else "no problems")
        return 1 if found else 0
    if args.command == "todo":
        print(todo(args.po, args.all), end="")
    elif args.command == "fill":
        print(f"{fill(args.po, args.file.read_text(encoding='utf-8'))} translations set in {args.po.name}")
    elif args.command == "qualify":
        print(f"qualified glue keys in {_qualify_all()} translations")
    elif args.command == "update":
        update()
    else:
        total = done = 0
        for path in catalogues():
            page = list(entries(path))
            ok = sum(1 for e in page if e.msgstr.strip() and not e.fuzzy)
            total, done = total + len(page), done + ok
            print(f"{path.stem:32s} {ok:5d} / {len(page):5d}")
        print(f"{'all':32s} {done:5d} / {total:5d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
