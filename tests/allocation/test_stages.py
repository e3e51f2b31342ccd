"""Tests that the solve strategy (pruning certification, merged stages) loses nothing.

The engine's fast paths are only worth having if they are exact: the roster
it returns must be as good, stage by stage in the policy's order, as solving
the unpruned model one stage at a time.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

import staffing
from staffing.allocation import engine
from staffing.allocation.pairs import build_pairs
from staffing.allocation.result import StageResult
from staffing.allocation.stages import (
    Objective,
    SolveSettings,
    _merge_runs,
    box_floor,
    settle_open_stages,
    solve_floor_first,
    solve_objective,
)
from staffing.check import check
from staffing.domain.objective import Stage
from staffing.domain.roster import Roster
from staffing.errors import InfeasibleError
from staffing.stages import base as stage_base
from staffing.stages.continuity import ContinuityStage

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
    """The unpruned model, one stage at a time (no certification, no merged stages, no stage
    asked at its floor first)."""
    solve_settings = SolveSettings(time_limit=20, deterministic=True, workers=1)
    with mock.patch.object(stage_base, "MAX_WEIGHT", 0), \
            mock.patch.object(ContinuityStage, "floor_first", False):
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


@settings(max_examples=60, deadline=None)
@given(terms=st.lists(st.tuples(st.integers(-4, 4), st.integers(-3, 3), st.integers(0, 3)),
                      min_size=0, max_size=4),
       offset=st.integers(-10, 10))
def test_the_box_floor_is_the_least_value_over_the_domains(
        terms: list[tuple[int, int, int]], offset: int) -> None:
    """Tests that `box_floor` is the least value of a linear expression over its variables'
    domains, as enumerating every assignment finds it."""
    import itertools

    model = cp_model.CpModel()
    variables = [model.new_int_var(low, low + width, f"v{k}")
                 for k, (_c, low, width) in enumerate(terms)]
    expr = sum((c * v for (c, _low, _width), v in zip(terms, variables)), offset)
    values = itertools.product(*[range(low, low + width + 1) for _c, low, width in terms])
    least = min(offset + sum(c * x for (c, _l, _w), x in zip(terms, point)) for point in values)
    assert box_floor(expr) == least


def _stay_model(n: int, weights: list[int], caps: list[tuple[int, int, int]],
                constant: int) -> tuple[SimpleNamespace, Objective]:
    """A small model shaped like continuity: minimise ``constant + sum(w_i * (1 - x_i))``
    where each ``(start, stop, cap)`` keeps at most ``cap`` of x[start:stop] at 1."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(n)]
    for start, stop, cap in caps:
        model.add(sum(x[min(start, stop):max(start, stop) + 1]) <= cap)
    expr = cp_model.LinearExpr.sum([w * (1 - v) for w, v in zip(weights, x)]) + constant
    return (SimpleNamespace(model=model, x=x),
            Objective(Stage.CONTINUITY, expr, low=0, floor_first=True))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(1, 8), constant=st.integers(0, 3))
def test_a_stage_asked_at_its_floor_first_reaches_the_plain_optimum(
        data: st.DataObject, n: int, constant: int) -> None:
    """Tests that `solve_floor_first` proves the same optimum as minimising the objective
    directly, whether the floor holds or a constraint forces the objective above it (the
    floor is then dropped: the roster obeys the model alone)."""
    weights = data.draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    caps = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                        st.integers(0, n)), max_size=3))
    plain_model, plain_objective = _stay_model(n, weights, caps, constant)
    floor_model, floor_objective = _stay_model(n, weights, caps, constant)
    solve_settings = SolveSettings(time_limit=5, deterministic=True, workers=1)
    (plain,), _ = solve_objective(plain_model, plain_objective, solve_settings, None)
    (first,), solution = solve_floor_first(floor_model, floor_objective, solve_settings, None,
                                           solve_objective)
    assert plain.status == first.status == "optimal"
    assert first.objective == first.bound == plain.objective
    assert solution is not None
    chosen = solution[:n]
    for start, stop, cap in caps:
        assert sum(chosen[min(start, stop):max(start, stop) + 1]) <= cap
    assert constant + sum(w * (1 - v) for w, v in zip(weights, chosen)) == plain.objective


def test_a_floor_that_cannot_hold_is_dropped_and_both_solves_are_timed() -> None:
    """Tests that when a constraint forces the objective above its floor, the floor-first
    solve falls back to the plain one, counts both solves' time and leaves the model
    without the floor (a later solve may move the objective above it)."""
    m, objective = _stay_model(3, [1, 1, 1], [(0, 2, 1)], 0)
    solve_settings = SolveSettings(time_limit=5, deterministic=True, workers=1)
    calls: list[float] = []

    def counted(*args: object) -> tuple[list, list[int] | None]:
        results, solution = solve_objective(*args)  # type: ignore[arg-type]
        calls.append(results[0].deterministic_time)
        return results, solution

    (result,), _ = solve_floor_first(m, objective, solve_settings, None, counted)
    assert len(calls) == 2 and result.objective == 2 and result.status == "optimal"
    assert result.deterministic_time == pytest.approx(sum(calls))
    m.model.minimize(objective.expr)
    solver = cp_model.CpSolver()
    assert solver.solve(m.model) == cp_model.OPTIMAL and solver.objective_value == 2



def _open_stage(stage: Stage, objective: int, bound: int, sub: int | None = None) -> StageResult:
    return StageResult(stage, sub, objective, bound, "feasible", 1.0, 1.0)


def test_an_open_stage_takes_its_objective_on_the_returned_roster() -> None:
    """Tests that a stage the solver left above the roster's value is reported at the
    roster's value and its gap measured from there, that one whose roster reaches its bound
    is proven, and that proven and unsolved stages, and a weighted rank profile (its value
    does not tell its objective), are left as they are."""
    lowered = _open_stage(Stage.BLOCKING_PAIRS, 261, 24)
    reached = _open_stage(Stage.SOFT_FLOORS, 9, 4)
    rank = _open_stage(Stage.RANK_PROFILE, -30, -40, sub=2)
    weighted = _open_stage(Stage.RANK_PROFILE, -5000, -6000)
    proven = StageResult(Stage.MOVES, None, 5, 5, "optimal", 1.0, 1.0)
    unsolved = StageResult(Stage.UNPLACED, None, None, None, "unknown", 1.0, 1.0)
    values = {"blocking_pairs": 187, "soft_floors": 4, "rank_profile": [50, 33, 2],
              "moves": 5, "unplaced": 3}
    settle_open_stages([lowered, reached, rank, weighted, proven, unsolved], values)
    assert (lowered.objective, lowered.bound, lowered.status) == (187, 24, "feasible")
    assert lowered.gap == pytest.approx((187 - 24) / 187)
    assert (reached.objective, reached.bound, reached.status, reached.gap) == (
        4, 4, "optimal", 0.0)
    assert (rank.objective, rank.status) == (-33, "feasible")
    assert (weighted.objective, weighted.status) == (-5000, "feasible")
    assert (proven.objective, proven.status) == (5, "optimal")
    assert (unsolved.objective, unsolved.status) == (None, "unknown")


def test_the_engine_reports_an_open_stage_at_the_returned_roster() -> None:
    """Tests that when a stage's solve ends above the roster's value (here the blocking-pair
    solve is made to report 10 more than it found, unproven, while later stages are held to
    what it found), the result, its manifest and its gap give the returned roster's checker
    value instead."""
    instance = synth.generate(staff=200, seed=3)
    policy = POLICIES["shenzhen-luohu-2017"]

    def overstated(m, objective, solve_settings, hint):  # type: ignore[no-untyped-def]
        results, solution = solve_objective(m, objective, solve_settings, hint)
        if objective.stage is Stage.BLOCKING_PAIRS and solution is not None:
            m.model.add(objective.expr <= results[0].objective)
            results[0].objective += 10
            results[0].bound = 0
            results[0].status = "feasible"
        return results, solution

    with mock.patch.object(engine, "solve_objective", overstated):
        result = staffing.allocate(instance, policy, time_limit=60, deterministic=True,
                                   workers=1, seed=0)
    stage = next(s for s in result.stages if s.stage is Stage.BLOCKING_PAIRS)
    assert stage.value == check(instance, policy, result.roster).stages["blocking_pairs"]
    assert stage.objective == stage.value > 0
    assert stage.status == "feasible" and stage.gap == pytest.approx(1.0)
    record = next(r for r in result.manifest["stages"] if r["stage"] == "blocking_pairs")
    assert (record["objective"], record["gap"]) == (stage.value, 1.0)
