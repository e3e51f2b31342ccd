"""Tests that headcount pools catch quotas exceeded and people charged to the wrong pool."""

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

RULE = "headcount_pools"


def make(county_quota: int = 2, grassroots_quota: int = 2) -> Instance:
    """County quota on the hospital, grassroots quota on the centre, one contract place."""
    return instance(
        [county(headcount_county=county_quota),
         township(headcount_grassroots=grassroots_quota, contract_places=1)],
        [post("H-GP", "H", places=3), post("T-GP", "T", places=4)],
        [person("C1", pool="county", current_post="H-GP"),
         person("C2", pool="county", current_post="H-GP"),
         person("G1", pool="grassroots", current_post="T-GP"),
         person("R1", new_recruit=True),
         person("X1", title="intermediate", city_dispatched=True, dispatch_months=12)],
    )


BASE = {"C1": "H-GP", "C2": "H-GP", "G1": "T-GP", "X1": "H-GP"}


def test_within_quotas_passes() -> None:
    """Tests that incumbents in their pools and a recruit charged to a pool with room pass."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, {**BASE, "R1": ("T-GP", "grassroots")}))


def test_unplaced_recruit_uses_no_pool() -> None:
    """Tests that a recruit left without a post is charged to no pool and breaks nothing."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, BASE))


def test_pool_over_quota_is_one_violation() -> None:
    """Tests that a recruit charged to the full county pool is one violation of amount 1."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {**BASE, "R1": ("T-GP", "county")}), RULE)
    assert v.message == "the county pool charges 3 people, quota 2"
    assert (v.amount, v.hard, v.numbers) == (1, True, {"charged": 3, "quota": 2})


def test_pool_is_independent_of_workplace() -> None:
    """Tests that an unplaced incumbent still holds county headcount wherever the others work."""
    inst = make()
    ros = roster(inst, {"C2": "T-GP", "G1": "T-GP", "R1": ("T-GP", "county"), "X1": "H-GP"})
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert v.numbers == {"charged": 3, "quota": 2}


def test_incumbent_charged_to_another_pool() -> None:
    """Tests that an incumbent charged to a pool other than the one held is caught."""
    inst = make(county_quota=5)
    v = only_violation(inst, policy(RULE), roster(inst, {**BASE, "G1": ("T-GP", "county")}), RULE)
    assert v.message == "G1 is charged to the county pool; allowed: grassroots"
    assert (v.people, v.amount) == (("G1",), 1)


def test_placed_recruit_without_pool() -> None:
    """Tests that a placed recruit charged to no pool is caught."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {**BASE, "R1": ("T-GP", None)}), RULE)
    assert v.message == "R1 holds a post but is charged to no pool"
    assert v.people == ("R1",)


def test_recruit_pools_parameter() -> None:
    """Tests that off-establishment hiring of a recruit needs recruit_pools to allow it."""
    inst = make()
    ros = roster(inst, {**BASE, "R1": ("T-GP", "off_establishment")})
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert v.message == "R1 is charged to the off_establishment pool; allowed: county, grassroots"
    widened = policy(RULE, recruit_pools=["county", "grassroots", "off_establishment"])
    assert_compliant(inst, widened, ros)


def test_dispatched_staff_use_no_pool() -> None:
    """Tests that city-dispatched staff charged to a pool are caught."""
    inst = make(county_quota=5)
    v = only_violation(inst, policy(RULE), roster(inst, {**BASE, "X1": ("H-GP", "county")}), RULE)
    assert v.message == "X1 is charged to the county pool; allowed: no pool"


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming headcount_pools for an exceeded quota."""
    inst = make()
    result = check_cli(tmp_path, inst, roster(inst, {**BASE, "R1": ("T-GP", "county")}), RULE)
    assert result.exit_code == 1, result.output
    assert RULE in result.output and "the county pool charges 3 people, quota 2" in result.output
