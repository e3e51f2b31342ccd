"""``staffing pay``: the pay plan of a roster, written as a folder of CSV, xlsx and JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from staffing.cli.args import InstanceArg, LangOpt, OutOpt, PolicyOpt, RosterArg
from staffing.cli.common import console, err_console, page_language, run_clock
from staffing.errors import InfeasibleError, InputError, Problem
from staffing.pay.money import Yuan
from staffing.runs import PayOutputs, pay_run

if TYPE_CHECKING:
    from staffing.pay.plan import PayPlan
    from staffing.pay.sensitivity import TargetSensitivity


def _budget(text: str | None) -> object:
    """``--budget 51000000`` (the performance total) or ``performance=51e6,surplus=2e6``."""
    if text is None:
        return None
    if "=" not in text:
        return text.strip()
    out: dict[str, str] = {}
    problems = []
    for part in text.split(","):
        fund, sep, amount = part.partition("=")
        if not sep:
            problems.append(Problem("--budget", "expected fund=yuan", "option", value=part,
                                    expected="performance=51000000,surplus=2000000",
                                    message_zh="格式应为 资金=金额（元）",
                                    expected_zh="performance=51000000,surplus=2000000"))
            continue
        out[fund.strip()] = amount.strip()
    if problems:
        raise InputError(problems)
    return out


def pay_outputs(lang: str | None, targets: bool,
                found: list[TargetSensitivity]) -> Callable[[PayOutputs], dict[str, str]]:
    """The extra files of a pay run: ``targets.csv`` (``--explain-targets``: what each pay
    rule's sensitivity is, also appended to ``found``; its solves within the run's clock)
    and ``report.json`` / ``report.html`` in ``lang`` (None: no report)."""

    def files(run: PayOutputs) -> dict[str, str]:
        from staffing.pay.check import judged_policy, plan_data  # lazy: pay outputs only
        from staffing.pay.sensitivity import explain_targets, targets_csv  # lazy: pay outputs only
        from staffing.report import REPORT_HTML, REPORT_JSON, view_text  # lazy: pay outputs only
        from staffing.report.render import render  # lazy: pay outputs only
        from staffing.report.view import pay_view  # lazy: pay outputs only

        plan = run.result.plan
        out = {}
        if targets:
            data = plan_data(run.instance, run.policy, run.roster, plan)
            found.extend(explain_targets(data, plan, run.clock))
            out["targets.csv"] = targets_csv(found, plan)
        if lang is not None:
            view = pay_view(run.instance, judged_policy(run.policy, plan), plan,
                            run.result.report.violations, plan.manifest)
            out.update({REPORT_JSON: view_text(view), REPORT_HTML: render(view, lang)})
        return out

    return files


def _targets_table(found: list[TargetSensitivity], plan: PayPlan) -> Table:
    """The table of ``--explain-targets``."""
    table = Table(title="Pay rules: binding, slack, cost of one more unit")
    for col in ("rule", "binds", "target", "plan", "slack", "one more unit", "costs (yuan)"):
        table.add_column(col)
    current = sum(Yuan(f.budget).fen for f in plan.funds)
    for t in found:
        row = t.row(current)
        cost = row["cost_of_step"] or ("not analysed (time limit)" if t.binds is None
                                       else "" if not t.step else "no budget reaches it"
                                       if t.step_allowed else "outside the rule's range")
        table.add_row(t.rule, row["binds"], row["target"], row["value"], row["slack"],
                      row["step"], cost)
    return table


def pay(
    instance: InstanceArg,
    roster: RosterArg,
    policy: PolicyOpt,
    out: OutOpt,
    budget: Annotated[str | None, typer.Option(
        help="fund sizes instead of the instance's: YUAN (performance total) or "
             "fund=YUAN,fund=YUAN")] = None,
    ratio_target: Annotated[float | None, typer.Option(
        "--ratio-target",
        help="grassroots / lead pay ratio target instead of the policy's")] = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", "-t", min=0.1,
        help="seconds for the whole run, from loading to the last file written (default: no "
             "limit); when it is short the report, targets.csv and the workbooks are left "
             "out, as the manifest records; exit 2 when it runs out before a plan is proven "
             "optimal")] = None,
    targets: Annotated[bool, typer.Option(
        "--explain-targets", help="for each pay rule: whether it binds, its slack and what one "
        "more unit of its target costs (targets.csv)")] = False,
    no_report: Annotated[bool, typer.Option(
        "--no-report", help="skip report.html and report.json")] = False,
    lang: LangOpt = None,
) -> None:
    """Split the performance-pay total and earmarked funds; exit 1 (and explain) if impossible."""
    page_lang = page_language(lang)
    found: list[TargetSensitivity] = []
    try:
        run = pay_run(instance, roster, policy, out, budget=_budget(budget),
                      ratio_target=ratio_target, clock=run_clock(time_limit),
                      extra_outputs=pay_outputs(None if no_report else page_lang, targets,
                                                found))
    except InfeasibleError as error:
        err_console.print(f"[red]infeasible[/]: {escape(str(error.explanation))}")
        err_console.print(f"explanation written to {escape(str(out))}/infeasibility.txt")
        raise typer.Exit(1) from None
    plan, files, report = run.result.plan, run.files, run.result.report
    violations = report.hard_violations
    for note in plan.notes:
        err_console.print(f"[yellow]note[/]: {escape(note.message)}")
    for soft in report.violations:
        if not soft.hard:
            err_console.print(f"[yellow]note[/]: {escape(soft.message)}")
    for step, what in run.record["cut_short"].items():
        err_console.print(f"[yellow]cut short[/] {step}: {escape(what)}")
    if targets:
        console.print(_targets_table(found, plan))
    table = Table(title=f"Funds ({escape(run.policy.name)})")
    for col in ("fund", "budget", "paid", "left over"):
        table.add_column(col, justify="right" if col != "fund" else "left")
    for f in plan.funds:
        table.add_row(f"{f.fund.value} {f.fund.zh}", f"{f.budget:,}", f"{f.paid:,}",
                      f"{f.left_over:,}")
    console.print(table)
    figures = plan.figures
    shown = {k: figures.get(k) for k in ("tier_ratio", "reward_share", "max_to_min",
                                         "max_to_mean", "gini", "deviation_from_formula")
             if figures.get(k) is not None}
    console.print(", ".join(f"{k}: {v}" for k, v in shown.items()))
    verdict = "[green]every pay rule holds[/]" if not violations else (
        f"[red]{len(violations)} pay rule violation(s)[/]")
    console.print(f"{verdict}; {len(plan.lines)} people paid; wrote "
                  f"{escape(', '.join(files))} to {escape(str(out))}")
    if violations:
        raise typer.Exit(1)
