"""The project's rounding rule: every line is its exact amount rounded down to the fen.

A pay plan's variable lines come from its class schedule, which is exact:

- basic performance pay is one amount per head of the pay class, in whole fen;
- a reward or surplus-award line is weighted points x the class's point value,
  where weighted points are the person's points x post x tier x hardship
  coefficients (each the decimal written in the inputs and the policy) and the
  point value a decimal of a few places (`point_digits`);
- that product rounded down to the fen (what is below a fen is not paid).

So anyone can recompute a line from the numbers on it with a calculator: no
line depends on another, equal weighted points get equal lines and more never
gets less, and no fund is overspent by rounding. The engine turns the
solver's real schedule into this exact one (basic down to the fen, point
values down to their places) and every rule's margins cover the difference:
each line moves down by less than one fen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from functools import lru_cache

import numpy as np

SNAP = 1e-9  # relative: solver noise this close to a whole fen (or place) is that value
SNAP_FEN = 1e-4  # absolute, in fen: the same near zero
VALUE_SHARE_OF_FEN = 0.25  # the last place of a point value moves a line by at most this (fen)
MIN_POINT_DIGITS = 4


def exact(value: float | int | Decimal | Fraction) -> Fraction:
    """The exact number a value was written as (a float as it prints: 1.05 is 105/100)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return _exact_float(value)
    return Fraction(value)


@lru_cache(maxsize=65536)
def _exact_float(value: float) -> Fraction:
    return Fraction(repr(value))


def fen_of(yuan: Fraction) -> int:
    """An exact amount of yuan in fen, rounded down (12.349 yuan -> 1234 fen)."""
    return math.floor(yuan * 100)


def weighted_fen(points: Iterable[Fraction], factor: Fraction) -> np.ndarray:
    """Each ``points x factor`` yuan in fen, rounded down (``factor``: coefficient x value)."""
    scaled = factor * 100
    a, b = scaled.numerator, scaled.denominator
    return np.array([(a * p.numerator) // (b * p.denominator) for p in points], dtype=np.int64)


def point_digits(max_weight: float) -> int:
    """Decimal places of point values so that the last one moves a line by <= a quarter fen."""
    if max_weight <= 0:
        return MIN_POINT_DIGITS
    return max(MIN_POINT_DIGITS, math.ceil(math.log10(100 * max_weight / VALUE_SHARE_OF_FEN)))


def value_down(value: float, digits: int) -> Decimal:
    """A solver's real point value as a decimal of ``digits`` places, rounded down."""
    step = Decimal(1).scaleb(-digits)
    near = Decimal(repr(float(value))).quantize(step)
    if abs(float(near) - value) <= max(SNAP * abs(value), 10.0 ** -(digits + 2)):
        return near + 0  # drop a negative zero
    return Decimal(repr(float(value))).quantize(step, rounding=ROUND_FLOOR) + 0


def fen_down(yuan: float) -> int:
    """A solver's real amount in yuan as whole fen, rounded down (solver noise snapped)."""
    fen = float(yuan) * 100
    near = round(fen)
    if abs(fen - near) <= max(SNAP_FEN, SNAP * abs(fen)):
        return int(near)
    return math.floor(fen)
