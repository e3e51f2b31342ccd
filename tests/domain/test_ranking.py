"""Tests that the choice table agrees with the panel ranks and the choices it is built from."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffing.domain.instance import Choice, Instance, Institution, Meta, PanelRank, Post, Staff
from staffing.domain.ranking import UNRANKED, ChoiceTable, PanelRanks
from staffing.policy import Policy

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TITLES = ["none", "junior", "intermediate", "associate_senior", "senior"]


@st.composite
def markets(draw: st.DrawFn) -> Instance:
    """Small markets with shuffled choice rows, gaps in choice ranks, some posts ranked by
    their panel (with ties and left-out applicants), the rest scored (with equal scores)."""
    people, posts = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    staff = [Staff(id=f"p{i}", discipline="internal_medicine", new_recruit=True,
                   title=draw(st.sampled_from(TITLES)), points=draw(st.integers(0, 2)))
             for i in range(people)]
    choices = []
    for i in range(people):
        chosen = draw(st.lists(st.integers(0, posts - 1), unique=True, max_size=posts))
        ranks = sorted(draw(st.lists(st.integers(1, 9), unique=True, min_size=len(chosen),
                                     max_size=len(chosen))))
        choices += [Choice(person=f"p{i}", rank=r, post=f"P{j}") for r, j in zip(ranks, chosen)]
    choices = draw(st.permutations(choices))
    ranked = draw(st.sets(st.integers(0, posts - 1)))
    rankings = [PanelRank(post=c.post, person=c.person, rank=draw(st.integers(1, 3)))
                for c in choices if int(c.post[1:]) in ranked and draw(st.booleans())]
    return Instance(meta=Meta(name="ranks"), institutions=[Institution(id="H", tier="county")],
                    posts=[Post(id=f"P{j}", institution="H", discipline="internal_medicine")
                           for j in range(posts)],
                    staff=staff, choices=choices, rankings=rankings)


def reference_table(instance: Instance, policy: Policy) -> list[tuple[int, int, int, int]]:
    """(person, post, position, rank) of every choice, from `choices_of` and `PanelRanks`."""
    a, ranks = instance.arrays, PanelRanks(instance, policy)
    return [(a.person_index[person], a.post_index[post], position,
             ranks.applicant_rank(post, person) or UNRANKED)
            for person, chosen in instance.choices_of.items()
            for position, post in enumerate(chosen, start=1)]


@FAST
@given(instance=markets())
def test_the_choice_table_is_the_choices_in_order_with_their_panel_ranks(
        instance: Instance) -> None:
    """Tests that the vectorised choice table holds every choice in the order of
    ``choices_of``, with its position and the rank `PanelRanks` gives (explicit, scored or
    unranked)."""
    policy = Policy(name="ranks")
    table = ChoiceTable.of(instance, policy)
    found = list(zip(*(column.tolist() for column in
                       (table.person, table.post, table.position, table.rank))))
    assert found == reference_table(instance, policy)
    assert all(column.dtype == np.int64 for column in
               (table.person, table.post, table.position, table.rank))


def test_the_table_is_computed_once_per_scoring_rule() -> None:
    """Tests that equal scoring rules share one table and a different one gets its own."""
    instance = Instance(meta=Meta(name="once"), institutions=[Institution(id="H", tier="county")],
                        posts=[Post(id="P0", institution="H", discipline="internal_medicine")],
                        staff=[Staff(id=f"p{k}", discipline="internal_medicine", new_recruit=True,
                                     points=points) for k, points in enumerate((3, 1))],
                        choices=[Choice(person="p0", rank=1, post="P0"),
                                 Choice(person="p1", rank=1, post="P0")])
    first = ChoiceTable.of(instance, Policy(name="a"))
    assert ChoiceTable.of(instance, Policy(name="b")) is first
    reversed_points = Policy(name="c", panel_scoring={"points": 0.0, "title": 0.0,
                                                      "grassroots_months": 0.0, "education": 0.0})
    other = ChoiceTable.of(instance, reversed_points)
    assert other is not first
    assert first.rank.tolist() == [1, 2] and other.rank.tolist() == [1, 1]
