"""One-line checks for the exercises of book/03_chain_rule_and_graphs.ipynb.

Expected values are computed with bpkit.autodiff.Value, never typed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from bpkit.autodiff import Value, topological_order
from bpkit.exercises.core import (
    Mistake,
    Part,
    Verdict,
    call,
    describe,
    diagnose_function,
    diagnose_parts,
    verdict,
)
from bpkit.validate import one_of

#: the classifier of exercise 4: a 28 x 28 image in, one score per digit out
N_PIXELS, N_CLASSES = 28 * 28, 10


# --- exercise 1: gradients on a small graph -------------------------------------------------------


def check_graph_grads(dL_da: object, dL_db: object, dL_dc: object) -> Verdict:
    """dL/da, dL/db, dL/dc for L = (a b + c)(a - c) at a = 2, b = -3, c = 1, by Value.backward()."""
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(1.0, "c")
    u, v = a * b + c, a - c
    L = u * v
    L.backward()
    # each path's contribution: L = u v, u = a b + c, v = a - c
    via_ab_a, via_v_a = v.data * b.data, u.data * 1.0
    via_u_c, via_v_c = v.data * 1.0, u.data * -1.0
    fork = "a fork sums the contributions of both paths"
    parts = [
        Part("dL/da", dL_da, a.grad, [
            Mistake(f"it misses the path through a - c: a is used twice, and {fork}", via_ab_a),
            Mistake(f"it misses the path through a b: a is used twice, and {fork}", via_v_a),
        ]),
        Part("dL/db", dL_db, b.grad, [
            Mistake("multiplication swaps: the gradient of b in a b is the upstream gradient times a, not b",
                    v.data * b.data),
        ]),
        Part("dL/dc", dL_dc, c.grad, [
            Mistake(f"it misses the path through a - c: c is used twice, and {fork}", via_u_c),
            Mistake(f"it misses the path through a b + c: c is used twice, and {fork}", via_v_c),
            Mistake("the path through a - c enters with +1; the local derivative of a - c with respect to c is -1",
                    via_u_c - via_v_c),
        ]),
    ]
    return verdict("(dL/da, dL/db, dL/dc)", diagnose_parts(parts))


# --- exercise 2: the backward rule of an operator -------------------------------------------------

OPS = ("mul", "div", "pow", "exp", "log", "tanh", "sigmoid")
_BINARY_POINTS = [(3.0, 2.0, 1.7), (-1.5, 0.5, -2.0), (0.7, -4.0, 0.3)]
_POW_POINTS = [(1.5, 3, 1.7), (0.8, -1, -2.0), (2.5, 0.5, 0.3)]
_UNARY_POINTS = [(0.3, 1.7), (-1.2, -2.0), (2.0, 0.3)]
_LOG_POINTS = [(0.3, 1.7), (1.2, -2.0), (2.0, 0.3)]


def _op_reference(op: str) -> Callable[..., Any]:
    """The contributions grad_out * dc/d(operand) of c = op(operands), read from Value.backward()."""

    def binary(x: float, y: float, grad_out: float) -> tuple[float, float]:
        X, Y = Value(x), Value(y)
        (X * Y if op == "mul" else X / Y).backward()
        return grad_out * X.grad, grad_out * Y.grad

    def power(x: float, k: float, grad_out: float) -> float:
        X = Value(x)
        (X**k).backward()
        return grad_out * X.grad

    def unary(x: float, grad_out: float) -> float:
        X = Value(x)
        getattr(X, op)().backward()
        return grad_out * X.grad

    return binary if op in ("mul", "div") else power if op == "pow" else unary


def _sigma(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t))


def _op_mistakes(op: str) -> list[Mistake]:
    """Typical wrong backward rules of op, each a function with the reader's signature."""
    ref = _op_reference(op)
    local = Mistake("it returns the local derivative without multiplying it by grad_out",
                    lambda *args: ref(*args[:-1], 1.0))
    table: dict[str, list[Mistake]] = {
        "mul": [
            Mistake("multiplication swaps: the contribution to x is grad_out · y, and to y it is grad_out · x",
                    lambda x, y, g: (g * x, g * y)),
            Mistake("it passes grad_out on unchanged, as addition does; multiplication scales it by the other operand",
                    lambda x, y, g: (g, g)),
        ],
        "div": [
            Mistake("the contribution to y has the wrong sign: d(x/y)/dy = -x/y²", lambda x, y, g: (g / y, g * x / y**2)),
            Mistake("the contribution to y lacks the factor x: d(x/y)/dy = -x/y²", lambda x, y, g: (g / y, -g / y**2)),
            Mistake("the contribution to y divides by y, not y²: d(x/y)/dy = -x/y²", lambda x, y, g: (g / y, -g * x / y)),
        ],
        "pow": [
            Mistake("the factor k is missing: d(x^k)/dx = k x^(k-1)", lambda x, k, g: g * x ** (k - 1)),
            Mistake("the exponent is not lowered: d(x^k)/dx = k x^(k-1)", lambda x, k, g: g * k * x**k),
        ],
        "exp": [],
        "log": [
            Mistake("it multiplies by log x; d(log x)/dx = 1/x", lambda x, g: g * math.log(x)),
            Mistake("it divides by x²; d(log x)/dx = 1/x", lambda x, g: g / x**2),
        ],
        "tanh": [
            Mistake("it uses 1 - x²: the derivative is 1 - tanh(x)², on the output tanh(x), not on the input",
                    lambda x, g: g * (1 - x**2)),
            Mistake("it uses 1 - tanh(x): the square is missing", lambda x, g: g * (1 - math.tanh(x))),
        ],
        "sigmoid": [
            Mistake("it uses x (1 - x): the derivative is σ(x)(1 - σ(x)), on the output σ(x), not on the input",
                    lambda x, g: g * x * (1 - x)),
            Mistake("it uses σ(x) alone: the derivative is σ(x)(1 - σ(x))", lambda x, g: g * _sigma(x)),
        ],
    }
    return [local, *table[op]]


def check_op_backward(op: str, backward: object) -> Verdict:
    """The backward rule of a Value operator, against Value.backward() at several points with grad_out != 1.

    Parameters
    ----------
    op : {"mul", "div", "pow", "exp", "log", "tanh", "sigmoid"}
        The operator. Signatures of ``backward``: "mul" and "div": ``(x, y, grad_out) -> (gx, gy)``;
        "pow": ``(x, k, grad_out) -> gx`` for c = x**k; the others: ``(x, grad_out) -> gx``.
    backward : callable
        The reader's rule, returning grad_out times the local derivative(s).
    """
    op = one_of(op, "op", OPS, "check_op_backward")
    points: list[tuple[float, ...]] = (
        list(_BINARY_POINTS) if op in ("mul", "div") else list(_POW_POINTS) if op == "pow"
        else list(_LOG_POINTS) if op == "log" else list(_UNARY_POINTS)
    )
    problem = diagnose_function(backward, _op_reference(op), points, _op_mistakes(op))
    return verdict(f"{op}_backward", problem)


def check_div_backward(div_backward: object) -> Verdict:
    """div_backward(x, y, g) = (g / y, -g x / y^2), the contributions of z = x / y to x and y."""
    return check_op_backward("div", div_backward)


# --- the staged backward pass ---------------------------------------------------------------------

#: the staged expression's inputs, and its names in the order a backward pass visits them
STAGED_INPUTS = {"x": 1.5, "w": -0.8, "b": 0.4}
STAGED_ORDER = ("a", "r", "d", "q", "z", "p", "w", "x", "b")


def staged_graph() -> dict[str, Value]:
    """p = w x, z = p + b, a = tanh z, q = p², d = 1 + q, r = 1/d, L = a r, as named Values after L.backward()."""
    n = {k: Value(v, k) for k, v in STAGED_INPUTS.items()}
    n["p"] = n["w"] * n["x"]
    n["z"] = n["p"] + n["b"]
    n["a"] = n["z"].tanh()
    n["q"] = n["p"] ** 2
    n["d"] = 1 + n["q"]
    n["r"] = n["d"] ** -1
    n["L"] = n["a"] * n["r"]
    for name, node in n.items():
        node.label = name
    n["L"].backward()
    return n


def _keys(keys: list[str]) -> str:
    return f"the key {keys[0]!r} is" if len(keys) == 1 else f"the keys {', '.join(map(repr, keys))} are"


def check_staged_backward(grads: object) -> Verdict:
    """dL/d(name) for every name of the staged expression; the first wrong name (in backward order) is reported."""
    n = staged_graph()
    val = {k: v.data for k, v in n.items()}
    g = {k: v.grad for k, v in n.items()}
    name = "the staged backward pass"
    if not isinstance(grads, Mapping):
        return verdict(name, f"expected a dict with the keys {', '.join(STAGED_ORDER)}, got {describe(grads)}")
    missing = [k for k in STAGED_ORDER if k not in grads]
    extra = [str(k) for k in grads if k not in STAGED_ORDER]
    if missing or extra:
        said = [f"{_keys(missing)} missing"] if missing else []
        said += [f"{_keys(extra)} not {'a name' if len(extra) == 1 else 'names'} of the expression"] if extra else []
        return verdict(name, "; ".join(said))
    fork = "p feeds both z and q, and a fork sums both contributions"
    mistakes = {
        "a": [Mistake("for L = a r, dL/da = r: multiplication swaps", val["a"]),
              Mistake("it is the local derivative 1; for L = a r, dL/da = r", 1.0)],
        "r": [Mistake("for L = a r, dL/dr = a: multiplication swaps", val["r"]),
              Mistake("it is the local derivative 1; for L = a r, dL/dr = a", 1.0)],
        "d": [Mistake("the sign is lost: d(1/d)/dd = -1/d²", g["r"] / val["d"] ** 2),
              Mistake("the derivative of 1/d is -1/d², not -1/d", -g["r"] / val["d"])],
        "q": [Mistake("it multiplies by 2p one step early: d = 1 + q passes dL/dd on unchanged, and 2p belongs to dL/dp",
                      2 * val["p"] * g["d"])],
        "z": [Mistake("it uses 1 - z²: tanh'(z) = 1 - tanh(z)² = 1 - a², on the output a", (1 - val["z"] ** 2) * g["a"]),
              Mistake("the factor tanh'(z) = 1 - a² is missing", g["a"])],
        "p": [Mistake(f"it misses the path through z: {fork}", 2 * val["p"] * g["q"]),
              Mistake(f"it misses the path through q: {fork}", g["z"])],
        "w": [Mistake("multiplication swaps: dL/dw = x · dL/dp", val["w"] * g["p"])],
        "x": [Mistake("multiplication swaps: dL/dx = w · dL/dp", val["x"] * g["p"])],
        "b": [],
    }
    parts = [Part(f"dL/d{k}", grads[k], g[k], mistakes[k]) for k in STAGED_ORDER]
    return verdict(name, diagnose_parts(parts, first_only=True))


# --- exercise 3: topological order ----------------------------------------------------------------


def _named(**nodes: Value) -> None:
    for label, node in nodes.items():
        node.label = label


def _test_graphs() -> list[tuple[str, Value]]:
    """(description, root) of graphs that tell a topological order from the usual wrong ones."""
    x = Value(3.0, "x")
    a = x + 1
    b = 2 * a
    L = a * b
    _named(a=a, b=b, L=L)
    p, q = Value(1.5, "p"), Value(-0.5, "q")
    u = p * q
    fork = (u + p) * (u - q) + u.tanh()
    _named(u=u, f=fork)
    s = Value(1.5, "s")
    square = s * s
    _named(square=square)
    t = Value(0.5, "t")
    m = t * 2
    short_long = m * 3 * 4 + t
    _named(m=m, y=short_long)
    chain = Value(1.0, "c0")
    for _ in range(5000):
        chain = chain * 1.0001
    chain.label = "c5000"
    leaf = Value(2.0, "leaf")
    return [
        ("L = a b with a = x + 1 and b = 2 a (the chapter's table)", L),
        ("(u + p)(u - q) + tanh(u) with u = p q", fork),
        ("s · s", square),
        ("y = ((t · 2) · 3) · 4 + t, with a long and a short path from t", short_long),
        ("a chain 5,000 nodes deep", chain),
        ("a single leaf", leaf),
    ]


def _node(v: Value) -> str:
    if v.label:
        return v.label
    return f"the constant {v.data:g}" if not v.parents else f"the {v.op!r} node of value {v.data:.4g}"


def _order_problem(result: Any, root: Value) -> str | None:
    """Why result is not a topological order of root's graph (each node once, after all its parents), or None."""
    graph = topological_order(root)
    ids = {id(v) for v in graph}
    try:
        items = iter(result)
    except TypeError:
        return f"it returned {describe(result)}, not a list of nodes"
    try:
        order = list(items)
    except Exception as exc:  # a generator may fail while it is iterated
        return f"iterating over what it returned raised {type(exc).__name__}: {exc}"
    strangers = [item for item in order if id(item) not in ids]
    if strangers:
        return f"it holds {describe(strangers[0])}, which is not a node of the graph"
    counts: dict[int, int] = {}
    for v in order:
        counts[id(v)] = counts.get(id(v), 0) + 1
    twice = next((v for v in order if counts[id(v)] > 1), None)
    if twice is not None:
        return f"{_node(twice)} appears {counts[id(twice)]} times; each node must appear once"
    if len(order) < len(graph):
        missing = [v for v in graph if id(v) not in counts]
        return f"it lists {len(order)} of the graph's {len(graph)} nodes; {_node(missing[0])} is missing"
    position = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            if position[id(p)] > position[id(v)]:
                return (f"{_node(v)} comes before its operand {_node(p)}, so a backward pass in the reverse "
                        f"order would pass on the gradient of {_node(p)} before {_node(v)} adds its share to it")
    return None


def check_topo_sort(topo_sort: object) -> Verdict:
    """topo_sort(root) lists every node of root's graph once, each after all of its operands (parents)."""
    name = "topo_sort"
    if not callable(topo_sort):
        return verdict(name, f"expected a function, got {describe(topo_sort)}")
    for description, root in _test_graphs():
        result, problem = call(topo_sort, (root,))
        if problem is not None and "RecursionError" in problem:
            problem = "it exceeds Python's recursion limit (RecursionError): use an explicit stack"
        if problem is None:
            problem = _order_problem(result, root)
        if problem is not None:
            return verdict(name, f"on {description}: {problem}")
    return verdict(name, None)


# --- exercise 4: forward and reverse passes -------------------------------------------------------


def check_passes(forward_passes: object, reverse_passes: object) -> Verdict:
    """Full Jacobian of R^n -> R^m: n forward-mode passes (one column each), m reverse passes (one row each)."""
    n, m = N_PIXELS, N_CLASSES
    parts = [
        Part("forward passes", forward_passes, n, [
            Mistake(f"{m} is the number of outputs; a forward-mode pass gives one column, the derivatives with "
                    f"respect to one input", m),
            Mistake(f"{n * m} is the number of entries of the Jacobian; one pass gives a whole column", n * m),
            Mistake("one forward-mode pass gives one column of the Jacobian, not all of it", 1),
        ], kind="count"),
        Part("reverse passes", reverse_passes, m, [
            Mistake(f"{n} is the number of inputs; a backward pass gives one row, the gradient of one output", n),
            Mistake(f"{n * m} is the number of entries of the Jacobian; one backward pass gives a whole row", n * m),
            Mistake("one backward pass gives the gradient of one output, one row of the Jacobian; "
                    f"it has {m} rows", 1),
        ], kind="count"),
    ]
    swapped = Mistake("the two numbers are swapped: forward mode gives one column (one input) per pass, "
                      "reverse mode one row (one output)", (m, n))
    return verdict("(forward passes, reverse passes)", diagnose_parts(parts, together=[swapped]))
