"""A first roster when the time limit is short: every hard rule, near the designer's roster.

When what is left of the time limit would not hold the stage-by-stage solve (building the
models and the first stage's presolve, before any roster), `allocate` asks for one roster
that meets every hard rule and stays near extended-seat deferred acceptance
(`staffing.allocation.deferred.extended_seat_da`, the market designer's roster: stable as
far as capacities go). That roster itself when the checker finds that it breaks no hard
rule (no solver at all); else the roster nearest to it (fewest pairs changed) that a
CP-SAT model of the hard rules alone finds in the time left, with a light presolve and
the designer's roster as hint (no presolve at all when the time left would hardly hold
it: `presolve_fits`). No stage is optimised: the stage values are the checker's,
and none has a bound.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from staffing.allocation.deferred import Market, extended_seat_da, master_list, roster_of
from staffing.allocation.model import AllocationModel
from staffing.allocation.stages import SolveSettings, _run_solver
from staffing.check import CheckReport, check
from staffing.domain.instance import Instance
from staffing.domain.pairs import Pairs
from staffing.domain.roster import Assignment, Roster
from staffing.policy import Policy

DESIGNER = "deferred acceptance (extended seats)"
REPAIRED = "CP-SAT, hard rules only, near deferred acceptance"


@dataclass
class FirstRoster:
    """A roster meeting every hard rule, how it was found and what it took."""

    roster: Roster
    report: CheckReport
    solved_with: str  # `DESIGNER` or `REPAIRED`
    model: AllocationModel | None  # the hard-rules model, when one was solved
    wall_time: float
    deterministic_time: float


def finished(instance: Instance, policy: Policy, assignments: list[Assignment]) -> Roster:
    """The roster once every rule has touched it up (`staffing.rules.base.Rule.finish`)."""
    for rule in policy.rule_objects():
        assignments = rule.finish(instance, assignments)
    return Roster(assignments=assignments)


def first_roster(instance: Instance, policy: Policy, pairs: Pairs, settings: SolveSettings,
                 extract: Callable[[AllocationModel, list[int]], list[Assignment]],
                 improve_for: float | None = None) -> FirstRoster | None:
    """The designer's roster when it meets every hard rule, else the nearest roster that does
    found within ``settings``' time (None when none was found in time).

    ``extract`` turns a solution of the model into assignments
    (`staffing.allocation.engine.extract_assignments`). ``improve_for``: once a roster is
    found, bringing it nearer stops these seconds after the call (the search for the first
    one may take all of ``settings``' time).
    """
    started = time.perf_counter()
    outcome = extended_seat_da(Market.of(instance, policy, pairs), master_list(instance, policy))
    designer = finished(instance, policy, roster_of(instance, policy, outcome).assignments)
    report = check(instance, policy, designer)
    if report.ok:
        return FirstRoster(designer, report, DESIGNER, None, time.perf_counter() - started, 0.0)
    assert settings.clock is not None  # `allocate` always gives one
    model = hard_rules_model(instance, policy, pairs, settings)
    near = _pair_values(model, outcome)
    model.model.minimize(cp_model.LinearExpr.weighted_sum(model.x, (1 - 2 * near).tolist()))
    hint = model.model.proto.solution_hint
    hint.vars.extend(range(len(model.x)))
    hint.values.extend(near.tolist())
    solver = cp_model.CpSolver()
    _light(solver, settings, presolve_fits(len(pairs), settings))
    found = _Found()
    timer = None
    if improve_for is not None:
        left = improve_for - (time.perf_counter() - started)  # counted from the call
        timer = threading.Timer(max(0.0, left), found.stop_if_found, args=(solver,))
        timer.daemon = True
        timer.start()
    try:
        status = _run_solver(solver, model, settings, found)
    finally:
        if timer is not None:
            timer.cancel()
    settings.deterministic_used += solver.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    roster = finished(instance, policy, extract(model, list(solver.response_proto.solution)))
    return FirstRoster(roster, check(instance, policy, roster), REPAIRED, model,
                       time.perf_counter() - started, solver.deterministic_time)


class _Found(cp_model.CpSolverSolutionCallback):
    """Notes that a roster was found, so the search can be stopped once time is short."""

    def __init__(self) -> None:
        super().__init__()
        self.found = threading.Event()

    def on_solution_callback(self) -> None:
        self.found.set()

    def stop_if_found(self, solver: cp_model.CpSolver) -> None:
        if self.found.is_set():
            solver.stop_search()


def hard_rules_model(instance: Instance, policy: Policy, pairs: Pairs,
                     settings: SolveSettings) -> AllocationModel:
    """The model of every rule that can break hard (soft-only rules left out: no stage is
    optimised here); the run's clock is checked between rules."""
    assert settings.clock is not None
    model = AllocationModel(instance, policy, pairs)
    for rule in policy.rule_objects():
        settings.clock.raise_if_used_up("a first roster was found")
        if rule.may_break_hard():
            rule.emit(model)
    return model


def _pair_values(model: AllocationModel, outcome: np.ndarray) -> np.ndarray:
    """0/1 per pair of the model: the pairs of the roster ``outcome`` (post index per person)."""
    near = np.zeros(len(model.pairs), dtype=np.int64)
    for i in np.flatnonzero(outcome >= 0).tolist():
        k = model.pair_of(i, int(outcome[i]))
        if k is not None:
            near[k] = 1
    return near


# Wall seconds per candidate pair before the first repaired roster on the reference machine,
# with the light presolve and without any (chongqing-2024, 20,000 people, 154,536 pairs:
# 2.9 s and 0.9 s after the model is built; the search from a presolved model improves the
# roster faster afterwards, so it is kept whenever it fits twice over).
LIGHT_PRESOLVE_PER_PAIR = 0.000019
PRESOLVE_MARGIN = 2.0


def presolve_fits(pairs: int, settings: SolveSettings) -> bool:
    """Whether the light presolve and the search after it fit the time left twice over (the
    estimate scaled by the machine's pace); when not, the search starts on the model as built,
    its first roster about three times sooner."""
    assert settings.clock is not None
    needed = PRESOLVE_MARGIN * LIGHT_PRESOLVE_PER_PAIR * pairs * settings.clock.pace
    return settings.deterministic or settings.wall_remaining() >= needed


def _light(solver: cp_model.CpSolver, settings: SolveSettings, presolve: bool) -> None:
    """One presolve pass (none when ``presolve`` is False), no symmetry or probing: the hint
    repaired in a fraction of a second (a full presolve takes seconds at county scale before
    the first roster)."""
    params = solver.parameters
    params.random_seed = settings.seed
    params.cp_model_presolve = presolve
    params.max_presolve_iterations = 1
    params.symmetry_level = 0
    params.cp_model_probing_level = 0
    params.max_time_in_seconds = max(settings.wall_remaining(), 0.01)
    if settings.deterministic:
        params.num_workers = 1
        params.max_deterministic_time = max(settings.remaining(), 0.01)
    else:
        params.num_workers = settings.workers
