"""Tests that the LP's size does not grow with people, that its values are made exact and that
every solve keeps to the run's clock."""

from __future__ import annotations

import numpy as np
import pulp
import pytest

from staffing.domain.clock import RunClock
from staffing.errors import TimeLimitError
from staffing.pay.codes import Line
from staffing.pay.data import PayData
from staffing.pay.engine import exact_schedule, plan_lines
from staffing.pay.model import LEAST_CALL, TIME_LIMIT, PayModel, _stopped
from tests.pay.builders import build, pay_policy, person, solves_taking


def model_of(n: int) -> PayModel:
    people = [person(f"{post}{i}", post, 10 + (i * 37) % 90) for i in range(n)
              for post in ("T-J", "H-J", "V-N")]
    inst, roster = build(people, {"performance": "1234567.89"})
    return PayModel(PayData.build(inst, roster, pay_policy(rules={"tier_ratio": {"target": 1}})))


def test_size_does_not_grow_with_people() -> None:
    """Tests that the LP has the same size for 15 and for 600 people."""
    assert model_of(5).size == model_of(200).size


def test_polished_values_spend_the_budget_exactly() -> None:
    """Tests that the polished values spend the budget within 0.01 fen, the exact plan within a fen
    a line and never more."""
    model = model_of(40)
    assert model.solve() == "optimal"
    assert model.residual < 1e-12
    basic, point, _ = model.schedule()
    data = model.data
    real = sum(c.n * basic[c.index] + c.weight * point[c.index] for c in data.classes) * 100
    assert abs(real - 123456789) < 0.01  # fen; CBC alone reports 8 significant digits
    lines = plan_lines(data, exact_schedule(data, *model.schedule()))
    paid = int(lines[Line.BASIC].sum() + lines[Line.REWARD].sum())
    assert 123456789 - 2 * data.n < paid <= 123456789  # each line down by less than a fen


def test_hull_rows_only() -> None:
    """Tests that the income-gap rule adds fewer than ten rows for a class of 300 people."""
    people = [person(f"P{i}", "T-J", float(i)) for i in range(300)]
    inst, roster = build(people)
    data = PayData.build(inst, roster, pay_policy(rules={"income_gap": {"max_to_min": 3}}))
    model = PayModel(data)
    gap_rows = [r for r in model.rows if r.rule == "income_gap"]
    assert len(gap_rows) < 10  # the extreme members of the class, not all 300
    assert np.isclose(data.weight.sum(), sum(range(300)))


def test_each_solve_gets_what_is_left_of_the_solver_share() -> None:
    """Tests that CBC is given what is left of the run's limit less the reserve at each call,
    not the limit anew: two stages of 3 s each under a 10 s limit with 1 s kept."""
    model = model_of(5)
    with solves_taking(3.0) as (clock, given):
        clock.keep(1.0)
        assert model.solve(clock) == "optimal"
    assert given == [pytest.approx(9.0), pytest.approx(6.0)]


def test_no_solve_starts_without_the_least_time_a_call_needs() -> None:
    """Tests that a solve with less than `LEAST_CALL` seconds of the solver's share left raises
    `TimeLimitError` naming the limit, and CBC is not started."""
    model = model_of(5)
    clock = RunClock(10.0, clock=lambda: 10.0 - LEAST_CALL / 2)
    clock.started = 0.0
    with solves_taking(0.0) as (_, given), pytest.raises(TimeLimitError, match=r"\(10 s\)"):
        model.solve(clock)
    assert given == []


def test_a_stage_two_stopped_by_the_limit_keeps_stage_one() -> None:
    """Tests that when the limit leaves no time for the even spread (stage 2), the model
    keeps stage 1's point (same values as a stage-1-only solve) and says why."""
    alone = model_of(5)
    assert alone.solve(spread=False) == "optimal"
    model = model_of(5)
    with solves_taking(9.99) as (clock, given):
        assert model.solve(clock) == "optimal"
    assert len(given) == 1 and model.spread_status == TIME_LIMIT
    for ours, theirs in zip(model.schedule(), alone.schedule(), strict=True):
        assert np.allclose(ours, theirs)


def test_a_cbc_answer_stopped_on_time_is_not_taken_for_an_optimum() -> None:
    """Tests that a stopped CBC run (PuLP's "Optimal" with an integer-feasible solution, or
    "Not Solved") counts as stopped, and a proven optimum does not."""
    assert _stopped("Optimal", pulp.LpSolutionIntegerFeasible)
    assert _stopped("Not Solved", pulp.LpSolutionNoSolutionFound)
    assert not _stopped("Optimal", pulp.LpSolutionOptimal)
    assert not _stopped("Infeasible", pulp.LpSolutionInfeasible)
