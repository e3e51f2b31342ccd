"""Tests that every policy model carries its pay rules and pay-section errors are located."""

from __future__ import annotations

from pathlib import Path

import pytest

import staffing
from staffing.errors import PolicyError
from staffing.policy.load import parse_policy

MODELS = sorted((Path(__file__).resolve().parents[2] / "models").glob("*.yaml"))


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_models_have_pay_sections_with_sources(path: Path) -> None:
    """Tests that each model has a pay section with a source, and every pay rule cites one."""
    policy = staffing.load_policy(path)
    assert policy.pay is not None and policy.pay.source
    for rule in policy.pay.rule_objects():
        assert rule.params.source, f"{path.name}: {rule.name} has no source"


def test_the_models_carry_their_own_rules() -> None:
    """Tests that each model holds its jurisdiction's pay lines and rules, Luohu's amounts too."""
    by_name = {p.stem: staffing.load_policy(p).pay for p in MODELS}
    nanxun, luohu = by_name["nanxun-2024"], by_name["shenzhen-luohu-2017"]
    guangdong, chongqing = by_name["guangdong-2019"], by_name["chongqing-2024"]
    assert nanxun.lines.surplus_award is not None and nanxun.rules.tier_ratio is not None
    assert luohu.lines.family_doctor_subsidy.per_resident == 120
    assert [int(v) for v in luohu.lines.graduate_subsidy.totals.values()] == \
        [250000, 300000, 350000]
    assert luohu.lines.graduate_subsidy.years == 5
    assert guangdong.rules.reward_share is not None and guangdong.lines.separate_pay is not None
    assert chongqing.rules.tier_ratio is not None and chongqing.rules.income_gap is not None


def test_errors_in_the_pay_section_are_located() -> None:
    """Tests that bad pay parameters are located by line and key path."""
    text = """name: x
pay:
  lines:
    performance:
      basic_share: 1.5
    family_doctor_subsidy:
      per_resident: 12.345
  rules:
    tier_ratio:
      target: 0.9
      colour: red
"""
    with pytest.raises(PolicyError) as error:
        parse_policy(text, "p.yaml")
    where = {(p.row, p.column) for p in error.value.problems}
    assert (5, "pay.lines.performance.basic_share") in where
    assert (7, "pay.lines.family_doctor_subsidy.per_resident") in where
    assert (11, "pay.rules.tier_ratio.colour") in where


def test_policy_hash_covers_the_pay_section() -> None:
    """Tests that changing a pay rule changes the policy hash."""
    policy = staffing.load_policy(MODELS[0])
    other = policy.replace(pay=policy.pay.with_rule("tier_ratio", target=0.5))
    assert policy.hash() != other.hash()
