"""Re-execute notebooks in place so their committed outputs are fresh and deterministic.

Usage: python tools/execute_notebooks.py [PATH ...]   (folders are searched for *.ipynb)
       python tools/execute_notebooks.py --cache DIR [PATH ...]

Each notebook runs in its own folder (as nbval and jupyter-book run it), two at a time, the longest
first (by the seconds each took when last executed in place, kept in tools/notebook_seconds.json,
which this script rewrites then): with the long ones last, one worker would idle at the end.
Metadata that changes from run to run or machine to machine (cell timings, the Python patch
version, jupytext's authoring notes) is dropped so that diffs show only real changes.

With ``--cache DIR`` the notebooks are not rewritten: each one that has no up-to-date entry in the
jupyter-cache at DIR (the book's execution cache) is executed, two at a time, and stored there
exactly as myst-nb would store it. ``make book`` runs this first, because Jupyter Book executes
notebooks one after another; its builds then find every notebook in the cache.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

SECONDS = Path(__file__).with_name("notebook_seconds.json")
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


def run(path: Path) -> tuple[Path, float]:
    """Execute one notebook in its own folder and write it back with normalised metadata."""
    import time

    start = time.monotonic()
    nb = nbformat.read(path, as_version=4)
    normalise(nb)
    client = NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    normalise(nb)
    nbformat.write(nb, path)
    return path, time.monotonic() - start


def longest_first(paths: list[Path]) -> list[Path]:
    """``paths`` ordered by their last execution time, longest first; unknown ones first of all."""
    known = json.loads(SECONDS.read_text(encoding="utf-8")) if SECONDS.is_file() else {}
    return sorted(paths, key=lambda p: -known.get(p.name, float("inf")))


def record_seconds(seconds: dict[str, float]) -> None:
    """Merge the measured execution times (whole seconds) into SECONDS."""
    known = json.loads(SECONDS.read_text(encoding="utf-8")) if SECONDS.is_file() else {}
    known.update({name: round(value) for name, value in seconds.items()})
    SECONDS.write_text(json.dumps(dict(sorted(known.items())), indent=1) + "\n", encoding="utf-8")


def run_for_cache(path: Path) -> tuple[Path, nbformat.NotebookNode, float]:
    """Execute one notebook as myst-nb does (in its folder); return it with the time it took."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(path.parent), allow_errors=False, timeout=TIMEOUT_S, meta_override=True)
    if result.err is not None:
        raise RuntimeError(f"{path}: executing failed\n{result.exc_string}")
    return path, nb, result.time


def fill_cache(cache_dir: Path, paths: list[Path]) -> int:
    """Execute the notebooks the cache has no match for, two at a time; cache them as myst-nb does."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_dir))

    def cached(path: Path) -> bool:
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            return False
        return True

    stale = [path for path in paths if not cached(path)]
    print(f"{len(paths) - len(stale)} notebooks cached, {len(stale)} to execute")
    with ProcessPoolExecutor(max_workers=2) as pool:
        for path, nb, seconds in pool.map(run_for_cache, longest_first(stale)):
            record = cache.add_nb_to_project(str(path.resolve()))
            cache.cache_notebook_bundle(CacheBundleIn(nb, record.uri, data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            print(f"executed {path} in {seconds:.1f} s")
    return 0


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
    cache_dir = None
    if argv[:1] == ["--cache"]:
        if len(argv) < 2:
            print("--cache needs the cache folder", file=sys.stderr)
            return 2
        cache_dir, argv = Path(argv[1]), argv[2:]
    paths = collect(argv)
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    if cache_dir is not None:
        return fill_cache(cache_dir, paths)
    measured = {}
    with ProcessPoolExecutor(max_workers=2) as pool:
        for path, seconds in pool.map(run, longest_first(paths)):
            print(f"executed {path} in {seconds:.1f} s")
            measured[path.name] = seconds
    record_seconds(measured)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
