"""The roster: who holds which post, charged to which headcount pool."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from staffing.domain.enums import Pool
from staffing.domain.instance import Identifier, IdList, Instance, PoolField, column

if TYPE_CHECKING:
    import pandas as pd


class Assignment(BaseModel):
    """One person's outcome: a post (or none) and the pool charged."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person: Identifier = column("工号", "person id")
    post: Identifier | None = column("岗位编号", "post held (blank: no post)", None)
    pool: PoolField | None = column("编制类别", "headcount pool charged", None)
    tour_villages: IdList = column("巡诊村", "villages toured as township tour doctor", [])


_ASSIGNMENT_FIELDS = set(Assignment.model_fields)


def trusted_assignments(rows: list[tuple[str, str | None, Pool | None]]) -> list[Assignment]:
    """Assignments (person, post, pool; no tour) from values already valid: ids of a
    validated instance and `Pool` members, as the engines derive them. Built as
    ``Assignment.model_construct`` builds a model, without its per-call overhead (about a
    third of the time of validating them; what a 5,000-person roster is built with). The
    checker still checks every reference of the roster they form."""
    new, put = object.__new__, object.__setattr__
    out = []
    for person, post, pool in rows:
        assignment = new(Assignment)
        put(assignment, "__dict__", {"person": person, "post": post, "pool": pool,
                                     "tour_villages": []})
        put(assignment, "__pydantic_fields_set__", _ASSIGNMENT_FIELDS)
        put(assignment, "__pydantic_extra__", None)
        put(assignment, "__pydantic_private__", None)
        out.append(assignment)
    return out


class Roster(BaseModel):
    """A complete outcome of a selection round: one assignment per person of the instance.

    Only the assignments: how a roster was found (status, stages, manifest) is in the
    `staffing.allocation.result.AllocationResult` that returned it.
    """

    model_config = ConfigDict(frozen=True)

    assignments: list[Assignment]

    @cached_property
    def by_person(self) -> dict[str, Assignment]:
        return {a.person: a for a in self.assignments}

    def post_of(self, person_id: str) -> str | None:
        assignment = self.by_person.get(person_id)
        return assignment.post if assignment else None

    def pool_of(self, person_id: str) -> Pool | None:
        assignment = self.by_person.get(person_id)
        return assignment.pool if assignment else None

    @cached_property
    def holders(self) -> dict[str, list[str]]:
        """Post id -> people placed there."""
        grouped: dict[str, list[str]] = defaultdict(list)
        for a in self.assignments:
            if a.post is not None:
                grouped[a.post].append(a.person)
        return dict(grouped)

    @cached_property
    def tours(self) -> dict[str, str]:
        """Village id -> its tour doctor."""
        return {v: a.person for a in self.assignments for v in a.tour_villages}

    @cached_property
    def order(self) -> dict[str, int]:
        """Person id -> position in ``assignments``."""
        return {a.person: k for k, a in enumerate(self.assignments)}

    def moved(self, changes: dict[str, Assignment]) -> Roster:
        """This roster with some people's assignments replaced (a quick derived copy).

        Lookups (by person, holders, tours) are updated from this roster's rather than
        rebuilt, each in the order a roster built from the new assignments would have.
        """
        assignments = list(self.assignments)
        for person, new in changes.items():
            assignments[self.order[person]] = new
        out = Roster.model_construct(assignments=assignments)
        holders = dict(self.holders)
        for person, new in changes.items():
            old = self.by_person.get(person)
            if old is not None and old.post is not None and old.post != new.post:
                holders[old.post] = [q for q in holders[old.post] if q != person]
                if not holders[old.post]:
                    del holders[old.post]
            if new.post is not None and (old is None or old.post != new.post):
                holders[new.post] = sorted([*holders.get(new.post, []), person],
                                           key=self.order.__getitem__)
        tours = self.tours
        if any(new.tour_villages or self.by_person[person].tour_villages
               for person, new in changes.items()):
            tours = {v: a.person for a in assignments for v in a.tour_villages}
        by_person = {**self.by_person, **changes}
        out.__dict__.update(by_person=by_person, holders=holders, tours=tours,
                            order=self.order)
        return out

    def vacancies(self, instance: Instance) -> dict[str, int]:
        """Post id -> unfilled places."""
        return {
            post.id: post.places - len(self.holders.get(post.id, []))
            for post in instance.posts
            if post.places > len(self.holders.get(post.id, []))
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd  # lazy: pandas (0.5 s to import) only where a frame is asked for

        return pd.DataFrame(
            {
                "person": [a.person for a in self.assignments],
                "post": [a.post for a in self.assignments],
                "pool": [a.pool.value if a.pool else None for a in self.assignments],
                "tour_villages": [";".join(a.tour_villages) for a in self.assignments],
            }
        )

    @classmethod
    def current(cls, instance: Instance) -> Roster:
        """The roster as it stands before the selection: everyone at their current post."""
        return cls(
            assignments=[
                Assignment(person=p.id, post=p.current_post, pool=p.pool)
                for p in instance.staff
            ],
        )
