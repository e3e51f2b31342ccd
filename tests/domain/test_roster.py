"""Tests that assignments built from trusted values are the assignments validation builds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from staffing.domain.enums import Pool
from staffing.domain.roster import Assignment, Roster, trusted_assignments

ROWS = [("p1", "P1", Pool.COUNTY), ("p2", None, None), ("p3", "P2", Pool.GRASSROOTS)]


def test_trusted_assignments_equal_validated_ones() -> None:
    """Tests that trusted assignments compare, dump and copy like validated ones."""
    trusted = trusted_assignments(ROWS)
    validated = [Assignment(person=p, post=j, pool=pool, tour_villages=[]) for p, j, pool in ROWS]
    assert trusted == validated
    assert [a.model_dump_json() for a in trusted] == [a.model_dump_json() for a in validated]
    assert [a.model_fields_set for a in trusted] == [a.model_fields_set for a in validated]
    assert trusted[0].model_copy(update={"post": "P9"}).post == "P9"
    assert Roster(assignments=trusted).holders == {"P1": ["p1"], "P2": ["p3"]}


def test_trusted_assignments_stay_frozen() -> None:
    """Tests that a trusted assignment refuses changes as a validated one does."""
    with pytest.raises(ValidationError):
        trusted_assignments(ROWS)[0].post = "P9"  # type: ignore[misc]
