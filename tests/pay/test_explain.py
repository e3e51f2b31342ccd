"""Tests that an infeasible target is explained and that the budget it names works."""

from __future__ import annotations

import pytest

from staffing import InfeasibleError
from staffing.pay.codes import Fund
from staffing.pay.money import Yuan
from tests.pay.builders import build, pay_policy, person, plan_ok, solve


def test_demo_ratio_target_needs_extra_budget_and_rerun_succeeds(demo, demo_roster, models):
    """Tests that an unreachable protected ratio on the demo is explained and repaired.

    The explanation names budget and tier_ratio and the performance fund; its least extra
    budget makes a plan while one fen less does not; its reachable ratio works as a target.
    """
    nanxun = models["nanxun-2024"]
    policy = nanxun.replace(pay=nanxun.pay.with_rule("tier_ratio", target=1.4, protect_lead=True))
    with pytest.raises(InfeasibleError) as error:
        solve(demo, demo_roster, policy)
    explanation = error.value.explanation
    assert [name for name, _ in explanation.rules] == ["budget", "tier_ratio"]
    assert set(explanation.extra_budget) == {Fund.PERFORMANCE}
    assert "least extra budget" in str(explanation)
    plan = solve(demo, demo_roster, policy, budget=explanation.budget_needed())
    plan_ok(demo, policy, demo_roster, plan)
    assert plan.figures["tier_ratio"] >= 1.4
    # one fen less is not enough: the extra budget is the least one
    short = {f.value: Yuan.of_fen(explanation.budgets[f] + extra - 1)
             for f, extra in explanation.extra_budget.items()}
    with pytest.raises(InfeasibleError):
        solve(demo, demo_roster, policy, budget=short)
    # the highest reachable ratio with the current budget works as a target
    reach = explanation.reachable["tier_ratio.target"]
    assert reach["value"] < 1.4
    reachable = nanxun.replace(pay=nanxun.pay.with_rule("tier_ratio", target=reach["value"],
                                                        protect_lead=True))
    plan_ok(demo, reachable, demo_roster, solve(demo, demo_roster, reachable))


def test_conflicting_rules_are_named() -> None:
    """Tests that a floor and a reward share that cannot hold together are named, tier_ratio not.

    The budget the explanation names gives a checked plan, and the floor or the share is
    reported with its reachable value.
    """
    people = [person(f"H{i}", "H-S", 150) for i in range(3)] + \
        [person(f"V{i}", "V-N", 10) for i in range(3)]
    inst, roster = build(people, {"performance": 300000})
    policy = pay_policy(rules={"living_floor": {"annual_floor": 70000},
                               "reward_share": {"min_share": 0.9},
                               "tier_ratio": {"target": 0.5}})
    with pytest.raises(InfeasibleError) as error:
        solve(inst, roster, policy)
    explanation = error.value.explanation
    names = [name for name, _ in explanation.rules]
    assert names[0] == "budget" and "living_floor" in names and "reward_share" in names
    assert "tier_ratio" not in names  # not part of the conflict
    plan = solve(inst, roster, policy, budget=explanation.budget_needed())
    plan_ok(inst, policy, roster, plan)
    reach = explanation.reachable
    assert "living_floor.annual_floor" in reach or "reward_share.min_share" in reach


def test_explanation_as_data() -> None:
    """Tests that to_dict gives the conflicting rules and the extra and needed budget as text."""
    people = [person("T", "T-J", 40), person("H", "H-J", 80)]
    inst, roster = build(people, {"performance": 50000})
    policy = pay_policy(rules={"living_floor": {"annual_floor": 60000}})
    with pytest.raises(InfeasibleError) as error:
        solve(inst, roster, policy)
    data = error.value.explanation.to_dict()
    # base pay 22,800 + 9,600: the floor needs 27,600 of basic pay a head, 55,200 in all;
    # without monotone points a negative reward could pay for it, so that rule is named too
    assert data["rules"] == ["budget", "monotone_points", "living_floor"]
    assert data["extra_budget"] == {"performance": "5200.00"}
    assert data["budget_needed"] == {"performance": "55200.00"}
