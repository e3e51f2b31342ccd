"""Objective stage values of a roster, recomputed from the inputs alone.

The allocation engine reports the value of each stage it optimised; the
checker recomputes them here, without any solver, asking each stage of the
catalogue (`staffing.stages`), and the two must agree.
"""

from __future__ import annotations

from typing import Any

from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.roster import Roster
from staffing.policy import Policy
from staffing.rules.base import Placement, Violation
from staffing.stages import STAGES


def rank_profile(instance: Instance, policy: Policy, roster: Roster) -> list[int]:
    """People placed at their 1st, 2nd, ... choice."""
    profile: list[int] = STAGES[Stage.RANK_PROFILE].value(Placement(instance, policy, roster), 0)
    return profile


def stage_values(
    instance: Instance, policy: Policy, roster: Roster, violations: list[Violation],
    placement: Placement | None = None,
) -> dict[str, Any]:
    """Value of every objective stage of the policy for this roster."""
    stage_of = {rule.name: rule.stage for rule in policy.rule_objects()}
    soft_by_stage: dict[Stage, int] = {stage: 0 for stage in Stage}
    for v in violations:
        if not v.hard and v.rule in stage_of:
            soft_by_stage[stage_of[v.rule]] += v.amount
    return stage_values_of(instance, policy, roster, soft_by_stage, placement)


def stage_values_of(instance: Instance, policy: Policy, roster: Roster,
                    soft_by_stage: dict[Stage, int],
                    placement: Placement | None = None) -> dict[str, Any]:
    """Value of every stage, given the soft rules' breaches summed by the stage counting them."""
    placement = placement or Placement(instance, policy, roster)
    return {stage.value: STAGES[stage].value(placement, soft_by_stage.get(stage, 0))
            for stage in policy.objective}
