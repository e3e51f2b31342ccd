"""Each person's pay explained line by line: the formula with its numbers, in Chinese and English.

One row per person and pay line (and one for the total): `PayExplained` is
the row model of ``pay_explained.csv`` (its columns, read back with located
errors), `ExplainedLine` the same row as the engine builds it. Each row carries its numbers as exact
decimals and the kind of arithmetic that gives the line, so a row can be
re-checked on its own (`evaluate`), by anyone, from the file:

| kind | the line is |
|---|---|
| ``given`` | the one number (a table's wage, a class's amount a head, a set salary) |
| ``product`` | the product of the numbers, rounded down to the fen |
| ``difference`` | the first number less the second, or nothing when that is below zero |
| ``sum`` | the sum of the numbers (a person's total) |

Pay rules build their rows with `explained` (`staffing.pay.rules`, one rule
per line); `staffing.pay.reasons` gathers and verifies them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from staffing.domain.instance import Identifier, Row, column
from staffing.pay.codes import Fund, FundField, Line
from staffing.pay.money import Money, SignedMoney, Yuan, fen_display

Kind = Literal["given", "product", "difference", "sum"]
EXACT = Context(prec=200)  # enough digits that every product of a row's numbers is exact
OPERATORS = {"product": (" × ", " x "), "difference": (" − ", " - "), "sum": (" + ", " + ")}


class PayExplained(Row):
    """One pay line of one person, explained: its formula with the numbers and its fund."""

    person: Identifier = column("工号", "person id")
    name: str = column("姓名", "name", "")
    line: str = column("工资项目", "pay line code (or total)")
    line_zh: str = column("项目名称", "pay line in Chinese", "")
    amount: SignedMoney = column("金额(元)", "the line, yuan")
    fund: FundField | None = column("资金来源", "the fund it is drawn from (blank: base pay "
                                    "from the salary budget)", None)
    rule: str = column("规则", "the pay line or rule that sets it", "")
    kind: str = column("计算方式", "given, product (rounded down to the fen), difference "
                       "(not below 0) or sum")
    numbers: str = column("数值", "the numbers, name=value; separated, exact")
    formula_zh: str = column("算式", "the formula with its numbers, in Chinese")
    formula_en: str = column("formula", "the formula with its numbers, in English")
    home_post_pay: Money | None = column("原岗位年收入(元)", "for a top-up: the home-post pay "
                                         "it restores", None)


class ExplainedLine(NamedTuple):
    """A `PayExplained` row as the engine builds it (light: a county has 100,000 of them)."""

    person: str
    name: str
    line: str
    line_zh: str
    amount: Yuan
    fund: Fund | None
    rule: str
    kind: str
    numbers: str
    formula_zh: str
    formula_en: str
    home_post_pay: Yuan | None


@dataclass(frozen=True)
class Term:
    """One number of a formula: its name, Chinese and English labels and exact value."""

    name: str
    zh: str
    en: str
    value: Decimal
    money: bool = False  # shown as yuan with separators

    def shown(self) -> str:
        return _shown(self.value, self.money)


def explained(person: str, name: str, line: Line | str, kind: Kind, terms: list[Term], *,
              amount_fen: int, fund: Fund | None = None, rule: str = "", note_zh: str = "",
              note_en: str = "", home_post_pay_fen: int | None = None) -> ExplainedLine:
    """A row: the formula text built from ``terms`` (``note_*`` added in brackets)."""
    code = line.value if isinstance(line, Line) else line
    line_zh = line.zh if isinstance(line, Line) else "合计"
    numbers, zh, en = _texts(kind, tuple(terms), amount_fen, note_zh, note_en)
    home = None if home_post_pay_fen is None else _yuan(home_post_pay_fen)
    return ExplainedLine(person, name, code, line_zh, _yuan(amount_fen), fund, rule, kind,
                         numbers, zh, en, home)


@lru_cache(maxsize=65536)
def _texts(kind: Kind, terms: tuple[Term, ...], amount_fen: int, note_zh: str,
           note_en: str) -> tuple[str, str, str]:
    """The numbers and the formulas of a row (many rows share them: table wages, class amounts)."""
    result = fen_display(amount_fen)
    zh = _formula(kind, list(terms), "zh", result)
    en = _formula(kind, list(terms), "en", result)
    if kind == "product" and not _whole_fen(_product(t.value for t in terms)):
        zh, en = f"{zh}（分以下舍去）", f"{en} (rounded down to the fen)"
    if note_zh:
        zh, en = f"{zh}；{note_zh}", f"{en}; {note_en}"
    return ";".join(f"{t.name}={_plain(t.value)}" for t in terms), zh, en


def numbers_of(row: PayExplained | ExplainedLine) -> list[tuple[str, Decimal]]:
    """The numbers of a row, in order, as exact decimals."""
    out = []
    for part in row.numbers.split(";") if row.numbers else []:
        key, _, value = part.partition("=")
        out.append((key, Decimal(value)))
    return out


def evaluate(row: PayExplained | ExplainedLine) -> int:
    """The line a row's numbers give, in fen, by the row's kind of arithmetic.

    Raises
    ------
    ValueError
        for an unknown kind or the wrong count of numbers.
    """
    values = [v for _, v in numbers_of(row)]
    if row.kind == "given":
        if len(values) != 1:
            raise ValueError("a given amount has one number")
        return _fen_down(values[0])
    if row.kind == "product":
        return _fen_down(_product(values))
    if row.kind == "difference":
        if len(values) != 2:
            raise ValueError("a difference has two numbers")
        return max(0, _fen_down(EXACT.subtract(values[0], values[1])))
    if row.kind == "sum":
        return _fen_down(sum(values, Decimal(0)))
    raise ValueError(f"unknown kind '{row.kind}'")


def _product(values: Iterable[Decimal]) -> Decimal:
    """The exact product of decimals."""
    out = Decimal(1)
    for v in values:
        out = EXACT.multiply(out, v)
    return out


def _fen_down(yuan: Decimal) -> int:
    return math.floor(EXACT.multiply(yuan, Decimal(100)))


def _whole_fen(yuan: Decimal) -> bool:
    fen = EXACT.multiply(yuan, Decimal(100))
    return fen == fen.to_integral_value()


def _formula(kind: Kind, terms: list[Term], lang: str, result: str) -> str:
    def part(t: Term) -> str:
        label = t.zh if lang == "zh" else t.en
        return f"{label} {t.shown()}" if label else t.shown()

    if kind == "given":
        return part(terms[0])
    joined = OPERATORS[kind][0 if lang == "zh" else 1].join(part(t) for t in terms)
    if kind == "difference":
        return f"{joined} = {result}" if result != "0.00" else (
            f"{joined} ≤ 0：无需补差" if lang == "zh" else f"{joined} <= 0: nothing to top up")
    return f"{joined} = {result}"


@lru_cache(maxsize=65536)
def _yuan(fen: int) -> Yuan:
    return Yuan.of_fen(fen)


@lru_cache(maxsize=65536)
def _shown(value: Decimal, money: bool) -> str:
    return fen_display(int(value * 100)) if money else _plain(value)


@lru_cache(maxsize=65536)
def _plain(value: Decimal | int | float) -> str:
    """A number as written: no exponent, no trailing zeros after the point (12.50 -> 12.5)."""
    text = format(Decimal(value) if not isinstance(value, float) else Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def person_name(data: Any, i: int) -> tuple[str, str]:
    """Person id and name of paid person ``i`` of pay facts ``data`` (`PayData`)."""
    pid = data.people[i]
    return pid, data.instance.person_by_id[pid].name


def amount_term(name: str, zh: str, en: str, fen: int) -> Term:
    """A term that is an amount of money, given in fen."""
    return Term(name, zh, en, _yuan(int(fen)), money=True)


def number_term(name: str, zh: str, en: str, value: object) -> Term:
    """A term that is a plain number (points, a coefficient, a point value), as written."""
    if isinstance(value, float):
        exact_value = Decimal(repr(value))
    else:
        exact_value = Decimal(str(value))
    return Term(name, zh, en, exact_value)
