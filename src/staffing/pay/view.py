"""A pay plan's lines as integer fen arrays aligned with the pay facts: what pay rules check."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from staffing.domain.violation import Violation
from staffing.pay.codes import COMPARABLE, LINES, Fund, Line
from staffing.pay.data import PayData
from staffing.pay.money import Yuan, fen_display
from staffing.pay.plan import ClassSchedule, PayPlan

if TYPE_CHECKING:
    from staffing.pay.rules.base import PayRule


class PayView:
    """A plan's lines as integer fen arrays aligned with the pay facts' people.

    ``point_value`` and ``surplus_point_value`` hold each person's point values as the
    plan states them (exact decimals; None for people outside the pool);
    ``schedule`` the plan's class schedule by class label (empty if not given).
    """

    def __init__(self, data: PayData, plan: PayPlan, *,
                 amounts: dict[Line, np.ndarray] | None = None):
        """Read the plan's lines; or, from the engine, take its arrays (same people, in order)."""
        self.data = data
        self.plan = plan
        self.plan_funds: dict[Fund, tuple[int, int, int]] = {
            f.fund: (Yuan(f.budget).fen, Yuan(f.paid).fen, Yuan(f.left_over).fen)
            for f in plan.funds
        }
        self.schedule: dict[str, ClassSchedule] = {row.pay_class: row for row in plan.schedule}
        n = data.n
        self.point_value: list[Decimal | None] = [None] * n
        self.surplus_point_value: list[Decimal | None] = [None] * n
        self.strangers: list[str] = []
        self.duplicates: list[str] = []
        if amounts is not None:
            self.amounts = {line: np.asarray(amounts[line], dtype=np.int64) for line in LINES}
            self.reported_total = self.total()
            self.present = np.ones(n, dtype=bool)
            self.posts: dict[int, str | None] = dict(enumerate(data.post))
            for pl in plan.lines:
                i = data.index[pl.person]
                self.point_value[i] = pl.point_value
                self.surplus_point_value[i] = pl.surplus_point_value
            return
        self.amounts = {line: np.zeros(n, dtype=np.int64) for line in LINES}
        self.reported_total = np.zeros(n, dtype=np.int64)
        self.present = np.zeros(n, dtype=bool)
        self.posts = {}
        names = [line.value for line in LINES]
        columns = [self.amounts[line] for line in LINES]
        for pl in plan.lines:
            found = data.index.get(pl.person)
            if found is None:
                self.strangers.append(pl.person)
                continue
            i = found
            if self.present[i]:
                self.duplicates.append(pl.person)
                continue
            self.present[i] = True
            for name, column in zip(names, columns):
                column[i] = int(getattr(pl, name).scaleb(2))
            self.reported_total[i] = Yuan(pl.total).fen
            self.point_value[i] = pl.point_value
            self.surplus_point_value[i] = pl.surplus_point_value
            self.posts[i] = pl.post

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

    def class_value(self, rule: PayRule, k: int, surplus: bool = False
                    ) -> tuple[Decimal | None, list[Violation]]:
        """The one point value the members of class ``k`` carry, or violations saying otherwise.

        Every member must state the same value and, when the plan gives its schedule,
        the schedule's.
        """
        data = self.data
        c = data.classes[k]
        stated = self.surplus_point_value if surplus else self.point_value
        what = "surplus point value" if surplus else "point value"
        values = {stated[i] for i in c.members.tolist() if self.present[i]}
        if len(values) > 1:
            shown = sorted(str(v) for v in values if v is not None)
            return None, [rule.violation(
                f"class {c.label}: members carry different {what}s ({', '.join(shown[:4])})",
                people=tuple(data.people[i] for i in c.members[:5]))]
        value = next(iter(values), None)
        row = self.schedule.get(c.label)
        scheduled = None if row is None else (row.surplus_point_value if surplus
                                              else row.point_value)
        if scheduled is not None and value is not None and scheduled != value:
            return None, [rule.violation(
                f"class {c.label}: the lines carry {what} {value}, the schedule {scheduled}")]
        return value, []

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
