"""Adaptive optimizers: AdaGrad, RMSProp, Adam and AdamW with torch.optim's formulas (book/07_optimizers.ipynb).

Each scales the step of every parameter entry by a running measure of its past gradients. Notation:
theta a parameter, g = dJ/dtheta its gradient, t = 1, 2, ... the parameter's own step count, lr the
learning rate (a number or a schedule, see bpkit.optimizer). Re-exported by bpkit.optim.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from bpkit.errors import ArgumentValueError
from bpkit.optimizer import Optimizer, _check_hyper
from bpkit.schedules import Schedule
from bpkit.validate import Array, real_number

__all__ = ["AdaGrad", "Adam", "AdamW", "RMSProp"]


class AdaGrad(Optimizer):
    """g <- g + wd theta; G <- G + g^2; theta <- theta - lr g / (sqrt(G) + eps).

    Parameters
    ----------
    lr : float or callable
        Learning rate (>= 0) or schedule.
    eps : float
        Added to the denominator (>= 0).
    weight_decay : float
        L2 penalty factor wd >= 0.

    Examples
    --------
    >>> theta = np.array([1.0])
    >>> AdaGrad(0.5).step_arrays({"theta": theta}, {"theta": np.array([4.0])})
    >>> theta.round(6)  # 1 - 0.5 * 4 / sqrt(16)
    array([0.5])
    """

    def __init__(self, lr: float | Schedule = 1e-2, eps: float = 1e-10, weight_decay: float = 0.0) -> None:
        """AdaGrad (Duchi et al., 2011), as torch.optim.Adagrad with lr_decay = 0."""
        super().__init__(lr)
        self.eps, self.weight_decay = _check_hyper("AdaGrad", eps=eps, weight_decay=weight_decay)

    def _update(self, p: Array, g: Array, lr: float, state: dict[str, Any]) -> None:
        if self.weight_decay:
            g = g + self.weight_decay * p
        s = state.setdefault("sum", np.zeros_like(p))
        s += g * g
        p -= lr * g / (np.sqrt(s) + self.eps)


class RMSProp(Optimizer):
    """v <- alpha v + (1 - alpha) g^2; u = g / (sqrt(v) + eps); with momentum b <- mu b + u, theta <- theta - lr b, else theta <- theta - lr u.

    Parameters
    ----------
    lr : float or callable
        Learning rate (>= 0) or schedule.
    alpha : float
        Decay of the running average of g^2, 0 <= alpha < 1.
    eps : float
        Added to the denominator (>= 0).
    momentum : float
        mu >= 0.
    weight_decay : float
        L2 penalty factor wd >= 0.

    Examples
    --------
    >>> theta = np.array([1.0])
    >>> RMSProp(0.1, alpha=0.75).step_arrays({"theta": theta}, {"theta": np.array([2.0])})
    >>> theta.round(6)  # 1 - 0.1 * 2 / sqrt(0.25 * 4)
    array([0.8])
    """

    def __init__(
        self,
        lr: float | Schedule = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        """RMSProp (Tieleman and Hinton, 2012), as torch.optim.RMSprop (centered=False)."""
        super().__init__(lr)
        self.alpha = real_number(alpha, "alpha", "RMSProp", low=0.0, high=1.0, high_open=True)
        self.eps, self.momentum, self.weight_decay = _check_hyper(
            "RMSProp", eps=eps, momentum=momentum, weight_decay=weight_decay
        )

    def _update(self, p: Array, g: Array, lr: float, state: dict[str, Any]) -> None:
        if self.weight_decay:
            g = g + self.weight_decay * p
        v = state.setdefault("square_avg", np.zeros_like(p))
        v *= self.alpha
        v += (1.0 - self.alpha) * g * g
        u = g / (np.sqrt(v) + self.eps)
        if self.momentum:
            buf = state.setdefault("momentum_buffer", np.zeros_like(p))
            buf *= self.momentum
            buf += u
            u = buf
        p -= lr * u


def _betas(betas: object, where: str) -> tuple[float, float]:
    """A pair (beta1, beta2) of numbers in [0, 1)."""
    if isinstance(betas, (str, bytes)) or not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ArgumentValueError(f"{where}: betas must be a pair (beta1, beta2) such as (0.9, 0.999), got {betas!r}")
    b1, b2 = (real_number(b, "betas", where, low=0.0, high=1.0, high_open=True) for b in betas)
    return b1, b2


class Adam(Optimizer):
    """m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2; theta <- theta - lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps).

    t is the parameter's own step count, so two models stepped by one optimizer are corrected
    correctly. Weight decay adds wd theta to g (L2), as torch.optim.Adam does; AdamW decouples it.

    Parameters
    ----------
    lr : float or callable
        Learning rate (>= 0) or schedule.
    betas : pair of float
        (b1, b2), each in [0, 1): decays of the running averages of g and g^2.
    eps : float
        Added to the denominator (>= 0).
    weight_decay : float
        L2 penalty factor wd >= 0.

    Examples
    --------
    >>> theta = np.array([1.0])
    >>> Adam(0.1).step_arrays({"theta": theta}, {"theta": np.array([3.0])})
    >>> theta.round(6)  # the first step moves each entry by about lr
    array([0.9])
    """

    decoupled = False

    def __init__(
        self,
        lr: float | Schedule = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        """Adam (Kingma and Ba, 2015), as torch.optim.Adam; weight decay is added to g (L2)."""
        super().__init__(lr)
        where = type(self).__name__
        self.betas = _betas(betas, where)
        self.eps, self.weight_decay = _check_hyper(where, eps=eps, weight_decay=weight_decay)

    def _update(self, p: Array, g: Array, lr: float, state: dict[str, Any]) -> None:
        b1, b2 = self.betas
        if self.weight_decay:
            if self.decoupled:
                p *= 1.0 - lr * self.weight_decay
            else:
                g = g + self.weight_decay * p
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * (g * g)
        # m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t); the scalars are folded in to save passes
        denom = np.sqrt(v)
        denom *= 1.0 / math.sqrt(1.0 - b2**t)
        denom += self.eps
        np.divide(m, denom, out=denom)
        denom *= lr / (1.0 - b1**t)
        p -= denom


class AdamW(Adam):
    """Adam with decoupled weight decay: theta <- theta (1 - lr wd), then the Adam step (Loshchilov and Hutter, 2019).

    A step needs gradients: ``step(model)`` before any backward raises CallOrderError instead of
    decaying the weights.

    Parameters
    ----------
    lr : float or callable
        Learning rate (>= 0) or schedule.
    betas : pair of float
        (b1, b2), each in [0, 1).
    eps : float
        Added to the denominator (>= 0).
    weight_decay : float
        Decoupled decay factor wd >= 0 (default 0.01, as torch.optim.AdamW).

    Examples
    --------
    >>> theta = np.array([1.0])
    >>> AdamW(0.1, weight_decay=0.5).step_arrays({"theta": theta}, {"theta": np.array([0.0])})
    >>> theta.round(6)  # decayed by 1 - 0.1 * 0.5; the Adam step of a zero gradient is 0
    array([0.95])
    """

    decoupled = True

    def __init__(
        self,
        lr: float | Schedule = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        """AdamW as torch.optim.AdamW (default weight_decay 0.01)."""
        super().__init__(lr, betas, eps, weight_decay)
