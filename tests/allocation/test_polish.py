"""Tests that a polished solution keeps its roster and counts what the checker counts.

`staffing.allocation.polish` fixes every pair variable of a solution and sets the rest (the
slack of soft rules, the indicators behind it) at their best for one objective. On random
counties under the four policy models, each soft-capable rule hard or soft at random, a
solution of the first stage is polished for every later stage that reads more than pairs:
the pairs stay as they were (a person's pool may change: pools are not pair variables), the
value equals the independent checker's value of that stage on the polished roster, and it is
never above the unpolished solution's.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from staffing.allocation.engine import StagedSolve, extract_assignments
from staffing.allocation.first_roster import finished
from staffing.allocation.pairs import build_pairs
from staffing.allocation.polish import polish, reads_more_than_pairs
from staffing.allocation.stages import SolveSettings
from staffing.check import check
from staffing.synth import generate
from tests.allocation.test_deltas import MODELS, policy_variant


def _settings(time_limit: float = 60.0) -> SolveSettings:
    return SolveSettings(time_limit=time_limit, deterministic=True, workers=1)


def _value_of(solve: StagedSolve, expr: object, solution: list[int]) -> int:
    """An objective's value on a solution, read from the model's own objective."""
    model = solve.model.model
    model.minimize(expr)
    objective = model.proto.objective
    return int(sum(c * solution[v] for v, c in zip(objective.vars, objective.coeffs))
               + objective.offset)


def _first_stage(staff: int, seed: int, model: str, hard: list[bool]) -> StagedSolve:
    instance = generate(staff=staff, seed=seed)
    policy = policy_variant(MODELS[model], hard)
    solve = StagedSolve(instance, policy, build_pairs(instance, policy), _settings())
    solve.solve_through(0)
    return solve


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(staff=st.integers(12, 40), seed=st.integers(0, 10_000),
       model=st.sampled_from(sorted(MODELS)), hard=st.lists(st.booleans(), min_size=1,
                                                            max_size=8))
def test_a_polish_counts_what_the_checker_counts(staff: int, seed: int, model: str,
                                                 hard: list[bool]) -> None:
    """Tests that polishing the first stage's solution for each later stage keeps every pair
    (the pools people are charged to may change), gives a roster that passes the checker with
    the polished value as that stage's value, and never a higher value than before."""
    solve = _first_stage(staff, seed, model, hard)
    m, solution = solve.model, solve.solution
    assume(solution is not None)  # no roster meets the hard rules
    assert solution is not None
    for _stage, objectives in solve.plan[1:]:
        for objective in objectives:
            if (objective.constant or objective.members or objective.sub is not None
                    or not reads_more_than_pairs(m, objective.expr)):
                continue
            polished = polish(m, objective.expr, objective.name, solution, _settings())
            assert polished is not None, objective.name
            completed, value = polished
            assert completed[: len(m.x)] == solution[: len(m.x)]
            assert value == _value_of(solve, objective.expr, completed)
            roster = finished(m.instance, m.policy, extract_assignments(m, completed))
            report = check(m.instance, m.policy, roster)
            assert report.ok
            assert value == report.stages[objective.stage.value], objective.name
            assert value <= _value_of(solve, objective.expr, solution)


def test_pairs_that_break_a_hard_rule_are_not_polished() -> None:
    """Tests that a polish of pair values no roster of the model has (everyone at every one of
    their pairs) returns nothing rather than a different roster."""
    solve = _first_stage(30, 1, "chongqing-2024", [False])
    assert solve.solution is not None
    objective = solve.plan[1][1][0]
    everywhere = [1] * len(solve.model.x)
    assert polish(solve.model, objective.expr, objective.name, everywhere, _settings()) is None


def test_no_time_left_means_no_polish() -> None:
    """Tests that a polish with no time left returns nothing and leaves the solution alone."""
    solve = _first_stage(30, 1, "chongqing-2024", [False])
    assert solve.solution is not None
    objective = solve.plan[1][1][0]
    spent = _settings(time_limit=1e-9)
    assert polish(solve.model, objective.expr, objective.name, solve.solution, spent) is None
