"""Tests that a run's clock times its steps, keeps a reserve, records what was cut, and that
its stop token stops a running CP-SAT solve."""

from __future__ import annotations

import threading
import time

import pytest
from ortools.sat.python import cp_model

from staffing.domain.clock import RunClock, StopToken
from staffing.errors import Cancelled


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_steps_are_timed_in_order_and_add_up_to_the_total() -> None:
    """Tests that each step's seconds are recorded in the order run, the running step so far,
    and that the steps add up to the total when nothing runs between them."""
    fake = FakeClock()
    clock = RunClock(10.0, clock=fake)
    with clock.step("load"):
        fake.now += 1.5
    with clock.step("solve"):
        fake.now += 4.0
        assert clock.timings() == {"load": 1.5, "solve": 4.0, "total": 5.5}
    with clock.step("load"):  # a step run twice counts both times, in its first place
        fake.now += 0.5
    assert list(clock.timings()) == ["load", "solve", "total"]
    assert clock.timings()["load"] == 2.0
    assert sum(v for k, v in clock.timings().items() if k != "total") == clock.timings()["total"]
    assert clock.remaining() == pytest.approx(4.0)


def test_the_reserve_is_kept_from_the_solver_and_capped_at_half() -> None:
    """Tests that the solver's share is what is left less the reserve, the reserve never more
    than half of what is left, and that nothing is left once the limit has passed."""
    fake = FakeClock()
    clock = RunClock(10.0, clock=fake)
    fake.now += 2.0
    clock.keep(3.0)
    assert clock.solver_remaining() == pytest.approx(5.0)
    clock.keep(100.0)
    assert clock.reserve == pytest.approx(4.0)
    assert clock.solver_remaining() == pytest.approx(4.0)
    fake.now += 20.0
    assert clock.remaining() == 0.0 == clock.solver_remaining()
    assert RunClock(None, clock=fake).remaining() == float("inf")


def test_the_record_says_what_was_cut_and_whether_reproducible() -> None:
    """Tests that a cut step or a stage stopped by the wall clock makes a deterministic run
    not reproducible, and that a run that is not deterministic never is."""
    clock = RunClock(5.0, clock=FakeClock())
    assert clock.record(True) == {"time_limit": 5.0, "cut_short": {},
                                  "stopped_by_wall_clock": [], "reproducible": True}
    assert clock.record(False)["reproducible"] is False
    clock.cut("reasons", "3 of 9 people given the outcome line alone")
    assert clock.record(True)["reproducible"] is False
    other = RunClock(5.0, clock=FakeClock())
    other.wall_capped.append("continuity")
    assert other.record(True)["reproducible"] is False


def test_a_stopped_token_cancels_between_steps() -> None:
    """Tests that a step after a stop request raises `Cancelled` and is not entered."""
    stop = StopToken()
    clock = RunClock(10.0, stop=stop, clock=FakeClock())
    entered = []
    with pytest.raises(Cancelled), clock.step("load"):  # raised as the step ends
        stop.stop()
        entered.append("load")
    with pytest.raises(Cancelled), clock.step("solve"):  # and before the next one starts
        entered.append("solve")
    assert entered == ["load"]
    assert "load" in clock.steps and "solve" not in clock.steps


def _hard_model() -> cp_model.CpModel:
    """A model CP-SAT cannot finish in seconds: a large random 0/1 quadratic-ish assignment."""
    model = cp_model.CpModel()
    n = 60
    x = [[model.new_bool_var(f"x{i}_{j}") for j in range(n)] for i in range(n)]
    for i in range(n):
        model.add_exactly_one(x[i])
        model.add_exactly_one(x[j][i] for j in range(n))
    cost = [[(i * 7919 + j * 104729) % 1000 for j in range(n)] for i in range(n)]
    pairs = []
    for i in range(0, n - 1, 2):
        for j in range(n):
            both = model.new_bool_var("")
            model.add_bool_and([x[i][j], x[i + 1][(j + 1) % n]]).only_enforce_if(both)
            pairs.append(both)
    model.maximize(sum(cost[i][j] * x[i][j] for i in range(n) for j in range(n))
                   + 997 * sum(pairs))
    return model


def test_a_stop_request_ends_a_running_solve_within_a_second() -> None:
    """Tests that `StopToken.stop` from another thread ends a running CP-SAT solve (set to run
    a minute) within 1 s, and that the solve then raises `Cancelled`."""
    stop = StopToken()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 60.0
    solver.parameters.num_workers = 2
    model = _hard_model()
    outcome: list[object] = []

    def solve() -> None:
        try:
            with stop.running(solver.stop_search):
                solver.solve(model)
        except Cancelled as error:
            outcome.append(error)

    thread = threading.Thread(target=solve)
    thread.start()
    time.sleep(1.0)
    assert thread.is_alive()  # still searching
    asked = time.perf_counter()
    stop.stop()
    thread.join(timeout=30)
    assert time.perf_counter() - asked < 1.0
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    with pytest.raises(Cancelled), stop.running(solver.stop_search):
        pass  # a stopped token starts no solve
