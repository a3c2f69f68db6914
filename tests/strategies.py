"""Shared hypothesis strategies for bpkit's tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

#: moderate float64 values: where finite differences are meaningful
moderate = st.floats(min_value=-4.0, max_value=4.0, allow_nan=False, allow_infinity=False)
#: batch sizes and layer widths small enough to keep tests fast
sizes = st.integers(min_value=1, max_value=5)


def matrices(rows: st.SearchStrategy[int] = sizes, cols: st.SearchStrategy[int] = sizes) -> st.SearchStrategy[np.ndarray]:
    """float64 matrices of moderate values with drawn shapes."""
    return st.tuples(rows, cols).flatmap(lambda shape: arrays(np.float64, shape, elements=moderate))


def seeds() -> st.SearchStrategy[int]:
    """Seeds for numpy Generators."""
    return st.integers(min_value=0, max_value=2**32 - 1)
