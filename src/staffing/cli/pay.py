"""``staffing pay``: the pay plan of a roster, written as a folder of CSV, xlsx and JSON."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from staffing.cli.args import InstanceArg, LangOpt, OutOpt, PolicyOpt, RosterArg
from staffing.cli.common import console, err_console, page_language
from staffing.errors import InfeasibleError, InputError, Problem
from staffing.io.messages import describe
from staffing.report import pay_report
from staffing.runs import load_inputs, pay_run


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
    time_limit: Annotated[float | None, typer.Option(help="seconds per solver call")] = None,
    no_report: Annotated[bool, typer.Option(
        "--no-report", help="skip report.html and report.json")] = False,
    lang: LangOpt = None,
) -> None:
    """Split the performance-pay total and earmarked funds; exit 1 (and explain) if impossible."""
    page_lang = page_language(lang)
    inst, policy_model = load_inputs(instance, policy)
    if ratio_target is not None and policy_model.pay is not None:
        try:
            policy_model = policy_model.replace(
                pay=policy_model.pay.with_rule("tier_ratio", target=ratio_target))
        except ValidationError as error:
            raise InputError([Problem("--ratio-target", describe(e).message, e["type"],
                                      value=ratio_target, expected="a ratio > 0 and <= 5",
                                      message_zh=describe(e).message_zh,
                                      expected_zh="大于 0 且不大于 5 的比值")
                              for e in error.errors()]) from None
    try:
        run = pay_run(inst, roster, policy_model, out, budget=_budget(budget),
                      time_limit=time_limit,
                      extra_outputs=None if no_report else pay_report(page_lang))
    except InfeasibleError as error:
        err_console.print(f"[red]infeasible[/]: {escape(str(error.explanation))}")
        err_console.print(f"explanation written to {escape(str(out))}/infeasibility.txt")
        raise typer.Exit(1) from None
    plan, files, violations = run.result.plan, run.files, run.result.report.violations
    table = Table(title=f"Funds ({escape(policy_model.name)})")
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
