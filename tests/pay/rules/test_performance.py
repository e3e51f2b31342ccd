"""Tests that basic and reward lines follow one schedule per pay class."""

from __future__ import annotations

from staffing.pay.money import Yuan
from tests.pay.builders import build, checked, of_rule, pay_policy, person, plan_ok, solve


def test_one_schedule_per_class() -> None:
    """Tests that points carry post, tier and hardship coefficients and each class one value.

    Five township juniors share one point value; with a county member there are two schedules.
    """
    people = [person(f"P{i}", "T-J", 30 + 7 * i) for i in range(5)] + [person("H", "H-I", 77)]
    inst, roster = build(people)
    policy = pay_policy(lines={"performance": {"tier_coefficients": {"township": 1.2},
                                               "hardship_coefficients": [1, 1.1, 1.2, 1.3]}})
    plan = plan_ok(inst, policy, roster, solve(inst, roster, policy))
    p0 = plan.by_person["P0"]
    assert p0.pay_class == "junior/township/h1"
    assert abs(p0.weighted_points - 30 * 1.0 * 1.2 * 1.1) < 1e-9
    assert {plan.by_person[f"P{i}"].point_value for i in range(5)} == {p0.point_value}
    assert len(plan.schedule) == 2


def test_a_line_off_the_schedule_is_found() -> None:
    """Tests that the checker reports performance when a yuan moves from reward to basic pay."""
    people = [person(f"P{i}", "T-J", 30 + 7 * i) for i in range(3)]
    inst, roster = build(people)
    policy = pay_policy()
    plan = solve(inst, roster, policy)
    p = plan.lines[0]
    off = p.model_copy(update={"basic": Yuan(p.basic + 1), "reward": Yuan(p.reward - 1)})
    tampered = plan.model_copy(update={"lines": [off, *plan.lines[1:]]})
    assert of_rule(checked(inst, policy, roster, tampered), "performance")
