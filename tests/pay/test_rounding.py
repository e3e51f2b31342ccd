"""Tests that the rounding rule is exact, rounds down, keeps order and snaps only solver noise."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.pay.rounding import (
    exact,
    fen_down,
    fen_of,
    point_digits,
    value_down,
    weighted_fen,
)

POINTS = st.decimals(0, 500, places=1).map(Fraction)
COEFFICIENTS = st.sampled_from([Fraction("1"), Fraction("1.05"), Fraction("1.1025"),
                                Fraction("1.5015"), Fraction("2.016")])
VALUES = st.decimals(0, 2000, places=5).map(Fraction)


def test_exact_reads_floats_as_written() -> None:
    """Tests that a float is taken as the decimal it prints as, not its binary value."""
    assert exact(1.05) == Fraction(105, 100)
    assert exact(133.3) * 3 == Fraction(3999, 10)
    assert exact(Decimal("0.1")) == Fraction(1, 10)


@settings(max_examples=200, deadline=None)
@given(st.lists(POINTS, min_size=1, max_size=30), COEFFICIENTS, VALUES)
def test_each_line_is_the_product_rounded_down(points, coefficient, value) -> None:
    """Tests that a weighted line is points x coefficient x value in fen, rounded down, exactly."""
    lines = weighted_fen(points, coefficient * value)
    for p, fen in zip(points, lines.tolist()):
        product = p * coefficient * value * 100
        assert fen <= product < fen + 1
        assert fen == fen_of(p * coefficient * value)


@settings(max_examples=100, deadline=None)
@given(st.lists(POINTS, min_size=2, max_size=30), COEFFICIENTS, VALUES)
def test_more_points_never_less_pay(points, coefficient, value) -> None:
    """Tests that more weighted points never round to a smaller line, equal points to equal."""
    lines = weighted_fen(points, coefficient * value).tolist()
    for p, a in zip(points, lines):
        for q, b in zip(points, lines):
            if p <= q:
                assert a <= b


def test_digits_keep_a_quarter_fen() -> None:
    """Tests that the last place of a point value moves the heaviest line by at most 1/4 fen."""
    for weight in (0.5, 80.0, 412.0, 5000.0):
        digits = point_digits(weight)
        assert 100 * weight * 10 ** -digits <= 0.25 + 1e-12
    assert point_digits(0) == 4


def test_values_and_fen_round_down_except_noise() -> None:
    """Tests that solver values round down, but noise a hair below a whole place is snapped."""
    assert value_down(549.684003631, 5) == Decimal("549.68400")
    assert value_down(1.9999999999999, 5) == Decimal("2.00000")
    assert value_down(-0.0, 5) == Decimal("0.00000") and str(value_down(-1e-8, 5)) == "0.00000"
    assert fen_down(16830.138556) == 1683013
    assert fen_down(12.3399999999999) == 1234
    assert fen_down(-1e-12) == 0 and fen_down(-1e-8) == 0  # 1e-6 fen below zero: noise
