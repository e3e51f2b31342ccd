"""Tests that pay never decreases in points within a pay class, and what happens when it must."""

from __future__ import annotations

import pytest

from staffing import InfeasibleError
from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve


def case():
    # the senior person has more points and more seniority pay: equal pay needs a negative reward
    people = [person("OLD", "T-J", 200, hire_year=2005), person("NEW", "T-J", 10, hire_year=2024)]
    return build(people)


def test_without_the_rule_more_points_can_mean_less_pay() -> None:
    """Tests that without monotone_points a tight gap cap gives more points a negative reward.

    The plan is otherwise sound, and the checker under the rule reports the senior person.
    """
    inst, roster = case()
    loose = pay_policy(rules={"income_gap": {"max_to_min": 1.01}, "monotone_points": None})
    plan = solve(inst, roster, loose)
    plan_ok(inst, loose, roster, plan)
    assert plan.by_person["OLD"].reward < 0
    strict = pay_policy(rules={"income_gap": {"max_to_min": 1.01}})
    found = of_rule(checked(inst, strict, roster, plan), "monotone_points")
    assert found and "OLD" in found[0].people


def test_with_the_rule_the_conflict_is_explained() -> None:
    """Tests that with monotone_points the tight gap cap is infeasible, naming both rules."""
    inst, roster = case()
    strict = pay_policy(rules={"income_gap": {"max_to_min": 1.01}})
    with pytest.raises(InfeasibleError) as error:
        solve(inst, roster, strict)
    names = [name for name, _ in error.value.explanation.rules]
    assert "income_gap" in names and "monotone_points" in names


def test_plain_plans_are_monotone() -> None:
    """Tests that a plain plan's performance pay never falls as points rise within a class."""
    people = [person(f"P{i}", "T-J", points) for i, points in enumerate([5, 50, 50, 51, 99])]
    inst, roster = build(people)
    policy = pay_policy()
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    perf = [plan.by_person[f"P{i}"].basic + plan.by_person[f"P{i}"].reward for i in range(5)]
    assert perf == sorted(perf)
