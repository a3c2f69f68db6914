"""Tests of bpkit.tables: escaped cells, one row per line, clear errors."""

import pytest
from markdown_it import MarkdownIt

from bpkit.errors import ShapeError
from bpkit.tables import escape_cell, markdown_table


def test_pipe_in_header_and_cell_still_renders_a_table():
    text = markdown_table(["a", "max |x - y|"], [["1", "|2|"], ["3 | 4", "5"]])
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<tr>") == 3
    assert html.count("<th>") == 2 and html.count("<td>") == 4
    assert "max |x - y|" in html and "3 | 4" in html


def test_unescaped_table_breaks_which_is_why_escaping_exists():
    raw = "| a | max |x - y| |\n|---|---|\n| 1 | 2 |"
    html = MarkdownIt("commonmark").enable("table").render(raw)
    assert html.count("<th>") != 2


def test_newlines_become_spaces_and_escaping_is_idempotent():
    assert escape_cell("a\nb") == "a b"
    assert escape_cell(escape_cell("|")) == escape_cell("|")


@pytest.mark.parametrize(("header", "rows"), [([], []), (["a", "b"], [["1"]])])
def test_ragged_or_empty_tables_are_refused(header, rows):
    with pytest.raises(ShapeError, match="markdown_table"):
        markdown_table(header, rows)
