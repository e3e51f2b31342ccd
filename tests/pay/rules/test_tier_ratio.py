"""Tests that the grassroots / lead pay ratio binds, holds to the target and is checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from staffing import InfeasibleError
from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve


def case():
    people = [person(f"H{i}", "H-J", 80) for i in range(3)] + \
        [person(f"T{i}", "T-J", 40) for i in range(3)] + [person("X", "H2-J", 60)]
    return build(people)


def test_ratio_binds_at_the_target() -> None:
    """Tests that the plain plan is below a 0.95 ratio and the plan reaches it within 0.0005."""
    inst, roster = case()
    plain = solve(inst, roster, pay_policy())
    assert plain.figures["tier_ratio"] < 0.95
    policy = pay_policy(rules={"tier_ratio": {"target": 0.95}})
    assert of_rule(checked(inst, policy, roster, plain), "tier_ratio")
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert 0.95 <= plan.figures["tier_ratio"] < 0.9505


@pytest.mark.parametrize("scope", ["overall", "each_class"])
def test_ratio_per_post_class(scope: str) -> None:
    """Tests that a 1.0 target holds in every post class or overall, as the scope says."""
    people = [person("HJ", "H-J", 80), person("HI", "H-I", 90), person("TJ", "T-J", 30),
              person("TI", "T-I", 30)]
    inst, roster = build(people)
    policy = pay_policy(rules={"tier_ratio": {"target": 1.0, "scope": scope}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    ratios = plan.figures["tier_ratio_by_post_class"]
    if scope == "each_class":
        assert min(ratios.values()) >= 1.0
    else:
        assert plan.figures["tier_ratio"] >= 1.0


def test_lead_protected_costs_money() -> None:
    """Tests that protect_lead makes the target need extra performance budget only.

    With that budget the ratio holds and the lead hospital keeps the formula's point value
    and basic pay at the instance's own budget.
    """
    inst, roster = case()
    policy = pay_policy(rules={"tier_ratio": {"target": 0.95, "protect_lead": True}})
    with pytest.raises(InfeasibleError) as error:
        solve(inst, roster, policy)
    needed = error.value.explanation.budget_needed()
    assert set(needed) == {"performance"}
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy, budget=needed))
    formula = solve(inst, roster, pay_policy())  # the formula at the instance's budget
    for pid in ("H0", "H1", "H2"):
        assert plan.by_person[pid].point_value >= formula.by_person[pid].point_value
        assert plan.by_person[pid].basic >= formula.by_person[pid].basic - Decimal("0.01")
    assert plan.figures["tier_ratio"] >= 0.95


def test_checker_uses_exact_fractions() -> None:
    """Tests that the checker reports a target 0.001 above the plan's rounded ratio."""
    inst, roster = case()
    policy = pay_policy(rules={"tier_ratio": {"target": 0.95}})
    plan = solve(inst, roster, policy)
    tighter = pay_policy(rules={"tier_ratio": {"target": plan.figures["tier_ratio"] + 0.001}})
    assert of_rule(checked(inst, tighter, roster, plan), "tier_ratio")
