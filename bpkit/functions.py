"""Two-dimensional test functions for optimizers (book/02_loss_and_gradient_descent.ipynb, book/07_optimizers.ipynb).

Each is a ``TestFunction`` with its value f(p) and gradient grad f(p) for a point p = (x, y), a
vectorized ``value_grid`` for contour plots, its minimizer (None for the saddle), a standard start
point, plot limits and suggested contour levels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class TestFunction:
    """f: R^2 -> R with its gradient, minimizer, start point and plotting hints."""

    __test__ = False  # not a pytest test class, despite the name

    name: str
    latex: str
    _f: Callable[[Array, Array], Array]
    _grad: Callable[[float, float], tuple[float, float]]
    minimum: Array | None
    start: Array
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    levels: Array | None = None

    def f(self, p: ArrayLike) -> float:
        """f(x, y) at the point p = (x, y)."""
        x, y = _point(p)
        return float(self._f(np.float64(x), np.float64(y)))

    def grad(self, p: ArrayLike) -> Array:
        """The gradient (df/dx, df/dy) at p, shape (2,)."""
        x, y = _point(p)
        return np.array(self._grad(x, y), dtype=np.float64)

    def value_grid(self, X: ArrayLike, Y: ArrayLike) -> Array:
        """f evaluated elementwise on coordinate arrays X, Y of equal shape (e.g. from np.meshgrid)."""
        X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        if X.shape != Y.shape:
            raise ValueError(f"X and Y must have the same shape, got {X.shape} and {Y.shape}")
        return self._f(X, Y)


def _point(p: ArrayLike) -> tuple[float, float]:
    """(x, y) from a point of shape (2,)."""
    p = np.asarray(p, dtype=np.float64)
    if p.shape != (2,):
        raise ValueError(f"a point must have shape (2,), got {p.shape}")
    return float(p[0]), float(p[1])


def quadratic(condition_number: float = 10.0) -> TestFunction:
    """f(x, y) = 1/2 (x^2 + kappa y^2): Hessian diag(1, kappa), condition number kappa, minimum at 0."""
    k = float(condition_number)
    if not k >= 1:
        raise ValueError(f"condition_number must be >= 1, got {condition_number}")
    return TestFunction(
        name=f"quadratic (kappa = {k:g})",
        latex=rf"f(x, y) = \tfrac12 (x^2 + {k:g}\, y^2)",
        _f=lambda x, y: 0.5 * (x**2 + k * y**2),
        _grad=lambda x, y: (x, k * y),
        minimum=np.zeros(2),
        start=np.array([-4.0, 1.5]),
        xlim=(-5.0, 5.0),
        ylim=(-2.5, 2.5),
        levels=np.geomspace(0.01, 0.5 * (25 + k * 6.25), 15),
    )


def rosenbrock(a: float = 1.0, b: float = 100.0) -> TestFunction:
    """f(x, y) = (a - x)^2 + b (y - x^2)^2: a curved narrow valley, minimum at (a, a^2)."""
    return TestFunction(
        name="Rosenbrock",
        latex=rf"f(x, y) = ({a:g} - x)^2 + {b:g}\,(y - x^2)^2",
        _f=lambda x, y: (a - x) ** 2 + b * (y - x**2) ** 2,
        _grad=lambda x, y: (-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)),
        minimum=np.array([a, a * a]),
        start=np.array([-1.5, 2.0]),
        xlim=(-2.0, 2.0),
        ylim=(-1.0, 3.0),
        levels=np.geomspace(0.05, 2500.0, 20),
    )


def beale() -> TestFunction:
    """f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2, minimum at (3, 0.5)."""

    def f(x: Array, y: Array) -> Array:
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2

    def grad(x: float, y: float) -> tuple[float, float]:
        t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
        dx = 2 * t1 * (y - 1) + 2 * t2 * (y**2 - 1) + 2 * t3 * (y**3 - 1)
        dy = 2 * t1 * x + 2 * t2 * 2 * x * y + 2 * t3 * 3 * x * y**2
        return dx, dy

    return TestFunction(
        name="Beale",
        latex=r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        _f=f,
        _grad=grad,
        minimum=np.array([3.0, 0.5]),
        start=np.array([1.0, 1.5]),
        xlim=(-4.5, 4.5),
        ylim=(-4.5, 4.5),
        levels=np.geomspace(0.05, 1e5, 25),
    )


def saddle() -> TestFunction:
    """f(x, y) = x^2 - y^2: a saddle point at the origin, no minimum (f is unbounded below)."""
    return TestFunction(
        name="saddle",
        latex=r"f(x, y) = x^2 - y^2",
        _f=lambda x, y: x**2 - y**2,
        _grad=lambda x, y: (2 * x, -2 * y),
        minimum=None,
        start=np.array([-1.5, 1e-3]),
        xlim=(-2.0, 2.0),
        ylim=(-2.0, 2.0),
        levels=np.linspace(-4.0, 4.0, 17),
    )
