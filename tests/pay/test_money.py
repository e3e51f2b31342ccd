"""Tests that amounts are read and written exact to the fen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from staffing.pay.money import Yuan, fen_display, fen_text, parse_money, to_fen


@pytest.mark.parametrize("raw,fen", [
    ("1234.5", 123450), ("12,345.67", 1234567), ("0", 0), (120, 12000), ("¥99.99", 9999),
    (1234.5600000000002, 123456), (0.1 + 0.2, 30), (Decimal("7.10"), 710), ("5元", 500),
])
def test_parse(raw: object, fen: int) -> None:
    """Tests that numbers and yuan text (separators, currency marks, float noise) read exactly."""
    assert to_fen(raw) == fen


@pytest.mark.parametrize("raw", ["1.234", "-1", "abc", float("nan"), True, 1.005])
def test_refused(raw: object) -> None:
    """Tests that three decimals, negatives, text, NaN, booleans and inexact floats are refused."""
    with pytest.raises(ValueError):
        parse_money(raw)


def test_signed_and_text() -> None:
    """Tests that signed amounts parse, fen print as plain and grouped yuan, and Yuan converts."""
    assert parse_money("-12.30", signed=True) == Decimal("-12.30")
    assert fen_text(-1230) == "-12.30" and fen_text(5) == "0.05"
    assert fen_display(123456789) == "1,234,567.89"
    assert Yuan.of_fen(123456789) == Decimal("1234567.89") and Yuan("0.50").value == 0.5
