"""Tests that the deferred-acceptance family returns the rosters the theory predicts."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffing.allocation.deferred import (
    Market,
    deferred_acceptance,
    extended_seat_da,
    master_list,
    roster_of,
)
from staffing.check import check
from staffing.domain.instance import Choice, Instance, Institution, PanelRank, Post, Staff
from tests.allocation.builders import policy
from tests.allocation.random_instances import deferred_acceptance as reference
from tests.allocation.random_instances import plain_market, plain_policy

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _placements(instance: Instance, outcome: np.ndarray) -> dict[str, str]:
    return {instance.staff[i].id: instance.posts[j].id for i, j in enumerate(outcome) if j >= 0}


@FAST
@given(people=st.integers(2, 80), posts=st.integers(1, 12), seed=st.integers(0, 10_000))
def test_strict_rankings_give_the_person_optimal_stable_roster(people: int, posts: int,
                                                               seed: int) -> None:
    """Tests that with strict rankings deferred acceptance equals the reference person-proposing
    deferred acceptance, and that the checker finds no blocking pair."""
    instance, rules = plain_market(people, posts, seed), plain_policy()
    outcome = deferred_acceptance(Market.of(instance, rules))
    assert _placements(instance, outcome) == reference(instance)
    report = check(instance, rules, roster_of(instance, rules, outcome))
    assert report.ok and report.blocking_pairs == 0


@FAST
@given(people=st.integers(2, 80), posts=st.integers(1, 12), seed=st.integers(0, 10_000),
       tie_break=st.integers(0, 10_000))
def test_ties_broken_any_way_give_a_weakly_stable_roster(people: int, posts: int, seed: int,
                                                         tie_break: int) -> None:
    """Tests that with panel ties broken by any master list the roster has no blocking pair."""
    instance, rules = plain_market(people, posts, seed, ties=True), plain_policy()
    priority = np.random.default_rng(tie_break).permutation(people)
    outcome = deferred_acceptance(Market.of(instance, rules), priority)
    report = check(instance, rules, roster_of(instance, rules, outcome))
    assert report.ok and report.blocking_pairs == 0


@FAST
@given(people=st.integers(2, 80), posts=st.integers(1, 12), seed=st.integers(0, 10_000),
       tie_break=st.integers(0, 10_000), ties=st.booleans())
def test_deferred_acceptance_is_extended_seat_da_without_floors(people: int, posts: int,
                                                                 seed: int, tie_break: int,
                                                                 ties: bool) -> None:
    """Tests that deferred acceptance gives the roster of extended-seat deferred acceptance
    with every floor zero, ties broken by the same master list."""
    instance, rules = plain_market(people, posts, seed, ties=ties), plain_policy()
    market = Market.of(instance, rules)
    unfloored = Market(start=market.start, post=market.post, panel=market.panel,
                       places=market.places, floors=np.zeros_like(market.floors))
    priority = np.random.default_rng(tie_break).permutation(people)
    assert (deferred_acceptance(market, priority).tolist()
            == extended_seat_da(unfloored, priority).tolist())


def _full_acceptance_market(people: int, floors: list[int], places: list[int],
                            seed: int) -> Instance:
    """Everyone lists every post (the setting of extended-seat deferred acceptance)."""
    rng = np.random.default_rng(seed)
    posts = [Post(id=f"P{j}", institution="H", discipline="internal_medicine",
                  places=places[j], floor=floors[j]) for j in range(len(places))]
    staff = [Staff(id=f"p{i}", discipline="internal_medicine", new_recruit=True)
             for i in range(people)]
    choices = [Choice(person=f"p{i}", rank=r, post=f"P{j}") for i in range(people)
               for r, j in enumerate(rng.permutation(len(places)), start=1)]
    rankings = [PanelRank(post=f"P{j}", person=f"p{i}", rank=r) for j in range(len(places))
                for r, i in enumerate(rng.permutation(people), start=1)]
    return Instance(institutions=[Institution(id="H", tier="county")], posts=posts,
                    staff=staff, choices=choices, rankings=rankings)


@FAST
@given(data=st.data(), seed=st.integers(0, 10_000))
def test_extended_seats_meet_every_floor_when_everyone_accepts_every_post(
        data: st.DataObject, seed: int) -> None:
    """Tests that when everyone lists every post and the floors and places admit everyone,
    extended-seat deferred acceptance places everyone and meets every floor, as Fragiadakis et
    al. (2016) prove, while plain deferred acceptance may miss floors."""
    n_posts = data.draw(st.integers(1, 5))
    places = [data.draw(st.integers(1, 4)) for _ in range(n_posts)]
    floors = [data.draw(st.integers(0, p)) for p in places]
    people = data.draw(st.integers(max(1, sum(floors)), sum(places)))
    instance = _full_acceptance_market(people, floors, places, seed)
    rules = policy(objective=["soft_floors"], min_staffing={"hard": True})
    outcome = extended_seat_da(Market.of(instance, rules), master_list(instance, rules))
    assert (outcome >= 0).all()
    held = np.bincount(outcome, minlength=n_posts)
    assert (held >= np.asarray(floors)).all() and (held <= np.asarray(places)).all()
    assert check(instance, rules, roster_of(instance, rules, outcome)).ok


def test_extended_seats_push_people_towards_a_floor() -> None:
    """Tests that with one person, two posts and a floor at the second choice, the extended seat
    of the first choice is closed to them and the floor is met; plain deferred acceptance gives
    them their first choice."""
    instance = _full_acceptance_market(1, floors=[0, 1], places=[1, 1], seed=0)
    first = instance.choices_of["p0"][0]
    floors = [0, 0]
    floors[int(first[1:]) ^ 1] = 1  # the floor sits at the second choice
    instance = _full_acceptance_market(1, floors=floors, places=[1, 1], seed=0)
    rules = policy(objective=["soft_floors"], min_staffing={})
    market = Market.of(instance, rules)
    assert instance.posts[int(deferred_acceptance(market)[0])].id == first
    assert instance.posts[int(extended_seat_da(market)[0])].id != first
