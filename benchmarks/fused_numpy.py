"""The NumPy floor: one MLP training step (forward, cross-entropy, backward, Adam) hand-fused.

No classes, no dictionaries, no checks: the least Python a NumPy step can have. bpkit's step is
measured against this to see what its readability costs.
"""

from __future__ import annotations

import numpy as np


class FusedMLP:
    """ReLU MLP with a softmax cross-entropy head and Adam (torch's formulas), all inline."""

    def __init__(self, params: list[np.ndarray], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        self.p = [q.copy() for q in params]          # W1, b1, W2, b2, ...
        self.g = [np.zeros_like(q) for q in self.p]   # gradient buffers, reused every step
        self.m = [np.zeros_like(q) for q in self.p]
        self.v = [np.zeros_like(q) for q in self.p]
        self.lr, (self.b1, self.b2), self.eps, self.t = lr, betas, eps, 0

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        """One step on a batch X (N, n_in) with integer labels y (N,); returns the loss."""
        p, n_layers = self.p, len(self.p) // 2
        acts = [X]
        for k in range(n_layers):
            z = acts[-1] @ p[2 * k].T + p[2 * k + 1]
            acts.append(np.maximum(z, 0.0) if k < n_layers - 1 else z)
        logits = acts[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        expz = np.exp(shifted)
        sums = expz.sum(axis=1, keepdims=True)
        n = X.shape[0]
        rows = np.arange(n)
        loss = float(np.mean(np.log(sums[:, 0]) - shifted[rows, y]))
        dz = expz / sums
        dz[rows, y] -= 1.0
        dz /= n
        grads = self.g
        for k in range(n_layers - 1, -1, -1):
            np.matmul(dz.T, acts[k], out=grads[2 * k])
            np.sum(dz, axis=0, out=grads[2 * k + 1])
            if k:
                dz = (dz @ p[2 * k]) * (acts[k] > 0)
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        for q, g, m, v in zip(p, grads, self.m, self.v, strict=True):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * (g * g)
            d = np.sqrt(v)
            d *= 1 / np.sqrt(c2)
            d += self.eps
            np.divide(m, d, out=d)
            d *= self.lr / c1
            q -= d
        return loss
