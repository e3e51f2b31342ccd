"""Column arrays of an instance, for vectorised rules and model building."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from staffing.domain.enums import Discipline, Licence, Pool, TeamRole, Tier, Title

if TYPE_CHECKING:
    from staffing.domain.instance import Instance

DISCIPLINES = list(Discipline)
LICENCES = list(Licence)
TIERS = list(Tier)
POOLS = list(Pool)
POOL_INDEX = {pool: k for k, pool in enumerate(POOLS)}
DISCIPLINE_INDEX = {discipline: k for k, discipline in enumerate(DISCIPLINES)}
LICENCE_INDEX = {licence: k for k, licence in enumerate(LICENCES)}
TITLE_LEVEL = {title: title.level for title in Title}
ROLES = list(TeamRole)
NO_POOL = -1
NO_POST = -1


@dataclass(frozen=True)
class InstanceArrays:
    """Integer codes per person and per post, aligned with ``instance.staff`` and ``.posts``."""

    person_ids: list[str]
    post_ids: list[str]
    person_index: dict[str, int]
    post_index: dict[str, int]
    # people
    discipline: np.ndarray
    title: np.ndarray
    licence: np.ndarray
    pool: np.ndarray
    current_post: np.ndarray
    months: np.ndarray
    promotion: np.ndarray
    recruit: np.ndarray
    dispatched: np.ndarray
    # posts
    post_tier: np.ndarray
    post_institution: np.ndarray
    post_discipline: np.ndarray
    post_grade: np.ndarray
    post_licence: np.ndarray
    post_min_title: np.ndarray
    post_role: np.ndarray
    places: np.ndarray
    post_floor: np.ndarray
    post_accepts: np.ndarray  # posts x disciplines, True where the discipline is accepted
    institution_ids: list[str]

    @classmethod
    def of(cls, instance: Instance) -> InstanceArrays:
        """The arrays of an instance."""
        people, posts = instance.staff, instance.posts
        post_index = {p.id: i for i, p in enumerate(posts)}
        inst_ids = [i.id for i in instance.institutions]
        inst_index = {i: k for k, i in enumerate(inst_ids)}
        tier_of_inst = {i.id: TIERS.index(i.tier) for i in instance.institutions}
        accepts = np.zeros((len(posts), len(DISCIPLINES)), dtype=bool)
        for k, post in enumerate(posts):
            accepts[k, DISCIPLINES.index(post.discipline)] = True
            for extra in post.accepts:
                accepts[k, DISCIPLINES.index(extra)] = True

        def arr(values: list, dtype: type = np.int64) -> np.ndarray:
            return np.asarray(values, dtype=dtype)

        person_ids = [p.id for p in people]
        return cls(
            person_ids=person_ids,
            post_ids=[p.id for p in posts],
            person_index={pid: i for i, pid in enumerate(person_ids)},
            post_index=post_index,
            discipline=arr([DISCIPLINE_INDEX[p.discipline] for p in people]),
            title=arr([TITLE_LEVEL[p.title] for p in people]),
            licence=arr([LICENCE_INDEX[p.licence] for p in people]),
            pool=arr([POOL_INDEX[p.pool] if p.pool is not None else NO_POOL for p in people]),
            current_post=arr([
                post_index.get(p.current_post, NO_POST) if p.current_post else NO_POST
                for p in people
            ]),
            months=arr([p.grassroots_months for p in people]),
            promotion=arr([p.promotion_candidate for p in people], bool),
            recruit=arr([p.new_recruit for p in people], bool),
            dispatched=arr([p.city_dispatched for p in people], bool),
            post_tier=arr([tier_of_inst[p.institution] for p in posts]),
            post_institution=arr([inst_index[p.institution] for p in posts]),
            post_discipline=arr([DISCIPLINES.index(p.discipline) for p in posts]),
            post_grade=arr([p.grade.level for p in posts]),
            post_licence=arr([LICENCES.index(p.licence) for p in posts]),
            post_min_title=arr([p.min_title.level for p in posts]),
            post_role=arr([ROLES.index(p.team_role) for p in posts]),
            places=arr([p.places for p in posts]),
            post_floor=arr([p.floor for p in posts]),
            post_accepts=accepts,
            institution_ids=inst_ids,
        )

    @cached_property
    def licence_covers_village(self) -> np.ndarray:
        """People who may staff a village clinic on their own."""
        return np.isin(self.licence, [LICENCES.index(x) for x in LICENCES if x.covers_village])

    @cached_property
    def licence_is_physician(self) -> np.ndarray:
        """Practising or assistant physicians."""
        return np.isin(self.licence, [LICENCES.index(x) for x in LICENCES if x.is_physician])

    @cached_property
    def is_gp(self) -> np.ndarray:
        return self.discipline == DISCIPLINES.index(Discipline.GENERAL_PRACTICE)

    @cached_property
    def incumbent(self) -> np.ndarray:
        return ~self.recruit & ~self.dispatched


def licence_table() -> np.ndarray:
    """held x required -> whether the held licence meets the requirement."""
    return np.array([[held.satisfies(req) for req in LICENCES] for held in LICENCES], dtype=bool)


def requirement_matrix(arrays: InstanceArrays,
                       equivalents: Mapping[Discipline, Sequence[Discipline]] | None = None,
                       ) -> np.ndarray:
    """people x posts: True where the person has the discipline, licence and title a post asks.

    ``equivalents`` maps a post discipline to further person disciplines it accepts.
    """
    accepts = arrays.post_accepts.copy()
    for post_disc, extra in (equivalents or {}).items():
        rows = arrays.post_discipline == DISCIPLINES.index(post_disc)
        for disc in extra:
            accepts[rows, DISCIPLINES.index(disc)] = True
    discipline_ok = accepts[:, arrays.discipline].T
    licence_ok = licence_table()[arrays.licence][:, arrays.post_licence]
    title_ok = arrays.title[:, None] >= arrays.post_min_title[None, :]
    matrix = discipline_ok & licence_ok & title_ok
    matrix.flags.writeable = False
    return matrix
