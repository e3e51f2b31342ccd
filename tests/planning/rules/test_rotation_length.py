"""Tests that every rotation lasts the policy's rotation length."""

from __future__ import annotations

from tests.planning.builders import (
    case,
    doctors,
    needs,
    of_rule,
    plan,
    planning_policy,
    report,
    solve,
    targets,
)

RULE = "rotation_length"


def make():
    return case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025, 2026, 2027),
                plan_staff=targets(D1=2028))


def test_one_year_rotations_pass() -> None:
    """Tests that rotations of one plan year pass a 12-month rotation length."""
    assert of_rule(report(make(), planning_policy(), plan(D1=(2025, "T1-GP"))), RULE) == []


def test_two_year_rotation_is_one_violation() -> None:
    """Tests that a rotation 2025-2026 under 12-month rotations is exactly one violation."""
    found = of_rule(report(make(), planning_policy(), plan(D1=(2025, "T1-GP", "post", 2026))),
                    RULE)
    assert len(found) == 1 and "lasts 2 year(s)" in found[0].message


def test_eighteen_month_rotations_take_two_plan_years() -> None:
    """Tests that 18-month rotations occupy two plan years and complete at the second's end."""
    pol = planning_policy(rotation_months=18, required_months=18)
    result = solve(make(), pol)
    (rotation,) = [r for r in result.rotations if r.person == "D1"]
    assert rotation.end_year == rotation.start_year + 1 <= 2027
    assert of_rule(result.report, RULE) == []
