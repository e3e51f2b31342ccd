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
        key = ("panel_ranks", policy.panel_scoring.model_dump_json(), policy.tenure)
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
        key = ("choice_table", policy.panel_scoring.model_dump_json(), policy.tenure)
        return instance.cached(key, lambda: cls._build(instance, policy))

    @classmethod
    def _build(cls, instance: Instance, policy: PanelPolicy) -> ChoiceTable:
        a = instance.arrays
        ranks = PanelRanks.of(instance, policy)
        people, posts, positions, panel = [], [], [], []
        for person, chosen in instance.choices_of.items():
            for position, post in enumerate(chosen, start=1):
                people.append(a.person_index[person])
                posts.append(a.post_index[post])
                positions.append(position)
                panel.append(ranks.applicant_rank(post, person) or UNRANKED)
        return cls(*(np.asarray(x, dtype=np.int64) for x in (people, posts, positions, panel)))

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
