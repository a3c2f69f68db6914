"""A micrograd-style scalar autodiff node with a RECURSIVE topological sort, for comparison.

It mirrors the design bpkit.autodiff improves on: parents kept in a set, a recursive depth-first
sort, one closure per node. Only the operations the benchmark graph needs are defined.
"""

from __future__ import annotations

import math
from collections.abc import Callable


class RecursiveValue:
    """Scalar node: data, grad, parents (a set) and a backward closure."""

    def __init__(self, data: float, parents: tuple[RecursiveValue, ...] = ()) -> None:
        self.data = data
        self.grad = 0.0
        self._prev = set(parents)
        self._backward: Callable[[], None] = lambda: None

    def __add__(self, other: RecursiveValue) -> RecursiveValue:
        out = RecursiveValue(self.data + other.data, (self, other))

        def backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = backward
        return out

    def __mul__(self, other: RecursiveValue) -> RecursiveValue:
        out = RecursiveValue(self.data * other.data, (self, other))

        def backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = backward
        return out

    def tanh(self) -> RecursiveValue:
        t = math.tanh(self.data)
        out = RecursiveValue(t, (self,))

        def backward() -> None:
            self.grad += (1 - t * t) * out.grad

        out._backward = backward
        return out

    def backward(self) -> None:
        order: list[RecursiveValue] = []
        seen: set[int] = set()

        def visit(v: RecursiveValue) -> None:
            if id(v) not in seen:
                seen.add(id(v))
                for child in v._prev:
                    visit(child)
                order.append(v)

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()
