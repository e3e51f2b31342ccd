"""Objective stages as CP-SAT expressions, and their lexicographic solution.

Each stage is minimised in the policy's order; its optimum (or, at the time
limit, its best value) is then fixed as an upper bound and the next stage is
solved from the previous solution as a hint. The rank profile (most first
choices, then most second choices, ...) is one weighted stage when the
weights fit comfortably in 64 bits, otherwise one sub-stage per rank.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from staffing.allocation.model import AllocationModel
from staffing.allocation.pairs import PairKind
from staffing.domain.policy import Stage

_MAX_WEIGHT = 2**40
# Full-problem subsolvers in order of use: the symmetric max-LP worker proves blocking-pair and
# floor bounds that the default two-worker portfolio leaves open for minutes.
_PORTFOLIO = ["max_lp_sym", "default_lp", "core", "quick_restart", "reduced_costs", "no_lp",
              "pseudo_costs", "max_lp"]


@dataclass
class StageResult:
    """One solved stage: value, proven bound and how it ended."""

    stage: str
    objective: int | None  # the solver's value of the minimised expression
    bound: int | None      # its proven lower bound
    status: str            # optimal | feasible | infeasible | unknown
    wall_time: float
    deterministic_time: float
    value: Any = None      # the stage's value in the user's terms (filled from the roster)

    @property
    def gap(self) -> float:
        if self.status == "optimal" or self.objective is None or self.bound is None:
            return 0.0
        return abs(self.objective - self.bound) / max(abs(self.objective), 1)

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        data = {"stage": self.stage, "value": self.value, "objective": self.objective,
                "bound": self.bound, "status": self.status, "gap": round(self.gap, 6),
                "deterministic_time": round(self.deterministic_time, 6)}
        if timings:
            data["wall_time"] = round(self.wall_time, 4)
        return data


@dataclass
class Objective:
    """One minimisation: a linear expression with integer coefficients."""

    name: str
    expr: Any
    parts: list[np.ndarray] = field(default_factory=list)  # pairs at each rank (rank profile)


@dataclass
class SolveSettings:
    time_limit: float
    deterministic: bool
    workers: int
    seed: int = 0
    progress: Callable[[dict[str, Any]], None] | None = None
    started: float = field(default_factory=time.perf_counter)
    deterministic_used: float = 0.0

    def remaining(self) -> float:
        """Budget left: wall seconds, or deterministic time units in deterministic mode."""
        used = self.deterministic_used if self.deterministic else time.perf_counter() - self.started
        return max(0.0, self.time_limit - used)


def stage_objectives(m: AllocationModel) -> list[tuple[Stage, list[Objective]]]:
    """The objectives of every stage in the policy's order (a stage may have sub-stages)."""
    out = []
    for stage in m.policy.objective:
        out.append((stage, _objectives(m, stage)))
    return out


def _sum(terms: list[Any]) -> Any:
    variables = [t for t in terms if not isinstance(t, (int, np.integer))]
    constant = sum(int(t) for t in terms if isinstance(t, (int, np.integer)))
    if not variables:
        return constant
    return cp_model.LinearExpr.sum(variables) + constant


def _objectives(m: AllocationModel, stage: Stage) -> list[Objective]:
    p, a = m.pairs, m.arrays
    if stage in (Stage.CONTINUITY, Stage.SOFT_FLOORS, Stage.BLOCKING_PAIRS):
        return [Objective(stage.value, _sum(m.stages.terms.get(stage, [])))]
    if stage is Stage.RANK_PROFILE:
        return _rank_profile(m)
    if stage is Stage.UNPLACED:
        incumbents = np.flatnonzero(a.incumbent)
        return [Objective(stage.value, _sum([1 - m.placed(int(i)) for i in incumbents]))]
    if stage is Stage.PANEL_QUALITY:
        choice = np.flatnonzero(p.kind == PairKind.CHOICE)
        return [Objective(stage.value, m.weighted(choice, p.panel[choice]))]
    if stage is Stage.MOVES:
        terms = []
        for i in np.flatnonzero(a.current_post >= 0):
            terms.append(1 - m.total(m.pairs_of_person_at(int(i), int(a.current_post[i]))))
        return [Objective(stage.value, _sum(terms))]
    raise ValueError(f"unknown stage {stage}")


def rank_pairs(m: AllocationModel) -> list[np.ndarray]:
    """The choice pairs at rank r, r = 1..max_choices."""
    p = m.pairs
    return [np.flatnonzero((p.kind == PairKind.CHOICE) & (p.choice_rank == rank))
            for rank in range(1, m.policy.max_choices + 1)]


def _rank_profile(m: AllocationModel) -> list[Objective]:
    """Minimise, lexicographically, minus the count at each rank (ranks nobody can get skipped)."""
    by_rank = [pairs for pairs in rank_pairs(m) if len(pairs)]
    applicants = max(1, len(m.instance.choices_of))
    base = applicants + 1
    weights = [base ** (len(by_rank) - 1 - r) for r in range(len(by_rank))]
    if not weights or weights[0] * applicants < _MAX_WEIGHT:
        expr = _sum([-w * m.total(pairs) for w, pairs in zip(weights, by_rank)])
        return [Objective(Stage.RANK_PROFILE.value, expr, parts=by_rank)]
    ranks = [r for r, pairs in enumerate(rank_pairs(m), start=1) if len(pairs)]
    return [Objective(f"{Stage.RANK_PROFILE.value}[{r}]", -m.total(pairs))
            for r, pairs in zip(ranks, by_rank)]


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution of a stage."""

    def __init__(self, name: str, settings: SolveSettings):
        super().__init__()
        self.name = name
        self.settings = settings

    def on_solution_callback(self) -> None:
        if self.settings.progress is not None:
            self.settings.progress({
                "event": "solution", "stage": self.name, "objective": self.objective_value,
                "bound": self.best_objective_bound,
                "elapsed": time.perf_counter() - self.settings.started,
            })


def configure(solver: cp_model.CpSolver, settings: SolveSettings, limit: float) -> None:
    """Workers, seed and limits; the full LP relaxation (level 2) proves stability bounds fast."""
    params = solver.parameters
    params.random_seed = settings.seed
    params.linearization_level = 2
    if settings.deterministic:
        params.num_workers = 1
        params.max_deterministic_time = max(limit, 0.01)
    else:
        params.num_workers = settings.workers
        params.max_time_in_seconds = max(limit, 0.01)
        if settings.workers > 1:
            params.subsolvers.extend(_PORTFOLIO[: max(2, settings.workers - 2)])


def solve_objective(m: AllocationModel, objective: Objective, settings: SolveSettings,
                    hint: list[int] | None) -> tuple[StageResult, list[int] | None]:
    """Minimise one objective; return its result and the solution (all variable values).

    A constant objective needs no search once a solution is known.
    """
    started = time.perf_counter()
    if isinstance(objective.expr, (int, np.integer)) and hint is not None and len(hint) == len(
            m.model.proto.variables):
        value = int(objective.expr)
        return StageResult(objective.name, value, value, "optimal", 0.0, 0.0), hint
    if isinstance(objective.expr, (int, np.integer)):
        m.model.clear_objective()
    else:
        m.model.minimize(objective.expr)
    _set_hint(m, hint)
    solver = cp_model.CpSolver()
    configure(solver, settings, settings.remaining())
    callback = _Progress(objective.name, settings)
    status = solver.solve(m.model, callback if settings.progress else None)
    wall = time.perf_counter() - started
    settings.deterministic_used += solver.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        name = "infeasible" if status == cp_model.INFEASIBLE else "unknown"
        return StageResult(objective.name, None, None, name, wall, solver.deterministic_time), None
    solution = list(solver.response_proto.solution)
    if isinstance(objective.expr, (int, np.integer)):
        value = bound = int(objective.expr)
    else:
        value = int(round(solver.objective_value))
        bound = min(value, int(np.ceil(solver.best_objective_bound - 1e-6)))
    result = StageResult(objective.name, value, bound,
                         "optimal" if status == cp_model.OPTIMAL else "feasible",
                         wall, solver.deterministic_time)
    if settings.progress is not None:
        settings.progress({"event": "stage", **result.to_dict()})
    return result, solution


def fix_objective(m: AllocationModel, objective: Objective, value: int,
                  solution: list[int]) -> None:
    """Keep later stages at least as good on this objective.

    A weighted rank profile is fixed rank by rank: its lexicographic optimum fixes every
    count, and separate counts give later stages a far tighter LP than one weighted sum.
    """
    if isinstance(objective.expr, (int, np.integer)):
        return
    if objective.parts:
        for pairs in objective.parts:
            if len(pairs):
                m.model.add(m.total(pairs) >= int(sum(solution[m.x[k].index] for k in pairs)))
        return
    m.model.add(objective.expr <= value)


def _set_hint(m: AllocationModel, hint: list[int] | None) -> None:
    m.model.clear_hints()
    if hint is None:
        return
    proto_hint = m.model.proto.solution_hint
    proto_hint.vars.extend(range(len(hint)))
    proto_hint.values.extend(hint)
