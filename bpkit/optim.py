"""Gradient-descent optimizers with torch.optim's update rules and defaults (book/07_optimizers.ipynb).

Notation: theta a parameter, g = dJ/dtheta its gradient, t = 1, 2, ... the step number, lr the
learning rate (a float, or a schedule: a function of the step index 0, 1, 2, ...). Each optimizer
keeps its state per parameter name, so ``step(model)`` works on ``model.parameters()`` and
``model.gradients()``, and ``step_arrays(params, grads)`` on any dicts of arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Schedule = Callable[[int], float]


class HasParameters(Protocol):
    """Anything with parameters() and gradients() maps, like bpkit.model.Sequential."""

    def parameters(self) -> dict[str, Array]: ...

    def gradients(self) -> dict[str, Array]: ...


def _check_nonneg(**values: float) -> None:
    """Hyper-parameters must be finite and >= 0."""
    for name, value in values.items():
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


class Optimizer:
    """Base class: theta <- update(theta, g, state) for every named parameter, in place."""

    def __init__(self, lr: float | Schedule) -> None:
        """lr: a positive float or a schedule step -> lr."""
        if not callable(lr):
            _check_nonneg(lr=lr)
        self.lr = lr
        self.t = 0
        self.state: dict[str, dict[str, Array]] = {}
        self._grads: dict[str, Array] | None = None

    @property
    def current_lr(self) -> float:
        """The learning rate the next step will use."""
        return float(self.lr(self.t)) if callable(self.lr) else float(self.lr)

    def step(self, model: HasParameters) -> None:
        """One update of every parameter of the model from its stored gradients."""
        self.step_arrays(model.parameters(), model.gradients())

    def step_arrays(self, params: Mapping[str, Array], grads: Mapping[str, Array]) -> None:
        """One update of each params[k] in place from grads[k]; the keys must match."""
        if set(params) != set(grads):
            raise ValueError(f"parameter keys {sorted(params)} differ from gradient keys {sorted(grads)}")
        lr = self.current_lr
        self.t += 1
        for name, p in params.items():
            g = np.asarray(grads[name], dtype=np.float64)
            if g.shape != p.shape:
                raise ValueError(f"{name}: gradient shape {g.shape} differs from parameter shape {p.shape}")
            self._update(name, p, g, lr, self.state.setdefault(name, {}))
        self._grads = dict(grads)

    def zero_grad(self, model: HasParameters | None = None) -> None:
        """Zero the gradients of `model`, or of the arrays used in the last step."""
        grads = model.gradients() if model is not None else (self._grads or {})
        for g in grads.values():
            g[...] = 0.0

    def _update(self, name: str, p: Array, g: Array, lr: float, state: dict[str, Array]) -> None:
        raise TypeError(f"{type(self).__name__} does not define an update rule")


class SGD(Optimizer):
    """g <- g + wd theta; b <- mu b + (1 - dampening) g (b = g at t = 1); d = g + mu b if nesterov else b; theta <- theta - lr d."""

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
        _check_nonneg(momentum=momentum, dampening=dampening, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires momentum > 0 and dampening = 0")
        self.momentum, self.dampening = float(momentum), float(dampening)
        self.nesterov, self.weight_decay = bool(nesterov), float(weight_decay)

    def _update(self, name: str, p: Array, g: Array, lr: float, state: dict[str, Array]) -> None:
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


class AdaGrad(Optimizer):
    """g <- g + wd theta; G <- G + g^2; theta <- theta - lr g / (sqrt(G) + eps)."""

    def __init__(self, lr: float | Schedule = 1e-2, eps: float = 1e-10, weight_decay: float = 0.0) -> None:
        """AdaGrad (Duchi et al., 2011), as torch.optim.Adagrad with lr_decay = 0."""
        super().__init__(lr)
        _check_nonneg(eps=eps, weight_decay=weight_decay)
        self.eps, self.weight_decay = float(eps), float(weight_decay)

    def _update(self, name: str, p: Array, g: Array, lr: float, state: dict[str, Array]) -> None:
        if self.weight_decay:
            g = g + self.weight_decay * p
        s = state.setdefault("sum", np.zeros_like(p))
        s += g * g
        p -= lr * g / (np.sqrt(s) + self.eps)


class RMSProp(Optimizer):
    """v <- alpha v + (1 - alpha) g^2; u = g / (sqrt(v) + eps); with momentum b <- mu b + u, theta <- theta - lr b, else theta <- theta - lr u."""

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
        _check_nonneg(alpha=alpha, eps=eps, momentum=momentum, weight_decay=weight_decay)
        if alpha >= 1:
            raise ValueError(f"alpha must be < 1, got {alpha}")
        self.alpha, self.eps = float(alpha), float(eps)
        self.momentum, self.weight_decay = float(momentum), float(weight_decay)

    def _update(self, name: str, p: Array, g: Array, lr: float, state: dict[str, Array]) -> None:
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


class Adam(Optimizer):
    """m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2; theta <- theta - lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)."""

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
        b1, b2 = betas
        _check_nonneg(beta1=b1, beta2=b2, eps=eps, weight_decay=weight_decay)
        if b1 >= 1 or b2 >= 1:
            raise ValueError(f"betas must lie in [0, 1), got {betas}")
        self.betas, self.eps, self.weight_decay = (float(b1), float(b2)), float(eps), float(weight_decay)

    def _update(self, name: str, p: Array, g: Array, lr: float, state: dict[str, Array]) -> None:
        b1, b2 = self.betas
        if self.weight_decay:
            if self.decoupled:
                p *= 1.0 - lr * self.weight_decay
            else:
                g = g + self.weight_decay * p
        m = state.setdefault("exp_avg", np.zeros_like(p))
        v = state.setdefault("exp_avg_sq", np.zeros_like(p))
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * (g * g)
        # m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t); the scalars are folded in to save passes
        denom = np.sqrt(v)
        denom *= 1.0 / math.sqrt(1.0 - b2**self.t)
        denom += self.eps
        np.divide(m, denom, out=denom)
        denom *= lr / (1.0 - b1**self.t)
        p -= denom


class AdamW(Adam):
    """Adam with decoupled weight decay: theta <- theta (1 - lr wd), then the Adam step (Loshchilov and Hutter, 2019)."""

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


def constant(lr: float) -> Schedule:
    """lr(t) = lr."""
    _check_nonneg(lr=lr)
    return lambda t: float(lr)


def step_decay(lr: float, drop: float = 0.5, every: int = 10) -> Schedule:
    """lr(t) = lr * drop^floor(t / every)."""
    _check_nonneg(lr=lr, drop=drop)
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    return lambda t: float(lr * drop ** (t // every))


def exponential_decay(lr: float, gamma: float) -> Schedule:
    """lr(t) = lr * gamma^t."""
    _check_nonneg(lr=lr, gamma=gamma)
    return lambda t: float(lr * gamma**t)


def cosine_decay(lr: float, total_steps: int, lr_min: float = 0.0) -> Schedule:
    """lr(t) = lr_min + (lr - lr_min)(1 + cos(pi min(t, T)/T)) / 2 with T = total_steps."""
    _check_nonneg(lr=lr, lr_min=lr_min)
    if total_steps < 1:
        raise ValueError(f"total_steps must be >= 1, got {total_steps}")
    return lambda t: float(lr_min + (lr - lr_min) * (1 + math.cos(math.pi * min(t, total_steps) / total_steps)) / 2)


def warmup(schedule: Schedule | float, warmup_steps: int) -> Schedule:
    """lr(t) = schedule(t) (t + 1) / warmup_steps for t < warmup_steps, then schedule(t)."""
    base = schedule if callable(schedule) else constant(schedule)
    if warmup_steps < 0:
        raise ValueError(f"warmup_steps must be >= 0, got {warmup_steps}")
    return lambda t: float(base(t) * min(1.0, (t + 1) / warmup_steps)) if warmup_steps else float(base(t))


def clip_grad_norm(model_or_grads: HasParameters | Mapping[str, Array], max_norm: float) -> float:
    """If ||g||_2 > max_norm over all gradients, scale them by max_norm / (||g||_2 + 1e-6); returns ||g||_2 before."""
    _check_nonneg(max_norm=max_norm)
    grads = model_or_grads.gradients() if hasattr(model_or_grads, "gradients") else model_or_grads
    total = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for g in grads.values():
            g *= scale
    return total
