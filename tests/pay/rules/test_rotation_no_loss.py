"""Tests that a rotated person is paid the home post's pay: at least, and a top-up no more."""

from __future__ import annotations

from decimal import Decimal

import staffing
from staffing import InfeasibleError
from staffing.io.roster_io import read_roster
from staffing.pay.codes import COMPARABLE, Line
from staffing.pay.money import Yuan
from staffing.pay.tables import PayPerson
from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve
from tests.pay.conftest import ROOT


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


def test_top_up_is_exactly_what_is_short() -> None:
    """Tests that the top-up lifts pay exactly to the home-post pay, and a fen more is caught."""
    home = PayPerson(person="R", home_pay=Yuan("150000.00"))
    inst, roster = build(people(), pay_staff=[home])
    policy = pay_policy(rules={"rotation_no_loss": {}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    r = plan.by_person["R"]
    comparable = sum(r.fen(line) for line in COMPARABLE)
    assert r.top_up > 0 and comparable == Yuan("150000.00").fen
    more = r.model_copy(update={"top_up": Yuan(r.top_up + Decimal("0.01")),
                                "total": Yuan(r.total + Decimal("0.01"))})
    tampered = plan.model_copy(update={"lines": [more if pl.person == "R" else pl
                                                 for pl in plan.lines]})
    found = of_rule(checked(inst, policy, roster, tampered), "rotation_no_loss")
    assert found and "above the" in found[0].message


def test_a_top_up_never_carries_a_ratio() -> None:
    """Tests that a ratio the rotated person's top-up could reach alone is met by the schedule.

    The rotated person's home-post pay (400,000) is far above anyone's; with lead-hospital
    peers in both post classes, a ratio of 1.6 holds on pay without any top-up, and the
    top-up stays exactly what lifts the person to the home-post pay (`plan_ok`).
    """
    home = PayPerson(person="R", home_pay=Yuan("400000.00"))
    lead = [person("LN", "H-N", 100), person("LJ", "H-J", 60)]
    inst, roster = build(people() + lead, pay_staff=[home])
    policy = pay_policy(rules={"rotation_no_loss": {}, "tier_ratio": {"target": 1.6}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    assert plan.by_person["R"].top_up > 0

    def pay(pid: str) -> int:  # comparable pay without the top-up
        return sum(plan.by_person[pid].fen(line) for line in COMPARABLE if line is not Line.TOP_UP)

    grass = {"none": ["R", "V"], "junior": [f"T{i}" for i in range(8)]}
    peers = {"none": "LN", "junior": "LJ"}
    numerator = sum(sum(pay(p) for p in members) for members in grass.values())
    denominator = sum(len(members) * pay(peers[pc]) for pc, members in grass.items())
    assert numerator >= Decimal("1.6") * denominator


def test_the_demo_reproducer(tmp_path) -> None:
    """Tests the demo under guangdong-2019 with a ratio target of 5 (roster of a deterministic
    solve): no top-up above its bound, and the target met by the class schedules or answered
    with the least extra budget that then gives a checked plan."""
    inst = staffing.load(ROOT / "instances" / "demo-county")
    roster = read_roster(ROOT / "tests" / "fixtures" / "pay" / "demo-guangdong-2019-roster.csv",
                         inst)
    policy = staffing.load_policy(ROOT / "models" / "guangdong-2019.yaml")
    try:
        plan = solve(inst, roster, policy, ratio_target=5)
    except InfeasibleError as error:
        explanation = error.explanation
        assert explanation.extra_budget or explanation.reachable
        if not explanation.extra_budget:
            return
        plan = solve(inst, roster, policy, ratio_target=5, budget=explanation.budget_needed())
    assert plan.figures["tier_ratio"] >= 5
    assert max(pl.top_up for pl in plan.lines) < Yuan("100000.00")
