"""Checks of the PDF book that `make pdf` builds (_build/pdf/book.pdf, see tools/pdf/build.py).

The PDF's text is read back with poppler (pdftotext, and pdftohtml's XML, which also names the font of
every run of text, so that code listings can be told apart from prose); its images are listed with
pdfimages. What the PDF must hold is read from the sources (_toc.yml, the notebooks and the Markdown
pages), never typed in here. Without a PDF the tests skip with one line saying how to build it, except
under CI (CI=true), where a missing PDF fails them.
"""

from __future__ import annotations

import codecs
import html
import json
import os
import re
import shutil
import string
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from book_layout import ROOT, config, toc_entries

PDF = ROOT / "_build" / "pdf" / "book.pdf"
pytestmark = pytest.mark.built_book

NUMBERED = re.compile(r"(?:^|/)(\d\d)_")          # book/07_optimizers is chapter 7
HEADING = re.compile(r"^# (.+)$", re.MULTILINE)
EXERCISE = re.compile(r"^[:`]{3,}\{exercise\}", re.MULTILINE)
SOLUTION = re.compile(r"^[:`]{3,}\{solution(?:-start)?\}", re.MULTILINE)
FIGURE_MD = re.compile(r"!\[[^\]]*\]\(|^[:`]{3,}\{(?:figure|image|glue:figure)\}|<img\b", re.MULTILINE)
IMAGE_TYPES = ("image/png", "image/jpeg", "application/pdf")  # what the LaTeX build shows as a picture
HIDDEN_CELL = {"remove-cell", "remove_cell", "remove-output", "remove_output", "interactive"}
# TeX that must not survive into the printed prose (outside code listings and printed outputs).
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\\(?:frac|partial|mathbb|sum|begin|end|left|right)\b")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


# ---------------------------------------------------------------- reading the sources

def _source(entry: str) -> Path:
    for suffix in (".ipynb", ".md"):
        path = ROOT / f"{entry}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(entry)


def _markdown(entry: str) -> str:
    """The page's Markdown: a .md file, or a notebook's markdown cells."""
    path = _source(entry)
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def title(entry: str) -> str:
    """The page's title, its first level-1 heading, as plain text."""
    found = HEADING.search(_markdown(entry))
    assert found, f"{entry} has no '# title'"
    text = found.group(1).replace("`", "").replace("**", "").strip()
    assert "$" not in text, f"{entry}: a title with math needs a plain-text comparison in this test"
    return text


def chapters() -> list[tuple[str, str]]:
    """(label, entry) for every page after the root: '7' for a numbered chapter, 'A', 'B', ... for the
    appendices (the pages after the last numbered chapter), '' for the unnumbered front matter."""
    entries = toc_entries()[1:]
    numbered = [i for i, e in enumerate(entries) if NUMBERED.search(e)]
    labels, letters = [], iter(string.ascii_uppercase)
    for i, entry in enumerate(entries):
        found = NUMBERED.search(entry)
        if found:
            labels.append((str(int(found.group(1))), entry))
        elif numbered and i > numbered[-1]:
            labels.append((next(letters), entry))
        else:
            labels.append(("", entry))
    return labels


def expected_figures() -> dict[str, int]:
    """Pictures per page: image outputs of the cells the PDF shows (interactive cells and removed
    outputs excluded; their still versions are ordinary image outputs) plus Markdown figures."""
    counts = {}
    for entry in toc_entries():
        path = _source(entry)
        n = len(FIGURE_MD.findall(_markdown(entry)))
        if path.suffix == ".ipynb":
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                if cell["cell_type"] != "code" or HIDDEN_CELL & set(cell.get("metadata", {}).get("tags", [])):
                    continue
                n += sum(any(t in out.get("data", {}) for t in IMAGE_TYPES) for out in cell.get("outputs", []))
        counts[entry] = n
    return counts


# ---------------------------------------------------------------- reading the PDF

def _require_pdf() -> None:
    tools = [t for t in ("pdftotext", "pdftohtml", "pdfimages", "pdfinfo") if shutil.which(t) is None]
    problem = None
    if not PDF.is_file():
        problem = f"no {PDF.relative_to(ROOT)}: `make pdf` builds it"
    elif tools:
        problem = f"{', '.join(tools)} missing: apt-get install poppler-utils"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)


def normalize(text: str) -> str:
    """Text as compared here: compatibility forms folded (ligatures), curly quotes straight, one space."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}))
    return re.sub(r"\s+", " ", text).strip()


@cache
def pages() -> list[str]:
    """Each page's text, normalized."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(PDF), "-"], capture_output=True, check=True)
    return [normalize(page) for page in out.stdout.decode("utf-8").split("\f")]


@cache
def prose_runs() -> list[str]:
    """Every run of text the PDF sets in a font other than the monospace one (code, printed output)."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", str(PDF)],
                         capture_output=True, check=True).stdout.decode("utf-8", errors="replace")
    mono = {m.group(1) for m in re.finditer(r'<fontspec id="(\d+)"[^>]*family="[^"]*Mono[^"]*"', xml)}
    return [html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))
            for m in re.finditer(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', xml) if m.group(1) not in mono]


def page_count() -> int:
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def image_pages() -> list[int]:
    """The page (from 1) of every picture drawn in the PDF; pdfimages lists a picture's transparency
    mask as a separate 'smask' row, which is not counted."""
    listing = subprocess.run(["pdfimages", "-list", str(PDF)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    return [int(row[0]) for row in rows if len(row) > 2 and row[2] == "image"]


def heading(label: str, entry: str) -> str:
    """How a chapter opens in the PDF: 'Chapter 7 <title>', 'Appendix A <title>', or the title alone."""
    name = normalize(title(entry))
    return name if not label else f"{'Chapter' if label.isdigit() else 'Appendix'} {label} {name}"


def chapter_pages() -> dict[str, range]:
    """The pages (from 1) of each page of the toc, found by the chapters' opening headings in order."""
    text = pages()
    starts: list[tuple[str, int]] = []
    at = 1
    for label, entry in chapters():
        found = next((i for i in range(at, len(text)) if heading(label, entry) in text[i]), None)
        assert found is not None, f"no page opens {heading(label, entry)!r}"
        starts.append((entry, found + 1))
        at = found + 1
    bounds = [1] + [page for _, page in starts] + [len(text) + 1]
    entries = [toc_entries()[0]] + [entry for entry, _ in starts]
    return {entry: range(bounds[i], bounds[i + 1]) for i, entry in enumerate(entries)}


# ---------------------------------------------------------------- the checks

def test_title_page_names_the_book() -> None:
    _require_pdf()
    assert normalize(config()["title"]) in pages()[0]


def test_every_chapter_is_in_the_contents_and_opens_with_its_number() -> None:
    """Each page of the toc is a chapter of the PDF: 'Chapter 7 <title>', 'Appendix A <title>', or
    (front matter) the title alone, in the toc's order; and each title is listed in the table of contents."""
    _require_pdf()
    text = pages()
    toc = " ".join(p for p in text[:12] if "Contents" in p or "." * 5 in p.replace(" ", ""))
    missing = [normalize(title(e)) for _, e in chapters() if normalize(title(e)) not in toc]
    assert not missing, f"not in the table of contents: {missing}"
    chapter_pages()  # asserts that every chapter opens, in order


def test_page_count_is_sane() -> None:
    """At least 4 pages per page of the book (less means content went missing), and at most 1500
    (more means something ran away, such as a table or a printed array one number per line)."""
    _require_pdf()
    n = page_count()
    assert 4 * len(toc_entries()) <= n <= 1500, f"{n} pages"


def test_no_raw_tex_in_the_prose() -> None:
    """Formulas are typeset: no \\(, $$, \\frac ... outside code listings and printed outputs."""
    _require_pdf()
    leaks = [run for run in prose_runs() if RAW_TEX.search(run)]
    assert not leaks, f"raw TeX in the text: {leaks[:10]}"


def test_no_raw_tex_detector_sees_code_fonts_apart() -> None:
    """The raw-TeX check reads the prose only: the book's code listings do print TeX source (the
    cells that build Markdown math), so the whole text has some, and the prose has none."""
    _require_pdf()
    assert any(RAW_TEX.search(page) for page in pages()), "no TeX in any code listing: the check would see nothing"


def test_chinese_terms_are_rendered() -> None:
    """Every Chinese term of the glossary is in the PDF's text (XeTeX drops a glyph its font lacks)."""
    _require_pdf()
    text = re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", " ".join(pages()))
    glossary = next(e for e in toc_entries() if e.endswith("glossary"))
    terms = sorted(set(CJK.findall(_markdown(glossary))))
    assert "反向传播" in terms
    missing = [t for t in terms if t not in text]
    assert not missing, f"Chinese terms missing from the PDF: {missing}"


def test_every_figure_is_drawn() -> None:
    """Each chapter of the PDF holds as many pictures as its source has figures (stills included)."""
    _require_pdf()
    where = image_pages()
    drawn = {entry: sum(page in span for page in where) for entry, span in chapter_pages().items()}
    expected = expected_figures()
    differ = {entry: f"{drawn[entry]} drawn, {n} in the source" for entry, n in expected.items() if drawn[entry] != n}
    assert not differ, differ
    assert len(where) == sum(expected.values())


def _pointer() -> str:
    """The sentence tools/pdf/pdf_site.py puts where an interactive figure's cell was."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pdf_site", ROOT / "tools" / "pdf" / "pdf_site.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.POINTER)


def test_interactive_figures_point_to_their_web_page() -> None:
    """Each interactive figure's cell is left out of the PDF (its still stays) and replaced by one
    sentence giving the address of the chapter's web page, where the controls are."""
    _require_pdf()
    cells: dict[str, int] = {}
    for entry in toc_entries():
        path = _source(entry)
        if path.suffix == ".ipynb":
            cells[entry] = sum("interactive" in c.get("metadata", {}).get("tags", [])
                               for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
    text = " ".join(pages())
    assert text.count(normalize(_pointer()).strip()) == sum(cells.values())
    assert not re.search(r"InteractiveFigure\('[^']*', \d+ controls", text), "an interactive cell's repr is printed"
    base = config()["html"]["baseurl"].rstrip("/")
    for entry, n in cells.items():  # the chapter's own page (a long address may wrap: spaces dropped)
        assert text.replace(" ", "").count(f"{base}/{entry}.html") >= n, entry


def test_exercises_and_their_solutions() -> None:
    """Every exercise and every solution is printed, numbered within its own chapter."""
    _require_pdf()
    text = " ".join(pages())
    solutions = re.findall(r"Solution to Exercise (\d+)\.[\d.]+", text)
    exercises = re.findall(r"(?<!Solution to )Exercise (\d+)\.[\d.]+", text)
    for label, entry in chapters():
        source = _markdown(entry)
        n_ex, n_sol = len(EXERCISE.findall(source)), len(SOLUTION.findall(source))
        if not label.isdigit():
            assert n_ex == 0, f"{entry}: exercises outside a numbered chapter are not counted by this test"
            continue
        assert exercises.count(label) == n_ex, f"chapter {label}: {exercises.count(label)} exercises, {n_ex} in {entry}"
        assert solutions.count(label) == n_sol, f"chapter {label}: {solutions.count(label)} solutions, {n_sol} in {entry}"


def _letters(text: str) -> str:
    """Lower-case letters and digits only: survives line breaks, hyphenation and the style's title case."""
    return "".join(c for c in text.lower() if c.isalnum())


def test_bibliography_lists_every_cited_work() -> None:
    """Each work cited in the book has an entry in the references chapter, found by its title
    (read from references.bib with pybtex, TeX accents decoded)."""
    _require_pdf()
    import latexcodec  # noqa: F401  (registers the "ulatex" codec)
    from pybtex.database import parse_file

    text = pages()
    label, entry = next((lab, e) for lab, e in chapters() if e.endswith("references"))
    heading = normalize(f"Appendix {label} {title(entry)}")
    start = max(i for i, page in enumerate(text) if heading in page)
    bibliography = _letters(" ".join(text[start:]))
    cited: set[str] = set()
    for page in toc_entries():
        for keys in re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", _markdown(page)):
            cited.update(k.strip() for k in keys.split(","))
    works = parse_file(str(ROOT / "book" / "references.bib")).entries
    missing = []
    for key in sorted(cited):
        assert key in works, f"{key} cited but not in references.bib"
        name = codecs.decode(works[key].fields["title"].replace("{", "").replace("}", ""), "ulatex")
        if _letters(name)[:40] not in bibliography:
            missing.append(f"{key}: {name}")
    assert cited, "no citation found in the sources"
    assert not missing, f"not in the PDF's bibliography: {missing}"
