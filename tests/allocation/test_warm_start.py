"""Tests that the stages before soft stability, solved near deferred acceptance, stay exact."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import staffing
from staffing.allocation import engine, warm_start
from staffing.allocation.engine import StagedSolve
from staffing.allocation.pairs import build_pairs
from staffing.allocation.stages import SolveSettings, solve_objective
from staffing.domain.objective import Stage
from tests.allocation.builders import policy
from tests.allocation.random_instances import plain_market
from tests.allocation.test_soft_stability import _assert_engine_matches, tiny_communities

EARLY = [Stage.CONTINUITY.value, Stage.SOFT_FLOORS.value]
LATE = [Stage.RANK_PROFILE.value, Stage.UNPLACED.value, Stage.PANEL_QUALITY.value,
        Stage.MOVES.value]


@st.composite
def floors_first_orders(draw: st.DrawFn) -> list[str]:
    """One or both of continuity and soft floors, then blocking pairs, then some others."""
    early = draw(st.permutations(EARLY))[: draw(st.integers(1, 2))]
    late = draw(st.permutations(LATE))[: draw(st.integers(0, 2))]
    return [*early, Stage.BLOCKING_PAIRS.value, *late]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(instance=tiny_communities(), order=floors_first_orders())
def test_floors_first_orders_match_brute_force(instance: staffing.Instance,
                                               order: list[str]) -> None:
    """Tests that with soft floors and soft stability after them, the engine (its earlier
    stages solved near deferred acceptance) returns the brute force's lexicographic optimum."""
    rules = policy(objective=order, min_staffing={"hard": False}, stability={},
                   continuity={"directed_scope": "none"})
    with mock.patch.object(engine, "solve_near", wraps=warm_start.solve_near) as near:
        _assert_engine_matches(instance, rules)
    assert near.called


def _floors_market(seed: int) -> tuple[staffing.Instance, staffing.Policy]:
    instance = plain_market(60, 12, seed, ties=True)
    rng = np.random.default_rng(seed)
    posts = [p.model_copy(update={"floor": int(rng.integers(0, p.places + 1))})
             for p in instance.posts]
    instance = staffing.Instance(institutions=instance.institutions, posts=posts,
                                 staff=instance.staff, choices=instance.choices,
                                 rankings=instance.rankings)
    rules = policy(objective=["soft_floors", "blocking_pairs", "rank_profile"],
                   min_staffing={"hard": False}, stability={})
    return instance, rules


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_solve_near_proves_the_same_value_as_the_plain_solve(seed: int) -> None:
    """Tests that a stage solved near a roster reaches, and proves, the plain solve's value,
    and that its roster is no further from that roster than the plain solve's."""
    instance, rules = _floors_market(seed)
    solve = StagedSolve(instance, rules, build_pairs(instance, rules),
                        SolveSettings(time_limit=20, deterministic=True, workers=1))
    (_stage, (objective,)) = solve.plan[0]
    near = warm_start.designer_pairs(solve.model)
    plain, plain_solution = solve_objective(solve.model, objective, solve.settings, None)
    results, solution = warm_start.solve_near(solve.model, objective, near, solve.settings, None)
    assert plain_solution is not None and solution is not None
    assert results[0].status == plain[0].status == "optimal"
    assert results[0].objective == results[0].bound == plain[0].objective

    def distance(values: list[int]) -> int:
        chosen = np.asarray(values[: len(solve.model.x)])
        return int(np.sum(chosen != near))

    assert distance(solution) <= distance(plain_solution)
