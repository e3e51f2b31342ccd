"""Tests that the minimum-staffing rule catches posts and institutions below their floor."""

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

RULE = "min_staffing"


def make(institution_floor: int = 0) -> Instance:
    return instance(
        [county(), township(floor=institution_floor)],
        [post("T-GP", "T", places=3, floor=2), post("T-PH", "T", places=2)],
        [person("D1"), person("D2"), person("D3")],
    )


def test_floors_met_pass() -> None:
    """Tests that a post holding its floor and an institution holding its floor pass."""
    inst = make(institution_floor=3)
    assert_compliant(inst, policy(RULE), roster(inst, {"D1": "T-GP", "D2": "T-GP", "D3": "T-PH"}))


def test_post_below_floor_is_one_soft_violation() -> None:
    """Tests that a post one below its floor is one soft violation of amount 1."""
    inst = make()
    ros = roster(inst, {"D1": "T-GP", "D2": "T-PH"})
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert (v.posts, v.amount, v.hard) == (("T-GP",), 1, False)
    assert v.numbers == {"held": 1, "floor": 2}
    assert v.message == "post T-GP holds 1, below its floor of 2"
    assert run_check(inst, policy(RULE), ros).stages["soft_floors"] == 1


def test_institution_below_floor_is_one_violation() -> None:
    """Tests that an institution two below its floor is one violation of amount 2."""
    inst = make(institution_floor=3)
    v = only_violation(inst, policy(RULE), roster(inst, {"D1": "T-GP", "D2": "T-GP"}), RULE)
    assert v.message == "institution T has 2 staff, below its floor of 3"
    assert (v.institutions, v.amount, v.numbers) == (("T",), 1, {"held": 2, "floor": 3})


def test_hard_floor_is_a_hard_violation() -> None:
    """Tests that with hard: true the same shortfall is a hard violation."""
    inst = make()
    v = only_violation(inst, policy(RULE, hard=True), roster(inst, {"D1": "T-GP"}), RULE)
    assert v.hard and v.amount == 1


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming min_staffing when its floor is hard."""
    inst = make()
    ros = roster(inst, {"D1": "T-GP"})
    hard = check_cli(tmp_path / "hard", inst, ros, RULE, hard=True)
    assert hard.exit_code == 1, hard.output
    assert RULE in hard.output and "post T-GP holds 1, below its floor of 2" in hard.output
    soft = check_cli(tmp_path / "soft", inst, ros, RULE)
    assert soft.exit_code == 0, soft.output
    assert "post T-GP holds 1, below its floor of 2" in soft.output
