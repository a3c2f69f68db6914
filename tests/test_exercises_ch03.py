"""Tests of bpkit.exercises.ch03."""

from __future__ import annotations

from bpkit.autodiff import Value
from bpkit.exercises.ch03 import check_div_backward, check_graph_grads, check_passes, check_topo_sort


def test_graph_grads(capsys) -> None:
    a, b, c = 2.0, -3.0, 1.0
    u, v = a * b + c, a - c
    assert check_graph_grads(v * b + u, v * a, v - u)
    assert not check_graph_grads(v * b, v * a, v - u)
    assert "fork sums" in capsys.readouterr().out.splitlines()[-1]


def test_div_backward(capsys) -> None:
    assert check_div_backward(lambda x, y, g: (g / y, -g * x / y**2))
    assert not check_div_backward(lambda x, y, g: (g / y, g * x / y**2))
    assert not check_div_backward(lambda x, y, g: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


def _iterative(root: Value) -> list[Value]:
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents if id(p) not in visited)
    return order


def _recursive(root: Value) -> list[Value]:
    order, seen = [], set()

    def visit(v: Value) -> None:
        if id(v) not in seen:
            seen.add(id(v))
            for p in v.parents:
                visit(p)
            order.append(v)

    visit(root)
    return order


def test_topo_sort(capsys) -> None:
    assert check_topo_sort(_iterative)
    assert not check_topo_sort(_recursive)
    assert "recursion limit" in capsys.readouterr().out
    assert not check_topo_sort(lambda root: list(reversed(_iterative(root))))
    assert not check_topo_sort(lambda root: _iterative(root) + [root])
    assert "more than once" in capsys.readouterr().out


def test_passes(capsys) -> None:
    assert check_passes(784, 10)
    assert capsys.readouterr().out.count("\n") == 1
    assert not check_passes(10, 784)
    assert "swapped" in capsys.readouterr().out
