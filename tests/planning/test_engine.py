"""Tests that the planner keeps to a run's time: the solver's share of the whole run, a build
that stops once it is spent, and later stages begun only with time enough to do something."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

import staffing
from staffing.domain.clock import RunClock
from staffing.domain.params import SolveParams
from staffing.errors import TimeLimitError
from staffing.planning import engine
from staffing.planning.check import check_plan, plan_facts, planning_of
from staffing.planning.model import PlanModel
from tests.planning.builders import case, doctors, needs, targets

ROOT = Path(__file__).resolve().parents[2]
GUANGDONG = staffing.load_policy(ROOT / "models" / "guangdong-2019.yaml")


def _instance() -> staffing.Instance:
    return case(doctors("D1", "D2", "D3"), plan_needs=needs("T1-GP", 2025, 2026),
                plan_staff=targets(D1=2026, D2=2027))


def test_the_budget_is_what_the_run_has_left_less_the_margin() -> None:
    """Tests that with a run's clock the solver's budget is the clock's solver share less the
    overrun margin, whatever the call's own limit, and that deterministic mode ignores the
    wall clock (its limit is deterministic time)."""
    now = [0.0]
    clock = RunClock(20.0, clock=lambda: now[0])
    clock.keep(2.0)
    now[0] = 5.0
    budget = engine.TimeBudget(SolveParams(time_limit=60), clock=clock, margin=1.5)
    assert budget.remaining() == pytest.approx(20.0 - 2.0 - 5.0 - 1.5)
    assert budget.limit == 20.0
    fixed = engine.TimeBudget(SolveParams(time_limit=60, deterministic=True), clock=clock)
    assert fixed.remaining() == 60.0
    now[0] = 30.0
    assert budget.remaining() == 0.0
    with pytest.raises(TimeLimitError, match=r"20 s"):
        budget.raise_if_used_up("building the model")
    fixed.raise_if_used_up("building the model")  # deterministic: no wall-clock stop


def test_a_build_whose_time_is_spent_stops_before_the_next_rule() -> None:
    """Tests that the model calls its time check before the variables and before each rule,
    so a build stops at the first check once the time is spent."""
    inst = _instance()
    facts = plan_facts(inst, GUANGDONG, 3)
    planning = planning_of(GUANGDONG)
    calls: list[int] = []
    PlanModel(facts, planning, between=lambda: calls.append(1))
    assert len(calls) == 1 + len(planning.rule_objects())

    def spent() -> None:
        raise TimeLimitError("spent")

    with pytest.raises(TimeLimitError):
        PlanModel(facts, planning, between=spent)


def test_later_stages_need_time_enough_to_begin() -> None:
    """Tests that once a plan exists a later stage is begun only with at least the least
    stage time (here more than the whole limit): the first stage's plan stands, the others
    are recorded as not solved, and the plan passes the checker."""
    inst = _instance()
    solves: list[str] = []
    original = engine._solve_one

    def counted(m, stage, expr, settings, hint):  # type: ignore[no-untyped-def]
        solves.append(stage.name if stage is not None else "feasibility")
        return original(m, stage, expr, settings, hint)

    with mock.patch.object(engine, "LEAST_STAGE_PER_VARIABLE", 1e6), \
            mock.patch.object(engine, "_solve_one", counted):
        result = engine.plan_rotations(inst, GUANGDONG, 3, SolveParams(time_limit=20))
    assert len(solves) == 1
    assert result.status == "feasible"
    assert {o.stage for o in result.stages if o.status == "not solved"}
    assert check_plan(inst, GUANGDONG, result.rotations, 3).ok
    with mock.patch.object(engine, "_solve_one", counted):
        engine.plan_rotations(inst, GUANGDONG, 3, SolveParams(time_limit=20))
    assert len(solves) > 2  # with the default, the later stages are solved
