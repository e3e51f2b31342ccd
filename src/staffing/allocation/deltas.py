"""What one move does to a roster, computed only where the move touches it.

A reason that says "giving you this post would break rule R" or "... would raise the
soft-rule shortfall from 57 to 58" rests on one move: a person put at a post (or left
without one), and perhaps the post's lowest-ranked holder leaving it. Re-checking the whole
roster for each move costs the whole checker per move; at county scale, with hundreds of
blocking pairs, that is minutes. Here a move costs what it touches:

- every rule gives the violations that concern the people moved, the posts they leave or
  take and those posts' institutions (`staffing.rules.base.Rule.check_around`, with
  `staffing.rules.base.Around`); its other violations are the same before and after the
  move, so the move's new violations, and the rule's shortfall after it, come from these
  two short lists (a rule that cannot tell is checked on the whole moved roster);
- the stages that count people (rank profile, panel quality, unplaced incumbents, moves)
  change by the terms of the people moved; the soft stages by the rules' shortfalls.

Many moves are evaluated in one batch (`MoveDeltas.evaluate_many`): each rule says from index
arrays what every move does to its shortfall and which moves might add a hard violation it
must word (`staffing.rules.base.Rule.moves_effect`; a rule that cannot tell leaves every move
to the one-by-one check), and only those (move, rule) pairs are checked around the move as
above, on a moved roster built when first needed; the stages come from arrays too.

The result is exactly what the checker finds on the moved roster (differential tests hold
the two equal on random rosters and moves, one by one and in batch); the claim-by-claim
re-check (`staffing.allocation.claims`) still applies each move and re-checks the whole
roster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from staffing.allocation.claims import Baseline, violation_key
from staffing.domain.arrays import POOLS
from staffing.domain.enums import Pool
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.roster import Assignment, Roster
from staffing.domain.violation import Violation
from staffing.rules.base import Around, Placement, Rule, choice_outcomes_at
from staffing.rules.moves import Moves

PERSON_STAGES = (Stage.RANK_PROFILE, Stage.PANEL_QUALITY, Stage.UNPLACED, Stage.MOVES)
NONE = np.iinfo(np.int64).max  # the choice position of an outcome that is none of the choices

Move = tuple[str, str | None, Pool | None, str | None]
# a person put at a post (None: no post) charged to a pool, and the holder who leaves the post
# for none (None: nobody)


def move_changes(instance: Instance, roster: Roster, move: Move) -> dict[str, Assignment]:
    """The assignments a move replaces: the person's, and the displaced holder's (who keeps
    their pool unless a new recruit); both drop their tours."""
    person, post, pool, displaced = move
    changes = {person: Assignment.model_construct(person=person, post=post, pool=pool,
                                                  tour_villages=[])}
    if displaced is not None:
        recruit = instance.person_by_id[displaced].new_recruit
        changes[displaced] = Assignment.model_construct(
            person=displaced, post=None, pool=None if recruit else roster.pool_of(displaced),
            tour_villages=[])
    return changes


@dataclass
class MoveDelta:
    """A roster after one move, as the checker would see it."""

    new_hard: list[Violation]  # hard violations the roster did not have (rule, then check order)
    amounts: dict[str, int]  # each rule's soft shortfall after the move
    stages: dict[str, Any]  # every objective stage's value after the move
    where: Callable[[], tuple[Placement, Around]]
    # the roster after the move and where it differs from the roster before, built when asked
    found: dict[str, list[Violation]] = field(default_factory=dict)
    # rule -> its violations after the move where the move touches the roster (all of them for
    # a rule checked whole): every violation the move can have added; the rules that tell the
    # move's effect in batch, or cannot break a hard rule, are filled in when asked (`new_soft`)

    @cached_property
    def _where(self) -> tuple[Placement, Around]:
        return self.where()

    @property
    def placement(self) -> Placement:
        """The roster after the move."""
        return self._where[0]

    @property
    def around(self) -> Around:
        """Where the roster after the move differs from the roster before."""
        return self._where[1]

    def forget_roster(self) -> None:
        """Drop the roster after the move, built again if asked (about 1 MB at 20,000 people:
        a batch of 4,000 moves that kept them all held gigabytes)."""
        self.__dict__.pop("_where", None)

    def release(self) -> None:
        """Drop the roster after the move and what was found on it, once its effect is read."""
        self.forget_roster()
        self.where = _released
        self.found.clear()

    def new_soft(self, rules: list[Rule], known: set[tuple[str, str]]) -> list[Violation]:
        """Soft violations of ``rules`` after the move whose key is not in ``known``."""
        out: list[Violation] = []
        for rule in rules:
            if rule.name not in self.found:
                self.found[rule.name] = _found(rule, self.placement, self.around)
            out.extend(v for v in self.found[rule.name]
                       if not v.hard and violation_key(v) not in known)
        return out


def _released() -> tuple[Placement, Around]:
    raise RuntimeError("the roster after this move was released (MoveDelta.release)")


def _found(rule: Rule, placement: Placement, around: Around) -> list[Violation]:
    found = rule.check_around(placement, around)
    return rule.check(placement) if found is None else found


class MoveDeltas:
    """Moves evaluated against one roster (what every move shares is computed once).

    ``whole``: check every rule on the whole moved roster instead (the slow path, kept to
    measure against).
    """

    def __init__(self, baseline: Baseline, whole: bool = False):
        self.base = baseline
        self.whole = whole
        self.rules: list[Rule] = list(baseline.policy.rule_objects())
        placement = baseline.placement
        placement.staff_at, placement.held, placement.worst_rank  # noqa: B018
        # (moved placements update these instead of building them again)
        self.amounts = {rule.name: 0 for rule in self.rules}
        for v in baseline.violations:
            if not v.hard and v.rule in self.amounts:
                self.amounts[v.rule] += v.amount

    def evaluate(self, changes: dict[str, Assignment]) -> MoveDelta:
        """The roster after replacing the assignments of the people in ``changes``."""
        after, around = self._moved(changes)
        delta = MoveDelta([], {}, {}, lambda: (after, around))
        for rule in self.rules:
            self._rule(rule, delta)
        delta.stages = self._stages(after, around, delta.amounts)
        return delta

    def _moved(self, changes: dict[str, Assignment]) -> tuple[Placement, Around]:
        base = self.base
        roster = base.roster.moved(changes)
        after = base.placement.moved(roster, list(changes))
        return after, Around.between(base.placement, after, changes)

    def evaluate_many(self, moves: list[Move]) -> list[MoveDelta]:
        """`evaluate` of each move, in batch: every rule tells what the moves do to it from
        arrays (`staffing.rules.base.Rule.moves_effect`), and only the moves a rule is unsure of
        are checked one by one, for that rule; the stages come from arrays too."""
        base = self.base
        if self.whole or not moves:
            return [self.evaluate(move_changes(base.instance, base.roster, m)) for m in moves]
        batch = self._batch(moves)
        names = [rule.name for rule in self.rules]
        amounts = np.tile(np.asarray([self.amounts[n] for n in names], dtype=np.int64),
                          (len(moves), 1))
        unsure = np.zeros((len(moves), len(self.rules)), dtype=bool)
        for r, rule in enumerate(self.rules):
            effect = rule.moves_effect(base.placement, batch)
            if effect is None:
                unsure[:, r] = True
            else:
                amounts[:, r] += effect.soft
                unsure[:, r] = effect.unsure
        unsure[batch.odd] = True
        deltas = [MoveDelta([], dict(zip(names, row)), {}, self._where_of(move))
                  for move, row in zip(moves, amounts.tolist())]
        for k in np.flatnonzero(unsure.any(axis=1)).tolist():  # by move, then rule
            for r in np.flatnonzero(unsure[k]).tolist():
                self._rule(self.rules[r], deltas[k])
                amounts[k, r] = deltas[k].amounts[self.rules[r].name]
            deltas[k].forget_roster()  # one moved roster held at a time
        for delta, stages in zip(deltas, self._stages_many(batch, amounts)):
            delta.stages = stages
        return deltas

    def _where_of(self, move: Move) -> Callable[[], tuple[Placement, Around]]:
        base = self.base
        return lambda: self._moved(move_changes(base.instance, base.roster, move))

    def _batch(self, moves: list[Move]) -> Moves:
        """The moves as index arrays on the roster."""
        a = self.base.instance.arrays
        pools = {pool: k for k, pool in enumerate(POOLS)}
        person = np.asarray([a.person_index[m[0]] for m in moves], dtype=np.int64)
        post = np.asarray([a.post_index[m[1]] if m[1] is not None else -1 for m in moves],
                          dtype=np.int64)
        pool = np.asarray([pools[m[2]] if m[2] is not None else -1 for m in moves],
                          dtype=np.int64)
        displaced = np.asarray([a.person_index[m[3]] if m[3] is not None else -1
                                for m in moves], dtype=np.int64)
        return Moves(self.base.placement, person, post, pool, displaced)

    def _stages_many(self, batch: Moves, amounts: np.ndarray) -> list[dict[str, Any]]:
        """Every stage's value after each move: the soft stages from the rules' shortfalls,
        the stages that count people from the terms of the two people each move changes."""
        base = self.base
        count = len(batch)
        columns: dict[str, list[Any]] = {}
        terms = None
        for stage in base.policy.objective:
            if stage not in PERSON_STAGES:
                member = np.asarray([rule.stage is stage for rule in self.rules], dtype=np.int64)
                columns[stage.value] = (amounts @ member).tolist() if len(member) else \
                    [0] * count
                continue
            if terms is None:
                terms = BatchTerms(base.placement, batch)
            columns[stage.value] = terms.moved(stage, base.stages[stage.value])
        names = list(columns)
        return [dict(zip(names, values)) for values in zip(*columns.values())] if names else \
            [{} for _ in range(count)]

    def _rule(self, rule: Rule, delta: MoveDelta) -> None:
        """One rule's new hard violations and shortfall after the move."""
        before, after, around = self.base.placement, delta.placement, delta.around
        if not self.whole and not rule.may_break_hard():
            now = rule.amount_around(after, around)
            if now is not None:
                was = rule.amount_around(before, around)
                assert was is not None  # a rule tells both rosters apart or neither
                delta.amounts[rule.name] = self.amounts[rule.name] - was + now
                return
        found = None if self.whole else rule.check_around(after, around)
        if found is None:
            found = rule.check(after)
            delta.amounts[rule.name] = _soft(found)
        else:
            was_found = rule.check_around(before, around)
            assert was_found is not None
            delta.amounts[rule.name] = self.amounts[rule.name] - _soft(was_found) + _soft(found)
        delta.found[rule.name] = found
        delta.new_hard.extend(v for v in found
                              if v.hard and violation_key(v) not in self.base.hard_keys)

    def _stages(self, after: Placement, around: Around,
                amounts: dict[str, int]) -> dict[str, Any]:
        """Every stage's value after the move (see `staffing.objectives.stage_values_of`)."""
        base = self.base
        soft: dict[Stage, int] = {}
        for rule in self.rules:
            soft[rule.stage] = soft.get(rule.stage, 0) + amounts[rule.name]
        out: dict[str, Any] = {}
        terms: tuple[PersonTerms, PersonTerms] | None = None
        for stage in base.policy.objective:
            if stage not in PERSON_STAGES:
                out[stage.value] = soft.get(stage, 0)
                continue
            if terms is None:
                people = around.person_indices(base.instance)
                terms = PersonTerms(base.placement, people), PersonTerms(after, people)
            out[stage.value] = terms[0].moved(stage, base.stages[stage.value], terms[1])
        return out


class BatchTerms:
    """What the two people each move changes add to the stages that count people, before and
    after the move (`PersonTerms` of many moves at once)."""

    def __init__(self, placement: Placement, moves: Moves):
        instance = placement.instance
        a = instance.arrays
        changed = moves.changed
        self.count = len(moves)
        self.changed = changed
        self.max_choices = placement.policy.max_choices
        position, own = (x[changed.who] for x in placement.choice_outcomes)
        after_position, after_own = choice_outcomes_at(instance, placement.policy, changed.who,
                                                       changed.post_after)
        self.terms = [self._terms(a, p, o, posts) for p, o, posts in (
            (position, own, changed.post_before), (after_position, after_own, changed.post_after))]

    def _terms(self, a: Any, position: np.ndarray, own: np.ndarray,
               posts: np.ndarray) -> dict[str, np.ndarray]:
        who, move = self.changed.who, self.changed.move
        got = position < NONE
        counted = got & (position <= self.max_choices)
        profile = np.zeros((self.count, self.max_choices), dtype=np.int64)
        np.add.at(profile, (move[counted], position[counted] - 1), 1)
        current = a.current_post[who]

        def per_move(values: np.ndarray) -> np.ndarray:
            return np.bincount(move, weights=values, minlength=self.count).astype(np.int64)

        return {"profile": profile, "panel": per_move(np.where(got, own, 0)),
                "unplaced": per_move(a.incumbent[who] & (posts < 0)),
                "moves": per_move((current >= 0) & (posts != current))}

    def moved(self, stage: Stage, value: Any) -> list[Any]:
        """A stage's ``value`` on the roster, after each move."""
        before, after = self.terms
        if stage is Stage.RANK_PROFILE:
            return (np.asarray(value, dtype=np.int64) - before["profile"]
                    + after["profile"]).tolist()
        key = {Stage.PANEL_QUALITY: "panel", Stage.UNPLACED: "unplaced"}.get(stage, "moves")
        return (value - before[key] + after[key]).tolist()


def _soft(violations: list[Violation]) -> int:
    return sum(v.amount for v in violations if not v.hard)


class PersonTerms:
    """What some people add to the stages that count people, on one placement."""

    def __init__(self, placement: Placement, people: np.ndarray):
        a = placement.instance.arrays
        position, own = (x[people] for x in placement.choice_outcomes)
        got = position < np.iinfo(np.int64).max  # at one of their choices
        counted = position[got & (position <= placement.policy.max_choices)]
        self.profile = np.bincount(counted - 1, minlength=placement.policy.max_choices)
        self.panel = int(own[got].sum())
        index = placement.post_index[people]
        self.unplaced = int(np.sum(a.incumbent[people] & (index < 0)))
        current = a.current_post[people]
        self.moves = int(np.sum((current >= 0) & (index != current)))

    def moved(self, stage: Stage, value: Any, after: PersonTerms) -> Any:
        """A stage's ``value`` with these terms replaced by ``after``'s."""
        if stage is Stage.RANK_PROFILE:
            return [int(v) for v in np.asarray(value) - self.profile + after.profile]
        if stage is Stage.PANEL_QUALITY:
            return value - self.panel + after.panel
        if stage is Stage.UNPLACED:
            return value - self.unplaced + after.unplaced
        return value - self.moves + after.moves
