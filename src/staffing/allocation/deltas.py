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

The result is exactly what the checker finds on the moved roster (a differential test
holds the two equal on random rosters and moves); the claim-by-claim re-check
(`staffing.allocation.claims`) still applies each move and re-checks the whole roster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from staffing.allocation.claims import Baseline, violation_key
from staffing.domain.objective import Stage
from staffing.domain.roster import Assignment
from staffing.domain.violation import Violation
from staffing.rules.base import Around, Placement, Rule

PERSON_STAGES = (Stage.RANK_PROFILE, Stage.PANEL_QUALITY, Stage.UNPLACED, Stage.MOVES)


@dataclass
class MoveDelta:
    """A roster after one move, as the checker would see it."""

    placement: Placement  # the roster after the move
    around: Around  # where it differs from the roster before
    new_hard: list[Violation]  # hard violations the roster did not have (rule, then check order)
    amounts: dict[str, int]  # each rule's soft shortfall after the move
    stages: dict[str, Any]  # every objective stage's value after the move
    found: dict[str, list[Violation]] = field(default_factory=dict)
    # rule -> its violations after the move where the move touches the roster (all of them for
    # a rule checked whole): every violation the move can have added; the rules that cannot
    # break a hard rule are filled in when asked (`new_soft`)

    def new_soft(self, rules: list[Rule], known: set[tuple[str, str]]) -> list[Violation]:
        """Soft violations of ``rules`` after the move whose key is not in ``known``."""
        out: list[Violation] = []
        for rule in rules:
            if rule.name not in self.found:
                self.found[rule.name] = _found(rule, self.placement, self.around)
            out.extend(v for v in self.found[rule.name]
                       if not v.hard and violation_key(v) not in known)
        return out


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
        base = self.base
        roster = base.roster.moved(changes)
        after = base.placement.moved(roster, list(changes))
        around = Around.between(base.placement, after, changes)
        delta = MoveDelta(after, around, [], {}, {})
        for rule in self.rules:
            self._rule(rule, delta)
        delta.stages = self._stages(after, around, delta.amounts)
        return delta

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
