"""Tests that grassroots coverage counts the people missing at posts and teams, or forbids it."""

from __future__ import annotations

import pytest

from staffing.errors import InfeasibleError
from staffing.planning.tables import PlanTeam
from tests.planning.builders import (
    case,
    doctors,
    needs,
    of_rule,
    plan,
    planning_policy,
    report,
    solve,
)

RULE = "grassroots_coverage"


def make():
    return case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025, need=2),
                plan_teams=[PlanTeam(team="RT", institution="T2", year=2026, required=True)])


def test_covered_needs_pass() -> None:
    """Tests that two at T1-GP in 2025 and a required team left out only count the team."""
    rep = report(make(), planning_policy(), plan(D1=(2025, "T1-GP"), D2=(2025, "T1-GP")))
    found = of_rule(rep, RULE)
    assert [v.amount for v in found] == [1, 4]  # the team's leader and 4 members
    assert not any("T1-GP" in v.message for v in found)


def test_one_short_at_a_post_is_one_soft_shortfall() -> None:
    """Tests that one of two at T1-GP is a soft shortfall of 1 counted in the coverage stage."""
    inst = case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025, need=2))
    rep = report(inst, planning_policy(), plan(D1=(2025, "T1-GP")))
    (v,) = of_rule(rep, RULE)
    assert (v.amount, v.hard) == (1, False)
    assert v.message == "post T1-GP (T1) in 2025 needs 2 rotating and has 1 (D1)"
    assert rep.stages["coverage"] == 1 and rep.ok


def test_hard_coverage_without_people_is_explained() -> None:
    """Tests that hard coverage of 3 with 2 people has no plan, and the explanation names it."""
    inst = case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025, need=3, most=3))
    with pytest.raises(InfeasibleError) as error:
        solve(inst, planning_policy(rules={RULE: {"hard": True}}))
    explanation = error.value.explanation
    assert RULE in explanation.rules()
    assert "post T1-GP (T1) in 2025 has 3 rotating" in str(explanation)
    assert explanation.alone[RULE] is True


def test_soft_coverage_is_met_when_people_allow() -> None:
    """Tests that the planner covers a need of 2 with the 2 GPs there are."""
    result = solve(case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025, need=2)),
                   planning_policy())
    assert result.report.stages["coverage"] == 0 and len(result.rotations) == 2
