"""The independent pay checker: every pay line and rule recomputed from the inputs and the lines.

`check_pay` rebuilds the pay facts from the instance, roster and policy
(`staffing.pay.data`), reads the plan's lines as integer fen and asks every
line and rule of the policy to check them. No solver and no model value is
used: a plan read from ``pay.csv`` is checked exactly like one the engine
returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.pay.codes import COMPARABLE, LINES, Fund, Line
from staffing.pay.data import PayData
from staffing.pay.figures import general
from staffing.pay.money import Yuan, fen_display

if TYPE_CHECKING:
    from staffing.domain.policy import Policy
    from staffing.pay.plan import PayPlan
    from staffing.pay.rules.base import PayRule
    from staffing.rules.base import Violation


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


def _structure(view: PayView) -> list[Violation]:
    """Every paid person has one line on the roster's post, and totals add up."""
    from staffing.rules.base import Violation

    data = view.data
    out = []

    def bad(message: str, **fields: Any) -> None:
        out.append(Violation("pay_lines", message, hard=True, **fields))

    for i in np.flatnonzero(~view.present):
        bad(f"{data.people[i]} holds post {data.post[i]} but has no pay line",
            people=(data.people[i],))
    for person in view.strangers:
        bad(f"{person} has a pay line but is not paid under this roster (no post, or unknown)",
            people=(person,))
    for person in view.duplicates:
        bad(f"{person} has more than one pay line", people=(person,))
    for k, post in view.posts.items():
        if post != data.post[k]:
            bad(f"{data.people[k]}'s pay line is for post {post}, the roster places them at "
                f"{data.post[k]}", people=(data.people[k],))
    wrong = np.flatnonzero(view.present & (view.reported_total != view.total()))
    for i in wrong:
        bad(f"{data.people[i]}: the total {fen_display(int(view.reported_total[i]))} is not the "
            f"sum of the lines {fen_display(int(view.total()[i]))}", people=(data.people[i],))
    return out


def check_pay(instance: Instance, policy: Policy, roster: Roster, plan: PayPlan,
              budget: Any = None) -> tuple[list[Violation], dict[str, Any]]:
    """Recompute every pay line and rule of ``policy`` for ``plan``.

    Parameters
    ----------
    budget
        Fund sizes the plan was made with, if they differ from the instance's
        ``pay_funds`` (default: the override recorded in the plan, if any).

    Returns
    -------
    tuple
        The violations (every one hard) and the plan's figures: fund use,
        totals, ratios, gap, Gini coefficient, deviation from the formula.
    """
    override = budget if budget is not None else (plan.budget_override or None)
    data = PayData.build(instance, roster, policy, budget=override)
    view = PayView(data, plan)
    violations = _structure(view)
    figures: dict[str, Any] = general(view)
    for rule in data.rules():
        found = rule.check(view)
        violations.extend(found)
        figures.update(rule.figures(view))
    return violations, figures
