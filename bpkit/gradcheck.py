"""Gradient checking: backprop against central finite differences for every parameter (book/06_backprop_in_code.ipynb).

``check_model`` compares a model's backprop gradient with the five-point central difference of
bpkit.finite_differences (re-exported here: numerical_gradient, relative_error, format_error),
entry by entry, by the relative error |a - n| / max(|a|, |n|, tiny), and warns when a
finite-difference step crossed a ReLU-like kink, where the numeric value is no derivative.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ArgumentTypeError
from bpkit.finite_differences import _DEFAULT_EPS, _order, format_error, numerical_gradient, relative_error
from bpkit.losses import Loss
from bpkit.metrics import as_batch, as_loss
from bpkit.model import Sequential
from bpkit.validate import Array, generator, integer, real_number

#: A float64 backprop that is right typically agrees with central differences to ~1e-9 or better.
THRESHOLD = 1e-7


class KinkWarning(UserWarning):
    """A finite-difference step moved a pre-activation across a ReLU-like kink (z = 0).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", KinkWarning)  # e.g. when a kink is expected
    ...     warnings.warn("crossed", KinkWarning)
    """


@dataclass
class GradCheckReport:
    """Per-parameter comparison of analytic and numeric gradients, as check_model returns it.

    Attributes
    ----------
    rows : list of dict
        One row per parameter: name, shape, checked, max_rel_error, worst_index, passed, kink.
    threshold : float
        The largest relative error that passes.

    Examples
    --------
    >>> report = GradCheckReport([{"name": "W1", "shape": (2, 2), "checked": 4, "max_rel_error": 3e-11,
    ...                            "worst_index": (0, 1), "passed": True, "kink": False}])
    >>> report.passed, report.max_error
    (True, 3e-11)
    >>> print(report.to_markdown(floors=(1e-9,)).splitlines()[-1])
    | W1 | (2, 2) | 4 | < 1e-9 | yes | no |
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    threshold: float = THRESHOLD

    @property
    def passed(self) -> bool:
        """True when every parameter's max relative error is below the threshold."""
        return all(row["passed"] for row in self.rows)

    @property
    def max_error(self) -> float:
        """The largest relative error over all checked entries."""
        return max((row["max_rel_error"] for row in self.rows), default=0.0)

    def to_markdown(self, floors: Sequence[float] | None = None) -> str:
        """The report as a Markdown table.

        With floors, errors are printed by format_error and the worst index (which rounding noise
        decides when every error is below a floor) is left out.
        """
        header = ["parameter", "shape", "checked", "max relative error", "worst index", "passed", "kink crossed"]
        if floors is not None:
            header.remove("worst index")
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for r in self.rows:
            error = f"{r['max_rel_error']:.2e}" if floors is None else format_error(r["max_rel_error"], floors)
            cells = [r["name"], str(r["shape"]), str(r["checked"]), error,
                     *([] if floors is not None else [str(r["worst_index"])]),
                     "yes" if r["passed"] else "no", "yes" if r["kink"] else "no"]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def __str__(self) -> str:
        head = f"{'parameter':<10}{'shape':<12}{'checked':>8}  {'max rel err':>12}  worst index  passed"
        body = [
            f"{r['name']:<10}{r['shape']!s:<12}{r['checked']:>8}  {r['max_rel_error']:>12.2e}  "
            f"{r['worst_index']!s:<11}  {'yes' if r['passed'] else 'NO'}"
            for r in self.rows
        ]
        return "\n".join([head, *body])


def _mismatch(a: Array | None, b: Array | None) -> bool:
    """True when two kink patterns differ (a step crossed a kink)."""
    if a is None or b is None:
        return a is not b
    return a.shape != b.shape or not np.array_equal(a, b)


def check_model(
    model: Sequential,
    loss: Loss | str,
    X: ArrayLike,
    y: ArrayLike,
    eps: float | None = None,
    max_entries: int | None = None,
    rng: np.random.Generator | None = None,
    threshold: float = THRESHOLD,
    order: int = 4,
    tiny: float = 1e-5,
) -> GradCheckReport:
    """Compare backprop's dJ/dtheta with central differences for every parameter, in eval mode.

    The model's gradients are zeroed, one backward pass gives the analytic gradient a, and every
    checked entry theta_i is shifted in place to get the numeric gradient n (restored afterwards,
    also on an error or an interrupt). An entry passes when |a - n| / max(|a|, |n|, tiny) <
    threshold; the floor `tiny` stops gradients that are 0 up to rounding (|g| < 1e-5) from being
    judged by their rounding noise (about u |J| / h ~ 1e-13): for them the test is
    |a - n| < threshold * tiny = 1e-12. A KinkWarning says when a step crossed a ReLU-like kink,
    where the numeric gradient is no derivative.

    Parameters
    ----------
    model : Sequential
        The model to check; its weights and layer modes are left as they were, and its gradients
        hold the analytic gradient for (X, y) afterwards.
    loss : Loss or str
        The loss J(model(X), y), as an object or by name ('mse', 'cross_entropy', ...).
    X : array_like, shape (N, n_in) or (N, C, H, W) ...
        A small batch of finite inputs, one example per row.
    y : array_like
        Its targets, as the loss expects them.
    eps : float, optional
        The finite-difference step h > 0 (default 1e-3 for order 4, 1e-5 for order 2).
    max_entries : int, optional
        Check at most this many randomly chosen entries per parameter (needs rng).
    rng : numpy.random.Generator, optional
        Chooses the entries when max_entries is given.
    threshold : float
        Largest relative error (> 0) that passes.
    order : {4, 2}
        Order of the central-difference stencil (see numerical_gradient).
    tiny : float
        Floor (> 0) of the relative error's denominator.

    Returns
    -------
    GradCheckReport
        One row per parameter: its name, shape, entries checked, max relative error, worst
        index, whether it passed and whether a kink was crossed.

    Examples
    --------
    >>> from bpkit.losses import MSE
    >>> from bpkit.model import MLP
    >>> rng = np.random.default_rng(0)
    >>> report = check_model(MLP([3, 4, 2], activation="tanh", seed=0), MSE(), rng.normal(size=(5, 3)),
    ...                      rng.normal(size=(5, 2)))
    >>> report.passed, [row["name"] for row in report.rows]
    (True, ['W1', 'b1', 'W2', 'b2'])
    """
    where = "check_model"
    if not isinstance(model, Sequential):
        raise ArgumentTypeError(f"{where}: model must be a bpkit model (Sequential or MLP), got {type(model).__name__}")
    loss = as_loss(loss, where)
    X = as_batch(X, where)
    order = _order(order, where)
    step = _DEFAULT_EPS[order] if eps is None else real_number(eps, "eps", where, low=0.0, low_open=True)
    threshold = real_number(threshold, "threshold", where, low=0.0, low_open=True)
    tiny = real_number(tiny, "tiny", where, low=0.0, low_open=True)
    if max_entries is not None:
        max_entries = integer(max_entries, "max_entries", where)
        rng = generator(rng, where)
    layers = model._distinct()
    modes = [layer.training for layer in layers]
    model_mode = model.training
    model.eval()
    try:
        model.zero_grad()
        y_hat = model.forward(X)
        model.backward(loss.grad(y_hat, y))
        analytic = {k: g.copy() for k, g in model.gradients().items()}
        base = model.kink_pattern()
        crossed: set[str] = set()
        current = [""]

        def objective() -> float:
            value = loss(model.forward(X), y)
            if _mismatch(model.kink_pattern(), base):
                crossed.add(current[0])  # a perturbed point lies across a ReLU kink
            return value

        report = GradCheckReport(threshold=threshold)
        for name, param in model.parameters().items():
            if max_entries is None or max_entries >= param.size:
                idx = np.arange(param.size)
            else:
                assert rng is not None
                idx = np.sort(rng.choice(param.size, size=max_entries, replace=False))
            current[0] = name
            numeric = numerical_gradient(objective, param, step, indices=idx, order=order)
            err = relative_error(analytic[name].reshape(-1)[idx], numeric.reshape(-1)[idx], tiny)
            worst = int(idx[int(np.argmax(err))])
            report.rows.append(
                {
                    "name": name,
                    "shape": param.shape,
                    "checked": int(idx.size),
                    "max_rel_error": float(err.max()),
                    "worst_index": tuple(int(i) for i in np.unravel_index(worst, param.shape)),
                    "passed": bool(err.max() < threshold),
                    "kink": name in crossed,
                }
            )
        if crossed:
            warnings.warn(
                f"the finite-difference stencil crossed a ReLU-like kink while checking "
                f"{', '.join(sorted(crossed))}: the numeric gradient is not a derivative there, so "
                "disagreement with backprop does not show a bug (try other inputs or a smaller eps)",
                KinkWarning,
                stacklevel=2,
            )
        model.forward(X)  # leave the caches of the unperturbed point
        return report
    finally:
        for layer, mode in zip(layers, modes, strict=True):
            layer.train(mode)
        model.training = model_mode


__all__ = [
    "THRESHOLD",
    "GradCheckReport",
    "KinkWarning",
    "check_model",
    "format_error",
    "numerical_gradient",
    "relative_error",
]
