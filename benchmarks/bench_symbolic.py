"""SymPy route timings: build the loss in symbols, differentiate, lambdify(cse=True), evaluate.

Prints one JSON list (one entry per network) to stdout and writes nothing unless --out PATH is given.
Targets from the symbolic issue: deriving the 2-2-1 network takes under 2 s, the 3-4-2 network
under 15 s. Each phase is timed from cold caches (bpkit's and SymPy's); times are the median of --repeats runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
from sympy.core.cache import clear_cache

from bpkit import symbolic
from bpkit.layers import Dense
from bpkit.losses import CrossEntropy, Loss, SquaredError
from bpkit.model import MLP, Sequential

#: (label, model factory, loss, batch size, target seconds for build + differentiate or None)
CASES = [
    ("2-2-1 sigmoid, seed network, 1/2 (yhat - y)^2",
     lambda: Sequential([Dense(2, 2, activation="sigmoid", bias=False, W=[[1.0, -1.0], [2.0, 1.0]]),
                         Dense(2, 1, activation="sigmoid", bias=False, W=[[2.0, -1.0]])]),
     SquaredError(), 1, 2.0),
    ("3-4-2 sigmoid, squared error", lambda: MLP([3, 4, 2], activation="sigmoid", seed=0), SquaredError(), 1, 15.0),
    ("3-4-2 tanh, cross-entropy", lambda: MLP([3, 4, 2], activation="tanh", seed=0), CrossEntropy(), 1, 15.0),
    ("3-4-2 relu, squared error, batch of 4", lambda: MLP([3, 4, 2], activation="relu", seed=0),
     SquaredError(), 4, None),
]


def time_case(make: object, loss: Loss, n: int) -> dict[str, float]:
    """Seconds for each phase of one cold derivation, and microseconds per lambdified evaluation."""
    model = make()  # type: ignore[operator]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, model.layers[0].W.shape[1]))
    c = model.layers[-1].W.shape[0]
    y = rng.integers(0, c, size=n) if isinstance(loss, CrossEntropy) else rng.normal(size=(n, c))
    symbolic._build.cache_clear()  # bpkit's cache of built networks
    clear_cache()  # and SymPy's own memo of earlier results, so every run starts cold
    t0 = time.perf_counter()
    net = symbolic.symbolic_loss(model, loss, n)
    t1 = time.perf_counter()
    net.gradients()
    t2 = time.perf_counter()
    net.function()
    t3 = time.perf_counter()
    net.evaluate(X, y, model.parameters())  # first call
    reps = 200
    t4 = time.perf_counter()
    for _ in range(reps):
        net.evaluate(X, y, model.parameters())
    t5 = time.perf_counter()
    model.zero_grad()
    model.backward(loss.grad(model.forward(X), y))
    exact = max(float(np.max(np.abs(g - net.evaluate(X, y, model.parameters())[1][k])))
                for k, g in model.gradients().items())
    return {"build_s": t1 - t0, "differentiate_s": t2 - t1, "lambdify_s": t3 - t2,
            "evaluate_us": (t5 - t4) / reps * 1e6, "max_abs_diff_vs_backprop": exact,
            "n_parameters": float(model.num_parameters)}


def main() -> int:
    """Run every case --repeats times and print the medians as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON to this file")
    args = parser.parse_args()
    results = []
    for label, make, loss, n, target in CASES:
        runs = [time_case(make, loss, n) for _ in range(args.repeats)]
        entry: dict[str, object] = {"network": label, "n_samples": n, "repeats": args.repeats}
        for key in runs[0]:
            entry[key] = statistics.median(r[key] for r in runs)
        entry["n_parameters"] = int(runs[0]["n_parameters"])
        entry["derive_s"] = entry["build_s"] + entry["differentiate_s"]  # type: ignore[operator]
        entry["derive_target_s"] = target
        entry["meets_target"] = None if target is None else entry["derive_s"] < target  # type: ignore[operator]
        results.append(entry)
    text = json.dumps(results, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
