"""Tests that the insurance surplus goes to grassroots staff only, by weighted points."""

from __future__ import annotations

from staffing.pay.money import Yuan
from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve


def case():
    people = [person("H", "H-J", 80), person("T", "T-J", 40), person("V", "V-N", 20)]
    return build(people, {"performance": 180000, "surplus": "12345.67"})


def test_grassroots_only_and_spent_to_the_fen() -> None:
    """Tests that the surplus goes to township and village staff only, spent but for rounding.

    Two lines rounded down (and their point value's last place) leave less than 3 fen.
    """
    inst, roster = case()
    policy = pay_policy(lines={"surplus_award": {}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert plan.by_person["H"].surplus == 0
    assert plan.by_person["T"].surplus > 0 and plan.by_person["V"].surplus > 0
    assert Yuan("12345.64") < plan.fund("surplus").paid <= Yuan("12345.67")


def test_surplus_to_the_county_is_found() -> None:
    """Tests that the checker reports surplus_award when a yuan of it moves to county staff."""
    inst, roster = case()
    policy = pay_policy(lines={"surplus_award": {}})
    plan = solve(inst, roster, policy)
    h = plan.by_person["H"]
    moved = h.model_copy(update={"surplus": Yuan("1.00"), "total": Yuan(h.total + 1)})
    t = plan.by_person["T"]
    less = t.model_copy(update={"surplus": Yuan(t.surplus - 1), "total": Yuan(t.total - 1)})
    tampered = plan.model_copy(update={"lines": [moved, less, plan.by_person["V"]]})
    found = of_rule(checked(inst, policy, roster, tampered), "surplus_award")
    assert any("H" in v.people for v in found)
