"""Tests that exclusions keep people from the rotations they cannot take, with the reason."""

from __future__ import annotations

from staffing.planning.tables import PlanExclusion
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

RULE = "exclusions"


def make():
    return case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025, 2026, 2027)
                + needs("T2-GP", 2025),
                plan_staff=targets(D1=2028),
                plan_exclusions=[
                    PlanExclusion(person="D1", year=2025, reason="maternity"),
                    PlanExclusion(person="D2", site="T2-GP", reason="family", note="children")])


def test_rotations_outside_exclusions_pass() -> None:
    """Tests that D1 in 2026 and D2 at T1-GP in 2025 break no exclusion."""
    rep = report(make(), planning_policy(), plan(D1=(2026, "T1-GP"), D2=(2025, "T1-GP")))
    assert of_rule(rep, RULE) == []


def test_excluded_year_and_place_are_two() -> None:
    """Tests that D1 in 2025 and D2 at T2-GP are exactly 2 violations, each with its reason."""
    rep = report(make(), planning_policy(), plan(D1=(2025, "T1-GP"), D2=(2025, "T2-GP")))
    found = of_rule(rep, RULE)
    assert len(found) == 2 and all(v.hard for v in found)
    assert "in 2025 (maternity 孕产期)" in found[0].message
    assert "to T2-GP (family 家庭困难, children)" in found[1].message


def test_planner_sends_after_the_excluded_year() -> None:
    """Tests that D1, excluded in 2025 and wishing nothing, is sent in 2026 or later."""
    result = solve(make(), planning_policy())
    assert placed(result)["D1"][0] >= 2026
    assert placed(result).get("D2", (0, "T1-GP"))[1] != "T2-GP"
