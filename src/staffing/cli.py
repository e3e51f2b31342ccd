"""The ``staffing`` command.

Exit codes: 0 success; 1 a hard rule is violated (check) or no roster exists
(solve); 2 bad input, with every problem located; 3 an internal error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from staffing.errors import InfeasibleError, InputError, Problem, StaffingError
from staffing.pay.cli import pay
from staffing.service.command import serve

if TYPE_CHECKING:
    from staffing.check import CheckReport
    from staffing.domain.instance import Instance
    from staffing.domain.policy import Policy

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Staff post allocation and performance pay for county medical communities.",
)
console = Console()
err_console = Console(stderr=True)

InstanceArg = Annotated[Path, typer.Argument(help="instance bundle: folder of CSV, .xlsx or .json")]
PolicyOpt = Annotated[
    Path, typer.Option("--policy", "-p", help="policy model YAML (models/*.yaml)")]


def print_problems(problems: list[Problem]) -> None:
    """Print problems as a table: where, what, got, expected."""
    table = Table(title=f"{sum(p.severity == 'error' for p in problems)} error(s), "
                  f"{sum(p.severity == 'warning' for p in problems)} warning(s)")
    for col in ("", "where", "problem", "got", "expected"):
        table.add_column(col, overflow="fold")
    for p in problems:
        mark = "[red]error[/]" if p.severity == "error" else "[yellow]warning[/]"
        table.add_row(mark, escape(p.location()), escape(p.message),
                      "" if p.value is None else escape(str(p.value)), escape(p.expected or ""))
    err_console.print(table)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn engine errors into located messages and exit codes, never tracebacks."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            print_problems(error.problems)
            raise typer.Exit(2) from None
        except InfeasibleError as error:
            err_console.print(f"[red]infeasible[/]: {escape(str(error.explanation))}")
            raise typer.Exit(1) from None
        except StaffingError as error:
            err_console.print(f"[red]error[/]: {escape(str(error))}")
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # a bug: say so plainly, no traceback
            err_console.print(f"[red]internal error[/]: {type(error).__name__}: "
                              f"{escape(str(error))}. "
                              "Please report it with the command and inputs used.")
            if "--debug" in sys.argv or kwargs.get("debug"):
                raise
            raise typer.Exit(3) from None

    return wrapper


def _load_policy(path: Path | None) -> Policy:
    from staffing.domain.policy import Policy
    from staffing.io.policy_yaml import load_policy

    return load_policy(path) if path is not None else Policy.default()


def _load_inputs(instance: Path, policy: Path | None) -> tuple[Instance, Policy]:
    """Load a policy and an instance, reporting the problems of both at once."""
    from staffing.io.bundle import load

    problems: list[Problem] = []
    policy_model = inst = None
    try:
        policy_model = _load_policy(policy)
    except InputError as error:
        problems.extend(error.problems)
    try:
        inst = load(instance)
    except InputError as error:
        problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    assert inst is not None and policy_model is not None  # else a problem was raised
    return inst, policy_model


@app.command()
@guarded
def validate(instance: InstanceArg, policy: Annotated[Path | None, typer.Option(
        "--policy", "-p", help="also check the instance against this policy")] = None) -> None:
    """Check an instance bundle (and its fit to a policy); exit 2 listing every problem."""
    from staffing.errors import raise_if_errors
    from staffing.validation import policy_problems

    inst, policy_model = _load_inputs(instance, policy)
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


@app.command()
@guarded
def check(
    instance: InstanceArg,
    roster: Annotated[Path, typer.Argument(help="roster.csv (person, post, pool, tour_villages)")],
    policy: PolicyOpt,
    pay: Annotated[Path | None, typer.Option(help="pay plan pay.csv to check as well")] = None,
    show: Annotated[int, typer.Option(help="violations shown per rule")] = 10,
) -> None:
    """Recompute every rule for a roster; exit 1 if a hard rule is violated."""
    from staffing.check import check as run_check
    from staffing.io.roster_io import read_roster

    inst, policy_model = _load_inputs(instance, policy)
    roster_model = read_roster(roster, inst)
    pay_plan = None
    if pay is not None:
        from staffing.pay.io import read_pay_plan

        pay_plan = read_pay_plan(pay, inst)
    report = run_check(inst, policy_model, roster_model, pay_plan)
    print_report(report, policy_model, show)
    if not report.ok:
        raise typer.Exit(1)


def print_report(report: CheckReport, policy: Policy, show: int = 10) -> None:
    """Violations by rule, stage values and indicators."""
    rules = Table(title=f"Rules of '{escape(policy.name)}'")
    for col in ("rule", "kind", "violations", "amount", "examples"):
        rules.add_column(col, overflow="fold")
    by_rule = report.by_rule()
    pay_rules = [r.name for r in policy.pay.rule_objects()] if report.pay_figures and policy.pay \
        else []
    names = [r.name for r in policy.rule_objects()] + pay_rules + [
        n for n in by_rule if policy.rule(n) is None and n not in pay_rules]
    for name in names:
        found = by_rule.get(name, [])
        rule = policy.rule(name)
        kind = "pay" if rule is None else ("hard" if rule.hard else "soft")
        hard = sum(1 for v in found if v.hard)
        soft = len(found) - hard
        status = "[green]0[/]" if not found else ", ".join(
            part for part in (f"[red]{hard} hard[/]" if hard else "",
                              f"[yellow]{soft} soft[/]" if soft else "") if part)
        rules.add_row(name, kind, status, str(sum(v.amount for v in found)),
                      "\n".join(escape(v.message) for v in found[:show])
                      + (f"\n... {len(found) - show} more" if len(found) > show else ""))
    console.print(rules)
    stages = Table(title="Objective stages (recomputed)")
    stages.add_column("stage")
    stages.add_column("value")
    for key, value in report.stages.items():
        stages.add_row(key, escape(str(value)))
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

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.last_print = -1.0

    def __call__(self, event: dict[str, Any]) -> None:
        if self.quiet:
            return
        if event["event"] == "stage":
            status = event["status"]
            colour = "green" if status == "optimal" else "yellow"
            console.print(
                f"  stage [bold]{event['stage']:<16}[/] objective {event['objective']:>10} "
                f"bound {event['bound']:>10} gap {event['gap']:.2%} "
                f"[{colour}]{status}[/] ({event.get('wall_time', 0):.2f} s)"
            )
        elif event["elapsed"] - self.last_print >= 1.0:
            self.last_print = event["elapsed"]
            console.print(f"    {event['stage']}: best {event['objective']:g} bound "
                          f"{event['bound']:g} at {event['elapsed']:.1f} s", style="dim")


@app.command()
@guarded
def solve(
    instance: InstanceArg,
    policy: PolicyOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="folder for the outputs")],
    time_limit: Annotated[float, typer.Option("--time-limit", "-t", min=0.1,
                                              help="seconds for the whole solve")] = 60.0,
    deterministic: Annotated[bool, typer.Option(
        "--deterministic", help="one worker, fixed seed: byte-identical outputs")] = False,
    hint: Annotated[Path | None, typer.Option(help="roster.csv to start from")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="CP-SAT workers")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress lines")] = False,
    no_report: Annotated[bool, typer.Option(
        "--no-report", help="skip report.html and report.json")] = False,
    lang: Annotated[str, typer.Option(help="language report.html opens in: zh or en")] = "zh",
) -> None:
    """Run the two-way selection; write roster, vacancies, audit, reasons, manifest and report."""
    import json
    import time as clock

    from staffing.allocation.engine import allocate
    from staffing.allocation.outputs import write_infeasibility, write_solve_outputs
    from staffing.allocation.reasons import explain_roster
    from staffing.check import check as run_check
    from staffing.errors import raise_if_errors
    from staffing.io.roster_io import read_roster
    from staffing.validation import policy_problems

    started = clock.perf_counter()
    lang = _lang(lang)
    inst, policy_model = _load_inputs(instance, policy)
    raise_if_errors(policy_problems(inst, policy_model))
    start_roster = read_roster(hint, inst) if hint is not None else None
    console.print(f"solving {escape(inst.meta.name or str(instance))} under "
                  f"'{escape(policy_model.name)}': "
                  f"{len(inst.staff)} people, {len(inst.posts)} posts")
    try:
        roster = allocate(inst, policy_model, time_limit=time_limit, deterministic=deterministic,
                          hint=start_roster, workers=workers, progress=SolveProgress(quiet))
    except InfeasibleError as error:
        write_infeasibility(out, error.explanation)
        err_console.print(f"[red]infeasible[/]: {escape(str(error.explanation))}")
        err_console.print(f"explanation written to {escape(str(out))}/infeasibility.txt")
        raise typer.Exit(1) from None
    report = run_check(inst, policy_model, roster)
    reasons = explain_roster(inst, policy_model, roster)
    files = write_solve_outputs(out, inst, policy_model, roster, report, reasons)
    if not no_report:
        from staffing.report import save_report
        from staffing.report.view import run_view

        files += save_report(out, run_view(inst, policy_model, roster, report, reasons,
                                           json.loads((out / "manifest.json").read_text(
                                               encoding="utf-8"))), lang)
    flag = "[green]proven optimal[/]" if roster.status == "optimal" else (
        "[yellow]feasible, NOT proven optimal (time limit)[/]")
    console.print(f"{flag}; {len(report.hard_violations)} hard violations, "
                  f"{report.blocking_pairs} blocking pairs; "
                  f"wrote {escape(', '.join(map(str, files)))} to {escape(str(out))} "
                  f"in {clock.perf_counter() - started:.1f} s")


def _lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise InputError([Problem("--lang", "unknown report language", "option", value=lang,
                                  expected="zh or en")])
    return lang


@app.command()
@guarded
def report(
    run_dir: Annotated[Path, typer.Argument(help="folder written by 'staffing solve' or 'pay'")],
    lang: Annotated[str, typer.Option(help="language the page opens in: zh or en")] = "zh",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="file to write (default RUN_DIR/report.html)")] = None,
) -> None:
    """Draw report.html again from a run folder's report.json (offline, one file)."""
    from staffing.report import write_report

    written = write_report(run_dir, _lang(lang), out)
    console.print(f"wrote {escape(str(written))}")


@app.command()
@guarded
def template(
    out: Annotated[Path, typer.Argument(help="workbook to write, e.g. template.xlsx")],
) -> None:
    """Write an empty instance workbook to fill in: headers, drop-downs, instructions."""
    from staffing.io.workbook import write_template

    write_template(out)
    console.print(f"wrote {escape(str(out))}")


@app.command()
@guarded
def convert(
    source: Annotated[Path, typer.Argument(help="instance bundle to read")],
    target: Annotated[Path, typer.Argument(help="folder, .xlsx or .json to write")],
) -> None:
    """Convert an instance bundle between CSV folder, xlsx and JSON."""
    from staffing.io.bundle import load, save

    save(load(source), target)
    console.print(f"wrote {escape(str(target))}")


@app.command("current-roster")
@guarded
def current_roster(instance: InstanceArg,
                   out: Annotated[Path, typer.Argument(help="roster.csv to write")]) -> None:
    """Write the roster as it stands before the round (everyone at their current post)."""
    from staffing.domain.roster import Roster
    from staffing.io.bundle import load
    from staffing.io.roster_io import write_roster

    write_roster(Roster.current(load(instance)), out)
    console.print(f"wrote {escape(str(out))}")


@app.command()
@guarded
def generate(
    out: Annotated[Path, typer.Argument(help="folder, .xlsx or .json to write")],
    staff: Annotated[int, typer.Option("--staff", "-n", min=5, help="number of people")] = 600,
    seed: Annotated[int, typer.Option("--seed", "-s", help="random seed")] = 1,
    name: Annotated[str | None, typer.Option(help="instance name (default: OUT's name)")] = None,
) -> None:
    """Generate a county instance calibrated to the public figures (deterministic by seed)."""
    from staffing.io.bundle import save
    from staffing.synth import generate as make

    instance = make(staff=staff, seed=seed, name=name or out.stem)
    save(instance, out)
    console.print(f"wrote {escape(str(out))}: {len(instance.staff)} people, "
                  f"{len(instance.posts)} posts, {len(instance.institutions)} institutions")


app.command()(guarded(pay))  # ``staffing pay``
app.command()(guarded(serve))  # ``staffing serve``


def _register_scenarios() -> None:
    from staffing.cli_scenarios import register

    register(app)


if __name__ != "__main__":  # as ``python -m staffing.cli`` the package module registers them
    _register_scenarios()  # ``scenario run``, ``sweep``, ``compare``, ``frontier``


def main() -> None:
    """Entry point of the ``staffing`` command."""
    app()


if __name__ == "__main__":
    from staffing.cli import main as package_main  # this file as staffing.cli, every command

    package_main()
