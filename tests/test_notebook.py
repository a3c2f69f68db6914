"""bpkit.notebook: glue writes myst-nb's record with or without myst-nb; the book style."""

from __future__ import annotations

import sys

import matplotlib
import matplotlib.pyplot as plt
import pytest

from bpkit import notebook
from bpkit.errors import ArgumentTypeError


class FakeShell:
    """Stands in for a running IPython kernel: collects what display() publishes."""

    def __init__(self) -> None:
        self.published: list[tuple[dict, dict]] = []


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict, dict]]:
    """Capture display() calls made by glue's own fallback (myst-nb hidden)."""
    import IPython
    import IPython.display

    shell = FakeShell()
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb now fails
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)

    def fake_display(obj: dict, raw: bool = False, metadata: dict | None = None) -> None:
        assert raw
        shell.published.append((obj, metadata or {}))

    monkeypatch.setattr(IPython.display, "display", fake_display)
    return shell.published


def test_glue_without_myst_nb_writes_the_record_myst_nb_reads(published: list) -> None:
    notebook.glue("answer", 42, display=False)
    notebook.glue("shown", "text")
    (hidden, hidden_meta), (shown, shown_meta) = published
    assert hidden == {"application/papermill.record/text/plain": "42"}
    assert hidden_meta["scrapbook"] == {"name": "answer", "mime_prefix": "application/papermill.record/"}
    assert shown == {"text/plain": "'text'"}
    assert shown_meta["scrapbook"] == {"name": "shown", "mime_prefix": ""}


def test_glue_matches_myst_nb_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback publishes the same bundle and metadata as myst-nb's own glue."""
    import IPython
    import IPython.display
    import myst_nb.ext.glue as myst_glue_module

    calls: list[tuple[dict, dict]] = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: FakeShell())
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False, metadata=None: calls.append((obj, metadata)))
    monkeypatch.setattr(myst_glue_module, "ipy_display", lambda obj, raw=False, metadata=None: calls.append((obj, metadata)))
    for display in (True, False):
        notebook.glue("x", 0.125, display=display)  # myst-nb's glue
        with monkeypatch.context() as m:
            m.setitem(sys.modules, "myst_nb", None)
            notebook.glue("x", 0.125, display=display)  # the fallback
    assert len(calls) == 4
    assert calls[0] == calls[1] and calls[2] == calls[3]


def test_glue_outside_a_kernel_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython

    monkeypatch.setitem(sys.modules, "myst_nb", None)
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert notebook.glue("x", 1) is None


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [({"name": "", "value": 1}, "name"), ({"name": 3, "value": 1}, "name"), ({"name": "x", "value": 1, "display": 1}, "display")],
)
def test_glue_refuses_bad_arguments(kwargs: dict, needle: str) -> None:
    with pytest.raises(ArgumentTypeError, match=needle):
        notebook.glue(**kwargs)


def test_book_style_lines_differ_in_dash_pattern_not_only_colour() -> None:
    cycle = list(notebook.book_style()["axes.prop_cycle"])
    assert len({str(c["linestyle"]) for c in cycle}) == len(cycle)
    assert len({c["color"] for c in cycle}) == len(cycle)


def test_use_book_style_changes_rcparams_outside_a_kernel() -> None:
    with matplotlib.rc_context():
        notebook.use_book_style()
        assert plt.rcParams["font.size"] == notebook.book_style()["font.size"]
        fig, ax = plt.subplots()
        (first,) = ax.plot([0, 1])
        (second,) = ax.plot([1, 0])
        assert first.get_linestyle() != second.get_linestyle()
        plt.close(fig)
