"""Many moves on one roster at once, as index arrays, for rules that tell their effect in batch.

The reasons of a county rest on thousands of moves, each a person put at a post (or left
without one), and perhaps one holder of that post leaving it. A rule that can say from arrays
what every move does to its shortfall, and which moves might add a violation it must word,
answers for all of them in a few array operations (`staffing.rules.base.Rule.moves_effect`);
the explainer checks one by one (`staffing.rules.base.Rule.check_around`) only the moves a rule
is unsure of.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from staffing.rules.base import Placement


@dataclass(frozen=True)
class MovesEffect:
    """What a batch of moves does to one rule: the change of its soft shortfall per move, and
    the moves it is unsure of (to be checked one by one; their ``soft`` entry is ignored)."""

    soft: np.ndarray    # int per move
    unsure: np.ndarray  # bool per move

    @classmethod
    def none(cls, moves: Moves) -> MovesEffect:
        """No move changes the rule."""
        return cls(np.zeros(len(moves), dtype=np.int64), np.zeros(len(moves), dtype=bool))


@dataclass(frozen=True, eq=False)
class Moves:
    """Moves on one placement, one entry each: ``person`` takes ``post`` (-1: no post) charged to
    ``pool`` (index in ``POOLS``, -1: none); ``displaced`` (-1: nobody), a holder of that post,
    leaves it for no post, keeping their pool unless a new recruit. Both drop their tours.
    """

    placement: Placement
    person: np.ndarray
    post: np.ndarray
    pool: np.ndarray
    displaced: np.ndarray

    def __len__(self) -> int:
        return len(self.person)

    @cached_property
    def odd(self) -> np.ndarray:
        """Moves outside the usual shape (a person to the post they hold, or a displaced person
        who does not hold the post): rules leave them to the one-by-one check."""
        before = self.placement.post_index
        same = (self.post >= 0) & (before[self.person] == self.post)
        has = self.displaced >= 0
        wrong = has & ((self.post < 0)
                       | (before[np.maximum(self.displaced, 0)] != self.post)
                       | (self.displaced == self.person))
        return same | wrong

    @cached_property
    def changed(self) -> Changed:
        """The people each move changes (the person, then the displaced holder)."""
        a = self.placement.instance.arrays
        has = self.displaced >= 0
        moves = np.arange(len(self))
        d = self.displaced[has]
        post_index, pool_index = self.placement.post_index, self.placement.pool_index
        who = np.concatenate([self.person, d])
        return Changed(
            move=np.concatenate([moves, moves[has]]), who=who,
            post_before=post_index[who],
            post_after=np.concatenate([self.post, np.full(len(d), -1, dtype=np.int64)]),
            pool_before=pool_index[who],
            pool_after=np.concatenate([self.pool, np.where(a.recruit[d], -1, pool_index[d])]),
        )


@dataclass(frozen=True)
class Changed:
    """The people moves change, one entry per (move, person): where they are before and after."""

    move: np.ndarray
    who: np.ndarray
    post_before: np.ndarray
    post_after: np.ndarray
    pool_before: np.ndarray
    pool_after: np.ndarray


def person_effect(moves: Moves, before: np.ndarray, after: np.ndarray,
                  hard: bool) -> MovesEffect:
    """A rule with at most one violation (of amount 1) per person, of the person's own
    assignment: ``before`` and ``after`` say, per changed person, whether they break it."""
    changed = moves.changed
    count = len(moves)
    if hard:
        return MovesEffect(np.zeros(count, dtype=np.int64),
                           np.bincount(changed.move[after], minlength=count) > 0)
    soft = np.bincount(changed.move, weights=after.astype(np.int64) - before, minlength=count)
    return MovesEffect(soft.astype(np.int64), np.zeros(count, dtype=bool))


@dataclass(frozen=True)
class KeyChanges:
    """Counts changed by moves, one entry per (move, key) whose count changes: ``key``'s count
    goes from ``before`` to ``after`` in move ``move``."""

    move: np.ndarray
    key: np.ndarray
    before: np.ndarray
    after: np.ndarray

    def per_move(self, values: np.ndarray, count: int) -> np.ndarray:
        """``values`` (one per entry) summed per move."""
        return np.bincount(self.move, weights=values, minlength=count).astype(np.int64)

    def any_per_move(self, mask: np.ndarray, count: int) -> np.ndarray:
        """Whether any entry of each move is in ``mask``."""
        return np.bincount(self.move[mask], minlength=count) > 0


def key_changes(moves: Moves, counts: np.ndarray, key_before: np.ndarray,
                key_after: np.ndarray, weight_before: np.ndarray | None = None,
                weight_after: np.ndarray | None = None) -> KeyChanges:
    """How each move changes per-key counts (``counts`` on the placement): each changed person
    counts ``weight`` (default 1) for ``key_before`` before the move and for ``key_after`` after
    it (key -1: counted nowhere)."""
    changed = moves.changed
    size = max(len(counts), 1)
    ones = np.ones(len(changed.who), dtype=np.int64)
    wb = ones if weight_before is None else weight_before.astype(np.int64)
    wa = ones if weight_after is None else weight_after.astype(np.int64)
    move = np.concatenate([changed.move, changed.move])
    key = np.concatenate([key_before, key_after])
    weight = np.concatenate([-wb, wa])
    keep = (key >= 0) & (weight != 0)
    code = move[keep] * size + key[keep]
    unique, inverse = np.unique(code, return_inverse=True)
    total = np.bincount(inverse, weights=weight[keep], minlength=len(unique)).astype(np.int64)
    nonzero = total != 0
    move_of, key_of = unique[nonzero] // size, unique[nonzero] % size
    before = counts[key_of].astype(np.int64)
    return KeyChanges(move_of, key_of, before, before + total[nonzero])


def bound_effect(moves: Moves, changes: KeyChanges, low: np.ndarray | None,
                 high: np.ndarray | None, hard_low: bool, hard_high: bool) -> MovesEffect:
    """A rule breached where a key's count is below ``low`` or above ``high`` (per key; None: no
    such bound), each breach's amount the distance to the bound and its message naming the
    count: the soft breaches' change per move, and the moves that leave a hard one breached
    with a changed count."""
    count = len(moves)
    soft = np.zeros(count, dtype=np.int64)
    unsure = np.zeros(count, dtype=bool)
    for bounds, hard, sign in ((low, hard_low, 1), (high, hard_high, -1)):
        if bounds is None:
            continue
        limit = bounds[changes.key]
        after = np.maximum(0, sign * (limit - changes.after))
        if hard:
            unsure |= changes.any_per_move(after > 0, count)
        else:
            before = np.maximum(0, sign * (limit - changes.before))
            soft += changes.per_move(after - before, count)
    return MovesEffect(soft, unsure)
