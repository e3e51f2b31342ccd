"""Money exact to the fen.

Amounts are read and written in yuan with at most two decimals and held as
`Yuan` (a `decimal.Decimal`) in rows and as integer fen in arrays. No float
ever carries an amount into an output.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from staffing.errors import Invalid

FEN = Decimal("0.01")


class Yuan(Decimal):
    """An amount in yuan, exact to the fen (two decimals)."""

    @property
    def value(self) -> float:
        """The amount as a JSON number (JSON bundles write it; two decimals read back exactly)."""
        return float(self)

    @property
    def fen(self) -> int:
        """The amount in integer fen."""
        return int(self.scaleb(2))

    @classmethod
    def of_fen(cls, fen: int) -> Yuan:
        """The amount of ``fen`` integer fen, in yuan."""
        return cls(Decimal(int(fen)).scaleb(-2).quantize(FEN))


_NOT_AMOUNT = ("not an amount of yuan", "不是以元为单位的金额")
_NOT_FINITE = ("not a finite amount", "不是有限的金额")


def parse_money(raw: Any, *, signed: bool = False) -> Yuan:
    """An amount of yuan from a cell: a number or text such as ``12,345.60``; at most 2 decimals.

    Raises
    ------
    ValueError
        for text that is not a number, a negative amount (unless ``signed``), or more
        than two decimals.
    """
    if isinstance(raw, Yuan):
        return raw
    if isinstance(raw, bool):
        raise Invalid(*_NOT_AMOUNT)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise Invalid(*_NOT_FINITE)
        cents = raw * 100
        if abs(cents - round(cents)) < 1e-4:
            raw = Decimal(round(cents)).scaleb(-2)  # a spreadsheet's 1234.5600000000002
        else:
            raw = Decimal(repr(raw))
    elif isinstance(raw, int):
        raw = Decimal(raw)
    elif not isinstance(raw, Decimal):
        text = str(raw).strip()
        for mark in (",", "，", "¥", "￥"):
            text = text.replace(mark, "")
        text = text.removesuffix("元").strip()
        try:
            raw = Decimal(text)
        except InvalidOperation:
            raise Invalid(*_NOT_AMOUNT) from None
    if not raw.is_finite():
        raise Invalid(*_NOT_FINITE)
    if raw < 0 and not signed:
        raise Invalid("amounts cannot be negative", "金额不能为负数",
                      expected="an amount >= 0", expected_zh="不小于 0 的金额")
    if raw != raw.quantize(FEN):
        raise Invalid("more than two decimals: amounts are exact to the fen (0.01 yuan)",
                      "小数超过两位：金额精确到分（0.01 元）",
                      expected="yuan with at most two decimals", expected_zh="最多两位小数的金额")
    return Yuan(raw.quantize(FEN))


Money = Annotated[
    Decimal,
    PlainValidator(parse_money),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "description": "yuan, at most two decimals"}),
]
"""A pydantic field type: yuan exact to the fen, as `Yuan`."""

SignedMoney = Annotated[
    Decimal,
    PlainValidator(partial(parse_money, signed=True)),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "description": "yuan, two decimals at most, may be < 0"}),
]
"""Like `Money` but negative amounts are allowed (a deduction)."""


def parse_rate(raw: Any) -> Decimal:
    """An exact decimal number (a point value): a number or its text; a float as it prints.

    Raises
    ------
    ValueError
        for text that is not a finite number.
    """
    if isinstance(raw, bool):
        raise ValueError("not a number")  # noqa: TRY004  (pydantic wants ValueError)
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, (int, float)):
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        try:
            value = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a finite number")
    return value


Rate = Annotated[
    Decimal,
    PlainValidator(parse_rate),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "description": "an exact decimal number"}),
]
"""A pydantic field type: an exact decimal (point values), written as its digits."""


def to_fen(amount: Any) -> int:
    """Integer fen of an amount given as `Yuan`, Decimal, int or numeric text."""
    return parse_money(amount).fen


def fen_text(fen: int) -> str:
    """Integer fen as yuan text with two decimals (``123456`` -> ``1234.56``)."""
    return _yuan_text(fen, "")


def fen_display(fen: int) -> str:
    """Integer fen as yuan with thousands separators, for messages (``1,234.56``)."""
    return _yuan_text(fen, ",")


def _yuan_text(fen: int, grouping: str) -> str:
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:{grouping}}.{part:02d}"


def instalments(total_fen: int, years: int) -> list[int]:
    """``total_fen`` split into ``years`` instalments that add up exactly."""
    base, odd = divmod(total_fen, years)
    return [base + (1 if k < odd else 0) for k in range(years)]
