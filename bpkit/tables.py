"""Markdown tables for notebooks and reports, with every cell escaped so the table renders.

A ``|`` inside a cell (as in ``max |ours - bpkit|``) would end the cell and break the whole table
into a run-on paragraph of ``| ... |`` text; a newline would end the row. Every table in the book
and in bpkit's reports is made here, so that cannot happen.
"""

from __future__ import annotations

from collections.abc import Sequence

from bpkit.errors import ShapeError


def escape_cell(value: object) -> str:
    r"""The text of one table cell: ``|`` escaped as ``\|``, newlines replaced by spaces.

    Parameters
    ----------
    value : object
        Anything; it is converted with ``str``.

    Examples
    --------
    >>> escape_cell("max |a - b|")
    'max \\|a - b\\|'
    """
    return str(value).replace("\\|", "|").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown_table(header: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown (GitHub-flavoured) table with the given header and rows.

    Parameters
    ----------
    header : sequence
        The column titles, one per column.
    rows : sequence of sequences
        The cells, one sequence per row, each as long as ``header``.

    Returns
    -------
    str
        The table, one line per row; show it in a notebook with ``IPython.display.Markdown``.

    Examples
    --------
    >>> print(markdown_table(["rule", "max |ours - bpkit|"], [["SGD", "0"]]))
    | rule | max \\|ours - bpkit\\| |
    |---|---|
    | SGD | 0 |
    """
    width = len(header)
    if width == 0:
        raise ShapeError("markdown_table: header must have at least one column, got 0")
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ShapeError(f"markdown_table: row {i} must have {width} cells like the header, got {len(row)}")
    lines = ["| " + " | ".join(escape_cell(h) for h in header) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(escape_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
