"""Tests that, over generated cases and targets, every plan passes the checker exactly.

Each case draws people on random posts (with points, seniority, degrees,
rotations, signed residents), fund sizes and a random pay policy, ratio
targets up to 5 included. Either a plan comes back, and then the independent
checker finds nothing, every fund's paid + left over == budget, every pay
class's reward lines share one point value and no top-up exceeds what lifts
its person to the home-post pay (`tests.pay.builders.plan_ok`); or the plan
is infeasible, and then the budget the explanation names makes it feasible.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from staffing import InfeasibleError
from staffing.pay.tables import PayPerson
from tests.pay.builders import POSTS, build, pay_policy, person, plan_ok, solve

POST_IDS = [p.id for p in POSTS]
COUNTY_POSTS = [p for p in POST_IDS if p.startswith("H")]


@st.composite
def cases(draw: Any) -> tuple[Any, Any, Any]:
    n = draw(st.integers(2, 18))
    people, staff = [], []
    for i in range(n):
        post = draw(st.sampled_from(POST_IDS))
        home = draw(st.sampled_from(COUNTY_POSTS)) if draw(st.integers(0, 3)) == 0 else None
        people.append(person(
            f"P{i}", post, draw(st.sampled_from([0.0, 12.5, 40.0, 55.0, 80.0, 133.3])),
            home=home if home and not post.startswith("H") else None,
            hire_year=draw(st.integers(1990, 2025)),
            education=draw(st.sampled_from(["college", "bachelor", "master", "doctorate"])),
            residency_certificate=draw(st.booleans())))
        if post in ("T-GP", "T-NUR"):
            staff.append(PayPerson(person=f"P{i}", signed_residents=draw(st.integers(0, 900))))
    funds = {"performance": draw(st.integers(30_000, 90_000)) * n + draw(st.integers(0, 99)) / 100,
             "surplus": draw(st.integers(0, 200_000)) + 0.37,
             "family_doctor": draw(st.integers(0, 150_000)),
             "graduate": draw(st.integers(0, 200_000))}
    inst, roster = build(people, funds, pay_staff=staff)
    lines: dict[str, Any] = {"performance": {
        "basic_share": draw(st.sampled_from([0.0, 0.3, 0.6])),
        "tier_coefficients": {"township": draw(st.sampled_from([1.0, 1.2])), "village": 1.3},
        "hardship_coefficients": [1.0, 1.05, 1.1, 1.2]}}
    for name in ("rotation_allowance", "family_doctor_subsidy", "graduate_subsidy",
                 "surplus_award"):
        if draw(st.booleans()):
            lines[name] = {}
    rules: dict[str, Any] = {}
    if draw(st.booleans()):
        rules["tier_ratio"] = {"target": draw(st.sampled_from([0.6, 0.9, 1.2, 2.0, 5.0])),
                               "scope": draw(st.sampled_from(["overall", "each_class"])),
                               "protect_lead": draw(st.booleans())}
    if draw(st.booleans()):
        rules["income_gap"] = {"max_to_mean": draw(st.sampled_from([1.5, 2.5, 4.0]))}
    if draw(st.booleans()):
        rules["reward_share"] = {"min_share": draw(st.sampled_from([0.3, 0.6]))}
    if draw(st.booleans()):
        rules["living_floor"] = {"annual_floor": draw(st.sampled_from([30000, 45000]))}
    if draw(st.booleans()):
        rules["rotation_no_loss"] = {}
    return inst, roster, pay_policy(lines=lines, rules=rules)


@settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_plans_pass_the_checker_to_the_fen(case: tuple[Any, Any, Any]) -> None:
    """Tests that each generated case gives a checked plan that adds up to the fen.

    An infeasible case is solved again at the budget its explanation names (if any helps).
    """
    inst, roster, policy = case
    try:
        plan = solve(inst, roster, policy)
    except InfeasibleError as error:
        explanation = error.explanation
        event("infeasible")
        if not explanation.extra_budget:
            event("no budget helps")
            return
        plan = solve(inst, roster, policy, budget=explanation.budget_needed())
    plan_ok(inst, policy, roster, plan)
