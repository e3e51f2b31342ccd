"""What every rule of the catalogue knows: its name, labels, parameters, check and emission.

A rule is one module with one `Rule` subclass. The checker, the allocation
model and the explainer loop over the catalogue; none of them knows a rule by
name. See the module docstring of `staffing.rules` for the catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from staffing.domain.enums import Pool, Tier
from staffing.domain.instance import Instance
from staffing.domain.policy import Stage
from staffing.domain.roster import Roster
from staffing.errors import Problem

if TYPE_CHECKING:
    from staffing.allocation.model import AllocationModel
    from staffing.domain.policy import Policy


class RuleParams(BaseModel):
    """Parameters common to every rule; each rule extends this with its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hard: bool = True
    source: str = ""


@dataclass(frozen=True)
class Violation:
    """One broken rule instance, in the user's terms.

    ``amount`` is the size of the breach in the rule's unit (people, places,
    villages); for soft rules it is the shortfall counted by the soft-floor stage.
    """

    rule: str
    message: str
    hard: bool = True
    amount: int = 1
    people: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "hard": self.hard,
            "amount": self.amount,
            "message": self.message,
            "people": ";".join(self.people),
            "posts": ";".join(self.posts),
            "institutions": ";".join(self.institutions),
        }


class Placement:
    """A roster seen from the rules: who is where, by post, institution and tier.

    Built from the instance and the roster alone; the checker's only view.
    """

    def __init__(self, instance: Instance, policy: Policy, roster: Roster):
        self.instance = instance
        self.policy = policy
        self.roster = roster

    def moved(self, roster: Roster, people: list[str]) -> Placement:
        """The placement of ``roster``, which differs from this one's only for ``people``:
        the index arrays are copied and updated instead of rebuilt."""
        from staffing.domain.arrays import POOLS

        out = Placement(self.instance, self.policy, roster)
        a = self.instance.arrays
        post_index, pool_index = self.post_index.copy(), self.pool_index.copy()
        for person in people:
            i, assignment = a.person_index[person], roster.by_person[person]
            post_index[i] = a.post_index[assignment.post] if assignment.post else -1
            pool_index[i] = POOLS.index(assignment.pool) if assignment.pool else -1
        out.__dict__.update(post_index=post_index, pool_index=pool_index)
        return out

    def post_of(self, person_id: str) -> str | None:
        return self.roster.post_of(person_id)

    def pool_of(self, person_id: str) -> Pool | None:
        return self.roster.pool_of(person_id)

    def tier_of(self, person_id: str) -> Tier | None:
        post = self.post_of(person_id)
        return self.instance.tier_of_post(post) if post else None

    def institution_of(self, person_id: str) -> str | None:
        post = self.post_of(person_id)
        return self.instance.post_by_id[post].institution if post else None

    def holders(self, post_id: str) -> list[str]:
        return self.roster.holders.get(post_id, [])

    @cached_property
    def staff_at(self) -> dict[str, list[str]]:
        """Institution id -> people placed at its posts."""
        grouped: dict[str, list[str]] = defaultdict(list)
        for post_id, people in self.roster.holders.items():
            grouped[self.instance.post_by_id[post_id].institution].extend(people)
        return dict(grouped)

    def placed_people(self) -> list[str]:
        return [a.person for a in self.roster.assignments if a.post is not None]

    @cached_property
    def post_index(self) -> np.ndarray:
        """Post index of each person (``instance.staff`` order), -1 for no post."""
        a = self.instance.arrays
        out = np.full(len(a.person_ids), -1, dtype=np.int64)
        for assignment in self.roster.assignments:
            if assignment.post is not None:
                out[a.person_index[assignment.person]] = a.post_index[assignment.post]
        return out

    @cached_property
    def pool_index(self) -> np.ndarray:
        """Index in ``POOLS`` of the pool each person is charged to on the roster, -1 for none."""
        from staffing.domain.arrays import POOLS

        a = self.instance.arrays
        out = np.full(len(a.person_ids), -1, dtype=np.int64)
        for assignment in self.roster.assignments:
            if assignment.pool is not None:
                out[a.person_index[assignment.person]] = POOLS.index(assignment.pool)
        return out

    @cached_property
    def held(self) -> np.ndarray:
        """Number of people at each post."""
        placed = self.post_index[self.post_index >= 0]
        return np.bincount(placed, minlength=len(self.instance.arrays.post_ids))


P = TypeVar("P", bound="RuleParams")


class Rule(Generic[P]):
    """Base of every rule. Subclasses set the class attributes and override what applies.

    ``P`` is the rule's parameter model (its ``Params``), so ``self.params`` is typed.
    """

    name: ClassVar[str]
    label_zh: ClassVar[str]
    label_en: ClassVar[str]
    description: ClassVar[str]
    Params: ClassVar[type[RuleParams]] = RuleParams
    always_on: ClassVar[bool] = False
    soft_capable: ClassVar[bool] = False
    stage: ClassVar[Stage] = Stage.SOFT_FLOORS  # where a soft breach is counted

    def __init__(self, params: P):
        if not params.hard and not self.soft_capable:
            raise ValueError(f"rule '{self.name}' can only be hard")
        self.params: P = params
        self._cache_key = (self.name, params.model_dump_json())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params!r})"

    @property
    def hard(self) -> bool:
        return self.params.hard

    @property
    def label(self) -> str:
        return f"{self.label_en} ({self.label_zh})"

    def cached(self, instance: Instance, key: str, factory: Any) -> Any:
        """Derived data of this rule on an instance, computed once per parameters."""
        return instance.cached((*self._cache_key, key), factory)

    # -- instance checks -------------------------------------------------------------------

    def validate_instance(self, instance: Instance) -> list[Problem]:
        """Problems of the instance under this rule, before any roster exists."""
        return []

    # -- static pair exclusions ------------------------------------------------------------

    def forbidden_pairs(self, instance: Instance) -> np.ndarray | None:
        """people x posts mask of pairs this rule forbids outright (None: forbids none)."""
        return None

    def forbid_reason(self, instance: Instance, person_id: str, post_id: str) -> str | None:
        """Why this rule forbids one pair, or None if it does not."""
        mask = self.forbidden_pairs(instance)
        if mask is None:
            return None
        arrays = instance.arrays
        if mask[arrays.person_index[person_id], arrays.post_index[post_id]]:
            return self.describe_forbidden(instance, person_id, post_id)
        return None

    def describe_forbidden(self, instance: Instance, person_id: str, post_id: str) -> str:
        return f"{self.label_en} forbids {person_id} at {post_id}"

    def directed_pairs(self, instance: Instance) -> np.ndarray | None:
        """people x posts mask of posts the organisation may direct a person to for this rule."""
        return None

    # -- roster check ----------------------------------------------------------------------

    def check(self, placement: Placement) -> list[Violation]:
        """Every violation of this rule by a roster, recomputed from inputs alone."""
        raise NotImplementedError

    def violation(self, message: str, **fields: Any) -> Violation:
        return Violation(rule=self.name, message=message, hard=self.hard, **fields)

    def amount(self, placement: Placement) -> int:
        """The total size of this rule's breaches on a roster (what a soft stage counts).

        Rules with many breaches override it with a count that builds no messages.
        """
        return sum(v.amount for v in self.check(placement))

    # -- model emission --------------------------------------------------------------------

    def emit(self, model: AllocationModel) -> None:
        """Add this rule's constraints to the allocation model."""
        raise NotImplementedError


class PairRule(Rule[P]):
    """A rule that only forbids (person, post) pairs: checked pair by pair, emitted by pruning."""

    def check(self, placement: Placement) -> list[Violation]:
        instance = placement.instance
        mask = self.forbidden_pairs(instance)
        if mask is None:
            return []
        a = instance.arrays
        people = np.flatnonzero(placement.post_index >= 0)
        hit = people[mask[people, placement.post_index[people]]]
        return [
            self.violation(
                self.describe_forbidden(instance, a.person_ids[i],
                                        a.post_ids[placement.post_index[i]]),
                people=(a.person_ids[i],), posts=(a.post_ids[placement.post_index[i]],))
            for i in hit
        ]

    def emit(self, model: AllocationModel) -> None:
        model.forbid_pairs(self, self.forbidden_pairs(model.instance))

