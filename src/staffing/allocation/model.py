"""The CP-SAT model of a selection round: one boolean per candidate pair, rules emit the rest.

Rules call `at_least` / `at_most` for every constraint instance they add. The
model decides, by its mode and the rule's hardness, what that becomes:

- SOLVE: a hard rule adds a plain constraint; a soft rule adds a shortfall
  variable counted in the rule's objective stage.
- EXPLAIN: a hard rule's constraint is guarded by its own enforcement literal,
  which the explainer passes as an assumption to find the conflicting set.
- REPAIR: the hard constraints of the rules in ``relax_rules`` get a slack
  variable in the rule's unit, so the explainer can minimise the change that
  makes a policy feasible (for example "7 more places in the grassroots pool").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from staffing.allocation.pruning import admissible_choices
from staffing.domain.enums import Pool
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.pairs import PairKind, Pairs
from staffing.policy import Policy
from staffing.rules.base import Expr, Rule, is_constant
from staffing.rules.pools import DEFAULT_RECRUIT_POOLS


class Mode(Enum):
    SOLVE = "solve"
    EXPLAIN = "explain"
    REPAIR = "repair"


@dataclass
class ConstraintRecord:
    """One constraint instance a rule added, in the rule's terms."""

    rule: str
    key: tuple
    detail: str
    unit: str
    hard: bool
    sense: str  # ">=" or "<="
    bound: int
    scale: int = 1
    people: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    literal: Any = None
    slack: Any = None

    @property
    def name(self) -> str:
        return f"{self.rule}[{', '.join(str(k) for k in self.key)}]"


@dataclass
class StageTerms:
    """Linear terms of each objective stage, filled by the rules and the model."""

    terms: dict[Stage, list[Any]] = field(default_factory=lambda: defaultdict(list))

    def add(self, stage: Stage, expr: Expr) -> None:
        self.terms[stage].append(expr)


class AllocationModel:
    """Variables, indexes and rule emission for one policy and instance."""

    def __init__(self, instance: Instance, policy: Policy, pairs: Pairs, *,
                 mode: Mode = Mode.SOLVE, relax_rules: set[str] | None = None,
                 stable_only: bool = False):
        self.instance = instance
        self.stable_only = stable_only  # stability enforced as hard (pruned models)
        self.policy = policy
        self.arrays = instance.arrays
        self.pairs = pairs
        self.mode = mode
        self.relax_rules = relax_rules or set()
        self.model = cp_model.CpModel()
        self.records: list[ConstraintRecord] = []
        self.stages = StageTerms()
        self.tour_literals: dict[str, Any] = {}
        self.x = [self.model.new_bool_var("") for _ in range(len(pairs))]
        self._index_pairs()
        self._one_post_each()
        self.charge: dict[int, dict[Pool, Any]] = {}
        self._recruit_pools()

    # -- indexes -----------------------------------------------------------------------------

    def _index_pairs(self) -> None:
        a, p = self.arrays, self.pairs
        n_people, n_posts = len(a.person_ids), len(a.post_ids)
        self._by_person = np.argsort(p.person, kind="stable")
        self._person_start = np.searchsorted(p.person[self._by_person], np.arange(n_people + 1))
        self._post_start = np.searchsorted(p.post, np.arange(n_posts + 1))  # pairs sorted by post
        self._pair_institution = a.post_institution[p.post] if len(p) else np.zeros(0, np.int64)
        self._institution_index = {inst: k for k, inst in enumerate(a.institution_ids)}
        self._pair_of = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(p.person, p.post))}

    def person_pairs(self, i: int | np.integer) -> np.ndarray:
        return self._by_person[self._person_start[i]:self._person_start[i + 1]]

    def post_pairs(self, j: int) -> np.ndarray:
        return np.arange(self._post_start[j], self._post_start[j + 1])

    def pairs_by_post(self) -> list[tuple[int, np.ndarray]]:
        return [(j, self.post_pairs(j)) for j in range(len(self.arrays.post_ids))]

    def pair_of(self, i: int, j: int) -> int | None:
        return self._pair_of.get((int(i), int(j)))

    def pairs_of_person_at(self, i: int, j: int) -> np.ndarray:
        k = self.pair_of(i, j)
        return np.asarray([] if k is None else [k], dtype=np.int64)

    def choice_pairs_up_to(self, i: int, choice_rank: int) -> np.ndarray:
        mine = self.person_pairs(i)
        p = self.pairs
        return mine[(p.kind[mine] == PairKind.CHOICE) & (p.choice_rank[mine] <= choice_rank)]

    def pairs_at_post_ranked(self, j: int, rank: int) -> np.ndarray:
        """Pairs at post j whose panel rank is ``rank`` or better (pairs are sorted by rank)."""
        start, stop = self._post_start[j], self._post_start[j + 1]
        cut = np.searchsorted(self.pairs.panel[start:stop], rank, side="right")
        return np.arange(start, start + cut)

    def pairs_at_institutions(self, institution_ids: list[str], *,
                              person_mask: np.ndarray | None = None,
                              post_mask: np.ndarray | None = None) -> np.ndarray:
        wanted = [self._institution_index[i] for i in institution_ids]
        selected = np.isin(self._pair_institution, wanted)
        if person_mask is not None:
            selected &= person_mask[self.pairs.person]
        if post_mask is not None:
            selected &= post_mask[self.pairs.post]
        return np.flatnonzero(selected)

    def pairs_at_institution(self, institution_id: str, **masks: np.ndarray | None) -> np.ndarray:
        return self.pairs_at_institutions([institution_id], **masks)

    def admissible_choices(self) -> list[tuple[int, int, int, int]]:
        """(person, post, choice rank, panel rank) of every choice no hard rule forbids outright."""
        return admissible_choices(self.instance, self.policy)

    # -- expressions -------------------------------------------------------------------------

    def total(self, indices: np.ndarray) -> Expr:
        if len(indices) == 0:
            return 0
        return cp_model.LinearExpr.sum([self.x[k] for k in indices])

    def weighted(self, indices: np.ndarray, weights: np.ndarray) -> Expr:
        if len(indices) == 0:
            return 0
        return cp_model.LinearExpr.weighted_sum([self.x[k] for k in indices],
                                                [int(w) for w in weights])

    def placed(self, i: int | np.integer) -> Expr:
        return self.total(self.person_pairs(i))

    def new_bool(self, name: str = "") -> Any:
        return self.model.new_bool_var(name)

    def add_stage_term(self, stage: Stage, expr: Expr) -> None:
        self.stages.add(stage, expr)

    def stage_terms(self, stage: Stage) -> list[Expr]:
        """The terms the rules and the model counted in one stage."""
        return self.stages.terms.get(stage, [])

    # -- structure ---------------------------------------------------------------------------

    def _one_post_each(self) -> None:
        for i in range(len(self.arrays.person_ids)):
            mine = self.person_pairs(i)
            if len(mine) > 1:
                self.model.add_at_most_one([self.x[k] for k in mine])

    def recruit_pool_choices(self) -> list[Pool]:
        """The pools a new recruit without a fixed pool may be charged to."""
        pools = self.policy.recruit_pools()
        return list(DEFAULT_RECRUIT_POOLS if pools is None else pools)

    def _recruit_pools(self) -> None:
        """Pool charged to each new recruit without a fixed pool: one boolean per allowed pool."""
        a = self.arrays
        pools = self.recruit_pool_choices()
        free = np.flatnonzero(a.recruit & (a.pool < 0))
        for i in free:
            mine = self.person_pairs(i)
            if len(mine) == 0:
                continue
            if len(pools) == 1:
                self.charge[int(i)] = {pools[0]: None}
                continue
            chosen = {pool: self.model.new_bool_var(f"pool_{i}_{pool.value}") for pool in pools}
            self.model.add(sum(chosen.values()) == self.placed(int(i)))
            self.charge[int(i)] = chosen

    # -- rule emission -----------------------------------------------------------------------

    def emit_rules(self, between: Callable[[], None] | None = None) -> None:
        """Every rule's constraints; ``between`` is called before each rule (a deadline check
        that may raise)."""
        for rule in self.policy.rule_objects():
            if between is not None:
                between()
            rule.emit(self)

    def at_least(self, rule: Rule, key: tuple, expr: Expr, bound: int, *, unit: str, detail: str,
                 scale: int = 1, hard: bool | None = None, slack_max: int | None = None,
                 people: tuple[str, ...] = (), posts: tuple[str, ...] = (),
                 institutions: tuple[str, ...] = ()) -> Any:
        """Add ``expr >= bound`` for one rule instance; return its shortfall variable if soft."""
        return self._bound(rule, key, expr, bound, ">=", unit, detail, scale, hard, slack_max,
                           people, posts, institutions)

    def at_most(self, rule: Rule, key: tuple, expr: Expr, bound: int, *, unit: str, detail: str,
                scale: int = 1, hard: bool | None = None, slack_max: int | None = None,
                people: tuple[str, ...] = (), posts: tuple[str, ...] = (),
                institutions: tuple[str, ...] = ()) -> Any:
        """Add ``expr <= bound`` for one rule instance; return its excess variable if soft."""
        return self._bound(rule, key, expr, bound, "<=", unit, detail, scale, hard, slack_max,
                           people, posts, institutions)

    def _bound(self, rule: Rule, key: tuple, expr: Expr, bound: int, sense: str, unit: str,
               detail: str, scale: int, hard: bool | None, slack_max: int | None,
               people: tuple[str, ...], posts: tuple[str, ...],
               institutions: tuple[str, ...]) -> Any:
        hard = rule.hard if hard is None else hard
        sign = 1 if sense == ">=" else -1
        if is_constant(expr) and sign * (int(expr) - bound) >= 0:
            return None  # holds whatever the roster
        record = ConstraintRecord(rule.name, key, detail, unit, hard, sense, int(bound), scale,
                                  people, posts, institutions)
        relaxed = not hard or (self.mode is Mode.REPAIR and rule.name in self.relax_rules)
        if relaxed:
            limit = slack_max if slack_max is not None else (
                len(self.arrays.person_ids) + abs(int(bound)) // scale + 1)
            slack = self.model.new_int_var(0, limit, f"slack_{record.name}")
            self.model.add(sign * (expr + sign * scale * slack) >= sign * bound)
            record.slack = slack
            if not hard:
                self.stages.add(rule.stage, slack)
        else:
            constraint = self.model.add(sign * expr >= sign * bound) if not is_constant(expr) \
                else self.model.add_bool_or([])
            if self.mode is Mode.EXPLAIN:
                record.literal = self.new_bool(f"on_{record.name}")
                constraint.only_enforce_if(record.literal)
        self.records.append(record)
        return record.slack if not hard else None

    def forbid_pairs(self, rule: Rule, mask: np.ndarray | None) -> None:
        """Keep a rule's forbidden pairs empty (they exist only in explain and repair models)."""
        if mask is None or len(self.pairs) == 0:
            return
        hit = mask[self.pairs.person, self.pairs.post]
        if not hit.any():
            return
        for i in np.unique(self.pairs.person[hit]):
            mine = self.person_pairs(i)
            banned = mine[hit[mine]]
            person_id = self.arrays.person_ids[i]
            self.at_most(rule, ("person", person_id), self.total(banned), 0, unit="people",
                         detail=f"{rule.label_en}: {person_id} may not hold "
                         + ", ".join(self.arrays.post_ids[j] for j in self.pairs.post[banned]),
                         people=(person_id,))
