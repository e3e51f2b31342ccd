"""Tests that a person rotated to grassroots is paid at least the home post's pay."""

from __future__ import annotations

from decimal import Decimal

from staffing.pay.money import Yuan
from staffing.pay.tables import PayPerson
from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve


def people():
    return [person("R", "V-N", 100, home="H-S"), person("S", "H-S", 100),
            person("V", "V-N", 100)] + [person(f"T{i}", "T-J", 60) for i in range(8)]


def test_no_loss_binds() -> None:
    """Tests that the plain plan breaks no-loss for the rotated person only, and the plan fixes it.

    The plan pays them at least a senior's pay by a personal top-up, nobody else gets one,
    and the village doctor beside them keeps the same point value.
    """
    inst, roster = build(people())
    plain = solve(inst, roster, pay_policy())
    policy = pay_policy(rules={"rotation_no_loss": {}})
    found = of_rule(checked(inst, policy, roster, plain), "rotation_no_loss")
    assert [v.people for v in found] == [("R",)]
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    r = plan.by_person["R"]
    # at least what the formula pays the same person at the home post: a senior's pay
    assert r.total >= plain.by_person["S"].total - Decimal("0.04")
    # paid as R's own top-up: the village doctor beside R keeps the class schedule
    assert r.top_up > 0
    assert all(pl.top_up == 0 for pl in plan.lines if pl.person != "R")
    assert plan.by_person["V"].point_value == r.point_value


def test_known_home_pay_is_the_reference() -> None:
    """Tests that a given home_pay is the guarantee: the rotated person gets it, within ten fen."""
    home = PayPerson(person="R", home_pay=Yuan("150000.00"))
    inst, roster = build(people(), pay_staff=[home])
    policy = pay_policy(rules={"rotation_no_loss": {}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert Decimal("150000.00") <= plan.by_person["R"].total < Decimal("150000.10")
