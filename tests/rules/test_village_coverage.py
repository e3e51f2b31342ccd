"""Tests that village coverage catches villages without a resident doctor or a valid tour."""

from __future__ import annotations

from pathlib import Path

import pytest

from staffing.domain.instance import Instance
from tests.builders import (
    all_violations,
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
    village,
)

RULE = "village_coverage"


def make() -> Instance:
    """V1, V3, V4 are small and near (tourable); V2 is large and far."""
    return instance(
        [county(), township(),
         village("V1", population=600, distance_km=2.0),
         village("V2", population=1500, distance_km=8.0),
         village("V3", population=500, distance_km=3.0),
         village("V4", population=700, distance_km=1.0)],
        [post("H-GP", "H"), post("T-GP", "T", places=3), post("T-NUR", "T", discipline="nursing"),
         post("V2-DOC", "V2", licence="village_doctor")],
        [person("D1"), person("D2"),
         person("N1", discipline="nursing", licence="nurse"),
         person("VD", licence="village_doctor", title="none", pool="off_establishment")],
    )


COVERED = {"D1": "T-GP", "VD": "V2-DOC", "N1": "T-NUR"}
TOURS = {"D1": ["V1", "V3", "V4"]}


def test_resident_doctor_and_tours_pass() -> None:
    """Tests that a resident village doctor and one township doctor touring three villages pass."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, COVERED, TOURS))


def test_village_with_nobody_is_one_violation() -> None:
    """Tests that a large village left without its village doctor is one violation."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {**COVERED, "VD": None}, TOURS), RULE)
    assert v.message == "village V2 (population 1500) has no licensed doctor and no tour doctor"
    assert (v.institutions, v.people, v.amount, v.hard) == (("V2",), (), 1, True)
    assert v.numbers == {"population": 1500, "distance_km": 8.0}


def test_large_far_village_cannot_be_toured() -> None:
    """Tests that touring a village of 1,500 residents 8 km away does not cover it."""
    inst = make()
    ros = roster(inst, {**COVERED, "VD": None, "D2": "T-GP"},
                 {"D1": ["V1", "V3", "V4"], "D2": ["V2"]})
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert v.people == ("D2",) and v.institutions == ("V2",)
    assert "is toured by D2 but is not eligible for tours" in v.message
    assert "fewer than 800 residents and at most 5.0 km" in v.message


def test_tour_by_a_nurse_does_not_cover() -> None:
    """Tests that a nurse at the township centre cannot be a village's tour doctor."""
    inst = make()
    v = only_violation(inst, policy(RULE),
                       roster(inst, COVERED, {"D1": ["V1", "V3"], "N1": ["V4"]}), RULE)
    assert v.message == ("village V4 (population 700) is toured by N1, who is not a licensed "
                         "(assistant) physician")
    assert v.people == ("N1",)


def test_tour_doctor_placed_elsewhere_does_not_cover() -> None:
    """Tests that a doctor placed at the county hospital cannot tour the township's villages."""
    inst = make()
    ros = roster(inst, {**COVERED, "D2": "H-GP"}, {"D1": ["V1", "V3"], "D2": ["V4"]})
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert v.message == ("village V4 (population 700) is toured by D2, who is not placed at its "
                         "township centre T")


def test_tour_cap_per_doctor() -> None:
    """Tests that one doctor touring three villages under a cap of two is one violation of 1."""
    inst = make()
    v = only_violation(inst, policy(RULE, tour_max_villages=2), roster(inst, COVERED, TOURS), RULE)
    assert v.message == "tour doctor D1 covers 3 village(s), more than the 2 allowed"
    assert (v.people, v.institutions, v.amount) == (("D1",), ("V1", "V3", "V4"), 1)


def test_no_tours_allowed_when_cap_is_zero() -> None:
    """Tests that with tour_max_villages 0 (Guangdong) no tour covers a village."""
    inst = make()
    ros = roster(inst, COVERED, {"D1": ["V1"]})
    messages = sorted(v.message for v in all_violations(inst, policy(RULE, tour_max_villages=0),
                                                         ros))
    assert messages == [
        "tour doctor D1 covers 1 village(s), more than the 0 allowed",
        "village V1 (population 600) is toured by D1, but the policy allows no tours",
        "village V3 (population 500) has no licensed doctor and no tour doctor",
        "village V4 (population 700) has no licensed doctor and no tour doctor",
    ]


@pytest.mark.parametrize(("population", "distance", "tourable"),
                         [(799, 5.0, True), (800, 1.0, False), (100, 5.1, False)])
def test_tour_exemption_thresholds(population: int, distance: float, tourable: bool) -> None:
    """Tests that tours need fewer than 800 residents and at most 5 km, exactly at the bounds."""
    inst = instance([county(), township(), village("V1", population=population,
                                                    distance_km=distance)],
                    [post("T-GP", "T")], [person("D1")])
    ros = roster(inst, {"D1": "T-GP"}, {"D1": ["V1"]})
    if tourable:
        assert_compliant(inst, policy(RULE), ros)
    else:
        assert "not eligible for tours" in only_violation(inst, policy(RULE), ros, RULE).message


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming village_coverage for an uncovered village."""
    inst = make()
    bad = check_cli(tmp_path / "bad", inst, roster(inst, {**COVERED, "VD": None}, TOURS), RULE)
    assert bad.exit_code == 1, bad.output
    assert RULE in bad.output
    assert "village V2 (population 1500) has no licensed doctor and no tour doctor" in bad.output
    good = check_cli(tmp_path / "good", inst, roster(inst, COVERED, TOURS), RULE)
    assert good.exit_code == 0, good.output
