"""Tests that stability is solved exactly whatever its place in the objective order.

Tiny communities with hard post floors and soft stability are solved by the
engine and by a brute force over every roster (each person at one of their
choices, their current post, or none): the engine must reach the brute
force's lexicographic optimum, stage for stage, and answer "infeasible" only
when no roster meets the hard rules, in particular when no stable roster meets
the floors but rosters with a few blocking pairs do. With hard stability and
``unplaced_all`` first, the engine must find the largest weakly stable roster.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import staffing
from staffing.check import check
from staffing.domain.objective import Stage
from staffing.domain.roster import Assignment, Roster
from staffing.errors import InfeasibleError
from tests.allocation.builders import community, policy

COUNTY = [{"id": "H", "tier": "county", "headcount_county": 50}]
OTHER_STAGES = [stage.value for stage in Stage if stage is not Stage.BLOCKING_PAIRS]


@st.composite
def tiny_communities(draw: st.DrawFn) -> staffing.Instance:
    """2-3 posts with floors, 2-4 people (incumbents or recruits) with up to 3 choices each."""
    n_posts = draw(st.integers(2, 3))
    posts = []
    for j in range(n_posts):
        places = draw(st.integers(1, 2))
        posts.append({"id": f"P{j}", "institution": "H", "places": places,
                      "floor": draw(st.integers(0, places))})
    post_ids = [p["id"] for p in posts]
    staff, choices = [], {}
    for i in range(draw(st.integers(2, 4))):
        current = draw(st.none() | st.sampled_from(post_ids))
        person: dict[str, Any] = {"id": f"p{i}", "current_post": current}
        if current is None:
            person["new_recruit"] = True
        staff.append(person)
        chosen = draw(st.lists(st.sampled_from(post_ids), unique=True, max_size=3,
                               min_size=0 if current is not None else 1))
        if chosen:
            choices[person["id"]] = chosen
    rankings: dict[str, list[str | list[str]]] = {}
    for post in post_ids:
        applicants = [p for p, chosen in choices.items() if post in chosen]
        tiers = [draw(st.integers(1, 2)) for _ in applicants]  # equal tiers tie
        rankings[post] = [[p for p, t in zip(applicants, tiers) if t == tier]
                          for tier in (1, 2) if tier in tiers]
    return community(posts, staff, choices, rankings, institutions=COUNTY)


@st.composite
def objective_orders(draw: st.DrawFn) -> list[str]:
    """Some of the other stages in any order, with blocking pairs at any position."""
    others = draw(st.permutations(OTHER_STAGES))[: draw(st.integers(0, len(OTHER_STAGES)))]
    position = draw(st.integers(0, len(others)))
    return [*others[:position], Stage.BLOCKING_PAIRS.value, *others[position:]]


def _key(report_stages: dict[str, Any], order: list[str]) -> tuple[Any, ...]:
    """Stage values in order, each to be minimised (the rank profile: most first choices...)."""
    return tuple(tuple(-n for n in report_stages[s]) if s == Stage.RANK_PROFILE.value
                 else report_stages[s] for s in order)


def _options(instance: staffing.Instance, person: Any) -> list[str | None]:
    return list(dict.fromkeys([*instance.choices_of.get(person.id, []), person.current_post,
                               None]))


def _brute_force(instance: staffing.Instance,
                 rules: staffing.Policy) -> tuple[Any, ...] | None:
    """The lexicographic optimum over every roster meeting the hard rules (None: no roster)."""
    places = {p.id: p.places for p in instance.posts}
    floor_rule = rules.rule("min_staffing")
    hard_floors = floor_rule is not None and floor_rule.hard
    floors = {p.id: p.floor if hard_floors else 0 for p in instance.posts}
    order = [s.value for s in rules.objective]
    best = None
    for outcome in itertools.product(*(_options(instance, p) for p in instance.staff)):
        held = Counter(post for post in outcome if post is not None)
        if any(held[j] > places[j] or held[j] < floors[j] for j in places):
            continue  # capacity and the hard floors, before the full check
        roster = Roster(assignments=[
            Assignment(person=p.id, post=post, pool=p.pool if post or not p.new_recruit else None)
            for p, post in zip(instance.staff, outcome)])
        report = check(instance, rules, roster)
        if report.ok:
            key = _key(report.stages, order)
            best = key if best is None or key < best else best
    return best


def _assert_engine_matches(instance: staffing.Instance, rules: staffing.Policy) -> None:
    """The engine's roster is proven, passes the checker and equals the brute force's optimum;
    "infeasible" only when the brute force finds no roster."""
    reference = _brute_force(instance, rules)
    try:
        result = staffing.allocate(instance, rules, time_limit=20, deterministic=True,
                                   explain=False)
    except InfeasibleError:
        assert reference is None, "a roster meeting every hard rule exists"
        return
    assert reference is not None
    report = check(instance, rules, result.roster)
    assert report.ok, [v.message for v in report.hard_violations]
    assert result.status == "optimal"
    assert _key(report.stages, [s.value for s in rules.objective]) == reference


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(instance=tiny_communities(), order=objective_orders())
def test_soft_stability_matches_brute_force_in_every_order(instance: staffing.Instance,
                                                           order: list[str]) -> None:
    """Tests that with hard floors and soft stability at any stage position the engine returns a
    lexicographically optimal roster, and reports infeasible only when no roster exists."""
    rules = policy(objective=order, min_staffing={"hard": True}, stability={},
                   continuity={"directed_scope": "none"})
    _assert_engine_matches(instance, rules)


def test_blocking_pairs_first_gives_up_stability_for_a_hard_floor() -> None:
    """Tests that when no stable roster meets a hard floor, the blocking-pairs-first order still
    returns the roster with the fewest blocking pairs."""
    instance = community([{"id": "A", "institution": "H", "floor": 1},
                          {"id": "B", "institution": "H"}],
                         [{"id": "p", "new_recruit": True}], {"p": ["B", "A"]},
                         {"A": ["p"], "B": ["p"]}, institutions=COUNTY)
    rules = policy(objective=["blocking_pairs", "rank_profile"], min_staffing={"hard": True},
                   stability={})
    result = staffing.allocate(instance, rules, time_limit=20, deterministic=True)
    roster = result.roster
    assert roster.post_of("p") == "A"
    assert check(instance, rules, roster).blocking_pairs == 1
    assert result.status == "optimal"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(instance=tiny_communities(), then=st.sampled_from(OTHER_STAGES))
def test_hard_stability_places_as_many_people_as_any_weakly_stable_roster(
        instance: staffing.Instance, then: str) -> None:
    """Tests that with hard stability and everyone's placement first (new recruits included)
    the engine returns a largest weakly stable roster, optimal on the next stage too."""
    order = list(dict.fromkeys([Stage.UNPLACED_ALL.value, then]))
    rules = policy(objective=order, stability={"hard": True},
                   continuity={"directed_scope": "none"})
    _assert_engine_matches(instance, rules)
