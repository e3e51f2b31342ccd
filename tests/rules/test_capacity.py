"""Tests that the capacity rule catches a post holding more people than its places."""

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

RULE = "capacity"


def make() -> Instance:
    return instance(
        [county(), township()],
        [post("T-GP", "T", places=1), post("T-GP2", "T", places=2)],
        [person("D1"), person("D2"), person("D3"), person("D4")],
    )


def test_within_places_passes() -> None:
    """Tests that posts holding at most their places pass."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, {"D1": "T-GP", "D2": "T-GP2", "D3": "T-GP2"}))


def test_one_person_too_many_is_one_violation() -> None:
    """Tests that two people at a one-place post is one violation of amount 1."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, {"D1": "T-GP", "D2": "T-GP"}), RULE)
    assert (v.people, v.posts, v.amount, v.hard) == (("D1", "D2"), ("T-GP",), 1, True)
    assert v.numbers == {"held": 2, "places": 1}
    assert v.message == "post T-GP holds 2 people but has 1 places"


def test_amount_counts_every_extra_person() -> None:
    """Tests that four people at a two-place post is one violation of amount 2."""
    inst = make()
    ros = roster(inst, {p: "T-GP2" for p in ("D1", "D2", "D3", "D4")})
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert (v.amount, v.numbers) == (2, {"held": 4, "places": 2})


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming capacity for an over-full post."""
    inst = make()
    result = check_cli(tmp_path, inst, roster(inst, {"D1": "T-GP", "D2": "T-GP"}), RULE)
    assert result.exit_code == 1, result.output
    assert RULE in result.output and "post T-GP holds 2 people but has 1 places" in result.output
