"""SGD (with momentum) and gradient clipping, as torch.optim has them (book/07_optimizers.ipynb).

The adaptive optimizers (AdaGrad, RMSProp, Adam, AdamW) live in bpkit.adaptive and are re-exported
here with the schedules, so ``from bpkit.optim import Adam, cosine_decay`` keeps working.

Notation: theta a parameter, g = dJ/dtheta its gradient, t = 1, 2, ... the parameter's step
number, lr the learning rate: a number, or a schedule t -> lr of the optimizer's step index
0, 1, 2, ... (see bpkit.schedules; the value is checked at every step).

Every optimizer here is a :class:`bpkit.optimizer.Optimizer`: ``step(model)`` updates every array of
``model.parameters()`` in place from ``model.gradients()``, ``step_arrays(params, grads)`` does the
same for any dicts of arrays, and the state of an update rule belongs to the parameter array itself
(as in ``torch.optim``), so one optimizer may step two models. ``zero_grad()`` zeroes the gradients
of every model the optimizer has stepped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from bpkit.adaptive import AdaGrad, Adam, AdamW, RMSProp
from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.optimizer import HasParameters, Optimizer, _check_hyper
from bpkit.schedules import (  # re-exported: schedules used to live here
    Schedule,
    constant,
    cosine_decay,
    exponential_decay,
    per_epoch,
    step_decay,
    warmup,
)
from bpkit.validate import Array, boolean, real_number


class SGD(Optimizer):
    """g <- g + wd theta; b <- mu b + (1 - dampening) g (b = g at t = 1); d = g + mu b if nesterov else b; theta <- theta - lr d.

    Parameters
    ----------
    lr : float or callable
        Learning rate (>= 0) or schedule.
    momentum : float
        mu >= 0 (0: plain gradient descent).
    dampening : float
        Factor (1 - dampening) on the new gradient in the momentum buffer.
    nesterov : bool
        Nesterov momentum (needs momentum > 0 and dampening = 0).
    weight_decay : float
        L2 penalty factor wd >= 0 added to the gradient.

    Examples
    --------
    >>> theta = np.array([1.0])
    >>> opt = SGD(0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.step_arrays({"theta": theta}, {"theta": np.array([1.0])})
    >>> theta.round(6)  # 1 - 0.1 * 1 - 0.1 * (0.9 + 1)
    array([0.71])
    """

    def __init__(
        self,
        lr: float | Schedule,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        """Stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD."""
        super().__init__(lr)
        self.momentum, self.dampening, self.weight_decay = _check_hyper(
            "SGD", momentum=momentum, dampening=dampening, weight_decay=weight_decay
        )
        nesterov = boolean(nesterov, "nesterov", "SGD")
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ArgumentValueError("SGD: nesterov=True requires momentum > 0 and dampening = 0 (Nesterov momentum)")
        self.nesterov = bool(nesterov)

    def _update(self, p: Array, g: Array, lr: float, state: dict[str, Any]) -> None:
        if self.weight_decay:
            g = g + self.weight_decay * p
        if self.momentum:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = g.copy()
            else:
                buf = state["momentum_buffer"]
                buf *= self.momentum
                buf += (1.0 - self.dampening) * g
            buf = state["momentum_buffer"]
            g = g + self.momentum * buf if self.nesterov else buf
        p -= lr * g


def clip_grad_norm(model_or_grads: HasParameters | Mapping[str, Array], max_norm: float) -> float:
    """If ||g||_2 > max_norm over all gradients, scale them by max_norm / (||g||_2 + 1e-6); returns ||g||_2 before.

    Parameters
    ----------
    model_or_grads : Sequential or mapping of str to ndarray
        A model (its gradients() are clipped) or the gradient arrays themselves, changed in place.
    max_norm : float
        The largest allowed norm (> 0).

    Examples
    --------
    >>> grads = {"a": np.array([3.0, 0.0]), "b": np.array([4.0])}
    >>> clip_grad_norm(grads, max_norm=1.0)
    5.0
    >>> grads["a"].round(6)
    array([0.6, 0. ])
    """
    max_norm = real_number(max_norm, "max_norm", "clip_grad_norm", low=0.0, low_open=True)
    if isinstance(model_or_grads, Mapping):
        grads = model_or_grads
    elif hasattr(model_or_grads, "gradients"):
        grads = model_or_grads.gradients()
    else:
        raise ArgumentTypeError(
            f"clip_grad_norm: model_or_grads must be a model or a dict of gradients, got {type(model_or_grads).__name__}"
        )
    flat = [np.ravel(g) for g in grads.values()]
    total = math.sqrt(sum(float(np.dot(g, g)) for g in flat))
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for g in grads.values():
            g *= scale
    return total


__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "AdamW",
    "HasParameters",
    "Optimizer",
    "RMSProp",
    "Schedule",
    "clip_grad_norm",
    "constant",
    "cosine_decay",
    "exponential_decay",
    "per_epoch",
    "step_decay",
    "warmup",
]
