"""The installed package is complete: a wheel built from pyproject.toml holds every bpkit module.

Readers on Colab install bpkit with `pip install git+...`, a regular (not editable) install, so a
subpackage missing from the wheel would only show up there, as an ImportError in an exercise.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_holds_every_module_and_data_file(tmp_path: Path) -> None:
    # Build from a copy, so that setuptools' build/ and egg-info folders stay out of the checkout.
    source = tmp_path / "source"
    shutil.copytree(ROOT / "bpkit", source / "bpkit", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(source)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("bpkit_textbook-*.whl")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "bpkit").rglob("*")
        if p.is_file() and p.suffix in {".py", ".gz", ".md"} and "__pycache__" not in p.parts
    }
    assert wanted, "found no bpkit sources"
    missing = sorted(wanted - in_wheel)
    assert not missing, f"not in the wheel: {missing}"
