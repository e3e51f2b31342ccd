"""What every rule of the catalogue knows: its name, labels, parameters, check and emission.

A rule is one module with one `Rule` subclass. The checker, the allocation
model and the explainer loop over the catalogue; none of them knows a rule by
name. What a rule needs of the objects above it (the policy it belongs to, the
model it emits into) is written here as a ``Protocol``: `RuleSet` and
`RuleModel`. See the module docstring of `staffing.rules` for the catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

import numpy as np

from staffing.catalogue import CatalogueEntry, EntryParams
from staffing.domain.arrays import POOL_INDEX, POOLS, InstanceArrays
from staffing.domain.enums import Pool, Tier
from staffing.domain.instance import Instance, Institution, Post
from staffing.domain.objective import Stage
from staffing.domain.pairs import Pairs
from staffing.domain.ranking import TENURE, UNRANKED, ChoiceTable, PanelPolicy
from staffing.domain.roster import Assignment, Roster
from staffing.domain.violation import Violation
from staffing.errors import Problem
from staffing.rules.moves import Moves, MovesEffect, person_effect

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

Expr = Any  # an ortools linear expression or an int


def is_constant(expr: Expr) -> bool:
    """Whether an expression is a plain number (no variable in it)."""
    return isinstance(expr, (int, np.integer))


class RuleParams(EntryParams):
    """Parameters common to every rule; each rule extends this with its own."""

    hard: bool = True


class RuleSet(PanelPolicy, Protocol):
    """What a rule sees of the policy it belongs to (`staffing.policy.Policy`)."""

    @property
    def max_choices(self) -> int: ...

    def rule_objects(self) -> list[Rule]: ...

    def hash(self) -> str: ...


class RuleModel(Protocol):
    """What a rule may use of the CP-SAT model it emits into (`staffing.allocation.model`).

    One boolean ``x[k]`` per candidate pair ``k``; ``at_least`` / ``at_most`` add one rule
    instance each (hard, soft or relaxed, as the model's mode decides).
    """

    @property
    def instance(self) -> Instance: ...

    @property
    def arrays(self) -> InstanceArrays: ...

    @property
    def pairs(self) -> Pairs: ...

    @property
    def model(self) -> cp_model.CpModel: ...

    @property
    def x(self) -> list[Any]: ...

    @property
    def stable_only(self) -> bool: ...

    @property
    def charge(self) -> dict[int, dict[Pool, Any]]: ...

    @property
    def tour_literals(self) -> dict[str, Any]: ...

    def person_pairs(self, i: int | np.integer) -> np.ndarray: ...

    def post_pairs(self, j: int) -> np.ndarray: ...

    def pairs_by_post(self) -> list[tuple[int, np.ndarray]]: ...

    def pair_of(self, i: int, j: int) -> int | None: ...

    def pairs_of_person_at(self, i: int, j: int) -> np.ndarray: ...

    def choice_pairs_up_to(self, i: int, choice_rank: int) -> np.ndarray: ...

    def pairs_at_post_ranked(self, j: int, rank: int) -> np.ndarray: ...

    def pairs_at_institutions(self, institution_ids: list[str], *,
                              person_mask: np.ndarray | None = None,
                              post_mask: np.ndarray | None = None) -> np.ndarray: ...

    def pairs_at_institution(self, institution_id: str,
                             **masks: np.ndarray | None) -> np.ndarray: ...

    def admissible_choices(self) -> list[tuple[int, int, int, int]]: ...

    def total(self, indices: np.ndarray) -> Expr: ...

    def weighted(self, indices: np.ndarray, weights: np.ndarray) -> Expr: ...

    def placed(self, i: int | np.integer) -> Expr: ...

    def new_bool(self, name: str = "") -> Any: ...

    def add_stage_term(self, stage: Stage, expr: Expr) -> None: ...

    def at_least(self, rule: Rule, key: tuple, expr: Expr, bound: int, *, unit: str,
                 detail: str, scale: int = 1, hard: bool | None = None,
                 slack_max: int | None = None, people: tuple[str, ...] = (),
                 posts: tuple[str, ...] = (), institutions: tuple[str, ...] = ()) -> Any: ...

    def at_most(self, rule: Rule, key: tuple, expr: Expr, bound: int, *, unit: str,
                detail: str, scale: int = 1, hard: bool | None = None,
                slack_max: int | None = None, people: tuple[str, ...] = (),
                posts: tuple[str, ...] = (), institutions: tuple[str, ...] = ()) -> Any: ...

    def forbid_pairs(self, rule: Rule, mask: np.ndarray | None) -> None: ...


@dataclass(frozen=True)
class Around:
    """Where two rosters that differ only in a few people's assignments can differ for a rule:
    those people, the posts they hold on either roster, and the institutions of those posts
    with the villages those people tour on either roster (ids, each in the instance's order).
    ``people`` also holds those villages' tour doctors on either roster: a village toured
    twice counts for its later tour doctor, so another one's load changes with the move.
    """

    people: tuple[str, ...]
    posts: tuple[str, ...]
    institutions: tuple[str, ...]

    @classmethod
    def between(cls, before: Placement, after: Placement, people: Iterable[str]) -> Around:
        """The places where ``after`` differs from ``before``, whose rosters differ only in the
        assignments of ``people``."""
        instance, a = before.instance, before.instance.arrays
        moved = set(people)
        posts = {post for q in moved for post in (before.post_of(q), after.post_of(q)) if post}
        institutions = {instance.post_by_id[post].institution for post in posts}
        toured = {v for roster in (before.roster, after.roster) for q in moved
                  if q in roster.by_person for v in roster.by_person[q].tour_villages}
        institutions |= toured
        moved |= {roster.tours[v] for roster in (before.roster, after.roster) for v in toured
                  if v in roster.tours}
        order = _institution_order(instance)
        return cls(people=tuple(sorted(moved, key=a.person_index.__getitem__)),
                   posts=tuple(sorted(posts, key=a.post_index.__getitem__)),
                   institutions=tuple(sorted(institutions,
                                             key=lambda k: (order.get(k, len(order)), k))))

    def post_rows(self, instance: Instance) -> list[Post]:
        """The posts, as rows of the instance."""
        return [instance.post_by_id[j] for j in self.posts]

    def institution_rows(self, instance: Instance) -> list[Institution]:
        """The institutions (the instance's only), as rows of the instance."""
        known = instance.institution_by_id
        return [known[k] for k in self.institutions if k in known]

    def person_indices(self, instance: Instance) -> np.ndarray:
        """The people as indices of ``instance.staff``, ascending."""
        index = instance.arrays.person_index
        return np.asarray([index[q] for q in self.people], dtype=np.int64)


def _institution_order(instance: Instance) -> dict[str, int]:
    return instance.cached(("institution_order",), lambda: {
        inst.id: k for k, inst in enumerate(instance.institutions)})


class Placement:
    """A roster seen from the rules: who is where, by post, institution and tier.

    Built from the instance and the roster alone; the checker's only view.
    """

    def __init__(self, instance: Instance, policy: RuleSet, roster: Roster):
        self.instance = instance
        self.policy = policy
        self.roster = roster
        self._moved_from: tuple[Placement, list[str]] | None = None

    def moved(self, roster: Roster, people: list[str]) -> Placement:
        """The placement of ``roster``, which differs from this one's only for ``people``:
        the index arrays, the counts per post and the staff per institution (when this one
        has them) are copied and updated instead of rebuilt; the choice outcomes likewise,
        when first asked for."""
        out = Placement(self.instance, self.policy, roster)
        out._moved_from = (self, people)
        a = self.instance.arrays
        post_index, pool_index = self.post_index.copy(), self.pool_index.copy()
        for person in people:
            i, assignment = a.person_index[person], roster.by_person[person]
            post_index[i] = a.post_index[assignment.post] if assignment.post else -1
            pool_index[i] = POOLS.index(assignment.pool) if assignment.pool else -1
        out.__dict__.update(post_index=post_index, pool_index=pool_index)
        if "held" in self.__dict__:
            held = self.held.copy()
            for person in people:
                i = a.person_index[person]
                if self.post_index[i] >= 0:
                    held[self.post_index[i]] -= 1
                if post_index[i] >= 0:
                    held[post_index[i]] += 1
            out.__dict__["held"] = held
        if "staff_at" in self.__dict__:
            out.__dict__["staff_at"] = self._staff_at_moved(out, people)
        return out

    def _outcomes_moved(self, out: Placement, people: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``out``'s choice outcomes, updated from this placement's."""
        a = self.instance.arrays
        index = np.asarray([a.person_index[q] for q in people], dtype=np.int64)
        position, own = (x.copy() for x in self.choice_outcomes)
        position[index], own[index] = choice_outcomes(out, index)
        return position, own

    def _worst_moved(self, out: Placement, people: list[str]) -> np.ndarray:
        """``out``'s lowest holder ranks, updated from this placement's."""
        a = self.instance.arrays
        own = out.choice_outcomes[1]
        worst = self.worst_rank.copy()
        index = [a.person_index[q] for q in people]
        for j in {int(p.post_index[i]) for p in (self, out) for i in index} - {-1}:
            holders = [a.person_index[q] for q in out.holders(a.post_ids[j])]
            worst[j] = own[holders].max() if holders else -1
        return worst

    def _staff_at_moved(self, out: Placement, people: list[str]) -> dict[str, list[str]]:
        staff_at = dict(self.staff_at)
        for person in people:
            old, new = self.institution_of(person), out.institution_of(person)
            if old == new:
                continue
            if old is not None:
                staff_at[old] = [q for q in staff_at[old] if q != person]
            if new is not None:
                staff_at[new] = [*staff_at.get(new, []), person]
        return staff_at

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
        people, posts = a.person_index, a.post_index
        out = [-1] * len(a.person_ids)
        for assignment in self.roster.assignments:
            if assignment.post is not None:
                out[people[assignment.person]] = posts[assignment.post]
        return np.asarray(out, dtype=np.int64)

    @cached_property
    def pool_index(self) -> np.ndarray:
        """Index in ``POOLS`` of the pool each person is charged to on the roster, -1 for none."""
        a = self.instance.arrays
        people = a.person_index
        out = [-1] * len(a.person_ids)
        for assignment in self.roster.assignments:
            if assignment.pool is not None:
                out[people[assignment.person]] = POOL_INDEX[assignment.pool]
        return np.asarray(out, dtype=np.int64)

    @cached_property
    def choice_outcomes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each person's outcome as the choices see it: the position among their choices of
        the post they hold (the largest integer when it is none of them), and their panel
        rank there (see `staffing.domain.ranking.PanelRanks.rank`: TENURE, UNRANKED)."""
        source = self._moved_from
        if source is not None and "choice_outcomes" in source[0].__dict__:
            return source[0]._outcomes_moved(self, source[1])
        return choice_outcomes(self)

    @cached_property
    def worst_rank(self) -> np.ndarray:
        """The panel rank of each post's lowest-ranked holder (-1: nobody holds it)."""
        source = self._moved_from
        if source is not None and "worst_rank" in source[0].__dict__:
            return source[0]._worst_moved(self, source[1])
        own = self.choice_outcomes[1]
        placed = np.flatnonzero(self.post_index >= 0)
        worst = np.full(len(self.instance.arrays.post_ids), -1, dtype=np.int64)
        np.maximum.at(worst, self.post_index[placed], own[placed])
        return worst

    @cached_property
    def held(self) -> np.ndarray:
        """Number of people at each post."""
        placed = self.post_index[self.post_index >= 0]
        return np.bincount(placed, minlength=len(self.instance.arrays.post_ids))


def choice_outcomes(placement: Placement,
                    people: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`Placement.choice_outcomes`, vectorised; with ``people`` (distinct indices), theirs
    only, in that order."""
    instance = placement.instance
    a = instance.arrays
    table = ChoiceTable.of(instance, placement.policy)
    outcome = placement.post_index
    if people is None:
        people = np.arange(len(a.person_ids))
        rows = np.arange(len(table.person))
        slot = table.person
    else:
        rows = table.rows_of_people(people)
        order = np.argsort(people)
        slot = order[np.searchsorted(people[order], table.person[rows])]
    got = outcome[table.person[rows]] == table.post[rows]
    position = np.full(len(people), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(position, slot[got], table.position[rows[got]])
    own = np.full(len(people), UNRANKED, dtype=np.int64)
    own[slot[got]] = table.rank[rows[got]]
    if placement.policy.tenure:
        current = a.current_post[people]
        own[_not_applied(instance, table)[people] & (current >= 0)
            & (outcome[people] == current)] = TENURE
    return position, own


def choice_outcomes_at(instance: Instance, policy: RuleSet, people: np.ndarray,
                       posts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`Placement.choice_outcomes` of ``people`` were each at the post of ``posts`` (-1: none)."""
    a = instance.arrays
    table = ChoiceTable.of(instance, policy)
    keys, order = _choice_keys(instance, table)
    position = np.full(len(people), np.iinfo(np.int64).max, dtype=np.int64)
    own = np.full(len(people), UNRANKED, dtype=np.int64)
    if len(keys):
        wanted = people * len(a.post_ids) + posts
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        found = (posts >= 0) & (keys[at] == wanted)
        rows = order[at[found]]
        position[found], own[found] = table.position[rows], table.rank[rows]
    if policy.tenure:
        current = a.current_post[people]
        own[_not_applied(instance, table)[people] & (current >= 0) & (posts == current)] = TENURE
    return position, own


def _choice_keys(instance: Instance, table: ChoiceTable) -> tuple[np.ndarray, np.ndarray]:
    """The choice table's (person, post) keys, sorted (a key's first position first), and the
    rows in that order."""
    def build() -> tuple[np.ndarray, np.ndarray]:
        keys = table.person * len(instance.arrays.post_ids) + table.post
        order = np.lexsort((table.position, keys))
        return keys[order], order

    return instance.cached(("choice_keys",), build)


def _not_applied(instance: Instance, table: ChoiceTable) -> np.ndarray:
    """Which people made no choice."""
    def build() -> np.ndarray:
        none = np.ones(len(instance.arrays.person_ids), dtype=bool)
        none[table.person] = False
        return none

    return instance.cached(("not_applied",), build)


P = TypeVar("P", bound="RuleParams")


@dataclass(frozen=True)
class RulePart:
    """A part of a rule with a hardness of its own (post structure: the senior cap and the
    intermediate floor); a rule of one part leaves the labels empty."""

    hard: bool
    label_en: str = ""
    label_zh: str = ""


class Rule(CatalogueEntry[P]):
    """Base of every rule. Subclasses set the class attributes and override what applies.

    The hooks below do nothing by default; a rule overrides the ones it needs, so that the
    engine, the checker and the explainer ask every rule the same questions.
    """

    Params: ClassVar[type[RuleParams]] = RuleParams
    soft_capable: ClassVar[bool] = False
    stage: ClassVar[Stage] = Stage.SOFT_FLOORS  # where a soft breach is counted
    grants_tenure: ClassVar[bool] = False  # non-applicants hold tenure at their current post
    absolute: ClassVar[bool] = False  # its forbidden pairs never exist, not even when explaining
    binds_by_slack: ClassVar[bool] = True  # its hard instances are bounds with a slack

    def __init__(self, params: P):
        if not params.hard and not self.soft_capable:
            raise ValueError(f"rule '{self.name}' can only be hard")
        super().__init__(params)
        self._cache_key = (self.name, params.model_dump_json())

    @property
    def hard(self) -> bool:
        return self.params.hard

    def parts(self) -> list[RulePart]:
        """The rule's parts, each hard or soft; its violations carry their part's hardness."""
        return [RulePart(self.hard)]

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

    def current_post_fallback(self) -> bool:
        """Whether applicants who get none of their choices may keep their current post."""
        return False

    def kept_by_deferred_acceptance(self) -> bool:
        """Whether deferred acceptance over the admissible pairs obeys the rule by construction
        (it only forbids pairs, caps a post at its places, or asks for stability)."""
        return False

    def recruit_pools(self) -> Sequence[Pool] | None:
        """The pools a new recruit without a fixed pool may be charged to (None: no say)."""
        return None

    # -- roster check ----------------------------------------------------------------------

    def check(self, placement: Placement) -> list[Violation]:
        """Every violation of this rule by a roster, recomputed from inputs alone."""
        raise NotImplementedError

    def amount(self, placement: Placement) -> int:
        """The total size of this rule's breaches on a roster (what a soft stage counts).

        Rules with many breaches override it with a count that builds no messages.
        """
        return sum(v.amount for v in self.check(placement))

    def check_around(self, placement: Placement, around: Around) -> list[Violation] | None:
        """The violations of `check` that concern ``around``, in `check`'s order; None when the
        rule cannot tell them apart (a move is then checked on the whole roster).

        The contract the explainer relies on (`staffing.allocation.deltas`): on two rosters
        that differ only in the assignments of ``around.people``, `check` minus
        `check_around` gives the same violations. So a move's new violations and the change
        in the rule's shortfall come from the two rosters' `check_around` alone.
        """
        return None

    def amount_around(self, placement: Placement, around: Around) -> int | None:
        """The soft shortfall of the violations `check_around` gives (None likewise); rules
        with many of them count it without building their messages."""
        found = self.check_around(placement, around)
        return None if found is None else sum(v.amount for v in found if not v.hard)

    def may_break_hard(self) -> bool:
        """Whether any violation of this rule can be hard (else each is a soft shortfall)."""
        return self.hard

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect | None:
        """What each of many moves on ``placement`` does to this rule, from arrays: the change
        of its soft shortfall, and the moves that may add a hard violation (or that it cannot
        tell), which are checked one by one with `check_around`. None: every move is.

        The contract (held by a differential test): for a move not marked unsure, `check_around`
        on the moved roster finds no hard violation the roster did not have, and the soft
        shortfall it finds is the one on ``placement`` plus the change given.
        """
        return None

    # -- model emission --------------------------------------------------------------------

    def emit(self, model: RuleModel) -> None:
        """Add this rule's constraints to the allocation model."""
        raise NotImplementedError

    def shares(self, placement: Placement) -> dict[str, dict[str, float | None]]:
        """Institution id -> the shares this rule governs, as held on a roster (default: none).

        What-if comparisons show them per institution (post structure: senior and
        intermediate shares of professional posts).
        """
        return {}

    # -- finished roster -------------------------------------------------------------------

    def finish(self, instance: Instance, assignments: list[Assignment]) -> list[Assignment]:
        """Touch up a solved roster (name who does what the rule asks); default: as it is."""
        return assignments


class PairRule(Rule[P]):
    """A rule that forbids (person, post) pairs, and may require some people to hold a post:
    checked person by person, its pairs emitted by pruning."""

    def kept_by_deferred_acceptance(self) -> bool:
        return self.hard  # its pairs are left out of the admissible ones

    def check(self, placement: Placement) -> list[Violation]:
        return self.person_violations(placement,
                                      np.arange(len(placement.instance.arrays.person_ids)))

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        return self.person_violations(placement, around.person_indices(placement.instance))

    def must_hold_post(self, instance: Instance) -> np.ndarray | None:
        """Which people the rule requires to hold a post (None: nobody)."""
        return None

    def describe_unplaced(self, instance: Instance, person_id: str) -> str:
        return f"{person_id} must hold a post under {self.label_en}, but holds none"

    def person_violations(self, placement: Placement, people: np.ndarray) -> list[Violation]:
        """The forbidden pairs ``people`` (indices, ascending) hold, then those of them who must
        hold a post and hold none."""
        instance = placement.instance
        placed = placement.post_index[people] >= 0
        out = self.pair_violations(placement, people[placed])
        must = self.must_hold_post(instance)
        if must is not None:
            ids = instance.arrays.person_ids
            out.extend(self.violation(self.describe_unplaced(instance, ids[i]), people=(ids[i],))
                       for i in people[must[people] & ~placed])
        return out

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect:
        """Each changed person breaks the rule at a forbidden post or, when required to hold a
        post, at none."""
        changed = moves.changed
        return person_effect(moves, self._breaks(placement.instance, changed.who,
                                                 changed.post_before),
                             self._breaks(placement.instance, changed.who, changed.post_after),
                             self.hard)

    def _breaks(self, instance: Instance, people: np.ndarray, posts: np.ndarray) -> np.ndarray:
        """Whether each person at each post (-1: none) breaks the rule."""
        out = np.zeros(len(people), dtype=bool)
        placed = posts >= 0
        mask = self.forbidden_pairs(instance)
        if mask is not None:
            out[placed] = mask[people[placed], posts[placed]]
        must = self.must_hold_post(instance)
        if must is not None:
            out[~placed] = must[people[~placed]]
        return out

    def pair_violations(self, placement: Placement, people: np.ndarray) -> list[Violation]:
        """The forbidden pairs held by ``people`` (indices of placed people, ascending)."""
        instance = placement.instance
        mask = self.forbidden_pairs(instance)
        if mask is None:
            return []
        a = instance.arrays
        hit = people[mask[people, placement.post_index[people]]]
        return [
            self.violation(
                self.describe_forbidden(instance, a.person_ids[i],
                                        a.post_ids[placement.post_index[i]]),
                people=(a.person_ids[i],), posts=(a.post_ids[placement.post_index[i]],))
            for i in hit
        ]

    def emit(self, model: RuleModel) -> None:
        model.forbid_pairs(self, self.forbidden_pairs(model.instance))
