"""The one definition of every activation and loss, each beside its hand-written derivative.

Each rule writes its function once, over a *backend* ``B``: a small namespace of the primitives the
formula needs (``B.exp``, ``B.log``, ``B.where``, ...). The same formula then serves every route
to the gradient (HIPS autograd keeps its derivative rules in one table in the same spirit):

==================  ============================================  ===================================
route               backend                                       what it uses
==================  ============================================  ===================================
NumPy backprop      :data:`NUMPY` (float64 arrays)                the formula and the derivative
``Value`` graphs    :data:`MATH` (Python floats), and             one node per elementwise activation
                    ``bpkit.value_backend.VALUE``                 (formula and derivative); softmax
                                                                  and losses are built from ``Value``
                                                                  operations and differentiated by
                                                                  the chain rule
SymPy               ``bpkit.sympy_backend.SYMPY`` (expressions)   the formula; ``sympy.diff`` derives
finite differences  :data:`NUMPY`                                 the formula, perturbed
==================  ============================================  ===================================

``tests/test_catalogue.py`` walks every rule through the four routes, so a rule added here is
checked everywhere without a new test.

Numerical care lives in the backends, not in the formulas: ``exp`` overflows to ``inf`` without a
warning, ``logaddexp(0, z)`` is the stable softplus, ``shift(z)`` subtracts each row's maximum
before ``exp`` in the float backends and 0 in SymPy (softmax does not change when a constant is
subtracted from a row), and ``positive(z)`` is the indicator [z > 0] (booleans in NumPy, so a product stays one pass),
``floor(x, low)`` clamps in the float backends (a log at -100, as
``torch.nn.BCELoss`` does) and is the identity in exact ones. A formula written with them is exact
to rounding in float64, for example the binary cross-entropy from logits below.

Examples
--------
>>> import numpy as np
>>> rule = ACTIVATIONS["sigmoid"]
>>> a = rule.f(NUMPY, np.array([-1000.0, 0.0, 2.0]))
>>> a.round(6).tolist()
[0.0, 0.5, 0.880797]
>>> rule.df(NUMPY, None, a).round(6).tolist()
[0.0, 0.25, 0.104994]
>>> LOSSES["bce_logits"].term(NUMPY, np.array([36.0]), np.array([1.0]))  # log(1 + e^-36), not 0
array([2.31952283e-16])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ACTIVATIONS", "LOSSES", "MATH", "NUMPY", "ActivationRule", "LossRule", "MathBackend", "NumpyBackend"]


class NumpyBackend:
    """float64 arrays; ``exp`` and ``log`` give inf and -inf silently, as IEEE arithmetic does."""

    name = "numpy"
    tanh = staticmethod(np.tanh)
    logaddexp = staticmethod(np.logaddexp)
    where = staticmethod(np.where)
    maximum = staticmethod(np.maximum)

    # np.errstate as a decorator: half the cost per call of a with-block (a loss calls exp and log)
    @staticmethod
    @np.errstate(over="ignore")
    def exp(x: Any) -> Any:
        """e^x, inf where it overflows."""
        return np.exp(x)

    @staticmethod
    @np.errstate(divide="ignore")
    def log(x: Any) -> Any:
        """ln x, -inf at 0."""
        return np.log(x)

    @staticmethod
    @np.errstate(divide="ignore")
    def log1p(x: Any) -> Any:
        """ln(1 + x), exact for small x; -inf at -1."""
        return np.log1p(x)

    @staticmethod
    def positive(x: Any) -> Any:
        """The indicator [x > 0], as booleans (a product with floats reads them as 0 and 1)."""
        return np.greater(x, 0)

    @staticmethod
    def sum(x: Any) -> Any:
        """Sum over the last axis, kept as an axis of length 1 (np.sum's reduction, without its wrapper)."""
        return np.add.reduce(x, axis=-1, keepdims=True)

    @staticmethod
    def shift(x: Any) -> Any:
        """Each row's maximum: subtracted before exp so that no exponential overflows."""
        return np.maximum.reduce(x, axis=-1, keepdims=True)

    @staticmethod
    def floor(x: Any, low: float) -> Any:
        """max(x, low): a clamp that keeps a float route finite."""
        return np.maximum(x, low)

    @staticmethod
    def const(c: float) -> float:
        """A parameter such as a slope, as a float."""
        return float(c)


class MathBackend:
    """Python floats, for one ``Value`` node at a time; ``exp`` gives inf instead of OverflowError."""

    name = "math"
    tanh = staticmethod(math.tanh)

    @staticmethod
    def exp(x: float) -> float:
        """e^x, inf where it overflows."""
        try:
            return math.exp(x)
        except OverflowError:
            return math.inf

    @staticmethod
    def log(x: float) -> float:
        """ln x, -inf at 0, NaN below."""
        return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)

    @staticmethod
    def log1p(x: float) -> float:
        """ln(1 + x), -inf at -1, NaN below."""
        return math.log1p(x) if x > -1 else (-math.inf if x == -1 else math.nan)

    @staticmethod
    def logaddexp(x: float, y: float) -> float:
        """ln(e^x + e^y) without overflow: max + ln(1 + e^-|x - y|)."""
        if math.isnan(x) or math.isnan(y):
            return math.nan
        m = max(x, y)
        if math.isinf(m):
            return m
        return m + math.log1p(math.exp(-abs(x - y)))

    @staticmethod
    def where(cond: bool, x: float, y: float) -> float:
        """x if cond else y."""
        return x if cond else y

    @staticmethod
    def maximum(x: float, y: float) -> float:
        """The larger of x and y; NaN if x is NaN."""
        return x if (x > y or x != x) else y

    @staticmethod
    def positive(x: float) -> float:
        """The indicator [x > 0]: 1.0 or 0.0."""
        return 1.0 if x > 0 else 0.0

    @staticmethod
    def sum(x: Any) -> float:
        """The sum of a sequence of floats."""
        return float(sum(x))

    @staticmethod
    def shift(x: Any) -> float:
        """The largest entry of a sequence of floats."""
        return float(max(x))

    @staticmethod
    def floor(x: float, low: float) -> float:
        """max(x, low)."""
        return max(x, low)

    @staticmethod
    def const(c: float) -> float:
        """A parameter as a float."""
        return float(c)


NUMPY = NumpyBackend()
MATH = MathBackend()


@dataclass(frozen=True)
class ActivationRule:
    """An activation a = f(z) and its derivative, written once over a backend B.

    Parameters
    ----------
    name : str
        The name ``get_activation`` and the routes know it by.
    f : callable
        ``f(B, z, **params) -> a``. Elementwise rules apply to each entry; row rules (softmax) to
        the last axis.
    df : callable or None
        Elementwise rules: ``df(B, z, a, **params) -> f'(z)``, from z and a = f(z) (a formula may
        use whichever is cheaper). None for row rules.
    vjp : callable or None
        Row rules: ``vjp(B, z, a, g) -> J_f(z)^T g``, the backward pass for an upstream gradient g.
    formula, derivative : str
        LaTeX for tables: the function and its derivative (or vector-Jacobian product).
    smooth : bool
        False if f has a kink (ReLU at 0), where finite differences are not a derivative.
    params : tuple of (str, float)
        Parameter names and their defaults, passed to f and df as keywords.
    """

    name: str
    f: Callable[..., Any]
    df: Callable[..., Any] | None
    vjp: Callable[..., Any] | None
    formula: str
    derivative: str
    smooth: bool = True
    params: tuple[tuple[str, float], ...] = ()

    @property
    def elementwise(self) -> bool:
        """True if a = f(z) acts on each entry alone (its Jacobian is diagonal)."""
        return self.df is not None


@dataclass(frozen=True)
class LossRule:
    """A loss J = (1/M) sum of terms, each term written once over a backend B, with d(term)/d(y_hat).

    Parameters
    ----------
    name : str
        The name ``get_loss`` knows it by.
    term : callable
        ``term(B, y_hat, y)``: the terms whose sum over the batch is M J, one per entry or, for a
        loss that couples a row's entries (cross-entropy), one per row (an axis of length 1).
    dterm : callable
        ``dterm(B, y_hat, y)``: d(term)/d(y_hat), the shape of y_hat.
    per : {"element", "row"}
        What M counts: every entry (J is a mean over all of them) or the rows N (the batch mean).
    formula : str
        LaTeX of J for tables.
    parts : callable or None
        ``parts(B, y_hat)``: values that term and dterm share (cross-entropy: the shifted
        exponentials of softmax). Both then accept them as ``parts=``, so that a loss evaluated
        and differentiated at the same y_hat computes them once; without it they compute them.
    """

    name: str
    term: Callable[..., Any]
    dterm: Callable[..., Any]
    per: str
    formula: str
    parts: Callable[..., Any] | None = None


# --- activations -------------------------------------------------------------------------------------


def _sigmoid(B: Any, z: Any) -> Any:
    return 1 / (1 + B.exp(-z))  # exact to rounding for every z once exp saturates at inf


def _softplus(B: Any, z: Any) -> Any:
    return B.logaddexp(0, z)  # ln(1 + e^z)


def _exp_shifted(B: Any, z: Any) -> tuple[Any, Any, Any]:
    """What softmax and log-softmax share: s = z - shift(z), e = exp(s) and the row sums of e."""
    s = z - B.shift(z)
    e = B.exp(s)
    return s, e, B.sum(e)


def _softmax_of(parts: tuple[Any, Any, Any]) -> Any:
    _, e, total = parts
    return e / total


def _softmax(B: Any, z: Any) -> Any:
    return _softmax_of(_exp_shifted(B, z))


def _softmax_vjp(B: Any, z: Any, a: Any, g: Any) -> Any:
    return a * (g - B.sum(g * a))  # (diag(s) - s s^T) g, row by row


def _shifted_logsumexp(B: Any, z: Any, parts: tuple[Any, Any, Any] | None = None) -> tuple[Any, Any]:
    s, _, total = _exp_shifted(B, z) if parts is None else parts
    return s, B.log(total)  # log softmax(z) = s - lse, for s = z - shift


def _log_softmax(B: Any, z: Any) -> Any:
    s, lse = _shifted_logsumexp(B, z)
    return s - lse


def _neg_log_softmax(B: Any, z: Any, parts: tuple[Any, Any, Any] | None = None) -> Any:
    s, lse = _shifted_logsumexp(B, z, parts)
    return lse - s  # written this way round, SymPy keeps ln(sum e^z) - z_j as one factor


def _log_softmax_vjp(B: Any, z: Any, a: Any, g: Any) -> Any:
    return g - B.exp(a) * B.sum(g)  # g - softmax(z) sum(g)


ACTIVATIONS: dict[str, ActivationRule] = {
    rule.name: rule
    for rule in [
        ActivationRule("sigmoid", _sigmoid, lambda B, z, a: a * (1 - a), None,
                       r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma(z)\,(1 - \sigma(z))"),
        ActivationRule("tanh", lambda B, z: B.tanh(z), lambda B, z, a: 1 - a * a, None,
                       r"\tanh z", r"1 - \tanh^2 z"),
        ActivationRule("relu", lambda B, z: B.maximum(z, 0), lambda B, z, a: B.positive(z), None,
                       r"\max(0, z)", r"[z > 0]", smooth=False),
        ActivationRule("leaky_relu", lambda B, z, negative_slope: B.where(z > 0, z, B.const(negative_slope) * z),
                       lambda B, z, a, negative_slope: B.where(z > 0, 1, B.const(negative_slope)), None,
                       r"z \text{ if } z > 0 \text{ else } \alpha z", r"1 \text{ if } z > 0 \text{ else } \alpha",
                       smooth=False, params=(("negative_slope", 0.01),)),
        ActivationRule("identity", lambda B, z: z, lambda B, z, a: 1, None, "z", "1"),
        ActivationRule("softplus", _softplus, lambda B, z, a: _sigmoid(B, z), None,
                       r"\ln(1 + e^{z})", r"\sigma(z)"),
        ActivationRule("softmax", _softmax, None, _softmax_vjp,
                       r"s_i = \frac{e^{z_i}}{\sum_k e^{z_k}}", r"s \odot (g - \langle g, s \rangle)"),
        ActivationRule("log_softmax", _log_softmax, None, _log_softmax_vjp,
                       r"z_i - \ln \sum_k e^{z_k}", r"g - s \sum_k g_k"),
    ]
}
"""Every activation by name, each defined once; ``bpkit.activations`` wraps them as classes."""


# --- losses: predictions y_hat first, targets y second -----------------------------------------------


def _bce_term(B: Any, p: Any, y: Any) -> Any:
    return -(y * B.floor(B.log(p), -100.0) + (1 - y) * B.floor(B.log1p(-p), -100.0))


_TINY = math.exp(-100.0)  # where the clamped logs of the binary cross-entropy stop


def _bce_dterm(B: Any, p: Any, y: Any) -> Any:
    # (1 - y)/(1 - p) - y/p, exact for p in [e^-100, 1 - e^-100]; beyond, a finite bound instead of 1/0
    # (torch clamps p (1 - p) at 1e-12, which is off by 10x at p = 1e-13)
    return (1 - y) / B.floor(1 - p, _TINY) - y / B.floor(p, _TINY)


def _bce_logits_term(B: Any, z: Any, y: Any) -> Any:
    # -y ln sigma(z) - (1 - y) ln(1 - sigma(z)), with -ln sigma(z) = softplus(-z) and -ln(1 - sigma(z)) =
    # softplus(z): both terms are >= 0 for y in [0, 1], so their sum is exact to rounding (the form
    # softplus(z) - y z cancels to 0 at z = 36, y = 1, where the loss is 2.3e-16)
    return y * _softplus(B, -z) + (1 - y) * _softplus(B, z)


def _bce_logits_dterm(B: Any, z: Any, y: Any) -> Any:
    return (1 - y) * _sigmoid(B, z) - y * _sigmoid(B, -z)  # sigma(z) - y, without its cancellation


def _cross_entropy_term(B: Any, z: Any, t: Any, parts: tuple[Any, Any, Any] | None = None) -> Any:
    return B.sum(t * _neg_log_softmax(B, z, parts))


def _cross_entropy_dterm(B: Any, z: Any, t: Any, parts: tuple[Any, Any, Any] | None = None) -> Any:
    return _softmax_of(_exp_shifted(B, z) if parts is None else parts) * B.sum(t) - t


LOSSES: dict[str, LossRule] = {
    rule.name: rule
    for rule in [
        LossRule("mse", lambda B, p, y: (p - y) ** 2, lambda B, p, y: 2 * (p - y), "element",
                 r"\frac{1}{NC} \sum_{n,c} (\hat y_{nc} - y_{nc})^2"),
        LossRule("squared_error", lambda B, p, y: (p - y) ** 2 / 2, lambda B, p, y: p - y, "row",
                 r"\frac{1}{N} \sum_n \tfrac12 \lVert \hat y_n - y_n \rVert^2"),
        LossRule("bce", _bce_term, _bce_dterm, "element",
                 r"-\frac{1}{NC} \sum_{n,c} y \ln p + (1 - y) \ln(1 - p)"),
        LossRule("bce_logits", _bce_logits_term, _bce_logits_dterm, "element",
                 r"\frac{1}{NC} \sum_{n,c} y\,\mathrm{softplus}(-z) + (1 - y)\,\mathrm{softplus}(z)"),
        LossRule("cross_entropy", _cross_entropy_term, _cross_entropy_dterm, "row",
                 r"\frac{1}{N} \sum_n \sum_c t_{nc} \left(\ln \sum_k e^{z_{nk}} - z_{nc}\right)",
                 parts=_exp_shifted),
    ]
}
"""Every loss by name (``bce_logits`` is ``BinaryCrossEntropy(from_logits=True)``), each defined once."""
