"""Tests that no fund pays more than it holds, earmarks hold, and shortfalls are priced."""

from __future__ import annotations

import pytest

from staffing import InfeasibleError
from staffing.pay.money import Yuan
from staffing.pay.tables import PayPerson
from tests.pay.builders import (
    build,
    checked,
    fund_paid,
    of_rule,
    pay_policy,
    person,
    plan_ok,
    solve,
)


def test_the_pool_is_spent_but_for_rounding() -> None:
    """Tests that an odd-fen pool (420,000.07 yuan) is spent but for what rounding down leaves.

    Each of the 7 basic and 7 reward lines is rounded down by less than a fen (and the point
    value's last place by a quarter fen at most), so less than 14 + 2 fen stay; paid + left
    over is the pool to the fen.
    """
    people = [person(f"P{i}", "T-J", 10 + i * 7.3) for i in range(7)]
    inst, roster = build(people, {"performance": "420000.07"})
    policy = pay_policy()
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert 42000007 - 16 < fund_paid(plan, "performance") <= 42000007


def test_overspending_is_found() -> None:
    """Tests that a reward one yuan more is reported as a budget violation of 100 fen less what
    the plan had left over."""
    people = [person(f"P{i}", "T-J", 10 + i) for i in range(3)]
    inst, roster = build(people, {"performance": 150000})
    policy = pay_policy()
    plan = solve(inst, roster, policy)
    line = plan.lines[0]
    more = line.model_copy(update={"reward": Yuan(line.reward + 1), "total": Yuan(line.total + 1)})
    tampered = plan.model_copy(update={"lines": [more, *plan.lines[1:]]})
    found = of_rule(checked(inst, policy, roster, tampered), "budget")
    left = Yuan(plan.fund("performance").left_over).fen
    assert left < 100 and found and found[0].amount == 100 - left


def test_a_subsidy_fund_too_small_needs_exactly_its_shortfall() -> None:
    """Tests that a family-doctor fund 80,120 yuan short is infeasible and needs exactly that.

    With the budget the explanation names, the plan spends the fund to the fen.
    """
    people = [person("GP", "T-GP", 50), person("N", "T-NUR", 50)]
    staff = [PayPerson(person="GP", signed_residents=1000), PayPerson(person="N",
                                                                     signed_residents=501)]
    inst, roster = build(people, {"performance": 100000, "family_doctor": 100000},
                         pay_staff=staff)
    policy = pay_policy(lines={"family_doctor_subsidy": {}})
    with pytest.raises(InfeasibleError) as error:
        solve(inst, roster, policy)
    explanation = error.value.explanation
    assert {f.value: v for f, v in explanation.extra_budget.items()} == {"family_doctor": 8012000}
    plan = solve(inst, roster, policy, budget=explanation.budget_needed())
    plan_ok(inst, policy, roster, plan)
    assert plan.fund("family_doctor").left_over == 0
