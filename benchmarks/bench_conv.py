"""Convolution: bpkit Conv2D forward + backward, and one epoch of chapter 12's digits CNN, against PyTorch CPU.

Issue 13's target: bpkit's Conv2D forward + backward divided by PyTorch's (one thread, same process,
float64 on both sides, the same weights and data) is at most 2.0 for a batch of 64 at 1->16 and
16->32 channels, 3x3 kernels, padding 1, 8x8 inputs; 28x28 inputs are reported too, and the
chapter's own layer sizes. The backward pass gets the same upstream gradient and computes dW, db
and dLoss/dX on both sides (the input requires a gradient in PyTorch).

The second part times one training epoch (1,347 digits, mini-batches of 32, Adam) of chapter 12's
CNN in bpkit and in PyTorch, from the same starting weights.

Run alone: ``python benchmarks/bench_conv.py [--quick] [--out PATH]`` prints one JSON object.
``benchmarks/run.py`` can call :func:`conv_bench` (layer rows) and :func:`cnn_epoch_bench`.
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

from bpkit.conv import Conv2D  # noqa: E402
from bpkit.data import load_digits, train_test_split  # noqa: E402
from bpkit.layers import ActivationLayer, Dense  # noqa: E402
from bpkit.losses import CrossEntropy  # noqa: E402
from bpkit.model import Sequential  # noqa: E402
from bpkit.optim import Adam  # noqa: E402
from bpkit.pool import Flatten, MaxPool2D, Unflatten  # noqa: E402

#: (batch, C_in, C_out, H = W, label): the issue's four cases first, then chapter 12's other layers
CASES = [(64, 1, 16, 8, "issue"), (64, 16, 32, 8, "issue"), (64, 1, 16, 28, "issue"), (64, 16, 32, 28, "issue"),
         (32, 16, 16, 8, "chapter 12"), (32, 16, 32, 4, "chapter 12")]


_medians = medians  # shared with the other benchmark modules (benchmarks/timing.py)


def _torch() -> Any:
    """torch with one thread, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def _conv_case(torch: Any, n: int, c_in: int, c_out: int, size: int, quick: bool) -> dict[str, object]:
    """Time one Conv2D case (3x3, padding 1) in bpkit and, when installed, in PyTorch."""
    rng = np.random.default_rng(0)
    layer = Conv2D(c_in, c_out, 3, padding=1, rng=rng)
    layer.b[...] = rng.normal(size=c_out)
    X = rng.normal(size=(n, c_in, size, size))
    G = rng.normal(size=(n, c_out, size, size))

    def bpkit_step() -> None:
        layer.zero_grad()
        layer.forward(X)
        layer.backward(G)

    fns: dict[str, Callable[[], object]] = {"bpkit": bpkit_step}
    if torch is not None:
        F = torch.nn.functional
        Xt = torch.from_numpy(X).requires_grad_(True)
        Wt = torch.from_numpy(layer.W.copy()).requires_grad_(True)
        bt = torch.from_numpy(layer.b.copy()).requires_grad_(True)
        Gt = torch.from_numpy(G)

        def torch_step() -> None:
            Xt.grad = Wt.grad = bt.grad = None
            F.conv2d(Xt, Wt, bt, padding=1).backward(Gt)

        torch_step()
        layer.zero_grad()
        layer.forward(X)
        dX = layer.backward(G)
        diff = max(float(np.max(np.abs(layer.dW - Wt.grad.numpy()))), float(np.max(np.abs(dX - Xt.grad.numpy()))))
        if diff > 1e-8:  # the same work on both sides, or the timing means nothing
            raise RuntimeError(f"bpkit and torch disagree on dW or dX by {diff:.3g}")
        fns["torch"] = torch_step
    repeats, rounds = (3, 2) if quick else (10, 5)
    med = _medians(fns, repeats, rounds)
    row: dict[str, object] = {"batch": n, "c_in": c_in, "c_out": c_out, "size": size, "kernel": 3,
                              "bpkit_us": 1e6 * med["bpkit"]}
    if torch is not None:
        row["torch_us"] = 1e6 * med["torch"]
        row["ratio_torch"] = med["bpkit"] / med["torch"]
    return row


def conv_bench(quick: bool = False) -> list[dict[str, object]]:
    """One row per case: microseconds per Conv2D forward + backward (dX included), and the ratio to PyTorch."""
    torch = _torch()
    rows: list[dict[str, object]] = []
    for n, c_in, c_out, size, label in CASES:
        row = {"case": label, **_conv_case(torch, n, c_in, c_out, size, quick)}
        rows.append(row)
        print("  ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))
    return rows


def digits_cnn(rng: np.random.Generator) -> Sequential:
    """Chapter 12's CNN: 8x8 digits -> conv 1->16 -> conv 16->16 -> pool -> conv 16->32 -> pool -> dense 128->10."""
    return Sequential([
        Unflatten((1, 8, 8)),
        Conv2D(1, 16, 3, padding=1, rng=rng), ActivationLayer("relu"),
        Conv2D(16, 16, 3, padding=1, rng=rng), ActivationLayer("relu"), MaxPool2D(2),
        Conv2D(16, 32, 3, padding=1, rng=rng), ActivationLayer("relu"), MaxPool2D(2),
        Flatten(), Dense(128, 10, rng=rng),
    ])


def _torch_cnn(torch: Any, model: Sequential) -> Any:
    """The same CNN in torch.nn, float64, with model's weights."""
    nn = torch.nn
    net = nn.Sequential(
        nn.Unflatten(1, (1, 8, 8)),
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(128, 10),
    ).to(torch.float64)
    targets = [m for m in net if isinstance(m, (nn.Conv2d, nn.Linear))]
    sources = [layer for layer in model.layers if layer.params()]
    with torch.no_grad():
        for t, s in zip(targets, sources, strict=True):
            t.weight.copy_(torch.from_numpy(s.params()["W"]))
            t.bias.copy_(torch.from_numpy(s.params()["b"]))
    return net


def cnn_epoch_bench(quick: bool = False) -> dict[str, object]:
    """Seconds per training epoch of chapter 12's CNN (same split, batch 32, Adam 2e-3), bpkit and PyTorch."""
    X, y = load_digits()
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, rng=np.random.default_rng(0), stratify=True)
    X_train = X_train / 16.0
    if quick:
        X_train, y_train = X_train[:256], y_train[:256]
    order = np.random.default_rng(1).permutation(len(y_train))
    batches = [order[i : i + 32] for i in range(0, len(order), 32)]
    model = digits_cnn(np.random.default_rng(0))
    torch = _torch()
    net = _torch_cnn(torch, model) if torch is not None else None
    loss, opt = CrossEntropy(), Adam(lr=2e-3)

    def bpkit_epoch() -> None:
        model.train()
        for idx in batches:
            model.zero_grad()
            out = model.forward(X_train[idx])
            model.backward(loss.grad(out, y_train[idx]))
            opt.step(model)

    fns: dict[str, Callable[[], object]] = {"bpkit": bpkit_epoch}
    if torch is not None:
        Xt, yt = torch.from_numpy(X_train), torch.from_numpy(y_train)
        crit = torch.nn.CrossEntropyLoss()
        topt = torch.optim.Adam(net.parameters(), lr=2e-3)

        def torch_epoch() -> None:
            for idx in batches:
                ti = torch.from_numpy(idx)
                topt.zero_grad(set_to_none=True)
                crit(net(Xt[ti]), yt[ti]).backward()
                topt.step()

        fns["torch"] = torch_epoch
    med = _medians(fns, 1, 2 if quick else 5)
    row: dict[str, object] = {"examples": len(y_train), "batch": 32, "parameters": model.num_parameters,
                              "bpkit_s": med["bpkit"]}
    if torch is not None:
        row["torch_s"] = med["torch"]
        row["ratio_torch"] = med["bpkit"] / med["torch"]
    print("  ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, a smaller epoch")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    result = {"conv": conv_bench(args.quick), "cnn_epoch": cnn_epoch_bench(args.quick)}
    text = json.dumps(result, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
