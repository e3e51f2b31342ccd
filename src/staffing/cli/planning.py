"""``staffing rotation-plan`` and ``staffing check-plan``: plan rotations over years, check a plan.

Exit codes as for every command: 0 success, 1 a hard plan rule violated (check-plan)
or no plan exists (rotation-plan, with the explanation written to
``DIR/infeasibility.txt``), 2 bad input (every problem located, nothing written).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from staffing.cli.args import InstanceArg, OutOpt, PolicyOpt
from staffing.cli.common import (
    console,
    err_console,
    examples,
    print_problems,
    run_clock,
    stages_table,
)
from staffing.domain.params import SolveParams
from staffing.errors import InfeasibleError, raise_if_errors
from staffing.runs import load_inputs, plan_run

if TYPE_CHECKING:
    from staffing.planning.reasons import CandidateStatus

YearsOpt = Annotated[int | None, typer.Option(
    "--years", "-y", min=1, max=10, help="years planned (default: the policy's horizon)")]


def rotation_plan(
    instance: InstanceArg,
    policy: PolicyOpt,
    out: OutOpt,
    years: YearsOpt = None,
    time_limit: Annotated[float, typer.Option("--time-limit", "-t", min=0.5,
                                              help="seconds for the whole run")] = 60.0,
    deterministic: Annotated[bool, typer.Option(
        "--deterministic", help="one worker, fixed seed: byte-identical outputs")] = False,
    workers: Annotated[int | None, typer.Option(min=1, help="CP-SAT workers")] = None,
) -> None:
    """Plan who rotates to grassroots when; write the plan year by year, statuses and coverage."""
    params = SolveParams(time_limit=time_limit, deterministic=deterministic, workers=workers)
    try:
        run = plan_run(instance, policy, out, years, params, progress=PlanProgress(str(instance)),
                       clock=run_clock(time_limit))
    except InfeasibleError as error:
        err_console.print(f"[red]no plan[/]: {escape(str(error.explanation))}")
        err_console.print(f"explanation written to {escape(str(out))}/infeasibility.txt")
        raise typer.Exit(1) from None
    result = run.result
    if run.warnings:
        print_problems(run.warnings)
    _print_statuses(result.statuses)
    flag = "[green]proven optimal[/]" if result.is_optimal() else (
        "[yellow]feasible, NOT proven optimal (time limit)[/]")
    console.print(f"{flag}; {len(result.rotations)} rotations, "
                  f"{len(result.report.hard_violations)} hard violations; wrote "
                  f"{escape(', '.join(run.files))} to {escape(str(out))} in {run.seconds:.1f} s")


def check_plan(
    instance: InstanceArg,
    plan: Annotated[Path, typer.Argument(help="rotations.csv of a plan (or its folder)")],
    policy: PolicyOpt,
    years: YearsOpt = None,
    show: Annotated[int, typer.Option(help="violations shown per rule")] = 10,
) -> None:
    """Recompute every plan rule and stage for a plan; exit 1 if a hard plan rule is violated."""
    from staffing.planning.check import check_view, plan_facts, planning_of  # lazy: check-plan only
    from staffing.planning.inputs import plan_input_problems  # lazy: this command only
    from staffing.planning.io import plan_years, read_rotations  # lazy: this command only
    from staffing.planning.reasons import candidate_statuses  # lazy: this command only
    from staffing.planning.rules.base import PlanView  # lazy: this command only

    inst, policy_model = load_inputs(instance, policy)
    planning = planning_of(policy_model, policy.name)
    years = years or plan_years(plan)
    raise_if_errors(plan_input_problems(inst, policy_model, years))
    facts = plan_facts(inst, policy_model, years)
    view = PlanView(facts, read_rotations(plan, facts))
    report = check_view(planning, view)
    table = Table(title=f"Plan rules of '{escape(policy_model.name)}', {facts.horizon.label()}")
    for col in ("rule", "kind", "violations", "amount", "examples"):
        table.add_column(col, overflow="fold")
    by_rule = report.by_rule()
    for rule in planning.rule_objects():
        found = by_rule.get(rule.name, [])
        table.add_row(rule.name, "hard" if rule.hard else "soft", str(len(found)),
                      str(sum(v.amount for v in found)), examples(found, show))
    console.print(table)
    console.print(stages_table("Plan stages (recomputed)", report.stages))
    _print_statuses(candidate_statuses(planning, view))
    if not report.ok:
        console.print(f"[red]{len(report.hard_violations)} hard violation(s)[/]")
        raise typer.Exit(1)
    console.print("[green]all hard plan rules hold[/]")


def _print_statuses(statuses: list[CandidateStatus]) -> None:
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s.status] = counts.get(s.status, 0) + 1
    console.print("candidates: " + (", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
                                    or "none"))
    for s in statuses:
        if s.status in ("late", "not_sent", "not_possible"):
            console.print(f"  {escape(s.person)} {s.status} {escape('[' + s.code + ']')}: "
                          f"{escape(s.text)}")


class PlanProgress:
    """Prints what is planned once the inputs are loaded, then each stage as it is solved."""

    def __init__(self, source: str):
        self.source = source  # the instance as named on the command line

    def __call__(self, event: dict[str, Any]) -> None:
        if event["event"] == "loaded":
            console.print(f"planning {event['years']} years of rotations for "
                          f"{escape(event['instance'] or self.source)} under "
                          f"'{escape(event['policy'])}'")
        elif event["event"] == "stage":
            colour = "green" if event["status"] == "optimal" else "yellow"
            console.print(f"  stage [bold]{event['stage']:<16}[/] value "
                          f"{event['objective']!s:>8} bound {event['bound']!s:>8} "
                          f"[{colour}]{event['status']}[/]")
