"""One-line checks for the exercises of book/03_chain_rule_and_graphs.ipynb.

Expected values are computed with bpkit.autodiff.Value, never typed in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bpkit.autodiff import Value, topological_order
from bpkit.exercises.core import check_array

#: the classifier of exercise 4: a 28 x 28 image in, one score per digit out
N_PIXELS, N_CLASSES = 28 * 28, 10


def check_graph_grads(dL_da: float, dL_db: float, dL_dc: float) -> bool:
    """dL/da, dL/db, dL/dc for L = (a b + c)(a - c) at a = 2, b = -3, c = 1."""
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(1.0, "c")
    L = (a * b + c) * (a - c)
    L.backward()
    fork_hint = (lambda ans, exp: np.isclose(ans[0], (a - c).data * b.data),
                 "dL/da misses a path: a is used twice (in a b and in a - c), and a fork sums")
    return check_array("(dL/da, dL/db, dL/dc)", [dL_da, dL_db, dL_dc], [a.grad, b.grad, c.grad], hints=[fork_hint])


def check_div_backward(div_backward: Callable[[float, float, float], tuple[float, float]]) -> bool:
    """div_backward(x, y, g) = (g / y, -g x / y^2), the contributions of z = x / y to x and y."""
    cases = [(3.0, 2.0, 1.0), (-1.5, 0.5, 2.0), (2.0, -4.0, -0.5)]
    for x0, y0, g in cases:
        x, y = Value(x0), Value(y0)
        z = x / y
        z.backward()
        try:
            got = div_backward(x0, y0, g)
        except Exception as exc:  # noqa: BLE001 - the reader's code may raise anything
            print(f"✘ div_backward is wrong: calling it with ({x0}, {y0}, {g}) raised {type(exc).__name__}: {exc}")
            return False
        if not check_array(f"div_backward({x0}, {y0}, {g})", got, [g * x.grad, g * y.grad], quiet_success=True):
            return False
    print("✔ div_backward is correct.")
    return True


def _test_graphs() -> list[Value]:
    """Graphs with forks, a node used twice in one op, and a chain 5,000 nodes deep."""
    a, b = Value(1.5, "a"), Value(-0.5, "b")
    u = a * b
    fork = (u + a) * (u - b) + u.tanh()
    square = a * a
    chain = a
    for _ in range(5000):
        chain = chain * 1.0001
    return [fork, square, chain, a]


def check_topo_sort(topo_sort: Callable[[Value], list[Value]]) -> bool:
    """topo_sort(root) lists every node of root's graph once, each after its parents, root last."""
    for k, root in enumerate(_test_graphs(), start=1):
        name = f"topo_sort on test graph {k}"
        try:
            order = list(topo_sort(root))
        except RecursionError:
            print(f"✘ {name} is wrong: it hit the recursion limit; use an explicit stack")
            return False
        expected = topological_order(root)
        if len({id(v) for v in order}) != len(order):
            print(f"✘ {name} is wrong: a node appears more than once")
            return False
        if {id(v) for v in order} != {id(v) for v in expected}:
            print(f"✘ {name} is wrong: it has {len(order)} nodes, the graph has {len(expected)}")
            return False
        position = {id(v): i for i, v in enumerate(order)}
        if any(position[id(p)] > position[id(v)] for v in order for p in v.parents):
            print(f"✘ {name} is wrong: some node comes before one of its parents")
            return False
        if order[-1] is not root:
            print(f"✘ {name} is wrong: the root must come last")
            return False
    print("✔ topo_sort is correct.")
    return True


def check_passes(forward_passes: int, reverse_passes: int) -> bool:
    """Full Jacobian of R^n -> R^m: n forward-mode passes (one column each), m reverse passes (one row each)."""
    if forward_passes == N_CLASSES and reverse_passes == N_PIXELS:
        print("✘ the numbers of passes are wrong: they are swapped; forward mode gives one column (one input) per pass")
        return False
    return check_array("(forward passes, reverse passes)", [forward_passes, reverse_passes], [N_PIXELS, N_CLASSES])
