"""Tests that a resident team is formed whole (1 leader + 4 members) or not at all."""

from __future__ import annotations

from staffing.planning.tables import PlanTeam
from tests.planning.builders import (
    case,
    doctors,
    nurses,
    of_rule,
    plan,
    planning_policy,
    report,
    solve,
)

RULE = "team_composition"
TEAM = [PlanTeam(team="RT", institution="T1", year=2025)]


def make(members: int = 4):
    return case([*doctors("L1"), *nurses(*[f"N{k}" for k in range(1, members + 1)])],
                plan_teams=TEAM)


def whole() -> dict[str, tuple]:
    return {"L1": (2025, "RT", "leader"), **{f"N{k}": (2025, "RT", "member") for k in range(1, 5)}}


def test_whole_team_and_no_team_pass() -> None:
    """Tests that 1 leader + 4 members, or nobody, break no composition rule."""
    assert of_rule(report(make(), planning_policy(), plan(**whole())), RULE) == []
    assert of_rule(report(make(), planning_policy(), []), RULE) == []


def test_partial_team_is_one_violation() -> None:
    """Tests that a leader and two members are one violation, 2 people short."""
    partial = {k: v for k, v in whole().items() if k in ("L1", "N1", "N2")}
    (v,) = of_rule(report(make(), planning_policy(), plan(**partial)), RULE)
    assert (v.amount, v.hard) == (2, True)
    assert "has 1 leader(s) and 2 member(s)" in v.message


def test_planner_forms_the_required_team() -> None:
    """Tests that with 5 eligible people the required team is formed whole."""
    result = solve(make(), planning_policy())
    assert sorted((r.person, r.role.value) for r in result.rotations) == [
        ("L1", "leader"), ("N1", "member"), ("N2", "member"), ("N3", "member"), ("N4", "member")]
    assert result.report.stages["coverage"] == 0


def test_three_members_cannot_form_it() -> None:
    """Tests that with 3 members the team is not formed and its 5 places count as shortfall."""
    result = solve(make(members=3), planning_policy())
    assert result.rotations == []
    assert result.report.stages["coverage"] == 5
