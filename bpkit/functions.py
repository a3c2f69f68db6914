"""Two-dimensional test functions for optimizers (book/02_loss_and_gradient_descent.ipynb, book/07_optimizers.ipynb).

Each is a ``TestFunction`` with its value f(p) and gradient grad f(p) for a point p = (x, y), a
vectorized ``value_grid`` for contour plots, its minimizer (None for the saddle), a standard start
point, plot limits and suggested contour levels.

Examples
--------
>>> fn = rosenbrock()
>>> fn.f([0.0, 1.0]), fn.grad([0.0, 1.0])
(101.0, array([ -2., 200.]))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bpkit.errors import ShapeError
from bpkit.validate import Array, as_array, check_shape, real_number

__all__ = ["TestFunction", "beale", "quadratic", "rosenbrock", "saddle"]


@dataclass(frozen=True)
class TestFunction:
    """f: R^2 -> R with its gradient, minimizer, start point and plotting hints.

    Attributes
    ----------
    name, latex : str
        A short name and the formula in LaTeX.
    minimum : ndarray or None
        The minimizer (2,), None if there is none.
    start : ndarray
        A standard start point (2,).
    xlim, ylim : tuple of float
        Plot limits.
    levels : ndarray or None
        Suggested contour levels.
    """

    __test__ = False  # not a pytest test class, despite the name

    name: str
    latex: str
    _f: Callable[[Any, Any], Any]
    _grad: Callable[[float, float], tuple[float, float]]
    minimum: Array | None
    start: Array
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    levels: Array | None = None

    def f(self, p: ArrayLike) -> float:
        """f(x, y) at the point p = (x, y).

        Parameters
        ----------
        p : array_like
            A finite point of shape (2,).
        """
        x, y = _point(p, f"{self.name}.f")
        return float(self._f(np.float64(x), np.float64(y)))

    def grad(self, p: ArrayLike) -> Array:
        """The gradient (df/dx, df/dy) at p, shape (2,).

        Parameters
        ----------
        p : array_like
            A finite point of shape (2,).
        """
        x, y = _point(p, f"{self.name}.grad")
        return np.array(self._grad(x, y), dtype=np.float64)

    def value_grid(self, X: ArrayLike, Y: ArrayLike) -> Array:
        """f evaluated elementwise on coordinate arrays X, Y of equal shape (e.g. from np.meshgrid).

        Parameters
        ----------
        X, Y : array_like
            The x and y coordinates, real and of one shape.

        Examples
        --------
        >>> quadratic(4.0).value_grid([[0.0, 1.0]], [[1.0, 0.0]])
        array([[2. , 0.5]])
        """
        where = f"{self.name}.value_grid"
        X = as_array(X, "X", where, allow_empty=True, finite=False)
        Y = as_array(Y, "Y", where, allow_empty=True, finite=False)
        if X.shape != Y.shape:
            raise ShapeError(f"{where}: Y must have the shape of X {X.shape}, got {Y.shape}")
        return np.asarray(self._f(X, Y), dtype=np.float64)


def _point(p: ArrayLike, where: str) -> tuple[float, float]:
    """(x, y) from a finite point of shape (2,)."""
    arr = check_shape(as_array(p, "p", where), (2,), "p", where)
    return float(arr[0]), float(arr[1])


def quadratic(condition_number: float = 10.0) -> TestFunction:
    """f(x, y) = 1/2 (x^2 + kappa y^2): Hessian diag(1, kappa), condition number kappa, minimum at 0.

    Parameters
    ----------
    condition_number : float
        kappa >= 1, finite.

    Examples
    --------
    >>> quadratic(10.0).grad([1.0, 1.0])
    array([ 1., 10.])
    """
    k = real_number(condition_number, "condition_number", "quadratic", low=1)
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
    """f(x, y) = (a - x)^2 + b (y - x^2)^2: a curved narrow valley, minimum at (a, a^2).

    Parameters
    ----------
    a : float
        The valley's minimum lies at (a, a^2); finite.
    b : float
        The steepness of the valley's walls, > 0 and finite.

    Examples
    --------
    >>> rosenbrock().minimum
    array([1., 1.])
    """
    a = real_number(a, "a", "rosenbrock")
    b = real_number(b, "b", "rosenbrock", low=0, low_open=True)
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
    """f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2, minimum at (3, 0.5).

    Examples
    --------
    >>> beale().f([3.0, 0.5])
    0.0
    """

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
    """f(x, y) = x^2 - y^2: a saddle point at the origin, no minimum (f is unbounded below).

    Examples
    --------
    >>> saddle().grad([1.0, 2.0])
    array([ 2., -4.])
    """
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
