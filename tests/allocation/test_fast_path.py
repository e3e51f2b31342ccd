"""Tests that the plain-market fast path applies exactly where deferred acceptance is optimal."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import staffing
from staffing.allocation import engine
from staffing.allocation.fast_path import objective_allows, plain_market_outcome
from staffing.check import check
from staffing.domain.instance import Instance
from staffing.policy import Policy
from tests.allocation.random_instances import deferred_acceptance, plain_market, plain_policy


def _plain(objective: list[str], hard: bool = False) -> Policy:
    return Policy(name="plain", rules={"stability": {"hard": hard}}, objective=objective)


@pytest.mark.parametrize(("objective", "hard", "allowed"), [
    (["blocking_pairs", "rank_profile"], False, True),
    (["continuity", "soft_floors", "blocking_pairs", "rank_profile", "unplaced",
      "panel_quality", "moves"], False, True),
    (["blocking_pairs", "unplaced", "moves", "rank_profile", "panel_quality"], False, True),
    (["blocking_pairs"], False, True),
    (["rank_profile"], True, True),
    (["panel_quality", "rank_profile"], True, False),
    (["blocking_pairs", "panel_quality", "rank_profile"], False, False),
    (["rank_profile", "blocking_pairs"], False, False),
    (["unplaced", "blocking_pairs", "rank_profile"], False, False),
    (["rank_profile"], False, False),
])
def test_objective_orders_that_deferred_acceptance_solves(objective: list[str], hard: bool,
                                                          allowed: bool) -> None:
    """Tests that only orders whose first stage varying among stable rosters is the rank
    profile (every stage before soft stability constant) take the fast path."""
    assert objective_allows(_plain(objective, hard)) is allowed


def test_a_strict_plain_market_takes_the_fast_path() -> None:
    """Tests that a strict plain market gets the person-optimal stable roster."""
    instance = plain_market(200, 12, seed=4)
    outcome = plain_market_outcome(instance, plain_policy())
    assert outcome is not None
    placed = {instance.staff[i].id: instance.posts[j].id for i, j in enumerate(outcome) if j >= 0}
    assert placed == deferred_acceptance(instance)


def test_ties_side_rules_and_current_posts_take_the_solver() -> None:
    """Tests that panel ties, a rule beyond eligibility, capacity and stability, or a person
    holding a post before the round each rule the fast path out."""
    strict = plain_market(100, 8, seed=2)
    assert plain_market_outcome(plain_market(100, 8, seed=2, ties=True), plain_policy()) is None
    floors = plain_policy().replace(rules={"stability": {}, "min_staffing": {}})
    assert plain_market_outcome(strict, floors) is None
    staff = [strict.staff[0].model_copy(update={"new_recruit": False, "pool": "county",
                                                "current_post": strict.posts[0].id}),
             *strict.staff[1:]]
    holding = Instance(institutions=strict.institutions, posts=strict.posts, staff=staff,
                       choices=strict.choices, rankings=strict.rankings)
    assert plain_market_outcome(holding, plain_policy()) is None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(3, 60), posts=st.integers(1, 10), seed=st.integers(0, 10_000),
       objective=st.sampled_from([["blocking_pairs", "rank_profile"],
                                  ["blocking_pairs", "unplaced_all", "rank_profile",
                                   "panel_quality", "moves"]]))
def test_the_fast_path_gives_the_solver_roster(people: int, posts: int, seed: int,
                                               objective: list[str]) -> None:
    """Tests that allocate's fast path returns the posts and stage values the CP-SAT solve
    returns, every stage proven, with the checker's values (the pool a new recruit is charged
    to is free without a headcount rule)."""
    instance, rules = plain_market(people, posts, seed), plain_policy(objective=objective)
    fast = staffing.allocate(instance, rules, time_limit=20, deterministic=True)
    assert fast.manifest["solver"]["name"] == "deferred acceptance"
    with mock.patch.object(engine, "plain_market_outcome", return_value=None):
        solved = staffing.allocate(instance, rules, time_limit=20, deterministic=True)
    assert solved.manifest["solver"]["name"] == "CP-SAT"
    assert ([a.post for a in fast.roster.assignments]
            == [a.post for a in solved.roster.assignments])
    assert fast.status == solved.status == "optimal"
    assert [s.value for s in fast.stages] == [s.value for s in solved.stages]
    assert check(instance, rules, fast.roster).stages == {s.stage.value: s.value
                                                          for s in fast.stages}
