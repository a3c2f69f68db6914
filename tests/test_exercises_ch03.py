"""Tests of bpkit.exercises.ch03: right answers in several forms pass; each typical mistake gets its reason."""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import pytest

from bpkit.autodiff import Value, topological_order
from bpkit.errors import ArgumentValueError
from bpkit.exercises.ch03 import (
    STAGED_ORDER,
    check_div_backward,
    check_graph_grads,
    check_op_backward,
    check_passes,
    check_staged_backward,
    check_topo_sort,
    staged_graph,
)
from bpkit.exercises.core import Verdict


def run(capsys, check, *args) -> tuple[bool, str]:
    v = check(*args)
    assert isinstance(v, Verdict) and capsys.readouterr().out == v.line + "\n"
    return bool(v), v.line


# --- exercise 1: L = (a b + c)(a - c) at a = 2, b = -3, c = 1, by hand ----------------------------
a, b, c = 2.0, -3.0, 1.0
u, v = a * b + c, a - c
RIGHT = (v * b + u, v * a, v - u)


@pytest.mark.parametrize("answers", [RIGHT, (int(RIGHT[0]), np.float64(RIGHT[1]), np.array(RIGHT[2]))])
def test_graph_grads_right(capsys, answers) -> None:
    assert run(capsys, check_graph_grads, *answers) == (True, "✔ (dL/da, dL/db, dL/dc) is correct.")


FORK = "a fork sums the contributions of both paths"


@pytest.mark.parametrize("answers,reason", [
    ((v * b, v * a, v - u), f"dL/da: it misses the path through a - c: a is used twice, and {FORK}"),
    ((u, v * a, v - u), f"dL/da: it misses the path through a b: a is used twice, and {FORK}"),
    ((v * b + u, v * b, v - u), "dL/db: multiplication swaps: the gradient of b in a b is the upstream gradient times a, not b"),
    ((v * b + u, v * a, v), f"dL/dc: it misses the path through a - c: c is used twice, and {FORK}"),
    ((v * b + u, v * a, -u), f"dL/dc: it misses the path through a b + c: c is used twice, and {FORK}"),
    ((v * b + u, v * a, v + u), "dL/dc: the path through a - c enters with +1; the local derivative of a - c with "
                                "respect to c is -1"),
    ((-(v * b + u), v * a, v - u), "dL/da: expected -8, got 8"),  # a sign flip: no guessed cause
    ((v * b + u, v * a, "6"), "dL/dc: expected a single number, got '6' (a str)"),
])
def test_graph_grads_wrong(capsys, answers, reason) -> None:
    assert run(capsys, check_graph_grads, *answers) == (False, f"✘ (dL/da, dL/db, dL/dc) is wrong: {reason}")


# --- exercise 2: backward rules of operators ------------------------------------------------------
def sig(t):
    return 1 / (1 + math.exp(-t))


RIGHT_RULES = {
    "mul": [lambda x, y, g: (g * y, g * x), lambda x, y, g: [g * y, g * x], lambda x, y, g: np.array([g * y, g * x])],
    "div": [lambda x, y, g: (g / y, -g * x / y**2), lambda x, y, g: (g * y**-1, -g * x * y**-2)],
    "pow": [lambda x, k, g: g * k * x ** (k - 1), lambda x, k, g: np.float64(g * k * x**k / x)],
    "exp": [lambda x, g: g * math.exp(x), lambda x, g: g * np.exp(x)],
    "log": [lambda x, g: g / x],
    "tanh": [lambda x, g: g * (1 - math.tanh(x) ** 2), lambda x, g: g / math.cosh(x) ** 2],
    "sigmoid": [lambda x, g: g * sig(x) * (1 - sig(x)), lambda x, g: g * math.exp(-x) / (1 + math.exp(-x)) ** 2],
}


@pytest.mark.parametrize("op,fn", [(op, fn) for op, fns in RIGHT_RULES.items() for fn in fns])
def test_op_backward_right(capsys, op, fn) -> None:
    assert run(capsys, check_op_backward, op, fn) == (True, f"✔ {op}_backward is correct.")


LOCAL = "it returns the local derivative without multiplying it by grad_out"


@pytest.mark.parametrize("op,fn,reason", [
    ("mul", lambda x, y, g: (y, x), LOCAL),
    ("mul", lambda x, y, g: (g * x, g * y), "multiplication swaps: the contribution to x is grad_out · y, and to y it "
                                            "is grad_out · x"),
    ("mul", lambda x, y, g: (g, g), "it passes grad_out on unchanged, as addition does; multiplication scales it by "
                                    "the other operand"),
    ("div", lambda x, y, g: (g / y, g * x / y**2), "the contribution to y has the wrong sign: d(x/y)/dy = -x/y²"),
    ("div", lambda x, y, g: (g / y, -g / y**2), "the contribution to y lacks the factor x: d(x/y)/dy = -x/y²"),
    ("div", lambda x, y, g: (g / y, -g * x / y), "the contribution to y divides by y, not y²: d(x/y)/dy = -x/y²"),
    ("div", lambda x, y, g: (1 / y, -x / y**2), LOCAL),
    ("div", lambda x, y, g: g / y, "on input (3.0, 2.0, 1.7): it has shape (); expected shape (2,)"),
    ("pow", lambda x, k, g: g * x ** (k - 1), "the factor k is missing: d(x^k)/dx = k x^(k-1)"),
    ("pow", lambda x, k, g: g * k * x**k, "the exponent is not lowered: d(x^k)/dx = k x^(k-1)"),
    ("exp", lambda x, g: math.exp(x), LOCAL),
    ("exp", lambda x, g: g * x * math.exp(x), "on input (0.3, 1.7): expected 2.29476, got 0.688428"),
    ("log", lambda x, g: g * math.log(x), "it multiplies by log x; d(log x)/dx = 1/x"),
    ("log", lambda x, g: g / x**2, "it divides by x²; d(log x)/dx = 1/x"),
    ("tanh", lambda x, g: g * (1 - x**2), "it uses 1 - x²: the derivative is 1 - tanh(x)², on the output tanh(x), "
                                          "not on the input"),
    ("tanh", lambda x, g: g * (1 - math.tanh(x)), "it uses 1 - tanh(x): the square is missing"),
    ("sigmoid", lambda x, g: g * x * (1 - x), "it uses x (1 - x): the derivative is σ(x)(1 - σ(x)), on the output "
                                              "σ(x), not on the input"),
    ("sigmoid", lambda x, g: g * sig(x), "it uses σ(x) alone: the derivative is σ(x)(1 - σ(x))"),
    ("tanh", lambda x, g: 1 / 0, "calling it with (0.3, 1.7) raised ZeroDivisionError: division by zero"),
    ("tanh", None, "expected a function, got None"),
])
def test_op_backward_wrong(capsys, op, fn, reason) -> None:
    assert run(capsys, check_op_backward, op, fn) == (False, f"✘ {op}_backward is wrong: {reason}")


def test_op_backward_rejects_an_unknown_op() -> None:
    with pytest.raises(ArgumentValueError, match="op must be one of"):
        check_op_backward("add", lambda x, y, g: (g, g))


def test_div_backward_is_the_div_rule(capsys) -> None:
    assert run(capsys, check_div_backward, lambda x, y, g: (g / y, -g * x / y**2)) == (True, "✔ div_backward is correct.")
    assert not run(capsys, check_div_backward, lambda x, y, g: (g / y, g * x / y**2))[0]


# --- the staged backward pass ----------------------------------------------------------------------
X, W, B = 1.5, -0.8, 0.4
p = W * X
z = p + B
a_ = math.tanh(z)
q = p**2
d = 1 + q
r = 1 / d
da, dr = r, a_
dd = -dr / d**2
dq = dd
dz = (1 - a_**2) * da
dp = 2 * p * dq + dz
STAGED = {"a": da, "r": dr, "d": dd, "q": dq, "z": dz, "p": dp, "w": X * dp, "x": W * dp, "b": dz}


def test_staged_reference_matches_the_hand_values() -> None:
    n = staged_graph()
    assert all(math.isclose(n[k].grad, STAGED[k], rel_tol=1e-12) for k in STAGED_ORDER)


def with_(**changes):
    return {**STAGED, **changes}


@pytest.mark.parametrize("grads", [STAGED, {k: np.float64(g) for k, g in reversed(STAGED.items())},
                                   {k: np.array(g) for k, g in STAGED.items()}])
def test_staged_right(capsys, grads) -> None:
    assert run(capsys, check_staged_backward, grads) == (True, "✔ the staged backward pass is correct.")


SFORK = "p feeds both z and q, and a fork sums both contributions"


@pytest.mark.parametrize("grads,reason", [
    (with_(p=2 * p * dq, w=X * 2 * p * dq, x=W * 2 * p * dq), f"dL/dp: it misses the path through z: {SFORK}"),
    (with_(p=dz, w=X * dz, x=W * dz), f"dL/dp: it misses the path through q: {SFORK}"),
    (with_(d=dr / d**2, q=dr / d**2), "dL/dd: the sign is lost: d(1/d)/dd = -1/d²"),
    (with_(d=-dr / d, q=-dr / d), "dL/dd: the derivative of 1/d is -1/d², not -1/d"),
    (with_(z=(1 - z**2) * da, b=(1 - z**2) * da), "dL/dz: it uses 1 - z²: tanh'(z) = 1 - tanh(z)² = 1 - a², on the output a"),
    (with_(a=1.0, r=1.0), "dL/da: it is the local derivative 1; for L = a r, dL/da = r"),
    (with_(a=a_, r=r), "dL/da: for L = a r, dL/da = r: multiplication swaps"),
    (with_(q=2 * p * dd), "dL/dq: it multiplies by 2p one step early: d = 1 + q passes dL/dd on unchanged, and 2p "
                          "belongs to dL/dp"),
    (with_(w=W * dp, x=X * dp), "dL/dw: multiplication swaps: dL/dw = x · dL/dp"),
    (with_(b=0.3), "dL/db: expected 0.229121, got 0.3"),
    ({k: g for k, g in STAGED.items() if k != "b"}, "the key 'b' is missing"),
    (with_(L=1.0), "the key 'L' is not a name of the expression"),
    ([1, 2], "expected a dict with the keys a, r, d, q, z, p, w, x, b, got [1, 2] (a list)"),
])
def test_staged_wrong(capsys, grads, reason) -> None:
    assert run(capsys, check_staged_backward, grads) == (False, f"✘ the staged backward pass is wrong: {reason}")


# --- exercise 3: topological order ----------------------------------------------------------------
def dfs_with_stack(root):  # the chapter's solution
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


def kahn(root):
    nodes = topological_order(root)
    waiting = {id(n): len({id(p) for p in n.parents}) for n in nodes}
    children = {id(n): [] for n in nodes}
    for n in nodes:
        for par in {id(p): p for p in n.parents}.values():
            children[id(par)].append(n)
    ready, order = [n for n in nodes if not n.parents], []
    while ready:
        n = ready.pop()
        order.append(n)
        for ch in children[id(n)]:
            waiting[id(ch)] -= 1
            if waiting[id(ch)] == 0:
                ready.append(ch)
    return order


def longest_path_layers(root):
    """Every node at its longest distance from the root, deepest first: a valid order built from a BFS."""
    depth = {id(root): 0}
    for n in reversed(topological_order(root)):
        for par in n.parents:
            depth[id(par)] = max(depth.get(id(par), 0), depth[id(n)] + 1)
    return sorted(topological_order(root), key=lambda n: -depth[id(n)])


@pytest.mark.parametrize("fn", [dfs_with_stack, kahn, longest_path_layers, lambda r: tuple(dfs_with_stack(r)),
                                lambda r: sorted(dfs_with_stack(r), key=lambda n: n.stamp)])
def test_topo_sort_right(capsys, fn) -> None:
    assert run(capsys, check_topo_sort, fn) == (True, "✔ topo_sort is correct.")


def reversed_bfs_marking_on_enqueue(root):
    order, seen, queue = [], {id(root)}, deque([root])
    while queue:
        n = queue.popleft()
        order.append(n)
        for par in n.parents:
            if id(par) not in seen:
                seen.add(id(par))
                queue.append(par)
    return order[::-1]


def reversed_bfs_marking_on_dequeue(root):
    order, seen, queue = [], set(), deque([root])
    while queue:
        n = queue.popleft()
        if id(n) not in seen:
            seen.add(id(n))
            order.append(n)
            queue.extend(n.parents)
    return order[::-1]


def reversed_preorder(root):
    order, seen, stack = [], set(), [root]
    while stack:
        n = stack.pop()
        if id(n) not in seen:
            seen.add(id(n))
            order.append(n)
            stack.extend(reversed(n.parents))
    return order[::-1]


def recursive(root):
    order, seen = [], set()

    def visit(n):
        if id(n) not in seen:
            seen.add(id(n))
            for par in n.parents:
                visit(par)
            order.append(n)

    visit(root)
    return order


CHAPTER = "on L = a b with a = x + 1 and b = 2 a (the chapter's table): "
B_BEFORE_A = CHAPTER + ("b comes before its operand a, so a backward pass in the reverse order would pass on the "
                        "gradient of a before b adds its share to it")


@pytest.mark.parametrize("fn,reason", [
    (reversed_bfs_marking_on_enqueue, B_BEFORE_A),  # accepted before: the old test graphs did not expose it
    (reversed_bfs_marking_on_dequeue, B_BEFORE_A),
    (reversed_preorder, B_BEFORE_A),
    (recursive, "on a chain 5,000 nodes deep: it exceeds Python's recursion limit (RecursionError): use an explicit stack"),
    (lambda r: dfs_with_stack(r)[::-1], CHAPTER + "L comes before its operand a, so a backward pass in the reverse "
                                                  "order would pass on the gradient of a before L adds its share to it"),
    (lambda r: [*dfs_with_stack(r), r], CHAPTER + "L appears 2 times; each node must appear once"),
    (lambda r: [n for n in dfs_with_stack(r) if n.label], CHAPTER + "it lists 4 of the graph's 6 nodes; the "
                                                                   "constant 1 is missing"),
    (lambda r: [n.data for n in dfs_with_stack(r)], CHAPTER + "it holds 2.0 (a float), which is not a node of the graph"),
    (lambda r: None, CHAPTER + "it returned None, not a list of nodes"),
    (lambda r: r.parents[7], CHAPTER + "calling it with (Value(L: data=32, grad=0)) raised IndexError: tuple index "
                                       "out of range"),
    (5, "expected a function, got 5 (an int)"),
    (lambda r: (n.parents[3] for n in [r]), CHAPTER + "iterating over what it returned raised IndexError: tuple "
                                                      "index out of range"),
])
def test_topo_sort_wrong(capsys, fn, reason) -> None:
    assert run(capsys, check_topo_sort, fn) == (False, f"✘ topo_sort is wrong: {reason}")


def test_reversed_bfs_gives_wrong_gradients_on_the_chapters_graph() -> None:
    """Why the check must reject it: a backward pass in its reverse order gets dL/dx wrong (8 instead of 16)."""
    x = Value(3.0)
    a1 = x + 1
    L = a1 * (2 * a1)
    order = reversed_bfs_marking_on_enqueue(L)
    for n in order:
        n.grad = 0.0
    L.grad = 1.0
    for n in reversed(order):
        for par, local in zip(n.parents, n.local_grads, strict=True):
            par.grad += n.grad * local
    assert x.grad == 8.0 and 4 * a1.data == 16.0


# --- exercise 4 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fwd,rev", [(784, 10), (784.0, np.int64(10)), (28 * 28, 10)])
def test_passes_right(capsys, fwd, rev) -> None:
    assert run(capsys, check_passes, fwd, rev) == (True, "✔ (forward passes, reverse passes) is correct.")


@pytest.mark.parametrize("fwd,rev,reason", [
    (10, 784, "the two numbers are swapped: forward mode gives one column (one input) per pass, reverse mode one row "
              "(one output)"),
    (784, 1, "reverse passes: one backward pass gives the gradient of one output, one row of the Jacobian; it has 10 rows"),
    (7840, 10, "forward passes: 7840 is the number of entries of the Jacobian; one pass gives a whole column"),
    (10, 10, "forward passes: 10 is the number of outputs; a forward-mode pass gives one column, the derivatives "
             "with respect to one input"),
    (784, 784, "reverse passes: 784 is the number of inputs; a backward pass gives one row, the gradient of one output"),
    (783, 10, "forward passes: expected 784, got 783"),
])
def test_passes_wrong(capsys, fwd, rev, reason) -> None:
    assert run(capsys, check_passes, fwd, rev) == (False, f"✘ (forward passes, reverse passes) is wrong: {reason}")
