"""Tests that the basic-living floor lifts the fixed part of pay exactly to the floor."""

from __future__ import annotations

from decimal import Decimal

from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve


def test_floor_binds() -> None:
    """Tests that the plain plan breaks the floor and the plan lifts fixed pay exactly to it."""
    people = [person("V", "V-N", 30, hire_year=2024), person("H", "H-I", 90)]
    inst, roster = build(people)
    plain = solve(inst, roster, pay_policy())
    policy = pay_policy(rules={"living_floor": {"annual_floor": 50000}})
    assert of_rule(checked(inst, policy, roster, plain), "living_floor")
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    v = plan.by_person["V"]
    assert v.base_post + v.base_seniority + v.basic == Decimal("50000.00")


def test_floor_below_pay_changes_nothing() -> None:
    """Tests that a floor below everyone's fixed pay leaves the plan at the formula's."""
    people = [person("V", "V-N", 30), person("H", "H-I", 90)]
    inst, roster = build(people)
    policy = pay_policy(rules={"living_floor": {"annual_floor": 1000}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert plan.objective["model_deviation"] < 1
