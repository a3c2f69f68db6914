"""Timing helper shared by the benchmark modules (bench_conv.py, bench_recurrent.py)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def medians(fns: dict[str, Callable[[], object]], repeats: int, rounds: int) -> dict[str, float]:
    """Median seconds per call of each fn, measured in alternating blocks so all see the same load."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            fn()  # warm-up call of each block
            for _ in range(repeats):
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}
