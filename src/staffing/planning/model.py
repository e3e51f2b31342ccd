"""The CP-SAT model of a rotation plan over the horizon.

One integer variable per option of the plan space (`staffing.planning.facts`):
how many people of one group of interchangeable people start a rotation at
one place-and-role in one year (a boolean for a group of one, which every
promotion candidate is). Options a rule forbids outright never exist. Each
plan rule emits its constraints through `at_least` / `at_most`:

- SOLVE: a hard rule adds a plain constraint, a soft one a shortfall variable
  counted in the rule's stage;
- EXPLAIN: every hard constraint is guarded by its own enforcement literal, so
  the explainer can ask CP-SAT which of them conflict (assumptions).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from staffing.planning.facts import PlanFacts, PlanSpace
from staffing.planning.policy import PlanningPolicy
from staffing.planning.rules.base import Expr, PlanRule
from staffing.planning.tables import Rotation


class Mode(Enum):
    SOLVE = "solve"
    EXPLAIN = "explain"


@dataclass
class PlanRecord:
    """One constraint instance a plan rule added, in the rule's terms."""

    rule: str
    key: tuple[Any, ...]
    detail: str
    unit: str
    hard: bool
    sense: str  # ">=" or "<="
    bound: int
    people: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    literal: Any = None
    slack: Any = None

    @property
    def name(self) -> str:
        return f"{self.rule}[{', '.join(str(k) for k in self.key)}]"


def is_constant(expr: Expr) -> bool:
    return isinstance(expr, (int, np.integer))


def plan_space(facts: PlanFacts, planning: PlanningPolicy, *, grouped: bool = True) -> PlanSpace:
    """The options every rule allows: qualified slots, then each rule's outright exclusions."""
    qualified = np.ones((len(facts.person_ids), len(facts.slots)), dtype=bool)
    for rule in planning.rule_objects():
        allowed = rule.allowed_slots(facts)
        if allowed is not None:
            qualified &= allowed
    space = facts.space(qualified, grouped=grouped)
    forbidden = np.zeros(len(space.options), dtype=bool)
    for rule in planning.rule_objects():
        mask = rule.forbidden(facts, space)
        if mask is not None:
            forbidden |= mask
    return space.subset(~forbidden)


class PlanModel:
    """Variables, rule emission and stage objectives of one plan."""

    def __init__(self, facts: PlanFacts, planning: PlanningPolicy, *, mode: Mode = Mode.SOLVE,
                 grouped: bool = True, between: Callable[[], None] | None = None):
        """``between`` is called before the variables and before each rule is emitted (a
        run's time check: it raises to stop the build)."""
        self.facts = facts
        self.planning = planning
        self.mode = mode
        self.space = plan_space(facts, planning, grouped=grouped)
        self.model = cp_model.CpModel()
        self.records: list[PlanRecord] = []
        self._terms: dict[str, list[Expr]] = defaultdict(list)
        sizes = self.space.size[self.space.options.group] if len(self.space.options) else []
        if between is not None:
            between()
        self.x = [self.model.new_bool_var("") if n == 1 else self.model.new_int_var(0, int(n), "")
                  for n in sizes]
        for rule in planning.rule_objects():
            if between is not None:
                between()
            rule.emit(self)

    # -- expressions -------------------------------------------------------------------------

    def total(self, options: np.ndarray) -> Expr:
        if len(options) == 0:
            return 0
        return cp_model.LinearExpr.sum([self.x[k] for k in options])

    def weighted(self, options: np.ndarray, weights: np.ndarray) -> Expr:
        if len(options) == 0:
            return 0
        return cp_model.LinearExpr.weighted_sum([self.x[k] for k in options],
                                                [int(w) for w in weights])

    def new_bool(self, name: str = "") -> Any:
        return self.model.new_bool_var(name)

    def add_stage_term(self, stage: str, expr: Expr) -> None:
        self._terms[stage].append(expr)

    def stage_terms(self, stage: str) -> list[Expr]:
        return list(self._terms.get(stage, []))

    # -- rule emission -----------------------------------------------------------------------

    def at_least(self, rule: PlanRule[Any], key: tuple[Any, ...], expr: Expr, bound: int, *,
                 unit: str, detail: str, people: tuple[str, ...] = (),
                 where: tuple[str, ...] = ()) -> Any:
        """Add ``expr >= bound`` for one rule instance; return its shortfall variable if soft."""
        return self._bound(rule, key, expr, bound, ">=", unit, detail, people, where)

    def at_most(self, rule: PlanRule[Any], key: tuple[Any, ...], expr: Expr, bound: int, *,
                unit: str, detail: str, people: tuple[str, ...] = (),
                where: tuple[str, ...] = ()) -> Any:
        """Add ``expr <= bound`` for one rule instance; return its excess variable if soft."""
        return self._bound(rule, key, expr, bound, "<=", unit, detail, people, where)

    def _bound(self, rule: PlanRule[Any], key: tuple[Any, ...], expr: Expr, bound: int,
               sense: str, unit: str, detail: str, people: tuple[str, ...],
               where: tuple[str, ...]) -> Any:
        sign = 1 if sense == ">=" else -1
        if is_constant(expr) and sign * (int(expr) - bound) >= 0:
            return None  # holds whatever the plan
        record = PlanRecord(rule.name, key, detail, unit, rule.hard, sense, int(bound), people,
                            where)
        self.records.append(record)
        if not rule.hard:
            limit = abs(int(bound)) + self._expr_span(expr)
            slack = self.model.new_int_var(0, limit, f"short_{record.name}")
            self.model.add(sign * (expr + sign * slack) >= sign * bound)
            record.slack = slack
            self.add_stage_term(rule.stage, slack)
            return slack
        constraint = self.model.add(sign * expr >= sign * bound) if not is_constant(expr) \
            else self.model.add_bool_or([])
        if self.mode is Mode.EXPLAIN:
            record.literal = self.new_bool(f"on_{record.name}")
            constraint.only_enforce_if(record.literal)
        return None

    def _expr_span(self, expr: Expr) -> int:
        """A bound on how far an expression can move (for a soft shortfall's domain)."""
        if is_constant(expr):
            return abs(int(expr))
        return int(self.space.size.sum()) * max(1, self.facts.horizon.years) + 1

    # -- solutions ---------------------------------------------------------------------------

    def rotations(self, values: list[int]) -> list[Rotation]:
        """The person-level plan of a solution: each group's rotations given to its members.

        Within a group, rotations are handed out by start year to the first member free
        again (starts at least the rules' restart gap apart): the group constraints of
        the cool-off rule guarantee that everyone gets one in turn.
        """
        facts, space = self.facts, self.space
        o = space.options
        gap = max(rule.restart_gap(facts) for rule in self.planning.rule_objects())
        taken = [(int(o.start[k]), k, int(values[k])) for k in range(len(o)) if values[k] > 0]
        taken.sort()
        free_from: dict[int, int] = {}  # person -> first offset they may start again
        out: list[Rotation] = []
        start_year = facts.horizon.start
        for start, k, count in taken:
            group = space.groups[int(o.group[k])]
            slot = int(o.slot[k])
            site, role = facts.slots[slot]
            for _ in range(count):
                person = next(p for p in group if free_from.get(p, -10**6) <= start)
                free_from[person] = start + gap
                out.append(Rotation(person=facts.person_ids[person],
                                    start_year=start_year + start,
                                    end_year=start_year + int(o.end[k]),
                                    site=facts.sites[site].id, role=role))
        out.sort(key=lambda r: (r.start_year, r.site, r.role.value, r.person))
        return out
