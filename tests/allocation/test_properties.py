"""Tests that every roster the engine returns on generated communities passes the checker.

Hypothesis draws small generated counties and a policy model; for each, the
engine's roster must break no hard rule, its reported stage values must equal
the checker's recomputation, and every person's reasons must check out. An
infeasible draw must come with an explanation naming rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import staffing
from staffing.allocation.reasons import explain_roster, verify_all
from staffing.check import check
from staffing.domain.objective import Stage
from staffing.errors import InfeasibleError

synth = pytest.importorskip("staffing.synth")

MODELS = sorted(Path(__file__).resolve().parents[2].joinpath("models").glob("*.yaml"))
POLICIES = {path.stem: staffing.load_policy(path) for path in MODELS}


def _assert_sound(instance: staffing.Instance, policy: staffing.Policy) -> str:
    try:
        result = staffing.allocate(instance, policy, time_limit=20, deterministic=True)
    except InfeasibleError as error:
        assert error.explanation.rules, "an infeasible result must name the conflicting rules"
        return "infeasible"
    roster = result.roster
    report = check(instance, policy, roster)
    assert report.ok, [v.message for v in report.hard_violations]
    for stage in result.stages:
        name = stage.stage.value
        if stage.sub is not None:
            assert stage.value == report.stages["rank_profile"][stage.sub - 1]
        else:
            assert stage.value == report.stages[name], name
        if stage.status == "optimal" and stage.stage is not Stage.RANK_PROFILE:
            assert stage.objective == stage.bound
    assert not verify_all(instance, policy, roster, explain_roster(instance, policy, roster))
    return result.status


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(staff=st.integers(15, 45), seed=st.integers(0, 100_000),
       model=st.sampled_from(sorted(POLICIES)))
def test_generated_rosters_pass_the_checker(staff: int, seed: int, model: str) -> None:
    """Tests that a generated county's roster obeys every hard rule of a policy model and that
    the reported objective values equal the checker's recomputation."""
    instance = synth.generate(staff=staff, seed=seed)
    _assert_sound(instance, POLICIES[model])
