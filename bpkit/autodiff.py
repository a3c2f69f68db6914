"""Scalar reverse-mode automatic differentiation (book/03_chain_rule_and_graphs.ipynb).

Every arithmetic operation on ``Value`` objects creates a new node that remembers its parents and,
beside its forward result, the local derivative d(node)/d(parent) for each parent. ``backward()``
visits the nodes in reverse topological order and applies the chain rule

    parent.grad += node.grad * d(node)/d(parent),

so each node's gradient is complete before it is passed on. The sort is iterative (no recursion
limit) and deterministic (it follows the order in which nodes were created).

The activations (``sigmoid``, ``tanh``, ``relu``, ``leaky_relu``, ``softplus``, or any elementwise
rule by name with ``activation``) are one node each, whose value and local derivative come from
the rule in :mod:`bpkit.catalogue`. ``bpkit.value_backend.VALUE`` is the catalogue backend over
``Value`` nodes, with which row rules (softmax) and losses are built from these operations.

Building your own graph
-----------------------
Any computation written with ``+ - * / **`` and the methods below is differentiated by
``backward()``: a convolution, a recurrent step, a loss of your own. A new operation with a
hand-written derivative is one node: ``Value(data, op="name", parents=(a, b), local_grads=(dy_da,
dy_db))``. For example y = a b^2 as one node:

>>> a, b = Value(3.0, "a"), Value(2.0, "b")
>>> y = Value(a.data * b.data**2, op="a*b^2", parents=(a, b), local_grads=(b.data**2, 2 * a.data * b.data))
>>> (y * 2).backward()
>>> a.grad, b.grad
(8.0, 24.0)

Examples
--------
>>> x, w = Value(0.5, "x"), Value(-1.5, "w")
>>> J = (x * w).sigmoid()
>>> J.backward()
>>> round(J.data, 6), round(w.grad, 6)
(0.320821, 0.108947)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import Any

import numpy as np

from bpkit.catalogue import ACTIVATIONS, MATH, ActivationRule
from bpkit.errors import ArgumentTypeError, ArgumentValueError
from bpkit.validate import Array, as_array, is_real_number, real_number

__all__ = ["Value", "as_mapping", "grads_of", "topological_order", "values_of", "zero_grad"]

Number = int | float

#: Creation stamps. A node is always created after its parents, so sorting by stamp is a
#: topological order, and a deterministic one.
_stamps = itertools.count()


def _describe(x: object) -> str:
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


class Value:
    """A scalar node of a computational graph: data, grad, parents, and the local derivatives.

    Parameters
    ----------
    data : float
        The node's value: a real number (Python or NumPy int or float; not bool, complex or a Value).
    label : str
        A name shown when the graph is drawn, e.g. "w1".
    op : str
        The operation that made the node ("" for a leaf); operators set it.
    parents : tuple of Value
        The operands the node was computed from ((): a leaf).
    local_grads : tuple of float
        d(node)/d(parent) for each parent, in the same order.

    Attributes
    ----------
    grad : float
        d(root)/d(node) after ``root.backward()``; leaves accumulate over calls until ``zero_grad``.

    Examples
    --------
    >>> x = Value(2.0, "x")
    >>> y = x * x + x
    >>> y.backward()
    >>> x.grad  # 2x + 1
    5.0
    """

    __slots__ = ("data", "grad", "label", "local_grads", "op", "parents", "stamp")

    def __init__(
        self,
        data: Number,
        label: str = "",
        op: str = "",
        parents: tuple[Value, ...] = (),
        local_grads: tuple[float, ...] = (),
    ) -> None:
        if not is_real_number(data):
            hint = "; the argument is already a Value" if isinstance(data, Value) else ""
            raise ArgumentTypeError(f"Value: data must be a real number, got {_describe(data)}{hint}")
        if not isinstance(label, str) or not isinstance(op, str):
            bad, arg = (label, "label") if not isinstance(label, str) else (op, "op")
            raise ArgumentTypeError(f"Value: {arg} must be a string, got {_describe(bad)}")
        parents, local_grads = tuple(parents), tuple(local_grads)
        if not all(isinstance(p, Value) for p in parents):
            raise ArgumentTypeError("Value: parents must all be Value nodes")
        if len(local_grads) != len(parents) or not all(is_real_number(g) for g in local_grads):
            raise ArgumentValueError(
                f"Value: local_grads must hold one number per parent ({len(parents)}), got {_describe(local_grads)}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = op
        self.parents = parents
        self.local_grads = tuple(float(g) for g in local_grads)
        self.stamp = next(_stamps)

    # --- building the graph: each operator states its local derivatives -----------------------

    def __add__(self, other: Value | Number) -> Value:
        """c = a + b; dc/da = 1, dc/db = 1."""
        other = _lift(other, "+")
        return _node(self.data + other.data, "+", (self, other), (1.0, 1.0))

    def __mul__(self, other: Value | Number) -> Value:
        """c = a b; dc/da = b, dc/db = a."""
        other = _lift(other, "*")
        return _node(self.data * other.data, "*", (self, other), (other.data, self.data))

    def __pow__(self, k: Number) -> Value:
        """c = a^k for a number k; dc/da = k a^(k-1).

        A negative base needs a whole k (a^(1/3) of a < 0 is not a real number), and a zero base
        needs k = 0 or k >= 1 (elsewhere the derivative is infinite). A result too large for a float
        is inf, as in NumPy.
        """
        if isinstance(k, Value) or not is_real_number(k):
            raise ArgumentTypeError(f"Value ** k: k must be a plain real number, got {_describe(k)}; "
                                    "for a^b with b a Value use (b * a.log()).exp()")
        k = float(k)
        x = self.data
        if x < 0 and not k.is_integer():
            raise ArgumentValueError(f"Value ** k: a negative base ({x:g}) needs a whole exponent k, got k = {k:g} "
                                     "(the result would not be a real number)")
        if x == 0 and k != 0 and k < 1:
            raise ArgumentValueError(f"Value ** k: 0 ** k with k = {k:g} has no finite derivative; k must be 0 or >= 1")
        return _node(_power(x, k), f"**{k:g}", (self,), (k * _power(x, k - 1) if k != 0 else 0.0,))

    def exp(self) -> Value:
        """c = e^a; dc/da = e^a (inf when e^a overflows, as in NumPy and PyTorch)."""
        e = MATH.exp(self.data)
        return _node(e, "exp", (self,), (e,))

    def log(self) -> Value:
        """c = ln a for a > 0; dc/da = 1/a."""
        if not self.data > 0:
            raise ArgumentValueError(f"Value.log: the log needs data > 0, got {self.data:g}")
        return _node(math.log(self.data), "log", (self,), (1.0 / self.data,))

    def log1p(self) -> Value:
        """c = ln(1 + a) for a > -1, exact for small a; dc/da = 1/(1 + a)."""
        if not self.data > -1:
            raise ArgumentValueError(f"Value.log1p: the log needs data > -1, got {self.data:g}")
        return _node(math.log1p(self.data), "log1p", (self,), (1.0 / (1.0 + self.data),))

    def activation(self, name: str, **params: float) -> Value:
        """c = f(a) for an elementwise rule of :data:`bpkit.catalogue.ACTIVATIONS`, as one node.

        Parameters
        ----------
        name : str
            The rule's name: 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'identity', 'softplus'.
        **params : float
            The rule's parameters, e.g. ``negative_slope=0.1``.

        Examples
        --------
        >>> Value(0.0).activation("softplus").data == math.log(2)
        True
        """
        rule = ACTIVATIONS.get(name) if isinstance(name, str) else None
        if rule is None or not rule.elementwise:
            known = ", ".join(repr(k) for k, r in ACTIVATIONS.items() if r.elementwise)
            raise ArgumentValueError(f"Value.activation: name must be one of {known}, got {_describe(name)}")
        return self._apply(rule, params)

    def _apply(self, rule: ActivationRule, params: Mapping[str, float]) -> Value:
        values: Mapping[str, float] = params
        if params or rule.params:
            values = {k: real_number(params.get(k, default), k, f"Value.{rule.name}", low=0)
                      for k, default in rule.params}
            if set(params) - set(values):
                raise ArgumentTypeError(f"Value.{rule.name}: unknown parameter(s) {sorted(set(params) - set(values))}")
        assert rule.df is not None
        x = self.data
        a = float(rule.f(MATH, x, **values))
        return _node(a, rule.name, (self,), (float(rule.df(MATH, x, a, **values)),))

    def sigmoid(self) -> Value:
        """c = 1 / (1 + e^{-a}); dc/da = c (1 - c). Exact to rounding for any a."""
        return self._apply(_SIGMOID, {})

    def tanh(self) -> Value:
        """c = tanh a; dc/da = 1 - c^2."""
        return self._apply(_TANH, {})

    def relu(self) -> Value:
        """c = max(0, a); dc/da = 1 if a > 0 else 0."""
        return self._apply(_RELU, {})

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """c = a if a > 0 else alpha a; dc/da = 1 or alpha, for alpha = negative_slope >= 0."""
        return self._apply(_LEAKY_RELU, {"negative_slope": negative_slope})

    def softplus(self) -> Value:
        """c = ln(1 + e^a); dc/da = sigma(a)."""
        return self._apply(_SOFTPLUS, {})

    def __neg__(self) -> Value:
        """-a = a * (-1)."""
        return self * -1.0

    def __sub__(self, other: Value | Number) -> Value:
        """a - b = a + (-b)."""
        return self + (-_lift(other, "-"))

    def __truediv__(self, other: Value | Number) -> Value:
        """a / b = a * b^(-1)."""
        other = _lift(other, "/")
        if other.data == 0:
            raise ArgumentValueError("Value / other: other is 0, and division by zero has no value")
        return self * other**-1

    def __radd__(self, other: Number) -> Value:
        """n + a."""
        return self + other

    def __rmul__(self, other: Number) -> Value:
        """n * a."""
        return self * other

    def __rsub__(self, other: Number) -> Value:
        """n - a."""
        return _lift(other, "-") - self

    def __rtruediv__(self, other: Number) -> Value:
        """n / a."""
        return _lift(other, "/") / self

    # comparisons look at data only (they carry no gradient); equality stays identity, so Values hash
    def __gt__(self, other: Value | Number) -> bool:
        return self.data > _lift(other, ">").data

    def __lt__(self, other: Value | Number) -> bool:
        return self.data < _lift(other, "<").data

    def __ge__(self, other: Value | Number) -> bool:
        return self.data >= _lift(other, ">=").data

    def __le__(self, other: Value | Number) -> bool:
        return self.data <= _lift(other, "<=").data

    # --- the backward pass ---------------------------------------------------------------------

    def backward(self) -> None:
        """Set d(self)/d(self) = 1 and accumulate d(self)/d(node) into every node's grad, in reverse topological order.

        Leaves keep what earlier backward() calls accumulated (as PyTorch's leaf .grad does);
        inner nodes are reset first, so their grad is the gradient of this call alone.
        """
        inner = _inner_nodes(self)
        for node in inner:
            node.grad = 0.0
        self.grad += 1.0  # the seed: d(self)/d(self) = 1
        for node in reversed(inner):  # children before parents: each grad is complete when used
            g = node.grad
            if g:  # a zero gradient adds nothing to the parents
                # one or two parents (every operator): unpacked, which also checks the lengths match
                parents = node.parents
                if len(parents) == 2:
                    a, b = parents
                    da, db = node.local_grads
                    a.grad += g * da
                    b.grad += g * db
                elif len(parents) == 1:
                    (a,) = parents
                    (da,) = node.local_grads
                    a.grad += g * da
                else:
                    for parent, local in zip(parents, node.local_grads, strict=True):
                        parent.grad += g * local

    def zero_grad(self) -> None:
        """Set grad = 0 for this node and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"


_SIGMOID, _TANH, _RELU = ACTIVATIONS["sigmoid"], ACTIVATIONS["tanh"], ACTIVATIONS["relu"]
_LEAKY_RELU, _SOFTPLUS = ACTIVATIONS["leaky_relu"], ACTIVATIONS["softplus"]


def _node(data: float, op: str, parents: tuple[Value, ...], local_grads: tuple[float, ...]) -> Value:
    """An inner node, built without re-checking what the operators already know is right."""
    v = object.__new__(Value)
    v.data, v.grad, v.label, v.op = data, 0.0, "", op
    v.parents, v.local_grads, v.stamp = parents, local_grads, next(_stamps)
    return v


def _power(x: float, k: float) -> float:
    """x ** k as a float, +-inf instead of OverflowError."""
    try:
        return float(x**k)
    except OverflowError:
        return -math.inf if x < 0 and k.is_integer() and int(k) % 2 else math.inf
    except ZeroDivisionError:  # 0.0 ** negative k, only reached for the derivative of 0 ** 0
        return math.inf


def _lift(x: Value | Number, op: str) -> Value:
    """x, or a plain number wrapped as a constant leaf."""
    if isinstance(x, Value):
        return x
    if is_real_number(x):
        return _node(float(x), "", (), ())
    raise ArgumentTypeError(f"Value {op} other: other must be a Value or a real number, got {_describe(x)}")


def topological_order(root: Value) -> list[Value]:
    """Every node root depends on, each after all of its parents.

    An iterative search collects the nodes root depends on; sorting them by creation stamp then
    puts every node after its parents, because an operation creates its result after its inputs.
    The set only answers "seen before?"; the order comes from the stamps, so it is deterministic.

    Parameters
    ----------
    root : Value
        The node whose graph is sorted (root itself comes last).

    Returns
    -------
    list of Value

    Examples
    --------
    >>> a = Value(1.0, "a")
    >>> [v.label or v.op for v in topological_order(a * 2 + a)]
    ['a', '', '*', '+']
    """
    if not isinstance(root, Value):
        raise ArgumentTypeError(f"topological_order: root must be a Value, got {_describe(root)}")
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


def _inner_nodes(root: Value) -> list[Value]:
    """The nodes with parents that root depends on (root included if it has any), in creation order.

    topological_order without the leaves, which backward neither resets nor passes anything on from.
    """
    inner = [root] if root.parents else []
    seen = {root}
    stack = list(inner)
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                if parent.parents:
                    inner.append(parent)
                    stack.append(parent)
    inner.sort(key=_by_stamp)
    return inner


def zero_grad(values: Iterable[Value]) -> None:
    """Set grad = 0 on the given nodes (typically the parameters, before a new backward()).

    Parameters
    ----------
    values : iterable of Value

    Examples
    --------
    >>> w = Value(2.0)
    >>> (w * w).backward(); zero_grad([w]); w.grad
    0.0
    """
    nodes = list(values)
    if not all(isinstance(v, Value) for v in nodes):
        raise ArgumentTypeError("zero_grad: values must all be Value nodes")
    for v in nodes:
        v.grad = 0.0


def values_of(array: Any, name: str) -> list[list[Value]] | list[Value]:
    """Wrap a 1-D or 2-D array as nested lists of labelled leaves, e.g. W1[0,1].

    Parameters
    ----------
    array : array_like
        Real numbers, 1-D or 2-D.
    name : str
        The prefix of the labels.

    Returns
    -------
    list of Value, or list of lists of Value

    Examples
    --------
    >>> values_of([[1.0, 2.0]], "W")[0][1]
    Value(W[0,1]: data=2, grad=0)
    """
    a = as_array(array, "array", f"values_of({name!r})", ndim=(1, 2), allow_empty=True)
    if a.ndim == 1:
        return [Value(a[i], label=f"{name}[{i}]") for i in range(a.shape[0])]
    return [[Value(a[i, j], label=f"{name}[{i},{j}]") for j in range(a.shape[1])] for i in range(a.shape[0])]


def grads_of(values: Any) -> Array:
    """The grads of a Value or of nested lists of Values, as an array of the same shape.

    Parameters
    ----------
    values : Value or nested lists of Value

    Examples
    --------
    >>> w = values_of([1.0, 2.0], "w")
    >>> (w[0] * w[1]).backward()
    >>> grads_of(w)
    array([2., 1.])
    """
    if isinstance(values, Value):
        return np.array(values.grad)
    if isinstance(values, (list, tuple)):
        return np.array([grads_of(v) for v in values], dtype=np.float64)
    raise ArgumentTypeError(f"grads_of: values must be a Value or nested lists of Values, got {_describe(values)}")


def as_mapping(params: Mapping[str, Any]) -> dict[str, Array]:
    """The data of nested Values as arrays, e.g. to compare with a model's parameters.

    Parameters
    ----------
    params : mapping of str to nested lists of Value

    Examples
    --------
    >>> as_mapping({"w": values_of([1.0, 2.0], "w")})
    {'w': array([1., 2.])}
    """
    def data_of(v: Any) -> Any:
        return v.data if isinstance(v, Value) else [data_of(u) for u in v]

    return {k: np.array(data_of(v), dtype=np.float64) for k, v in params.items()}
