"""Tests that the planner's lexicographic optimum equals a brute-force one on tiny instances.

Every plan of a tiny county (each of three people sent nowhere, or once: any
start year, any place) is scored by the independent checker; among the plans
that break no hard rule the lexicographically best stage vector, in the
policy's order, must be exactly the one the planner proves.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffing.planning.check import check_view, plan_facts
from staffing.planning.rules.base import PlanView
from staffing.planning.stages import DEFAULT_PLAN_OBJECTIVE
from staffing.planning.tables import (
    PlanDepartment,
    PlanExclusion,
    PlanPerson,
    PlanPreference,
    Rotation,
)
from tests.planning.builders import YEAR, case, doctors, needs, nurses, planning_policy, solve

SITES = ["T1-GP", "T1-NUR"]


@st.composite
def tiny_cases(draw: st.DrawFn) -> tuple:
    years = draw(st.integers(2, 3))
    kinds = draw(st.lists(st.sampled_from(["gp", "nurse"]), min_size=3, max_size=3))
    people = [doctors(f"P{k}")[0] if kind == "gp" else nurses(f"P{k}")[0]
              for k, kind in enumerate(kinds)]
    staff_rows = []
    for k in range(3):
        target = draw(st.one_of(st.none(), st.integers(YEAR, YEAR + years + 1)))
        returned = draw(st.one_of(st.none(), st.integers(YEAR - 3, YEAR - 1)))
        if target is not None or returned is not None:
            staff_rows.append(PlanPerson(person=f"P{k}", target_year=target,
                                         returned_year=returned))
    need_rows = []
    for site in SITES:
        for year in range(YEAR, YEAR + years):
            need = draw(st.integers(0, 1))
            most = need + draw(st.integers(0, 1))
            if most:
                need_rows += needs(site, year, need=need, most=most)
    limit = draw(st.one_of(st.none(), st.integers(0, 1)))
    departments = [PlanDepartment(institution="H", discipline="general_practice",
                                  max_absent=limit)] if limit is not None else []
    exclusions = [PlanExclusion(person="P0", year=YEAR, reason="study")] \
        if draw(st.booleans()) else []
    wishes = [PlanPreference(person="P1", rank=1, year=YEAR + 1),
              PlanPreference(person="P1", rank=2, site="T1-NUR")] if draw(st.booleans()) else []
    order = draw(st.permutations(DEFAULT_PLAN_OBJECTIVE))
    inst = case(people, plan_staff=staff_rows, plan_needs=need_rows,
                plan_departments=departments, plan_exclusions=exclusions,
                plan_preferences=wishes)
    return inst, years, list(order)


def brute_force(inst, pol, years: int) -> tuple[int, ...] | None:
    """The best stage vector over every plan sending each person at most once."""
    facts = plan_facts(inst, pol, years)
    options: list[Rotation | None] = [None]
    options += [Rotation(person="_", start_year=YEAR + t, end_year=YEAR + t, site=site)
                for t in range(years) for site in SITES if site in facts.site_index]
    best = None
    for combo in itertools.product(options, repeat=3):
        rotations = [r.model_copy(update={"person": f"P{k}"})
                     for k, r in enumerate(combo) if r is not None]
        report = check_view(pol.planning, PlanView(facts, rotations))
        if report.ok:
            vector = tuple(report.stages.values())
            best = vector if best is None or vector < best else best
    return best


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_cases())
def test_planner_matches_brute_force(case_: tuple) -> None:
    """Tests that the proven lexicographic optimum equals the brute-force optimum."""
    inst, years, order = case_
    pol = planning_policy(objective=order, rules={"cool_off": {"years": years}})
    result = solve(inst, pol, years)
    assert result.is_optimal()
    assert tuple(result.report.stages[name] for name in order) == brute_force(inst, pol, years)
