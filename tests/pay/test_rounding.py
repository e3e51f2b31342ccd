"""Tests that largest-remainder rounding hits the total exactly and keeps order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.pay.rounding import fen_amounts, largest_remainder, target_total


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1e7, allow_nan=False), min_size=1, max_size=60))
def test_exact_total_and_within_a_fen(values: list[float]) -> None:
    """Tests that rounded lines add up to the target total and each moves by less than a fen."""
    fen = fen_amounts(np.array(values) / 100)
    total = target_total(fen)
    rounded = largest_remainder(fen, total, np.arange(len(fen)))
    assert int(rounded.sum()) == total
    assert np.all(np.abs(rounded - fen) < 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.floats(0, 1e6)), min_size=2, max_size=40))
def test_more_never_rounds_below_less(items: list[tuple[int, float]]) -> None:
    """Tests that a larger amount, or an equal one with more points, never rounds lower."""
    points = np.array([p for p, _ in items], dtype=float)
    fen = fen_amounts(np.array([x for _, x in items]) / 100)
    rounded = largest_remainder(fen, target_total(fen), points)
    for i in range(len(items)):
        for j in range(len(items)):
            if fen[i] < fen[j] or (fen[i] == fen[j] and points[i] < points[j]):
                assert rounded[i] <= rounded[j]


def test_cap_and_impossible_totals() -> None:
    """Tests that the total is capped and that rounding to an unreachable total raises.

    Two equal remainders may each take the missing fen; 40 fen from 10.6 + 20.6 raises ValueError.
    """
    fen = np.array([10.6, 20.6])
    assert target_total(fen, cap=30) == 30
    assert list(largest_remainder(fen, 31)) in ([11, 20], [10, 21])
    with pytest.raises(ValueError):
        largest_remainder(fen, 40)
