"""Tests that an infeasible target is explained, that the budget it names works, and that an
explanation the time limit cuts short says what it left out."""

from __future__ import annotations

import pytest

from staffing import InfeasibleError, distribute_pay
from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.pay.codes import Fund
from staffing.pay.data import PayData
from staffing.pay.explain import LEFT_BUDGET, LEFT_MINIMAL, explain_infeasible
from staffing.pay.money import Yuan
from staffing.policy import Policy
from tests.pay.builders import build, pay_policy, person, plan_ok, solve, solves_taking


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


def _conflict_case() -> tuple[Instance, Roster, Policy]:
    """Six people whose living floor and reward share cannot both hold (tier ratio loose)."""
    people = [person(f"H{i}", "H-S", 150) for i in range(3)] + \
        [person(f"V{i}", "V-N", 10) for i in range(3)]
    inst, roster = build(people, {"performance": 300000})
    policy = pay_policy(rules={"living_floor": {"annual_floor": 70000},
                               "reward_share": {"min_share": 0.9},
                               "tier_ratio": {"target": 0.5}})
    return inst, roster, policy


def _conflict() -> PayData:
    inst, roster, policy = _conflict_case()
    return PayData.build(inst, roster, policy)


def test_conflicting_rules_are_named() -> None:
    """Tests that a floor and a reward share that cannot hold together are named, tier_ratio not.

    The budget the explanation names gives a checked plan, and the floor or the share is
    reported with its reachable value.
    """
    inst, roster, policy = _conflict_case()
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


def test_an_explanation_cut_short_names_what_it_left_out() -> None:
    """Tests that an explanation whose time runs out after two solves keeps the least extra
    budget (the first), lists every rule not yet dropped (a superset of the full answer's)
    and names what it did not work out, in its text and its data."""
    data = _conflict()
    full = explain_infeasible(data)
    with solves_taking(4.0) as (clock, given):
        cut = explain_infeasible(data, clock)
    assert len(given) == 3 and full.left_out == []
    assert cut.extra_budget == full.extra_budget and LEFT_BUDGET not in cut.left_out
    assert LEFT_MINIMAL in cut.left_out
    assert {name for name, _ in full.rules} <= {name for name, _ in cut.rules}
    assert cut.reachable == {} and any("best reachable" in what for what in cut.left_out)
    assert "not worked out, the time limit came first" in str(cut)
    assert cut.to_dict()["left_out"] == cut.left_out


def test_an_explanation_with_no_time_says_so_and_no_budget_is_claimed() -> None:
    """Tests that with no time for any solve the explanation claims neither an extra budget
    nor that none would do, and still names the conflicting rules (all of them)."""
    data = _conflict()
    with solves_taking(10.0) as (clock, _):
        clock.started = -10.0
        cut = explain_infeasible(data, clock)
    assert cut.extra_budget == {} and LEFT_BUDGET in cut.left_out
    assert "no extra budget alone" not in str(cut)
    assert {"living_floor", "reward_share"} <= {name for name, _ in cut.rules}


def test_an_infeasible_plan_under_a_limit_is_explained_within_it() -> None:
    """Tests that `distribute_pay` with a whole-call limit still raises `InfeasibleError` with
    an explanation (cut short or not), never the time limit's error, when the model has no
    plan and time for the first solve."""
    inst, roster, _ = _conflict_case()
    policy = pay_policy(rules={"living_floor": {"annual_floor": 70000},
                               "reward_share": {"min_share": 0.9}})
    with solves_taking(3.0) as (clock, _), pytest.raises(InfeasibleError) as error:
        distribute_pay(inst, roster, policy, clock=clock)
    assert error.value.explanation.rules[0][0] == "budget"
    assert error.value.explanation.left_out
