"""The independent plan checker: every plan rule and stage recomputed from the inputs, no solver.

`check_plan` is what tests call on every plan the engine returns, what the
engine itself runs before it hands a plan out, and what ``staffing
check-plan`` prints. It also tabulates each department's absences and each
place's coverage by year, the figures the outputs show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from staffing.domain.instance import Instance
from staffing.domain.violation import Violation
from staffing.errors import PolicyError, Problem
from staffing.planning.facts import Horizon, PlanFacts
from staffing.planning.policy import PlanningPolicy
from staffing.planning.rules.base import PlanView
from staffing.planning.tables import PlanRole, Rotation
from staffing.policy import Policy
from staffing.rules.forbidden import admissible_mask


@dataclass
class PlanReport:
    """What the plan checker found: violations by rule, stage values, absences and coverage."""

    violations: list[Violation]
    stages: dict[str, int]
    departments: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)

    @property
    def hard_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.hard]

    @property
    def soft_violations(self) -> list[Violation]:
        return [v for v in self.violations if not v.hard]

    @property
    def ok(self) -> bool:
        """No hard plan rule is broken."""
        return not self.hard_violations

    def by_rule(self) -> dict[str, list[Violation]]:
        grouped: dict[str, list[Violation]] = {}
        for v in self.violations:
            grouped.setdefault(v.rule, []).append(v)
        return grouped


def planning_of(policy: Policy, source: str = "policy") -> PlanningPolicy:
    """The policy's planning section.

    Raises
    ------
    PolicyError
        when the policy has none.
    """
    if policy.planning is None:
        raise PolicyError([Problem(
            source, f"policy '{policy.name}' has no planning section", "no_planning",
            column="planning", expected="a 'planning:' section (horizon, rotation_months, "
            "team, rules, objective), as in models/guangdong-2019.yaml",
            message_zh=f"政策“{policy.name}”没有轮转规划部分（planning）",
            expected_zh="“planning:”部分（horizon、rotation_months、team、rules、objective），"
            "参见 models/guangdong-2019.yaml")])
    return policy.planning


def plan_facts(instance: Instance, policy: Policy, years: int | None = None) -> PlanFacts:
    """The facts of a plan of ``years`` years (default: the policy's horizon) from this year on."""
    planning = planning_of(policy)
    horizon = Horizon(start=instance.meta.year, years=years or planning.horizon,
                      rotation_months=planning.rotation_months,
                      required_months=planning.required_months)
    return PlanFacts.build(instance, horizon, admissible_mask(instance, policy),
                           team=planning.team, pool=planning.pool,
                           department_share=planning.department_share)


def check_plan(instance: Instance, policy: Policy, rotations: list[Rotation],
               years: int | None = None, facts: PlanFacts | None = None) -> PlanReport:
    """Recompute every plan rule and stage of a plan from the inputs alone.

    ``rotations`` must name known people and places within the plan's years (as
    `staffing.planning.io.read_rotations` ensures).
    """
    facts = facts or plan_facts(instance, policy, years)
    return check_view(planning_of(policy), PlanView(facts, rotations))


def check_view(planning: PlanningPolicy, view: PlanView) -> PlanReport:
    """The report of a plan already seen from the rules."""
    violations: list[Violation] = []
    for rule in planning.rule_objects():
        violations.extend(rule.check(view))
    stages = {stage.name: stage.value(view, violations) for stage in planning.stage_objects()}
    return PlanReport(violations, stages, department_rows(view), coverage_rows(view))


def department_rows(view: PlanView) -> list[dict[str, Any]]:
    """Each department's people away, by plan year, against its limit."""
    facts = view.facts
    out = []
    for d, dept in enumerate(facts.departments):
        for t, year in enumerate(facts.horizon.year_list):
            away = np.flatnonzero(view.covers(t) & (facts.department[view.person] == d)) \
                if len(view) else np.zeros(0, np.int64)
            out.append({"department": dept.id, "institution": dept.institution,
                        "discipline": dept.discipline.value, "year": year, "staff": dept.size,
                        "limit": "" if dept.limit is None else dept.limit, "away": len(away),
                        "people": ";".join(view.people(away))})
    return out


def coverage_rows(view: PlanView) -> list[dict[str, Any]]:
    """Each place's rotating people, by plan year and role, against its need and places."""
    facts = view.facts
    out = []
    for k, site in enumerate(facts.sites):
        inst = facts.instance.institution_by_id[site.institution]
        for role in site.roles():
            for t, year in enumerate(facts.horizon.year_list):
                if site.kind == "post":
                    need, places = site.need[t], site.places[t]
                else:
                    wanted = facts.team.needed(role)
                    need = wanted if site.required[t] else 0
                    places = wanted if site.is_open(t) else 0
                if not need and not places:
                    continue
                here = view.at(k, t, role if role is not PlanRole.POST else None)
                out.append({"site": site.id, "kind": site.kind, "role": role.value,
                            "institution": site.institution, "tier": inst.tier.value,
                            "year": year, "need": need, "places": places,
                            "assigned": len(here), "shortfall": max(0, need - len(here)),
                            "people": ";".join(view.people(here))})
    return out
