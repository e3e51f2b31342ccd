"""Tests that stability finds blocking pairs of the two-way selection, with ties and tenure."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from staffing.allocation.engine import extract_assignments
from staffing.allocation.model import AllocationModel
from staffing.allocation.pairs import build_pairs
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.roster import Roster
from staffing.policy import Policy
from tests.builders import (
    assert_compliant,
    check_cli,
    choices,
    county,
    instance,
    only_violation,
    person,
    policy,
    post,
    ranks,
    roster,
    run_check,
    township,
)

RULE = "stability"


def make(rank_a: dict[str, int] | None = None) -> Instance:
    """Two one-place posts both people want, A first; A's panel prefers p1 unless told."""
    return instance(
        [county(), township()],
        [post("A", "T"), post("B", "T")],
        [person("p1"), person("p2")],  # identical: B's scoring rule ties them
        choices=[*choices("p1", "A", "B"), *choices("p2", "A", "B")],
        rankings=ranks("A", **(rank_a or {"p1": 1, "p2": 2})),
    )


def test_stable_roster_passes() -> None:
    """Tests that giving A to its preferred p1 and B to p2 has no blocking pair."""
    inst = make()
    report = assert_compliant(inst, policy(RULE), roster(inst, {"p1": "A", "p2": "B"}))
    assert report.blocking_pairs == 0


def test_swapped_roster_has_one_blocking_pair() -> None:
    """Tests that giving A to p2 lets p1 and A block: one violation of amount 1."""
    inst = make()
    ros = roster(inst, {"p1": "B", "p2": "A"})
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert v.message == ("p1 and post A block: p1 prefers A to B, and A holds someone its panel "
                         "ranks lower")
    assert (v.people, v.posts, v.amount, v.hard) == (("p1",), ("A",), 1, False)
    report = run_check(inst, policy(RULE), ros)
    assert report.blocking_pairs == 1 and report.stages["blocking_pairs"] == 1


def test_free_place_blocks() -> None:
    """Tests that an applicant left out while a wanted post has a free place is one block."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {"p1": "A"}), RULE)
    assert v.message == "p2 and post B block: p2 prefers B to no post, and B has a free place"


def test_tied_applicants_do_not_block() -> None:
    """Tests that with p1 and p2 tied at A the swapped roster is weakly stable."""
    inst = make({"p1": 1, "p2": 1})
    assert_compliant(inst, policy(RULE), roster(inst, {"p1": "B", "p2": "A"}))


def tenure_instance() -> Instance:
    return instance(
        [county(), township()],
        [post("A", "T")],
        [person("q", current_post="A"), person("p1")],  # q did not apply
        choices=choices("p1", "A"),
    )


def test_tenure_protects_a_non_applicant_under_continuity() -> None:
    """Tests that with continuity on, a non-applicant's tenure at A beats applicant p1."""
    inst = tenure_instance()
    with_continuity = Policy(name="tenure", rules={"stability": {}, "continuity": {}})
    assert_compliant(inst, with_continuity, roster(inst, {"q": "A"}))


def test_without_continuity_the_holder_is_unranked() -> None:
    """Tests that without continuity the non-applicant holder is unranked, so p1 blocks."""
    inst = tenure_instance()
    v = only_violation(inst, policy(RULE), roster(inst, {"q": "A"}), RULE)
    assert (v.people, v.posts) == (("p1",), ("A",))


def test_pairs_a_hard_rule_forbids_do_not_block() -> None:
    """Tests that a post a hard rule forbids the applicant is no blocking pair."""
    inst = instance(
        [county(), township()],
        [post("H-A", "H"), post("B", "T")],
        [person("p1", promotion_candidate=True, grassroots_months=0)],
        choices=choices("p1", "H-A", "B"),
    )
    both = Policy(name="rotation", rules={"stability": {}, "rotation_before_senior": {}})
    assert_compliant(inst, both, roster(inst, {"p1": "B"}))
    assert only_violation(inst, policy(RULE), roster(inst, {"p1": "B"}), RULE).posts == ("H-A",)


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming stability when it is hard."""
    inst = make()
    result = check_cli(tmp_path, inst, roster(inst, {"p1": "B", "p2": "A"}), RULE, hard=True)
    assert result.exit_code == 1, result.output
    assert RULE in result.output
    assert "p1 and post A block: p1 prefers A to B" in result.output


@st.composite
def tiny_markets(draw: st.DrawFn) -> tuple[Instance, Policy]:
    """2-3 posts of 1-3 places (some with a hard floor), 2-4 people, incumbents among them
    (tenure when they did not apply), up to 3 choices each, panel ties; soft stability."""
    post_ids = [f"P{j}" for j in range(draw(st.integers(2, 3)))]
    posts = []
    for post_id in post_ids:
        places = draw(st.integers(1, 3))
        posts.append(post(post_id, "H", places=places, floor=draw(st.integers(0, 1))))
    people, chosen_by = [], {}
    for i in range(draw(st.integers(2, 4))):
        current = draw(st.none() | st.sampled_from(post_ids))
        people.append(person(f"p{i}", current_post=current, new_recruit=current is None))
        chosen = draw(st.lists(st.sampled_from(post_ids), unique=True, max_size=3,
                               min_size=0 if current is not None else 1))
        if chosen:
            chosen_by[f"p{i}"] = chosen
    rankings = []
    for post_id in post_ids:
        applicants = [p for p, chosen in chosen_by.items() if post_id in chosen]
        rankings += ranks(post_id, **{p: draw(st.integers(1, 2)) for p in applicants})
    inst = instance([county(headcount_county=50)], posts, people,
                    choices=[c for p, chosen in chosen_by.items() for c in choices(p, *chosen)],
                    rankings=rankings)
    rules = Policy.model_validate({"name": "test", "objective": ["blocking_pairs"], "rules": {
        "stability": {}, "min_staffing": {"hard": True},
        "continuity": {"directed_scope": draw(st.sampled_from(["none", "area"]))}}})
    return inst, rules


def _fewest_blocking_pairs(inst: Instance, rules: Policy, model: AllocationModel) -> int | None:
    """The fewest blocking pairs (checker's count) over every roster of the model's pairs that
    meets the hard rules; None when none does."""
    options = [[None, *(inst.arrays.post_ids[j] for j in model.pairs.post[model.person_pairs(i)])]
               for i in range(len(inst.staff))]
    best = None
    for outcome in itertools.product(*options):
        placed = {p.id: post_id for p, post_id in zip(inst.staff, outcome)}
        report = run_check(inst, rules, roster(inst, placed))
        if report.ok:
            best = report.blocking_pairs if best is None else min(best, report.blocking_pairs)
    return best


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(market=tiny_markets())
def test_emitted_blocking_pairs_are_the_checkers_count(market: tuple[Instance, Policy]) -> None:
    """Tests that minimising the emitted blocking-pair count reaches the fewest blocking pairs
    of any roster meeting the hard rules (brute force), and that the count at the optimum is
    the checker's count on the solver's roster."""
    inst, rules = market
    model = AllocationModel(inst, rules, build_pairs(inst, rules))
    model.emit_rules()
    model.model.minimize(sum(model.stage_terms(Stage.BLOCKING_PAIRS)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(model.model)
    reference = _fewest_blocking_pairs(inst, rules, model)
    if reference is None:
        assert status == cp_model.INFEASIBLE
        return
    assert status == cp_model.OPTIMAL
    assert round(solver.objective_value) == reference
    solution = list(solver.response_proto.solution)
    report = run_check(inst, rules, Roster(assignments=extract_assignments(model, solution)))
    assert report.ok
    assert report.blocking_pairs == reference
