"""What every plan rule knows: name, labels, parameters, emission, check and explanation.

A plan rule is one module with one `PlanRule` subclass. The plan model, the
checker and the reasons loop over the catalogue (`staffing.planning.rules`);
none of them knows a rule by name. A rule may

- allow only some slots to some people (``allowed_slots``) or forbid options
  outright (``forbidden``): such options never enter the model, and
  ``describe_forbidden`` says why in words;
- add constraints to the model (``emit``), each through `Emitter.at_least` or
  `Emitter.at_most`, which guard a hard constraint with an enforcement literal
  when the model explains an infeasible policy, and give a soft one a
  shortfall counted in the rule's objective stage;
- check a finished plan from the inputs alone (``check``);
- say why an option the plan did not use is blocked in the plan as it stands
  (``blocking``), for the reasons given to candidates who are late.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any, ClassVar, Protocol, TypeVar

import numpy as np

from staffing.catalogue import CatalogueEntry, EntryParams
from staffing.domain.violation import Violation
from staffing.planning.facts import NONE, PlanFacts, PlanSpace
from staffing.planning.tables import PlanRole, Rotation

Expr = Any  # an OR-Tools linear expression or an int


class PlanRuleParams(EntryParams):
    """Parameters common to every plan rule; each rule extends this with its own."""

    hard: bool = True


class Emitter(Protocol):
    """What a plan rule sees of the CP-SAT plan model while emitting itself."""

    facts: PlanFacts
    space: PlanSpace

    def total(self, options: np.ndarray) -> Expr: ...

    def weighted(self, options: np.ndarray, weights: np.ndarray) -> Expr: ...

    def new_bool(self, name: str) -> Any: ...

    def add_stage_term(self, stage: str, expr: Expr) -> None: ...

    def at_least(self, rule: PlanRule[Any], key: tuple[Any, ...], expr: Expr, bound: int, *,
                 unit: str, detail: str, people: tuple[str, ...] = (),
                 where: tuple[str, ...] = ()) -> Any: ...

    def at_most(self, rule: PlanRule[Any], key: tuple[Any, ...], expr: Expr, bound: int, *,
                unit: str, detail: str, people: tuple[str, ...] = (),
                where: tuple[str, ...] = ()) -> Any: ...


class PlanView:
    """A plan seen from the rules: each rotation's person, slot and plan-year offsets.

    Built from the facts and the rotations alone (references already checked); the
    checker's only view, and the model's view of its own solution.
    """

    def __init__(self, facts: PlanFacts, rotations: list[Rotation]):
        self.facts = facts
        self.rotations = list(rotations)
        a = facts.instance.arrays
        start = facts.horizon.start
        self.person = np.array([a.person_index[r.person] for r in self.rotations], dtype=np.int64)
        self.site = np.array([facts.site_index[r.site] for r in self.rotations], dtype=np.int64)
        self.slot = np.array([facts.slot_index.get((facts.site_index[r.site], r.role), NONE)
                              for r in self.rotations], dtype=np.int64)
        self.start = np.array([r.start_year - start for r in self.rotations], dtype=np.int64)
        self.end = np.array([r.end_year - start for r in self.rotations], dtype=np.int64)
        self.role = [r.role for r in self.rotations]

    def __len__(self) -> int:
        return len(self.rotations)

    def covers(self, t: int) -> np.ndarray:
        """Rotations away during plan-year offset ``t``."""
        return (self.start <= t) & (t <= self.end)

    def at(self, site: int, t: int, role: PlanRole | None = None) -> np.ndarray:
        """Indices of the rotations at ``site`` during offset ``t`` (of one role, if given)."""
        hit = (self.site == site) & self.covers(t)
        if role is not None:
            hit &= np.array([r is role for r in self.role], dtype=bool)
        return np.flatnonzero(hit)

    @cached_property
    def of_person(self) -> dict[int, list[int]]:
        """Person index -> their rotations, earliest first."""
        grouped: dict[int, list[int]] = defaultdict(list)
        for k in np.argsort(self.start, kind="stable"):
            grouped[int(self.person[k])].append(int(k))
        return dict(grouped)

    def people(self, indices: np.ndarray | list[int]) -> tuple[str, ...]:
        """The person ids of some rotations."""
        ids = self.facts.person_ids
        return tuple(ids[self.person[k]] for k in indices)

    def first_of(self, person: int) -> int | None:
        """The person's earliest rotation, if any."""
        mine = self.of_person.get(person)
        return mine[0] if mine else None


P = TypeVar("P", bound=PlanRuleParams)


class PlanRule(CatalogueEntry[P]):
    """Base of every plan rule; subclasses set the class attributes and override what applies."""

    Params: ClassVar[type[PlanRuleParams]] = PlanRuleParams
    soft_capable: ClassVar[bool] = False
    stage: ClassVar[str] = "coverage"  # where a soft shortfall is counted

    def __init__(self, params: P):
        if not params.hard and not self.soft_capable:
            raise ValueError(f"plan rule '{self.name}' can only be hard")
        super().__init__(params)

    @property
    def hard(self) -> bool:
        return self.params.hard

    # -- options -----------------------------------------------------------------------------

    def allowed_slots(self, facts: PlanFacts) -> np.ndarray | None:
        """people x slots this rule allows (None: every slot)."""
        return None

    def forbidden(self, facts: PlanFacts, space: PlanSpace) -> np.ndarray | None:
        """Options of ``space`` this rule forbids outright (None: none)."""
        return None

    def describe_forbidden(self, facts: PlanFacts, person: int, slot: int, start: int,
                           end: int) -> str | None:
        """Why this rule forbids one person one rotation (None if it does not)."""
        return None

    def restart_gap(self, facts: PlanFacts) -> int:
        """Fewest years between the starts of two rotations of one person this rule allows."""
        return facts.horizon.span

    # -- model -------------------------------------------------------------------------------

    def emit(self, m: Emitter) -> None:
        """Add this rule's constraints to the plan model."""

    # -- plan check --------------------------------------------------------------------------

    def check(self, view: PlanView) -> list[Violation]:
        """Every violation of this rule by a plan, recomputed from the inputs alone."""
        raise NotImplementedError

    def blocking(self, view: PlanView, person: int, slot: int, start: int,
                 end: int) -> str | None:
        """Why adding this rotation to the plan as it stands would break this rule (or None)."""
        return None


def years_text(facts: PlanFacts, start: int, end: int) -> str:
    """Plan-year offsets as calendar years: '2026' or '2026-2027'."""
    first, last = facts.horizon.start + start, facts.horizon.start + end
    return str(first) if first == last else f"{first}-{last}"


def covered_in_plan(facts: PlanFacts, start: int, end: int) -> range:
    """The plan-year offsets a rotation covers within the plan."""
    return range(max(0, start), min(end, facts.horizon.years - 1) + 1)
