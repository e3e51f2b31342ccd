"""Tests that annual salaries and talent pay are set per person, outside the pool."""

from __future__ import annotations

from decimal import Decimal

from staffing.pay.money import Yuan
from staffing.pay.tables import PayPerson
from tests.pay.builders import build, pay_policy, person, plan_ok, solve


def test_outside_the_pool() -> None:
    """Tests that annual salaries and talent pay come from the separate fund, outside the pool.

    An annual salary is the whole pay; talent also gets base pay but no performance lines.
    """
    people = [person("HEAD", "H-S", 90), person("TAL", "H-A", 90), person("P", "H-J", 50),
              person("Q", "T-J", 50)]
    staff = [PayPerson(person="HEAD", separate="annual_salary", separate_amount=Yuan("400000")),
             PayPerson(person="TAL", separate="talent", separate_amount=Yuan("300000"))]
    inst, roster = build(people, {"performance": 120000, "separate": 800000}, pay_staff=staff)
    policy = pay_policy(lines={"separate_pay": {}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    head, tal = plan.by_person["HEAD"], plan.by_person["TAL"]
    assert head.total == head.separate == Decimal("400000.00")
    assert tal.base_post == Decimal("39600.00") and tal.separate == Decimal("300000.00")
    assert tal.basic == tal.reward == 0 and tal.pay_class == ""
    assert plan.fund("performance").paid == Decimal("120000.00")
    assert plan.fund("separate").left_over == Decimal("100000.00")


def test_without_the_line_they_are_paid_from_the_pool() -> None:
    """Tests that without separate_pay a head listed with an annual salary is paid from the pool."""
    people = [person("HEAD", "H-S", 90), person("P", "H-J", 50)]
    staff = [PayPerson(person="HEAD", separate="annual_salary", separate_amount=Yuan("400000"))]
    inst, roster = build(people, {"performance": 120000}, pay_staff=staff)
    policy = pay_policy()
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert plan.by_person["HEAD"].separate == 0 and plan.by_person["HEAD"].reward > 0
