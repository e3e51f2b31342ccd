"""Tests that the income-gap cap binds and is checked on the highest and lowest pay."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve


def case():
    people = [person("S", "H-S", 200, hire_year=1995), person("J", "H-J", 60),
              person("V", "V-N", 10, hire_year=2024), person("T", "T-J", 50)]
    return build(people)


@pytest.mark.parametrize("bound,cap", [("max_to_min", 2.0), ("max_to_mean", 1.3)])
def test_gap_binds(bound: str, cap: float) -> None:
    """Tests that the plain plan breaks each gap cap and the plan meets it within 0.01."""
    inst, roster = case()
    plain = solve(inst, roster, pay_policy())
    policy = pay_policy(rules={"income_gap": {bound: cap}})
    assert of_rule(checked(inst, policy, roster, plain), "income_gap")
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert cap - 0.01 < plan.figures[bound] <= cap


def test_a_gap_rule_needs_a_bound() -> None:
    """Tests that an income_gap rule with neither max_to_min nor max_to_mean is refused."""
    with pytest.raises(ValidationError):
        pay_policy(rules={"income_gap": {}})
