"""Random two-way selection instances without side rules, and a deferred-acceptance reference."""

from __future__ import annotations

import numpy as np

from staffing.domain.instance import (
    Choice,
    Instance,
    Institution,
    Meta,
    PanelRank,
    Post,
    Staff,
)
from staffing.policy import Policy


def plain_market(people: int, posts: int, seed: int, *, max_choices: int = 5,
                 ties: bool = False, grades: int | None = None) -> Instance:
    """People ranking posts and panels ranking applicants, strictly unless ``ties`` (applicants
    tied in pairs) or ``grades`` (each applicant given one of that many grades at random: long
    ties)."""
    rng = np.random.default_rng(seed)
    institutions = [Institution(id="H", tier="county")]
    places = rng.integers(1, 4, size=posts)
    post_rows = [Post(id=f"P{j}", institution="H", discipline="internal_medicine",
                      places=int(places[j])) for j in range(posts)]
    popularity = rng.gamma(1.0, 1.0, size=posts) + 0.05
    staff, choices, rankings = [], [], []
    applicants: dict[int, list[str]] = {j: [] for j in range(posts)}
    for i in range(people):
        pid = f"p{i}"
        staff.append(Staff(id=pid, discipline="internal_medicine", new_recruit=True))
        length = int(rng.integers(1, min(max_choices, posts) + 1))
        chosen = rng.choice(posts, size=length, replace=False, p=popularity / popularity.sum())
        for rank, j in enumerate(chosen, start=1):
            choices.append(Choice(person=pid, rank=rank, post=f"P{j}"))
            applicants[int(j)].append(pid)
    for j, names in applicants.items():
        order = rng.permutation(len(names))
        drawn = rng.integers(1, grades + 1, size=len(names)) if grades is not None else None
        for position, k in enumerate(order, start=1):
            rank = position if not ties else 1 + position // 2
            if drawn is not None:
                rank = int(drawn[position - 1])
            rankings.append(PanelRank(post=f"P{j}", person=names[k], rank=rank))
    return Instance(meta=Meta(name=f"plain-{people}-{posts}-{seed}"), institutions=institutions,
                    posts=post_rows, staff=staff, choices=choices, rankings=rankings)


def plain_policy(max_choices: int = 5, objective: list[str] | None = None) -> Policy:
    """Only eligibility, capacity and stability."""
    return Policy(name="plain", max_choices=max_choices, rules={"stability": {}},
                  objective=objective or ["blocking_pairs", "rank_profile"])


def deferred_acceptance(instance: Instance, *, proposers: str = "people") -> dict[str, str]:
    """Person- or post-proposing deferred acceptance with strict rankings: person -> post."""
    prefs = {p: list(c) for p, c in instance.choices_of.items()}
    rank = instance.panel_rank
    places = {p.id: p.places for p in instance.posts}
    if proposers == "people":
        return _people_propose(prefs, rank, places)
    return _posts_propose(prefs, rank, places, instance)


def _people_propose(prefs: dict[str, list[str]], rank: dict,
                    places: dict[str, int]) -> dict[str, str]:
    nxt = {p: 0 for p in prefs}
    held: dict[str, list[str]] = {j: [] for j in places}
    free = list(prefs)
    while free:
        p = free.pop()
        if nxt[p] >= len(prefs[p]):
            continue
        j = prefs[p][nxt[p]]
        nxt[p] += 1
        held[j].append(p)
        held[j].sort(key=lambda q: rank[(j, q)])
        if len(held[j]) > places[j]:
            free.append(held[j].pop())
    return {p: j for j, ps in held.items() for p in ps}


def _posts_propose(prefs: dict[str, list[str]], rank: dict, places: dict[str, int],
                   instance: Instance) -> dict[str, str]:
    order = {j: sorted(instance.applicants_of.get(j, []), key=lambda q: rank[(j, q)])
             for j in places}
    nxt = {j: 0 for j in places}
    match: dict[str, str] = {}
    held: dict[str, set[str]] = {j: set() for j in places}
    active = list(places)
    while active:
        j = active.pop()
        while len(held[j]) < places[j] and nxt[j] < len(order[j]):
            p = order[j][nxt[j]]
            nxt[j] += 1
            current = match.get(p)
            if current is None or prefs[p].index(j) < prefs[p].index(current):
                if current is not None:
                    held[current].discard(p)
                    active.append(current)
                match[p] = j
                held[j].add(p)
    return match
