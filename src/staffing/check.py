"""The independent checker: every rule recomputed from the inputs and the roster, no solver.

`check` is what tests call on every roster and pay plan the engine returns,
and what ``staffing check`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.roster import Roster
from staffing.domain.violation import Violation
from staffing.domain.without_post import without_post
from staffing.errors import raise_if_errors
from staffing.indicators import Indicator, indicators
from staffing.io.roster_io import roster_problems
from staffing.objectives import stage_values
from staffing.pay.check import check_pay
from staffing.pay.plan import PayPlan
from staffing.policy import Policy
from staffing.rules.base import Placement


@dataclass
class CheckReport:
    """What the checker found: violations by rule, stage values and indicators."""

    violations: list[Violation]
    stages: dict[str, Any]
    indicators: list[Indicator]
    pay_violations: list[Violation] = field(default_factory=list)
    pay_figures: dict[str, Any] = field(default_factory=dict)
    blocking_rules: frozenset[str] = frozenset()  # the rules counted in the blocking-pairs stage
    without_post: dict[str, int] = field(default_factory=dict)  # `domain.without_post` groups

    @property
    def hard_violations(self) -> list[Violation]:
        """Violations of hard rules, the roster's and the pay plan's."""
        return [v for v in self.violations + self.pay_violations if v.hard]

    @property
    def soft_violations(self) -> list[Violation]:
        """Violations of soft rules, the roster's and the pay plan's."""
        return [v for v in self.violations + self.pay_violations if not v.hard]

    @property
    def ok(self) -> bool:
        """No hard rule is broken."""
        return not self.hard_violations

    def by_rule(self) -> dict[str, list[Violation]]:
        """Every violation, the roster's and the pay plan's, grouped by rule."""
        grouped: dict[str, list[Violation]] = {}
        for v in self.violations + self.pay_violations:
            grouped.setdefault(v.rule, []).append(v)
        return grouped

    @property
    def blocking_pairs(self) -> int:
        """Pairs that block the two-way selection (violations of the rules counted in the
        blocking-pairs stage)."""
        return sum(1 for v in self.violations if v.rule in self.blocking_rules)


@dataclass(frozen=True)
class AuditLine:
    """One line of the rule audit: a rule, or one part of it when its parts differ in hardness.

    ``part_en``/``part_zh`` name the parts the line covers (empty for a rule of one part).
    The hard lines' violations are exactly the report's hard violations of the roster.
    """

    rule: str
    label_en: str
    label_zh: str
    part_en: str
    part_zh: str
    hard: bool
    violations: list[Violation]
    source: str

    @property
    def status(self) -> str:
        """ok, violated (a hard line broken) or short (a soft line not met)."""
        return "ok" if not self.violations else ("violated" if self.hard else "short")

    @property
    def amount(self) -> int:
        return sum(v.amount for v in self.violations)


def audit_lines(policy: Policy, report: CheckReport) -> list[AuditLine]:
    """Each rule of the policy with its violations, hard and soft parts on lines of their own."""
    by_rule = report.by_rule()
    lines = []
    for rule in policy.rule_objects():
        found = by_rule.get(rule.name, [])
        parts = rule.parts()
        for hard in sorted({p.hard for p in parts} | {v.hard for v in found}, reverse=True):
            named = [p for p in parts if p.hard == hard and p.label_en] if len(parts) > 1 else []
            lines.append(AuditLine(
                rule.name, rule.label_en, rule.label_zh,
                "; ".join(p.label_en for p in named), "；".join(p.label_zh for p in named),
                hard, [v for v in found if v.hard == hard], rule.params.source))
    return lines


def check_roster(instance: Instance, policy: Policy, roster: Roster,
                 placement: Placement | None = None, *,
                 references_checked: bool = False) -> list[Violation]:
    """Every violation of every enabled rule.

    ``references_checked`` skips re-checking that every person and post of the roster exists
    (for rosters derived from one already checked).
    """
    if not references_checked:
        raise_if_errors(roster_problems(instance, roster.assignments))
    placement = placement or Placement(instance, policy, roster)
    violations: list[Violation] = []
    for rule in policy.rule_objects():
        violations.extend(rule.check(placement))
    return violations


def check(instance: Instance, policy: Policy, roster: Roster,
          pay: PayPlan | None = None) -> CheckReport:
    """Recompute every rule, the objective stages and the indicators of a roster (and pay plan)."""
    placement = Placement(instance, policy, roster)
    violations = check_roster(instance, policy, roster, placement)
    report = CheckReport(
        violations=violations,
        stages=stage_values(instance, policy, roster, violations, placement),
        indicators=indicators(instance, roster, placement.post_index),
        blocking_rules=frozenset(r.name for r in policy.rules_counted_in(Stage.BLOCKING_PAIRS)),
        without_post=without_post(instance, roster, placement.post_index),
    )
    if pay is not None:
        report.pay_violations, report.pay_figures = check_pay(instance, policy, roster, pay)
    return report
