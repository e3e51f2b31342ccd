"""Tests that the demo county solves to proven optimality under every policy model, with a
checkable reason for every person, and that an infeasible variant of each model is explained."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

import staffing
from staffing.allocation.outputs import solve_manifest, write_solve_outputs
from staffing.allocation.reasons import explain_roster, verify_all
from staffing.check import check
from staffing.domain.params import SolveParams
from staffing.domain.without_post import GROUPS, group_of, labelled
from staffing.errors import InfeasibleError
from staffing.report.view import run_view

ROOT = Path(__file__).resolve().parents[2]
MODELS = sorted(p.stem for p in (ROOT / "models").glob("*.yaml"))
DEMO = ROOT / "instances" / "demo-county"


@pytest.fixture(scope="module")
def demo() -> staffing.Instance:
    return staffing.load(DEMO)


def test_every_jurisdiction_has_a_model() -> None:
    """Tests that the four jurisdictions the engine ships models for each have a policy model."""
    assert MODELS == ["chongqing-2024", "guangdong-2019", "nanxun-2024", "shenzhen-luohu-2017"]


@pytest.mark.parametrize("model", MODELS)
def test_demo_solves_to_proven_optimality(demo: staffing.Instance, model: str,
                                          tmp_path: Path) -> None:
    """Tests that the demo solves to proven optimality, passes the checker with the reported
    stage values, that every reason of every person checks out, and that every count of the
    written outputs agrees with the roster files."""
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
    assert_counts_agree(demo, policy, result, reasons, tmp_path)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def assert_counts_agree(instance: staffing.Instance, policy: staffing.Policy,
                        result: staffing.AllocationResult, reasons: list, out: Path) -> None:
    """Every count of audit, violations, manifest, report summary, reasons and console line
    equals the one counted from the written roster and violation files."""
    write_solve_outputs(out, instance, policy, result, reasons)
    audit, violations = _csv(out / "audit.csv"), _csv(out / "violations.csv")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["check"]
    for kind, count in (("hard", manifest["hard_violations"]),
                        ("soft", manifest["soft_violations"])):
        listed = [v for v in violations if v["kind"] == kind]
        assert sum(int(r["violations"]) for r in audit if r["kind"] == kind) == len(listed) \
            == count
        for rule in {v["rule"] for v in listed}:
            line = [r for r in audit if r["rule"] == rule and r["kind"] == kind]
            assert len(line) == 1 and int(line[0]["violations"]) == sum(
                1 for v in listed if v["rule"] == rule)
    assert manifest["hard_violations"] == len(result.report.hard_violations) == 0
    people = {p.id: p for p in instance.staff}
    groups = Counter(group_of(people[r["person"]]) for r in _csv(out / "roster.csv")
                     if not r["post"])
    expected = {key: groups.get(key, 0) for key in GROUPS}
    assert manifest["without_post"] == {**expected, "total": sum(expected.values())}
    assert manifest["stages"].get("unplaced", expected["incumbents"]) == expected["incumbents"]
    said = Counter(r["text"].split("'")[1] for r in _csv(out / "reasons.csv")
                   if r["kind"] == "outcome" and r["code"] == "no_post")
    assert said == {GROUPS[key][0]: n for key, n in expected.items() if n}
    summary = run_view(instance, policy, result.roster, result.report, reasons,
                       solve_manifest(result))["summary"]
    assert (summary["unplaced"], summary["recruits_unplaced"], summary["dispatched_unplaced"]) \
        == (expected["incumbents"], expected["new_recruits"], expected["city_dispatched"])
    assert summary["hard_violations"] == manifest["hard_violations"]
    assert summary["soft_violations"] == manifest["soft_violations"]
    for key, n in expected.items():
        assert (f"{n} {GROUPS[key][0]}" in labelled(result.report.without_post)) == bool(n)


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
