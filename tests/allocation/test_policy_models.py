"""Tests that the demo county solves to proven optimality under every policy model, with a
checkable reason for every person, and that an infeasible variant of each model is explained."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import staffing
from staffing.allocation.reasons import explain_roster, verify_all
from staffing.check import check
from staffing.domain.params import SolveParams
from staffing.errors import InfeasibleError

ROOT = Path(__file__).resolve().parents[2]
MODELS = sorted(p.stem for p in (ROOT / "models").glob("*.yaml"))
DEMO = ROOT / "instances" / "demo-county"


@pytest.fixture(scope="module")
def demo() -> staffing.Instance:
    return staffing.load(DEMO)


def test_every_jurisdiction_has_a_model() -> None:
    """Tests that the four jurisdictions of the domain brief each have a policy model."""
    assert MODELS == ["chongqing-2024", "guangdong-2019", "nanxun-2024", "shenzhen-luohu-2017"]


@pytest.mark.parametrize("model", MODELS)
def test_demo_solves_to_proven_optimality(demo: staffing.Instance, model: str) -> None:
    """Tests that the demo solves to proven optimality, passes the checker with the reported
    stage values, and that every reason of every person checks out."""
    policy = staffing.load_policy(ROOT / "models" / f"{model}.yaml")
    result = staffing.allocate(demo, policy, SolveParams(  # wall time to spare under load
        time_limit=900, deterministic=True, deterministic_limit=120))
    roster = result.roster
    assert result.status == "optimal"
    report = check(demo, policy, roster)
    assert report.ok, [v.message for v in report.hard_violations]
    for stage in result.stages:
        assert stage.status == "optimal"
        assert stage.objective == stage.bound
        assert stage.value == report.stages[stage.stage.value]
    reasons = explain_roster(demo, policy, roster)
    assert not verify_all(demo, policy, roster, reasons)
    outcomes = Counter(r.person for r in reasons if r.kind == "outcome")
    assert set(outcomes) == {p.id for p in demo.staff} and set(outcomes.values()) == {1}
    applicants = demo.choices_of
    for person, chosen in applicants.items():
        got = roster.post_of(person)
        above = chosen.index(got) if got in chosen else len(chosen)
        given = [r for r in reasons if r.person == person and r.kind == "not_given"]
        assert len(given) == above


# One infeasible variant per model: the rule changed and its new parameters.
VARIANTS = {
    "chongqing-2024": ("township_headcount_norm",
                       {"hard": True, "min_per_mille": 6.0, "max_per_mille": None}),
    "guangdong-2019": ("family_doctor_teams", {"hard": True, "composition": {"gp": 6}}),
    "shenzhen-luohu-2017": ("family_doctor_teams",
                            {"hard": True, "composition": {"health_manager": 3}}),
    "nanxun-2024": ("rotation_before_senior", {"tiers": ["village"]}),
}


@pytest.mark.parametrize("model", MODELS)
def test_infeasible_variant_is_explained(demo: staffing.Instance, model: str) -> None:
    """Tests that a variant of each model that no roster can meet is explained by rule name and
    instance, with the least change of that rule that would make it feasible."""
    rule, params = VARIANTS[model]
    policy = staffing.load_policy(ROOT / "models" / f"{model}.yaml").with_rule(rule, **params)
    with pytest.raises(InfeasibleError) as caught:
        staffing.allocate(demo, policy, time_limit=60)
    explanation = caught.value.explanation
    assert explanation.rules == [rule]
    assert explanation.minimal
    for instance_record in explanation.conflict:
        named = instance_record["people"] + instance_record["posts"] + instance_record[
            "institutions"]
        assert named and all(name in instance_record["detail"] for name in named)
    assert explanation.repairs and explanation.repairs[0].rule == rule
    assert explanation.repairs[0].amount > 0
    assert rule.replace("_", " ") in str(explanation) or policy.rule(rule).label_en in str(
        explanation)
