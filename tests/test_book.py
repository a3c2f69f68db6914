"""Checks of the book's sources: table of contents, notebook hygiene, Colab set-up cells."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from book_layout import BOOK, ROOT, book_pages, config, load_notebook, notebooks, toc_entries

CHAPTER = re.compile(r"^\d\d_")


def _source(cell: dict) -> str:
    return "".join(cell.get("source", []))


def test_every_page_is_in_the_toc_and_every_toc_entry_exists() -> None:
    entries = toc_entries()
    listed = {str(Path(e)) for e in entries}
    on_disk = {str(p.relative_to(ROOT).with_suffix("")) for p in book_pages()}
    assert on_disk - listed == set(), "pages missing from _toc.yml"
    assert listed - on_disk == set(), "_toc.yml entries with no file"
    assert len(entries) == len(set(entries)), "a page is listed twice"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_notebook_is_executed_and_normalised(path: Path) -> None:
    nb = load_notebook(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and _source(c).strip()]
    unrun = [i for i, c in enumerate(code) if c.get("execution_count") is None]
    assert not unrun, f"code cells {unrun} have no stored output: run `make notebooks`"
    for cell in code:
        assert "execution" not in cell.get("metadata", {}), "timings left in metadata"
        assert "sys.path" not in _source(cell), "install bpkit with pip install -e . instead"
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"stored error output in {path.name}"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_first_cell_installs_bpkit_on_colab_from_this_repository(path: Path) -> None:
    nb = load_notebook(path)
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    src = _source(first)
    url = config()["repository"]["url"]
    assert "find_spec(\"bpkit\") is None" in src, "the set-up cell must be a no-op when bpkit exists"
    assert f"git+{url}" in src, f"the set-up cell must install from {url}"
    assert "remove-cell" in first.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize(
    "path", [p for p in notebooks() if CHAPTER.match(p.name)], ids=lambda p: p.name
)
def test_chapter_has_goals_summary_and_three_exercises(path: Path) -> None:
    nb = load_notebook(path)
    text = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert len(re.findall(r"^:::+\{exercise\}", text, flags=re.M)) >= 3
    assert re.search(r"^#+ Summary", text, flags=re.M), "a chapter ends with a summary"
    assert "you will be able to" in text.lower(), "a chapter opens with what the reader will do"


def test_config_is_offline_and_strict() -> None:
    cfg = config()
    assert cfg["only_build_toc_files"] is True
    assert cfg["execute"]["allow_errors"] is False
    assert cfg["execute"]["timeout"] == 120
    assert "book_site" in cfg["sphinx"]["local_extensions"]
    assert {"sphinx_exercise", "sphinx_proof"} <= set(cfg["sphinx"]["extra_extensions"])
    assert (BOOK / "_ext" / "book_site.py").is_file()


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make test" in ci
