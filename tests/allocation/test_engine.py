"""Tests that the allocation engine returns the stable rosters the theory predicts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import staffing
from staffing.check import check
from tests.allocation.random_instances import deferred_acceptance, plain_market, plain_policy


def _placements(roster: staffing.Roster) -> dict[str, str]:
    return {a.person: a.post for a in roster.assignments if a.post is not None}


def _fill(roster: staffing.Roster) -> dict[str, int]:
    return {post: len(people) for post, people in roster.holders.items()}


def _solve(instance: staffing.Instance, policy: staffing.Policy) -> staffing.Roster:
    return _result(instance, policy).roster


def _result(instance: staffing.Instance, policy: staffing.Policy) -> staffing.AllocationResult:
    result = staffing.allocate(instance, policy, time_limit=30, deterministic=True)
    report = check(instance, policy, result.roster)
    assert report.ok, [v.message for v in report.hard_violations]
    assert result.status == "optimal"
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(3, 60), posts=st.integers(1, 12), seed=st.integers(0, 10_000))
def test_person_optimal_stable_matching(people: int, posts: int, seed: int) -> None:
    """Tests that without side rules and with strict rankings the engine returns exactly the
    person-proposing deferred-acceptance matching."""
    instance = plain_market(people, posts, seed)
    roster = _solve(instance, plain_policy())
    assert _placements(roster) == deferred_acceptance(instance)
    assert check(instance, plain_policy(), roster).blocking_pairs == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(3, 50), posts=st.integers(1, 10), seed=st.integers(0, 10_000))
def test_rural_hospitals(people: int, posts: int, seed: int) -> None:
    """Tests that every stable roster found places the same people and fills each post alike."""
    instance = plain_market(people, posts, seed)
    person_first = _solve(instance, plain_policy())
    post_first = _solve(instance, plain_policy(objective=["blocking_pairs", "panel_quality"]))
    references = [deferred_acceptance(instance, proposers=side) for side in ("people", "posts")]
    rosters = [_placements(person_first), _placements(post_first), *references]
    placed = [set(r) for r in rosters]
    fills = [_fill(person_first), _fill(post_first)] + [
        {post: sum(1 for v in ref.values() if v == post) for post in set(ref.values())}
        for ref in references
    ]
    assert all(p == placed[0] for p in placed)
    assert all(f == fills[0] for f in fills)
    assert _placements(post_first) == references[1]


@pytest.mark.parametrize("seed", range(5))
def test_weak_stability_with_ties(seed: int) -> None:
    """Tests that with tied panel ranks the roster has no blocking pair under weak stability."""
    instance = plain_market(80, 10, seed, ties=True)
    roster = _solve(instance, plain_policy())
    assert check(instance, plain_policy(), roster).blocking_pairs == 0


def test_reported_stages_match_the_checker() -> None:
    """Tests that each stage value the engine reports equals the checker's recomputation."""
    instance = plain_market(120, 12, 3)
    policy = plain_policy()
    result = _result(instance, policy)
    recomputed = check(instance, policy, result.roster).stages
    for stage in result.stages:
        assert stage.value == recomputed[stage.stage.value]
        assert stage.status == "optimal"
        assert stage.objective == stage.bound


def test_deterministic_mode_repeats_itself() -> None:
    """Tests that deterministic mode gives the same roster and manifest twice."""
    instance = plain_market(150, 15, 11, ties=True)
    first = staffing.allocate(instance, plain_policy(), deterministic=True, time_limit=20)
    second = staffing.allocate(instance, plain_policy(), deterministic=True, time_limit=20)
    assert first.roster.assignments == second.roster.assignments
    assert first.manifest == second.manifest
    assert "timings" not in first.manifest


def test_hint_is_accepted() -> None:
    """Tests that a roster given as a hint leads to the same optimum."""
    instance = plain_market(100, 10, 5)
    policy = plain_policy()
    base = _solve(instance, policy)
    again = staffing.allocate(instance, policy, hint=base, deterministic=True)
    assert again.roster.assignments == base.assignments
