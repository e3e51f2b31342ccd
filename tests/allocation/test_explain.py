"""Tests that infeasible policies are explained: the conflicting rule instances, minimal, and the
least change of each rule, within the run's time limit."""

from __future__ import annotations

import time

import pytest

import staffing
from staffing.allocation.explain import (
    ConflictSearch,
    Deadline,
    explain_infeasibility,
    minimal_conflict,
)
from staffing.allocation.model import AllocationModel, Mode
from staffing.allocation.pairs import build_pairs
from staffing.errors import InfeasibleError
from tests.allocation.builders import community, policy
from tests.builders import ROOT

CHONGQING = ROOT / "models" / "chongqing-2024.yaml"


@pytest.fixture(scope="module")
def demo() -> staffing.Instance:
    return staffing.load(ROOT / "instances" / "demo-county")


def _explain_model(instance: staffing.Instance, rules: staffing.Policy) -> AllocationModel:
    m = AllocationModel(instance, rules, build_pairs(instance, rules, keep_forbidden=True),
                        mode=Mode.EXPLAIN)
    m.emit_rules()
    return m


def test_demo_township_norm_is_explained_within_the_time_limit(demo: staffing.Instance) -> None:
    """Tests that a hard 2.5-3.0 per-mille township norm on the demo under chongqing-2024 is
    explained within a 15 s time limit: the rule, the township in conflict, and the least change
    naming every township below the norm, proven least."""
    rules = staffing.load_policy(CHONGQING).with_rule(
        "township_headcount_norm", hard=True, min_per_mille=2.5, max_per_mille=3.0)
    with pytest.raises(InfeasibleError) as caught:
        staffing.allocate(demo, rules, time_limit=15)
    explanation = caught.value.explanation
    assert explanation.rules == ["township_headcount_norm"]
    assert explanation.minimal
    townships = {i.id for i in demo.institutions if i.tier.value == "township"}
    named = {name for record in explanation.conflict for name in record["institutions"]}
    assert named and named <= townships
    (repair,) = explanation.repairs
    assert repair.rule == "township_headcount_norm" and repair.proven
    repaired = {name for change in repair.changes for name in townships
                if f"township {name} " in change["detail"]}
    assert named <= repaired and len(repaired) >= 2
    assert repair.amount == sum(change["amount"] for change in repair.changes) > 0
    assert "township headcount norm" in str(explanation)


def test_conflict_is_minimal_and_leaves_out_unrelated_instances() -> None:
    """Tests that three hard post floors that two people cannot fill are the conflict, without a
    fourth floor that can be met, and that each of the three is needed."""
    inst = community(
        [{"id": "A", "institution": "T", "floor": 1}, {"id": "B", "institution": "T", "floor": 1},
         {"id": "C", "institution": "T", "floor": 1}, {"id": "D", "institution": "H", "floor": 1}],
        [{"id": "a"}, {"id": "b"}, {"id": "d"}],
        {"a": ["A", "B", "C"], "b": ["B", "C", "A"], "d": ["D"]})
    rules = policy(min_staffing={"hard": True}, stability={})
    m = _explain_model(inst, rules)
    conflict, minimal, probes = minimal_conflict(m, Deadline(time.perf_counter() + 30, True))
    assert minimal and probes > 0
    assert sorted(r.name for r in conflict) == [
        "min_staffing[post, A]", "min_staffing[post, B]", "min_staffing[post, C]"]
    search = ConflictSearch(m, Deadline(time.perf_counter() + 30, True))
    assert search.infeasible(conflict) is True
    for k in range(len(conflict)):
        assert search.infeasible(conflict[:k] + conflict[k + 1:]) is False


def test_conflict_across_two_rules_names_both() -> None:
    """Tests that a hard floor only reachable by a person a pool cap keeps out is explained by
    both rules, each with its own least change."""
    institutions = [
        {"id": "H", "tier": "county", "headcount_county": 5},
        {"id": "T", "tier": "township", "parent": "H", "population": 5000,
         "headcount_grassroots": 1},
    ]
    inst = community([{"id": "X", "institution": "T", "floor": 2, "places": 2}],
                     [{"id": "p", "new_recruit": True, "pool": None},
                      {"id": "q", "new_recruit": True, "pool": None}],
                     {"p": ["X"], "q": ["X"]}, institutions=institutions)
    rules = policy(min_staffing={"hard": True},
                   headcount_pools={"capped": ["grassroots"], "recruit_pools": ["grassroots"]})
    with pytest.raises(InfeasibleError) as caught:
        staffing.allocate(inst, rules, time_limit=20, deterministic=True)
    explanation = caught.value.explanation
    assert explanation.rules == ["headcount_pools", "min_staffing"]
    assert explanation.minimal
    assert {r.rule for r in explanation.repairs} == {"headcount_pools", "min_staffing"}
    assert all(r.amount == 1 and r.proven for r in explanation.repairs)


def test_an_expired_deadline_returns_at_once_saying_so(demo: staffing.Instance) -> None:
    """Tests that with no time left the explainer makes no probe and says more time is needed."""
    rules = staffing.load_policy(CHONGQING).with_rule(
        "township_headcount_norm", hard=True, min_per_mille=2.5, max_per_mille=3.0)
    explanation = explain_infeasibility(demo, rules, deadline=time.perf_counter())
    assert explanation.probes == 0 and not explanation.minimal and explanation.conflict == []
    assert "allow more time" in str(explanation)
