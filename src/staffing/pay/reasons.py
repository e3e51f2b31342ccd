"""Why each person's pay is what it is: every pay line explained, and every explanation checked.

`explain_plan` asks every line and rule of the policy for its lines
(`staffing.pay.rules`, ``explain``) and adds each person's total, so that a
person sees, for each line, the formula with its numbers in Chinese and
English, the fund it is drawn from and, for a top-up, the home-post pay it
restores (`staffing.pay.explained.PayExplained`, the rows of
``pay_explained.csv``).

`verify_explanations` re-checks them as the allocation's reasons are
re-checked: each row's numbers must give its amount (`evaluate`), each amount
must be the plan's line, every paid line must be explained once and each
person's lines must add up to their total; and the rows must be the ones the
inputs give, rebuilt from scratch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from staffing.pay.check import plan_data
from staffing.pay.codes import LINES, Line
from staffing.pay.explained import (
    ExplainedLine,
    PayExplained,
    amount_term,
    evaluate,
    explained,
)
from staffing.pay.money import Yuan
from staffing.pay.view import PayView

if TYPE_CHECKING:
    from staffing.domain.instance import Instance
    from staffing.domain.roster import Roster
    from staffing.pay.plan import PayPlan
    from staffing.policy import Policy


def explain_plan(instance: Instance, policy: Policy, roster: Roster,
                 plan: PayPlan) -> list[ExplainedLine]:
    """Every pay line of every paid person explained, person by person, then each total.

    The plan is read as `staffing.pay.check.check_pay` reads it (with the budget override
    and ratio target of its manifest).
    """
    return explain_view(PayView(plan_data(instance, policy, roster, plan), plan))


def explain_view(view: PayView) -> list[ExplainedLine]:
    """`explain_plan` on a plan already read into a view."""
    data = view.data
    rows: dict[str, list[ExplainedLine]] = defaultdict(list)
    for rule in data.rules():
        for row in rule.explain(view):
            rows[row.person].append(row)
    order = {line.value: k for k, line in enumerate(LINES)}
    out = []
    for i, pid in enumerate(data.people):
        lines = sorted(rows.get(pid, []), key=lambda r: order[r.line])
        terms = [amount_term(r.line, r.line_zh, r.line.replace("_", " "), Yuan(r.amount).fen)
                 for r in lines]
        out.extend(lines)
        out.append(explained(pid, data.instance.person_by_id[pid].name, "total", "sum", terms,
                             amount_fen=int(view.reported_total[i])))
    return out


def verify_explanations(instance: Instance, policy: Policy, roster: Roster, plan: PayPlan,
                        rows: Sequence[ExplainedLine | PayExplained]) -> list[str]:
    """What is wrong with ``rows`` as explanations of ``plan`` (nothing: an empty list).

    Checks, each reported in words: every row's numbers give its amount; the amount is the
    plan's line (or total); every line the plan pays is explained, once; every person's
    explained lines add up to the total; and the rows are those rebuilt from the inputs.
    """
    view = PayView(plan_data(instance, policy, roster, plan), plan)
    data = view.data
    problems = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.person, row.line)
        if key in seen:
            problems.append(f"{row.person}: line {row.line} explained twice")
        seen.add(key)
        try:
            got = evaluate(row)
        except (ValueError, ArithmeticError) as error:
            problems.append(f"{row.person} {row.line}: {error}")
            continue
        if got != Yuan(row.amount).fen:
            problems.append(f"{row.person} {row.line}: the numbers give {got} fen, the row "
                            f"says {Yuan(row.amount).fen}")
        i = data.index.get(row.person)
        if i is None:
            problems.append(f"{row.person} is not paid under this roster")
            continue
        line_fen = int(view.reported_total[i]) if row.line == "total" else \
            int(view.amount(Line(row.line))[i])
        if line_fen != Yuan(row.amount).fen:
            problems.append(f"{row.person} {row.line}: the plan pays {line_fen} fen, the "
                            f"explanation {Yuan(row.amount).fen}")
    for i, pid in enumerate(data.people):
        for line in LINES:
            if view.amount(line)[i] != 0 and (pid, line.value) not in seen:
                problems.append(f"{pid}: line {line.value} is paid but not explained")
        if (pid, "total") not in seen:
            problems.append(f"{pid}: no total")
    sums: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = {}
    for row in rows:
        if row.line == "total":
            totals[row.person] = Yuan(row.amount).fen
        else:
            sums[row.person] += Yuan(row.amount).fen
    problems.extend(f"{pid}: lines add up to {sums[pid]} fen, the total is {total}"
                    for pid, total in totals.items() if sums[pid] != total)
    fresh = {(r.person, r.line): r for r in explain_view(view)}
    problems.extend(f"{row.person} {row.line}: not what the inputs give ({row.formula_en})"
                    for row in rows if (row.person, row.line) in fresh
                    and _fields(fresh[(row.person, row.line)]) != _fields(row))
    return problems


def _fields(row: ExplainedLine | PayExplained) -> tuple[object, ...]:
    """A row's values, the same whether built by the engine or read from pay_explained.csv."""
    return tuple(getattr(row, name) for name in ExplainedLine._fields)
