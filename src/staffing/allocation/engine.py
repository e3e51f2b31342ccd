"""`allocate`: the annual two-way selection solved as a lexicographic CP-SAT model.

Pruning: choices that no roster without blocking pairs can contain are left
out of a stable-only model (`staffing.allocation.pruning.dominated_choices`).
The stable-only model holds the rule counted in the blocking-pairs stage hard.
With stability hard, every roster is stable and that model is exact. With
stability a soft stage, the stages before it are solved on the unpruned
model first; the stable-only model is exact when it reaches the same values
(it is then asked for exactly that, with those values as bounds, and carries
on), otherwise the unpruned model carries on and counts blocking pairs."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from pydantic import ValidationError

from staffing.allocation.deferred import (
    Market,
    deferred_acceptance,
    master_list,
    roster_of,
)
from staffing.allocation.explain import explain_infeasibility
from staffing.allocation.fast_path import plain_market_outcome
from staffing.allocation.first_roster import finished, first_roster
from staffing.allocation.model import AllocationModel
from staffing.allocation.pairs import build_pairs
from staffing.allocation.pruning import dominated_mask
from staffing.allocation.result import AllocationResult, StageResult, Status
from staffing.allocation.stages import (
    RELEASED_DURING_SOLVE,
    Objective,
    Solve,
    SolveSettings,
    fix_objective,
    settle_open_stages,
    solve_floor_first,
    solve_objective,
    stage_objectives,
)
from staffing.allocation.warm_start import designer_pairs, solve_near
from staffing.check import CheckReport, check
from staffing.domain.arrays import POOLS
from staffing.domain.clock import RunClock
from staffing.domain.instance import Instance
from staffing.domain.memory import return_freed_memory, with_fewer_collections
from staffing.domain.objective import Stage
from staffing.domain.pairs import Pairs
from staffing.domain.params import SolveParams
from staffing.domain.roster import Assignment, Roster, trusted_assignments
from staffing.errors import (
    ArgumentError,
    InfeasibleError,
    StaffingError,
    TimeLimitError,
    argument_problem,
    check_types,
)
from staffing.io.messages import argument_error
from staffing.manifest import allocation_manifest
from staffing.policy import Policy

_EXPLANATION_WRITE = 0.2  # seconds kept to write an explanation of an infeasible policy


class StagedSolve:
    """One model solved stage by stage; can stop after a stage and resume."""

    def __init__(self, instance: Instance, policy: Policy, pairs: Pairs, settings: SolveSettings,
                 *, stable_only: bool = False, first: bool = True):
        """``first``: no roster has been found yet, so the build stops (`TimeLimitError`) once
        the time limit is used up; later builds run whole (a roster found stands)."""
        built = time.perf_counter()
        clock = settings.clock
        if first and clock is not None:
            clock.raise_if_used_up("building the model")
        self.model = AllocationModel(instance, policy, pairs, stable_only=stable_only)
        self.model.emit_rules(between=partial(clock.raise_if_used_up, "building the model")
                              if first and clock is not None else None)
        self.plan: list[tuple[Stage, list[Objective]]] = stage_objectives(self.model)
        self.build_time = time.perf_counter() - built
        self.settings = settings
        self.results: list[StageResult] = []
        self.solution: list[int] | None = None
        self.start: list[int] | None = None  # a partial hint before the first solution
        self.position = 0  # next stage to solve
        self.failed: StageResult | None = None
        self.timed_out = False
        self.near: np.ndarray | None = None  # pair values to stay near (see warm_start)
        self.near_stages = 0  # the stages solved near them

    def solve_through(self, last: int | None = None) -> bool:
        """Solve stages up to index ``last`` (all by default).

        Returns False when a stage proves infeasible, or when no roster at all was found in
        time. When time runs out after a roster was found, the remaining stages are recorded
        as not solved and the roster found so far stands (``timed_out``).
        """
        last = len(self.plan) - 1 if last is None else last
        settled: list[StageResult] = []  # constant stages awaiting the first solution
        while self.position <= last and not self.timed_out:
            _stage, objectives = self.plan[self.position]
            for objective in objectives:
                if self._can_defer(objective, last):
                    value = int(objective.expr)
                    settled.append(objective.result(value, value, "optimal", 0.0, 0.0))
                    continue
                hint = self.solution if self.solution is not None else self.start
                results, solution = self._solve_objective(objective, hint)
                if solution is None:
                    self.failed = results[0]
                    if results[0].status == "unknown" and self.solution is not None:
                        self.timed_out = True
                        self.results.extend(results)
                        return True
                    return False
                self._report(settled)
                self.results.extend(settled + results)
                settled = []
                self.solution = solution
                fix_objective(self.model, objective, results, solution)
            self.position += 1
        return True

    def _solve_objective(self, objective: Objective,
                         hint: list[int] | None) -> tuple[list[StageResult], list[int] | None]:
        self.model.instance.release_large(RELEASED_DURING_SOLVE)
        return_freed_memory()
        solve: Solve = solve_objective
        if self.near is not None and self.position < self.near_stages:
            near = self.near
            def solve(m: AllocationModel, objective: Objective, settings: SolveSettings,
                      hint: list[int] | None) -> tuple[list[StageResult], list[int] | None]:
                return solve_near(m, objective, near, settings, hint)
        if objective.floor_first and not (objective.constant or objective.members
                                          or objective.parts):
            return solve_floor_first(self.model, objective, self.settings, hint, solve)
        return solve(self.model, objective, self.settings, hint)

    def _report(self, results: list[StageResult]) -> None:
        if self.settings.progress is not None:
            for result in results:
                self.settings.progress(result.event())

    def _can_defer(self, objective: Objective, last: int) -> bool:
        """A constant stage before any solution: the next stage's solve proves it feasible."""
        if self.solution is not None or not objective.constant:
            return False
        return any(not later.constant
                   for _stage, objectives in self.plan[self.position + 1:last + 1]
                   for later in objectives)

    def can_adopt(self, stages: int) -> bool:
        """Whether the first ``stages`` stages can be carried over from another model as bounds.

        A weighted rank profile cannot: its weights depend on the ranks each model contains.
        """
        return all(not objective.parts for _stage, objectives in self.plan[:stages]
                   for objective in objectives)

    def adopt(self, other: StagedSolve, stages: int) -> bool:
        """Take the first ``stages`` stages as solved by ``other`` (on the same instance).

        Each stage's value becomes an upper bound here and its result is recorded as this
        model's; the other model's roster is the starting hint. False when a stage that is
        constant here is already worse than the other model's value.
        """
        for (_stage, objectives), (_same, theirs) in zip(self.plan[:stages], other.plan[:stages]):
            for objective, their_objective in zip(objectives, theirs):
                result = next(r for r in other.results
                              if (r.stage, r.sub) == (their_objective.stage, their_objective.sub))
                assert result.objective is not None
                if objective.constant:
                    if int(objective.expr) > result.objective:
                        return False
                else:
                    self.model.model.add(objective.expr <= result.objective)
        self.results = list(other.results)
        self.position = stages
        self.hint_from(Roster(assignments=other.roster()))
        return True

    def stage_value(self, index: int) -> int:
        """Sum of the solver objectives of one stage (0 means the stage is perfect)."""
        stage = self.plan[index][0]
        return sum(r.objective or 0 for r in self.results if r.stage is stage)

    def hint_from(self, roster: Roster) -> None:
        """Start from a roster found elsewhere (only pair variables are hinted)."""
        m = self.model
        a = m.arrays
        values = [0] * len(m.x)
        for assignment in roster.assignments:
            if assignment.post is None:
                continue
            k = m.pair_of(a.person_index[assignment.person], a.post_index[assignment.post])
            if k is not None:
                values[k] = 1
        self.start = values

    def roster(self) -> list[Assignment]:
        """The assignments of the current solution."""
        assert self.solution is not None
        return extract_assignments(self.model, self.solution)


def extract_assignments(m: AllocationModel, solution: list[int]) -> list[Assignment]:
    a, p = m.arrays, m.pairs
    chosen = np.flatnonzero(np.asarray(solution[: len(m.x)], dtype=np.int64) == 1)
    post_of = dict(zip(p.person[chosen].tolist(), p.post[chosen].tolist()))
    rows = []
    for i, person in enumerate(a.person_ids):
        j = post_of.get(i)
        rows.append((person, a.post_ids[j] if j is not None else None,
                     _pool_of(m, solution, i, j is not None)))
    return trusted_assignments(rows)


def _pool_of(m: AllocationModel, solution: list[int], i: int, placed: bool) -> Any:
    a = m.arrays
    if a.dispatched[i]:
        return None
    if a.pool[i] >= 0:
        return POOLS[a.pool[i]] if (placed or not a.recruit[i]) else None
    if not placed:
        return None
    for pool, var in m.charge.get(i, {}).items():
        if var is None or solution[var.index] == 1:
            return pool
    return None


@dataclass
class AllocationRun:
    """What a call to `allocate` did, for the manifest and the progress display."""

    pairs_total: int = 0
    pairs_pruned: int = 0
    pruning: str = "off"
    build_time: float = 0.0
    prune_time: float = 0.0


Progress = Callable[[dict[str, Any]], None]


@with_fewer_collections
def allocate(
    instance: Instance,
    policy: Policy,
    params: SolveParams | None = None,
    *,
    hint: Roster | None = None,
    progress: Progress | None = None,
    time_limit: float | None = None,
    deterministic: bool | None = None,
    workers: int | None = None,
    seed: int | None = None,
    explain: bool = True,
    clock: RunClock | None = None,
) -> AllocationResult:
    """Run the two-way selection under every rule of the policy.

    Parameters
    ----------
    params
        time limit, deterministic mode, workers and seed (`SolveParams`); the keywords
        ``time_limit``, ``deterministic``, ``workers`` and ``seed`` replace single fields.
    hint
        a roster to start from (for example last year's, or a scenario's base).
    progress
        called with each improving solution (``{"event": "solution", ...}``) and each
        finished stage (``{"event": "stage", ...}``, as `StageResult.to_dict` plus ``name``).
    explain
        when no roster exists, find the conflicting rules and the least changes (within
        what is left of the time limit); False raises at once.
    clock
        the whole run's `RunClock` (its limit, less its reserve, caps every solve in every
        mode; its stop token stops a running solve; each step is timed on it). Without
        one, ``time_limit`` seconds of wall time bound this call.

    Returns
    -------
    AllocationResult
        the roster, ``status`` (``optimal``: every stage proven; ``feasible``: the time
        limit came first and the best roster found is returned), each stage's value, bound
        and gap, the checker's report of the roster and the manifest.

    Raises
    ------
    InfeasibleError
        when no roster obeys the hard rules; its ``explanation`` names the
        conflicting rules, their instances and the smallest change found.
    """
    check_types("allocate()", [
        ("instance", instance, Instance, "an Instance (staffing.load)",
         "Instance（staffing.load）"),
        ("policy", policy, Policy, "a Policy (staffing.load_policy)",
         "Policy（staffing.load_policy）"),
        ("params", params, (SolveParams, type(None)), "SolveParams or None",
         "SolveParams 或 None"),
        ("hint", hint, (Roster, type(None)), "a Roster or None", "Roster 或 None"),
    ])
    if progress is not None and not callable(progress):
        raise ArgumentError([argument_problem("allocate()", "progress", progress,
                                              "a function of one event, or None",
                                              "接收一个事件的函数，或 None")])
    try:
        params = (params or SolveParams()).updated(
            time_limit=time_limit, deterministic=deterministic, workers=workers, seed=seed)
    except ValidationError as error:
        raise argument_error("allocate()", error) from None
    clock = clock if clock is not None else RunClock(params.time_limit)
    settings = SolveSettings(
        time_limit=params.solver_limit(), deterministic=params.deterministic,
        workers=params.workers or min(8, os.cpu_count() or 1), seed=params.seed,
        progress=progress, clock=clock,
    )
    run = AllocationRun()
    started = time.perf_counter()
    with clock.step("solve"):
        plain = _plain_market_roster(instance, policy, settings, run, started)
    if plain is not None:
        return plain
    clock.raise_if_used_up("building the candidate pairs",
                           needs=PAIRS_PER_PERSON * len(instance.staff) * clock.pace)
    with clock.step("pairs"):
        full_pairs = build_pairs(instance, policy)
    run.pairs_total = len(full_pairs)
    clock.raise_if_used_up("building the model")
    needed = staged_first_roster_seconds(len(full_pairs), clock.pace)
    if clock.limit is not None and clock.solver_remaining() < needed:
        improve_for = clock.solver_remaining()  # then the steps after the solver's share
        clock.release()  # the search for a first roster may take their share
        return _first_roster_result(instance, policy, full_pairs, settings, run,
                                    f"the stage-by-stage solve needs about {needed:.1f} s "
                                    "before its first roster", improve_for)
    solving = time.perf_counter()
    try:
        solve = _solve(instance, policy, full_pairs, settings, hint, run)
    except TimeLimitError:  # building the models took the time
        solve = None
    _time_solve(clock, run, time.perf_counter() - solving)
    if solve is None or _out_of_time(solve):
        clock.release()  # the steps after the solver degrade to make room
        return _first_roster_result(instance, policy, full_pairs, settings, run,
                                    "the stage-by-stage solve found none in time")
    if solve.solution is None:
        with clock.step("explain"):
            _raise_infeasible(instance, policy, solve, settings, explain)
    with clock.step("check"):
        roster = finished(instance, policy, solve.roster())
        report = check(instance, policy, roster)
        settle_open_stages(solve.results, report.stages)
    _raise_if_broken(report)
    stages = _fill_values(solve, report.stages)
    proven = all(r.status == "optimal" for r in solve.results) and not solve.timed_out
    status: Status = "optimal" if proven else "feasible"
    records = [r.to_dict(timings=not settings.deterministic) for r in stages]
    manifest = allocation_manifest(instance, policy, settings, run, records, status, solve.model)
    return AllocationResult(roster=roster, status=status, stages=stages, report=report,
                            manifest=manifest)


def _raise_if_broken(report: CheckReport) -> None:
    """The checker's certificate of every roster the engine returns."""
    if not report.ok:
        raise StaffingError(
            "the engine produced a roster that breaks hard rules (please report): "
            + "; ".join(v.message for v in report.hard_violations[:5])
        )


# Seconds per candidate pair that the stage-by-stage solve takes before its first roster
# (building the stable-only and the unpruned model, the first stage's presolve) on the
# reference machine, with half again as margin: measured 0.4 s for the 15,000 pairs of the
# generated 3,000-person county and 2.7-6.1 s for the 154,536 of the 20,000-person one
# (benchmarks/README.md, "Time limits").
STAGED_FIRST_ROSTER_PER_PAIR = 0.00006
PAIRS_PER_PERSON = 0.00005  # building the candidate pairs (1 s at 20,000 people)


def staged_first_roster_seconds(pairs: int, pace: float = 1.0) -> float:
    """The estimated seconds before the stage-by-stage solve has a roster (``pace``: how much
    slower the machine runs now than the reference, `RunClock.pace`)."""
    return pairs * STAGED_FIRST_ROSTER_PER_PAIR * pace


def _out_of_time(solve: StagedSolve) -> bool:
    """Whether the stage-by-stage solve ended with no roster because the time ran out."""
    return (solve.solution is None and solve.failed is not None
            and solve.failed.status == "unknown")


def _first_roster_result(instance: Instance, policy: Policy, pairs: Pairs,
                         settings: SolveSettings, run: AllocationRun, why: str,
                         improve_for: float | None = None) -> AllocationResult:
    """The time left would not hold, or did not hold, the stage-by-stage solve (``why``): a
    first roster that meets every hard rule (`staffing.allocation.first_roster`), recorded
    as cut short, no stage proven. ``improve_for``: seconds after which a roster found is
    no longer brought nearer the designer's (`first_roster`).

    Raises `TimeLimitError` when none was found in time.
    """
    clock = settings.clock
    assert clock is not None  # `allocate` always gives one
    left = clock.solver_remaining()
    if left <= 0:
        clock.raise_if_used_up("a first roster was found")
    with clock.step("solve"):
        first = first_roster(instance, policy, pairs, settings, extract_assignments,
                             improve_for)
    if first is None:
        raise TimeLimitError(f"no roster found within the time limit ({clock.limit:g} s): "
                             f"{left:.1f} s were left for solving and {why}; allow more time",
                             message_zh=f"在时间限制（{clock.limit:g} 秒）内未找到方案：求解只剩 "
                             f"{left:.1f} 秒；请放宽时间限制")
    _raise_if_broken(first.report)
    clock.cut("solve", f"{left:.1f} s were left for solving and {why}: a roster meeting every "
              f"hard rule ({first.solved_with}), no stage optimised or proven")
    report = first.report
    wall, dtime = first.wall_time, first.deterministic_time
    stages = []
    for stage in policy.objective:
        value = report.stages[stage.value]
        exact = value if isinstance(value, int) else None
        stages.append(StageResult(stage, None, exact, None, "feasible", wall, dtime, value=value,
                                  solved_with=first.solved_with))
        wall = dtime = 0.0
    run.pruning = "off: a first roster, the time limit being short"
    records = [r.to_dict(timings=not settings.deterministic) for r in stages]
    manifest = allocation_manifest(instance, policy, settings, run, records, "feasible",
                                   first.model)
    return AllocationResult(roster=first.roster, status="feasible", stages=stages,
                            report=report, manifest=manifest)


def _plain_market_roster(instance: Instance, policy: Policy, settings: SolveSettings,
                         run: AllocationRun, started: float) -> AllocationResult | None:
    """The plain-market fast path (`staffing.allocation.fast_path`): deferred acceptance,
    certified by the checker (no hard violation, no blocking pair); None when it does not
    apply."""
    outcome = plain_market_outcome(instance, policy)
    if outcome is None:
        return None
    roster = roster_of(instance, policy, outcome)
    report = check(instance, policy, roster)
    if not report.ok or report.blocking_pairs:
        return None
    wall = time.perf_counter() - started
    stages = []
    for stage in policy.objective:
        value = report.stages[stage.value]
        exact = value if isinstance(value, int) else None
        stages.append(StageResult(stage, None, exact, exact, "optimal", wall, 0.0, value=value,
                                  solved_with="deferred acceptance"))
        wall = 0.0
    run.pruning = "deferred acceptance: plain market, strict rankings (no model)"
    records = [r.to_dict(timings=not settings.deterministic) for r in stages]
    manifest = allocation_manifest(instance, policy, settings, run, records, "optimal", None)
    return AllocationResult(roster=roster, status="optimal", stages=stages, report=report,
                            manifest=manifest)


def _time_solve(clock: RunClock, run: AllocationRun, seconds: float) -> None:
    """Count the solve's pruning, model building and search (the rest) as separate steps."""
    clock.add("prune", run.prune_time)
    clock.add("model", run.build_time)
    clock.add("solve", max(0.0, seconds - run.prune_time - run.build_time))
    clock.check_stop()


def _solve(instance: Instance, policy: Policy, full_pairs: Pairs, settings: SolveSettings,
           hint: Roster | None, run: AllocationRun) -> StagedSolve:
    """Solve the stable-only pruned model where that is certified exact, else the full model."""
    counted = policy.rules_counted_in(Stage.BLOCKING_PAIRS)
    if not counted:
        return _solve_plain(instance, policy, full_pairs, settings, hint, run, "off")
    stability = counted[0]
    if stability.hard and hint is None:  # a start in no time (see _weakly_stable_start)
        hint = _weakly_stable_start(instance, policy, full_pairs, settings)
    pruning = time.perf_counter()
    dominated = dominated_mask(instance, policy, full_pairs)
    run.prune_time += time.perf_counter() - pruning
    run.pairs_pruned = int(dominated.sum())
    stable_pairs = full_pairs.without(dominated)
    blocking = None if stability.hard else policy.objective.index(Stage.BLOCKING_PAIRS)
    if blocking and _adoptable(policy, blocking):
        return _solve_unpruned_first(instance, policy, full_pairs, stable_pairs, settings,
                                     hint, run)
    pruned = StagedSolve(instance, policy, stable_pairs, settings, stable_only=True)
    run.build_time += pruned.build_time
    if hint is not None:
        pruned.hint_from(hint)
    if stability.hard:
        run.pruning = "exact: stability is hard"
        pruned.solve_through()
        return pruned
    if blocking == 0:
        # Exact when a stable roster obeys the hard rules; otherwise blocking pairs are counted.
        if pruned.solve_through():
            run.pruning = "exact: stability is the first stage"
            return pruned
        return _solve_plain(instance, policy, full_pairs, settings, hint, run,
                            "dropped: no stable roster obeys the hard rules")
    return _solve_pruned_first(instance, policy, full_pairs, pruned, settings, hint, run)


def _adoptable(policy: Policy, blocking: int) -> bool:
    """Whether the stages before stability carry from one model to the other as bounds
    (`StagedSolve.can_adopt`) whatever the models: no rank profile among them (its weights
    depend on the ranks each model contains)."""
    return Stage.RANK_PROFILE not in policy.objective[:blocking]


def _weakly_stable_start(instance: Instance, policy: Policy, full_pairs: Pairs,
                         settings: SolveSettings) -> Roster:
    """Deferred acceptance with ties broken by the merit order: weakly stable whenever only
    capacities bind. Reported as the first solution when it obeys every hard rule."""
    roster = roster_of(instance, policy, deferred_acceptance(
        Market.of(instance, policy, full_pairs), master_list(instance, policy)))
    if settings.progress is not None:
        report = check(instance, policy, roster)
        if report.ok:
            first = policy.objective[0].value if policy.objective else None
            value = report.stages.get(first) if first else None
            settings.progress({"event": "solution", "stage": first,
                               "objective": value if isinstance(value, int) else None,
                               "bound": None, "source": "deferred acceptance",
                               "elapsed": time.perf_counter() - settings.started})
    return roster


def _solve_unpruned_first(instance: Instance, policy: Policy, full_pairs: Pairs,
                          stable_pairs: Pairs, settings: SolveSettings, hint: Roster | None,
                          run: AllocationRun) -> StagedSolve:
    """Solve the stages before stability on the unpruned model, then ask the pruned one to match.

    The unpruned model reaches the best values of the earlier stages (its presolve is light:
    stability is soft there). The pruned model (on ``stable_pairs``) is then a feasibility
    question: does a stable roster reach those values? If so it is exact and carries on; if
    not (or no answer in time) the unpruned model carries on from where it stopped. The
    pruned model is built only then: while the earlier stages are solved it would hold
    memory for nothing, and it is never built when they are not proven.
    """
    blocking = policy.objective.index(Stage.BLOCKING_PAIRS)
    full = StagedSolve(instance, policy, full_pairs, settings)
    run.build_time += full.build_time
    if hint is not None:
        full.hint_from(hint)
    full.near, full.near_stages = designer_pairs(full.model), blocking
    if not full.solve_through(blocking - 1) or full.timed_out:
        run.pruning = "dropped: the stages before stability were not proven"
        return full
    pruned = StagedSolve(instance, policy, stable_pairs, settings, stable_only=True, first=False)
    run.build_time += pruned.build_time
    if pruned.adopt(full, blocking) and pruned.solve_through():
        run.pruning = "certified: a stable roster reaches the unpruned model's earlier stages"
        return pruned
    run.pruning = ("dropped: certification ran out of time"
                   if pruned.failed is not None and pruned.failed.status == "unknown"
                   else "dropped: giving up stability pays on an earlier stage")
    full.solve_through()
    return full


def _solve_pruned_first(instance: Instance, policy: Policy, full_pairs: Pairs,
                        pruned: StagedSolve, settings: SolveSettings, hint: Roster | None,
                        run: AllocationRun) -> StagedSolve:
    """Solve the pruned model first, then certify its earlier stages on the unpruned one.

    Used when an earlier stage cannot be carried from one model to the other as a bound (a
    rank profile weighted by the ranks each model contains).
    """
    blocking = policy.objective.index(Stage.BLOCKING_PAIRS)
    if not pruned.solve_through(blocking):
        return _solve_plain(instance, policy, full_pairs, settings, hint, run,
                            "dropped: no stable roster obeys the hard rules")
    if all(pruned.stage_value(k) == 0 for k in range(blocking)):
        run.pruning = "certified: a stable roster is perfect on the earlier stages"
        pruned.solve_through()
        return pruned
    full = StagedSolve(instance, policy, full_pairs, settings, first=False)
    run.build_time += full.build_time
    full.hint_from(Roster(assignments=pruned.roster()))
    if not full.solve_through(blocking - 1):
        run.pruning = "kept: certification ran out of time (not proven)"
        pruned.solve_through()
        return pruned
    if all(full.stage_value(k) == pruned.stage_value(k) for k in range(blocking)):
        run.pruning = "certified: the unpruned model is no better on the earlier stages"
        pruned.solve_through()
        return pruned
    run.pruning = "dropped: giving up stability pays on an earlier stage"
    full.solve_through()
    return full


def _solve_plain(instance: Instance, policy: Policy, pairs: Pairs, settings: SolveSettings,
                 hint: Roster | None, run: AllocationRun, pruning: str) -> StagedSolve:
    solve = StagedSolve(instance, policy, pairs, settings)
    run.build_time += solve.build_time
    run.pruning = pruning
    if hint is not None:
        solve.hint_from(hint)
    solve.solve_through()
    return solve


def _fill_values(solve: StagedSolve, values: dict[str, Any]) -> list[StageResult]:
    """Each solved (sub-)stage with its value in the user's terms, recomputed from the roster."""
    for result in solve.results:
        if result.status == "unknown":
            continue
        value = values.get(result.stage.value)
        result.value = value[result.sub - 1] if result.sub is not None and value else value
    return list(solve.results)


def _raise_infeasible(instance: Instance, policy: Policy, solve: StagedSolve,
                      settings: SolveSettings, explain: bool) -> None:
    failed = solve.failed
    assert settings.clock is not None  # `allocate` always gives one
    if failed is not None and failed.status == "unknown":
        raise TimeLimitError(
            f"no roster found within the time limit ({settings.clock.limit:g} s) at stage "
            f"'{failed.stage}'; allow more time",
            message_zh=f"在时间限制（{settings.clock.limit:g} 秒）内、目标阶段“{failed.stage}”"
            "未找到方案；请放宽时间限制")
    if not explain:
        raise InfeasibleError("no roster obeys every hard rule of the policy")
    deadline = settings.clock.end - _EXPLANATION_WRITE  # the explanation is the run's last step
    raise InfeasibleError(explain_infeasibility(
        instance, policy, deadline=deadline, deterministic=settings.deterministic))
