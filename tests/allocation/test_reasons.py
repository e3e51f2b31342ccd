"""Tests that every reason is true claim by claim, in plain words, and degrades within a deadline.

The re-check (`staffing.allocation.claims`) tests what each reason claims (is the post
full, who holds it at which rank, what the move breaks or worsens, from what to what)
against the roster with the independent checker; it must catch a false claim, such as
"your current post went to others" for a post with free places.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import staffing
from staffing.allocation.claims import Claim, ClaimCheck
from staffing.allocation.reasons import Explainer, Reason, explain_roster, failures, verify_all
from staffing.domain.objective import Stage
from staffing.domain.roster import Assignment, Roster
from staffing.errors import InfeasibleError
from staffing.rules import CATALOGUE
from staffing.synth import generate
from tests.allocation.builders import community, policy, posts_of, solve
from tests.allocation.test_deltas import policy_variant, random_roster

ROOT = Path(__file__).resolve().parents[2]
MODELS = {path.stem: staffing.load_policy(path) for path in sorted(ROOT.glob("models/*.yaml"))}
CODES = set(CATALOGUE) | {stage.value for stage in Stage}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _township_over_its_norm() -> tuple[staffing.Instance, staffing.Policy]:
    """Three incumbents of a township post with 3 places, a soft headcount ceiling of 2 and
    the soft-floor stage before placing incumbents: c applies to the county, loses to d, and
    putting c back would exceed the ceiling."""
    inst = community(
        [{"id": "H-A", "institution": "H"}, {"id": "T-IM", "institution": "T", "places": 3}],
        [{"id": "a", "current_post": "T-IM"}, {"id": "b", "current_post": "T-IM"},
         {"id": "c", "current_post": "T-IM"}, {"id": "d", "pool": "county", "new_recruit": True}],
        {"c": ["H-A"], "d": ["H-A"]}, {"H-A": ["d", "c"]})
    rules = policy(["continuity", "soft_floors", "unplaced", "moves"],
                   township_headcount_norm={"hard": False, "min_per_mille": 0,
                                            "max_per_mille": 0.1},
                   headcount_pools={}, continuity={}, stability={"hard": True})
    return inst, rules


def test_an_incumbent_left_out_is_told_the_true_cause() -> None:
    """Tests that an incumbent left without a post while their post has a free place is told
    that putting them back would raise the soft-rule shortfall (with the numbers and the
    rule), not that the post went to others, and that the claim checks out."""
    inst, rules = _township_over_its_norm()
    roster = solve(inst, rules)
    assert posts_of(roster) == {"a": "T-IM", "b": "T-IM", "c": None, "d": "H-A"}
    reason = Explainer(inst, rules, roster).outcome("c")
    assert reason.code == "no_post"
    assert [c.kind for c in reason.claims] == ["holds", "move_worsens"]
    assert reason.numbers == {"displaced": "", "stage": "soft_floors", "before": 0, "after": 1,
                              "current": "T-IM"}
    assert reason.rules == ("township_headcount_norm",)
    assert "township headcount norm" in reason.text and "from 0 to 1" in reason.text
    assert "乡镇卫生院编制标准" in reason.text_zh
    assert not verify_all(inst, rules, roster, [reason])


def test_a_false_claim_is_caught() -> None:
    """Tests that the re-check refuses "the current post went to others" for a post with a
    free place, a wrong rank, a wrong stage value and a reason missing the claim its code
    needs."""
    inst, rules = _township_over_its_norm()
    roster = solve(inst, rules)
    check = ClaimCheck(inst, rules, roster)
    assert check.failure(Claim("full", {"post": "T-IM", "places": 3})) == \
        "T-IM holds 2 of 3: not full"
    assert check.failure(Claim("ranked_ahead", {"post": "H-A", "person": "c", "your_rank": 1,
                                                "holders": (("d", 1),)}))
    move = {"person": "c", "post": "T-IM", "pool": roster.pool_of("c"), "displaced": None}
    assert check.failure(Claim("move_worsens", {**move, "stage": "soft_floors", "before": 0,
                                                "after": 1})) is None
    assert check.failure(Claim("move_worsens", {**move, "stage": "soft_floors", "before": 0,
                                                "after": 2}))
    assert check.failure(Claim("move_ties", move))
    old_style = Reason("c", "outcome", "no_post", None,
                       claims=(Claim("holds", {"person": "c", "post": None}),
                               Claim("full", {"post": "T-IM", "places": 3})))
    assert verify_all(inst, rules, roster, [old_style]) == [old_style]
    bare = Reason("c", "outcome", "no_post", None,
                  claims=(Claim("holds", {"person": "c", "post": None}),))
    assert verify_all(inst, rules, roster, [bare]) == [bare]  # an incumbent needs the cause


def _solved(staff: int, seed: int, model: str) -> tuple[staffing.Instance, staffing.Roster]:
    instance = generate(staff=staff, seed=seed)
    return instance, staffing.allocate(instance, MODELS[model], time_limit=20,
                                       deterministic=True).roster


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(staff=st.integers(20, 60), seed=st.integers(0, 100_000),
       model=st.sampled_from(sorted(MODELS)))
def test_every_claim_of_every_reason_holds(staff: int, seed: int, model: str) -> None:
    """Tests, over generated counties and every policy model, that each claim of each reason
    holds against the roster and the inputs."""
    try:
        instance, roster = _solved(staff, seed, model)
    except InfeasibleError:
        return
    reasons = explain_roster(instance, MODELS[model], roster)
    assert {r.person for r in reasons} == {p.id for p in instance.staff}
    assert failures(instance, MODELS[model], roster, reasons) == []


@pytest.mark.parametrize("model", sorted(MODELS))
def test_reasons_read_without_codes(model: str) -> None:
    """Tests that 50 people's reasons under each policy model carry no rule or stage code in
    their text, in either language, while the codes stay in their own fields."""
    instance, roster = _solved(120, 7, model)
    explainer = Explainer(instance, MODELS[model], roster)
    sample = [p.id for p in instance.staff][::2][:50]
    reasons = [r for person in sample for r in explainer.reasons(person)]
    assert len({r.person for r in reasons}) == 50
    for r in reasons:
        for text in (r.text, r.text_zh):
            assert text
            assert not set(SNAKE.findall(text)) & CODES, (r.code, text)
        assert set(r.rules) <= set(CATALOGUE)
    assert any(r.kind == "not_given" for r in reasons)


def test_a_deadline_gives_outcome_lines_for_the_rest() -> None:
    """Tests that past the deadline each remaining person gets one outcome line, marked as not
    detailed, whose claims still hold."""
    instance, roster = _solved(40, 3, "chongqing-2024")
    rules = MODELS["chongqing-2024"]
    reasons = explain_roster(instance, rules, roster, deadline=time.perf_counter())
    assert [r.kind for r in reasons] == ["outcome"] * len(instance.staff)
    assert all(not r.detailed and "time limit" in r.text for r in reasons)
    assert not verify_all(instance, rules, roster, reasons)


def _some_at_a_choice(instance: staffing.Instance, rng: np.random.Generator) -> Roster:
    """The roster before the round with about half the applicants at one of their choices, at
    random (posts may be over their places)."""
    rows = []
    for person in instance.staff:
        choices = instance.choices_of.get(person.id, [])
        post = person.current_post
        if choices and rng.random() < 0.5:
            post = choices[rng.integers(len(choices))]
        rows.append(Assignment(person=person.id, post=post, pool=person.pool))
    return Roster(assignments=rows)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(staff=st.integers(12, 50), seed=st.integers(0, 10_000),
       model=st.sampled_from(sorted(MODELS)), hard=st.lists(st.booleans(), min_size=1,
                                                            max_size=8),
       kind=st.sampled_from(["current", "choices", "random"]))
def test_reasons_in_batch_equal_the_whole_roster_check(staff: int, seed: int, model: str,
                                                       hard: list[bool], kind: str) -> None:
    """Tests that every reason (codes, claims, numbers, words in both languages) given with the
    moves evaluated in batch is the one given with each move checked on the whole moved roster,
    on rosters before the round, with applicants at random choices, and at random, under each
    policy model with its soft-capable rules made hard or soft at random."""
    instance = generate(staff=staff, seed=seed)
    rules = policy_variant(MODELS[model], hard)
    rng = np.random.default_rng(seed)
    roster = {"current": lambda: Roster.current(instance),
              "choices": lambda: _some_at_a_choice(instance, rng),
              "random": lambda: random_roster(instance, rng)}[kind]()
    old = Explainer(instance, rules, roster, whole_roster_moves=True)
    want = [r for p in instance.staff for r in old.reasons(p.id)]
    assert Explainer(instance, rules, roster).all_reasons() == want
