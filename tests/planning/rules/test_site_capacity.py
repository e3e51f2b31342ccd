"""Tests that a place takes rotating people only in its years and at most its number."""

from __future__ import annotations

from staffing.planning.tables import PlanTeam
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

RULE = "site_capacity"


def make():
    return case(doctors("D1", "D2", "D3"), plan_needs=needs("T1-GP", 2025, most=2)
                + needs("T2-GP", 2026),
                plan_teams=[PlanTeam(team="RT", institution="T2", year=2025)])


def test_rotations_within_places_pass() -> None:
    """Tests that two at T1-GP (max 2) in 2025 and one at T2-GP in 2026 pass."""
    rep = report(make(), planning_policy(), plan(D1=(2025, "T1-GP"), D2=(2025, "T1-GP"),
                                                 D3=(2026, "T2-GP")))
    assert of_rule(rep, RULE) == []


def test_overfull_post_closed_year_and_second_leader_are_three() -> None:
    """Tests that 3 at T1-GP, T2-GP in 2025 and two team leaders break exactly 3 limits."""
    rotations = plan(D1=(2025, "T1-GP"), D2=(2025, "T1-GP"), D3=(2025, "T1-GP"))
    rep = report(make(), planning_policy(), rotations + plan(D1=(2026, "T1-GP")))
    found = of_rule(rep, RULE)
    assert [v.amount for v in found] == [1, 1]
    assert "takes at most 2 in 2025 but has 3" in found[0].message
    assert "takes nobody in 2026" in found[1].message
    leaders = plan(D1=(2025, "RT", "leader"), D2=(2025, "RT", "leader"))
    (two,) = of_rule(report(make(), planning_policy(), leaders), RULE)
    assert "team RT (leaders) takes at most 1 in 2025 but has 2" in two.message


def test_one_place_for_two_candidates_makes_one_late() -> None:
    """Tests that two candidates due 2026 and one place in 2025 leave exactly one late."""
    inst = case(doctors("C1", "C2"), plan_needs=needs("T1-GP", 2025, 2026),
                plan_staff=targets(C1=2026, C2=2026))
    result = solve(inst, planning_policy())
    assert result.report.stages["on_time"] == 1
    assert sorted(placed(result).values()) == [(2025, "T1-GP"), (2026, "T1-GP")]
    late = [s for s in result.statuses if s.status == "late"]
    assert len(late) == 1 and "site_capacity" in late[0].code
