"""Stages before soft stability solved near the market designer's roster.

When stability is a soft stage after others (the soft-floor-first orders), the
earlier stages care nothing for stability, so their optimal roster can be far
from any stable one (thousands of blocking pairs at county scale), and the
blocking-pairs stage starts from there. Here each of those stages minimises,
lexicographically, its own objective first and then the distance (pairs
changed) to extended-seat deferred acceptance with the policy's floors
(`staffing.allocation.deferred.extended_seat_da`: stable as far as capacities
go), as one weighted objective ``W * stage + distance`` with ``W`` above any
distance. The solve stops as soon as the stage itself is proven optimal (its
lower bound, read from the weighted bound, meets the best value found), so the
stage's value and proof are those of the plain solve; only which of its optimal
rosters comes out changes: one near a stable roster, a far better start for the
blocking-pairs stage.
"""

from __future__ import annotations

import math
import time

import numpy as np
from ortools.sat.python import cp_model

from staffing.allocation.deferred import Market, extended_seat_da, master_list
from staffing.allocation.model import AllocationModel
from staffing.allocation.result import StageResult
from staffing.allocation.stages import (
    Objective,
    SolveSettings,
    _set_hint,
    configure,
    polished_hint,
    polished_value,
    solve_objective,
)
from staffing.stages import base as stage_base


def designer_pairs(m: AllocationModel) -> np.ndarray:
    """0/1 per pair of the model: the pairs of extended-seat deferred acceptance's roster."""
    instance, policy = m.instance, m.policy
    outcome = extended_seat_da(Market.of(instance, policy, m.pairs), master_list(instance, policy))
    near = np.zeros(len(m.pairs), dtype=np.int64)
    placed = np.flatnonzero(outcome >= 0)
    for i, j in zip(placed.tolist(), outcome[placed].tolist()):
        k = m.pair_of(i, j)
        if k is not None:
            near[k] = 1
    return near


def _weight(objective: Objective, pairs: int) -> int | None:
    """The weight of the stage over the distance, None when the product would not fit."""
    if objective.high is None or objective.low is None:
        return None
    weight = pairs + 1
    return weight if weight * (objective.high - objective.low + 1) < stage_base.MAX_WEIGHT else None


class _StopWhenProven(cp_model.CpSolverSolutionCallback):
    """Tracks the stage's best value; stops the search once its lower bound meets it."""

    def __init__(self, objective: Objective, settings: SolveSettings, weight: int,
                 distance_max: int):
        super().__init__()
        self.objective = objective
        self.settings = settings
        self.weight = weight
        self.distance_max = distance_max
        self.best: int | None = None
        self.proven = False
        self.solver: cp_model.CpSolver | None = None

    def stage_bound(self, bound: float) -> int:
        """The stage's lower bound implied by a bound on ``W * stage + distance``."""
        return math.ceil((bound - 1e-6 - self.distance_max) / self.weight)

    def on_solution_callback(self) -> None:
        value = int(self.value(self.objective.expr))
        self.best = value if self.best is None else min(self.best, value)
        if self.settings.progress is not None:
            self.settings.progress({
                "event": "solution", "stage": self.objective.stage.value,
                "sub": self.objective.sub, "name": self.objective.name, "objective": value,
                "bound": self.stage_bound(self.best_objective_bound),
                "elapsed": time.perf_counter() - self.settings.started,
            })
        self.on_bound(self.best_objective_bound)

    def on_bound(self, bound: float) -> None:
        if self.best is not None and self.stage_bound(bound) >= self.best:
            self.proven = True
            if self.solver is not None:
                self.solver.stop_search()


def solve_near(m: AllocationModel, objective: Objective, near: np.ndarray,
               settings: SolveSettings,
               hint: list[int] | None) -> tuple[list[StageResult], list[int] | None]:
    """Minimise ``objective``, among its optima the nearest to the 0/1 pair values ``near``.

    Same results as `staffing.allocation.stages.solve_objective` (which it falls back to
    for a constant, merged or rank-profile objective, or one whose range is unknown).
    """
    weight = _weight(objective, len(m.x))
    if objective.constant or objective.members or objective.parts or weight is None:
        return solve_objective(m, objective, settings, hint)
    started = time.perf_counter()
    hint = polished_hint(m, objective, settings, hint)
    coefficients = (1 - 2 * near).tolist()
    distance = cp_model.LinearExpr.weighted_sum(m.x, coefficients) + int(near.sum())
    m.model.minimize(weight * objective.expr + distance)
    _set_hint(m, hint)
    solver = cp_model.CpSolver()
    configure(solver, settings, settings.remaining())
    callback = _StopWhenProven(objective, settings, weight, len(m.x))
    callback.solver = solver
    solver.best_bound_callback = callback.on_bound
    status = solver.solve(m.model, callback)
    wall = time.perf_counter() - started
    settings.deterministic_used += solver.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        name = "infeasible" if status == cp_model.INFEASIBLE else "unknown"
        return [objective.result(None, None, name, wall, solver.deterministic_time)], None
    solution = list(solver.response_proto.solution)
    value = int(solver.value(objective.expr))
    proven = status == cp_model.OPTIMAL or callback.proven
    if not proven:
        solution, value = polished_value(m, objective, settings, solution, value)
    bound = value if proven else min(value, max(int(objective.low or 0),
                                                callback.stage_bound(solver.best_objective_bound)))
    result = objective.result(value, bound, "optimal" if proven else "feasible", wall,
                              solver.deterministic_time)
    if settings.progress is not None:
        settings.progress(result.event())
    return [result], solution
