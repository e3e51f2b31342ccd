"""Tests that the demo county gets a pay plan under every policy model, exact to the fen, and
that a time limit bounds the whole call."""

from __future__ import annotations

import numpy as np
import pytest

import staffing
from staffing.domain.clock import RunClock
from staffing.domain.roster import Roster
from staffing.errors import ArgumentError, TimeLimitError
from staffing.pay.engine import round_seconds
from staffing.pay.money import Yuan
from tests.pay.builders import build, pay_policy, person, plan_ok, solve, solves_taking

MODEL_NAMES = ["chongqing-2024", "guangdong-2019", "nanxun-2024", "shenzhen-luohu-2017"]


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_demo_county_under_every_model(demo, demo_roster, models, name) -> None:
    """Tests that the demo county's roster gets an optimal, checked plan under each model.

    Everyone is paid or listed unpaid, the six rotated people get an allowance, and the
    manifest records the policy hash, the instance hash and the solver status.
    """
    policy = models[name]
    plan = solve(demo, demo_roster, policy)
    plan_ok(demo, policy, demo_roster, plan)
    assert plan.status == "optimal"
    assert len(plan.lines) + len(plan.unpaid) == len(demo.staff)
    rotated = [pl for pl in plan.lines if pl.allowance > 0]
    assert len(rotated) == 6
    manifest = plan.manifest
    assert manifest["policy"]["hash"] == policy.hash() and manifest["instance"]["hash"]
    assert manifest["solver"]["status"] == "optimal"


def test_the_current_roster_too(demo, models) -> None:
    """Tests that the demo's current roster gets a checked plan under every model."""
    roster = Roster.current(demo)
    for policy in models.values():
        plan_ok(demo, policy, roster, solve(demo, roster, policy))


def test_same_inputs_same_plan(demo, demo_roster, models) -> None:
    """Tests that solving twice gives identical lines and fund use."""
    policy = models["nanxun-2024"]
    first = solve(demo, demo_roster, policy)
    second = solve(demo, demo_roster, policy)
    assert first.lines == second.lines and first.funds == second.funds


def test_a_budget_override_is_spent_and_recorded(demo, demo_roster, models) -> None:
    """Tests that a budget override is the plan's performance budget and is recorded as given."""
    policy = models["guangdong-2019"]
    size = demo.extras["pay_funds"][0].amount
    plan = solve(demo, demo_roster, policy, budget=Yuan(size + Yuan("1000.01")))
    plan_ok(demo, policy, demo_roster, plan)
    assert plan.fund("performance").budget == size + Yuan("1000.01")
    assert plan.budget_override == {"performance": str(size + Yuan("1000.01"))}


def test_closest_to_the_formula_when_no_rule_binds() -> None:
    """Tests that without a binding rule every performance line is within two fen of the formula."""
    people = [person(f"P{i}", post, pts) for i, (post, pts) in
              enumerate([("H-J", 40), ("H-I", 90), ("T-J", 55), ("V-N", 20), ("T-I", 70)])]
    inst, roster = build(people, {"performance": "300000.00"})
    policy = pay_policy()
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    for pl in plan.lines:  # every performance line is the formula's, to the fen
        assert abs(pl.basic + pl.reward - pl.formula) <= Yuan("0.02")
    assert plan.objective["model_deviation"] < 0.5


def test_unplaced_people_are_not_paid() -> None:
    """Tests that a person without a post gets no line and is listed as unpaid."""
    inst, roster = build([person("A", "T-J", 40), person("B", None, 30)])
    policy = pay_policy()
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert plan.unpaid == ["B"] and [pl.person for pl in plan.lines] == ["A"]


def test_bad_pay_inputs_raise_one_located_error() -> None:
    """Tests that a missing fund and two missing grade rows come in one InputError."""
    people = [person("A", "T-J", 40), person("S", "H-S", 40)]
    inst, roster = build(people, {"surplus": 100}, grades=[])
    policy = pay_policy(lines={"surplus_award": {}})
    with pytest.raises(staffing.InputError) as error:
        solve(inst, roster, policy)
    kinds = sorted(p.kind for p in error.value.errors)
    assert kinds == ["missing_fund", "missing_grade", "missing_grade"]


def test_a_policy_without_pay_is_refused() -> None:
    """Tests that a policy without a pay section raises PolicyError."""
    inst, roster = build([person("A", "T-J", 40)])
    with pytest.raises(staffing.PolicyError):
        solve(inst, roster, staffing.Policy(name="no pay"))


def test_table_values_reach_the_lines(demo, demo_roster, models) -> None:
    """Tests that under the Luohu model family-doctor lines are paid in multiples of 120 yuan."""
    plan = solve(demo, demo_roster, models["shenzhen-luohu-2017"])
    fd = np.array([float(pl.family_doctor) for pl in plan.lines])
    assert fd.sum() > 0 and np.all(np.mod(np.round(fd * 100), 12000) == 0)


def _ratio_case() -> tuple[staffing.Instance, Roster, staffing.Policy]:
    people = [person(f"H{i}", "H-J", 80 + i) for i in range(3)] + \
        [person(f"T{i}", "T-J", 40 + i) for i in range(3)]
    inst, roster = build(people, {"performance": "400000.00"})
    return inst, roster, pay_policy(rules={"tier_ratio": {"target": 0.8}})


def test_a_time_limit_bounds_the_whole_call_not_each_solve() -> None:
    """Tests that ``time_limit`` is the whole call's: each CBC call is given what is left of
    it less the rounding's share, the second less than the first, and the manifest records
    the limit."""
    inst, roster, policy = _ratio_case()
    with solves_taking(0.0) as (_, given):
        plan = staffing.distribute_pay(inst, roster, policy, time_limit=5.0).plan
    plan_ok(inst, policy, roster, plan)
    assert len(given) == 2
    assert given[1] < given[0] <= 5.0 - round_seconds(len(plan.lines))
    assert plan.manifest["run"]["time_limit"] == 5.0


def test_a_plan_stopped_in_its_even_spread_is_stage_ones_and_says_so() -> None:
    """Tests that when the limit stops the even spread, the plan is stage 1's (it passes the
    checker) and the manifest's ``run.cut_short`` says the spread was stopped."""
    inst, roster, policy = _ratio_case()
    with solves_taking(9.99) as (clock, _):
        plan = staffing.distribute_pay(inst, roster, policy, clock=clock).plan
    plan_ok(inst, policy, roster, plan)
    assert "spread" in plan.manifest["run"]["cut_short"]


def test_a_run_whose_time_is_gone_raises_before_solving() -> None:
    """Tests that a run clock with nothing left raises `TimeLimitError` naming the run's limit
    before the pay model is solved."""
    inst, roster, policy = _ratio_case()
    clock = RunClock(3.0, clock=lambda: 4.0)
    clock.started = 0.0
    with solves_taking(0.0) as (_, given), pytest.raises(TimeLimitError, match=r"\(3 s\)"):
        staffing.distribute_pay(inst, roster, policy, clock=clock)
    assert given == []


def test_a_clock_that_is_not_a_run_clock_is_refused() -> None:
    """Tests that a ``clock`` other than a `RunClock` raises `ArgumentError`, not later."""
    inst, roster, policy = _ratio_case()
    with pytest.raises(ArgumentError, match="RunClock"):
        staffing.distribute_pay(inst, roster, policy, clock=5.0)  # type: ignore[arg-type]
