"""Objective stage values of a roster, recomputed from the inputs alone.

The allocation engine reports the value of each stage it optimised; the
checker recomputes them here, without any solver, and the two must agree.
"""

from __future__ import annotations

from typing import Any

from staffing.domain.instance import Instance
from staffing.domain.policy import Policy, Stage
from staffing.domain.ranking import PanelRanks
from staffing.domain.roster import Roster
from staffing.rules.base import Violation


def rank_profile(instance: Instance, policy: Policy, roster: Roster) -> list[int]:
    """People placed at their 1st, 2nd, ... choice."""
    counts = [0] * policy.max_choices
    for person, choices in instance.choices_of.items():
        post = roster.post_of(person)
        if post in choices:
            position = choices.index(post)
            if position < len(counts):
                counts[position] += 1
    return counts


def panel_quality(instance: Instance, policy: Policy, roster: Roster) -> int:
    """Sum of panel ranks of people placed at one of their choices (lower is better)."""
    ranks = PanelRanks(instance, policy)
    total = 0
    for person, choices in instance.choices_of.items():
        post = roster.post_of(person)
        if post in choices:
            total += ranks.applicant_rank(post, person) or 0
    return total


def unplaced(instance: Instance, roster: Roster) -> int:
    """Incumbents left without a post."""
    return sum(1 for p in instance.staff if p.is_incumbent and roster.post_of(p.id) is None)


def moves(instance: Instance, roster: Roster) -> int:
    """Incumbents with a current post who do not hold it after the round."""
    return sum(
        1
        for p in instance.staff
        if p.current_post is not None and roster.post_of(p.id) != p.current_post
    )


def stage_values(
    instance: Instance, policy: Policy, roster: Roster, violations: list[Violation]
) -> dict[str, Any]:
    """Value of every objective stage of the policy for this roster."""
    soft_by_stage: dict[Stage, int] = {stage: 0 for stage in Stage}
    for v in violations:
        if not v.hard:
            rule = policy.rule(v.rule)
            if rule is not None:
                soft_by_stage[rule.stage] += v.amount
    values: dict[str, Any] = {}
    for stage in policy.objective:
        if stage is Stage.RANK_PROFILE:
            values[stage.value] = rank_profile(instance, policy, roster)
        elif stage is Stage.PANEL_QUALITY:
            values[stage.value] = panel_quality(instance, policy, roster)
        elif stage is Stage.UNPLACED:
            values[stage.value] = unplaced(instance, roster)
        elif stage is Stage.MOVES:
            values[stage.value] = moves(instance, roster)
        else:
            values[stage.value] = soft_by_stage[stage]
    return values
