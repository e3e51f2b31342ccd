"""Tests that city dispatch catches city-sent staff unplaced or placed outside the allowed tiers."""

from __future__ import annotations

from pathlib import Path

from staffing.domain.instance import Instance
from staffing.rules.city_dispatch import CityDispatch
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

RULE = "city_dispatch"


def make(title: str = "intermediate", months: int = 12) -> Instance:
    return instance(
        [county(), township(), village("V1")],
        [post("H-GP", "H"), post("T-GP", "T"), post("V1-DOC", "V1")],
        [person("X1", title=title, city_dispatched=True, dispatch_months=months)],
    )


def test_dispatched_staff_placed_at_county_or_township_pass() -> None:
    """Tests that a dispatched doctor at the township centre or the county hospital passes."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, {"X1": "T-GP"}))
    assert_compliant(inst, policy(RULE), roster(inst, {"X1": "H-GP"}))


def test_dispatched_at_a_village_is_one_violation() -> None:
    """Tests that a dispatched doctor at a village clinic is caught."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {"X1": "V1-DOC"}), RULE)
    assert v.message == ("X1 is dispatched by a city hospital and may only hold "
                         "county/township-tier posts, not V1-DOC")
    assert (v.people, v.posts, v.amount, v.hard) == (("X1",), ("V1-DOC",), 1, True)


def test_dispatched_without_post_is_one_violation() -> None:
    """Tests that a dispatched doctor left without a post is caught."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {}), RULE)
    assert v.message == "city-dispatched X1 holds no post"
    assert v.people == ("X1",)


def test_tiers_parameter() -> None:
    """Tests that tiers [township] forbids the county hospital."""
    inst = make()
    v = only_violation(inst, policy(RULE, tiers=["township"]), roster(inst, {"X1": "H-GP"}), RULE)
    assert v.posts == ("H-GP",)


def test_instance_check_of_title_and_months() -> None:
    """Tests that a junior dispatched for 6 months gives two located input problems."""
    inst = make(title="junior", months=6)
    problems = CityDispatch(CityDispatch.Params()).validate_instance(inst)
    assert [(p.column, p.value, p.expected) for p in problems] == [
        ("title", "junior", "intermediate or above"),
        ("dispatch_months", 6, "at least 12 months"),
    ]
    assert all(p.severity == "error" and p.row == 2 for p in problems)


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming city_dispatch."""
    inst = make()
    result = check_cli(tmp_path, inst, roster(inst, {"X1": "V1-DOC"}), RULE)
    assert result.exit_code == 1, result.output
    assert RULE in result.output
    assert "X1 is dispatched by a city hospital and may only hold" in result.output
