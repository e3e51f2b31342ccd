"""Tests that qualification keeps rotations to the pool and to places and roles people may take."""

from __future__ import annotations

from staffing.planning.tables import PlanTeam
from tests.builders import person
from tests.planning.builders import (
    case,
    doctors,
    needs,
    nurses,
    of_rule,
    plan,
    planning_policy,
    report,
    solve,
    targets,
)

RULE = "qualification"


def make():
    return case([*doctors("D1", "D2", title="junior"), *nurses("N1"),
                 person("L1", pool="grassroots", current_post="T1-GP")],
                plan_needs=needs("T1-GP", 2025) + needs("T1-NUR", 2025),
                plan_teams=[PlanTeam(team="RT", institution="T2", year=2026)],
                plan_staff=targets(N1=2026))


def test_qualified_rotations_pass() -> None:
    """Tests that a GP at a GP post, a nurse at a nursing post and a nurse member pass."""
    rep = report(make(), planning_policy(), plan(D1=(2025, "T1-GP"), N1=(2025, "T1-NUR"),
                                                 D2=(2026, "RT", "member")))
    assert of_rule(rep, RULE) == []


def test_nurse_at_gp_post_junior_leader_and_grassroots_staff_are_three() -> None:
    """Tests that a nurse at a GP post, a junior leader and a township GP sent make exactly 3."""
    rep = report(make(), planning_policy(), plan(N1=(2025, "T1-GP"), D1=(2026, "RT", "leader"),
                                                 L1=(2025, "T1-GP")))
    found = of_rule(rep, RULE)
    assert [v.people for v in found] == [("N1",), ("D1",), ("L1",)]
    assert all(v.hard for v in found)
    assert "may not lead team RT" in found[1].message
    assert "not in the rotation pool" in found[2].message


def test_planner_never_sends_a_nurse_to_a_gp_post() -> None:
    """Tests that a nurse candidate whose only need is a GP post is reported, not sent there."""
    inst = case([*nurses("N1")], plan_needs=needs("T1-GP", 2025), plan_staff=targets(N1=2026))
    result = solve(inst, planning_policy())
    assert result.rotations == []
    (status,) = result.statuses
    assert (status.status, status.code) == ("not_sent", "qualification")
