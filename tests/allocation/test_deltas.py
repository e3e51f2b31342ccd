"""Tests that a move's effect computed where it touches the roster equals a full re-check.

`staffing.allocation.deltas` evaluates a move from each rule's violations around the people
moved (`Rule.check_around`) and the people's own stage terms. The reference here applies the
move to a roster built afresh and runs the whole checker and the stage values on it. Rosters
are random (posts held over capacity, wrong pools, tours by anyone, people left out), so
every rule has violations to gain or lose, under the four policy models with each soft-capable
rule made hard or soft at random.
"""

from __future__ import annotations

from itertools import cycle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import staffing
from staffing.allocation.claims import Baseline, violation_key
from staffing.allocation.deltas import Move, MoveDelta, MoveDeltas, move_changes
from staffing.check import check_roster
from staffing.domain.arrays import POOLS
from staffing.domain.enums import Tier
from staffing.domain.instance import Instance
from staffing.domain.ranking import PanelRanks
from staffing.domain.roster import Assignment, Roster
from staffing.objectives import stage_values
from staffing.policy import Policy
from staffing.rules import CATALOGUE
from staffing.rules.base import Around, Placement
from staffing.synth import generate

ROOT = Path(__file__).resolve().parents[2]
MODELS = {path.stem: staffing.load_policy(path) for path in sorted(ROOT.glob("models/*.yaml"))}


def policy_variant(policy: Policy, hard: list[bool]) -> Policy:
    """The policy with each soft-capable rule hard or soft as drawn (and, for post structure,
    its intermediate floor too)."""
    data = policy.model_dump(mode="json")
    flips = cycle(hard)
    for name, params in data["rules"].items():
        if CATALOGUE[name].soft_capable:
            params["hard"] = next(flips)
        if name == "post_structure":
            params["intermediate_floor_hard"] = next(flips)
    return Policy.model_validate(data)


def random_roster(instance: Instance, rng: np.random.Generator) -> Roster:
    """Anyone anywhere (or nowhere), charged to any pool, touring any village."""
    posts = [p.id for p in instance.posts]
    villages = [i.id for i in instance.institutions if i.tier is Tier.VILLAGE]
    rows = []
    for person in instance.staff:
        post = posts[rng.integers(len(posts))] if rng.random() < 0.8 else None
        pool = POOLS[rng.integers(len(POOLS))] if rng.random() < 0.8 else person.pool
        if rng.random() < 0.3:
            post = person.current_post
        tours = sorted(set(rng.choice(villages, size=int(rng.integers(1, 5)))))\
            if villages and rng.random() < 0.15 else []
        rows.append(Assignment(person=person.id, post=post, pool=pool, tour_villages=tours))
    return Roster(assignments=rows)


def _move_keys(instance: Instance, roster: Roster, rng: np.random.Generator,
               count: int = 6) -> list[Move]:
    """Moves as the explainer makes them: a person to a post or to none, with a pool, and at
    times a holder of that post leaving it."""
    posts = [p.id for p in instance.posts]
    out = []
    for _ in range(count):
        person = instance.staff[rng.integers(len(instance.staff))]
        post = posts[rng.integers(len(posts))] if rng.random() < 0.85 else None
        pool = POOLS[rng.integers(len(POOLS))] if rng.random() < 0.5 else roster.pool_of(person.id)
        holders = [q for q in roster.holders.get(post or "", []) if q != person.id]
        leaving = holders[rng.integers(len(holders))] if holders and rng.random() < 0.5 else None
        out.append((person.id, post, pool, leaving))
    return out


def _choice_moves(instance: Instance, policy: Policy, roster: Roster,
                  rng: np.random.Generator, count: int) -> list[Move]:
    """Moves to a choice, as a reason tests them: a full post's lowest-ranked holder leaves."""
    ranks = PanelRanks.of(instance, policy)
    applicants = [p for p in instance.staff if instance.choices_of.get(p.id)]
    out: list[Move] = []
    for _ in range(count if applicants else 0):
        person = applicants[rng.integers(len(applicants))]
        choices = instance.choices_of[person.id]
        post = choices[rng.integers(len(choices))]
        holders = [q for q in roster.holders.get(post, []) if q != person.id]
        full = len(holders) >= instance.post_by_id[post].places
        leaving = max(holders, key=lambda q: (ranks.rank(post, q), q)) if full and holders \
            else None
        out.append((person.id, post, roster.pool_of(person.id), leaving))
    return out


def _moves(instance: Instance, roster: Roster,
           rng: np.random.Generator) -> list[dict[str, Assignment]]:
    """`_move_keys` as the assignments each move replaces."""
    return [move_changes(instance, roster, m) for m in _move_keys(instance, roster, rng)]


def _fresh(roster: Roster, changes: dict[str, Assignment]) -> Roster:
    return Roster(assignments=[changes.get(a.person, a) for a in roster.assignments])


def _reference(base: Baseline, moved: Roster) -> dict[str, Any]:
    """What the whole checker says of the moved roster."""
    violations = check_roster(base.instance, base.policy, moved, references_checked=True)
    amounts = {rule.name: 0 for rule in base.policy.rule_objects()}
    for v in violations:
        if not v.hard:
            amounts[v.rule] += v.amount
    return {
        "new_hard": [violation_key(v) for v in violations
                     if v.hard and violation_key(v) not in base.hard_keys],
        "new_soft": [violation_key(v) for v in violations
                     if not v.hard and violation_key(v) not in base.soft_keys],
        "amounts": amounts,
        "stages": stage_values(base.instance, base.policy, moved, violations),
    }


def _assert_as_checked(base: Baseline, delta: MoveDelta, moved: Roster) -> None:
    """The move's new hard violations (in order), each rule's soft shortfall, every stage value
    and the new soft violations are what the whole checker finds on the moved roster."""
    want = _reference(base, moved)
    assert [violation_key(v) for v in delta.new_hard] == want["new_hard"]
    assert delta.amounts == want["amounts"]
    assert delta.stages == want["stages"]
    soft = delta.new_soft(base.policy.rule_objects(), base.soft_keys)
    assert [violation_key(v) for v in soft] == want["new_soft"]


# random counties, policy models with rules flipped hard or soft, current or random rosters
roster_cases = given(staff=st.integers(12, 40), seed=st.integers(0, 10_000),
                     model=st.sampled_from(sorted(MODELS)),
                     hard=st.lists(st.booleans(), min_size=1, max_size=8), current=st.booleans())


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@roster_cases
def test_move_deltas_equal_a_full_recheck(staff: int, seed: int, model: str, hard: list[bool],
                                           current: bool) -> None:
    """Tests that for random rosters and moves, the new hard violations (in order), each rule's
    soft shortfall, the new soft violations and every stage value computed around the move
    equal those the whole checker finds on the moved roster."""
    instance = generate(staff=staff, seed=seed)
    policy = policy_variant(MODELS[model], hard)
    rng = np.random.default_rng(seed)
    roster = Roster.current(instance) if current else random_roster(instance, rng)
    base = Baseline(instance, policy, roster)
    deltas = MoveDeltas(base)
    for changes in _moves(instance, roster, rng):
        _assert_as_checked(base, deltas.evaluate(changes), _fresh(roster, changes))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@roster_cases
def test_moves_in_batch_equal_a_full_recheck(staff: int, seed: int, model: str,
                                             hard: list[bool], current: bool) -> None:
    """Tests that many moves evaluated in one batch (each rule's `moves_effect`, the residual
    checked one by one) give, move by move, the new hard violations in order, each rule's soft
    shortfall, the new soft violations and every stage value the whole checker finds on the
    moved roster."""
    instance = generate(staff=staff, seed=seed)
    policy = policy_variant(MODELS[model], hard)
    rng = np.random.default_rng(seed)
    roster = Roster.current(instance) if current else random_roster(instance, rng)
    base = Baseline(instance, policy, roster)
    moves = _move_keys(instance, roster, rng, count=8) + _choice_moves(instance, policy, roster,
                                                                      rng, 12)
    moves += [(person, post, pool, None) for person, post, pool, _ in moves[:4]]
    for move, delta in zip(moves, MoveDeltas(base).evaluate_many(moves)):
        _assert_as_checked(base, delta, _fresh(roster, move_changes(instance, roster, move)))


def test_a_released_move_drops_its_roster_and_keeps_its_figures() -> None:
    """Tests that releasing a move once read drops the roster after it (built when asked)
    and the violations found on it, keeps its shortfalls and stage values, and refuses to
    be read again as a roster instead of answering from nothing."""
    instance = generate(staff=30, seed=3)
    policy = MODELS["chongqing-2024"]
    roster = random_roster(instance, np.random.default_rng(3))
    base = Baseline(instance, policy, roster)
    moves = _move_keys(instance, roster, np.random.default_rng(3), count=4)
    for delta in MoveDeltas(base).evaluate_many(moves):
        assert delta.placement.roster is not roster  # the roster after the move, built
        amounts, stages = dict(delta.amounts), dict(delta.stages)
        delta.release()
        assert "_where" not in delta.__dict__ and not delta.found
        assert (delta.amounts, delta.stages) == (amounts, stages)
        with pytest.raises(RuntimeError, match="released"):
            delta.placement  # noqa: B018


def test_a_batch_holds_no_moved_roster_once_evaluated() -> None:
    """Tests that a batch of moves checked one by one (every rule unsure) keeps none of the
    rosters after its moves once evaluated, and that a roster asked for again is built anew
    with the same figures as a move evaluated alone."""
    instance = generate(staff=30, seed=4)
    policy = MODELS["guangdong-2019"]
    roster = random_roster(instance, np.random.default_rng(4))
    base = Baseline(instance, policy, roster)
    moves = _move_keys(instance, roster, np.random.default_rng(4), count=12)
    deltas = MoveDeltas(base)
    batch = deltas.evaluate_many(moves)
    assert any(delta.found for delta in batch)  # some moves were checked one by one
    assert all("_where" not in delta.__dict__ for delta in batch)
    for move, delta in zip(moves, batch):
        alone = deltas.evaluate(move_changes(instance, roster, move))
        assert delta.placement.roster.model_dump() == alone.placement.roster.model_dump()
        assert (delta.amounts, delta.stages) == (alone.amounts, alone.stages)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(staff=st.integers(12, 40), seed=st.integers(0, 10_000),
       model=st.sampled_from(sorted(MODELS)))
def test_each_rule_keeps_its_contract(staff: int, seed: int, model: str) -> None:
    """Tests, rule by rule, that on two rosters differing only in the people moved, the
    violations `check` finds outside `check_around` are the same, and that `check_around`'s
    are among `check`'s, in its order."""
    instance = generate(staff=staff, seed=seed)
    policy = MODELS[model]
    rng = np.random.default_rng(seed)
    roster = random_roster(instance, rng)
    before = Placement(instance, policy, roster)
    for changes in _moves(instance, roster, rng):
        moved = _fresh(roster, changes)
        after = Placement(instance, policy, moved)
        around = Around.between(before, after, changes)
        for rule in policy.rule_objects():
            rest = []
            for placement in (before, after):
                found = [violation_key(v) for v in rule.check(placement)]
                near = rule.check_around(placement, around)
                assert near is not None, rule.name
                keys = [violation_key(v) for v in near]
                assert [k for k in found if k in keys] == keys, rule.name
                rest.append([k for k in found if k not in keys])
            assert rest[0] == rest[1], rule.name
