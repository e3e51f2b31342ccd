"""Tests that the reward share of performance pay binds at its floor."""

from __future__ import annotations

from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve


def test_reward_share_binds() -> None:
    """Tests that a 0.4 reward share breaks a 0.5 floor and the plan lifts it to just above 0.5."""
    people = [person(f"P{i}", "T-J", 20 + 10 * i) for i in range(6)]
    inst, roster = build(people)
    heavy_basic = {"performance": {"basic_share": 0.6}}
    plain = solve(inst, roster, pay_policy(lines=heavy_basic))
    assert abs(plain.figures["reward_share"] - 0.4) < 0.001
    policy = pay_policy(lines=heavy_basic, rules={"reward_share": {"min_share": 0.5}})
    assert of_rule(checked(inst, policy, roster, plain), "reward_share")
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert 0.5 <= plan.figures["reward_share"] < 0.5005
