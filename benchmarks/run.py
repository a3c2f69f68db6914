"""Benchmarks for bpkit. Run with `make bench` (or `python benchmarks/run.py`).

Writes benchmarks/results/results.json, which the book's Performance appendix reads. Parts:
  a) one training step (forward, loss, backward, Adam) of bpkit MLPs against the hand-fused NumPy
     floor and against PyTorch CPU eager mode (skipped when torch is not installed);
  b) Value.backward throughput, bpkit against a micrograd-style recursive implementation;
  c) SymPy derivation time against network size (benchmarks/bench_symbolic.py);
  d) gradient-check cost against the number of parameters;
  e) `make book` (cold and warm) and `make test` wall times, with --build-times;
  f) recurrent layers (RNN, LSTM) against PyTorch (benchmarks/bench_recurrent.py);
  h) convolution (Conv2D forward + backward) and one training epoch of chapter 12's CNN against PyTorch
     (benchmarks/bench_conv.py);
  g) fit's overhead: bpkit.train.fit against the bare loop of the same steps (zero_grad, forward, loss,
     backward, Adam) over the same shuffled batches.
Use --quick for a fast smoke run (fewer repeats, smaller graphs; results not written).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Single-threaded BLAS and PyTorch: the step sizes here are small, and thread pools competing for
# two cores make timings depend on scheduling more than on the code (set before NumPy loads).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the benchmark's own helper modules, not bpkit

from bench_conv import cnn_epoch_bench, conv_bench  # noqa: E402
from bench_recurrent import recurrent_bench  # noqa: E402
from fused_numpy import FusedMLP  # noqa: E402
from recursive_value import RecursiveValue  # noqa: E402

from bpkit.autodiff import Value  # noqa: E402
from bpkit.gradcheck import check_model  # noqa: E402
from bpkit.losses import CrossEntropy  # noqa: E402
from bpkit.model import MLP  # noqa: E402
from bpkit.optim import Adam  # noqa: E402
from bpkit.train import fit  # noqa: E402

RESULTS = HERE / "results" / "results.json"


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    info: dict[str, object] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "blas_threads": os.environ["OPENBLAS_NUM_THREADS"],
        "blas_coretype": os.environ.get("OPENBLAS_CORETYPE", "chosen by OpenBLAS"),
    }
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu_model"] = next(line.split(":", 1)[1].strip() for line in cpu.splitlines()
                                 if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        import torch
        torch.set_num_threads(1)
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        info["torch"] = None
    return info


def median_times(fns: dict[str, Callable[[], object]], min_repeats: int, budget_s: float,
                 rounds: int = 5) -> dict[str, float]:
    """Median wall time in seconds of each fn, measured in alternating blocks.

    Each of `rounds` rounds runs every fn in its own block of calls (a a a ... b b b ... c c c ...),
    so all implementations see the same drift in machine load. The first calls of each block are
    dropped: thread pools of one library (OpenMP, OpenBLAS) may still be spinning from the block
    before, which would otherwise be charged to the next library.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    per_block = max(1, min_repeats // rounds)
    block_budget = budget_s / (rounds * len(fns))
    for _ in range(rounds):
        for name, fn in fns.items():
            for _ in range(3):
                fn()
            start = time.perf_counter()
            calls = 0
            while calls < per_block or time.perf_counter() - start < block_budget:
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
                calls += 1
                if calls >= 20 * per_block:
                    break
    return {name: statistics.median(ts) for name, ts in times.items()}


def _bpkit_step(model: MLP, loss: CrossEntropy, opt: Adam, X: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    """One training step of bpkit on a fixed batch, as fit() takes it."""

    def step() -> float:
        model.zero_grad()  # backward adds into the gradients
        logits = model.forward(X)
        value = loss(logits, y)
        model.backward(loss.grad(logits, y), input_grad=False)  # as fit() does
        opt.step(model)
        return value

    return step


def train_step_bench(quick: bool) -> list[dict[str, object]]:
    """a) bpkit vs the NumPy floor vs torch, per architecture and batch size."""
    try:
        import torch
    except ImportError:
        torch = None
    rows = []
    for sizes in ([64, 128, 128, 10], [784, 256, 10]):
        for batch in (1, 32, 256):
            rng = np.random.default_rng(0)
            X = rng.normal(size=(batch, sizes[0]))
            y = rng.integers(0, sizes[-1], size=batch)
            model = MLP(sizes, activation="relu", output_activation="identity", seed=0)
            start = [a.copy() for a in model.parameters().values()]
            bpkit_step = _bpkit_step(model, CrossEntropy(), Adam(lr=1e-3), X, y)
            fused = FusedMLP(start)
            losses = {"bpkit": bpkit_step(), "floor": fused.step(X, y)}
            row: dict[str, object] = {"sizes": "-".join(map(str, sizes)), "batch": batch}
            if torch is not None:
                torch_step, losses["torch"] = _torch_step(torch, sizes, start, X, y)
            # Same weights, same data: the three first-step losses must agree.
            spread = max(losses.values()) - min(losses.values())
            if spread > 1e-9:
                raise RuntimeError(f"implementations disagree on the first loss: {losses}")
            reps, budget = (20, 0.1) if quick else (300, 3.0)
            fns: dict[str, Callable[[], object]] = {"bpkit": bpkit_step, "floor": functools.partial(fused.step, X, y)}
            if torch is not None:
                fns["torch"] = torch_step
            med = median_times(fns, reps, budget)
            row["bpkit_us"], row["floor_us"] = 1e6 * med["bpkit"], 1e6 * med["floor"]
            row["ratio_floor"] = row["bpkit_us"] / row["floor_us"]
            if torch is not None:
                row["torch_us"] = 1e6 * med["torch"]
                row["ratio_torch"] = row["bpkit_us"] / row["torch_us"]
            rows.append(row)
            print(_fmt(row))
    return rows


def fit_overhead_bench(quick: bool) -> list[dict[str, object]]:
    """g) fit() against the bare step loop over the same shuffled batches (CPU time, median of 7 alternating calls).

    Both start from the same weights and data and take the same steps (asserted: equal weights
    afterwards). fit runs with its defaults for a cross-entropy loss (the epoch's mean loss and
    accuracy recorded, no gradient norms, no validation data); the bare loop is what a reader writes:
    permute, slice, zero_grad, forward, loss, backward, step.
    """
    rows = [_fit_overhead_row(sizes, batch, quick) for sizes in ([64, 128, 128, 10], [784, 256, 10])
            for batch in (1, 32, 256)]
    for row in rows:
        print(_fmt(row))
    return rows


def _fit_overhead_row(sizes: list[int], batch: int, quick: bool) -> dict[str, object]:
    """g) for one architecture and batch size."""
    n = 64 if quick else (256 if batch == 1 else 2048)
    epochs = 8 if batch == 256 and not quick else 2  # at least 64 steps per call
    data_rng = np.random.default_rng(0)
    X = data_rng.normal(size=(n, sizes[0]))
    y = data_rng.integers(0, sizes[-1], size=n)
    loss = CrossEntropy()
    models = {name: MLP(sizes, activation="relu", seed=0) for name in ("fit", "bare")}
    opts = {name: Adam(lr=1e-4) for name in models}
    rngs = {name: np.random.default_rng(1) for name in models}

    def run_fit() -> None:
        fit(models["fit"], loss, opts["fit"], X, y, epochs=epochs, batch_size=batch, rng=rngs["fit"],
            grad_norms=False)

    def run_bare() -> None:
        model, opt = models["bare"], opts["bare"]
        for _ in range(epochs):
            order = rngs["bare"].permutation(n)
            Xs, ys = X[order], y[order]
            for start in range(0, n, batch):
                Xb, yb = Xs[start:start + batch], ys[start:start + batch]
                model.zero_grad()
                logits = model.forward(Xb)
                loss(logits, yb)
                model.backward(loss.grad(logits, yb), input_grad=False)
                opt.step(model)

    run_fit()
    run_bare()
    if not all(np.array_equal(p, models["bare"].parameters()[k]) for k, p in models["fit"].parameters().items()):
        raise RuntimeError("fit and the bare loop took different steps")
    times: dict[str, list[float]] = {"fit": [], "bare": []}
    for _ in range(2 if quick else 7):  # alternating calls, so that both see the same drift in load
        for name, fn in (("fit", run_fit), ("bare", run_bare)):
            t0 = time.process_time()  # CPU time of this process: less sensitive to other processes
            fn()
            times[name].append(time.process_time() - t0)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    steps = epochs * -(-n // batch)
    return {"sizes": "-".join(map(str, sizes)), "batch": batch, "examples": n,
            "fit_us_per_step": 1e6 * med["fit"] / steps, "bare_us_per_step": 1e6 * med["bare"] / steps,
            "overhead": med["fit"] / med["bare"] - 1.0}


def _torch_step(torch: object, sizes: list[int], start: list[np.ndarray], X: np.ndarray,
                y: np.ndarray) -> tuple[Callable[[], float], float]:
    """The same model, loss and optimizer in PyTorch (float64, CPU, eager)."""
    nn = torch.nn
    torch.set_num_threads(1)
    layers: list[object] = []
    for k in range(len(sizes) - 1):
        lin = nn.Linear(sizes[k], sizes[k + 1], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(start[2 * k]))
            lin.bias.copy_(torch.from_numpy(start[2 * k + 1]))
        layers.append(lin)
        if k < len(sizes) - 2:
            layers.append(nn.ReLU())
    net = nn.Sequential(*layers)
    crit = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step() -> float:
        opt.zero_grad(set_to_none=True)
        out = crit(net(Xt), yt)
        out.backward()
        opt.step()
        return out.item()

    return step, step()


def _fmt(row: dict[str, object]) -> str:
    return "  ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items())


def tree_graph(cls: type, n_terms: int, rng: np.random.Generator) -> tuple[object, int]:
    """sum_i tanh(x_i * w_i), summed pairwise (depth ~ log n); returns (root, node count)."""
    xs = rng.normal(size=n_terms)
    ws = rng.normal(size=n_terms)
    level = [(cls(float(a)) * cls(float(b))).tanh() for a, b in zip(xs, ws, strict=True)]
    nodes = 4 * n_terms
    while len(level) > 1:
        nxt = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        nodes += len(nxt)
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0], nodes


def value_bench(quick: bool) -> list[dict[str, object]]:
    """b) backward() time and nodes/s for graphs of 10^3..10^6 nodes, bpkit vs recursive."""
    rows = []
    for target in ([10**3, 10**4] if quick else [10**3, 10**4, 10**5, 10**6]):
        n_terms = max(1, target // 5)
        row: dict[str, object] = {}
        for name, cls in (("bpkit", Value), ("recursive", RecursiveValue)):
            root, nodes = tree_graph(cls, n_terms, np.random.default_rng(0))
            # the median of repeated backward passes over the same graph (each does the same work):
            # a single pass over 10^3 nodes takes well under a millisecond, too short to time once
            times = []
            for _ in range(3 if quick else max(5, min(101, 10**6 // nodes))):
                t0 = time.perf_counter()
                root.backward()
                times.append(time.perf_counter() - t0)
            seconds = statistics.median(times)
            row.update({"nodes": nodes, f"{name}_s": seconds, f"{name}_nodes_per_s": nodes / seconds})
            del root
        # a deep chain only bpkit can do (the recursive sort would exceed Python's stack)
        depth = min(target, 10**6)
        x = Value(0.5)
        v = x
        for _ in range(depth - 1):
            v = v * 0.999999 + 0.0
        t0 = time.perf_counter()
        v.backward()
        row["chain_nodes"], row["chain_s"] = 2 * depth - 1, time.perf_counter() - t0
        row["speedup"] = row["recursive_s"] / row["bpkit_s"]
        rows.append(row)
        print(_fmt(row))
    return rows


def gradcheck_bench(quick: bool) -> list[dict[str, object]]:
    """d) check_model wall time against the number of parameters (2 passes per entry)."""
    rows = []
    rng = np.random.default_rng(0)
    widths = [2, 4, 8] if quick else [2, 4, 8, 16, 32, 64]
    for h in widths:
        model = MLP([8, h, h, 3], activation="tanh", output_activation="identity", seed=0)
        X, y = rng.normal(size=(16, 8)), rng.integers(0, 3, size=16)
        t0 = time.perf_counter()
        report = check_model(model, CrossEntropy(), X, y)
        seconds = time.perf_counter() - t0
        row = {"params": int(model.num_parameters), "seconds": seconds,
               "max_rel_error": float(report.max_error)}
        rows.append(row)
        print(_fmt(row))
    return rows


def symbolic_bench(quick: bool) -> dict[str, object]:
    """c) SymPy: the phase timings of benchmarks/bench_symbolic.py, and derivation time against size."""
    from sympy.core.cache import clear_cache

    from bpkit import symbolic
    from bpkit.losses import SquaredError

    out = subprocess.run([sys.executable, str(HERE / "bench_symbolic.py"), "--repeats", "1" if quick else "3"],
                         check=True, capture_output=True, text=True)
    sweep = []
    sizes = [[2, 2, 1], [2, 3, 1], [3, 4, 2], [4, 5, 2], [4, 6, 3], [5, 8, 3], [6, 10, 4], [8, 12, 4],
             [10, 16, 6], [12, 20, 8], [16, 24, 10], [20, 32, 12]]
    for arch in sizes[:3] if quick else sizes:
        model = MLP(arch, activation="sigmoid", seed=0)
        symbolic._build.cache_clear()
        clear_cache()
        t0 = time.perf_counter()
        symbolic.symbolic_loss(model, SquaredError(), 1, max_work=None).gradients()  # the sweep measures past the limit
        seconds = time.perf_counter() - t0
        row = {"sizes": "-".join(map(str, arch)), "params": int(model.num_parameters), "derive_s": seconds}
        sweep.append(row)
        print(_fmt(row))
        if seconds > 15.0:
            break
    return {"phases": json.loads(out.stdout), "sweep": sweep}


APPENDIX = HERE.parent / "book" / "appendix_performance.ipynb"


def refresh_appendix() -> None:
    """Re-execute the Performance appendix so that its committed outputs show the new results.

    Strict nbval compares the notebook with what it prints from results.json, so the two must be
    committed together.
    """
    subprocess.run([sys.executable, str(HERE.parent / "tools" / "execute_notebooks.py"), str(APPENDIX)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"re-executed {APPENDIX.relative_to(HERE.parent)}: commit it together with {RESULTS.name}")


def build_bench() -> dict[str, float]:
    """e) wall times of `make book` cold (no _build) and warm, and of `make test`."""
    root = HERE.parent
    out: dict[str, float] = {}
    for name, cmd in (("book_cold_s", "rm -rf _build && make book"), ("book_warm_s", "make book"),
                      ("test_s", "make test")):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, shell=True, cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            print("\n".join(done.stdout.splitlines()[-40:]))
            raise SystemExit(f"`{cmd}` failed (exit code {done.returncode}); its last lines are above")
        out[name] = time.perf_counter() - t0
        print(f"{name}={out[name]:.1f}")
    html = root / "_build" / "html"
    out["html_mb"] = sum(f.stat().st_size for f in html.rglob("*") if f.is_file()) / 1e6
    print(f"html_mb={out['html_mb']:.1f}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run; writes nothing")
    parser.add_argument("--build-times", action="store_true", help="also time make book/test")
    parser.add_argument("--only", metavar="PARTS",
                        help="comma-separated parts to re-run (train_step, value_backward, gradcheck, "
                             "symbolic, recurrent, fit_overhead, conv, cnn_epoch); the others are kept from the "
                             "results file")
    parser.add_argument("--build-only", action="store_true",
                        help="only time make book/test and update that part of the results file")
    args = parser.parse_args()
    old = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    if args.build_only:
        if not old:
            parser.error("--build-only needs an existing results file: run the full benchmark first")
        old["build"] = build_bench()
        RESULTS.write_text(json.dumps(old, indent=2) + "\n")
        print(f"updated the build times in {RESULTS}")
        refresh_appendix()
        return 0
    parts = {"train_step": train_step_bench, "value_backward": value_bench,
             "gradcheck": gradcheck_bench, "symbolic": symbolic_bench, "recurrent": recurrent_bench,
             "fit_overhead": fit_overhead_bench, "conv": conv_bench, "cnn_epoch": cnn_epoch_bench}
    chosen = args.only.split(",") if args.only else list(parts)
    unknown = sorted(set(chosen) - set(parts))
    if unknown:
        parser.error(f"unknown parts {unknown}; known: {', '.join(parts)}")
    if args.only and not old:
        parser.error("--only needs an existing results file: run the full benchmark first")
    results = {"machine": machine()}
    for key, bench in parts.items():
        results[key] = bench(args.quick) if key in chosen else old.get(key, [])
    results["build"] = old.get("build", {})
    if args.quick:
        return 0
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")   # saved before the slow, fallible part e)
    print(f"wrote {RESULTS}")
    refresh_appendix()   # before timing `make test`, whose nbval run compares the appendix
    if args.build_times:
        results["build"] = build_bench()
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        print(f"added the build times to {RESULTS}")
        refresh_appendix()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
