"""Learning-rate schedules: the learning rate as a function of the optimizer's step (book/07_optimizers.ipynb).

A schedule is any function ``t -> lr`` of the step index t = 0, 1, 2, ..., which counts the calls
of the optimizer's ``step`` (one per mini-batch), not epochs. Pass it as an optimizer's ``lr``:
``SGD(cosine_decay(0.1, total_steps=1000))``. To change the rate once per epoch instead, wrap a
schedule written in epochs with :func:`per_epoch`: ``per_epoch(step_decay(0.1, every=10),
steps_per_epoch)`` halves the rate every 10 epochs. The optimizer checks the value at every step
and refuses a negative or non-finite learning rate, naming the step.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from bpkit.errors import ArgumentTypeError
from bpkit.validate import integer, real_number

Schedule = Callable[[int], float]


def constant(lr: float) -> Schedule:
    """lr(t) = lr.

    Parameters
    ----------
    lr : float
        The learning rate (>= 0) at every step.

    Examples
    --------
    >>> constant(0.1)(500)
    0.1
    """
    value = real_number(lr, "lr", "constant", low=0.0)
    return lambda t: value


def step_decay(lr: float, drop: float = 0.5, every: int = 10) -> Schedule:
    """lr(t) = lr * drop^floor(t / every).

    Parameters
    ----------
    lr : float
        The rate at t = 0 (>= 0).
    drop : float
        The factor (>= 0) applied every `every` steps.
    every : int
        Steps between drops (>= 1).

    Examples
    --------
    >>> s = step_decay(1.0, drop=0.5, every=10)
    >>> s(9), s(10), s(25)
    (1.0, 0.5, 0.25)
    """
    lr = real_number(lr, "lr", "step_decay", low=0.0)
    drop = real_number(drop, "drop", "step_decay", low=0.0)
    every = integer(every, "every", "step_decay")
    return lambda t: float(lr * drop ** (t // every))


def exponential_decay(lr: float, gamma: float) -> Schedule:
    """lr(t) = lr * gamma^t.

    Parameters
    ----------
    lr : float
        The rate at t = 0 (>= 0).
    gamma : float
        The factor per step (>= 0; below 1 for a decay).

    Examples
    --------
    >>> round(exponential_decay(1.0, 0.9)(3), 12)
    0.729
    """
    lr = real_number(lr, "lr", "exponential_decay", low=0.0)
    gamma = real_number(gamma, "gamma", "exponential_decay", low=0.0)
    return lambda t: float(lr * gamma**t)


def cosine_decay(lr: float, total_steps: int, lr_min: float = 0.0) -> Schedule:
    """lr(t) = lr_min + (lr - lr_min)(1 + cos(pi min(t, T)/T)) / 2 with T = total_steps.

    Parameters
    ----------
    lr : float
        The rate at t = 0 (>= 0).
    total_steps : int
        T >= 1; from t = T on the rate stays at lr_min.
    lr_min : float
        The final rate (>= 0).

    Examples
    --------
    >>> c = cosine_decay(1.0, total_steps=100, lr_min=0.1)
    >>> c(0), round(c(50), 12), c(100), c(1000)
    (1.0, 0.55, 0.1, 0.1)
    """
    lr = real_number(lr, "lr", "cosine_decay", low=0.0)
    total = integer(total_steps, "total_steps", "cosine_decay")
    lr_min = real_number(lr_min, "lr_min", "cosine_decay", low=0.0)
    return lambda t: float(lr_min + (lr - lr_min) * (1 + math.cos(math.pi * min(t, total) / total)) / 2)


def _schedule(schedule: object, name: str, where: str) -> Schedule:
    """A callable schedule, or a constant one from a number."""
    if callable(schedule):
        return schedule
    try:
        return constant(schedule)  # type: ignore[arg-type]
    except ArgumentTypeError:
        raise ArgumentTypeError(f"{where}: {name} must be a schedule t -> lr or a number, got {schedule!r}") from None


def warmup(schedule: Schedule | float, warmup_steps: int) -> Schedule:
    """lr(t) = schedule(t) (t + 1) / warmup_steps for t < warmup_steps, then schedule(t).

    Parameters
    ----------
    schedule : callable or float
        The schedule (or constant rate) to ramp up to.
    warmup_steps : int
        Length of the linear ramp (>= 0; 0 means no warmup).

    Examples
    --------
    >>> w = warmup(1.0, warmup_steps=4)
    >>> [w(t) for t in range(5)]
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """
    base = _schedule(schedule, "schedule", "warmup")
    steps = integer(warmup_steps, "warmup_steps", "warmup", low=0)
    return lambda t: float(base(t) * min(1.0, (t + 1) / steps)) if steps else float(base(t))


def per_epoch(schedule: Schedule, steps_per_epoch: int) -> Schedule:
    """A schedule written in epochs, as the optimizer's per-step schedule: lr(t) = schedule(t // steps_per_epoch).

    Parameters
    ----------
    schedule : callable
        epoch -> lr, the epoch counted from 0.
    steps_per_epoch : int
        Optimizer steps per epoch, ceil(N / batch_size) for fit (>= 1).

    Examples
    --------
    >>> s = per_epoch(step_decay(1.0, drop=0.5, every=2), steps_per_epoch=3)
    >>> [s(t) for t in range(0, 13, 3)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    base = _schedule(schedule, "schedule", "per_epoch")
    steps = integer(steps_per_epoch, "steps_per_epoch", "per_epoch")
    return lambda t: base(t // steps)


def steps_per_epoch(n_examples: int, batch_size: int) -> int:
    """ceil(n_examples / batch_size): the optimizer steps fit takes per epoch.

    Parameters
    ----------
    n_examples : int
        N, the rows of the training data (>= 1).
    batch_size : int
        Rows per step (>= 1).

    Examples
    --------
    >>> steps_per_epoch(100, 32)
    4
    """
    n = integer(n_examples, "n_examples", "steps_per_epoch")
    b = integer(batch_size, "batch_size", "steps_per_epoch")
    return -(-n // b)


__all__ = ["Schedule", "constant", "cosine_decay", "exponential_decay", "per_epoch", "step_decay",
           "steps_per_epoch", "warmup"]
