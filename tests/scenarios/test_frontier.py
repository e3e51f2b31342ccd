"""Tests that the frontier search finds the exact boundary, checked by full solves on both
sides of it, and names the rule and institutions that stop the policy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import staffing
from staffing.check import check
from staffing.errors import InfeasibleError
from staffing.scenarios.backends import SerialBackend
from staffing.scenarios.execute import RunSettings
from staffing.scenarios.frontier import bisect, default_resolution, frontier
from staffing.scenarios.spec import parse_axis
from tests.builders import MODELS, ROOT

CHONGQING = next(m for m in MODELS if m.stem == "chongqing-2024")
DEMO = ROOT / "instances" / "demo-county"
NORM = "rules.township_headcount_norm.min_per_mille"


@settings(max_examples=60, deadline=None)
@given(threshold=st.integers(0, 1000), start=st.integers(0, 1000), span=st.integers(1, 1000),
       rising=st.booleans())
def test_bisection_matches_a_linear_scan(threshold: int, start: int, span: int,
                                         rising: bool) -> None:
    """Tests against scanning every value: the last feasible and first infeasible values."""
    def feasible(value: Decimal) -> bool:
        return value <= threshold if rising else value >= threshold

    values = [Decimal(v) for v in range(start, start + span + 1)]
    good, bad = bisect(feasible, values[0], values[-1], Decimal(1))
    answers = [feasible(v) for v in values]
    if len(set(answers)) == 1:
        assert (good, bad) == (None, None)
        return
    change = next(k for k in range(1, len(values)) if answers[k] != answers[k - 1])
    expected = (values[change - 1], values[change]) if rising else \
        (values[change], values[change - 1])
    assert (good, bad) == expected


def test_default_resolution() -> None:
    """Tests 1 for whole numbers and a hundredth of the last decimal otherwise."""
    assert default_resolution(Decimal("12"), Decimal("18"), True) == 1
    assert default_resolution(Decimal("1.2"), Decimal("1.7"), False) == Decimal("0.001")


def _solves(inst: staffing.Instance, policy: staffing.Policy) -> bool:
    try:
        roster = staffing.allocate(inst, policy, time_limit=3, explain=False).roster
    except InfeasibleError:
        return False
    assert check(inst, policy, roster).ok
    return True


def test_tiny_frontier_of_the_township_norm(tiny: staffing.Instance) -> None:
    """Tests the boundary on the tiny county (population 5,000, four township places: the norm
    holds up to 0.8 per mille), with full solves on both sides and the township named."""
    policy = staffing.load_policy(CHONGQING)
    result = frontier(tiny, policy, parse_axis(f"{NORM}=0.2:1.6", need_step=False),
                      samples=2, settings=RunSettings(time_limit=10, pay=False),
                      backend=SerialBackend())
    assert result.hardened == ["rules.township_headcount_norm.hard=true"]
    assert (result.last_feasible, result.first_infeasible) == (Decimal("0.8"), Decimal("0.801"))
    assert "township_headcount_norm" in result.rules and result.institutions == ["T"]
    assert result.sweep is not None
    assert [o.status for o in result.sweep.outcomes] == ["optimal", "optimal", "infeasible"]
    assert result.sweep.outcomes[-1].infeasible_rules == ["township_headcount_norm", "capacity"]


@pytest.mark.skipif(not DEMO.exists(), reason="instances/demo-county is missing")
def test_demo_frontier_of_chongqing_township_norm() -> None:
    """Tests the demo: where raising the township norm turns chongqing-2024 infeasible; the value
    just below solves (its roster passes the checker) and the value at the boundary does not."""
    inst = staffing.load(DEMO)
    policy = staffing.load_policy(CHONGQING)
    result = frontier(inst, policy, parse_axis(f"{NORM}=1.2:1.7", need_step=False), samples=0,
                      explain_limit=30, conflict=False)
    assert result.found and result.first_infeasible - result.last_feasible == Decimal("0.001")
    assert result.rules[0] == "township_headcount_norm"
    assert result.institutions, result.summary()
    assert result.hardened == ["rules.township_headcount_norm.hard=true"]
    below = policy.with_rule("township_headcount_norm", hard=True,
                             min_per_mille=float(result.last_feasible))
    at = policy.with_rule("township_headcount_norm", hard=True,
                          min_per_mille=float(result.first_infeasible))
    assert _solves(inst, below)
    assert not _solves(inst, at)
