"""Recurrent layers: bpkit RNN / LSTM forward + BPTT against PyTorch CPU nn.RNN / nn.LSTM.

Issue 14's target: bpkit's RNN forward + backward divided by PyTorch's, one thread, same process,
batch 32, 64 hidden units, sequence length 50, is at most 2.0; the LSTM is reported beside it.
Both sides compute in float64 from the same weights and the same data, and return every output
(N, T, H); the backward pass gets the same upstream gradient and fills every weight gradient and
dLoss/dX. PyTorch in float32 (its default) is timed too, for reference.

Run alone: ``python benchmarks/bench_recurrent.py [--quick] [--out PATH]`` prints one JSON list.
``benchmarks/run.py`` can call :func:`recurrent_bench`.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
from timing import medians  # noqa: E402

from bpkit.recurrent import LSTM, RNN  # noqa: E402

#: (N, T, F, H): issue 14's case first
CASES = [(32, 50, 64, 64), (32, 50, 32, 128)]
TORCH_NAMES = {"W_ih": "weight_ih_l0", "W_hh": "weight_hh_l0", "b_ih": "bias_ih_l0", "b_hh": "bias_hh_l0"}


_medians = medians  # shared with the other benchmark modules (benchmarks/timing.py)


def _torch_step(torch: Any, cls: type, layer: RNN | LSTM, X: np.ndarray, G: np.ndarray,
                dtype: Any) -> Callable[[], None]:
    """forward + backward of torch.nn.RNN/LSTM with the layer's weights, input gradient included."""
    nn = torch.nn
    net = (nn.RNN if cls is RNN else nn.LSTM)(layer.input_size, layer.hidden_size, batch_first=True).to(dtype)
    with torch.no_grad():
        for key, value in layer.params().items():
            getattr(net, TORCH_NAMES[key]).copy_(torch.from_numpy(value))
    Xt = torch.from_numpy(X).to(dtype).requires_grad_(True)
    Gt = torch.from_numpy(G).to(dtype)

    def step() -> None:
        net.zero_grad()
        Xt.grad = None
        out, _ = net(Xt)
        out.backward(Gt)

    return step


def recurrent_bench(quick: bool = False) -> list[dict[str, object]]:
    """One row per (layer, case): microseconds per forward + backward and the ratios to PyTorch."""
    torch: Any = None
    try:
        import torch as torch_module

        torch_module.set_num_threads(1)
        torch = torch_module
    except ImportError:
        pass
    rows: list[dict[str, object]] = []
    for cls in (RNN, LSTM):
        for N, T, F, H in CASES[:1] if quick else CASES:
            rng = np.random.default_rng(0)
            layer = cls(F, H, rng=rng)
            X, G = rng.normal(size=(N, T, F)), rng.normal(size=(N, T, H))

            def bpkit_step(layer: RNN | LSTM = layer, X: np.ndarray = X, G: np.ndarray = G) -> None:
                layer.zero_grad()
                layer.forward(X)
                layer.backward(G)

            fns: dict[str, Callable[[], object]] = {"bpkit": bpkit_step}
            if torch is not None:
                fns["torch_float64"] = _torch_step(torch, cls, layer, X, G, torch.float64)
                fns["torch_float32"] = _torch_step(torch, cls, layer, X, G, torch.float32)
            med = _medians(fns, repeats=3 if quick else 20, rounds=1 if quick else 5)
            row: dict[str, object] = {"layer": cls.__name__, "batch": N, "steps": T, "features": F, "hidden": H,
                                      "bpkit_us": 1e6 * med["bpkit"]}
            if torch is not None:
                row["torch_float64_us"] = 1e6 * med["torch_float64"]
                row["torch_float32_us"] = 1e6 * med["torch_float32"]
                row["ratio_torch"] = med["bpkit"] / med["torch_float64"]
                row["ratio_torch_float32"] = med["bpkit"] / med["torch_float32"]
            rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, first case only")
    parser.add_argument("--out", type=Path, help="also write the JSON list to this file")
    args = parser.parse_args()
    rows = recurrent_bench(args.quick)
    text = json.dumps(rows, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
