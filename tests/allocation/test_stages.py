"""Tests that the solve strategy (pruning certification, merged stages) loses nothing.

The engine's fast paths are only worth having if they are exact: the roster
it returns must be as good, stage by stage in the policy's order, as solving
the unpruned model one stage at a time.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

import staffing
from staffing.allocation import engine
from staffing.allocation.pairs import build_pairs
from staffing.allocation.stages import Objective, SolveSettings, _merge_runs
from staffing.check import check
from staffing.domain.objective import Stage
from staffing.domain.roster import Roster
from staffing.errors import InfeasibleError
from staffing.stages import base as stage_base

synth = pytest.importorskip("staffing.synth")

MODELS = sorted(Path(__file__).resolve().parents[2].joinpath("models").glob("*.yaml"))
POLICIES = {path.stem: staffing.load_policy(path) for path in MODELS}


def _lexicographic_values(instance: staffing.Instance, policy: staffing.Policy,
                          roster: Roster) -> list[object]:
    """The roster's stage values in the policy's order, recomputed by the checker."""
    report = check(instance, policy, roster)
    assert report.ok
    return [report.stages[stage.value] for stage in policy.objective]


def _plain_full_solve(instance: staffing.Instance, policy: staffing.Policy) -> Roster:
    """The unpruned model, one stage at a time (no certification, no merged stages)."""
    solve_settings = SolveSettings(time_limit=20, deterministic=True, workers=1)
    with mock.patch.object(stage_base, "MAX_WEIGHT", 0):
        solve = engine._solve_plain(instance, policy, build_pairs(instance, policy),
                                    solve_settings, None, engine.AllocationRun(), "off")
    assert solve.solution is not None
    assert all(r.status == "optimal" for r in solve.results)
    assignments = solve.roster()
    for rule in policy.rule_objects():  # as the engine does: name the tour doctors
        assignments = rule.finish(instance, assignments)
    return Roster(assignments=assignments)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(staff=st.integers(15, 40), seed=st.integers(0, 100_000),
       model=st.sampled_from(sorted(POLICIES)))
def test_engine_is_as_good_as_the_plain_full_model(staff: int, seed: int, model: str) -> None:
    """Tests that the engine's roster has the same lexicographic stage values as the unpruned
    model solved stage by stage."""
    instance, policy = synth.generate(staff=staff, seed=seed), POLICIES[model]
    try:
        result = staffing.allocate(instance, policy, time_limit=20, deterministic=True,
                                   explain=False)
    except InfeasibleError:
        return
    assert result.status == "optimal"
    roster = result.roster
    reference = _plain_full_solve(instance, policy)
    assert (_lexicographic_values(instance, policy, roster)
            == _lexicographic_values(instance, policy, reference))


def test_trailing_stages_are_merged_and_reported_one_by_one() -> None:
    """Tests that unplaced, panel quality and moves are solved together, each with its own
    result, and that their values equal the checker's."""
    instance = synth.generate(staff=120, seed=3)
    policy = POLICIES["nanxun-2024"]
    result = staffing.allocate(instance, policy, time_limit=30, deterministic=True)
    report = check(instance, policy, result.roster)
    merged = {s.stage.value: s.to_dict() for s in result.stages if s.solved_with}
    assert set(merged) == {"unplaced", "panel_quality", "moves"}
    for name, record in merged.items():
        assert record["solved_with"] == "unplaced+panel_quality+moves"
        assert record["status"] == "optimal" and record["objective"] == record["bound"]
        assert record["value"] == report.stages[name]


def _plan(names: list[Stage], ranges: list[tuple[int, int]]) -> list:
    model = cp_model.CpModel()
    return [(stage, [Objective(stage.value, model.new_int_var(low, high, stage.value),
                               low=low, high=high)])
            for stage, (low, high) in zip(names, ranges)]


def test_merged_weights_put_each_stage_above_everything_after_it() -> None:
    """Tests that each merged stage's weight exceeds the largest total of the later stages."""
    ranges = [(0, 7), (2, 40), (0, 3)]
    plan = _plan([Stage.UNPLACED, Stage.PANEL_QUALITY, Stage.MOVES], ranges)
    merged = _merge_runs(plan, 0)
    assert [len(objectives) for _stage, objectives in merged] == [1, 0, 0]
    weights = merged[0][1][0].weights
    assert weights == [39 * 4, 4, 1]
    for k, weight in enumerate(weights):
        later = sum(w * (high - low) for w, (low, high) in zip(weights[k + 1:], ranges[k + 1:]))
        assert weight > later


def test_runs_too_wide_for_the_weights_stay_separate() -> None:
    """Tests that stages whose combined range would overflow the weights are solved apart."""
    huge = 2**25
    plan = _plan([Stage.UNPLACED, Stage.PANEL_QUALITY], [(0, huge), (0, huge)])
    merged = _merge_runs(plan, 0)
    assert [len(objectives) for _stage, objectives in merged] == [1, 1]
