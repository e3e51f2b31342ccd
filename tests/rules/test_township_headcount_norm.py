"""Tests that the township headcount norm catches centres outside 1.2-1.7 per mille."""

from __future__ import annotations

from pathlib import Path

import pytest

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

RULE = "township_headcount_norm"
STAFF = [f"S{k}" for k in range(1, 10)]


def make() -> Instance:
    """Population 5,000: the norm is ceil(6.0) = 6 to floor(8.5) = 8 established staff."""
    return instance(
        [county(), township(population=5000), village("V1")],
        [post("T-GP", "T", places=12), post("V1-DOC", "V1")],
        [*(person(p) for p in STAFF), person("O1", pool="off_establishment"),
         person("C1", pool="county")],
    )


def at_centre(*people: str) -> dict[str, str]:
    return {p: "T-GP" for p in people}


def test_within_the_norm_passes() -> None:
    """Tests that 6 and 8 established staff, the two bounds, pass."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, at_centre(*STAFF[:6])))
    assert_compliant(inst, policy(RULE), roster(inst, at_centre(*STAFF[:8])))


def test_below_the_norm_is_one_violation() -> None:
    """Tests that 5 established staff (contract staff and villages do not count) is 1 short."""
    inst = make()
    ros = roster(inst, {**at_centre(*STAFF[:5], "O1"), "S6": "V1-DOC"})
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert v.message == ("township T has 5 established staff, below the norm 6-8 "
                         "(population 5000)")
    assert (v.institutions, v.amount, v.hard) == (("T",), 1, False)
    assert v.numbers == {"count": 5, "low": 6, "high": 8, "population": 5000}


def test_above_the_norm_is_one_violation() -> None:
    """Tests that 9 established staff is one above the norm."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, at_centre(*STAFF)), RULE)
    assert v.message == ("township T has 9 established staff, above the norm 6-8 "
                         "(population 5000)")
    assert v.amount == 1


def test_county_hired_staff_count_where_they_work() -> None:
    """Tests that a county-pool person placed at the centre counts toward its norm."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, at_centre(*STAFF[:5], "C1")))


@pytest.mark.parametrize(("low", "high", "count", "amount"),
                         [(1.5, 1.7, 7, 1), (1.0, None, 4, 1), (1.0, 1.2, 7, 1)])
def test_parameters_move_the_bounds(low: float, high: float | None, count: int,
                                    amount: int) -> None:
    """Tests that min_per_mille and max_per_mille set the bounds (ceil and floor)."""
    inst = make()
    ros = roster(inst, at_centre(*STAFF[:count]))
    v = only_violation(inst, policy(RULE, min_per_mille=low, max_per_mille=high), ros, RULE)
    assert v.amount == amount


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming the norm when it is hard."""
    inst = make()
    result = check_cli(tmp_path, inst, roster(inst, at_centre(*STAFF)), RULE, hard=True)
    assert result.exit_code == 1, result.output
    assert RULE in result.output
    assert "township T has 9 established staff, above the norm 6-8" in result.output
