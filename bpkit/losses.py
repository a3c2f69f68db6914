"""Loss functions, predictions first and targets second (introduced in book/02_loss_and_gradient_descent.ipynb).

Each loss averages over the batch, so the factor 1/N appears here and nowhere else: layers and
optimizers never divide by the batch size. ``loss(y_hat, y)`` returns a float and
``loss.grad(y_hat, y)`` returns dLoss/dy_hat with the shape of ``y_hat``.

The terms and their derivatives are written once, in :data:`bpkit.catalogue.LOSSES`; the classes
here check the arguments and evaluate those rules with NumPy. Predictions may hold NaN or
infinities (the loss is then NaN or infinite, which ``fit`` reports as divergence); targets must be
finite. Every refusal is a :class:`bpkit.errors.BpkitError` naming ``y_hat`` or ``y``.

Examples
--------
>>> import numpy as np
>>> loss = CrossEntropy()
>>> z = np.array([[2.0, 0.0], [0.0, 2.0]])
>>> round(loss(z, np.array([0, 1])), 6)
0.126928
>>> loss.grad(z, np.array([0, 1])).round(6)
array([[-0.059601,  0.059601],
       [ 0.059601, -0.059601]])
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.catalogue import LOSSES, NUMPY, LossRule
from bpkit.errors import ArgumentTypeError, ArgumentValueError, ShapeError
from bpkit.validate import Array, as_array, one_of

__all__ = ["MSE", "BinaryCrossEntropy", "CrossEntropy", "Loss", "SquaredError", "get_loss"]


@functools.lru_cache(maxsize=8)
def _identity(c: int) -> Array:
    """The c x c identity matrix, read-only: row k is the one-hot row of label k."""
    eye = np.eye(c)
    eye.flags.writeable = False
    return eye


def _one_hot(labels: np.ndarray, c: int) -> Array:
    """One-hot rows (N, c) of integer labels already checked to lie in [0, c); a new array."""
    if c <= 1024:  # rows taken from a cached identity matrix: one call instead of three
        return _identity(c).take(labels, axis=0)
    rows = np.zeros((labels.shape[0], c))
    rows[np.arange(labels.shape[0]), labels] = 1.0
    return rows


_MEMO_MAX = 1 << 16  # entries of y_hat up to which __call__ keeps what grad may reuse (a training batch)


@dataclass(frozen=True)
class _Evaluation:
    """What ``Loss.__call__`` computed at (y_hat, y), for ``grad`` at the same point.

    It is reused only when the loss's check is bpkit's own and grad's arguments are, bit for bit, the arrays __call__ saw (same dtype,
    shape and bytes, compared with the snapshots below), so it cannot go stale when the caller
    modifies an array in between or passes other arrays. y_hat and y themselves are not kept:
    grad reads the arrays it is given.
    """

    rule: LossRule
    y_hat: tuple[np.dtype, tuple[int, ...], bytes]
    y: tuple[np.dtype, tuple[int, ...], bytes]
    t: Array | None  # check()'s targets when they are a new array (None: they were y itself)
    parts: Any


def _snapshot(a: np.ndarray) -> tuple[np.dtype, tuple[int, ...], bytes]:
    return a.dtype, a.shape, a.tobytes()


def _same(a: object, snap: tuple[np.dtype, tuple[int, ...], bytes]) -> bool:
    """a is an array with the dtype, shape and bytes of the snapshot."""
    return (type(a) is np.ndarray and a.dtype == snap[0] and a.shape == snap[1]
            and a.tobytes() == snap[2])


def _count(rule: LossRule, y_hat: Array) -> int:
    """M in J = (1/M) sum of terms: every entry, or the N rows (1 for a 0-d prediction)."""
    if rule.per == "element":
        return int(y_hat.size)
    return int(y_hat.shape[0]) if y_hat.ndim >= 1 else 1


class Loss:
    """Base class: J = loss(y_hat, y) (float) and grad = dJ/dy_hat (shape of y_hat).

    A subclass names its rule of :data:`bpkit.catalogue.LOSSES` in ``kind`` and may refine
    ``check`` (what targets it accepts); the value and the gradient follow from the rule.
    """

    kind: str = ""
    _last: _Evaluation | None = None  # set by __call__, read by grad

    @property
    def name(self) -> str:
        """The loss's name as ``get_loss`` spells it ('mse', 'bce_logits', ...)."""
        return self.kind or type(self).__name__.lower()

    @property
    def rule(self) -> LossRule:
        """The catalogue rule this loss evaluates."""
        if self.kind not in LOSSES:
            raise ArgumentTypeError(f"{type(self).__name__} has no catalogue rule: define __call__ and grad")
        return LOSSES[self.kind]

    def check(self, y_hat: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        """The arguments as the loss computes with them, or a bpkit error naming the wrong one.

        Parameters
        ----------
        y_hat : array_like
            Predictions: real numbers (NaN and infinities allowed), not empty.
        y : array_like
            Targets: finite real numbers, the shape of y_hat (subclasses refine this).

        Returns
        -------
        (ndarray, ndarray)
            y_hat and y as float64 arrays (CrossEntropy returns labels as one-hot rows).
        """
        where = type(self).__name__
        p: Array
        if isinstance(y_hat, np.ndarray) and y_hat.dtype == np.float64:  # the training loop's case: no copy, no scan
            p = y_hat
        else:
            p = as_array(y_hat, "y_hat", where, finite=False, allow_empty=True)
        t = as_array(y, "y", where, allow_empty=True)  # targets are data: checked for NaN and inf
        if p.shape != t.shape:
            raise ShapeError(f"{where}: y must have the shape of y_hat {p.shape}, got {t.shape} "
                             "(predictions first, targets second)")
        if p.size == 0:
            raise ArgumentValueError(f"{where}: y_hat must not be empty, got shape {p.shape}")
        return p, t

    def __call__(self, y_hat: ArrayLike, y: ArrayLike) -> float:
        """J(y_hat, y), a scalar averaged over the batch.

        Parameters
        ----------
        y_hat : array_like
            Predictions, e.g. (N, C).
        y : array_like
            Targets of the shape the loss takes (the shape of y_hat, or labels (N,) for CrossEntropy).

        Returns
        -------
        float
        """
        p, t = self.check(y_hat, y)
        rule = self.rule
        if rule.parts is None:
            parts, terms = None, rule.term(NUMPY, p, t)
        else:
            parts = rule.parts(NUMPY, p)
            terms = rule.term(NUMPY, p, t, parts=parts)
        self._last = None
        if p is y_hat and type(y) is np.ndarray and p.size <= _MEMO_MAX and type(self).check in _PLAIN_CHECKS:
            self._last = _Evaluation(rule, _snapshot(p), _snapshot(y), None if t is y else t, parts)
        return float(np.add.reduce(terms, axis=None) / _count(rule, p))  # np.sum's reduction

    def grad(self, y_hat: ArrayLike, y: ArrayLike) -> Array:
        """dJ/dy_hat, the shape of y_hat.

        Parameters
        ----------
        y_hat : array_like
            Predictions, e.g. (N, C).
        y : array_like
            Targets, as for ``__call__``.

        Returns
        -------
        ndarray
        """
        rule = self.rule
        last = self._last
        if last is not None and last.rule is rule and _same(y_hat, last.y_hat) and _same(y, last.y):
            # the point of the last __call__: its checked targets and shared parts are still right
            p: Array = y_hat  # type: ignore[assignment]
            t = y if last.t is None else last.t
            dterm = rule.dterm(NUMPY, p, t) if last.parts is None else rule.dterm(NUMPY, p, t, parts=last.parts)
        else:
            p, t = self.check(y_hat, y)
            dterm = rule.dterm(NUMPY, p, t)
        return np.asarray(dterm / _count(rule, p), dtype=np.float64)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MSE(Loss):
    """Mean squared error over all elements: J = (1/size) sum (y_hat - y)^2 (PyTorch's default).

    Examples
    --------
    >>> MSE()([[1.0, 2.0]], [[1.0, 0.0]])
    2.0
    >>> MSE().grad([[1.0, 2.0]], [[1.0, 0.0]])
    array([[0., 2.]])
    """

    kind = "mse"


class SquaredError(Loss):
    """Half squared error, batch mean: J = (1/N) sum_n 1/2 ||y_hat_n - y_n||^2 (the seeds' loss).

    Examples
    --------
    >>> round(SquaredError()([[0.3]], [[1.0]]), 6)  # 1/2 (0.3 - 1)^2
    0.245
    """

    kind = "squared_error"


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy, mean over all elements: J = -mean(y log p + (1 - y) log(1 - p)).

    Parameters
    ----------
    from_logits : bool
        False: predictions are probabilities p in [0, 1] and each log is clamped at -100 (as
        ``torch.nn.BCELoss`` does). True: predictions are logits z, p = sigma(z), and
        J = mean(y softplus(-z) + (1 - y) softplus(z)), exact to rounding for any z.

    Examples
    --------
    >>> f"{BinaryCrossEntropy(from_logits=True)([[36.0]], [[1.0]]):.6e}"  # ln(1 + e^-36), not 0
    '2.319523e-16'
    >>> BinaryCrossEntropy()([[1.5]], [[1.0]])
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentValueError: BinaryCrossEntropy: y_hat must be probabilities in [0, 1], got values in \
[1.5, 1.5]; pass from_logits=True to give logits
    """

    def __init__(self, from_logits: bool = False) -> None:
        if not isinstance(from_logits, (bool, np.bool_)):
            raise ArgumentTypeError(f"BinaryCrossEntropy: from_logits must be True or False, got {from_logits!r}")
        self.from_logits = bool(from_logits)

    @property
    def kind(self) -> str:  # type: ignore[override]
        """'bce_logits' or 'bce'."""
        return "bce_logits" if self.from_logits else "bce"

    def check(self, y_hat: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        p, t = super().check(y_hat, y)
        if np.any((t < 0) | (t > 1)):
            raise ArgumentValueError(
                f"BinaryCrossEntropy: y must hold probabilities in [0, 1], got values in [{t.min():g}, {t.max():g}]")
        if not self.from_logits and np.any((p < 0) | (p > 1)):
            raise ArgumentValueError(
                f"BinaryCrossEntropy: y_hat must be probabilities in [0, 1], got values in "
                f"[{np.nanmin(p):g}, {np.nanmax(p):g}]; pass from_logits=True to give logits")
        return p, t

    def __repr__(self) -> str:
        return f"BinaryCrossEntropy(from_logits={self.from_logits})"


class CrossEntropy(Loss):
    """Softmax cross-entropy from logits, batch mean: J = (1/N) sum_n (logsumexp(z_n) - z_{n, y_n}).

    Logits have shape (N, C). Targets are integer labels of shape (N,) in [0, C) (integers or
    whole floats) or rows of shape (N, C) that are probability vectors: entries >= 0 summing to 1
    (one-hot rows, or any distribution).

    Examples
    --------
    >>> CrossEntropy()([[0.0, 0.0]], [1])  # ln 2
    0.6931471805599453
    >>> CrossEntropy()([[0.0, 0.0]], [[2.0, 0.0]])
    Traceback (most recent call last):
    ...
    bpkit.errors.ArgumentValueError: CrossEntropy: y must have rows that are probability vectors \
(entries >= 0 summing to 1); row 0 sums to 2
    """

    kind = "cross_entropy"

    def check(self, y_hat: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        """Logits (N, C) and target rows (N, C); labels (N,) become one-hot rows."""
        z: Array
        if type(y_hat) is np.ndarray and y_hat.dtype == np.float64 and y_hat.ndim == 2:
            z = y_hat  # the training loop's case: what as_array would return, without the call
        else:
            z = as_array(y_hat, "y_hat", "CrossEntropy", ndim=2, finite=False, allow_empty=True)
        n, c = z.shape
        if n == 0 or c == 0:
            raise ArgumentValueError(f"CrossEntropy: y_hat must have at least one row and one class, got shape {z.shape}")
        raw = np.asarray(y) if not isinstance(y, np.ndarray) else y
        kind = raw.dtype.kind
        if kind == "b":
            raise ArgumentTypeError("CrossEntropy: y must be integer labels or probability rows, got booleans")
        if kind in "iu" and raw.shape == (n,):
            # every label in [0, c) in one pass: seen as unsigned, a negative label is larger than any c
            if np.maximum.reduce(raw.view(raw.dtype.str.replace("i", "u")), axis=None) >= c:
                bad = raw[(raw < 0) | (raw >= c)][0]
                raise ArgumentValueError(
                    f"CrossEntropy: y must hold integer labels in [0, {c - 1}] for {c} classes, got {bad:g}")
            return z, _one_hot(raw, c)
        t = as_array(raw, "y", "CrossEntropy", allow_empty=True)
        if t.shape == (n,):
            if not np.all(t == np.round(t)) or t.min() < 0 or t.max() >= c:
                bad = t[(t != np.round(t)) | (t < 0) | (t >= c)][0]
                raise ArgumentValueError(
                    f"CrossEntropy: y must hold integer labels in [0, {c - 1}] for {c} classes, got {bad:g}")
            rows = np.zeros((n, c))
            rows[np.arange(n), t.astype(np.int64)] = 1.0
            return z, rows
        if t.shape != (n, c):
            raise ShapeError(f"CrossEntropy: y must be labels of shape ({n},) or rows of shape ({n}, {c}), "
                             f"got {t.shape}")
        sums = t.sum(axis=1)
        bad_rows = np.flatnonzero((t < 0).any(axis=1) | (np.abs(sums - 1.0) > 1e-6))
        if bad_rows.size:
            i = int(bad_rows[0])
            what = "has a negative entry" if (t[i] < 0).any() else f"sums to {sums[i]:g}"
            raise ArgumentValueError(
                "CrossEntropy: y must have rows that are probability vectors (entries >= 0 summing to 1); "
                f"row {i} {what}")
        return z, t


#: The checks whose result depends on (y_hat, y) and the rule alone; a subclass with its own check
#: (which may read other attributes) gets no reuse.
_PLAIN_CHECKS = frozenset({Loss.check, BinaryCrossEntropy.check, CrossEntropy.check})

_LOSSES = {
    "mse": MSE,
    "squared_error": SquaredError,
    "bce": BinaryCrossEntropy,
    "bce_logits": lambda: BinaryCrossEntropy(from_logits=True),
    "cross_entropy": CrossEntropy,
}


def get_loss(loss: str | Loss) -> Loss:
    """A loss by name, or an instance passed through.

    Parameters
    ----------
    loss : str or Loss
        'mse', 'squared_error', 'bce', 'bce_logits' or 'cross_entropy' (case does not matter), or
        a ``Loss`` instance (returned as is).

    Returns
    -------
    Loss

    Examples
    --------
    >>> get_loss("bce_logits")
    BinaryCrossEntropy(from_logits=True)
    """
    if isinstance(loss, Loss):
        return loss
    name = one_of(loss.lower() if isinstance(loss, str) and loss.lower() in _LOSSES else loss, "loss",
                  sorted(_LOSSES), "get_loss")
    made: Loss = _LOSSES[name]()
    return made
