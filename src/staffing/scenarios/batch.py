"""Runs of many scenarios against one base: the base first, then every scenario warm-started
from its roster, in parallel; the results as a comparison table and per-scenario outputs.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from staffing.allocation.outputs import write_infeasibility, write_solve_outputs
from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.io.atomic import CSV_ENCODING, atomic_dir, atomic_path, write_text
from staffing.io.bundle import save
from staffing.io.formulas import guard_frame
from staffing.policy import Policy
from staffing.policy.load import policy_text
from staffing.report import save_report
from staffing.report.view import run_view
from staffing.scenarios.backends import (
    LocalBackend,
    OnDone,
    RayBackend,
    SerialBackend,
    Work,
    backend_named,
    cores,
)
from staffing.scenarios.execute import RunSettings, ScenarioOutcome, run_scenario, scenario_inputs
from staffing.scenarios.spec import Scenario, base_scenario, grid_scenarios
from staffing.scenarios.table import binding_frame, comparison_frame, write_comparison

Backend = SerialBackend | LocalBackend | RayBackend


@dataclass
class SweepResult:
    """The base and every scenario's outcome, in order, with how the run went."""

    base: ScenarioOutcome | None
    outcomes: list[ScenarioOutcome]
    stages: list[str]
    settings: RunSettings
    backend: str = "local"
    processes: int = 1
    seconds: float = 0.0
    axes: list[str] = field(default_factory=list)

    @property
    def all_outcomes(self) -> list[ScenarioOutcome]:
        """The base (when run) followed by every scenario."""
        return ([self.base] if self.base is not None else []) + self.outcomes

    def to_frame(self, *, bilingual: bool = False) -> pd.DataFrame:
        """The comparison table: one row per scenario (the base first); plain keys by default."""
        return comparison_frame(self.all_outcomes, self.stages, bilingual=bilingual)

    def binding_frame(self) -> pd.DataFrame:
        return binding_frame(self.all_outcomes)

    def outcome(self, name: str) -> ScenarioOutcome:
        return next(o for o in self.all_outcomes if o.name == name)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return (f"{len(self.outcomes)} scenarios ({parts}) in {self.seconds:.1f} s on "
                f"{self.processes} {self.backend} worker(s)")

    def manifest(self) -> dict[str, Any]:
        return {
            "backend": self.backend, "processes": self.processes,
            "seconds": round(self.seconds, 3),
            "settings": asdict(self.settings),
            "axes": self.axes,
            "scenarios": [{"name": o.name, "status": o.status, "message": o.message,
                           "overrides": o.overrides, "seconds": round(o.seconds, 3),
                           "solve_seconds": round(o.solve_seconds, 3),
                           "deterministic_time": round(o.deterministic_time, 4),
                           "warm_started": o.warm_started, "attempts": o.attempts}
                          for o in self.all_outcomes],
        }


def _workers_per_scenario(settings: RunSettings, processes: int) -> RunSettings:
    """CP-SAT workers per scenario so that processes x workers fills the cores, no more."""
    if settings.workers is not None:
        return settings

    return replace(settings, workers=max(1, cores() // max(processes, 1)))


def run_scenarios(instance: Instance, policy: Policy, scenarios: Sequence[Scenario], *,
                  settings: RunSettings | None = None, backend: Backend | None = None,
                  with_base: bool = True, base_roster: Roster | None = None,
                  on_done: OnDone | None = None, axes: Sequence[str] = ()) -> SweepResult:
    """Run the base (unless ``base_roster`` is given or ``with_base`` is false), then each
    scenario warm-started from the base roster, on ``backend`` (local processes by default).

    Returns
    -------
    SweepResult
        every scenario's outcome in order; none is dropped (failures carry their status).
    """
    started = time.perf_counter()
    settings = settings or RunSettings()
    backend = backend or LocalBackend()
    processes = getattr(backend, "processes", None) or getattr(backend, "num_cpus", None) or 1
    base_outcome = None
    if with_base and base_roster is None:
        base_outcome = run_scenario(instance, policy, base_scenario(), settings)
        if on_done is not None:
            on_done(base_outcome)
        base_roster = base_outcome.roster
    work = Work(instance, policy, _workers_per_scenario(settings, processes),
                hint=base_roster if settings.warm_start else None, base=base_roster)
    outcomes = backend.run(work, scenarios, on_done) if scenarios else []
    stages = [s.value for s in policy.objective]
    return SweepResult(base_outcome, outcomes, stages, settings, backend.name, processes,
                       time.perf_counter() - started, list(axes))


def sweep(instance: Instance, policy: Policy,
          grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]], *,
          fixed: Mapping[str, Any] | None = None, time_limit: float = 60.0,
          deterministic: bool = False, warm_start: bool = True, pay: bool = True,
          backend: str = "local", processes: int | None = None, address: str | None = None,
          progress: Callable[[ScenarioOutcome], None] | None = None) -> SweepResult:
    """Run a policy sweep: every combination of ``grid`` (or each point of a list).

    Parameters
    ----------
    grid
        ``{path: [values]}`` for a grid, e.g. ``{"rules.post_structure.senior_max_share":
        [0.10, 0.12, 0.15]}``, or a list of ``{path: value}``, one scenario each. Values
        may be relative text: ``"+5"``, ``"×1.1"``.
    fixed
        overrides applied to every scenario (not to the base).
    time_limit
        seconds per scenario, from its overrides to its last figure.
    backend
        ``local`` (worker processes, one per core unless ``processes``), ``serial``
        (this process) or ``ray`` (``address`` of a cluster, or a local Ray instance).
    progress
        called with each finished scenario's outcome, the base first.

    Returns
    -------
    SweepResult
        ``.to_frame()`` gives the comparison table.
    """
    scenarios = grid_scenarios(grid, fixed)
    settings = RunSettings(time_limit=time_limit, deterministic=deterministic,
                           warm_start=warm_start, pay=pay)
    axes = list(grid) if isinstance(grid, Mapping) else list(
        dict.fromkeys(p for point in grid for p in point))
    return run_scenarios(instance, policy, scenarios, settings=settings,
                         backend=backend_named(backend, processes=processes, address=address),
                         on_done=progress, axes=axes)


# ------------------------------------------------------------------------------ outputs


def folder_name(name: str) -> str:
    """A scenario's folder: its name with anything but letters, digits and ``.=,+-_`` as _."""
    return re.sub(r"[^\w.=,+\-×]", "_", name)[:120] or "scenario"


def write_scenario(out: Path, instance: Instance, policy: Policy, scenario: Scenario,
                   outcome: ScenarioOutcome, *, report: bool = True) -> None:
    """The usual outputs of one scenario into ``out``, re-checked here by the checker.

    With a roster: roster, vacancies, audit, violations, reasons, blocking pairs,
    manifest (with the scenario), the HTML report (``report``), the scenario's policy as
    ``policy.yaml``, its instance as ``instance/`` when the scenario changes it, pay totals
    per person.
    Without: the infeasibility explanation, or ``error.txt``.
    """
    meta = {"name": outcome.name, "description": outcome.description,
            "overrides": outcome.overrides, "status": outcome.status,
            "status_text": outcome.status_text(), "seconds": round(outcome.seconds, 3),
            "warm_started": outcome.warm_started, "attempts": outcome.attempts,
            "binding": [{"rule": b.rule, "instances": b.instances, "binding": b.binding}
                        for b in outcome.binding]}
    if outcome.roster is None:
        if outcome.status == "infeasible" and outcome.explanation:
            write_infeasibility(out, _Explained(outcome))
        with atomic_dir(out) as staging:
            (staging / "scenario.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=1, default=str) + "\n",
                encoding="utf-8")
            if outcome.status != "infeasible":
                problems = "\n".join(str(p) for p in outcome.problems)
                (staging / "error.txt").write_text(
                    f"{outcome.status_text()}\n{outcome.message}\n{problems}\n", encoding="utf-8")
        return
    inst, pol = scenario_inputs(instance, policy, scenario)
    assert outcome.result is not None  # every outcome with a roster carries its result
    result = replace(outcome.result, manifest={**outcome.result.manifest, "scenario": meta})
    if not result.report.ok:
        outcome.hard_violations = len(result.report.hard_violations)
    write_solve_outputs(out, inst, pol, result, outcome.reasons)
    if report:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        save_report(out, run_view(inst, pol, result.roster, result.report, outcome.reasons,
                                  manifest))
    write_text(out / "policy.yaml", policy_text(pol))
    if outcome.pay_lines:
        lines = ["person,total_pay"] + [f"{p},{t}" for p, t in outcome.pay_lines.items()]
        write_text(out / "pay_totals.csv", "\n".join(lines) + "\n")
    if inst is not instance:
        save(inst, out / "instance")


class _Explained:
    """An outcome's stored explanation, shaped as `write_infeasibility` expects."""

    def __init__(self, outcome: ScenarioOutcome):
        self.outcome = outcome

    def to_dict(self) -> dict[str, Any]:
        return self.outcome.explanation

    def __str__(self) -> str:
        return self.outcome.explanation_text


def write_sweep(out: Path, instance: Instance, policy: Policy, scenarios: Sequence[Scenario],
                result: SweepResult, *, report: bool = True) -> list[str]:
    """Per-scenario folders under ``out/scenarios/``, the comparison table, binding rules and
    the run's manifest. Returns the files written at the top of ``out``."""
    named = {s.name: s for s in scenarios}
    named.setdefault(base_scenario().name, base_scenario())
    for outcome in result.all_outcomes:
        write_scenario(out / "scenarios" / folder_name(outcome.name), instance, policy,
                       named[outcome.name], outcome, report=report)
    files = write_comparison(result.to_frame(bilingual=True), out)
    binding = result.binding_frame()
    with atomic_path(out / "binding.csv") as tmp:
        guard_frame(binding).to_csv(tmp, index=False, encoding=CSV_ENCODING)
    write_text(out / "manifest.json",
               json.dumps(result.manifest(), ensure_ascii=False, indent=1, default=str) + "\n")
    return [*files, "binding.csv", "manifest.json"]
