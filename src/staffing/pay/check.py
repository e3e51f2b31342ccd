"""The independent pay checker: every pay line and rule recomputed from the inputs and the lines.

`check_pay` rebuilds the pay facts from the instance, roster and policy
(`staffing.pay.data`), reads the plan's lines as integer fen and asks every
line and rule of the policy to check them. No solver and no model value is
used: a plan read from ``pay.csv`` is checked exactly like one the engine
returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.domain.violation import Violation
from staffing.pay.data import PayData, PaySource
from staffing.pay.figures import general
from staffing.pay.money import fen_display
from staffing.pay.plan import PayPlan
from staffing.pay.view import PayView


def _structure(view: PayView) -> list[Violation]:
    """Every paid person has one line on the roster's post, and totals add up."""
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


@dataclass(frozen=True)
class PayReport:
    """What the pay checker found: every pay rule's violations and the plan's figures."""

    violations: list[Violation]
    figures: dict[str, Any]

    @property
    def hard_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.hard]

    @property
    def ok(self) -> bool:
        """No pay rule is broken."""
        return not self.hard_violations


def check_pay(instance: Instance, policy: PaySource, roster: Roster, plan: PayPlan,
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
    return check_plan(PayData.build(instance, roster, policy, budget=override), plan)


def check_plan(data: PayData, plan: PayPlan) -> tuple[list[Violation], dict[str, Any]]:
    """Check a plan's lines against pay facts already gathered (see `check_pay`)."""
    view = PayView(data, plan)
    violations = _structure(view)
    figures: dict[str, Any] = general(view)
    for rule in data.rules():
        found = rule.check(view)
        violations.extend(found)
        figures.update(rule.figures(view))
    return violations, figures
