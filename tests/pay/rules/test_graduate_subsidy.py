"""Tests that the graduate subsidy pays the total by degree over five years, exact to the fen."""

from __future__ import annotations

from decimal import Decimal

from staffing.pay.rules.graduate_subsidy import instalments
from tests.pay.builders import build, pay_policy, person, plan_ok, solve


def test_instalments_add_up() -> None:
    """Tests that instalments add up to the total, the odd fen paid in the first years."""
    assert instalments(25_000_003, 5) == [5_000_001, 5_000_001, 5_000_001, 5_000_000, 5_000_000]
    assert sum(instalments(35_000_000, 5)) == 35_000_000


def test_luohu_scale() -> None:
    """Tests that certified graduates at grassroots get a fifth of their degree's total a year.

    Nobody is paid after five years, without the certificate, or at a county post.
    """
    people = [
        person("B", "T-J", 50, education="bachelor", residency_certificate=True, hire_year=2023),
        person("M", "V-J", 50, education="master", residency_certificate=True, hire_year=2025),
        person("D", "T-J", 50, education="doctorate", residency_certificate=True, hire_year=2019),
        person("NC", "T-J", 50, education="bachelor", residency_certificate=False, hire_year=2024),
        person("C", "H-J", 50, education="master", residency_certificate=True, hire_year=2024),
    ]
    inst, roster = build(people, {"performance": 300000, "graduate": 200000})
    policy = pay_policy(lines={"graduate_subsidy": {}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    got = {p: plan.by_person[p].graduate for p in ("B", "M", "D", "NC", "C")}
    assert got == {"B": Decimal("50000.00"), "M": Decimal("60000.00"), "D": 0, "NC": 0, "C": 0}
