"""Tests that each plan stage recomputes its value from a plan exactly as defined."""

from __future__ import annotations

from staffing.planning.tables import PlanDepartment, PlanPreference
from tests.planning.builders import (
    case,
    doctors,
    needs,
    nurses,
    plan,
    planning_policy,
    report,
    solve,
    targets,
)


def make():
    return case([*doctors("D1", "D2", "D3", "D4"), *nurses("N1", "N2")],
                plan_needs=needs("T1-GP", 2025, 2026, 2027, most=2) + needs("T2-GP", 2025, 2027)
                + needs("T1-NUR", 2025, 2026),
                plan_staff=targets(D1=2027),
                plan_preferences=[PlanPreference(person="D2", rank=1, year=2026, site="T1-GP"),
                                  PlanPreference(person="D2", rank=2, year=2025)],
                plan_departments=[PlanDepartment(institution="H", discipline="nursing",
                                                 max_absent=2)])


def test_preference_is_the_rank_met_or_last_plus_one() -> None:
    """Tests that D2's wishes cost 1 (2026 at T1-GP), 2 (any place in 2025) or 3 (none met)."""
    pol = planning_policy()
    assert report(make(), pol, plan(D2=(2026, "T1-GP"))).stages["preference"] == 1
    assert report(make(), pol, plan(D2=(2025, "T2-GP"))).stages["preference"] == 2
    assert report(make(), pol, plan(D2=(2027, "T2-GP"))).stages["preference"] == 3
    assert report(make(), pol, plan(D3=(2027, "T2-GP"))).stages["preference"] == 0


def test_fairness_is_the_worst_department_share_per_mille() -> None:
    """Tests that 2 GP rotations over 4 GPs give 500 per mille (2 person-years of 4).

    The nurses' department (2 people, 1 rotation) is at 500 too; 3 GP rotations give 750.
    """
    pol = planning_policy()
    two = plan(D2=(2025, "T1-GP"), D3=(2026, "T1-GP"))
    assert report(make(), pol, two).stages["fairness"] == 500
    assert report(make(), pol, plan(N1=(2025, "T1-NUR"))).stages["fairness"] == 500
    three = two + plan(D4=(2027, "T2-GP"))
    assert report(make(), pol, three).stages["fairness"] == 750


def test_extra_rotations_count_people_who_need_none() -> None:
    """Tests that rotations of D2 and N1 count, the candidate D1's does not."""
    rotations = plan(D1=(2025, "T2-GP"), D2=(2025, "T1-GP"), N1=(2025, "T1-NUR"))
    assert report(make(), planning_policy(), rotations).stages["extra_rotations"] == 2


def test_lateness_counts_years_after_the_target() -> None:
    """Tests that D1 (target 2027) sent in 2027 is 1 year late, not sent 2 years."""
    pol = planning_policy()
    assert report(make(), pol, plan(D1=(2027, "T1-GP"))).stages["lateness"] == 1
    assert report(make(), pol, []).stages["lateness"] == 2
    assert report(make(), pol, plan(D1=(2026, "T1-GP"))).stages["lateness"] == 0


def test_solver_objectives_match_the_checker_in_policy_order() -> None:
    """Tests that every stage the solver proves equals the checker's value, in the given order."""
    order = ["coverage", "on_time", "fairness", "preference", "lateness", "extra_rotations"]
    result = solve(make(), planning_policy(objective=order))
    assert [o.stage for o in result.stages] == order
    assert all(o.status == "optimal" and o.value == o.objective for o in result.stages)
    assert result.report.stages["coverage"] == 1  # 5 GP needs, 4 GPs each sent at most once
