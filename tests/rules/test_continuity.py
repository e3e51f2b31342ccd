"""Tests that continuity catches a person who did not apply yet was moved."""

from __future__ import annotations

from pathlib import Path

from staffing.domain.instance import Instance
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
    roster,
    run_check,
    township,
)

RULE = "continuity"


def make() -> Instance:
    return instance(
        [county(), township()],
        [post("T-GP", "T", places=2), post("T-OPD", "T", places=2)],
        [person("S1", current_post="T-GP"),  # did not apply: stays
         person("A1", current_post="T-GP"),  # applied to the outpatient post
         person("R1", new_recruit=True)],
        choices=[*choices("A1", "T-OPD"), *choices("R1", "T-GP")],
    )


def test_non_applicant_staying_passes() -> None:
    """Tests that a non-applicant at the current post passes while an applicant moves."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, {"S1": "T-GP", "A1": "T-OPD", "R1": "T-GP"}))


def test_moved_non_applicant_is_one_soft_violation() -> None:
    """Tests that moving a non-applicant is one soft violation counted in the continuity stage."""
    inst = make()
    ros = roster(inst, {"S1": "T-OPD", "A1": "T-OPD", "R1": "T-GP"})
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert v.message == "S1 did not apply but was moved from T-GP to T-OPD"
    assert (v.people, v.amount, v.hard) == (("S1",), 1, False)
    assert run_check(inst, policy(RULE), ros).stages["continuity"] == 1


def test_non_applicant_left_without_post() -> None:
    """Tests that a non-applicant removed from every post is caught."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {"A1": "T-GP"}), RULE)
    assert v.message == "S1 did not apply but was moved from T-GP to no post"


def test_hard_continuity() -> None:
    """Tests that with hard: true the move is a hard violation."""
    inst = make()
    v = only_violation(inst, policy(RULE, hard=True), roster(inst, {"S1": "T-OPD"}), RULE)
    assert v.hard


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming continuity when it is hard."""
    inst = make()
    result = check_cli(tmp_path, inst, roster(inst, {"S1": "T-OPD", "A1": "T-OPD"}), RULE,
                       hard=True)
    assert result.exit_code == 1, result.output
    assert RULE in result.output
    assert "S1 did not apply but was moved from T-GP to T-OPD" in result.output
