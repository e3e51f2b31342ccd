"""Tests that county-hired township-used catches too few new physicians county-hired at township."""

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
)

RULE = "county_hired_township_used"
RECRUITS = ["R1", "R2", "R3", "R4", "R5"]


def make() -> Instance:
    """Five new physicians, a new nurse and a sixth physician left unplaced."""
    return instance(
        [county(), township()],
        [post("T-GP", "T", places=10), post("H-GP", "H", places=5),
         post("T-NUR", "T", discipline="nursing", licence="nurse")],
        [*(person(r, new_recruit=True) for r in RECRUITS),
         person("R6", new_recruit=True),
         person("RN", discipline="nursing", licence="nurse", new_recruit=True)],
    )


def placed(*township_pools: str) -> dict[str, tuple[str, str]]:
    """R1.. at the township centre with the given pools; R5 at the county hospital."""
    out = {r: ("T-GP", pool) for r, pool in zip(RECRUITS, township_pools)}
    out["R5"] = ("H-GP", "county")
    out["RN"] = ("T-NUR", "grassroots")  # not a physician: not counted
    return out


def test_eighty_percent_passes() -> None:
    """Tests that 4 of 5 placed new physicians county-hired at township (80%) pass."""
    inst = make()
    ros = roster(inst, placed("county", "county", "county", "county"))
    assert_compliant(inst, policy(RULE), ros)


def test_one_short_is_one_violation() -> None:
    """Tests that 3 of 5 (one grassroots-hired, one at county) is one short of 4."""
    inst = make()
    ros = roster(inst, placed("county", "county", "county", "grassroots"))
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert v.message == ("3 of 5 new physician recruits are county-hired and placed at township "
                         "tier; at least 4 (80%) are required")
    assert (v.people, v.amount, v.hard) == (("R4", "R5"), 1, True)
    assert v.numbers == {"recruits": 5, "county_hired_township_used": 3}


def test_soft_shortfall_counts_in_the_soft_floor_stage() -> None:
    """Tests that with hard: false (Chongqing) the shortfall of 1 is counted as a soft floor."""
    inst = make()
    ros = roster(inst, placed("county", "county", "county", "grassroots"))
    report = run_check(inst, policy(RULE, hard=False), ros)
    assert report.ok and [v.hard for v in report.violations] == [False]
    assert report.stages["soft_floors"] == 1


def test_min_share_parameter() -> None:
    """Tests that min_share 0.6 accepts 3 of 5 and min_share 1.0 needs all 5."""
    inst = make()
    ros = roster(inst, placed("county", "county", "county", "grassroots"))
    assert_compliant(inst, policy(RULE, min_share=0.6), ros)
    assert only_violation(inst, policy(RULE, min_share=1.0), ros, RULE).amount == 2


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming county_hired_township_used."""
    inst = make()
    ros = roster(inst, placed("county", "county", "county", "grassroots"))
    result = check_cli(tmp_path, inst, ros, RULE)
    assert result.exit_code == 1, result.output
    assert RULE in result.output
    assert "3 of 5 new physician recruits are county-hired" in result.output
