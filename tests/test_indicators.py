"""Tests that the roster indicators count what their definitions say."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffing.domain.instance import Instance
from staffing.domain.roster import Assignment, Roster
from staffing.domain.without_post import group_of, without_post
from staffing.indicators import indicators
from staffing.synth import generate

FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNTY = generate(staff=60, seed=3)


def random_roster(instance: Instance, seed: int) -> Roster:
    """Everyone at a random post or none (capacity and every other rule ignored)."""
    rng = np.random.default_rng(seed)
    posts = [p.id for p in instance.posts]
    return Roster(assignments=[
        Assignment(person=p.id, post=posts[rng.integers(len(posts))] if rng.random() < 0.7
                   else None) for p in instance.staff])


@FAST
@given(seed=st.integers(0, 10_000))
def test_choice_shares_count_applicants_given_their_first_and_any_choice(seed: int) -> None:
    """Tests that the first- and any-choice shares are those of `choices_of`, with or without
    the post indices given."""
    roster = random_roster(COUNTY, seed)
    chosen = COUNTY.choices_of
    first = sum(1 for p, c in chosen.items() if roster.post_of(p) == c[0])
    any_choice = sum(1 for p, c in chosen.items() if roster.post_of(p) in c)
    a = COUNTY.arrays
    post_index = np.asarray([a.post_index.get(roster.post_of(p) or "", -1)
                             for p in a.person_ids])
    for given_index in (None, post_index):
        found = {i.key: i.value for i in indicators(COUNTY, roster, given_index)}
        assert found["first_choice_share"] == first / len(chosen)
        assert found["any_choice_share"] == any_choice / len(chosen)


@FAST
@given(seed=st.integers(0, 10_000))
def test_people_without_a_post_are_counted_by_group(seed: int) -> None:
    """Tests that the counts without a post are those of `group_of`, person by person."""
    roster = random_roster(COUNTY, seed)
    expected = dict.fromkeys(("incumbents", "new_recruits", "city_dispatched"), 0)
    for person in COUNTY.staff:
        if roster.post_of(person.id) is None:
            expected[group_of(person)] += 1
    expected["total"] = sum(expected.values())
    assert without_post(COUNTY, roster) == expected
    assert len({group_of(p) for p in COUNTY.staff}) == 3  # every group is exercised
