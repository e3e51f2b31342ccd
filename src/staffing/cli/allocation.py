"""``staffing validate``, ``check`` and ``solve``: an instance against a policy, a roster's
check, and the two-way selection."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from staffing.check import CheckReport, audit_lines
from staffing.check import check as run_check
from staffing.cli.args import InstanceArg, LangOpt, OutOpt, PolicyOpt, RosterArg, RotationPlanOpt
from staffing.cli.common import (
    console,
    err_console,
    examples,
    page_language,
    print_problems,
    run_clock,
    stages_table,
)
from staffing.domain.params import SolveParams
from staffing.domain.without_post import labelled
from staffing.errors import InfeasibleError, raise_if_errors
from staffing.io.roster_io import read_roster
from staffing.policy import Policy, policy_problems
from staffing.runs import SolveOutputs, load_inputs, solve_run


def validate(instance: InstanceArg, policy: Annotated[Path | None, typer.Option(
        "--policy", "-p", help="also check the instance against this policy")] = None) -> None:
    """Check an instance bundle (and its fit to a policy); exit 2 listing every problem."""
    inst, policy_model = load_inputs(instance, policy)
    problems = list(inst.warnings) + policy_problems(inst, policy_model)
    raise_if_errors(problems)
    if problems:
        print_problems(problems)
    console.print(
        f"[green]ok[/]: {len(inst.institutions)} institutions, {len(inst.posts)} posts "
        f"({sum(p.places for p in inst.posts)} places), {len(inst.staff)} people, "
        f"{len(inst.choices)} choices, {len(inst.rankings)} panel ranks"
        + (f"; fits policy '{escape(policy_model.name)}'" if policy else "")
    )


def check(
    instance: InstanceArg,
    roster: RosterArg,
    policy: PolicyOpt,
    pay: Annotated[Path | None, typer.Option(help="pay plan pay.csv to check as well")] = None,
    show: Annotated[int, typer.Option(help="violations shown per rule")] = 10,
    rotation_plan: RotationPlanOpt = None,
) -> None:
    """Recompute every rule for a roster; exit 1 if a hard rule is violated."""
    from staffing.pay.check import judged_policy  # lazy: this command only
    from staffing.pay.io import read_pay_plan  # lazy: this command only

    inst, policy_model = load_inputs(instance, policy, rotation_plan)
    roster_model = read_roster(roster, inst)
    pay_plan = None
    if pay is not None:
        pay_plan = read_pay_plan(pay, inst)
    report = run_check(inst, policy_model, roster_model, pay_plan)
    shown = policy_model if pay_plan is None else judged_policy(policy_model, pay_plan)
    print_report(report, shown, show)
    if not report.ok:
        raise typer.Exit(1)


def print_report(report: CheckReport, policy: Policy, show: int = 10) -> None:
    """Violations by rule, stage values and indicators."""
    rules = Table(title=f"Rules of '{escape(policy.name)}'")
    for col in ("rule", "kind", "violations", "amount", "examples"):
        rules.add_column(col, overflow="fold")
    for line in audit_lines(policy, report):
        name = f"{line.rule} ({line.part_en})" if line.part_en else line.rule
        colour = "red" if line.hard else "yellow"
        count = f"[{colour}]{len(line.violations)}[/]" if line.violations else "[green]0[/]"
        rules.add_row(name, "hard" if line.hard else "soft", count, str(line.amount),
                      examples(line.violations, show))
    by_rule = report.by_rule()
    pay_rules = [r.name for r in policy.pay.rule_objects()] if report.pay_figures and policy.pay \
        else []
    for name in pay_rules + [n for n in by_rule if policy.rule(n) is None and n not in pay_rules]:
        found = by_rule.get(name, [])
        hard = sum(1 for v in found if v.hard)
        soft = len(found) - hard
        status = "[green]0[/]" if not found else ", ".join(
            part for part in (f"[red]{hard} hard[/]" if hard else "",
                              f"[yellow]{soft} soft[/]" if soft else "") if part)
        rules.add_row(name, "pay", status, str(sum(v.amount for v in found)),
                      examples(found, show))
    console.print(rules)
    stages = stages_table("Objective stages (recomputed)", report.stages)
    stages.add_row("blocking pairs (weak stability, ties)", str(report.blocking_pairs))
    console.print(stages)
    table = Table(title="Indicators")
    for col in ("indicator", "指标", "value", "target"):
        table.add_column(col)
    for ind in report.indicators:
        table.add_row(ind.label_en, ind.label_zh, ind.text(), ind.target)
    console.print(table)
    for key, value in report.pay_figures.items():
        console.print(escape(f"{key}: {value}"))
    verdict = "[green]all hard rules hold[/]" if report.ok else (
        f"[red]{len(report.hard_violations)} hard violation(s)[/]")
    console.print(verdict)


class SolveProgress:
    """Prints stage, best objective, bound, gap and elapsed time while solving."""

    def __init__(self, quiet: bool, source: str = ""):
        self.quiet = quiet
        self.source = source  # the instance as named on the command line
        self.last_print = -1.0

    def __call__(self, event: dict[str, Any]) -> None:
        if event["event"] == "loaded":
            console.print(f"solving {escape(event['instance'] or self.source)} under "
                          f"'{escape(event['policy'])}': "
                          f"{event['people']} people, {event['posts']} posts")
        if self.quiet:
            return
        if event["event"] == "stage":
            status = event["status"]
            colour = "green" if status == "optimal" else "yellow"
            gap = "–" if event["gap"] is None else f"{event['gap']:.2%}"
            console.print(
                f"  stage [bold]{event['name']:<16}[/] objective {event['objective']!s:>10} "
                f"bound {event['bound']!s:>10} gap {gap} "
                f"[{colour}]{status}[/] ({event.get('wall_time', 0):.2f} s)"
            )
        elif event["event"] == "solution" and event["elapsed"] - self.last_print >= 1.0:
            self.last_print = event["elapsed"]
            console.print(f"    {event['name']}: best {event['objective']:g} bound "
                          f"{event['bound']:g} at {event['elapsed']:.1f} s", style="dim")


def solve(
    instance: InstanceArg,
    policy: PolicyOpt,
    out: OutOpt,
    time_limit: Annotated[float, typer.Option(
        "--time-limit", "-t", min=0.1,
        help="seconds of wall time for the whole run, from starting to the last file "
             "written, in every mode; steps after the solver degrade when it is short "
             "(outcome-only reasons, no report), as the manifest records")] = 60.0,
    deterministic: Annotated[bool, typer.Option(
        "--deterministic",
        help="one worker, fixed seed, no wall-clock time in the outputs (timings.json "
             "apart): byte-identical outputs, unless the wall clock stops a stage before "
             "--deterministic-limit (the manifest then says not reproducible)")] = False,
    deterministic_limit: Annotated[float | None, typer.Option(
        "--deterministic-limit", min=0.01,
        help="with --deterministic: the solver's limit in CP-SAT deterministic time units, "
             "not seconds (their pace varies with the machine and its load; default: as "
             "many units as --time-limit has seconds)")] = None,
    hint: Annotated[Path | None, typer.Option(help="roster.csv to start from")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="CP-SAT workers")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress lines")] = False,
    no_report: Annotated[bool, typer.Option(
        "--no-report", help="skip report.html and report.json")] = False,
    lang: LangOpt = None,
    rotation_plan: RotationPlanOpt = None,
) -> None:
    """Run the two-way selection; write roster, vacancies, audit, reasons, manifest and report."""
    page_lang = page_language(lang)
    params = SolveParams(time_limit=time_limit, deterministic=deterministic, workers=workers,
                         deterministic_limit=deterministic_limit)
    try:
        run = solve_run(instance, policy, out, params, hint=hint, rotation_plan=rotation_plan,
                        progress=SolveProgress(quiet, str(instance)),
                        extra_outputs=None if no_report else _report(page_lang),
                        clock=run_clock(time_limit))
    except InfeasibleError as error:
        err_console.print(f"[red]infeasible[/]: {escape(str(error.explanation))}")
        err_console.print(f"explanation written to {escape(str(out))}/infeasibility.txt")
        raise typer.Exit(1) from None
    result, files, report = run.result, run.files, run.result.report
    flag = "[green]proven optimal[/]" if result.is_optimal() else (
        "[yellow]feasible, NOT proven optimal (time limit)[/]")
    console.print(f"{flag}; {len(report.hard_violations)} hard violations, "
                  f"{report.blocking_pairs} blocking pairs; "
                  f"{labelled(report.without_post)}; "
                  f"wrote {escape(', '.join(map(str, files)))} to {escape(str(out))} "
                  f"in {run.seconds:.1f} s")
    print_run_time(run.timings, run.record)


def _report(lang: str) -> Callable[[SolveOutputs], dict[str, str]]:
    """The report's files of a solve run in ``lang``, its modules imported only when drawn
    (a run short of time leaves the report out)."""

    def files(outputs: SolveOutputs) -> dict[str, str]:
        from staffing.report import solve_report  # lazy: matplotlib and the report's pages

        return solve_report(lang)(outputs)

    return files


def print_run_time(timings: dict[str, float], record: dict[str, Any]) -> None:
    """Each step's seconds (as the manifest has them), and what the time limit cut short."""
    steps = ", ".join(f"{step} {seconds:.2f}" for step, seconds in timings.items()
                      if step != "total")
    console.print(f"time: {steps} (total {timings['total']:.2f} of "
                  f"{record['time_limit']:g} s)", highlight=False)
    for step, what in record["cut_short"].items():
        console.print(f"[yellow]cut short[/] {step}: {escape(what)}")
    if record["stopped_by_wall_clock"]:
        console.print("[yellow]not reproducible[/]: the wall clock stopped "
                      f"{escape(', '.join(record['stopped_by_wall_clock']))} before the "
                      "deterministic limit")
