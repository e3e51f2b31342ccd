"""Tests that promotion candidates complete a grassroots year before their target year."""

from __future__ import annotations

import pytest

from staffing.errors import InfeasibleError
from staffing.planning.tables import PlanPerson
from tests.planning.builders import (
    case,
    doctors,
    needs,
    of_rule,
    placed,
    plan,
    planning_policy,
    report,
    solve,
    targets,
)

RULE = "promotion_deadline"


def make():
    return case(doctors("C1", "C2", "C3", "C4"), plan_needs=needs("T1-GP", 2025, 2026, 2027),
                plan_staff=[*targets(C1=2026, C2=2027),
                            PlanPerson(person="C3", eligible_from=2031),
                            PlanPerson(person="C4", target_year=2026, months_served=12)])


def test_on_time_rotations_pass() -> None:
    """Tests that C1 in 2025 and C2 in 2026 are on time, C3 (2031) and C4 (done) need none."""
    rep = report(make(), planning_policy(), plan(C1=(2025, "T1-GP"), C2=(2026, "T1-GP")))
    assert of_rule(rep, RULE) == [] and rep.stages["on_time"] == 0


def test_late_and_unsent_candidates_are_two() -> None:
    """Tests that C1 sent in 2026 (target 2026) and C2 not sent are exactly 2 soft violations."""
    rep = report(make(), planning_policy(), plan(C1=(2026, "T1-GP")))
    found = of_rule(rep, RULE)
    assert [v.people for v in found] == [("C1",), ("C2",)]
    assert not any(v.hard for v in found)
    assert "completes the grassroots year only at the end of 2026" in found[0].message
    assert rep.stages["on_time"] == 2
    assert rep.stages["lateness"] == 1 + 2  # C1 a year late; C2 as if sent in 2028


def test_planner_serves_every_candidate_on_time() -> None:
    """Tests that the plan sends C1 in 2025 and C2 by 2026, and reports every status.

    The third year's need goes to C3 (eligible 2031) rather than to nobody: a candidate
    sent early is not an extra rotation.
    """
    result = solve(make(), planning_policy())
    assert placed(result)["C1"] == (2025, "T1-GP") and placed(result)["C2"][0] <= 2026
    statuses = {s.person: s.status for s in result.statuses}
    assert statuses == {"C1": "on_time", "C2": "on_time", "C3": "on_time", "C4": "done"}
    assert result.report.stages["extra_rotations"] == 0


def test_candidate_beyond_the_plan_is_later() -> None:
    """Tests that a candidate eligible after the plan, with no place free, is reported later."""
    inst = case(doctors("C3"), plan_staff=[PlanPerson(person="C3", eligible_from=2031)])
    (status,) = solve(inst, planning_policy()).statuses
    assert status.status == "later" and "beyond this plan" in status.text


def test_target_too_soon_is_reported() -> None:
    """Tests that a target in the selection year itself is reported too soon, not sent."""
    inst = case(doctors("C1"), plan_needs=needs("T1-GP", 2025), plan_staff=targets(C1=2025))
    (status,) = solve(inst, planning_policy()).statuses
    assert status.code == "too_soon" and "too soon" in status.text


def test_hard_deadline_that_cannot_hold_is_explained() -> None:
    """Tests that a hard deadline with one place for two candidates has no plan, explained."""
    inst = case(doctors("C1", "C2"), plan_needs=needs("T1-GP", 2025),
                plan_staff=targets(C1=2026, C2=2026))
    with pytest.raises(InfeasibleError) as error:
        solve(inst, planning_policy(rules={RULE: {"hard": True}}))
    assert set(error.value.explanation.rules()) >= {RULE, "site_capacity"}
