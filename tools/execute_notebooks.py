"""Re-execute notebooks in place so their committed outputs are fresh and deterministic.

Usage: python tools/execute_notebooks.py [PATH ...]   (folders are searched for *.ipynb)

Each notebook runs in its own folder (as nbval and jupyter-book run it), two at a time.
Metadata that changes from run to run or machine to machine (cell timings, the Python patch
version, jupytext's authoring notes) is dropped so that diffs show only real changes.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
TIMEOUT_S = 120


def normalise(nb: nbformat.NotebookNode) -> None:
    """Drop volatile metadata: timings, execution ids, jupytext notes, interpreter version."""
    nb.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    )
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        cell.pop("id", None)
    nb.nbformat, nb.nbformat_minor = 4, 4


def run(path: Path) -> str:
    """Execute one notebook in its own folder and write it back with normalised metadata."""
    nb = nbformat.read(path, as_version=4)
    normalise(nb)
    client = NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    normalise(nb)
    nbformat.write(nb, path)
    return f"executed {path}"


def collect(args: list[str]) -> list[Path]:
    """Expand folders into their notebooks, skipping checkpoints and build copies."""
    paths: list[Path] = []
    for arg in args or ["book"]:
        p = Path(arg)
        found = sorted(p.rglob("*.ipynb")) if p.is_dir() else [p]
        paths += [q for q in found if not {"_build", ".ipynb_checkpoints"} & set(q.parts)]
    return paths


def main(argv: list[str]) -> int:
    """Run every notebook named on the command line (default: book/)."""
    paths = collect(argv)
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    with ProcessPoolExecutor(max_workers=2) as pool:
        for line in pool.map(run, paths):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
