"""Tests that the pay checker works from the inputs and the lines alone."""

from __future__ import annotations

from staffing import check
from staffing.pay.money import Yuan
from tests.pay.builders import build, checked, of_rule, pay_policy, person, solve


def case():
    people = [person("A", "T-J", 40), person("B", "T-J", 60), person("C", "H-J", 80)]
    inst, roster = build(people)
    policy = pay_policy(rules={"tier_ratio": {"target": 0.8}})
    return inst, roster, policy, solve(inst, roster, policy)


def test_plan_from_lines_only_checks_the_same() -> None:
    """Tests that a plan stripped of schedule, figures and manifest passes on its lines alone."""
    inst, roster, policy, plan = case()
    bare = plan.model_copy(update={"schedule": [], "figures": {}, "manifest": {}})
    assert checked(inst, policy, roster, bare) == []


def test_structure_problems() -> None:
    """Tests that pay_lines reports a placed person without a line and a wrong total."""
    inst, roster, policy, plan = case()
    a = plan.by_person["A"]
    wrong_total = a.model_copy(update={"total": Yuan(a.total + 1)})
    tampered = plan.model_copy(update={"lines": [wrong_total, plan.by_person["C"]]})
    found = of_rule(checked(inst, policy, roster, tampered), "pay_lines")
    messages = " ".join(v.message for v in found)
    assert "B holds post T-J but has no pay line" in messages
    assert "not the sum of the lines" in messages


def test_staffing_check_includes_pay() -> None:
    """Tests that the checker recomputes the pay rules with the roster's rules."""
    inst, roster, policy, plan = case()
    report = check(inst, policy, roster, plan)
    assert report.pay_violations == [] and report.pay_figures["tier_ratio"] >= 0.8
    assert report.ok
