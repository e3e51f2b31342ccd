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


def test_the_pool_is_spent_to_the_fen() -> None:
    """Tests that the performance lines spend an odd-fen pool (420,000.07 yuan) to the fen."""
    people = [person(f"P{i}", "T-J", 10 + i * 7.3) for i in range(7)]
    inst, roster = build(people, {"performance": "420000.07"})
    policy = pay_policy()
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert fund_paid(plan, "performance") == 42000007


def test_overspending_is_found() -> None:
    """Tests that a reward one yuan above the fund is reported as a budget violation of 100 fen."""
    people = [person(f"P{i}", "T-J", 10 + i) for i in range(3)]
    inst, roster = build(people, {"performance": 150000})
    policy = pay_policy()
    plan = solve(inst, roster, policy)
    line = plan.lines[0]
    more = line.model_copy(update={"reward": Yuan(line.reward + 1), "total": Yuan(line.total + 1)})
    tampered = plan.model_copy(update={"lines": [more, *plan.lines[1:]]})
    found = of_rule(checked(inst, policy, roster, tampered), "budget")
    assert found and found[0].amount == 100


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
