"""Whole runs, end to end: load, validate, solve, check, explain, write every output at once.

`solve_run` is what ``staffing solve`` does and what the service and scenarios call:
read the instance and the policy (every problem of both at once), check that the
instance fits the policy, allocate (the result carries the checker's report: no
second check), give every person's reasons, and write every output with the
manifest into the output folder in one atomic move; when no roster exists, the
explanation is written instead and `InfeasibleError` raised. `pay_run` does the
same for a pay plan, `plan_run` for a multi-year rotation plan.

One time limit bounds the whole run (``SolveParams.time_limit``, seconds of wall time in
every mode): a `RunClock` is started before loading (the command line starts it when the
process started) and every step draws from it. Once the inputs are loaded, a reserve for
the steps after the solver (check, reasons, report, writes) is estimated from the number
of people and how fast loading went, and the solver gets what is left less that
reserve. When time is short the steps after the solver degrade, visibly: reasons are
given in full while time allows and as the outcome line alone (``detailed`` no) for the
rest; the extra outputs (the report) are left out when what is left would not hold
them. The manifest's ``run`` records the limit, each step cut short and what it gave up,
the stages a deterministic solve had to stop on the wall clock, and whether the result
is reproducible; ``timings`` has the seconds of each step (in deterministic mode they
are in ``timings.json``, the one file that varies between identical runs).

```python
run = solve_run("instances/demo-county", "models/chongqing-2024.yaml", "out/demo",
                SolveParams(time_limit=30))
run.result.summary(); run.files
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from staffing.allocation.engine import Progress, allocate
from staffing.allocation.outputs import (
    json_text,
    solve_manifest,
    write_infeasibility,
    write_solve_outputs,
    write_stopped,
)
from staffing.allocation.reasons import Reason, explain_roster
from staffing.allocation.result import AllocationResult
from staffing.domain.clock import RunClock, StopToken
from staffing.domain.instance import Instance
from staffing.domain.memory import with_fewer_collections
from staffing.domain.params import SolveParams
from staffing.domain.roster import Roster
from staffing.errors import (
    InfeasibleError,
    InputError,
    Problem,
    TimeLimitError,
    raise_if_errors,
)
from staffing.io.bundle import load
from staffing.io.roster_io import read_roster
from staffing.manifest import base_manifest
from staffing.policy import Policy, load_policy, policy_problems

if TYPE_CHECKING:
    from staffing.pay.result import PayResult
    from staffing.planning.engine import PlanResult

InstanceSource = Instance | str | Path
PolicySource = Policy | str | Path | None  # None: every rule with its defaults
RosterSource = Roster | str | Path


@dataclass(frozen=True)
class SolveOutputs:
    """What a solve run writes, handed to extra outputs drawn from it (a report)."""

    instance: Instance
    policy: Policy
    result: AllocationResult
    reasons: list[Reason]
    manifest: dict[str, Any]  # as written to manifest.json


@dataclass(frozen=True)
class PayOutputs:
    """What a pay run writes, handed to extra outputs drawn from it (a report); ``clock``:
    the run's, whose solver share is what the extra outputs may spend on solving (targets)."""

    instance: Instance
    policy: Policy
    roster: Roster
    result: PayResult
    clock: RunClock | None = None


@dataclass(frozen=True)
class SolveRun:
    """A finished solve run: its inputs, result, reasons and the files written."""

    instance: Instance
    policy: Policy
    result: AllocationResult
    reasons: list[Reason]
    out: Path
    files: list[str]
    seconds: float  # from the start of loading to the last file written
    timings: dict[str, float]  # each step's seconds, and the total, as the manifest has them
    record: dict[str, Any]  # the manifest's ``run``: limit, steps cut short, reproducible


@dataclass(frozen=True)
class PayRun:
    """A finished pay run: its inputs, result and the files written."""

    instance: Instance
    policy: Policy
    roster: Roster
    result: PayResult
    out: Path
    files: list[str]
    seconds: float  # from the start of loading to the last file written
    record: dict[str, Any]  # the manifest's ``run``: limit, steps cut short


@dataclass(frozen=True)
class PlanRun:
    """A finished rotation-plan run: its inputs, result, the warnings and the files written."""

    instance: Instance
    policy: Policy
    result: PlanResult
    warnings: list[Problem]
    out: Path
    files: list[str]
    seconds: float


# seconds (fixed, per person) of a plan run's steps after the solver (check, statuses, manifest,
# every file and the workbook), on the reference machine: 1.2 s measured at 20,000 people
PLAN_AFTER_SOLVER = (0.3, 0.00006)


def load_inputs(instance: InstanceSource, policy: PolicySource,
                rotation_plan: str | Path | None = None) -> tuple[Instance, Policy]:
    """The instance and the policy (loaded when given as paths), the problems of both at once.

    With ``rotation_plan`` (a plan's ``rotations.csv`` or its folder), year 1 of that plan
    joins the instance as directed placements.

    Raises
    ------
    InputError
        listing every problem of the instance bundle and of the policy file, located.
    """
    problems: list[Problem] = []
    policy_model = inst = None
    try:
        policy_model = _policy(policy)
    except InputError as error:
        problems.extend(error.problems)
    try:
        inst = instance if isinstance(instance, Instance) else load(instance)
    except InputError as error:
        problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    assert inst is not None and policy_model is not None  # else a problem was raised
    if rotation_plan is not None:
        from staffing.planning.directed import directed_from_plan  # lazy: planning, when asked

        inst = directed_from_plan(inst, policy_model, rotation_plan)
    return inst, policy_model


def _policy(policy: PolicySource) -> Policy:
    if policy is None:
        return Policy.default()
    return policy if isinstance(policy, Policy) else load_policy(policy)


def _roster(roster: RosterSource, instance: Instance) -> Roster:
    return roster if isinstance(roster, Roster) else read_roster(roster, instance)


# Seconds of each step after the solver (fixed, per person) when loading takes LOAD_FIXED
# and LOAD_PER_PERSON a person; the estimate scales them by how much slower loading went (a loaded
# machine is slower at every step). Measured on the quiet reference machine at 3,000 and
# 20,000 people with a margin (see benchmarks/README.md, "Time limits"). Reasons: in full.
LOAD_PER_PERSON = 0.00006
LOAD_FIXED = 0.05  # reading any bundle (files, tables), whatever its size
FIT_PER_PERSON = 0.00007  # checking that the instance fits the policy (1.4 s at 20,000)
# Write: the CSV files and the manifest; workbooks: roster.xlsx and reasons.xlsx.
AFTER_SOLVER = {"check": (0.05, 0.00005), "reasons": (0.05, 0.00015), "report": (1.0, 0.00007),
                "write": (0.1, 0.00006), "workbooks": (0.15, 0.00017)}


# The steps after the solver that a run short of time cannot leave out: the check and the
# CSV files with the manifest (reasons then fall to outcome lines, report and workbooks go).
LEAST_AFTER = ("check", "write")
LEAST_MARGIN = 1.25  # a quarter more: the outcome-line reasons, the hand-over between steps


def machine_pace(people: int, load_seconds: float | None = None) -> float:
    """How much slower than the reference machine this one runs now (never below 1), from
    how long loading ``people`` took (``load_seconds``; None: inputs given as objects)."""
    if load_seconds is None or not people:
        return 1.0
    return max(1.0, load_seconds / (LOAD_FIXED + people * LOAD_PER_PERSON))


def after_solver_seconds(people: int, load_seconds: float | None = None) -> dict[str, float]:
    """The estimated seconds of each step after the solver.

    ``load_seconds``: how long loading these inputs took (None: inputs given as objects),
    a measure of the machine's speed now (`machine_pace`).
    """
    slower = machine_pace(people, load_seconds)
    return {step: (fixed + people * per) * slower
            for step, (fixed, per) in AFTER_SOLVER.items()}


@contextmanager
def _step(clock: RunClock, progress: Progress | None, name: str) -> Iterator[None]:
    """A timed step of the run, announced to ``progress``."""
    if progress is not None:
        progress({"event": "step", "step": name, "elapsed": clock.elapsed()})
    with clock.step(name):
        yield


@with_fewer_collections
def solve_run(instance: InstanceSource, policy: PolicySource, out: str | Path,
              params: SolveParams | None = None, *, hint: RosterSource | None = None,
              progress: Progress | None = None,
              extra_outputs: Callable[[SolveOutputs], dict[str, str]] | None = None,
              rotation_plan: str | Path | None = None,
              clock: RunClock | None = None, stop: StopToken | None = None,
              ) -> SolveRun:
    """One two-way selection from the inputs to the written outputs.

    Parameters
    ----------
    instance, policy
        objects, or paths to load (a bundle folder, .xlsx or .json; a policy YAML).
    out
        the folder to write: roster, vacancies, audit, violations, reasons, blocking pairs,
        manifest (all or nothing).
    params
        the solve's `SolveParams`; its ``time_limit`` bounds the whole run.
    hint
        a roster (or roster.csv) to start from.
    progress
        receives ``{"event": "loaded", ...}`` once the inputs are read and fit, the
        engine's solution and stage events, and ``{"event": "step", "step": ...}`` as
        each step starts.
    extra_outputs
        more files drawn from the run (name -> text), written in the same atomic move.
    rotation_plan
        a rotation plan (``rotations.csv`` or its folder) whose year 1 the selection obeys
        as directed placements.
    clock
        the run's clock, when it was started earlier (the command line starts it when the
        process started); by default one is started now with ``params.time_limit``.
    stop
        a token that stops the run on request (a running solve at once): `Cancelled`.

    Raises
    ------
    InputError
        every problem of the inputs, located; nothing is written.
    InfeasibleError
        no roster obeys the hard rules; ``infeasibility.txt`` and ``.json`` are written.
    TimeLimitError
        the limit ran out before any roster was found (loading, building or solving took
        it); ``manifest.json`` says where and what each step took.
    Cancelled
        ``stop`` was called; nothing is written.
    """
    params = params or SolveParams()
    clock = clock if clock is not None else RunClock(params.time_limit, stop=stop)
    if stop is not None:
        clock.stop = stop
    loaded: list[Any] = []  # the instance and the policy, once read
    try:
        with _step(clock, progress, "load"):
            inst, policy_model = load_inputs(instance, policy, rotation_plan)
        loaded += [inst, policy_model]
        clock.pace = machine_pace(len(inst.staff), None if isinstance(instance, Instance)
                                  else clock.steps["load"])
        clock.raise_if_used_up("fitting the policy to the instance",
                               needs=FIT_PER_PERSON * len(inst.staff) * clock.pace)
        with _step(clock, progress, "fit"):
            raise_if_errors(policy_problems(inst, policy_model))
            start = _roster(hint, inst) if hint is not None else None
        after = keep_for_after_solver(
            clock, len(inst.staff),
            None if isinstance(instance, Instance) else clock.steps["load"],
            report=extra_outputs is not None)
        if progress is not None:
            progress({"event": "loaded", "instance": inst.meta.name,
                      "policy": policy_model.name, "people": len(inst.staff),
                      "posts": len(inst.posts)})
        clock.raise_if_used_up("solving")
        result = allocate(inst, policy_model, params, hint=start, progress=progress, clock=clock)
    except InfeasibleError as error:
        with _step(clock, progress, "write"):
            write_infeasibility(Path(out), error.explanation)
        raise
    except TimeLimitError as error:
        with _step(clock, progress, "write"):
            write_stopped(Path(out), partial(stopped_files, clock, params, error, *loaded))
        raise
    with _step(clock, progress, "reasons"):
        reasons = reasons_within(clock, inst, policy_model, result.roster,
                                 later=left_after_reasons(clock, after))
    extra = None
    if extra_outputs is not None:
        extra = _extra_files(clock, progress, extra_outputs, after, SolveOutputs(
            inst, policy_model, result, reasons, run_manifest(result, clock, params)))
    final: dict[str, Any] = {}

    def last_files() -> dict[str, str]:
        final["timings"] = timings = clock.timings()
        final["manifest"] = manifest = run_manifest(result, clock, params, timings)
        if params.deterministic:  # wall-clock figures kept out of the manifest
            return {"manifest.json": json_text(manifest),
                    TIMINGS_FILE: json_text({"time_limit": clock.limit, "timings": timings})}
        return {"manifest.json": json_text(manifest)}

    with _step(clock, progress, "write"):
        files = write_solve_outputs(Path(out), inst, policy_model, result, reasons, extra,
                                    last_files=last_files, workbooks=_workbooks_fit(clock, after))
    return SolveRun(inst, policy_model, result, reasons, Path(out), files,
                    final["timings"]["total"], final["timings"], final["manifest"]["run"])


TIMINGS_FILE = "timings.json"  # deterministic mode: the seconds of each step


def run_manifest(result: AllocationResult, clock: RunClock, params: SolveParams,
                 timings: dict[str, float] | None = None) -> dict[str, Any]:
    """The manifest of a solve run: the engine's and the checker's figures, and the run's time.

    ``timings``: each step's seconds (by default `RunClock.timings` now, the running step
    so far); in deterministic mode no wall-clock figure is in the manifest.
    """
    manifest = solve_manifest(result)
    manifest["run"] = clock.record(params.deterministic)
    if params.deterministic:
        manifest.pop("timings", None)
        manifest["run"]["timings"] = TIMINGS_FILE
    else:
        manifest["timings"] = timings if timings is not None else clock.timings()
    return manifest


def stopped_files(clock: RunClock, params: SolveParams, error: TimeLimitError,
                  instance: Instance | None = None, policy: Policy | None = None,
                  ) -> dict[str, str]:
    """The files of a run the time limit stopped before any roster: its manifest (what was
    read, the run's record, why it stopped) and, in deterministic mode, its timings."""
    return _stopped_manifest(clock, {"time_limit": clock.limit,
                                     "deterministic": params.deterministic,
                                     "seed": params.seed}, params.deterministic, error,
                             instance, policy)


def _stopped_manifest(clock: RunClock, parameters: dict[str, Any], deterministic: bool,
                      error: TimeLimitError, instance: Instance | None,
                      policy: Policy | None) -> dict[str, str]:
    """The manifest (and in deterministic mode the timings) of a run stopped by its limit,
    with the run's ``parameters``."""
    timings = clock.timings()
    manifest: dict[str, Any] = {}
    if instance is not None and policy is not None:
        manifest = base_manifest(instance, policy, parameters)
    manifest["solver"] = {"status": "time_limit", "stopped_at": error.step,
                          "message": str(error)}
    manifest["run"] = clock.record(deterministic)
    if deterministic:
        manifest["run"]["timings"] = TIMINGS_FILE
        return {"manifest.json": json_text(manifest),
                TIMINGS_FILE: json_text({"time_limit": clock.limit, "timings": timings})}
    manifest["timings"] = timings
    return {"manifest.json": json_text(manifest)}


def keep_for_after_solver(clock: RunClock, people: int, load_seconds: float | None, *,
                          report: bool = True, steps: tuple[str, ...] = tuple(AFTER_SOLVER),
                          ) -> dict[str, float]:
    """Keep the estimated seconds of the steps after the solver from the solver's share;
    return the estimate of each (`after_solver_seconds`; ``report`` False leaves it out)."""
    after = {step: seconds for step, seconds in after_solver_seconds(people, load_seconds).items()
             if step in steps and (report or step != "report")}
    clock.keep(sum(after.values()),
               least=LEAST_MARGIN * sum(after.get(step, 0.0) for step in LEAST_AFTER))
    clock.pace = machine_pace(people, load_seconds)
    return after


def reasons_within(clock: RunClock, instance: Instance, policy: Policy, roster: Roster, *,
                   later: float = 0.0) -> list[Reason]:
    """Every person's reasons by the run's end less ``later`` seconds (for the steps after):
    in full while time allows, then the outcome line alone, recorded as cut short."""
    reasons = explain_roster(instance, policy, roster, deadline=clock.end - later)
    brief = {r.person for r in reasons if not r.detailed}
    if brief:
        people = len({r.person for r in reasons})
        clock.cut("reasons", f"{len(brief)} of {people} people given the outcome line alone "
                  "(detailed: no in reasons.csv): the time limit came first")
    return reasons


# What the reasons leave time for, beyond the CSV files and the manifest, in this order.
OPTIONAL_AFTER_REASONS = ("workbooks", "report")


def left_after_reasons(clock: RunClock, after: dict[str, float]) -> float:
    """The seconds the reasons leave for the steps after them (``after``: their estimates):
    always the CSV files and the manifest; then the workbooks, then the report (which the
    report's own check counts the workbooks for), each only while it still fits beside
    reasons in full. A step that will be left out anyway takes no time from the reasons."""
    left = clock.remaining() - after.get("reasons", 0.0)
    later = after["write"]
    for step in OPTIONAL_AFTER_REASONS:
        if later + after.get(step, 0.0) > left:
            break  # this step and the ones after it will be left out
        later += after.get(step, 0.0)
    return later


def _writes(after: dict[str, float]) -> float:
    """The estimated seconds of every write: the CSV files, the manifest and the workbooks."""
    return after["write"] + after.get("workbooks", 0.0)


def _workbooks_fit(clock: RunClock, after: dict[str, float]) -> bool:
    """Whether roster.xlsx and reasons.xlsx fit in what is left; else they are left out
    (the CSV files hold the same tables), recorded as cut short. The estimates are generous
    (by a third at 3,000 people) and the reasons stop just when the writes' share is left,
    so nine tenths of the estimate will do."""
    if clock.remaining() >= 0.9 * _writes(after):
        return True
    clock.cut("write", f"roster.xlsx and reasons.xlsx not written: {clock.remaining():.1f} s "
              f"were left of the time limit, the writes need about {_writes(after):.1f} s "
              "(the CSV files hold the same tables)")
    return False


def _extra_files(clock: RunClock, progress: Progress | None,
                 extra_outputs: Callable[[SolveOutputs], dict[str, str]],
                 after: dict[str, float], outputs: SolveOutputs) -> dict[str, str] | None:
    """The extra outputs (the report), or None when what is left of the time would not hold
    them and the writes (recorded as cut short)."""
    if clock.remaining() < after.get("report", 0.0) + _writes(after):
        clock.cut("report", f"not written: {clock.remaining():.1f} s were left of the time "
                  f"limit, the report and the writes need about "
                  f"{after['report'] + _writes(after):.1f} s")
        return None
    with _step(clock, progress, "report"):
        return extra_outputs(outputs)


# Seconds (fixed, per person) of a pay run's steps after the solver on the reference machine,
# scaled by `machine_pace` like a solve run's. Measured on a quiet machine at 20,000 people
# (chongqing-2024, pace 1.05): the report 2.7 s, the CSV files (each person's pay explained)
# with the manifest 5.2 s, pay.xlsx and pay_explained.xlsx 7.6 s more (1.1 million cells,
# openpyxl in write-only mode through lxml; 16.1 s before both); at 3,000 people the report
# 0.6-1.4 s. The rounding is the engine's (`staffing.pay.engine.round_seconds`).
PAY_AFTER_SOLVER = {"report": (1.0, 0.00008), "write": (0.1, 0.00026),
                    "workbooks": (0.7, 0.00040)}
PAY_LEAST_AFTER = ("round", "write")  # what a pay run cannot leave out after the solver


def pay_after_solver_seconds(people: int, load_seconds: float | None = None,
                             report: bool = True) -> dict[str, float]:
    """The estimated seconds of each step of a pay run after the solver: rounding, the
    report (``report`` False: none), the CSV files with the manifest, the workbooks."""
    from staffing.pay.engine import round_seconds  # lazy: pay runs only

    slower = machine_pace(people, load_seconds)
    out = {"round": round_seconds(people, slower)}
    out.update({step: (fixed + people * per) * slower
                for step, (fixed, per) in PAY_AFTER_SOLVER.items()
                if report or step != "report"})
    return out


def keep_for_pay(clock: RunClock, people: int, load_seconds: float | None, *,
                 report: bool = True) -> dict[str, float]:
    """Keep the estimated steps after the pay solver from its share; return the estimates.

    Raises `TimeLimitError` when what is left would not hold even the rounding and the CSV
    files (the solve itself takes hundredths of a second)."""
    after = pay_after_solver_seconds(people, load_seconds, report)
    least = LEAST_MARGIN * sum(after[step] for step in PAY_LEAST_AFTER)
    clock.keep(sum(after.values()), least=least)
    clock.pace = machine_pace(people, load_seconds)
    clock.raise_if_used_up("solving the pay plan", needs=max(0.0, least - clock.reserve))
    return after


@with_fewer_collections
def pay_run(instance: InstanceSource, roster: RosterSource, policy: PolicySource,
            out: str | Path, *, budget: Any = None, ratio_target: float | None = None,
            time_limit: float | None = None,
            extra_outputs: Callable[[PayOutputs], dict[str, str]] | None = None,
            clock: RunClock | None = None) -> PayRun:
    """One pay plan from the inputs to the written outputs (pay.csv, xlsx, totals, figures,
    manifest, all or nothing).

    ``budget`` and ``ratio_target`` are those of `staffing.pay.engine.distribute_pay`;
    ``extra_outputs`` gives more files (name -> text) written in the same move (the report,
    ``targets.csv``). ``time_limit`` bounds the whole run, from loading to the last file
    written (``clock``: the run's clock when it started earlier, as the command line starts
    it with the process): once the inputs are loaded, the steps after the solver are
    estimated from the number of people and how fast loading went, and every solver call
    gets what is left less that estimate. When time is short the extra outputs, then
    pay.xlsx and pay_explained.xlsx (the CSV files hold the same tables) are left out, and
    an explanation (of an infeasible plan, of the targets) gives up what it has no time
    for; the manifest's ``run`` records what was cut short.

    Raises
    ------
    InputError
        every problem of the inputs, located; nothing is written.
    InfeasibleError
        no plan meets every pay rule; ``infeasibility.txt`` and ``.json`` are written.
    TimeLimitError
        the time limit ran out before a plan was proven optimal, or left no time to write
        one; only ``manifest.json`` is written, saying where.
    """
    from staffing.pay.engine import distribute_pay  # lazy: pay runs only
    from staffing.pay.io import write_pay, write_pay_infeasibility  # lazy: pay runs only

    clock = clock if clock is not None else RunClock(time_limit)
    began = clock.clock()
    loaded: list[Any] = []  # the instance and the policy, once read
    try:
        with clock.step("load"):
            inst, policy_model = load_inputs(instance, policy)
            loaded += [inst, policy_model]
            roster_model = _roster(roster, inst)
        after = keep_for_pay(clock, len(inst.staff), None if isinstance(instance, Instance)
                             else clock.clock() - began, report=extra_outputs is not None)
        result = distribute_pay(inst, roster_model, policy_model, budget=budget,
                                ratio_target=ratio_target, clock=clock)
    except InfeasibleError as error:
        with clock.step("write"):
            write_pay_infeasibility(Path(out), error.explanation)
        raise
    except TimeLimitError as error:
        write_stopped(Path(out), partial(_stopped_manifest, clock, {
            "time_limit": clock.limit, "ratio_target": ratio_target}, False, error, *loaded))
        raise
    extra = _pay_extra_files(clock, extra_outputs, after,
                             PayOutputs(inst, policy_model, roster_model, result, clock))
    workbooks = _pay_workbooks_fit(clock, after)
    result.plan.manifest["run"] = record = clock.record(True)
    with clock.step("write"):
        files = write_pay(Path(out), result.plan, inst, roster_model, policy_model, extra,
                          workbooks=workbooks)
    return PayRun(inst, policy_model, roster_model, result, Path(out), files,
                  clock.elapsed(), record)


def _pay_extra_files(clock: RunClock,
                     extra_outputs: Callable[[PayOutputs], dict[str, str]] | None,
                     after: dict[str, float], outputs: PayOutputs) -> dict[str, str] | None:
    """The extra outputs of a pay run, or None when what is left would not hold the report
    and the CSV files (recorded as cut short). An explanation among them (targets) may spend
    what is left beyond those (the workbooks' share too)."""
    if extra_outputs is None:
        return None
    needed = after.get("report", 0.0) + after["write"]
    if clock.remaining() < needed:
        clock.cut("report", f"the extra outputs (the report, targets.csv) not written: "
                  f"{clock.remaining():.1f} s were left of the time limit, they and the CSV "
                  f"files need about {needed:.1f} s")
        return None
    clock.set_aside(needed)
    with clock.step("report"):
        return extra_outputs(outputs)


def _pay_workbooks_fit(clock: RunClock, after: dict[str, float]) -> bool:
    """Whether pay.xlsx and pay_explained.xlsx fit in what is left with the CSV files (the
    whole estimate); else they are left out, recorded as cut short."""
    writes = after["write"] + after["workbooks"]
    if clock.remaining() >= writes:
        return True
    clock.cut("write", f"pay.xlsx and pay_explained.xlsx not written: "
              f"{clock.remaining():.1f} s were left of the time limit, the writes need about "
              f"{writes:.1f} s (the CSV files hold the same tables)")
    return False


@with_fewer_collections
def plan_run(instance: InstanceSource, policy: PolicySource, out: str | Path,
             years: int | None = None, params: SolveParams | None = None, *,
             progress: Progress | None = None, clock: RunClock | None = None) -> PlanRun:
    """One multi-year rotation plan from the inputs to the written outputs (the plan year by
    year, rotations, candidates' statuses, departments, coverage, audit, directed placements,
    manifest, all or nothing).

    ``params.time_limit`` bounds the whole run, from loading to the last file written
    (``clock``: the run's clock when it started earlier, as the command line starts it with
    the process): loading, building the model and an estimate of the steps after the solver
    come off the solver's share, and a run that cannot find a plan in time stops and writes
    only its manifest (`TimeLimitError`). In deterministic mode the limit is the solver's
    deterministic time instead (identical outputs).

    Raises
    ------
    InputError
        every problem of the inputs and the planning tables, located; nothing is written.
    PolicyError
        the policy has no ``planning`` section.
    InfeasibleError
        no plan obeys the hard plan rules; ``infeasibility.txt`` and ``.json`` are written.
    TimeLimitError
        the time limit ran out before any plan was found; ``manifest.json`` says where.
    """
    from staffing.planning.check import planning_of  # lazy: plan runs only
    from staffing.planning.engine import plan_rotations  # lazy: plan runs only
    from staffing.planning.inputs import plan_input_problems  # lazy: plan runs only
    from staffing.planning.outputs import write_plan  # lazy: plan runs only

    params = params or SolveParams()
    clock = clock if clock is not None else RunClock(params.time_limit)
    loaded: list[Any] = []  # the instance and the policy, once read
    try:
        with clock.step("load"):
            inst, policy_model = load_inputs(instance, policy)
        loaded += [inst, policy_model]
        clock.raise_if_used_up("checking the planning tables")
        with clock.step("fit"):
            source = policy.name if isinstance(policy, Path) else str(policy or "policy")
            planning = planning_of(policy_model, source)
            problems = list(inst.warnings) + plan_input_problems(inst, policy_model, years)
            raise_if_errors(problems)
        if progress is not None:
            progress({"event": "loaded", "instance": inst.meta.name,
                      "policy": policy_model.name, "people": len(inst.staff),
                      "years": years or planning.horizon})
        clock.pace = machine_pace(len(inst.staff), None if isinstance(instance, Instance)
                                  else clock.steps["load"])
        clock.keep(_plan_seconds_after_solver(clock.pace, len(inst.staff)))
        result = plan_rotations(inst, policy_model, years, params, progress=progress,
                                clock=None if params.deterministic else clock)
    except InfeasibleError as error:
        write_infeasibility(Path(out), error.explanation)
        raise
    except TimeLimitError as error:
        write_stopped(Path(out), partial(stopped_files, clock, params, error, *loaded))
        raise
    with clock.step("write"):
        files = write_plan(out, result, planning, inst)
    return PlanRun(inst, policy_model, result, problems, Path(out), files, clock.elapsed())


def _plan_seconds_after_solver(pace: float, people: int) -> float:
    """Seconds to keep for a plan run's steps after the solver, at this machine's pace."""
    fixed, per_person = PLAN_AFTER_SOLVER
    return (fixed + per_person * people) * pace
