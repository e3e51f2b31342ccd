"""Every call the service makes into the engine, in one place.

The web server's process uses `validate` and `check_files` (no solver runs there);
worker processes use `run_job`, which runs jobs as `staffing.runs` runs every solve: one
time limit from loading to the last file written, and a `StopToken` that stops a
running solve at once. Inputs are files in a job's ``input`` folder,
written by `staffing.service.inputs`; outputs go to its ``out`` folder, atomically.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from staffing.check import CheckReport, check
from staffing.domain.clock import RunClock, StopToken
from staffing.domain.instance import Instance
from staffing.domain.params import SolveParams
from staffing.domain.roster import Roster
from staffing.errors import InputError, Problem, raise_if_errors
from staffing.io.bundle import load
from staffing.io.roster_io import read_roster
from staffing.pay.io import read_pay_plan
from staffing.policy import Policy, policy_problems
from staffing.policy.load import parse_policy
from staffing.report import pay_report, solve_report
from staffing.runs import pay_run, solve_run

Progress = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class JobFiles:
    """Where one job's inputs and outputs live."""

    root: Path

    @property
    def input(self) -> Path:
        return self.root / "input"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def bundle(self) -> Path:
        """The instance bundle as submitted (``bundle.json`` or ``bundle.xlsx``)."""
        found = sorted(self.input.glob("bundle.*"))
        return found[0] if found else self.input / "bundle.json"

    @property
    def policy(self) -> Path:
        return self.input / "policy.yaml"

    @property
    def roster(self) -> Path:
        return self.input / "roster.csv"

    @property
    def pay_plan(self) -> Path:
        return self.input / "pay.csv"


def load_inputs(bundle: Path, policy_text: str | None, policy_source: str,
                roster: Path | None = None) -> tuple[Instance, Policy, Roster | None]:
    """Load a bundle, a policy and (optionally) a roster, reporting every problem at once.

    Without a policy text the default policy applies.

    Raises
    ------
    InputError
        with every problem of the bundle, the policy, the policy's fit to the bundle and
        the roster, each located.
    """
    problems: list[Problem] = []
    instance = policy = None
    try:
        policy = parsed_policy(policy_text, policy_source)
    except InputError as error:
        problems.extend(error.problems)
    try:
        instance = load(bundle)
    except InputError as error:
        problems.extend(error.problems)
    raise_if_errors(problems)
    assert instance is not None and policy is not None
    problems = list(instance.warnings) + policy_problems(instance, policy)
    raise_if_errors(problems)
    given = read_roster(roster, instance) if roster is not None else None
    return instance, policy, given


@functools.lru_cache(maxsize=32)
def parsed_policy(text: str | None, source: str) -> Policy:
    """A policy from YAML text (the default policy for None), parsed once per text.

    Policies are immutable, so one parsed model serves every request that sends the same text.
    """
    return parse_policy(text, source) if text is not None else Policy.default()


def validate(bundle: Path, policy_text: str | None, policy_source: str) -> dict[str, Any]:
    """Validate a bundle against a policy; the warnings and a count of what it holds.

    Raises
    ------
    InputError
        listing every located problem.
    """
    instance, policy, _ = load_inputs(bundle, policy_text, policy_source)
    return {
        "warnings": [p.to_dict() for p in instance.warnings],
        "counts": counts(instance),
        "policy": policy.name,
    }


def counts(instance: Instance) -> dict[str, int]:
    """How many institutions, posts, places, people, choices and panel ranks a bundle has."""
    return {
        "institutions": len(instance.institutions), "posts": len(instance.posts),
        "places": sum(p.places for p in instance.posts), "people": len(instance.staff),
        "choices": len(instance.choices), "rankings": len(instance.rankings),
    }


def check_files(bundle: Path, policy_text: str | None, policy_source: str, roster: Path,
                pay_plan: Path | None = None) -> dict[str, Any]:
    """Check a roster (and pay plan) with the independent checker; the report as data."""
    instance, policy, given = load_inputs(bundle, policy_text, policy_source, roster)
    assert given is not None
    plan = None
    if pay_plan is not None:
        plan = read_pay_plan(pay_plan, instance)
    return report_data(check(instance, policy, given, plan))


def report_data(report: CheckReport) -> dict[str, Any]:
    """A check report as JSON-ready data."""
    return {
        "ok": report.ok,
        "hard_violations": len(report.hard_violations),
        "soft_violations": len(report.soft_violations),
        "blocking_pairs": report.blocking_pairs,
        "stages": report.stages,
        "violations": [
            {"rule": v.rule, "hard": v.hard, "amount": v.amount, "message": v.message,
             "people": list(v.people), "posts": list(v.posts),
             "institutions": list(v.institutions)}
            for v in report.violations + report.pay_violations],
        "indicators": {i.key: i.value for i in report.indicators},
        "pay_figures": report.pay_figures,
    }


def run_job(files: JobFiles, options: dict[str, Any], progress: Progress,
            stop: StopToken) -> dict[str, Any]:
    """Run one job (allocation, pay or both) and write its outputs to ``files.out``.

    ``options``: kind, time_limit (seconds for the whole run, from loading to the last file
    written: `staffing.runs`), deterministic, budget. Returns a summary for the job's record.

    Raises
    ------
    Cancelled
        when ``stop`` was called (a running solve stops at once); InputError,
        InfeasibleError as the engine raises them.
    """
    kind = options["kind"]
    params = SolveParams(time_limit=float(options["time_limit"]),
                         deterministic=bool(options.get("deterministic")))
    clock = RunClock(params.time_limit, stop=stop)
    summary: dict[str, Any] = {}
    roster: Roster | None = None
    if kind in ("allocation", "both"):
        with clock.step("load"):
            policy = parsed_policy(files.policy.read_text("utf-8"), "policy.yaml")
        run = solve_run(files.bundle, policy, files.out, params, progress=progress,
                        extra_outputs=solve_report(), clock=clock)
        instance, roster, report = run.instance, run.result.roster, run.result.report
        summary["counts"] = counts(instance)
        summary["status"] = run.result.status
        summary["stages"] = [stage.to_dict() for stage in run.result.stages]
        summary["check"] = {"hard_violations": len(report.hard_violations),
                            "blocking_pairs": report.blocking_pairs}
        summary["run"] = run.record
    if kind in ("pay", "both"):
        if roster is None:
            with clock.step("load"):
                instance, policy, roster = load_inputs(
                    files.bundle, files.policy.read_text("utf-8"), "policy.yaml", files.roster)
            summary["counts"] = counts(instance)
        assert roster is not None
        progress({"event": "step", "step": "pay", "elapsed": clock.elapsed()})
        plan = pay_run(instance, roster, policy, files.out / "pay",
                       budget=_budget(options.get("budget")), clock=clock,
                       extra_outputs=pay_report()).result.plan
        summary["pay"] = {"status": plan.status, "people": len(plan.lines)}
    summary["timings"] = clock.timings()
    return summary


def _budget(budget: Any) -> Any:
    """A request's budget as the pay engine reads it: yuan as text, one amount or per fund."""
    if budget is None:
        return None
    if isinstance(budget, dict):
        return {str(fund): str(amount) for fund, amount in budget.items()}
    return str(budget)
