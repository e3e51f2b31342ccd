"""Tests that no county department loses more people at once than its limit."""

from __future__ import annotations

from staffing.planning.tables import PlanDepartment
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

RULE = "department_absence"
LIMIT = [PlanDepartment(institution="H", discipline="general_practice", max_absent=1)]


def make(**tables):
    return case(doctors("D1", "D2", "D3"), plan_needs=needs("T1-GP", 2025, 2026, most=2)
                + needs("T2-GP", 2025), **tables)


def test_one_away_per_year_passes() -> None:
    """Tests that one GP away in 2025 and one in 2026 pass a limit of 1."""
    rep = report(make(plan_departments=LIMIT), planning_policy(),
                 plan(D1=(2025, "T1-GP"), D2=(2026, "T1-GP")))
    assert of_rule(rep, RULE) == []


def test_three_away_over_a_limit_of_one_is_one_violation_of_two() -> None:
    """Tests that three GPs away in 2025 over a limit of 1 is one violation of amount 2."""
    rep = report(make(plan_departments=LIMIT), planning_policy(),
                 plan(D1=(2025, "T1-GP"), D2=(2025, "T1-GP"), D3=(2025, "T2-GP")))
    (v,) = of_rule(rep, RULE)
    assert (v.amount, v.people, v.hard) == (2, ("D1", "D2", "D3"), True)
    assert v.message == ("department H-general_practice has 3 people away in 2025, more than "
                         "its limit of 1")


def test_share_limit_rounds_up() -> None:
    """Tests that a share of 0.5 of 3 people allows 2 away (rounded up) and forbids a third."""
    pol = planning_policy(department_share=0.5)
    two = plan(D1=(2025, "T1-GP"), D2=(2025, "T1-GP"))
    assert of_rule(report(make(), pol, two), RULE) == []
    (v,) = of_rule(report(make(), pol, two + plan(D3=(2025, "T2-GP"))), RULE)
    assert v.amount == 1


def test_limit_spreads_candidates_over_years() -> None:
    """Tests that two candidates of one department under a limit of 1 go in different years."""
    inst = make(plan_departments=LIMIT, plan_staff=targets(D1=2027, D2=2027))
    result = solve(inst, planning_policy())
    years = sorted(r.start_year for r in result.rotations if r.person in ("D1", "D2"))
    assert len(years) == 2 and years[0] != years[1]
    assert result.report.stages["on_time"] == 0
