"""Scalar reverse-mode automatic differentiation (book/03_chain_rule_and_graphs.ipynb).

Every arithmetic operation on ``Value`` objects creates a new node that remembers its parents and,
beside its forward result, the local derivative d(node)/d(parent) for each parent. ``backward()``
visits the nodes in reverse topological order and applies the chain rule

    parent.grad += node.grad * d(node)/d(parent),

so each node's gradient is complete before it is passed on. The sort is iterative (no recursion
limit) and deterministic (it follows the order in which parents were given).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import Any

import numpy as np

Number = int | float

#: Creation stamps. A node is always created after its parents, so sorting by stamp is a
#: topological order, and a deterministic one.
_stamps = itertools.count()


class Value:
    """A scalar node of a computational graph: data, grad, parents, and the local derivatives."""

    __slots__ = ("data", "grad", "label", "op", "parents", "local_grads", "stamp")

    def __init__(
        self,
        data: Number,
        label: str = "",
        op: str = "",
        parents: tuple[Value, ...] = (),
        local_grads: tuple[float, ...] = (),
    ) -> None:
        """A leaf Value(data, label); operators create the inner nodes."""
        if isinstance(data, Value):
            raise TypeError("Value(data) needs a number; the argument is already a Value")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = op
        self.parents = parents
        self.local_grads = local_grads
        self.stamp = next(_stamps)

    # --- building the graph: each operator states its local derivatives -----------------------

    def __add__(self, other: Value | Number) -> Value:
        """c = a + b; dc/da = 1, dc/db = 1."""
        other = _lift(other)
        return Value(self.data + other.data, op="+", parents=(self, other), local_grads=(1.0, 1.0))

    def __mul__(self, other: Value | Number) -> Value:
        """c = a b; dc/da = b, dc/db = a."""
        other = _lift(other)
        return Value(self.data * other.data, op="*", parents=(self, other), local_grads=(other.data, self.data))

    def __pow__(self, k: Number) -> Value:
        """c = a^k for a number k; dc/da = k a^(k-1)."""
        if isinstance(k, Value) or not isinstance(k, (int, float)):
            raise TypeError("Value ** k needs a plain number k; for a^b with b a Value use (b * a.log()).exp()")
        if self.data == 0 and k < 1:
            raise ValueError(f"0 ** {k} has no finite derivative")
        return Value(self.data**k, op=f"**{k:g}", parents=(self,), local_grads=(k * self.data ** (k - 1),))

    def exp(self) -> Value:
        """c = e^a; dc/da = e^a."""
        e = math.exp(self.data)
        return Value(e, op="exp", parents=(self,), local_grads=(e,))

    def log(self) -> Value:
        """c = ln a for a > 0; dc/da = 1/a."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive argument, got {self.data}")
        return Value(math.log(self.data), op="log", parents=(self,), local_grads=(1.0 / self.data,))

    def tanh(self) -> Value:
        """c = tanh a; dc/da = 1 - c^2."""
        t = math.tanh(self.data)
        return Value(t, op="tanh", parents=(self,), local_grads=(1.0 - t * t,))

    def sigmoid(self) -> Value:
        """c = 1 / (1 + e^{-a}); dc/da = c (1 - c). Stable for any a."""
        a = self.data
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        return Value(s, op="sigmoid", parents=(self,), local_grads=(s * (1.0 - s),))

    def relu(self) -> Value:
        """c = max(0, a); dc/da = 1 if a > 0 else 0."""
        return Value(max(0.0, self.data), op="relu", parents=(self,), local_grads=(1.0 if self.data > 0 else 0.0,))

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """c = a if a > 0 else alpha a; dc/da = 1 or alpha."""
        slope = 1.0 if self.data > 0 else negative_slope
        return Value(self.data * slope, op="leaky_relu", parents=(self,), local_grads=(slope,))

    def __neg__(self) -> Value:
        """-a = a * (-1)."""
        return self * -1.0

    def __sub__(self, other: Value | Number) -> Value:
        """a - b = a + (-b)."""
        return self + (-_lift(other))

    def __truediv__(self, other: Value | Number) -> Value:
        """a / b = a * b^(-1)."""
        return self * _lift(other) ** -1

    def __radd__(self, other: Number) -> Value:
        """n + a."""
        return self + other

    def __rmul__(self, other: Number) -> Value:
        """n * a."""
        return self * other

    def __rsub__(self, other: Number) -> Value:
        """n - a."""
        return _lift(other) - self

    def __rtruediv__(self, other: Number) -> Value:
        """n / a."""
        return _lift(other) / self

    # --- the backward pass ---------------------------------------------------------------------

    def backward(self) -> None:
        """Set d(self)/d(self) = 1 and accumulate d(self)/d(node) into every node's grad, in reverse topological order.

        Leaves keep what earlier backward() calls accumulated (as PyTorch's leaf .grad does);
        inner nodes are reset first, so their grad is the gradient of this call alone.
        """
        inner = [node for node in topological_order(self) if node.parents]
        for node in inner:
            node.grad = 0.0
        self.grad += 1.0  # the seed: d(self)/d(self) = 1
        for node in reversed(inner):  # children before parents: each grad is complete when used
            g = node.grad
            if g:  # a zero gradient adds nothing to the parents
                for parent, local in zip(node.parents, node.local_grads):
                    parent.grad += g * local

    def zero_grad(self) -> None:
        """Set grad = 0 for this node and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"


def _lift(x: Value | Number) -> Value:
    """Wrap a plain number as a constant leaf."""
    if isinstance(x, Value):
        return x
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
        return Value(float(x))
    raise TypeError(f"cannot combine a Value with {type(x).__name__}")


def topological_order(root: Value) -> list[Value]:
    """Every node root depends on, each after all of its parents.

    An iterative search collects the nodes root depends on; sorting them by creation stamp then
    puts every node after its parents, because an operation creates its result after its inputs.
    The set only answers "seen before?"; the order comes from the stamps, so it is deterministic.
    """
    seen = {root}
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return sorted(seen, key=_by_stamp)


_by_stamp = attrgetter("stamp")


def zero_grad(values: Iterable[Value]) -> None:
    """Set grad = 0 on the given nodes (typically the parameters, before a new backward())."""
    for v in values:
        v.grad = 0.0


def values_of(array: Any, name: str) -> list[list[Value]] | list[Value]:
    """Wrap a 1-D or 2-D NumPy array as nested lists of labelled leaves, e.g. W1[0,1]."""
    a = np.asarray(array, dtype=np.float64)
    if a.ndim == 1:
        return [Value(a[i], label=f"{name}[{i}]") for i in range(a.shape[0])]
    if a.ndim == 2:
        return [[Value(a[i, j], label=f"{name}[{i},{j}]") for j in range(a.shape[1])] for i in range(a.shape[0])]
    raise ValueError(f"{name}: only 1-D and 2-D arrays can be wrapped, got shape {a.shape}")


def grads_of(values: Any) -> np.ndarray:
    """The grads of nested lists of Values, as an array of the same shape."""
    if isinstance(values, Value):
        return np.array(values.grad)
    return np.array([grads_of(v) for v in values], dtype=np.float64)


def model_gradients(model: Any, loss: Any, X: Any, y: Any) -> dict[str, np.ndarray]:
    """dJ/dtheta for every parameter of a bpkit model, by building J from Values: same keys as model.gradients()."""
    from bpkit.autodiff_model import graph_loss

    params = {name: values_of(p, name) for name, p in model.parameters().items()}
    J = graph_loss(model, loss, X, y, params)
    J.backward()
    return {name: grads_of(v) for name, v in params.items()}


def as_mapping(params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The data of nested Values as arrays, e.g. to compare with a model's parameters."""
    def data_of(v: Any) -> Any:
        return v.data if isinstance(v, Value) else [data_of(u) for u in v]

    return {k: np.array(data_of(v), dtype=np.float64) for k, v in params.items()}
