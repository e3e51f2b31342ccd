"""Pruning before modelling: the choices no roster can contain, found without a solver.

`admissible_choices` lists the choices no hard rule forbids outright;
`dominated_choices` those no roster without blocking pairs can contain
(deferred acceptance with weak rejections). The engine leaves dominated
choices out of the stable-only model.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from staffing.allocation.pairs import choice_arrays
from staffing.domain.instance import Instance
from staffing.domain.pairs import PairKind, Pairs
from staffing.policy import Policy
from staffing.rules.forbidden import admissible_mask


def admissible_choices(instance: Instance, policy: Policy) -> list[tuple[int, int, int, int]]:
    """(person, post, choice rank, panel rank) of every choice no hard rule forbids outright."""

    def compute() -> list[tuple[int, int, int, int]]:
        people, posts, ranks, panels = choice_arrays(instance, policy)
        if not len(people):
            return []
        ok = admissible_mask(instance, policy)[people, posts]
        return [
            (int(i), int(j), int(r), int(q))
            for i, j, r, q in zip(people[ok], posts[ok], ranks[ok], panels[ok])
        ]

    return instance.cached(("admissible_choices", policy.hash()), compute)


def dominated_choices(instance: Instance, policy: Policy) -> set[tuple[int, int]]:
    """(person, post) choice pairs that no roster without blocking pairs can contain.

    Person-proposing deferred acceptance with weak rejections: a post rejects
    an applicant once it holds at least as many applicants ranked strictly
    better as it has places, each of whom has the post as best choice not yet
    rejected. By induction each rejected pair is absent from every roster with
    no blocking pair. Without ties or side rules this truncates each person's
    list at the person-optimal stable partner.
    """
    lists: dict[int, list[tuple[int, int]]] = defaultdict(list)  # i -> [(post, panel rank)]
    for i, j, _choice_rank, rank in sorted(admissible_choices(instance, policy),
                                          key=lambda c: (c[0], c[2])):
        lists[i].append((j, rank))
    places = instance.arrays.places
    pointer = {i: 0 for i in lists}
    held: dict[int, list[tuple[int, int]]] = defaultdict(list)  # post -> [(rank, person)]
    rejected: set[tuple[int, int]] = set()
    queue = list(lists)
    while queue:
        i = queue.pop()
        if pointer[i] >= len(lists[i]):
            continue
        j, rank = lists[i][pointer[i]]
        held[j].append((rank, i))
        if len(held[j]) <= places[j]:
            continue
        ordered = sorted(held[j])
        threshold = ordered[int(places[j]) - 1][0]
        keep = [entry for entry in ordered if entry[0] <= threshold]
        for _entry_rank, loser in ordered[len(keep):]:
            rejected.add((loser, j))
            pointer[loser] += 1
            queue.append(loser)
        held[j] = keep
    return rejected


def dominated_mask(instance: Instance, policy: Policy, pairs: Pairs) -> np.ndarray:
    """The choice pairs among ``pairs`` that `dominated_choices` rejects."""
    rejected = dominated_choices(instance, policy)
    if not rejected:
        return np.zeros(len(pairs), dtype=bool)
    keys = {i * len(instance.posts) + j for i, j in rejected}
    codes = pairs.person * len(instance.posts) + pairs.post
    return (pairs.kind == PairKind.CHOICE) & np.isin(codes, list(keys))
