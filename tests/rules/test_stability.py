"""Tests that stability finds blocking pairs of the two-way selection, with ties and tenure."""

from __future__ import annotations

from pathlib import Path

from staffing.domain.instance import Instance
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
