"""stability: no person and post that both prefer each other to the outcome (weak stability, ties).

A pair (p, P) blocks when P is one of p's choices that p ranks above the post
p got (every choice ranks above no post or a post p did not choose), a hard
rule allows p at P, and P has a free place or holds someone its panel ranks
strictly below p (`staffing.domain.ranking` defines panel ranks, tenure and
unranked holders). Soft by default: the blocking-pairs stage minimises their
number when the hard rules make a fully stable roster impossible.

Model: with y(p, r) = [p holds one of its first r choices] and, per post and
tie group, full(P, r) = [P is full of people ranked r or better], the pair
(p, P) with p ranked r at P is not blocking iff y(p, rank of P) or full(P, r):
one clause per pair and one linear constraint per post and tie group.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

import numpy as np

from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.ranking import ChoiceTable
from staffing.rules.base import (
    Around,
    Placement,
    Rule,
    RuleModel,
    RuleParams,
    RuleSet,
    Violation,
    choice_outcomes_at,
)
from staffing.rules.forbidden import admissible_mask
from staffing.rules.moves import Moves, MovesEffect


class StabilityParams(RuleParams):
    hard: bool = False


class Stability(Rule[StabilityParams]):
    name = "stability"
    label_zh = "双向选择稳定性"
    label_en = "stability of the two-way selection"
    description = "no person and post that both prefer each other to the outcome"
    Params = StabilityParams
    soft_capable = True
    stage: ClassVar[Stage] = Stage.BLOCKING_PAIRS
    binds_by_slack: ClassVar[bool] = False  # a condition on all pairs, not a bound

    def kept_by_deferred_acceptance(self) -> bool:
        return True

    # -- check -----------------------------------------------------------------------------

    def check(self, placement: Placement) -> list[Violation]:
        return self._violations(placement, blocking_pairs(placement))

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        """The pairs of the people moved and of the posts they leave or take: nobody else's
        outcome, and no other post's free places or lowest holder, change."""
        return self._violations(placement, blocking_pairs(placement, _rows_around(placement,
                                                                                  around)))

    def amount_around(self, placement: Placement, around: Around) -> int:
        if self.hard:
            return 0
        return int(blocking_mask(placement, _rows_around(placement, around))[0].sum())

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect | None:
        """The change in blocking pairs of each move (soft only: a hard rule words each new
        pair, so its moves are checked one by one)."""
        if self.hard:
            return None
        return MovesEffect(blocking_change(placement, moves), np.zeros(len(moves), dtype=bool))

    def _violations(self, placement: Placement,
                    pairs: list[tuple[str, str, bool]]) -> list[Violation]:
        return [
            self.violation(
                f"{person} and post {post} block: {person} prefers {post} to "
                f"{placement.post_of(person) or 'no post'}, and {post} "
                + ("has a free place" if free else "holds someone its panel ranks lower"),
                people=(person,), posts=(post,),
            )
            for person, post, free in pairs
        ]

    def amount(self, placement: Placement) -> int:
        return int(blocking_mask(placement)[0].sum())

    # -- emission --------------------------------------------------------------------------

    def emit(self, model: RuleModel) -> None:
        hard = self.hard or model.stable_only
        choices = model.admissible_choices()
        if model.stable_only:
            # A dominated choice is absent from the model; its clause is implied by the clauses
            # of the applicants that dominate it (see dominated_choices), so it is left out.
            choices = [c for c in choices if model.pair_of(c[0], c[1]) is not None]
        groups: dict[int, set[int]] = defaultdict(set)
        for _i, j, _choice_rank, rank in choices:
            groups[j].add(rank)
        full_vars = {key: var for j, ranks in groups.items()
                     for key, var in _full_indicators(model, j, sorted(ranks)).items()}
        for i, j, choice_rank, rank in choices:
            got_as_good = model.total(model.choice_pairs_up_to(i, choice_rank))
            full = full_vars[(j, rank)]
            post_id, person_id = model.arrays.post_ids[j], model.arrays.person_ids[i]
            model.at_least(
                self, ("pair", person_id, post_id), got_as_good + full, 1, unit="blocking pairs",
                hard=hard, slack_max=1, detail=f"{person_id} and post {post_id} must not block",
                people=(person_id,), posts=(post_id,),
            )


def _full_indicators(model: RuleModel, j: int,
                     ranks: list[int]) -> dict[tuple[int, int], Any]:
    """full(P, r) for each tie group r of post j: P holds places people ranked r or better.

    A cumulative count runs down the panel's order (tenure holders, then each tie group),
    so each pair appears in one sum only; full(P, r) <= count(r) / places.
    """
    places = int(model.arrays.places[j])
    pairs_at = model.post_pairs(j)
    panel = model.pairs.panel[pairs_at]
    out: dict[tuple[int, int], Any] = {}
    count: Any = 0
    upper = 0
    previous_rank, previous_full = None, None
    for rank in ranks:
        lower_bound = -1 if previous_rank is None else previous_rank
        new_pairs = pairs_at[(panel > lower_bound) & (panel <= rank)]
        upper += len(new_pairs)
        if len(new_pairs):
            running = model.model.new_int_var(0, min(upper, places), f"held_{j}_{rank}")
            model.model.add(running <= count + model.total(new_pairs))
            count = running
        full = model.new_bool(f"full_{j}_{rank}")
        if upper < places:
            model.model.add(full == 0)
        else:
            model.model.add(count >= places * full)
        if previous_full is not None:
            model.model.add_implication(previous_full, full)
        previous_rank, previous_full = rank, full
        out[(j, rank)] = full
    return out


def _rows_around(placement: Placement, around: Around) -> np.ndarray:
    """The rows of the choice table of the people and of the posts of ``around``."""
    table = ChoiceTable.of(placement.instance, placement.policy)
    a = placement.instance.arrays
    return np.union1d(table.rows_of_people(a.person_index[q] for q in around.people),
                      table.rows_of_posts(a.post_index[j] for j in around.posts))


def blocking_change(placement: Placement, moves: Moves) -> np.ndarray:
    """How many blocking pairs each move adds (negative: removes), from the choices of the two
    people it changes and of the two posts it changes (the one the person leaves, the one they
    take); nobody else's outcome, and no other post's places or lowest holder, change."""
    instance, policy = placement.instance, placement.policy
    a = instance.arrays
    table = ChoiceTable.of(instance, policy)
    person, post, displaced = moves.person, moves.post, moves.displaced
    left = placement.post_index[person]  # the post the person leaves (-1: none)
    has = displaced >= 0
    position, own = placement.choice_outcomes
    new_position, new_own = choice_outcomes_at(instance, policy, person, post)
    worst, second = _two_lowest_holders(placement)
    held = placement.held

    def worst_without(posts: np.ndarray, people: np.ndarray) -> np.ndarray:
        """The lowest holder rank at each post once one of its holders leaves."""
        p = np.maximum(posts, 0)
        return np.where(own[people] == worst[p], second[p], worst[p])

    take_worst = np.maximum(np.where(has, worst_without(post, np.maximum(displaced, 0)),
                                     worst[np.maximum(post, 0)]), new_own)
    take_held = held[np.maximum(post, 0)] + 1 - has
    leave_worst = worst_without(left, person)
    leave_held = held[np.maximum(left, 0)] - 1
    move, rows = _rows_of_moves(table, (person, displaced), (left, post))
    p, q = table.person[rows], table.post[rows]
    outcome = position[p]
    outcome = np.where(p == person[move], new_position[move], outcome)
    outcome = np.where(has[move] & (p == displaced[move]), np.iinfo(np.int64).max, outcome)
    at_take, at_leave = q == post[move], q == left[move]
    lowest = np.where(at_take, take_worst[move], np.where(at_leave, leave_worst[move], worst[q]))
    count = np.where(at_take, take_held[move], np.where(at_leave, leave_held[move], held[q]))
    after = (_admissible_choices(instance, policy, table)[rows]
             & (table.position[rows] < outcome)
             & ((count < a.places[q]) | (lowest > table.rank[rows])))
    before = blocking_mask(placement)[0][rows]
    return np.bincount(move, weights=after.astype(np.int64) - before,
                       minlength=len(moves)).astype(np.int64)


def _two_lowest_holders(placement: Placement) -> tuple[np.ndarray, np.ndarray]:
    """Per post, the panel rank of its lowest-ranked holder and of the next one (equal on a
    tie; -1: none)."""
    own = placement.choice_outcomes[1]
    placed = np.flatnonzero(placement.post_index >= 0)
    posts, ranks = placement.post_index[placed], own[placed]
    order = np.lexsort((-ranks, posts))
    posts, ranks = posts[order], ranks[order]
    size = len(placement.instance.arrays.post_ids)
    worst = np.full(size, -1, dtype=np.int64)
    second = np.full(size, -1, dtype=np.int64)
    first = np.flatnonzero(np.r_[True, posts[1:] != posts[:-1]]) if len(posts) else placed[:0]
    worst[posts[first]] = ranks[first]
    nxt = first + 1
    has_next = nxt < len(posts)
    has_next[has_next] = posts[nxt[has_next]] == posts[first[has_next]]
    second[posts[first[has_next]]] = ranks[nxt[has_next]]
    return worst, second


def _rows_of_moves(table: ChoiceTable, people: tuple[np.ndarray, ...],
                   posts: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each move's choice-table rows of its people and of its posts (-1: none): (move of each
    entry, row). Each row once per move when the people differ and the posts differ: a post's
    rows leave out the move's people, whose rows are counted as theirs."""
    found_moves, found_rows = [], []
    for index, columns in ((table.by_person, people), (table.by_post, posts)):
        for keys in columns:
            move, rows = _grouped_rows(index, keys)
            if columns is posts:
                mine = np.zeros(len(rows), dtype=bool)
                for who in people:
                    mine |= table.person[rows] == who[move]
                move, rows = move[~mine], rows[~mine]
            found_moves.append(move)
            found_rows.append(rows)
    return np.concatenate(found_moves), np.concatenate(found_rows)


def _grouped_rows(index: tuple[np.ndarray, np.ndarray],
                  keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of each entry's key (-1: none) in a grouping of the choice table
    (`staffing.domain.ranking.ChoiceTable.by_person`): (entry of each row, row)."""
    order, starts = index
    entry = np.flatnonzero((keys >= 0) & (keys < len(starts) - 1))
    begin, end = starts[keys[entry]], starts[keys[entry] + 1]
    sizes = end - begin
    offset = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.repeat(entry, sizes), order[np.repeat(begin, sizes) + offset]


def blocking_pairs(placement: Placement,
                   rows: np.ndarray | None = None) -> list[tuple[str, str, bool]]:
    """Every blocking (person, post, post-has-a-free-place) of a roster, in choice order; with
    ``rows``, among those rows of the choice table only."""
    blocking, free = blocking_mask(placement, rows)
    a = placement.instance.arrays
    table = ChoiceTable.of(placement.instance, placement.policy)
    hit = np.flatnonzero(blocking) if rows is None else rows[blocking]
    return [(a.person_ids[i], a.post_ids[j], bool(free[j]))
            for i, j in zip(table.person[hit], table.post[hit])]


def blocking_mask(placement: Placement,
                  rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which choices of the choice table block (or of its ``rows``), and which posts have a
    free place.

    A choice blocks when a hard rule allows it, the person ranks it above their outcome, and
    its post has a free place or a holder its panel ranks strictly below the person.
    """
    instance, policy = placement.instance, placement.policy
    table = ChoiceTable.of(instance, policy)
    free = placement.held < instance.arrays.places
    position, _own = placement.choice_outcomes
    worst = placement.worst_rank
    pick = slice(None) if rows is None else rows
    persons, posts = table.person[pick], table.post[pick]
    blocking = (_admissible_choices(instance, policy, table)[pick]
                & (table.position[pick] < position[persons])
                & (free[posts] | (worst[posts] > table.rank[pick])))
    return blocking, free


def _admissible_choices(instance: Instance, policy: RuleSet, table: ChoiceTable) -> np.ndarray:
    """Which choices no hard rule forbids outright."""
    return instance.cached(("admissible_table_rows", policy.hash()), lambda: admissible_mask(
        instance, policy)[table.person, table.post])
