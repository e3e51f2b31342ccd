"""Tests that the family-doctor subsidy is 120 yuan per signed resident, for team posts only."""

from __future__ import annotations

from decimal import Decimal

from staffing.pay.tables import PayPerson
from tests.pay.builders import build, pay_policy, person, plan_ok, solve


def test_per_signed_resident() -> None:
    """Tests that team posts get 120 yuan per signed resident, other posts none, rest left over."""
    people = [person("GP", "T-GP", 50), person("N", "T-NUR", 50), person("X", "T-J", 50)]
    staff = [PayPerson(person="GP", signed_residents=800), PayPerson(person="N",
                                                                    signed_residents=300),
             PayPerson(person="X", signed_residents=999)]
    inst, roster = build(people, {"performance": 180000, "family_doctor": 200000},
                         pay_staff=staff)
    policy = pay_policy(lines={"family_doctor_subsidy": {"per_resident": 120}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert plan.by_person["GP"].family_doctor == Decimal("96000.00")
    assert plan.by_person["N"].family_doctor == Decimal("36000.00")
    assert plan.by_person["X"].family_doctor == 0  # not a team post
    assert plan.fund("family_doctor").left_over == Decimal("68000.00")
