"""Build the whole book as one PDF: ``make pdf`` runs this and writes ``_build/pdf/book.pdf``.

Route: Jupyter Book's LaTeX builder with XeLaTeX (Debian's TeX Live packages, offline), from the
outputs committed in the notebooks (nothing is executed). We chose it over printing a single-page
HTML build with headless chromium because it makes a better book: a table of contents with page
numbers and PDF bookmarks, parts and numbered chapters, sections, figures and equations numbered by
chapter, TeX's own typesetting of every formula (no script has to run before printing), the
bibliography as a real chapter with page-numbered citations, running heads, an index, and text
that pdftotext reads back (which the test relies on). The chromium route prints web pages: the
navigation chrome has to be styled away, the contents have no page numbers, and each formula is
whatever MathJax drew before the print. Jupyter Book's own ``pdfhtml`` builder cannot be used here
(its Playwright call cannot be pointed at Debian's chromium).

What the build does:

1. Copies ``_config.yml`` with ``tools/pdf/overlay.yml`` merged into it to ``_build/pdf/_config.yml``
   (``_config.yml`` is shared and never edited). The copy turns execution off, selects XeLaTeX,
   fonts, a Chinese font (xeCJK), the ``bbm`` stand-in, and the ``pdf_site`` extension that drops
   the interactive figures' cells (their still versions stay). Local extension paths are made
   absolute (Jupyter Book resolves them against the config file's folder), and MathJax's macros
   from ``_config.yml`` (e.g. ``\\R``) become LaTeX macros so that formulas mean the same in both.
2. Runs ``jupyter-book build . --builder pdflatex`` with that config into ``_build/pdf``; the
   LaTeX sources land in ``_build/pdf/_build/latex``, where latexmk runs XeLaTeX.
3. Copies the PDF to ``_build/pdf/book.pdf`` and prints its size, page count and the build time.

System packages (Debian/Ubuntu): texlive-xetex texlive-lang-chinese texlive-latex-extra
texlive-fonts-recommended latexmk fonts-noto-cjk poppler-utils (README.md, section "PDF").
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from book_config import absolute_paths, merge, write  # noqa: E402  (tools/ is not a package)

HERE = Path(__file__).resolve().parent
OUT = ROOT / "_build" / "pdf"
PDF = OUT / "book.pdf"
LATEX = OUT / "_build" / "latex"
TOOLS = ("xelatex", "latexmk", "makeindex", "kpsewhich", "fc-match")
FALLBACK = "bpkit-fallback.tex"  # read by the preamble in overlay.yml
# The fonts of overlay.yml's fontpkg (keep the two in step): TeX Live file names or fontconfig names.
BOOK_FONTS = ("texgyrepagella-regular.otf", "texgyreheros-regular.otf", "DejaVu Sans Mono")
FALLBACK_FONT = "DejaVu Sans"
# xeCJK typesets these blocks with the Noto CJK font: CJK punctuation, ideographs, full-width forms.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
MISSING_CHAR = re.compile(r"Missing character: There is no (.+?) in font")


NUMBERED = re.compile(r"(^|/)\d\d_")   # chapter files numbered by their name: book/01_background
PART = re.compile(r"^\\part\{", re.MULTILINE)


def arrange(tex: str, toc: dict[str, Any]) -> str:
    """Number the PDF's chapters as the book does: 1-15 for the chapters, A, B, ... for the appendices.

    sphinx-jupyterbook-latex turns every caption of ``_toc.yml`` into a numbered ``\\part`` and
    numbers every chapter from 1, so "Part I: ..." became Part II and chapter 01 became chapter 2.
    Here the parts keep their captions unnumbered (``\\bpkitpart``), the parts before the first
    numbered chapter (``NN_name``) are unnumbered front matter, and the parts after the last one
    are appendices (``\\appendix``). The macros are defined in overlay.yml's preamble.
    """
    parts = toc.get("parts", [])
    starts = [m.start() for m in PART.finditer(tex)]
    if len(starts) != len(parts):
        raise SystemExit(f"make pdf: {len(parts)} parts in _toc.yml but {len(starts)} \\part commands in book.tex")
    numbered = [i for i, part in enumerate(parts)
                if any(NUMBERED.search(ch.get("file", "")) for ch in part.get("chapters", []))]
    if not numbered:
        raise SystemExit("make pdf: no numbered chapter (book/NN_name) in _toc.yml")
    first, last = numbered[0], numbered[-1]
    out, done = [], 0
    for i, start in enumerate(starts):
        out.append(tex[done:start])
        if i == 0 and first > 0:
            out.append("\\bpkitunnumbered\n")
        if i == first and first > 0:
            out.append("\\bpkitnumbered\n")
        if i == last + 1:
            out.append("\\appendix\n")
        out.append("\\bpkitpart{")
        done = start + len("\\part{")
    out.append(tex[done:])
    return introduction("".join(out), toc["root"])


def introduction(tex: str, root: str) -> str:
    """Give the root page (the intro, whose title is the book's) the heading "Introduction".

    sphinx-jupyterbook-latex places the root page's text between the table of contents and the
    first part, with no heading, so it had no entry in the contents and the running foot said
    "Contents".
    """
    anchor = f"\\label{{\\detokenize{{{root}::doc}}}}"
    if anchor not in tex:
        raise SystemExit(f"make pdf: the root page {root} not found in book.tex")
    anchor = "\\phantomsection" + anchor if "\\phantomsection" + anchor in tex else anchor
    return tex.replace(anchor, "\\bpkitintroduction\n" + anchor, 1)


def fail(message: str) -> int:
    """Print why ``make pdf`` failed, remove a stale book.pdf, and return the exit status 1."""
    print(f"make pdf: {message}", file=sys.stderr)
    PDF.unlink(missing_ok=True)
    return 1


def font_file(name: str) -> Path:
    """The file of a font given by TeX Live file name (found with kpsewhich) or fontconfig name."""
    if name.endswith((".otf", ".ttf")):
        found = subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip()
    else:
        found = subprocess.run(["fc-match", "-f", "%{file}", f"{name}:style=Book"],
                               capture_output=True, text=True).stdout.strip()
    if not found or not Path(found).is_file():
        raise SystemExit(f"make pdf: font {name!r} not found (see README.md, section PDF)")
    return Path(found)


@functools.cache
def charset(name: str) -> frozenset[int]:
    """The code points that font ``name`` has glyphs for."""
    from fontTools.ttLib import TTFont

    with TTFont(font_file(name), fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap())


def write_fallback(tex: str, path: Path) -> list[str]:
    """Route characters that one of the book's fonts lacks to the fallback font.

    XeTeX has no font fallback: a character missing from the current font is dropped with a
    line in the log. Every non-ASCII, non-CJK character of ``tex`` that the text, heading or code
    font lacks is typeset in DejaVu Sans instead (via ``newunicodechar``), in text and in math.
    Writes the definitions to ``path`` and returns the characters that no font has.
    """
    used = sorted({ord(c) for c in tex if ord(c) > 127 and not CJK.match(c)})
    lacking = [c for c in used if any(c not in charset(name) for name in BOOK_FONTS)]
    nowhere = [chr(c) for c in lacking if c not in charset(FALLBACK_FONT)]
    lines = [
        f"% Generated by tools/pdf/build.py: characters one of the book's fonts lacks, set in {FALLBACK_FONT}.",
        "\\usepackage{newunicodechar}",
        f"\\newfontfamily\\bpkitfallbackfont{{{FALLBACK_FONT}}}[Scale=MatchLowercase]",
        "\\makeatletter",
        "\\newcommand\\bpkit@glyph[1]{\\ifmmode\\text{\\bpkitfallbackfont\\char#1}\\else{\\bpkitfallbackfont\\char#1}\\fi}",
    ]
    lines += [f'\\newunicodechar{{{chr(c)}}}{{\\bpkit@glyph{{"{c:04X}}}}}' for c in lacking if chr(c) not in nowhere]
    lines.append("\\makeatother")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return nowhere


def tex_macros(config: dict[str, Any]) -> str:
    """LaTeX definitions of the MathJax macros in ``sphinx.config.mathjax3_config.tex.macros``.

    MathJax writes a macro as ``"body"`` or ``["body", nargs]``; ``\\providecommand`` leaves a
    macro that LaTeX already has (``\\R`` is not one) alone.
    """
    macros = (
        config.get("sphinx", {}).get("config", {}).get("mathjax3_config", {}).get("tex", {}).get("macros", {})
    )
    lines = []
    for name, body in macros.items():
        if isinstance(body, list):
            lines.append(f"\\providecommand{{\\{name}}}[{int(body[1])}]{{{body[0]}}}")
        else:
            lines.append(f"\\providecommand{{\\{name}}}{{{body}}}")
    return "\n".join(lines) + ("\n" if lines else "")


def pdf_config() -> dict[str, Any]:
    """The configuration of the PDF build: _config.yml with the overlay merged in."""
    base = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    overlay = yaml.safe_load((HERE / "overlay.yml").read_text(encoding="utf-8"))
    config: dict[str, Any] = absolute_paths(merge(base, overlay))
    sphinx = config["sphinx"]
    latex = sphinx["config"]["latex_elements"]
    latex["preamble"] = latex.get("preamble", "") + tex_macros(base)
    sphinx["config"]["latex_additional_files"] = [
        str((ROOT / path).resolve()) for path in sphinx["config"].get("latex_additional_files", [])
    ]
    return config


def page_count(pdf: Path) -> int | None:
    """Pages of ``pdf`` according to poppler's pdfinfo, or None when pdfinfo is missing."""
    if shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config-only", action="store_true", help="write _build/pdf/_config.yml and stop")
    parser.add_argument("--lenient", action="store_true",
                        help="do not stop on Sphinx warnings (e.g. while a chapter is being edited)")
    args = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    config_path = OUT / "_config.yml"
    write(config_path, pdf_config(), "tools/pdf/build.py from _config.yml and tools/pdf/overlay.yml")
    if args.config_only:
        print(config_path)
        return 0
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        print(
            f"make pdf: {', '.join(missing)} not found. Install the TeX packages (Debian/Ubuntu):\n"
            "  apt-get install texlive-xetex texlive-lang-chinese texlive-latex-extra "
            "texlive-fonts-recommended latexmk fonts-noto-cjk poppler-utils",
            file=sys.stderr,
        )
        return 1

    start = time.monotonic()
    command = [
        sys.executable, str(ROOT / "tools" / "run_jupyter_book.py"), "build", str(ROOT), "--builder", "latex",
        "--config", str(config_path), "--path-output", str(OUT), "-n", "--keep-going",
    ]
    if not args.lenient:
        command.append("-W")  # as strict as the HTML build
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        return fail("Sphinx could not write the LaTeX sources (see the messages above)")
    tex = LATEX / "book.tex"
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    tex.write_text(arrange(tex.read_text(encoding="utf-8"), toc), encoding="utf-8")
    missing_glyphs = write_fallback(tex.read_text(encoding="utf-8"), LATEX / FALLBACK)
    if missing_glyphs:
        return fail(f"no font has these characters: {' '.join(missing_glyphs)}")
    tex_pdf = tex.with_suffix(".pdf")
    tex_pdf.unlink(missing_ok=True)
    env = dict(os.environ, LATEXOPTS="-interaction=nonstopmode -halt-on-error")
    latexmk = subprocess.run(["latexmk", "-pdf", "-dvi-", "-ps-", "-silent", tex.name], cwd=LATEX, env=env)
    seconds = time.monotonic() - start
    log = tex.with_suffix(".log")
    if latexmk.returncode != 0 or not tex_pdf.is_file():
        return fail(f"XeLaTeX failed; its log is {log.relative_to(ROOT)}")
    dropped = sorted(set(MISSING_CHAR.findall(log.read_text(encoding="utf-8", errors="replace"))))
    if dropped:
        return fail("XeLaTeX dropped characters that its fonts lack:\n  " + "\n  ".join(dropped))
    shutil.copy2(tex_pdf, PDF)
    pages = page_count(PDF)
    size = PDF.stat().st_size / 2**20
    print(f"PDF: {PDF.relative_to(ROOT)}, {size:.1f} MB, {pages} pages, built in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
