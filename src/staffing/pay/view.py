"""A pay plan's lines as integer fen arrays aligned with the pay facts: what pay rules check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from staffing.domain.violation import Violation
from staffing.pay.codes import COMPARABLE, LINES, Fund, Line
from staffing.pay.data import PayData
from staffing.pay.money import Yuan, fen_display
from staffing.pay.plan import PayPlan

if TYPE_CHECKING:
    from staffing.pay.rules.base import PayRule


class PayView:
    """A plan's lines as integer fen arrays aligned with the pay facts' people."""

    def __init__(self, data: PayData, plan: PayPlan, *,
                 amounts: dict[Line, np.ndarray] | None = None,
                 point_value: np.ndarray | None = None,
                 surplus_point_value: np.ndarray | None = None):
        """Read the plan's lines; or, from the engine, take its arrays (same people, in order)."""
        self.data = data
        self.plan = plan
        self.plan_funds: dict[Fund, tuple[int, int, int]] = {
            f.fund: (Yuan(f.budget).fen, Yuan(f.paid).fen, Yuan(f.left_over).fen)
            for f in plan.funds
        }
        if amounts is not None:
            self._from_arrays(amounts, point_value, surplus_point_value)
            return
        n = data.n
        self.amounts = {line: np.zeros(n, dtype=np.int64) for line in LINES}
        self.reported_total = np.zeros(n, dtype=np.int64)
        self.point_value = np.zeros(n)
        self.surplus_point_value = np.zeros(n)
        self.present = np.zeros(n, dtype=bool)
        self.strangers: list[str] = []
        self.duplicates: list[str] = []
        self.posts: dict[int, str | None] = {}
        for pl in plan.lines:
            i = data.index.get(pl.person)
            if i is None:
                self.strangers.append(pl.person)
                continue
            if self.present[i]:
                self.duplicates.append(pl.person)
                continue
            self.present[i] = True
            for line in LINES:
                self.amounts[line][i] = pl.fen(line)
            self.reported_total[i] = Yuan(pl.total).fen
            self.point_value[i] = pl.point_value
            self.surplus_point_value[i] = pl.surplus_point_value
            self.posts[i] = pl.post

    def _from_arrays(self, amounts: dict[Line, np.ndarray], point: Any, surplus: Any) -> None:
        data = self.data
        cls = np.where(data.cls >= 0, data.cls, 0)
        inside = data.cls >= 0
        self.amounts = {line: np.asarray(amounts[line], dtype=np.int64) for line in LINES}
        self.reported_total = self.total()
        self.point_value = np.where(inside, np.asarray(point)[cls], 0.0) if len(point) else \
            np.zeros(data.n)
        self.surplus_point_value = np.where(inside, np.asarray(surplus)[cls], 0.0) \
            if len(surplus) else np.zeros(data.n)
        self.present = np.ones(data.n, dtype=bool)
        self.strangers = []
        self.duplicates = []
        self.posts = dict(enumerate(data.post))

    def amount(self, line: Line) -> np.ndarray:
        return self.amounts[line]

    def comparable(self) -> np.ndarray:
        """Comparable pay per person in fen (regular annual pay; see `staffing.pay.codes`)."""
        return sum((self.amounts[line] for line in COMPARABLE),
                   np.zeros(self.data.n, dtype=np.int64))

    def total(self) -> np.ndarray:
        return sum((self.amounts[line] for line in LINES), np.zeros(self.data.n, dtype=np.int64))

    def lines_paid(self) -> list[Line]:
        return [line for line in LINES if self.amounts[line].any()]

    def fixed_mismatches(self, rule: PayRule, lines: tuple[Line, ...]) -> list[Violation]:
        """Violations where a fixed line differs from what the inputs entitle a person to."""
        out = []
        for line in lines:
            expected = self.data.fixed_line(line)
            got = self.amounts[line]
            for i in np.flatnonzero(expected != got):
                out.append(rule.violation(
                    f"{self.data.people[i]}: {line.value} ({line.zh}) is "
                    f"{fen_display(int(got[i]))}, the inputs give {fen_display(int(expected[i]))}",
                    amount=abs(int(got[i] - expected[i])), people=(self.data.people[i],),
                    numbers={"line": line.value, "got_fen": int(got[i]),
                             "expected_fen": int(expected[i])}))
        return out
