"""Tests that rotation before senior keeps candidates without a grassroots year at grassroots."""

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
    village,
)

RULE = "rotation_before_senior"


def make() -> Instance:
    return instance(
        [county(), township(), village("V1")],
        [post("H-IM", "H", discipline="internal_medicine", places=2),
         post("T-GP", "T", accepts="internal_medicine", places=2),
         post("V1-DOC", "V1", accepts="internal_medicine")],
        [person("C1", discipline="internal_medicine", pool="county", promotion_candidate=True,
                grassroots_months=6),
         person("C2", discipline="internal_medicine", pool="county", promotion_candidate=True,
                grassroots_months=12),
         person("C3", discipline="internal_medicine", pool="county", grassroots_months=0)],
    )


def test_candidates_at_grassroots_pass() -> None:
    """Tests that a short candidate at township, a served one and a non-candidate at county pass."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, {"C1": "T-GP", "C2": "H-IM", "C3": "H-IM"}))
    assert_compliant(inst, policy(RULE), roster(inst, {"C1": "V1-DOC", "C2": "H-IM"}))


def test_candidate_kept_at_county_is_one_violation() -> None:
    """Tests that a candidate with 6 of 12 months placed at the county hospital is caught."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {"C1": "H-IM", "C2": "H-IM"}), RULE)
    assert v.message == ("C1 is a promotion candidate with 6 of the 12 grassroots months "
                         "required, so may not hold H-IM (county tier) this cycle")
    assert (v.people, v.posts, v.amount, v.hard) == (("C1",), ("H-IM",), 1, True)


def test_candidate_left_without_post_is_one_violation() -> None:
    """Tests that a candidate who must rotate but holds no post is caught."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {"C2": "H-IM"}), RULE)
    assert v.message == ("C1 is a promotion candidate with 6 grassroots months and must be placed "
                         "at township or village tier, but holds no post")
    assert (v.people, v.posts) == (("C1",), ())


def test_parameters_set_months_and_tiers() -> None:
    """Tests that min_months 18 binds the 12-month candidate and tiers can exclude villages."""
    inst = make()
    ros = roster(inst, {"C1": "T-GP", "C2": "H-IM"})
    assert only_violation(inst, policy(RULE, min_months=18), ros, RULE).people == ("C2",)
    village_ros = roster(inst, {"C1": "V1-DOC", "C2": "H-IM"})
    v = only_violation(inst, policy(RULE, tiers=["township"]), village_ros, RULE)
    assert v.posts == ("V1-DOC",) and "(village tier)" in v.message


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming rotation_before_senior."""
    inst = make()
    result = check_cli(tmp_path, inst, roster(inst, {"C1": "H-IM", "C2": "H-IM"}), RULE)
    assert result.exit_code == 1, result.output
    assert RULE in result.output
    assert "C1 is a promotion candidate with 6 of the 12 grassroots months" in result.output
