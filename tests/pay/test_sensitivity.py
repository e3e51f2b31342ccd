"""Tests that each pay rule is reported binding or not, with its slack and the price of a unit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import staffing
from staffing import InfeasibleError, distribute_pay
from staffing.io.roster_io import write_roster
from staffing.pay.check import plan_data
from staffing.pay.money import Yuan
from staffing.pay.sensitivity import NOT_ANALYSED, explain_targets
from tests.pay.builders import build, pay_policy, person, solve, solves_taking
from tests.pay.conftest import ROOT
from tests.pay.test_cli import invoke


def case():
    people = [person(f"H{i}", "H-J", 80) for i in range(3)] + \
        [person(f"T{i}", "T-J", 40) for i in range(3)] + [person("X", "H2-J", 60)]
    return build(people)


def targets(inst, roster, policy, **options):
    plan = solve(inst, roster, policy, **options)
    found = explain_targets(plan_data(inst, policy, roster, plan), plan)
    return plan, {t.rule: t for t in found}


def test_a_protected_ratio_binds_and_its_next_unit_is_priced() -> None:
    """Tests that a protected 0.95 ratio binds with no slack, and the least budget for 0.96
    that the report names makes a 0.96 plan while one fen less does not."""
    inst, roster = case()
    policy = pay_policy(rules={"tier_ratio": {"target": 0.95, "protect_lead": True}})
    _, found = targets(inst, roster, policy, budget=500_000)
    ratio = found["tier_ratio"]
    assert ratio.binds and ratio.step == 0.01 and abs(ratio.slack) < 1e-3
    assert ratio.cost_of_step is not None and ratio.cost_of_step > 0
    needed = Yuan.of_fen(ratio.budget_needed_next)
    harder = pay_policy(rules={"tier_ratio": {"target": 0.96, "protect_lead": True}})
    solve(inst, roster, harder, budget=needed)
    with pytest.raises(InfeasibleError):
        distribute_pay(inst, roster, harder, budget=needed - Decimal("0.01"))


def test_a_loose_target_does_not_bind() -> None:
    """Tests that a 0.5 ratio the plain plan beats is reported not binding, its slack the
    plan's ratio less 0.5, and its next unit free; monotone points does not bind either."""
    inst, roster = case()
    plan, found = targets(inst, roster, pay_policy(rules={"tier_ratio": {"target": 0.5}}))
    ratio = found["tier_ratio"]
    assert not ratio.binds and ratio.cost_of_step == 0
    assert ratio.slack == pytest.approx(plan.figures["tier_ratio"] - 0.5)
    assert not found["monotone_points"].binds and found["budget"].binds


def test_a_floor_prices_its_next_hundred_yuan() -> None:
    """Tests that a binding living floor's next 100 yuan costs 100 yuan a head of the pool."""
    inst, roster = case()
    policy = pay_policy(rules={"living_floor": {"annual_floor": 80000}})
    _, found = targets(inst, roster, policy, budget=600_000)
    floor = found["living_floor"]
    assert floor.binds and floor.slack == 0 and floor.step == 100
    assert floor.cost_of_step == 7 * 100 * 100  # 7 people, 100 yuan each, in fen


def test_cli_writes_targets_csv(tmp_path: Path) -> None:
    """Tests that ``staffing pay --explain-targets`` prints the table and writes targets.csv
    with one row per pay rule of the policy (guangdong-2019 on a small county)."""
    inst, roster = case()
    staffing.save(inst, tmp_path / "county")
    write_roster(roster, tmp_path / "roster.csv")
    result = invoke("pay", tmp_path / "county", tmp_path / "roster.csv", "--policy",
                    ROOT / "models" / "guangdong-2019.yaml", "--out", tmp_path / "out",
                    "--explain-targets", "--no-report")
    assert result.exit_code == 0, result.output
    assert "cost of one more unit" in result.output
    rows = (tmp_path / "out" / "targets.csv").read_text(encoding="utf-8").splitlines()
    names = [row.split(",")[0] for row in rows[1:]]
    assert names == ["budget", "reward_share", "monotone_points", "rotation_no_loss"]


def test_rules_the_time_limit_leaves_no_room_for_are_not_analysed() -> None:
    """Tests that when the clock runs out after the first solves, the rules left are given as
    not analysed (binds None, their target kept, the note says why), the budget rule is still
    reported, and the clock records how many were cut."""
    inst, roster = case()
    policy = pay_policy(rules={"tier_ratio": {"target": 0.5},
                               "living_floor": {"annual_floor": 80000}})
    plan = solve(inst, roster, policy, budget=600_000)
    full = {t.rule: t for t in explain_targets(plan_data(inst, policy, roster, plan), plan)}
    with solves_taking(4.0) as (clock, given):
        cut = {t.rule: t for t in explain_targets(plan_data(inst, policy, roster, plan), plan,
                                                  clock)}
    assert set(cut) == set(full) and len(given) == 3
    left = [t for t in cut.values() if t.binds is None]
    assert left and all(t.note == NOT_ANALYSED for t in left)
    assert cut["budget"].binds == full["budget"].binds
    assert cut["living_floor"].binds is None and cut["living_floor"].target == 80000
    assert cut["living_floor"].row(0)["binds"] == ""
    assert clock.cut_short["targets"].startswith(f"{len(left)} of {len(cut)} pay rules")
    analysed = [t for t in cut.values() if t.binds is not None and t.rule != "budget"]
    for t in analysed:  # what was analysed is the full answer
        assert t.binds == full[t.rule].binds and t.cost_of_step == full[t.rule].cost_of_step
