r"""A recommender as matrix factorization trained by backpropagation (book/15_applications.ipynb).

Users and items get learned vectors; a rating is predicted by their dot product plus biases,

.. math::
    \hat r_{ui} = \mu + b_u + c_i + p_u^\top q_i,

with :math:`p_u, q_i \in \mathbb{R}^k` (rows of P (n_users, k) and Q (n_items, k)), user and item biases
:math:`b, c` and a fixed global mean :math:`\mu`. Training minimizes the squared error on the observed
ratings plus an L2 penalty,

.. math::
    J = \frac{1}{2N} \sum_{(u,i) \in \text{batch}} (\hat r_{ui} - r_{ui})^2
        + \frac{\lambda}{2N} \sum_{(u,i) \in \text{batch}} \big(\lVert p_u \rVert^2 + \lVert q_i \rVert^2\big).

A user's vector is used by every rating of that user in the batch, so its gradient is the sum over
those ratings (chapter 3's fork): backward accumulates with ``np.add.at``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpkit.errors import ArgumentValueError, CallOrderError, ShapeError
from bpkit.validate import Array, as_array, generator, integer, real_number

__all__ = ["MatrixFactorization", "simulated_ratings"]

Index = NDArray[np.int64]


def _indices(values: ArrayLike, name: str, size: int, where: str) -> Index:
    """Integer ids in 0..size-1 as a 1-D int64 array, or a bpkit error."""
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise ShapeError(f"{where}: {name} must be a 1-D integer array, got shape {arr.shape} ({arr.dtype})")
    if arr.size and (arr.min() < 0 or arr.max() >= size):
        raise ArgumentValueError(f"{where}: {name} must lie in 0..{size - 1}, got {arr.min()}..{arr.max()}")
    return arr.astype(np.int64)


class MatrixFactorization:
    """Biased matrix factorization r_hat = mu + b_u + c_i + p_u . q_i, with forward, loss and backward.

    Parameters
    ----------
    n_users, n_items : int
        The numbers of users and items.
    rank : int
        k, the length of each user and item vector.
    rng : numpy.random.Generator
        Draws P and Q from N(0, init_scale^2); biases start at 0.
    mu : float
        The global mean rating (fixed, not trained); usually the mean of the training ratings.
    weight_decay : float
        lambda >= 0 of the L2 penalty on the vectors used in a batch.
    init_scale : float
        The standard deviation of the initial vectors.

    Examples
    --------
    >>> mf = MatrixFactorization(3, 4, rank=2, rng=np.random.default_rng(0), mu=3.0)
    >>> users, items, r = np.array([0, 0, 2]), np.array([1, 3, 1]), np.array([4.0, 2.0, 5.0])
    >>> r_hat = mf.forward(users, items)
    >>> mf.zero_grad()
    >>> J = mf.backward(r)
    >>> sorted(mf.gradients()), mf.gradients()["P"].shape
    (['P', 'Q', 'b_item', 'b_user'], (3, 2))
    """

    def __init__(self, n_users: int, n_items: int, rank: int, rng: np.random.Generator, mu: float = 0.0,
                 weight_decay: float = 0.0, init_scale: float = 0.1) -> None:
        where = "MatrixFactorization"
        self.n_users = integer(n_users, "n_users", where)
        self.n_items = integer(n_items, "n_items", where)
        self.rank = integer(rank, "rank", where)
        rng = generator(rng, where)
        self.mu = real_number(mu, "mu", where)
        self.weight_decay = real_number(weight_decay, "weight_decay", where, low=0)
        scale = real_number(init_scale, "init_scale", where, low=0)
        self._params = {"P": rng.normal(0.0, scale, size=(self.n_users, self.rank)),
                        "Q": rng.normal(0.0, scale, size=(self.n_items, self.rank)),
                        "b_user": np.zeros(self.n_users), "b_item": np.zeros(self.n_items)}
        self._grads = {k: np.zeros_like(v) for k, v in self._params.items()}
        self._cache: tuple[Index, Index, Array] | None = None

    def parameters(self) -> dict[str, Array]:
        """Live parameters P, Q, b_user, b_item (what bpkit's optimizers update)."""
        return dict(self._params)

    def gradients(self) -> dict[str, Array]:
        """Live gradients with the keys of parameters()."""
        return dict(self._grads)

    def zero_grad(self) -> None:
        """Set every gradient to 0 (backward adds into them)."""
        for g in self._grads.values():
            g[...] = 0.0

    def forward(self, users: ArrayLike, items: ArrayLike) -> Array:
        """Predicted ratings (N,) for the pairs (users[n], items[n])."""
        u = _indices(users, "users", self.n_users, "MatrixFactorization")
        i = _indices(items, "items", self.n_items, "MatrixFactorization")
        if u.shape != i.shape:
            raise ShapeError(f"MatrixFactorization: users and items must have the same shape, got {u.shape} and {i.shape}")
        p = self._params
        r_hat: Array = self.mu + p["b_user"][u] + p["b_item"][i] + np.einsum("nk,nk->n", p["P"][u], p["Q"][i])
        self._cache = (u, i, r_hat)
        out: Array = r_hat.copy()
        return out

    def loss(self, ratings: ArrayLike) -> float:
        """J of the last forward pass for the true ratings (N,): half mean squared error plus the L2 term."""
        u, i, r_hat = self._need_cache()
        r = self._ratings(ratings, len(u))
        p = self._params
        penalty = np.sum(p["P"][u] ** 2) + np.sum(p["Q"][i] ** 2)
        return float(0.5 * np.mean((r_hat - r) ** 2) + 0.5 * self.weight_decay * penalty / len(u))

    def backward(self, ratings: ArrayLike) -> float:
        """ADD dJ/dtheta for the last forward pass into gradients(); returns J.

        With e_n = r_hat_n - r_n: dJ/dp_u = (1/N) sum_{n: u_n = u} (e_n q_{i_n} + lambda p_u), likewise for
        q_i; dJ/db_u = (1/N) sum_{n: u_n = u} e_n, dJ/dc_i = (1/N) sum_{n: i_n = i} e_n.
        """
        J = self.loss(ratings)
        u, i, r_hat = self._need_cache()
        r = self._ratings(ratings, len(u))
        N = len(u)
        e = (r_hat - r) / N
        P, Q, lam = self._params["P"], self._params["Q"], self.weight_decay
        g = self._grads
        np.add.at(g["P"], u, e[:, None] * Q[i] + lam / N * P[u])
        np.add.at(g["Q"], i, e[:, None] * P[u] + lam / N * Q[i])
        np.add.at(g["b_user"], u, e)
        np.add.at(g["b_item"], i, e)
        return J

    def _need_cache(self) -> tuple[Index, Index, Array]:
        if self._cache is None:
            raise CallOrderError("MatrixFactorization: call forward() before loss() or backward()")
        return self._cache

    @staticmethod
    def _ratings(ratings: ArrayLike, n: int) -> Array:
        r = as_array(ratings, "ratings", "MatrixFactorization", ndim=1)
        if r.shape != (n,):
            raise ShapeError(f"MatrixFactorization: ratings must have shape ({n},), got {r.shape}")
        return r


def simulated_ratings(n_users: int, n_items: int, rank: int, density: float, noise: float,
                      rng: np.random.Generator, mu: float = 3.5) -> tuple[Index, Index, Array, dict[str, Array]]:
    """Simulated (not real) ratings from a planted rank-k model: r = mu + b_u + c_i + p_u . q_i + noise.

    Each (user, item) pair is observed with probability density; biases ~ N(0, 0.5^2), vector entries
    ~ N(0, 1/sqrt(k)) so that p_u . q_i has variance 1, noise ~ N(0, noise^2). Returns users, items, ratings and the
    planted parameters (so that a reader can compare what training recovers with the truth).

    Examples
    --------
    >>> u, i, r, truth = simulated_ratings(20, 30, 2, 0.2, 0.1, np.random.default_rng(0))
    >>> u.shape == i.shape == r.shape, truth["P"].shape
    (True, (20, 2))
    """
    where = "simulated_ratings"
    n_users, n_items, rank = integer(n_users, "n_users", where), integer(n_items, "n_items", where), integer(rank, "rank", where)
    density = real_number(density, "density", where, low=0, high=1, low_open=True)
    noise = real_number(noise, "noise", where, low=0)
    rng = generator(rng, where)
    std = rank ** -0.25  # Var(p_u . q_i) = k * (1/sqrt(k))^2 = 1
    truth = {"P": rng.normal(0.0, std, size=(n_users, rank)),
             "Q": rng.normal(0.0, std, size=(n_items, rank)),
             "b_user": rng.normal(0.0, 0.5, size=n_users), "b_item": rng.normal(0.0, 0.5, size=n_items)}
    mask = rng.random((n_users, n_items)) < density
    users, items = np.nonzero(mask)
    clean = mu + truth["b_user"][users] + truth["b_item"][items] + np.einsum(
        "nk,nk->n", truth["P"][users], truth["Q"][items])
    return users.astype(np.int64), items.astype(np.int64), clean + rng.normal(0.0, noise, size=len(users)), truth
