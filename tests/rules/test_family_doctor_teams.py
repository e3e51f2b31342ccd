"""Tests that family-doctor teams catch a centre short of a team role for its required teams."""

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
    run_check,
    township,
    village,
)

RULE = "family_doctor_teams"


def make() -> Instance:
    """A centre that must form 2 teams, with team posts at the centre and one at its village."""
    return instance(
        [county(), township(fd_teams=2), village("V1")],
        [post("T-GP", "T", team_role="gp", places=3),
         post("T-NUR", "T", discipline="nursing", licence="nurse", team_role="nurse", places=3),
         post("T-PH", "T", discipline="public_health", team_role="public_health", places=3),
         post("V1-GP", "V1", team_role="gp"),
         post("T-OPD", "T", places=3)],
        [person("G1"), person("G2"), person("G3"),
         person("N1", discipline="nursing", licence="nurse"),
         person("N2", discipline="nursing", licence="nurse"),
         person("P1", discipline="public_health", licence="none"),
         person("P2", discipline="public_health", licence="none")],
    )


TEAMS = {"G1": "T-GP", "G2": "V1-GP", "N1": "T-NUR", "N2": "T-NUR", "P1": "T-PH", "P2": "T-PH"}


def test_two_full_teams_pass() -> None:
    """Tests that 2 GPs (one at the village), 2 nurses and 2 public-health staff pass."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, TEAMS))


def test_missing_nurse_is_one_violation() -> None:
    """Tests that one nurse for two teams is one violation of amount 1."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {**TEAMS, "N2": None}), RULE)
    assert v.message == "T must form 2 family-doctor teams and has 1 nurse staff of 2 needed"
    assert (v.institutions, v.amount, v.hard) == (("T",), 1, True)
    assert v.numbers == {"teams": 2, "role": "nurse", "have": 1, "needed": 2}


def test_people_off_team_posts_do_not_count() -> None:
    """Tests that a GP at an outpatient post does not fill a team's GP role."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {**TEAMS, "G2": "T-OPD"}), RULE)
    assert v.numbers == {"teams": 2, "role": "gp", "have": 1, "needed": 2}


def test_village_staff_count_only_with_include_villages() -> None:
    """Tests that the village GP counts for the centre's teams only with include_villages."""
    inst = make()
    v = only_violation(inst, policy(RULE, include_villages=False), roster(inst, TEAMS), RULE)
    assert v.numbers["role"] == "gp" and v.amount == 1


def test_luohu_composition_needs_a_health_manager() -> None:
    """Tests that a composition with a health manager finds 0 of 2 when there is none."""
    inst = make()
    luohu = policy(RULE, hard=False,
                   composition={"gp": 1, "nurse": 1, "public_health": 1, "health_manager": 1})
    v = only_violation(inst, luohu, roster(inst, TEAMS), RULE)
    assert (v.amount, v.hard) == (2, False)
    assert v.numbers == {"teams": 2, "role": "health_manager", "have": 0, "needed": 2}
    assert run_check(inst, luohu, roster(inst, TEAMS)).stages["soft_floors"] == 2


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming family_doctor_teams."""
    inst = make()
    result = check_cli(tmp_path, inst, roster(inst, {**TEAMS, "N2": None}), RULE)
    assert result.exit_code == 1, result.output
    assert RULE in result.output
    assert "T must form 2 family-doctor teams and has 1 nurse staff of 2 needed" in result.output
