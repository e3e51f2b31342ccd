"""Tests that people rotated from a county post to grassroots get the allowance of their tier."""

from __future__ import annotations

from decimal import Decimal

from tests.pay.builders import build, pay_policy, person, plan_ok, solve


def test_allowance_by_tier() -> None:
    """Tests that county staff rotated to grassroots get their tier's allowance, others none.

    The performance fund pays the allowances along with basic and reward pay.
    """
    people = [person("TV", "V-J", 50, home="H-J"), person("TT", "T-J", 50, home="H-J"),
              person("STAY", "H-J", 50), person("LOCAL", "V-J", 50, home="T-J")]
    inst, roster = build(people)
    policy = pay_policy(lines={"rotation_allowance": {"annual": {"township": 6000,
                                                                  "village": 9000.5}}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    amounts = {p: plan.by_person[p].allowance for p in ("TV", "TT", "STAY", "LOCAL")}
    assert amounts == {"TV": Decimal("9000.50"), "TT": Decimal("6000.00"), "STAY": 0, "LOCAL": 0}
    # charged to the performance fund: lines of the fund add up to what it paid
    perf = plan.fund("performance")
    paid = sum(pl.basic + pl.reward + pl.allowance for pl in plan.lines)
    assert perf.paid == paid
