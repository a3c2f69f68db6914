"""The optimizer base class: parameters, gradients and per-parameter state (book/07_optimizers.ipynb).

An optimizer updates every parameter array in place from its gradient. ``step(model)`` reads
``model.parameters()`` and ``model.gradients()``; ``step_arrays(params, grads)`` takes any dicts of
arrays. The state of an update rule (momentum, running averages, Adam's step count) belongs to the
parameter array itself, as in ``torch.optim``: one optimizer may step two models, or a model of
other shapes, and each array keeps its own state. The learning rate is a number or a schedule
t -> lr of the optimizer's step index t = 0, 1, 2, ... (see bpkit.schedules), checked at every step.
The update rules themselves are in bpkit.optim.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from bpkit.errors import ArgumentTypeError, ArgumentValueError, CallOrderError, ShapeError
from bpkit.schedules import Schedule
from bpkit.validate import Array, as_array, is_real_number, real_number

__all__ = ["HasParameters", "Optimizer"]


class HasParameters(Protocol):
    """Anything with parameters(), gradients() and zero_grad(), like bpkit.model.Sequential.

    Examples
    --------
    >>> from bpkit.model import MLP
    >>> model: HasParameters = MLP([2, 1])
    >>> sorted(model.parameters()) == sorted(model.gradients())
    True
    """

    def parameters(self) -> dict[str, Array]:
        """Live parameter arrays by name."""
        ...

    def gradients(self) -> dict[str, Array]:
        """Live gradient arrays, same names and shapes."""
        ...

    def zero_grad(self) -> None:
        """Set every gradient to 0."""
        ...


class Optimizer:
    """Base class: theta <- update(theta, g, state) for every parameter, in place.

    Attributes
    ----------
    lr : float or callable
        The learning rate or schedule.
    t : int
        Optimizer steps taken so far; a schedule is evaluated at t.

    Examples
    --------
    A subclass defines the update rule of one parameter (here plain gradient descent):

    >>> class Plain(Optimizer):
    ...     def _update(self, p, g, lr, state):
    ...         p -= lr * g
    >>> theta = np.array([1.0])
    >>> Plain(0.25).step_arrays({"theta": theta}, {"theta": np.array([2.0])})
    >>> theta
    array([0.5])
    """

    def __init__(self, lr: float | Schedule) -> None:
        """lr: a number >= 0, or a schedule t -> lr."""
        where = type(self).__name__
        if not callable(lr):
            if not is_real_number(lr):
                raise ArgumentTypeError(f"{where}: lr must be a number or a schedule t -> lr, got {lr!r}")
            lr = real_number(lr, "lr", where, low=0.0)
        self.lr: float | Schedule = lr
        self.t = 0
        self._state: dict[int, tuple[Array, dict[str, Any]]] = {}
        self._models: list[HasParameters] = []
        self._grads: list[Array] = []

    def lr_at(self, t: int) -> float:
        """The learning rate of step t: the number, or the schedule's value checked to be finite and >= 0."""
        if not callable(self.lr):
            return self.lr
        value = self.lr(t)
        if not is_real_number(value) or not math.isfinite(float(value)) or float(value) < 0:
            raise ArgumentValueError(
                f"{type(self).__name__}: the learning-rate schedule returned lr = {value!r} at step {t}; "
                "a learning rate must be a finite number >= 0"
            )
        return float(value)

    @property
    def current_lr(self) -> float:
        """The learning rate the next step will use."""
        return self.lr_at(self.t)

    def state_of(self, param: Array) -> dict[str, Any]:
        """The update rule's state of one parameter array ({} before its first step)."""
        entry = self._state.get(id(param))
        return entry[1] if entry is not None and entry[0] is param else {}

    def step(self, model: HasParameters) -> None:
        """One update of every parameter of the model from its gradients.

        Parameters
        ----------
        model : Sequential
            A model whose backward() has run since its last zero_grad().
        """
        where = f"{type(self).__name__}.step"
        if not (hasattr(model, "parameters") and hasattr(model, "gradients")):
            raise ArgumentTypeError(
                f"{where}: model must be a bpkit model with parameters() and gradients(), got {type(model).__name__}"
            )
        if getattr(model, "has_gradients", True) is False:
            raise CallOrderError(
                f"{where}: the model has no gradients since its last zero_grad(): run backward "
                "(model.backward(dY)) before optimizer.step(model); use step_arrays to apply gradients you "
                "computed yourself"
            )
        models = self._models
        if not (models and models[-1] is model) and not any(m is model for m in models):
            models.append(model)
        self._apply(model.parameters(), model.gradients(), where, check=False)

    def step_arrays(self, params: Mapping[str, Array], grads: Mapping[str, Array]) -> None:
        """One update of each params[k] in place from grads[k]; the keys and shapes must match.

        Parameters
        ----------
        params : mapping of str to ndarray
            Float64 arrays, updated in place.
        grads : mapping of str to array_like
            Their gradients, same keys and shapes.

        Examples
        --------
        >>> from bpkit.optim import SGD
        >>> theta = np.array([1.0, -2.0])
        >>> SGD(0.5).step_arrays({"theta": theta}, {"theta": np.array([2.0, 2.0])})
        >>> theta
        array([ 0., -3.])
        """
        where = f"{type(self).__name__}.step_arrays"
        for label, value in (("params", params), ("grads", grads)):
            if not isinstance(value, Mapping):
                raise ArgumentTypeError(f"{where}: {label} must be a dict of arrays, got {type(value).__name__}")
        if set(params) != set(grads):
            raise ArgumentValueError(
                f"{where}: grads must have the keys of params, got params keys {sorted(params)} "
                f"and grads keys {sorted(grads)}"
            )
        checked = {}
        for name, p in params.items():
            if not isinstance(p, np.ndarray) or p.dtype != np.float64:
                raise ArgumentTypeError(
                    f"{where}: params[{name!r}] must be a float64 NumPy array (it is updated in place), "
                    f"got {type(p).__name__ if not isinstance(p, np.ndarray) else p.dtype}"
                )
            g = as_array(grads[name], f"grads[{name!r}]", where, allow_empty=True, finite=False)
            if g.shape != p.shape:
                raise ShapeError(f"{where}: grads[{name!r}] must have the shape {p.shape} of params[{name!r}], got {g.shape}")
            checked[name] = g
        self._grads = [g for g in grads.values() if isinstance(g, np.ndarray)]
        self._apply(params, checked, where, check=True)

    def _apply(self, params: Mapping[str, Array], grads: Mapping[str, Array], where: str, check: bool) -> None:
        lr = self.lr_at(self.t)
        self.t += 1
        states, update = self._state, self._update
        for name, p in params.items():
            g = grads[name]
            if not check and g.shape != p.shape:
                raise ShapeError(f"{where}: gradient shape {g.shape} differs from parameter shape {p.shape} for {name!r}")
            entry = states.get(id(p))
            if entry is None or entry[0] is not p:
                entry = states[id(p)] = (p, {})
            update(p, g, lr, entry[1])

    def zero_grad(self, model: HasParameters | None = None) -> None:
        """Zero the gradients of `model`, or of every model (and step_arrays gradients) seen so far."""
        if model is not None:
            model.zero_grad()
            return
        for m in self._models:
            m.zero_grad()
        for g in self._grads:
            g.fill(0.0)

    def _update(self, p: Array, g: Array, lr: float, state: dict[str, Any]) -> None:
        raise TypeError(f"{type(self).__name__} does not define an update rule")


def _check_hyper(where: str, **values: object) -> list[float]:
    """Each hyper-parameter as a finite float >= 0, or a bpkit error naming it."""
    return [real_number(v, name, where, low=0.0) for name, v in values.items()]
