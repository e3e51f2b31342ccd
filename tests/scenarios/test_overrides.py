"""Tests that overrides by path change exactly what they name, relative forms included, and
that every bad path or value is reported where it was written, with what would be valid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import staffing
from staffing.errors import InputError, PolicyError
from staffing.scenarios.overrides import (
    Override,
    Value,
    Where,
    apply_to_instance,
    apply_to_policy,
    check_overrides,
    parse_assignment,
)
from tests.builders import MODELS

CHONGQING = next(m for m in MODELS if m.stem == "chongqing-2024")


@pytest.fixture(scope="module")
def chongqing() -> staffing.Policy:
    return staffing.load_policy(CHONGQING)


def test_policy_paths_change_rule_and_pay_parameters(chongqing: staffing.Policy) -> None:
    """Tests that rule, pay-rule and top-level paths set the named parameter and nothing else."""
    changed = apply_to_policy(chongqing, [
        Override.parse("rules.post_structure.senior_max_share", "0.10"),
        Override.parse("rules.rotation_before_senior.min_months", "18"),
        Override.parse("pay.rules.tier_ratio.target", "0.9"),
        Override.parse("max_choices", "+1"),
    ])
    assert changed.rules["post_structure"].senior_max_share == pytest.approx(0.10)
    assert changed.rules["rotation_before_senior"].min_months == 18
    assert changed.pay is not None and changed.pay.rules.tier_ratio is not None
    assert changed.pay.rules.tier_ratio.target == pytest.approx(0.9)
    assert changed.max_choices == chongqing.max_choices + 1
    assert changed.rules["post_structure"].intermediate_min_share == \
        chongqing.rules["post_structure"].intermediate_min_share
    assert chongqing.rules["post_structure"].senior_max_share == pytest.approx(0.15)


def test_a_rule_that_is_off_is_added_with_its_defaults(chongqing: staffing.Policy) -> None:
    """Tests that a path into a rule the policy does not hold switches it on."""
    base = chongqing.without_rule("family_doctor_teams")
    changed = apply_to_policy(base, [Override.parse("rules.family_doctor_teams.hard", "true")])
    assert changed.has("family_doctor_teams") and not base.has("family_doctor_teams")


def test_instance_paths_with_relative_forms(tiny: staffing.Instance) -> None:
    """Tests +n, ×f and *f on an institution, every post and the pay budget; base unchanged."""
    changed = apply_to_instance(tiny, [
        Override.parse("institutions.T.headcount_grassroots", "+5"),
        Override.parse("posts.*.places", "×2"),
        Override.parse("budget", "*1.1"),
        Override.parse("institutions.tier=village.population", "-100"),
    ])
    assert changed.institution_by_id["T"].headcount_grassroots == \
        tiny.institution_by_id["T"].headcount_grassroots + 5
    assert [p.places for p in changed.posts] == [2 * p.places for p in tiny.posts]
    fund = changed.extras["pay_funds"][0]
    assert fund.amount == (tiny.extras["pay_funds"][0].amount * Decimal("1.1")).quantize(
        Decimal("0.01"))
    assert changed.institution_by_id["V1"].population == 500
    assert tiny.institution_by_id["V1"].population == 600


@settings(max_examples=40, deadline=None)
@given(base=st.integers(0, 10_000), factor=st.decimals("0", "5", places=3),
       delta=st.integers(-500, 500))
def test_relative_values_match_exact_arithmetic(base: int, factor: Decimal, delta: int) -> None:
    """Tests that ×f rounds half up to a whole number on whole-number fields, +n adds exactly."""
    exact = Decimal(base) * factor
    expected = int(exact) + (1 if exact - int(exact) >= Decimal("0.5") else 0)
    assert Value.parse(f"×{factor}").apply(base) == expected
    assert Value.parse(f"{delta:+d}").apply(base) == base + delta
    assert Value.parse(f"*{factor}").apply(float(base)) == pytest.approx(float(exact))


def test_bad_paths_and_values_are_all_located(chongqing: staffing.Policy,
                                              tiny: staffing.Instance) -> None:
    """Tests that every problem comes back at once, where it was written, listing what is valid."""
    where = Where("cap.yaml", 7)
    problems = check_overrides(chongqing, tiny, [
        Override.parse("rules.post_structure.senior_max", "0.1", where),
        Override.parse("rules.nonsense.x", "1", where),
        Override.parse("rules.post_structure.senior_max_share", "1.5", where),
        Override.parse("institutions.T99.floor", "+1", where),
        Override.parse("posts.*.places", "-100", where),
        Override.parse("budget.lottery", "1", where),
        Override.parse("oops", "1", where),
        Override.parse("rules.stability.hard", "[1, 2]", where),
    ])
    text = [str(p) for p in problems]
    assert len(problems) == 8, text
    assert all(p.source == "cap.yaml" and p.row == 7 for p in problems)
    by_path = {p.column: p for p in problems}
    assert "senior_max_share" in (by_path["rules.post_structure.senior_max"].expected or "")
    assert "township_headcount_norm" in (by_path["rules.nonsense.x"].expected or "")
    assert "<= 1" in (by_path["rules.post_structure.senior_max_share"].expected or "")
    assert "T01" not in (by_path["institutions.T99.floor"].expected or "") and \
        "H" in (by_path["institutions.T99.floor"].expected or "")
    assert ">= 1" in (by_path["posts.*.places"].expected or "")
    assert "budget.performance" in (by_path["budget.lottery"].expected or "")


def test_a_rule_check_error_lands_on_its_override(chongqing: staffing.Policy) -> None:
    """Tests that a rule's own cross-field check (min above max) names the override."""
    with pytest.raises(PolicyError) as caught:
        apply_to_policy(chongqing, [
            Override.parse("rules.township_headcount_norm.hard", "true"),
            Override.parse("rules.township_headcount_norm.min_per_mille", "1.8"),
        ])
    (problem,) = caught.value.problems
    assert problem.column == "rules.township_headcount_norm.min_per_mille"
    assert "below min_per_mille 1.8" in problem.message


def test_assignments_from_the_command_line() -> None:
    """Tests PATH=VALUE parsing and its error for text without '='."""
    override = parse_assignment("rules.township_headcount_norm.hard=true")
    assert override.path == "rules.township_headcount_norm.hard" and override.value.value is True
    with pytest.raises(InputError):
        parse_assignment("rules.township_headcount_norm.hard")
