"""Loss functions, predictions first and targets second (introduced in book/02_loss_and_gradient_descent.ipynb).

Each loss averages over the batch, so the factor 1/N appears here and nowhere else: layers and
optimizers never divide by the batch size. ``loss(y_hat, y)`` returns a float and
``loss.grad(y_hat, y)`` returns dLoss/dy_hat with the shape of ``y_hat``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.activations import log_softmax, sigmoid, softmax

Array = NDArray[np.float64]


def _pair(y_hat: ArrayLike, y: ArrayLike, name: str) -> tuple[Array, Array]:
    """Convert both arguments to float64 arrays and insist on equal shapes."""
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if y_hat.shape != y.shape:
        raise ValueError(
            f"{name}: predictions have shape {y_hat.shape} but targets have shape {y.shape}; "
            "they must be equal (predictions first, targets second)"
        )
    if y_hat.size == 0:
        raise ValueError(f"{name}: empty batch")
    return y_hat, y


def _batch_size(y_hat: Array) -> int:
    """N, the number of rows (samples); 1 for a 0-d prediction."""
    return int(y_hat.shape[0]) if y_hat.ndim >= 1 else 1


class Loss:
    """Base class: J = loss(y_hat, y) (float) and grad = dJ/dy_hat (shape of y_hat)."""

    name: str = "loss"

    def __call__(self, y_hat: ArrayLike, y: ArrayLike) -> float:
        """J(y_hat, y), a scalar averaged over the batch."""
        raise TypeError(f"{type(self).__name__} does not define __call__")

    def grad(self, y_hat: ArrayLike, y: ArrayLike) -> Array:
        """dJ/dy_hat, the same shape as y_hat."""
        raise TypeError(f"{type(self).__name__} does not define grad")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MSE(Loss):
    """Mean squared error over all elements: J = (1/size) sum (y_hat - y)^2 (PyTorch's default)."""

    name = "mse"

    def __call__(self, y_hat: ArrayLike, y: ArrayLike) -> float:
        """J = mean((y_hat - y)^2)."""
        y_hat, y = _pair(y_hat, y, "MSE")
        return float(np.mean((y_hat - y) ** 2))

    def grad(self, y_hat: ArrayLike, y: ArrayLike) -> Array:
        """dJ/dy_hat = 2 (y_hat - y) / size."""
        y_hat, y = _pair(y_hat, y, "MSE")
        return 2.0 * (y_hat - y) / y_hat.size


class SquaredError(Loss):
    """Half squared error, batch mean: J = (1/N) sum_n 1/2 ||y_hat_n - y_n||^2 (the seeds' loss)."""

    name = "squared_error"

    def __call__(self, y_hat: ArrayLike, y: ArrayLike) -> float:
        """J = (1/N) sum_n 1/2 ||y_hat_n - y_n||^2; for one scalar output, 1/2 (y_hat - y)^2."""
        y_hat, y = _pair(y_hat, y, "SquaredError")
        return float(0.5 * np.sum((y_hat - y) ** 2) / _batch_size(y_hat))

    def grad(self, y_hat: ArrayLike, y: ArrayLike) -> Array:
        """dJ/dy_hat = (y_hat - y) / N."""
        y_hat, y = _pair(y_hat, y, "SquaredError")
        return (y_hat - y) / _batch_size(y_hat)


def _check_binary_targets(y: Array, name: str) -> None:
    """Targets of a binary cross-entropy are probabilities in [0, 1]."""
    if np.any((y < 0) | (y > 1)) or not np.all(np.isfinite(y)):
        raise ValueError(f"{name}: targets must lie in [0, 1], got values in [{y.min()}, {y.max()}]")


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy, mean over all elements: J = -mean(y log p + (1 - y) log(1 - p)).

    With ``from_logits=False`` the predictions are probabilities p and each log is clamped at -100
    (as torch.nn.BCELoss does); with ``from_logits=True`` they are logits z, p = sigma(z), and
    J = mean(softplus(z) - y z), which is exact for any z.
    """

    name = "bce"

    def __init__(self, from_logits: bool = False) -> None:
        """from_logits: whether predictions are logits z (True) or probabilities p (False)."""
        self.from_logits = bool(from_logits)

    def __call__(self, y_hat: ArrayLike, y: ArrayLike) -> float:
        """J = -mean(y log p + (1 - y) log(1 - p))."""
        y_hat, y = _pair(y_hat, y, "BinaryCrossEntropy")
        _check_binary_targets(y, "BinaryCrossEntropy")
        if self.from_logits:
            softplus = np.logaddexp(0.0, y_hat)  # log(1 + e^z) without overflow
            return float(np.mean(softplus - y * y_hat))
        if np.any((y_hat < 0) | (y_hat > 1)):
            raise ValueError(
                "BinaryCrossEntropy: predictions must be probabilities in [0, 1]; "
                "pass from_logits=True to give logits"
            )
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(y_hat), -100.0)
            log_q = np.maximum(np.log1p(-y_hat), -100.0)
        return float(-np.mean(y * log_p + (1.0 - y) * log_q))

    def grad(self, y_hat: ArrayLike, y: ArrayLike) -> Array:
        """dJ/dp = (p - y) / (p (1 - p) size); from logits dJ/dz = (sigma(z) - y) / size."""
        y_hat, y = _pair(y_hat, y, "BinaryCrossEntropy")
        _check_binary_targets(y, "BinaryCrossEntropy")
        if self.from_logits:
            return (sigmoid(y_hat) - y) / y_hat.size
        denom = np.maximum(y_hat * (1.0 - y_hat), 1e-12)
        return (y_hat - y) / denom / y_hat.size

    def __repr__(self) -> str:
        return f"BinaryCrossEntropy(from_logits={self.from_logits})"


class CrossEntropy(Loss):
    """Softmax cross-entropy from logits, batch mean: J = (1/N) sum_n (logsumexp(z_n) - z_{n, y_n}).

    Logits have shape (N, C). Targets are integer labels of shape (N,) in [0, C) or rows of
    shape (N, C) (one-hot or any probability distribution).
    """

    name = "cross_entropy"

    def _targets(self, logits: ArrayLike, y: ArrayLike) -> tuple[Array, NDArray[np.int64] | Array]:
        """Return logits (N, C) and either integer labels (N,) or target rows (N, C)."""
        z = np.asarray(logits, dtype=np.float64)
        if z.ndim != 2:
            raise ValueError(f"CrossEntropy: logits must have shape (N, C), got {z.shape}")
        n, c = z.shape
        t = np.asarray(y)
        if t.shape == (n,):
            if not np.issubdtype(t.dtype, np.integer):
                if not np.all(np.mod(t, 1) == 0):
                    raise ValueError("CrossEntropy: label vector must hold integers")
                t = t.astype(np.int64)
            if t.size and (t.min() < 0 or t.max() >= c):
                raise ValueError(
                    f"CrossEntropy: labels must lie in [0, {c - 1}] for {c} classes, "
                    f"got values in [{t.min()}, {t.max()}]"
                )
            return z, t
        if t.shape == (n, c):
            return z, t.astype(np.float64)
        raise ValueError(
            f"CrossEntropy: targets must be labels of shape ({n},) or rows of shape ({n}, {c}), "
            f"got {t.shape}"
        )

    def __call__(self, y_hat: ArrayLike, y: ArrayLike) -> float:
        """J = -(1/N) sum_n sum_c t_{nc} log softmax(z_n)_c; with labels, -(1/N) sum_n log softmax(z_n)_{y_n}."""
        z, t = self._targets(y_hat, y)
        logp = log_softmax(z)
        if t.ndim == 1:
            return float(-logp[np.arange(z.shape[0]), t].sum() / z.shape[0])
        return float(-np.sum(t * logp) / z.shape[0])

    def grad(self, y_hat: ArrayLike, y: ArrayLike) -> Array:
        """dJ/dz = (softmax(z) - onehot(y)) / N; for target rows t, (softmax(z) sum_c t_c - t) / N."""
        z, t = self._targets(y_hat, y)
        n = z.shape[0]
        s = softmax(z)
        if t.ndim == 1:
            s[np.arange(n), t] -= 1.0
        else:
            s *= t.sum(axis=1, keepdims=True)
            s -= t
        s /= n
        return s


_LOSSES = {
    "mse": MSE,
    "squared_error": SquaredError,
    "bce": BinaryCrossEntropy,
    "bce_logits": lambda: BinaryCrossEntropy(from_logits=True),
    "cross_entropy": CrossEntropy,
}


def get_loss(loss: str | Loss) -> Loss:
    """Look up a loss by name ('mse', 'squared_error', 'bce', 'bce_logits', 'cross_entropy')."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str) and loss.lower() in _LOSSES:
        return _LOSSES[loss.lower()]()
    raise ValueError(f"unknown loss {loss!r}; known losses: {', '.join(sorted(_LOSSES))}")
