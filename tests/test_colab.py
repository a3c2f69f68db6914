"""The Colab-like kernel that `make test` runs every chapter in holds bpkit's dependencies and nothing more.

`make colab-kernel` builds a fresh virtual environment with `pip install .` and ipykernel, and
registers it as the Jupyter kernel ``bpkit-colab``; strict nbval then runs every notebook in it.
This test makes sure that the kernel really is that environment: the book's tools (myst-nb,
Jupyter Book, plotly, PyTorch, the test tools) are absent, bpkit comes from the installed package
rather than this checkout, and nothing beyond bpkit's declared dependencies (and what they and the
kernel pull in) was installed. Without the kernel the test skips, except under CI=true.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "_build" / "colab-venv"
KERNEL = "bpkit-colab"

pytestmark = pytest.mark.colab

PROBE = r"""
import importlib.metadata as md, importlib.util, json, sys
import bpkit
absent = ["myst_nb", "jupyter_book", "plotly", "torch", "nbval", "pytest", "sklearn", "statsmodels", "IPython.sphinxext"]
print(json.dumps({
    "prefix": sys.prefix,
    "bpkit": bpkit.__file__,
    "present": [m for m in absent if importlib.util.find_spec(m.split(".")[0]) is not None and m != "IPython.sphinxext"],
    "distributions": sorted(d.metadata["Name"].lower().replace("_", "-") for d in md.distributions()),
    "requires": {d.metadata["Name"].lower().replace("_", "-"): [r.split(";")[0] for r in (d.requires or []) if "extra ==" not in r] for d in md.distributions()},
}))
"""


@pytest.fixture(scope="module")
def probe() -> dict:
    if not (VENV / "share" / "jupyter" / "kernels" / KERNEL).is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"no {KERNEL} kernel in {VENV}: run `make colab-kernel`")
        pytest.skip(f"no {KERNEL} kernel: `make colab-kernel` builds it (make test does)")
    from jupyter_client.manager import start_new_kernel

    os.environ["JUPYTER_PATH"] = str(VENV / "share" / "jupyter")
    # nbval starts each kernel in the notebook's folder; so does the probe.
    km, kc = start_new_kernel(kernel_name=KERNEL, cwd=str(ROOT / "book"))
    try:
        chunks: list[str] = []

        def collect(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                chunks.append(msg["content"]["text"])

        reply = kc.execute_interactive(PROBE, timeout=60, output_hook=collect)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return json.loads("".join(chunks))


def _name(requirement: str) -> str:
    for stop in "<>=!~[ (":
        requirement = requirement.split(stop)[0]
    return requirement.strip().lower().replace("_", "-")


def test_kernel_runs_in_the_fresh_environment(probe: dict) -> None:
    assert Path(probe["prefix"]).resolve() == VENV.resolve()
    # The installed package, as on Colab, not this checkout's source tree.
    assert Path(probe["bpkit"]).resolve().is_relative_to(VENV.resolve())


def test_the_books_tools_are_absent(probe: dict) -> None:
    assert probe["present"] == []


def test_only_bpkit_its_dependencies_and_the_kernel_are_installed(probe: dict) -> None:
    """Every installed distribution is reachable from bpkit's or ipykernel's requirements."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    requires = probe["requires"]
    reachable: set[str] = set()
    # pip and setuptools come with every new virtual environment.
    todo = [_name(r) for r in declared] + ["bpkit-textbook", "ipykernel", "pip", "setuptools"]
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        reachable.add(name)
        todo.extend(_name(r) for r in requires.get(name, []))
    extra = sorted(set(probe["distributions"]) - reachable)
    assert extra == [], f"installed but required by neither bpkit nor the kernel: {extra}"
