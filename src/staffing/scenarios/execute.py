"""One scenario, start to finish: apply its overrides, solve, check, pay, explain, measure.

`run_scenario` is what every backend runs (in this process, in a worker
process, or as a Ray task). It never raises for a scenario's own outcome: an
infeasible policy, a time limit reached without a roster, bad overrides or an
internal error all come back as a `ScenarioOutcome` with that status, so no
scenario of a sweep is ever dropped.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

from staffing.allocation.engine import allocate
from staffing.allocation.explain import explain_infeasibility
from staffing.allocation.outputs import audit_rows
from staffing.allocation.reasons import Reason
from staffing.allocation.result import AllocationResult
from staffing.check import CheckReport
from staffing.domain.clock import RunClock
from staffing.domain.instance import Instance
from staffing.domain.params import SolveParams
from staffing.domain.roster import Roster
from staffing.errors import InfeasibleError, InputError, StaffingError, raise_if_errors
from staffing.pay.engine import distribute_pay
from staffing.pay.money import fen_text
from staffing.policy import Policy, policy_problems
from staffing.rules.base import Placement
from staffing.runs import keep_for_after_solver, reasons_within
from staffing.scenarios.binding import Binding, binding_rules
from staffing.scenarios.overrides import apply_to_instance, apply_to_policy, path_problems
from staffing.scenarios.spec import Scenario

# statuses of an outcome, and how the comparison table says them
STATUS_TEXT = {
    "optimal": "proven",
    "feasible": "feasible at the limit",
    "infeasible": "infeasible",
    "timeout": "no roster within the time limit",
    "error": "error",
}


@dataclass(frozen=True)
class RunSettings:
    """How each scenario is run.

    ``time_limit`` bounds one scenario from its overrides to its last figure (solve,
    explanation of an infeasible policy, pay plan); ``workers`` are CP-SAT's per scenario.
    """

    time_limit: float = 60.0
    deterministic: bool = False
    workers: int | None = None
    seed: int = 0
    pay: bool = True
    binding: bool = True
    reasons: bool = True
    warm_start: bool = True
    explain: bool = True


@dataclass
class ScenarioOutcome:
    """What one scenario gave: status, roster, figures, binding rules, or why none."""

    name: str
    description: str = ""
    values: dict[str, str] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)
    status: str = "error"
    message: str = ""
    roster: Roster | None = None
    result: AllocationResult | None = None  # the engine's result (status, stages, check report)
    stages: list[dict[str, Any]] = field(default_factory=list)
    stage_values: dict[str, Any] = field(default_factory=dict)
    indicators: dict[str, Any] = field(default_factory=dict)
    indicator_labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    structure: dict[str, dict[str, float | None]] = field(default_factory=dict)
    blocking_pairs: int | None = None
    hard_violations: int | None = None
    soft_violations: int | None = None
    unplaced: int | None = None
    moves_vs_base: int | None = None
    pay_status: str = ""
    pay_figures: dict[str, Any] = field(default_factory=dict)
    pay_total: str = ""
    extra_budget: str = ""
    pay_lines: dict[str, str] = field(default_factory=dict)  # person -> total pay (yuan text)
    explanation: dict[str, Any] = field(default_factory=dict)
    explanation_text: str = ""
    binding: list[Binding] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    audit: list[list[Any]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    problems: list[Any] = field(default_factory=list)
    seconds: float = 0.0
    solve_seconds: float = 0.0
    deterministic_time: float = 0.0
    warm_started: bool = False
    attempts: int = 1

    @property
    def has_roster(self) -> bool:
        return self.roster is not None

    @property
    def infeasible_rules(self) -> list[str]:
        return list(self.explanation.get("rules", []))

    def status_text(self) -> str:
        """proven / feasible at the limit / infeasible: the rules named / ..."""
        text = STATUS_TEXT.get(self.status, self.status)
        if self.status == "infeasible" and self.infeasible_rules:
            return f"{text}: {', '.join(self.infeasible_rules)}"
        if self.status == "error" and self.message:
            return f"{text}: {self.message.splitlines()[0]}"
        return text


def scenario_inputs(instance: Instance, policy: Policy,
                    scenario: Scenario) -> tuple[Instance, Policy]:
    """The scenario's instance and policy (the base objects themselves where nothing changes).

    Raises
    ------
    InputError
        every bad override path or value, located, and every problem of the changed
        instance under the changed policy.
    """
    problems = path_problems(scenario.overrides)
    if problems:
        raise InputError(problems)
    changed_policy = apply_to_policy(policy, scenario.overrides)
    changed = apply_to_instance(instance, scenario.overrides)
    raise_if_errors(policy_problems(changed, changed_policy))
    return changed, changed_policy


def structure_shares(instance: Instance, policy: Policy,
                     roster: Roster) -> dict[str, dict[str, float | None]]:
    """Per institution, the shares the rules govern as held (post structure: senior and
    intermediate); a rule the policy leaves out answers with its default parameters."""
    placement = Placement(instance, policy, roster)
    out: dict[str, dict[str, float | None]] = {}
    for default in Policy.default().rule_objects():
        rule = policy.rule(default.name) or default
        for institution, shares in rule.shares(placement).items():
            out.setdefault(institution, {}).update(shares)
    return out


def moves_between(first: Roster, second: Roster) -> int:
    """People whose post differs between two rosters of the same instance."""
    return sum(1 for a in second.assignments if first.post_of(a.person) != a.post)


def _fill_check(outcome: ScenarioOutcome, instance: Instance, policy: Policy,
                report: CheckReport) -> None:
    outcome.stage_values = report.stages
    outcome.blocking_pairs = report.blocking_pairs
    outcome.hard_violations = len(report.hard_violations)
    outcome.soft_violations = len(report.soft_violations)
    outcome.unplaced = report.stages.get("unplaced")
    outcome.indicators = {i.key: i.value for i in report.indicators}
    outcome.indicator_labels = {i.key: (i.label_en, i.label_zh) for i in report.indicators}
    outcome.audit = audit_rows(policy, report)


def _fill_pay(outcome: ScenarioOutcome, instance: Instance, policy: Policy, roster: Roster,
              limit: float) -> None:
    """The pay plan's totals, grassroots/lead ratio, or the least extra budget that would do."""
    if policy.pay is None or not instance.extras.get("pay_funds"):
        outcome.pay_status = "not run (no pay tables or no pay section)"
        return
    try:
        plan = distribute_pay(instance, roster, policy, time_limit=max(limit, 1.0)).plan
    except InfeasibleError as error:
        explanation = error.explanation
        extra = sum(getattr(explanation, "extra_budget", {}).values())
        outcome.pay_status = "infeasible"
        outcome.extra_budget = fen_text(int(extra)) if extra else ""
        outcome.pay_figures = {"explanation": str(explanation)}
        return
    except InputError as error:
        outcome.pay_status = "bad pay input: " + str(error.problems[0])
        return
    except StaffingError as error:
        outcome.pay_status = f"not solved: {error}"
        return
    outcome.pay_status = plan.status
    outcome.pay_figures = dict(plan.figures)
    outcome.pay_total = str(plan.figures.get("total_pay", ""))
    outcome.extra_budget = "0.00"
    outcome.pay_lines = {line.person: str(line.total) for line in plan.lines}


def run_scenario(instance: Instance, policy: Policy, scenario: Scenario, settings: RunSettings,
                 hint: Roster | None = None, base: Roster | None = None) -> ScenarioOutcome:
    """Run one scenario under its time limit; every failure is an outcome, never an exception.

    Parameters
    ----------
    instance, policy
        the base, shared by every scenario (only changed copies are made).
    hint
        a roster to warm-start from (the base roster in sweeps).
    base
        the base roster, for moves against the base.
    """
    clock = RunClock(settings.time_limit)
    outcome = ScenarioOutcome(scenario.name, scenario.description, dict(scenario.values),
                              [o.text() for o in scenario.overrides])
    try:
        _run(outcome, instance, policy, scenario, settings, hint, base, clock)
    except InputError as error:
        outcome.status, outcome.problems = "error", list(error.problems)
        outcome.message = str(error.problems[0]) if error.problems else str(error)
    except StaffingError as error:
        outcome.status, outcome.message = "error", str(error)
    except Exception as error:  # a bug: reported with the scenario, not lost  # noqa: BLE001
        outcome.status = "error"
        outcome.message = f"internal error: {type(error).__name__}: {error}"
        outcome.problems = [traceback.format_exc()]
    outcome.seconds = clock.elapsed()
    if outcome.manifest:
        outcome.manifest["run"] = clock.record(settings.deterministic)
        if not settings.deterministic:
            outcome.manifest["timings"] = clock.timings()
    return outcome


def _run(outcome: ScenarioOutcome, instance: Instance, policy: Policy, scenario: Scenario,
         settings: RunSettings, hint: Roster | None, base: Roster | None,
         clock: RunClock) -> None:
    """The scenario's steps on its clock: overrides, solve, check, reasons, pay (each timed;
    the solver gets the limit less a reserve for the check and the reasons)."""
    with clock.step("overrides"):
        inst, pol = scenario_inputs(instance, policy, scenario)
    keep_for_after_solver(clock, len(inst.staff), None, report=False,
                          steps=("check", "reasons") if settings.reasons else ("check",))
    use_hint = hint if settings.warm_start else None
    outcome.warm_started = use_hint is not None
    params = SolveParams(time_limit=settings.time_limit, deterministic=settings.deterministic,
                         workers=settings.workers, seed=settings.seed)
    try:
        result = allocate(inst, pol, params, hint=use_hint, explain=False, clock=clock)
    except InfeasibleError:
        outcome.status = "infeasible"
        outcome.solve_seconds = clock.elapsed()
        if not settings.explain:
            return
        with clock.step("explain"):
            explanation = explain_infeasibility(inst, pol, deadline=clock.end,
                                                deterministic=settings.deterministic)
        outcome.explanation = explanation.to_dict()
        outcome.explanation_text = str(explanation)
        outcome.solve_seconds = clock.elapsed()
        return
    except StaffingError as error:
        if "time limit" in str(error):
            outcome.status, outcome.message = "timeout", str(error)
            return
        raise
    outcome.solve_seconds = clock.elapsed()
    roster = result.roster
    outcome.status = result.status
    outcome.roster, outcome.result = roster, result
    outcome.stages = [stage.to_dict() for stage in result.stages]
    outcome.manifest = dict(result.manifest)
    outcome.deterministic_time = sum(stage.deterministic_time for stage in result.stages)
    _fill_check(outcome, inst, pol, result.report)
    outcome.structure = structure_shares(inst, pol, roster)
    if base is not None:
        outcome.moves_vs_base = moves_between(base, roster)
    if settings.binding:
        outcome.binding = binding_rules(inst, pol, roster)
    if settings.reasons:
        with clock.step("reasons"):
            outcome.reasons = reasons_within(clock, inst, pol, roster)
    if settings.pay:
        with clock.step("pay"):
            _fill_pay(outcome, inst, pol, roster, clock.remaining())
