"""Tests that the slack-zero test names exactly the rule instances a roster sits at, checked
against counts made by hand from the roster."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.check import check
from staffing.domain.instance import Instance
from staffing.policy import Policy
from staffing.scenarios.binding import binding_rules
from tests.builders import choices, county, instance, person, post, roster, township


def make(county_quota: int, grassroots_quota: int, h_places: int, t_places: int) -> Instance:
    """Two county incumbents at H, one grassroots incumbent at T, a recruit choosing T."""
    return instance(
        [county(headcount_county=county_quota),
         township(headcount_grassroots=grassroots_quota, contract_places=1)],
        [post("H-GP", "H", places=h_places), post("T-GP", "T", places=t_places)],
        [person("C1", pool="county", current_post="H-GP"),
         person("C2", pool="county", current_post="H-GP"),
         person("G1", pool="grassroots", current_post="T-GP"),
         person("R1", new_recruit=True)],
        choices("R1", "T-GP"),
    )


POLICY = Policy(name="pools", rules={"headcount_pools": {}})


@settings(max_examples=25, deadline=None)
@given(county_quota=st.integers(2, 4), grassroots_quota=st.integers(2, 4),
       h_places=st.integers(2, 4), t_places=st.integers(2, 4))
def test_binding_matches_counts_by_hand(county_quota: int, grassroots_quota: int,
                                        h_places: int, t_places: int) -> None:
    """Tests that a pool binds iff its people equal its quota, a post iff it is full."""
    inst = make(county_quota, grassroots_quota, h_places, t_places)
    ros = roster(inst, {"C1": "H-GP", "C2": "H-GP", "G1": "T-GP", "R1": ("T-GP", "grassroots")})
    assert check(inst, POLICY, ros).ok
    found = {b.rule: b for b in binding_rules(inst, POLICY, ros)}
    pools = found["headcount_pools"]
    expected_pools = {"county": 2 == county_quota, "grassroots": 2 == grassroots_quota}
    assert {name.split("[")[1].rstrip("]").split(", ")[-1]: slack == 0
            for name, slack in pools.slack.items()} == expected_pools
    assert pools.slack == {"headcount_pools[pool, county]": county_quota - 2,
                           "headcount_pools[pool, grassroots]": grassroots_quota - 2}
    # two candidates per post and at least two places: no capacity bound can ever be reached
    assert found["capacity"].instances == 0 and not found["capacity"].binds


def test_a_rule_with_room_everywhere_does_not_bind() -> None:
    """Tests that quotas above use are reported as not binding, in words."""
    inst = make(4, 4, 4, 4)
    ros = roster(inst, {"C1": "H-GP", "C2": "H-GP", "G1": "T-GP"})
    found = {b.rule: b for b in binding_rules(inst, POLICY, ros)}
    assert not found["headcount_pools"].binds
    assert "does not bind" in found["headcount_pools"].text()
