"""Tests that base pay is the grade's post wage plus the seniority band's wage."""

from __future__ import annotations

from decimal import Decimal

from staffing.pay.money import Yuan
from staffing.pay.tables import PayPerson
from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve


def test_base_pay_from_the_tables() -> None:
    """Tests that base pay is the grade's post wage plus the seniority band's wage.

    Years of service count from the hire year, or are ``pay_staff.seniority_years`` when given.
    """
    people = [person("A", "H-I", 50, hire_year=2020), person("B", "T-J", 50, hire_year=2010),
              person("C", "V-N", 50)]
    overrides = [PayPerson(person="C", seniority_years=3)]
    inst, roster = build(people, pay_staff=overrides)
    policy = pay_policy()
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    a, b, c = (plan.by_person[p] for p in "ABC")
    assert (a.base_post, a.base_seniority) == (Decimal("28800.00"), Decimal("3600.00"))
    assert (b.base_post, b.base_seniority) == (Decimal("22800.00"), Decimal("9600.00"))
    assert (c.base_post, c.base_seniority) == (Decimal("18000.00"), Decimal("3600.00"))


def test_a_wrong_base_line_is_found() -> None:
    """Tests that the checker reports base_pay for a post-wage line that differs from the tables."""
    inst, roster = build([person("A", "H-I", 50), person("B", "T-J", 40)])
    policy = pay_policy()
    plan = solve(inst, roster, policy)
    a = plan.by_person["A"]
    total = Yuan(a.total - a.base_post + 1)
    wrong = a.model_copy(update={"base_post": Yuan("1.00"), "total": total})
    tampered = plan.model_copy(update={"lines": [wrong, plan.by_person["B"]]})
    assert of_rule(checked(inst, policy, roster, tampered), "base_pay")
