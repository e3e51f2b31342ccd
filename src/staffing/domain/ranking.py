"""Panel ranks as the engine uses them: explicit, scored, tenure and unranked.

- A post whose panel ranked its applicants uses those ranks (equal = tie).
- A post without a ranking ranks its applicants by the policy's scoring rule;
  equal scores tie.
- When a rule of the policy grants tenure (continuity does), an incumbent who
  did not apply anywhere holds tenure at the current post: rank 0, ahead of
  every applicant.
- Anyone else at a post (placed there without applying) is unranked and comes
  after every applicant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from staffing.domain.instance import Instance, Staff

TENURE = 0
UNRANKED = 1_000_000


class PanelScoring(BaseModel):
    """Score that ranks the applicants of a post whose panel gave no explicit ranking.

    score = title level x title + points x points + months x grassroots months
    + education level x education; higher is better, equal scores tie.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: float = Field(10.0, ge=0)
    points: float = Field(1.0, ge=0)
    grassroots_months: float = Field(0.1, ge=0)
    education: float = Field(2.0, ge=0)


class PanelPolicy(Protocol):
    """What panel ranks need of a policy: its scoring rule and whether incumbents hold tenure."""

    @property
    def panel_scoring(self) -> PanelScoring: ...

    @property
    def tenure(self) -> bool: ...


def score(person: Staff, scoring: PanelScoring) -> float:
    """The scoring rule's value for one person (higher is better)."""
    return round(
        scoring.title * person.title.level
        + scoring.points * person.points
        + scoring.grassroots_months * person.grassroots_months
        + scoring.education * person.education.level,
        9,
    )


class PanelRanks:
    """Effective rank of any person at any post under a policy."""

    def __init__(self, instance: Instance, policy: PanelPolicy):
        self.instance = instance
        self.tenure_on = policy.tenure
        self._ranks: dict[tuple[str, str], int] = dict(instance.panel_rank)
        scored: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for post, applicants in instance.applicants_of.items():
            if post in instance.ranked_posts:
                continue
            for person in applicants:
                scored[post].append((score(instance.person_by_id[person], policy.panel_scoring),
                                     person))
        for post, entries in scored.items():
            distinct = sorted({s for s, _ in entries}, reverse=True)
            position = {s: k + 1 for k, s in enumerate(distinct)}
            for s, person in entries:
                self._ranks[(post, person)] = position[s]

    @classmethod
    def of(cls, instance: Instance, policy: PanelPolicy) -> PanelRanks:
        """The ranks of an instance under a policy, computed once per scoring rule."""
        key = ("panel_ranks", policy.panel_scoring, policy.tenure)  # frozen: hashable
        return instance.cached(key, lambda: cls(instance, policy))

    def rank(self, post_id: str, person_id: str) -> int:
        """Lower is better; TENURE for a non-applicant at their own post, UNRANKED otherwise."""
        found = self._ranks.get((post_id, person_id))
        if found is not None:
            return found
        if self.has_tenure(post_id, person_id):
            return TENURE
        return UNRANKED

    def has_tenure(self, post_id: str, person_id: str) -> bool:
        person = self.instance.person_by_id[person_id]
        return (
            self.tenure_on
            and person.current_post == post_id
            and not self.instance.applied(person_id)
        )

    def applicant_rank(self, post_id: str, person_id: str) -> int | None:
        """The panel's rank of an applicant (explicit or scored), None for non-applicants."""
        return self._ranks.get((post_id, person_id))


@dataclass(frozen=True)
class ChoiceTable:
    """Every choice as parallel arrays, in the order of ``instance.choices_of``."""

    person: np.ndarray    # person index
    post: np.ndarray      # post index
    position: np.ndarray  # 1 = first choice
    rank: np.ndarray      # the panel's rank of the applicant at the post (explicit or scored)

    @classmethod
    def of(cls, instance: Instance, policy: PanelPolicy) -> ChoiceTable:
        """The table of an instance under a policy's scoring rule, computed once."""
        key = ("choice_table", policy.panel_scoring, policy.tenure)  # frozen: hashable
        return instance.cached(key, lambda: cls._build(instance, policy))

    @classmethod
    def _build(cls, instance: Instance, policy: PanelPolicy) -> ChoiceTable:
        """Vectorised: the choices coded once, people in order of their first choice row,
        each person's choices by rank (input order among equal ranks), as
        ``instance.choices_of``; ranks as `PanelRanks.applicant_rank` (UNRANKED for none)."""
        person, post, position = choice_order(instance)
        panel = _panel_ranks(instance, policy, person, post)
        return cls(person, post, position, panel)

    def rows_of_people(self, people: Iterable[int]) -> np.ndarray:
        """The rows of the choices of these people (person indices), ascending."""
        return _rows(self.by_person, people)

    def rows_of_posts(self, posts: Iterable[int]) -> np.ndarray:
        """The rows of the choices of these posts (post indices), ascending."""
        return _rows(self.by_post, posts)

    @cached_property
    def by_person(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows grouped by person: the order and where each person's rows start in it."""
        return _grouped(self.person)

    @cached_property
    def by_post(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows grouped by post, as `by_person`."""
        return _grouped(self.post)


def _grouped(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows ordered by ``column``, and where each value's rows start in that order (value
    ``k``'s rows are ``order[starts[k]:starts[k + 1]]``)."""
    order = np.argsort(column, kind="stable")
    values = np.arange(int(column.max()) + 2 if len(column) else 1)
    return order, np.searchsorted(column[order], values, side="left")


def _rows(index: tuple[np.ndarray, np.ndarray], keys: Iterable[int]) -> np.ndarray:
    order, starts = index
    last = len(starts) - 1
    slices = [order[starts[k]:starts[k + 1]] for k in {int(k) for k in keys} if 0 <= k < last]
    return np.sort(np.concatenate(slices)) if slices else np.zeros(0, dtype=np.int64)


def choice_order(instance: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every choice as (person index, post index, position: 1 = first choice) arrays, in the
    order of ``instance.choices_of`` (people in order of their first choice row, each
    person's choices by rank, input order among equal ranks); computed once per instance."""
    def build() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a = instance.arrays
        choices, people, posts = instance.choices, a.person_index, a.post_index
        n = len(choices)
        person = np.fromiter([people[c.person] for c in choices], np.int64, n)
        post = np.fromiter([posts[c.post] for c in choices], np.int64, n)
        choice_rank = np.fromiter([c.rank for c in choices], np.int64, n)
        first_row = np.full(len(a.person_ids), n, dtype=np.int64)
        np.minimum.at(first_row, person, np.arange(n))
        order = np.lexsort((choice_rank, first_row[person]))
        person, post = person[order], post[order]
        starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]]) if n else order
        position = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) + 1
        columns = person, post, position.astype(np.int64)
        for column in columns:
            column.flags.writeable = False  # shared by the choice table of every policy
        return columns

    found: tuple[np.ndarray, np.ndarray, np.ndarray] = instance.cached(("choice_order",), build)
    return found


def _panel_ranks(instance: Instance, policy: PanelPolicy, person: np.ndarray,
                 post: np.ndarray) -> np.ndarray:
    """The panel's rank of each (person, post) choice: the explicit rank where the post was
    ranked (the last entry for a pair given twice; UNRANKED for an applicant left out), the
    policy score's dense rank among the post's applicants (highest first) where it was not."""
    a = instance.arrays
    n_people = len(a.person_ids)
    rankings, posts, people = instance.rankings, a.post_index, a.person_index
    coded = np.stack([np.fromiter([posts.get(r.post, -1) for r in rankings], np.int64),
                      np.fromiter([people.get(r.person, -1) for r in rankings], np.int64),
                      np.fromiter([r.rank for r in rankings], np.int64)], axis=1)
    ranked_post = np.zeros(len(a.post_ids), dtype=bool)
    panel = np.full(len(person), UNRANKED, dtype=np.int64)
    if len(coded):
        ranked_post[coded[coded[:, 0] >= 0, 0]] = True
        coded = coded[(coded[:, 0] >= 0) & (coded[:, 1] >= 0)]
        keys = coded[:, 0] * n_people + coded[:, 1]
        by_key = np.argsort(keys, kind="stable")
        sorted_keys = keys[by_key]
        wanted = post * n_people + person
        at = np.searchsorted(sorted_keys, wanted, side="right") - 1
        found = (at >= 0) & (sorted_keys[np.maximum(at, 0)] == wanted) if len(keys) else at < -1
        panel[found] = coded[by_key[at[found]], 2]
    scored = ~ranked_post[post]
    if scored.any():
        panel[scored] = _scored_ranks(instance, policy, person[scored], post[scored])
    return panel


def _scored_ranks(instance: Instance, policy: PanelPolicy, person: np.ndarray,
                  post: np.ndarray) -> np.ndarray:
    """Each applicant's place among the distinct scores at their post (1 = highest)."""
    people, back = np.unique(person, return_inverse=True)
    scores = np.asarray([score(instance.staff[i], policy.panel_scoring) for i in people.tolist()],
                        dtype=float)[back]
    order = np.lexsort((-scores, post))
    new_post = np.r_[True, post[order][1:] != post[order][:-1]]
    new_score = new_post | np.r_[True, scores[order][1:] != scores[order][:-1]]
    dense = np.cumsum(new_score)
    post_starts = np.flatnonzero(new_post)
    base = np.repeat(dense[post_starts], np.diff(np.r_[post_starts, len(order)]))
    ranks = np.empty(len(person), dtype=np.int64)
    ranks[order] = dense - base + 1
    return ranks
