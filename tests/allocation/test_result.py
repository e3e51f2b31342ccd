"""Tests that `allocate` returns a typed result: parameters, stages, report, summary."""

from __future__ import annotations

from unittest import mock

import pytest
from pydantic import ValidationError

import staffing
from staffing import AllocationResult, SolveParams, Stage, StageResult
from staffing.allocation import engine
from staffing.check import check
from staffing.errors import InfeasibleError
from staffing.stages import base as stage_base
from tests.allocation.builders import community, policy
from tests.allocation.random_instances import plain_market, plain_policy

synth = pytest.importorskip("staffing.synth")


def test_params_and_keyword_shorthands_give_the_same_run() -> None:
    """Tests that SolveParams and the keyword shorthands set the same solve."""
    instance = plain_market(60, 6, 2)
    by_params = staffing.allocate(instance, plain_policy(),
                                  SolveParams(time_limit=20, deterministic=True))
    by_keywords = staffing.allocate(instance, plain_policy(), time_limit=20, deterministic=True)
    overridden = staffing.allocate(instance, plain_policy(), SolveParams(time_limit=5),
                                   time_limit=20, deterministic=True)
    assert isinstance(by_params, AllocationResult)
    assert by_params.manifest == by_keywords.manifest == overridden.manifest
    assert by_params.manifest["parameters"]["time_limit"] == 20


def test_bad_parameters_are_refused() -> None:
    """Tests that a time limit of zero and zero workers are refused."""
    with pytest.raises(ValidationError):
        SolveParams(time_limit=0)
    with pytest.raises(ValidationError):
        SolveParams(workers=0)


def test_the_result_carries_the_checkers_report() -> None:
    """Tests that the result's report is the checker's report of its roster, and its stage
    values are the checker's."""
    instance = synth.generate(staff=80, seed=4)
    policy = staffing.load_policy("models/nanxun-2024.yaml")
    result = staffing.allocate(instance, policy, time_limit=30, deterministic=True)
    again = check(instance, policy, result.roster)
    assert result.report.ok and result.report.stages == again.stages
    assert result.report.violations == again.violations
    assert result.is_optimal() and result.status == "optimal"
    assert [s.stage for s in result.stages if s.sub is None] == [
        stage for stage in policy.objective if stage in {s.stage for s in result.stages}]
    for stage in result.stages:
        assert isinstance(stage, StageResult) and stage.gap == 0.0
        assert stage.value == again.stages[stage.stage.value]
    text = result.summary()
    assert text.startswith("proven optimal; 0 hard violations")
    assert f"{again.blocking_pairs} blocking pairs" in text


def test_rank_by_rank_stages_are_typed() -> None:
    """Tests that a rank profile solved rank by rank reports each rank as a typed sub-stage."""
    instance = plain_market(40, 5, 7)
    with (mock.patch.object(stage_base, "MAX_WEIGHT", 0),
          mock.patch.object(engine, "plain_market_outcome", return_value=None)):  # the solver
        result = staffing.allocate(instance, plain_policy(), time_limit=20, deterministic=True)
    ranks = [s for s in result.stages if s.stage is Stage.RANK_PROFILE]
    assert len(ranks) > 1 and [s.sub for s in ranks] == list(range(1, len(ranks) + 1))
    profile = result.report.stages["rank_profile"]
    assert [s.value for s in ranks] == profile[:len(ranks)]
    assert ranks[0].name == "rank_profile[1]" and ranks[0].to_dict()["sub"] == 1


def test_gap_is_none_without_a_bound() -> None:
    """Tests that a stage with no bound has no gap (not 0), and a proven one a gap of 0."""
    unknown = StageResult(Stage.MOVES, None, None, None, "unknown", 1.0, 1.0)
    open_stage = StageResult(Stage.MOVES, None, 10, 8, "feasible", 1.0, 1.0)
    proven = StageResult(Stage.MOVES, None, 3, 3, "optimal", 1.0, 1.0)
    assert unknown.gap is None and unknown.to_dict()["gap"] is None
    assert open_stage.gap == pytest.approx(0.2)
    assert proven.gap == 0.0


def test_no_roster_still_raises() -> None:
    """Tests that allocate raises InfeasibleError when no roster obeys the hard rules."""
    inst = community([{"id": "X", "institution": "H", "floor": 2, "places": 2}], [{"id": "p"}])
    with pytest.raises(InfeasibleError):
        staffing.allocate(inst, policy(min_staffing={"hard": True}), time_limit=10,
                          explain=False)
