"""Objective stage values of a roster, recomputed from the inputs alone.

The allocation engine reports the value of each stage it optimised; the
checker recomputes them here, without any solver, and the two must agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.ranking import ChoiceTable
from staffing.domain.roster import Roster
from staffing.policy import Policy
from staffing.rules.base import Placement, Violation


def _placement(instance: Instance, policy: Policy, roster: Roster) -> Placement:
    return Placement(instance, policy, roster)


def rank_profile(instance: Instance, policy: Policy, roster: Roster,
                 placement: Placement | None = None) -> list[int]:
    """People placed at their 1st, 2nd, ... choice."""
    placement = placement or _placement(instance, policy, roster)
    table = ChoiceTable.of(instance, policy)
    got = placement.post_index[table.person] == table.post
    counts = np.bincount(table.position[got], minlength=policy.max_choices + 1)
    return [int(c) for c in counts[1 : policy.max_choices + 1]]


def panel_quality(instance: Instance, policy: Policy, roster: Roster,
                  placement: Placement | None = None) -> int:
    """Sum of panel ranks of people placed at one of their choices (lower is better)."""
    placement = placement or _placement(instance, policy, roster)
    table = ChoiceTable.of(instance, policy)
    got = placement.post_index[table.person] == table.post
    return int(table.rank[got].sum())


def unplaced(instance: Instance, roster: Roster, placement: Placement | None = None) -> int:
    """Incumbents left without a post."""
    index = (placement or _placement(instance, Policy.default(), roster)).post_index
    return int(np.sum(instance.arrays.incumbent & (index < 0)))


def unplaced_all(instance: Instance, roster: Roster, placement: Placement | None = None) -> int:
    """Everyone left without a post: incumbents, new recruits and city-dispatched staff."""
    index = (placement or _placement(instance, Policy.default(), roster)).post_index
    return int(np.sum(index < 0))


def moves(instance: Instance, roster: Roster, placement: Placement | None = None) -> int:
    """Incumbents with a current post who do not hold it after the round."""
    index = (placement or _placement(instance, Policy.default(), roster)).post_index
    current = instance.arrays.current_post
    return int(np.sum((current >= 0) & (index != current)))


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
    placement = placement or _placement(instance, policy, roster)
    values: dict[str, Any] = {}
    for stage in policy.objective:
        if stage is Stage.RANK_PROFILE:
            values[stage.value] = rank_profile(instance, policy, roster, placement)
        elif stage is Stage.PANEL_QUALITY:
            values[stage.value] = panel_quality(instance, policy, roster, placement)
        elif stage is Stage.UNPLACED:
            values[stage.value] = unplaced(instance, roster, placement)
        elif stage is Stage.UNPLACED_ALL:
            values[stage.value] = unplaced_all(instance, roster, placement)
        elif stage is Stage.MOVES:
            values[stage.value] = moves(instance, roster, placement)
        else:
            values[stage.value] = soft_by_stage.get(stage, 0)
    return values
