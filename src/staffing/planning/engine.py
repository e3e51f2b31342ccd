"""`plan_rotations`: a multi-year rotation plan, solved as a lexicographic CP-SAT model.

The stages of the policy's ``planning.objective`` are minimised in order, each
from the previous solution as a hint and with the previous stages' values
fixed as bounds (as the allocation does). The plan found is checked by the
independent checker before it is returned; every candidate gets a status and
a reason (`staffing.planning.reasons`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from staffing.domain.clock import RunClock
from staffing.domain.instance import Instance
from staffing.domain.memory import with_fewer_collections
from staffing.domain.params import SolveParams
from staffing.errors import InfeasibleError, StaffingError, TimeLimitError
from staffing.manifest import base_manifest
from staffing.planning.check import PlanReport, check_view, plan_facts, planning_of
from staffing.planning.explain import explain_no_plan
from staffing.planning.facts import PlanFacts
from staffing.planning.model import PlanModel, is_constant
from staffing.planning.reasons import CandidateStatus, candidate_statuses
from staffing.planning.rules.base import PlanView
from staffing.planning.stages import PlanStage
from staffing.planning.tables import Rotation
from staffing.policy import Policy

Progress = Callable[[dict[str, Any]], None]

# CP-SAT runs past a wall-clock limit by up to about this much per model variable while it
# loads and presolves (measured: 1.2-2.0 s at 278,000 variables, a 20,000-person county)
OVERRUN_PER_VARIABLE = 7e-6
# a later stage is begun only with at least this much time per variable: with less it finds
# nothing better than its hint at county scale, and a short solve overruns the most (a 3.5 s
# limit took 7.0 s once at 278,000 variables)
LEAST_STAGE_PER_VARIABLE = 2e-5
# seconds per person of the plan's facts and option space, built before the model's first
# time check (2.0 s at 20,000 people on the reference machine)
FACTS_PER_PERSON = 1e-4


@dataclass
class TimeBudget:
    """The solve's `SolveParams` and what is spent of its time limit so far.

    With a run's ``clock`` (wall time only) the solver gets what is left of the whole run
    less the clock's reserve for the steps after it; without one the limit counts from the
    call; in deterministic mode it is the solver's deterministic time.
    """

    params: SolveParams
    started: float = field(default_factory=time.perf_counter)
    deterministic_used: float = 0.0
    clock: RunClock | None = None
    margin: float = 0.0  # wall seconds kept back for the solver's overrun (`OVERRUN_PER_VARIABLE`)
    least_stage: float = 0.0  # the least time a later stage is begun with (wall time only)

    @property
    def limit(self) -> float:
        """The limit as the caller gave it (the whole run's, with a clock)."""
        if self.clock is not None and self.clock.limit is not None:
            return self.clock.limit
        return self.params.time_limit

    @property
    def workers(self) -> int:
        return 1 if self.params.deterministic else (
            self.params.workers or min(8, os.cpu_count() or 1))

    def remaining(self) -> float:
        """Budget left: wall seconds, or deterministic time units in deterministic mode."""
        if self.params.deterministic:
            return max(0.0, self.params.time_limit - self.deterministic_used)
        if self.clock is not None:
            return max(0.0, self.clock.solver_remaining() - self.margin)
        return max(0.0, self.params.time_limit - (time.perf_counter() - self.started)
                   - self.margin)

    def raise_if_used_up(self, before: str, needs: float = 0.0) -> None:
        """Stop the run (`TimeLimitError`) once the solver's share of a wall-clock limit is
        spent, or too short for an uninterruptible step of ``needs`` seconds at the reference
        pace, before ``before``: a step that cannot lead to a plan in time is not begun."""
        if self.clock is not None and not self.params.deterministic:
            self.clock.raise_if_used_up(before, needs=self.margin + needs * self.clock.pace)

    def configure(self, solver: cp_model.CpSolver, hinted: bool = False) -> None:
        """Workers, seed and limit; the full LP relaxation (level 2) proves the later stages
        (fairness, extra rotations) that level 1 leaves open at county scale.

        A solve from a hint keeps symmetries in presolve instead of fixing variables by them:
        each such fixing carries the whole hint along, which checks no limit and at county
        scale (20,000 people, 278,000 variables) turned the lateness stage from proven in
        22.6 s into unfinished after 24.7 s of a 21.5 s limit."""
        params = solver.parameters
        params.keep_symmetry_in_presolve = hinted
        params.random_seed = self.params.seed
        params.linearization_level = 2
        params.num_workers = self.workers
        limit = max(self.remaining(), 0.01)
        if self.params.deterministic:
            params.max_deterministic_time = limit
        else:
            params.max_time_in_seconds = limit


@dataclass
class StageOutcome:
    """One minimised stage: its value in the plan, the solver's objective and bound."""

    stage: str
    label: str
    value: int | None
    objective: int | None
    bound: int | None
    status: str  # optimal | feasible | not solved
    wall_time: float = 0.0
    deterministic_time: float = 0.0

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(abs(self.objective), 1)

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "stage": self.stage, "label": self.label, "value": self.value,
            "objective": self.objective, "bound": self.bound, "status": self.status,
            "gap": None if self.gap is None else round(self.gap, 6),
            "deterministic_time": round(self.deterministic_time, 6)}
        if timings:
            data["wall_time"] = round(self.wall_time, 4)
        return data


@dataclass
class PlanResult:
    """A rotation plan: the rotations, how well each stage was solved, the check, the reasons."""

    rotations: list[Rotation]
    status: str  # optimal | feasible
    stages: list[StageOutcome]
    report: PlanReport
    statuses: list[CandidateStatus]
    facts: PlanFacts
    manifest: dict[str, Any]

    def is_optimal(self) -> bool:
        """Every stage proven optimal."""
        return self.status == "optimal"

    def summary(self) -> str:
        """A short text for a human: status, stages, candidates by status, hard violations."""
        counts: dict[str, int] = {}
        for s in self.statuses:
            counts[s.status] = counts.get(s.status, 0) + 1
        head = (f"rotation plan {self.facts.horizon.label()}: {self.status}, "
                f"{len(self.rotations)} rotations, {len(self.report.hard_violations)} hard "
                "violations")
        lines = [head]
        lines += [f"  {s.stage}: {s.value} ({s.status})" for s in self.stages]
        lines.append("  candidates: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
        return "\n".join(lines)


@with_fewer_collections
def plan_rotations(instance: Instance, policy: Policy, years: int | None = None,
                   params: SolveParams | None = None, *, progress: Progress | None = None,
                   grouped: bool = True, clock: RunClock | None = None) -> PlanResult:
    """Plan who rotates to grassroots when, over ``years`` years from the selection year.

    Parameters
    ----------
    years
        length of the plan (default: the policy's ``planning.horizon``).
    params
        the solve's `SolveParams`: ``time_limit`` bounds the whole call (deterministic time
        units in deterministic mode; at the limit the best plan found is returned with status
        ``feasible``); ``deterministic``: one worker, fixed seed, identical plans.
    progress
        receives ``{"event": "stage", "stage": ..., "value": ...}`` as each stage is solved.
    grouped
        solve interchangeable people as groups (exact; off only to compare).
    clock
        the run's clock, when the call is one step of a longer run (`staffing.runs.plan_run`):
        the solver then gets what is left of the run's limit less the clock's reserve, and
        building the model stops once that is spent (outside deterministic mode).

    Returns
    -------
    PlanResult
        rotations, status, each stage's value and bound, the check report, every
        candidate's status and reason, and the manifest.

    Raises
    ------
    PolicyError
        when the policy has no planning section.
    InfeasibleError
        when no plan obeys the hard plan rules; its explanation names the conflicting
        rule instances.
    TimeLimitError
        when the time limit ran out before any plan was found.
    """
    params = params or SolveParams()
    settings = TimeBudget(params, clock=clock)
    planning = planning_of(policy)
    settings.raise_if_used_up("building the model",
                              needs=FACTS_PER_PERSON * len(instance.staff))
    facts = plan_facts(instance, policy, years)
    built = time.perf_counter()
    m = PlanModel(facts, planning, grouped=grouped,
                  between=lambda: settings.raise_if_used_up("building the model"))
    stages = planning.stage_objects()
    objectives = [stage.objective(m) for stage in stages]
    build_time = time.perf_counter() - built
    variables = len(m.model.proto.variables)
    settings.margin = OVERRUN_PER_VARIABLE * variables
    settings.least_stage = 0.0 if params.deterministic else LEAST_STAGE_PER_VARIABLE * variables
    settings.raise_if_used_up("solving")
    outcomes, solution = _solve_stages(m, stages, objectives, settings, progress)
    if solution is None:
        _raise_no_plan(facts, planning, settings, outcomes)
    assert solution is not None
    rotations = m.rotations([solution[v.index] for v in m.x])
    view = PlanView(facts, rotations)
    report = check_view(planning, view)
    _verify(report, outcomes)
    status = "optimal" if all(o.status == "optimal" for o in outcomes) else "feasible"
    statuses = candidate_statuses(planning, view)
    manifest = base_manifest(instance, policy, {
        "years": facts.horizon.years, "time_limit": params.time_limit,
        "deterministic": params.deterministic, "workers": settings.workers,
        "seed": params.seed, "grouped": grouped})
    manifest["plan"] = _plan_figures(m, rotations, statuses)
    manifest["solver"] = {"name": "CP-SAT", "status": status,
                          "variables": len(m.model.proto.variables),
                          "constraints": len(m.model.proto.constraints)}
    manifest["stages"] = [o.to_dict(timings=not params.deterministic) for o in outcomes]
    manifest["check"] = {"hard_violations": len(report.hard_violations),
                         "soft_violations": len(report.soft_violations),
                         "stages": report.stages}
    if not params.deterministic:
        manifest["timings"] = {"build": round(build_time, 4),
                               "total": round(time.perf_counter() - settings.started, 4)}
    return PlanResult(rotations, status, outcomes, report, statuses, facts, manifest)


def _solve_stages(m: PlanModel, stages: list[PlanStage], objectives: list[tuple[Any, int, int]],
                  settings: TimeBudget,
                  progress: Progress | None) -> tuple[list[StageOutcome], list[int] | None]:
    """Minimise each stage in turn, fixing each optimum (or best value) for the next."""
    solution: list[int] | None = None
    outcomes: list[StageOutcome] = []
    pending: list[StageOutcome] = []  # constant stages, recorded once a plan exists
    for stage, (expr, _low, _high) in zip(stages, objectives):
        if is_constant(expr):
            pending.append(StageOutcome(stage.name, stage.label_en, int(expr), int(expr),
                                        int(expr), "optimal"))
            continue
        if solution is not None and settings.remaining() <= settings.least_stage:
            outcomes.append(StageOutcome(stage.name, stage.label_en, None, None, None,
                                         "not solved"))
            continue
        outcome, found = _solve_one(m, stage, expr, settings, solution)
        if found is None:
            if solution is None:
                return [outcome], None
            outcome.status = "not solved"
            outcomes.append(outcome)
            continue
        solution = found
        m.model.add(expr <= int(outcome.objective or 0))
        outcomes.append(outcome)
        _report(progress, outcome)
    if solution is None:
        outcome, solution = _solve_one(m, None, 0, settings, None)
        if solution is None:
            return [outcome], None
    for outcome in pending:
        _report(progress, outcome)
    order = {stage.name: k for k, stage in enumerate(stages)}
    return sorted(outcomes + pending, key=lambda o: order[o.stage]), solution


def _solve_one(m: PlanModel, stage: PlanStage | None, expr: Any, settings: TimeBudget,
               hint: list[int] | None) -> tuple[StageOutcome, list[int] | None]:
    name = stage.name if stage is not None else "feasibility"
    label = stage.label_en if stage is not None else "any plan obeying the hard rules"
    m.model.clear_objective()
    if stage is not None:
        m.model.minimize(expr)
    m.model.clear_hints()
    if hint is not None:
        m.model.proto.solution_hint.vars.extend(range(len(hint)))
        m.model.proto.solution_hint.values.extend(hint)
    solver = cp_model.CpSolver()
    settings.configure(solver, hinted=hint is not None)
    started = time.perf_counter()
    code = solver.solve(m.model)
    wall = time.perf_counter() - started
    settings.deterministic_used += solver.deterministic_time
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        status = "infeasible" if code == cp_model.INFEASIBLE else "unknown"
        return StageOutcome(name, label, None, None, None, status, wall,
                            solver.deterministic_time), None
    value = round(solver.objective_value) if stage is not None else 0
    bound = min(value, int(np.ceil(solver.best_objective_bound - 1e-6))) if stage else 0
    status = "optimal" if code == cp_model.OPTIMAL else "feasible"
    return StageOutcome(name, label, value, value, bound, status, wall,
                        solver.deterministic_time), list(solver.response_proto.solution)


def _report(progress: Progress | None, outcome: StageOutcome) -> None:
    if progress is not None:
        progress({"event": "stage", **outcome.to_dict()})


def _verify(report: PlanReport, outcomes: list[StageOutcome]) -> None:
    """The checker must pass the plan and recompute the values the solver reached."""
    if not report.ok:
        raise StaffingError("the planner produced a plan that breaks hard plan rules (please "
                            "report): " + "; ".join(v.message for v in report.hard_violations[:5]))
    for outcome in outcomes:
        recomputed = report.stages.get(outcome.stage)
        if outcome.status == "optimal" and recomputed != outcome.objective:
            raise StaffingError(f"stage {outcome.stage}: the solver reached {outcome.objective} "
                                f"but the checker recomputes {recomputed} (please report)")
        outcome.value = recomputed


def _plan_figures(m: PlanModel, rotations: list[Rotation],
                  statuses: list[CandidateStatus]) -> dict[str, Any]:
    facts = m.facts
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s.status] = counts.get(s.status, 0) + 1
    return {"years": facts.horizon.year_list, "rotation_months": facts.horizon.rotation_months,
            "pool": int(facts.in_pool.sum()), "groups": len(m.space.groups),
            "options": len(m.space.options), "candidates": int(facts.candidate.sum()),
            "due": int(facts.due.sum()), "rotations": len(rotations),
            "departments": len(facts.departments), "places": len(facts.sites),
            "statuses": dict(sorted(counts.items()))}


def _raise_no_plan(facts: PlanFacts, planning: Any, settings: TimeBudget,
                   outcomes: list[StageOutcome]) -> None:
    failed = outcomes[0] if outcomes else None
    if failed is not None and failed.status == "unknown":
        limit = settings.limit
        raise TimeLimitError(f"no plan found within the time limit ({limit:g} s) at stage "
                             f"'{failed.stage}'; allow more time",
                             message_zh=f"在时间限制（{limit:g} 秒）内未能在“{failed.stage}”阶段"
                             "找到轮转计划；请放宽时间限制")
    raise InfeasibleError(explain_no_plan(facts, planning, max(settings.remaining(), 0.5)))
