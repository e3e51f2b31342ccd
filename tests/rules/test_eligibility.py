"""Tests that eligibility catches a person placed at a post whose requirements they miss."""

from __future__ import annotations

from pathlib import Path

from staffing.domain.instance import Instance
from tests.builders import (
    assert_compliant,
    check_cli,
    county,
    instance,
    only_violation,
    person,
    policy,
    post,
    roster,
    township,
)

RULE = "eligibility"


def make() -> Instance:
    return instance(
        [county(), township()],
        [post("T-GP", "T", places=2, licence="assistant_physician", min_title="junior",
              accepts="internal_medicine"),
         post("T-NUR", "T", discipline="nursing", licence="nurse"),
         post("H-SUR", "H", discipline="surgery", licence="physician", min_title="intermediate")],
        [person("D1"),
         person("I1", discipline="internal_medicine"),
         person("N1", discipline="nursing", licence="nurse"),
         person("S1", discipline="surgery", title="junior"),
         person("V1", licence="village_doctor", title="none", pool="off_establishment")],
    )


def test_eligible_roster_passes() -> None:
    """Tests that people meeting discipline (or an accepted one), licence and title pass."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, {"D1": "T-GP", "I1": "T-GP", "N1": "T-NUR"}))


def test_wrong_discipline_and_licence_is_one_violation() -> None:
    """Tests that a nurse at the GP post is one violation naming both shortfalls."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {"D1": "T-GP", "N1": "T-GP"}), RULE)
    assert (v.people, v.posts, v.amount, v.hard) == (("N1",), ("T-GP",), 1, True)
    assert v.message == (
        "N1 is not eligible for post T-GP: discipline nursing not accepted "
        "(accepts general_practice, internal_medicine); requires licence assistant_physician, "
        "holds nurse"
    )


def test_title_below_the_post_minimum_is_caught() -> None:
    """Tests that a junior surgeon at a post requiring intermediate title is caught."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {"S1": "H-SUR"}), RULE)
    assert (v.people, v.posts, v.amount) == (("S1",), ("H-SUR",), 1)
    assert "requires title intermediate, holds junior" in v.message


def test_licence_ladder_village_doctor_below_assistant_physician() -> None:
    """Tests that a village doctor does not meet an assistant-physician requirement."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {"V1": "T-GP"}), RULE)
    assert v.people == ("V1",)
    assert "requires licence assistant_physician, holds village_doctor" in v.message


def test_discipline_equivalents_parameter_widens_a_post() -> None:
    """Tests that discipline_equivalents lets a surgery post accept internal medicine."""
    inst = make()
    ros = roster(inst, {"I1": "H-SUR"})
    assert "title" in only_violation(inst, policy(RULE), ros, RULE).message  # title still short
    widened = policy(RULE, discipline_equivalents={"surgery": ["internal_medicine"]})
    v = only_violation(inst, widened, ros, RULE)
    assert "discipline" not in v.message


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming eligibility, and 0 on the eligible roster."""
    inst = make()
    bad = check_cli(tmp_path / "bad", inst, roster(inst, {"N1": "T-GP"}), RULE)
    assert bad.exit_code == 1, bad.output
    assert RULE in bad.output and "N1 is not eligible for post T-GP" in bad.output
    good = check_cli(tmp_path / "good", inst, roster(inst, {"N1": "T-NUR"}), RULE)
    assert good.exit_code == 0, good.output
    assert "all hard rules hold" in good.output
