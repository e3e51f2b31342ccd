"""Tests that cool-off keeps people just back from being sent again and sends candidates once."""

from __future__ import annotations

from staffing.planning.tables import PlanPerson
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

RULE = "cool_off"


def make():
    return case(doctors("D1", "D2", "C1"), plan_needs=needs("T1-GP", 2025, 2026, 2027)
                + needs("T2-GP", 2025, 2026, 2027),
                plan_staff=[PlanPerson(person="D1", returned_year=2024), *targets(C1=2028)])


def test_rotations_after_the_cool_off_pass() -> None:
    """Tests that D1 (back in 2024) going in 2027 and D2 going in 2025 pass a 2-year cool-off."""
    rep = report(make(), planning_policy(), plan(D1=(2027, "T1-GP"), D2=(2025, "T1-GP")))
    assert of_rule(rep, RULE) == []


def test_early_return_repeat_and_second_candidate_rotation_are_three() -> None:
    """Tests that D1 in 2026, D2 twice 2 years apart and C1 twice make exactly 3 violations."""
    rotations = plan(D1=(2026, "T1-GP")) + plan(D2=(2025, "T2-GP")) + plan(D2=(2027, "T2-GP")) \
        + plan(C1=(2025, "T1-GP")) + plan(C1=(2027, "T1-GP"))
    found = of_rule(report(make(), planning_policy(), rotations), RULE)
    by_person = {v.people: v.message for v in found}
    assert len(found) == 3 and set(by_person) == {("D1",), ("D2",), ("C1",)}
    assert "came back in 2024" in by_person[("D1",)] and "before 2027" in by_person[("D1",)]
    assert "starts must be 3 years apart" in by_person[("D2",)]
    assert "sent 2 times" in by_person[("C1",)]


def test_group_of_two_covers_two_of_three_years() -> None:
    """Tests that two interchangeable GPs with a 2-year cool-off cover 2 of 3 yearly needs."""
    inst = case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025, 2026, 2027))
    result = solve(inst, planning_policy())
    assert result.report.stages["coverage"] == 1
    assert sorted(r.person for r in result.rotations) == ["D1", "D2"]
    ungrouped = solve(inst, planning_policy(), grouped=False)
    assert ungrouped.report.stages == result.report.stages


def test_without_cool_off_one_person_covers_every_year() -> None:
    """Tests that with no cool-off one GP may go three years running (starts 1 year apart)."""
    inst = case(doctors("D1"), plan_needs=needs("T1-GP", 2025, 2026, 2027))
    result = solve(inst, planning_policy(rules={"cool_off": {"years": 0}}))
    assert result.report.stages["coverage"] == 0
    assert [r.start_year for r in result.rotations] == [2025, 2026, 2027]
