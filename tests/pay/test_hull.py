"""Tests that the hull candidates contain every possible best- and worst-paid member."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.pay.hull import max_candidates, min_candidates

points = st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=25)


@settings(max_examples=150, deadline=None)
@given(points, st.booleans())
def test_candidates_reach_the_extremes(pts: list[tuple[int, int]], nonneg: bool) -> None:
    """Tests that the candidates hold the largest and smallest ``y + s x`` for 41 slopes."""
    x = np.array([p[0] for p in pts], dtype=float)
    y = np.array([p[1] for p in pts], dtype=float)
    tops, bottoms = max_candidates(x, y, nonneg), min_candidates(x, y, nonneg)
    slopes = np.linspace(0 if nonneg else -5, 5, 41)
    for s in slopes:
        value = y + s * x
        assert np.isclose(value[tops].max(), value.max())
        assert np.isclose(value[bottoms].min(), value.min())
