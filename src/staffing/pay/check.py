"""The independent pay checker: every pay line and rule recomputed from the inputs and the lines.

`check_pay` rebuilds the pay facts from the instance, roster and policy
(`staffing.pay.data`), reads the plan's lines as integer fen and asks every
line and rule of the policy to check them. No solver and no model value is
used: a plan read from ``pay.csv`` is checked exactly like one the engine
returned. Amounts are compared in integer fen, with no tolerance; the plan is
judged with the parameters its manifest records (budget override, ratio
target), and every figure it states is recomputed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.domain.violation import Violation
from staffing.manifest import instance_hash, roster_hash
from staffing.pay.data import PayData
from staffing.pay.figures import general
from staffing.pay.money import fen_display
from staffing.pay.plan import PayPlan
from staffing.pay.policy import with_ratio_target
from staffing.pay.view import PayView
from staffing.policy import Policy


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


def check_pay(instance: Instance, policy: Policy, roster: Roster, plan: PayPlan,
              budget: Any = None, ratio_target: float | None = None
              ) -> tuple[list[Violation], dict[str, Any]]:
    """Recompute every pay line, rule and figure of ``policy`` for ``plan``, exactly.

    The plan is judged as it was made: with the budget override and the ratio
    target its manifest records (``parameters``), unless given here. Every line
    is recomputed in integer fen by the project's rounding rule
    (`staffing.pay.rounding`) and must match to the fen; the plan's fund use
    must be the funds' sizes, what the lines pay and the difference; every
    figure the plan states must be what the lines give.

    Parameters
    ----------
    budget
        Fund sizes the plan was made with, if they differ from the instance's
        ``pay_funds`` (default: the override the plan's manifest records).
    ratio_target
        The grassroots / lead ratio target the plan was made with (default: the
        manifest's, else the policy's).

    Returns
    -------
    tuple
        The violations and the plan's figures recomputed: fund use, totals,
        ratios, gap, Gini coefficient, deviation from the formula. Violations are
        hard, except ``pay_manifest`` notes that the plan was made from other
        inputs, another policy or another roster than those given.
    """
    return check_plan(plan_data(instance, policy, roster, plan, budget, ratio_target),
                      policy, plan)


def plan_data(instance: Instance, policy: Policy, roster: Roster, plan: PayPlan,
              budget: Any = None, ratio_target: float | None = None) -> PayData:
    """The pay facts of a plan as it was made: the budget override and ratio target of its
    manifest (or those given here)."""
    made = made_with(plan)
    override = budget if budget is not None else (
        made.get("budget_override") or plan.budget_override or None)
    target = ratio_target if ratio_target is not None else made.get("ratio_target")
    return PayData.build(instance, roster, with_ratio_target(policy, target), budget=override)


def made_with(plan: PayPlan) -> dict[str, Any]:
    """The parameters a plan was made with, as its manifest records them (empty if none)."""
    return dict((plan.manifest or {}).get("parameters") or {})


def judged_policy(policy: Policy, plan: PayPlan) -> Policy:
    """The policy as the plan was made under it: with the ratio target its manifest records."""
    return with_ratio_target(policy, made_with(plan).get("ratio_target"))


def check_plan(data: PayData, policy: Policy, plan: PayPlan
               ) -> tuple[list[Violation], dict[str, Any]]:
    """`check_pay` on pay facts already gathered for the plan's parameters (``data``)."""
    view = PayView(data, plan)
    violations = _structure(view) + _provenance(data, policy, plan)
    for rule in data.rules():
        violations.extend(rule.check(view))
    figures = general(view)
    violations.extend(_figures_differ(plan, figures))
    if plan.figures and plan.unpaid != data.unplaced:
        violations.append(Violation(
            "pay_figures", f"the plan lists {len(plan.unpaid)} unpaid people, the roster leaves "
            f"{len(data.unplaced)} without a post", hard=True))
    return violations, figures


def _provenance(data: PayData, policy: Policy, plan: PayPlan) -> list[Violation]:
    """Soft notes when the manifest names other inputs, policy or roster than those checked."""
    if not plan.manifest:
        return []
    recorded: dict[str, str] = {part: str((plan.manifest.get(part) or {}).get("hash") or "")
                                for part in ("instance", "policy", "roster")}
    given = {"instance": instance_hash(data.instance), "policy": policy.hash(),
             "roster": roster_hash(data.roster)}
    return [Violation("pay_manifest", f"the plan was made from another {part} than the one "
                      f"checked (manifest hash {recorded[part][:12]}..., given "
                      f"{given[part][:12]}...)", hard=False)
            for part in ("instance", "policy", "roster")
            if recorded[part] and recorded[part] != given[part]]


def _figures_differ(plan: PayPlan, figures: dict[str, Any]) -> list[Violation]:
    """Hard violations for every figure the plan states that its lines do not give."""
    if not plan.figures:
        return []
    fresh = json.loads(json.dumps(figures, default=str))
    stated = json.loads(json.dumps(plan.figures, default=str))
    out = [Violation("pay_figures", f"figure {key} is {json.dumps(stated.get(key))} in the plan, "
                     f"its lines give {json.dumps(fresh.get(key))}", hard=True)
           for key in sorted(set(fresh) | set(stated)) if fresh.get(key) != stated.get(key)]
    return out
