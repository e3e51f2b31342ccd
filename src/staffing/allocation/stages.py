"""The lexicographic solution of the objective stages.

Each stage of the catalogue (`staffing.stages`) gives its CP-SAT objective;
they are minimised in the policy's order: a stage's optimum (or, at the time
limit, its best value) is then fixed as an upper bound and the next stage is
solved from the previous solution as a hint. A run of small stages is merged
into one weighted solve when the weights fit in 2**40. A stage nearly always at
its floor (continuity) is first asked for a roster there (`solve_floor_first`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model, cp_model_helper

from staffing.allocation.model import AllocationModel
from staffing.allocation.polish import polish, reads_more_than_pairs
from staffing.allocation.result import StageResult, stage_label
from staffing.domain.clock import RunClock
from staffing.domain.objective import Stage
from staffing.rules.base import is_constant
from staffing.stages import STAGES, Minimise
from staffing.stages import base as stage_base

# Full-problem subsolvers in order of use: the symmetric max-LP worker proves blocking-pair and
# floor bounds that the default two-worker portfolio leaves open for minutes.
_PORTFOLIO = ["max_lp_sym", "default_lp", "core", "quick_restart", "reduced_costs", "no_lp",
              "pseudo_costs", "max_lp"]


@dataclass
class Objective:
    """One minimisation: a linear expression with integer coefficients.

    ``stage`` and ``sub`` say what it minimises: a stage, or one rank of the rank profile
    (``sub``) when the profile is solved rank by rank.
    """

    stage: Stage
    expr: Any
    parts: list[np.ndarray] = field(default_factory=list)  # pairs at each rank (rank profile)
    low: int | None = None   # a proven range of the expression, when known
    high: int | None = None
    members: list[Objective] = field(default_factory=list)  # stages merged into this solve
    weights: list[int] = field(default_factory=list)        # their weights, most important first
    sub: int | None = None  # the rank, for one rank of a rank profile solved rank by rank
    floor_first: bool = False  # asked for a roster at its floor first (`solve_floor_first`)

    def __post_init__(self) -> None:
        self.stage = Stage(self.stage)

    @classmethod
    def of(cls, stage: Stage, minimise: Minimise) -> Objective:
        """The objective of one stage (or sub-stage) as the catalogue gives it."""
        return cls(stage, minimise.expr, parts=minimise.parts, low=minimise.low,
                   high=minimise.high, sub=minimise.sub, floor_first=minimise.floor_first)

    @property
    def name(self) -> str:
        """How the solve is shown: ``rank_profile[2]``, or ``unplaced+moves`` when merged."""
        if self.members:
            return "+".join(member.name for member in self.members)
        return stage_label(self.stage, self.sub)

    def result(self, objective: int | None, bound: int | None, status: str, wall_time: float,
               deterministic_time: float, solved_with: str = "") -> StageResult:
        """The result of this objective's stage (or sub-stage)."""
        return StageResult(self.stage, self.sub, objective, bound, status, wall_time,
                           deterministic_time, solved_with=solved_with)

    @property
    def constant(self) -> bool:
        return is_constant(self.expr)

    @property
    def stages(self) -> list[Objective]:
        """The stages this solve settles: its members, or itself."""
        return self.members or [self]


@dataclass
class SolveSettings:
    time_limit: float
    deterministic: bool
    workers: int
    seed: int = 0
    progress: Callable[[dict[str, Any]], None] | None = None
    started: float = field(default_factory=time.perf_counter)
    deterministic_used: float = 0.0
    clock: RunClock | None = None  # the whole run's clock: it caps the wall time in every mode
    share: float = 1.0  # the part of the budget left that the next solve may take

    def remaining(self) -> float:
        """Budget left for the next solve: its ``share`` of the wall seconds left, or of the
        deterministic time units left in deterministic mode."""
        if self.deterministic:
            return self.share * max(0.0, self.time_limit - self.deterministic_used)
        return self.share * self.wall_remaining()

    @contextmanager
    def sharing(self, share: float) -> Iterator[None]:
        """Solves inside take at most ``share`` of the budget left."""
        before, self.share = self.share, share
        try:
            yield
        finally:
            self.share = before

    def wall_remaining(self) -> float:
        """Wall seconds left for the solver: the run's clock less its reserve, or the limit."""
        if self.clock is not None:
            return self.clock.solver_remaining()
        return max(0.0, self.time_limit - (time.perf_counter() - self.started))


def stage_objectives(m: AllocationModel) -> list[tuple[Stage, list[Objective]]]:
    """The objectives of every stage in the policy's order (a stage may have sub-stages).

    A run of stages merged into one solve is listed under its first stage; the others
    have no objective of their own.
    """
    plan = [(stage, _objectives(m, stage)) for stage in m.policy.objective]
    start = 0
    if (Stage.BLOCKING_PAIRS in m.policy.objective
            and m.policy.rules_counted_in(Stage.BLOCKING_PAIRS)):
        start = m.policy.objective.index(Stage.BLOCKING_PAIRS) + 1
    return _merge_runs(plan, start)


def _mergeable(objectives: list[Objective]) -> bool:
    return (len(objectives) == 1 and not objectives[0].parts and objectives[0].high is not None
            and not objectives[0].constant)


def _merge_runs(plan: list[tuple[Stage, list[Objective]]],
                start: int) -> list[tuple[Stage, list[Objective]]]:
    """Merge each run of mergeable stages from ``start`` on whose weights fit in 2**40."""
    groups: list[list[tuple[Stage, list[Objective]]]] = []
    for stage, objectives in plan[start:]:
        group = groups[-1] if groups else []
        if (group and _mergeable(group[-1][1]) and _mergeable(objectives)
                and _span([o for _s, (o,) in group] + objectives) < stage_base.MAX_WEIGHT):
            group.append((stage, objectives))
        else:
            groups.append([(stage, objectives)])
    out = list(plan[:start])
    for group in groups:
        if len(group) == 1:
            out.extend(group)
            continue
        out.append((group[0][0], [_merged([o for _s, (o,) in group])]))
        out.extend((stage, []) for stage, _objectives in group[1:])
    return out


def _span(objectives: list[Objective]) -> int:
    """Product of the ranges (+1) of a run of stages: the weight the first one would need."""
    span = 1
    for objective in objectives:
        assert objective.high is not None and objective.low is not None
        span *= objective.high - objective.low + 1
    return span


def _merged(objectives: list[Objective]) -> Objective:
    """One weighted objective, lexicographically equal to the run of stages."""
    weights = [_span(objectives[k + 1:]) for k in range(len(objectives))]
    expr = cp_model.LinearExpr.sum([w * (o.expr - int(o.low or 0))
                                    for w, o in zip(weights, objectives)])
    return Objective(objectives[0].stage, expr, members=objectives, weights=weights)


def _objectives(m: AllocationModel, stage: Stage) -> list[Objective]:
    return [Objective.of(stage, minimise) for minimise in STAGES[stage].objectives(m)]


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution of a stage."""

    def __init__(self, objective: Objective, settings: SolveSettings):
        super().__init__()
        self.objective = objective
        self.settings = settings

    def on_solution_callback(self) -> None:
        if self.settings.progress is not None:
            self.settings.progress({
                "event": "solution", "stage": self.objective.stage.value,
                "sub": self.objective.sub, "name": self.objective.name,
                "objective": self.objective_value,
                "bound": self.best_objective_bound,
                "elapsed": time.perf_counter() - self.settings.started,
            })


# Cached arrays this large (the dense person x post masks from about 10,000 people: 45 MiB
# each at 20,000 x 2,334) are dropped before each solve and rebuilt when asked for again
# (0.3-0.8 s at 20,000 people); smaller ones cost more to rebuild than they hold.
RELEASED_DURING_SOLVE = 8 * 2**20


def configure(solver: cp_model.CpSolver, settings: SolveSettings, limit: float) -> None:
    """Workers, seed and limits; the full LP relaxation (level 2) proves stability bounds fast."""
    params = solver.parameters
    params.random_seed = settings.seed
    params.linearization_level = 2
    # Presolve keeps the model's symmetries for the symmetric LP worker instead of using
    # them to fix variables: carrying a complete hint through those fixings is quadratic in
    # CP-SAT 9.15 and not interruptible (130 s past a 92 s limit at 20,000 people).
    params.keep_symmetry_in_presolve = True
    if settings.deterministic:
        params.num_workers = 1
        params.max_deterministic_time = max(limit, 0.01)
        params.max_time_in_seconds = max(settings.wall_remaining(), 0.01)  # the wall cap
    else:
        params.num_workers = settings.workers
        params.max_time_in_seconds = max(limit, 0.01)
        if settings.workers > 1:
            params.subsolvers.extend(_PORTFOLIO[: max(2, settings.workers - 2)])


def solve_objective(m: AllocationModel, objective: Objective, settings: SolveSettings,
                    hint: list[int] | None) -> tuple[list[StageResult], list[int] | None]:
    """Minimise one objective; return the result of each stage it settles and the solution.

    A constant objective needs no search once a solution is known. Without a solution,
    the single result says how the solve ended.
    """
    started = time.perf_counter()
    constant = objective.constant
    if constant and hint is not None and len(hint) == len(m.model.proto.variables):
        value = int(objective.expr)
        return [objective.result(value, value, "optimal", 0.0, 0.0)], hint
    hint = polished_hint(m, objective, settings, hint)
    if constant:
        m.model.clear_objective()
    else:
        m.model.minimize(objective.expr)
    _set_hint(m, hint)
    solver = cp_model.CpSolver()
    limit = settings.remaining()
    configure(solver, settings, limit)
    callback = _Progress(objective, settings)
    status = _run_solver(solver, m, settings, callback if settings.progress else None)
    wall = time.perf_counter() - started
    settings.deterministic_used += solver.deterministic_time
    if (settings.deterministic and settings.clock is not None
            and status not in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
            and solver.deterministic_time < 0.999 * max(limit, 0.01)):
        settings.clock.wall_capped.append(objective.name)  # the wall clock stopped it
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        name = "infeasible" if status == cp_model.INFEASIBLE else "unknown"
        return [objective.result(None, None, name, wall, solver.deterministic_time)], None
    solution = list(solver.response_proto.solution)
    state = "optimal" if status == cp_model.OPTIMAL else "feasible"
    if constant:
        value = bound = int(objective.expr)
    else:
        value = round(solver.objective_value)
        if state == "feasible" and not objective.members:
            solution, value = polished_value(m, objective, settings, solution, value)
        bound = min(value, int(np.ceil(solver.best_objective_bound - 1e-6)))
    if objective.members:
        results = _member_results(objective, solver, bound, state, wall)
    else:
        results = [objective.result(value, bound, state, wall, solver.deterministic_time)]
    if settings.progress is not None:
        for result in results:
            settings.progress(result.event())
    return results, solution


def polished_hint(m: AllocationModel, objective: Objective, settings: SolveSettings,
                  hint: list[int] | None) -> list[int] | None:
    """The hint with everything but its pairs at their best for ``objective``
    (`staffing.allocation.polish`); the hint itself when that changes nothing or fails."""
    if hint is None or objective.constant or not reads_more_than_pairs(m, objective.expr):
        return hint
    polished = polish(m, objective.expr, objective.name, hint, settings)
    return hint if polished is None else polished[0]


def polished_value(m: AllocationModel, objective: Objective, settings: SolveSettings,
                   solution: list[int], value: int) -> tuple[list[int], int]:
    """A solution the time limit stopped, with everything but its pairs at their best: the
    stage is then fixed at the value its roster has, not at what the search last wrote."""
    if not reads_more_than_pairs(m, objective.expr):
        return solution, value
    polished = polish(m, objective.expr, objective.name, solution, settings)
    if polished is None or polished[1] >= value:
        return solution, value
    return polished


def _run_solver(solver: cp_model.CpSolver, m: AllocationModel, settings: SolveSettings,
                callback: cp_model.CpSolverSolutionCallback | None) -> Any:
    """Solve; a stop request on the run's token stops the search at once (`Cancelled`)."""
    stop = settings.clock.stop if settings.clock is not None else None
    if stop is None:
        return solver.solve(m.model, callback)
    with stop.running(solver.stop_search):
        return solver.solve(m.model, callback)


def _member_results(objective: Objective, solver: cp_model.CpSolver, bound: int, state: str,
                    wall: float) -> list[StageResult]:
    """One result per merged stage; the solve's time is the first stage's.

    When the solve stopped short of optimal, the first stage's bound follows from the
    weighted bound (the later stages weigh less than one unit of it); the others keep
    their trivial bound.
    """
    results = []
    for k, (member, weight) in enumerate(zip(objective.members, objective.weights)):
        value = int(solver.value(member.expr))
        low = int(member.low or 0)
        if state == "optimal":
            member_bound = value
        elif k == 0:
            member_bound = min(value, low + max(0, bound // weight))
        else:
            member_bound = low
        results.append(member.result(
            value, member_bound, state, wall if k == 0 else 0.0,
            solver.deterministic_time if k == 0 else 0.0, solved_with=objective.name))
    return results


Solve = Callable[[AllocationModel, Objective, SolveSettings, list[int] | None],
                 tuple[list[StageResult], list[int] | None]]
FLOOR_SHARE = 0.5  # of the budget left, at most, for the roster at the floor


def box_floor(expr: Any) -> int:
    """The least value of a linear expression over its variables' domains."""
    if is_constant(expr):
        return int(expr)
    flat = cp_model_helper.FlatIntExpr(expr)
    floor = int(flat.offset)
    for var, coefficient in zip(flat.vars, flat.coeffs):
        domain = list(var.proto.domain)  # (the proto's own list reads no negative index)
        floor += coefficient * (domain[0] if coefficient > 0 else domain[-1])
    return floor


def solve_floor_first(m: AllocationModel, objective: Objective, settings: SolveSettings,
                      hint: list[int] | None,
                      solve: Solve) -> tuple[list[StageResult], list[int] | None]:
    """``solve`` the objective, first with it held at its floor (`box_floor`).

    A roster at the floor is optimal with no bound to search for, and holding the
    objective there fixes its variables (for continuity every stay of a person who did
    not apply: the presolved model is a fraction of the full one). When no roster is at
    the floor (infeasible, or none found within ``FLOOR_SHARE`` of the budget left) the
    constraint is dropped and ``solve`` runs as usual; the results then count both solves'
    time.
    """
    floor = box_floor(objective.expr)
    at_floor = m.model.add(objective.expr <= floor)
    with settings.sharing(FLOOR_SHARE):
        tried, solution = solve(m, objective, settings, hint)
    if solution is not None:
        for result in tried:
            if result.stage is objective.stage and result.sub == objective.sub:
                result.bound, result.status = result.objective, "optimal"
        return tried, solution
    at_floor.proto.clear_linear()
    results, solution = solve(m, objective, settings, hint)
    results[0].wall_time += tried[0].wall_time
    results[0].deterministic_time += tried[0].deterministic_time
    return results, solution


def fix_objective(m: AllocationModel, objective: Objective, results: list[StageResult],
                  solution: list[int]) -> None:
    """Keep later stages at least as good on this objective.

    A weighted rank profile is fixed rank by rank: its lexicographic optimum fixes every
    count, and separate counts give later stages a far tighter LP than one weighted sum.
    Merged stages are fixed one by one for the same reason.
    """
    if objective.constant:
        return
    if objective.parts:
        for pairs in objective.parts:
            if len(pairs):
                m.model.add(m.total(pairs) >= int(sum(solution[m.x[k].index] for k in pairs)))
        return
    for member, result in zip(objective.stages, results):
        assert result.objective is not None
        m.model.add(member.expr <= result.objective)


def settle_open_stages(results: list[StageResult], values: dict[str, Any]) -> None:
    """Give each stage left open the value of its objective on the returned roster.

    The solver's value of an open stage can be above the roster's: a later stage may lower
    the stage below what its own solve found (it is only held at or under it), and indicator
    variables the search stopped on may count more than the roster has. ``values`` are the
    checker's stage values of the roster; a stage whose roster reaches its proven bound is
    proven, and the gap of the others is measured from the roster.
    """
    for result in results:
        if result.status != "feasible" or result.objective is None:
            continue
        settled = STAGES[result.stage].objective_of(values.get(result.stage.value), result.sub)
        if settled is None:
            continue
        result.objective = settled
        if settled == result.bound:
            result.status = "optimal"


def _set_hint(m: AllocationModel, hint: list[int] | None) -> None:
    m.model.clear_hints()
    if hint is None:
        return
    proto_hint = m.model.proto.solution_hint
    proto_hint.vars.extend(range(len(hint)))
    proto_hint.values.extend(hint)
