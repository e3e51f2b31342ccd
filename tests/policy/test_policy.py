"""Tests that a policy's copies carry rules and a hash that match their content."""

from __future__ import annotations

import pytest

from staffing.errors import StaffingError
from staffing.policy import Policy


def test_an_updated_copy_rebuilds_its_rules_and_hash() -> None:
    """Tests that model_copy(update=...) validates and rebuilds the rule objects and hash."""
    policy = Policy.default()
    before = policy.hash()
    fewer = policy.model_copy(update={"rules": {"eligibility": {}, "capacity": {}}})
    assert {rule.name for rule in fewer.rule_objects()} == set(fewer.rules)
    assert fewer.rule("stability") is None and policy.rule("stability") is not None
    assert fewer.hash() != before and policy.hash() == before


def test_an_updated_copy_is_validated() -> None:
    """Tests that an update naming an unknown rule is refused as a policy load would be."""
    with pytest.raises((StaffingError, ValueError)):
        Policy.default().model_copy(update={"rules": {"no_such_rule": {}}})


def test_a_plain_copy_keeps_everything() -> None:
    """Tests that a copy without an update equals the original, rules and hash included."""
    policy = Policy.default()
    copy = policy.model_copy()
    assert copy == policy and copy.hash() == policy.hash()
    assert [r.name for r in copy.rule_objects()] == [r.name for r in policy.rule_objects()]
