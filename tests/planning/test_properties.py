"""Tests that every plan of a generated county passes the checker, and grouping is exact."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import staffing
from staffing import SolveParams
from staffing.planning.check import check_plan
from staffing.planning.engine import plan_rotations
from staffing.synth import generate
from tests.builders import ROOT

POLICY = staffing.load_policy(ROOT / "models" / "guangdong-2019.yaml")
PARAMS = SolveParams(time_limit=30, deterministic=True)
REASONED = {"late", "not_sent", "not_possible"}


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(60, 160), st.integers(0, 10_000), st.integers(2, 4))
def test_generated_plans_pass_the_checker(staff: int, seed: int, years: int) -> None:
    """Tests that the plan of a generated county passes the checker with every status reasoned.

    Grouping interchangeable people gives the same stage values as one variable per person.
    """
    inst = generate(staff=staff, seed=seed, plan_years=years, pay=False)
    result = plan_rotations(inst, POLICY, years, PARAMS)
    report = check_plan(inst, POLICY, result.rotations, years)
    assert report.ok, [v.message for v in report.hard_violations]
    assert report.stages == {o.stage: o.value for o in result.stages}
    for status in result.statuses:
        assert status.text and status.code
        if status.status in REASONED:
            assert status.code not in ("unexplained", "on_time"), status.text
    if result.is_optimal():
        person_level = plan_rotations(inst, POLICY, years, PARAMS, grouped=False)
        if person_level.is_optimal():
            assert person_level.report.stages == report.stages
