"""Pay plan files: per-person lines (CSV and xlsx), fund use, schedule, totals, figures, manifest.

``staffing pay`` writes a folder:

| file | content |
|---|---|
| ``pay.csv`` | one row per paid person, every line in yuan (two decimals) |
| ``pay.xlsx`` | the same lines and every table below, bilingual headers |
| ``funds.csv`` | budget, paid and left over of each fund (paid + left over == budget) |
| ``schedule.csv`` | each pay class's basic amount and point values, beside the formula's |
| ``totals.csv`` | totals per institution and per tier |
| ``figures.json`` | ratios, gap, Gini coefficient, reward share, deviation from the formula |
| ``manifest.json`` | input, roster and policy hashes, versions, solver, timings |

Everything is written to a staging folder and moved into place only when
complete (`staffing.io.atomic`). `read_pay_plan` reads ``pay.csv`` (or a folder
holding it) back, with every problem located.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.errors import InputError, Problem, raise_if_errors
from staffing.io.atomic import CSV_ENCODING, atomic_dir
from staffing.io.bundle import csv_text, parse_csv_text
from staffing.io.encoding import read_text
from staffing.io.formulas import csv_cell
from staffing.io.roster_io import reference_problems
from staffing.io.spec import TableSpec
from staffing.io.tables import parse_table, row_cells
from staffing.io.workbook import save_book, write_header
from staffing.pay.data import PayData
from staffing.pay.figures import totals
from staffing.pay.money import Yuan
from staffing.pay.plan import ClassSchedule, FundUse, PayLine, PayPlan
from staffing.pay.view import PayView
from staffing.policy import Policy

PAY_TABLE = TableSpec("pay", PayLine, "工资明细", "one row per paid person, every line in yuan")
FUNDS_OUT = TableSpec("funds", FundUse, "资金使用", "budget, paid and left over of each fund")
SCHEDULE_OUT = TableSpec("schedule", ClassSchedule, "分配方案", "schedule of each pay class")


# ------------------------------------------------------------------------------ writing


def write_pay(out: str | Path, plan: PayPlan, instance: Instance, roster: Roster,
              policy: Policy, extra_files: dict[str, str] | None = None) -> list[str]:
    """Write every pay output into folder ``out`` (atomically); return the file names.

    ``extra_files`` (name -> text) are written with them, in the same folder move.
    """
    data = PayData.build(instance, roster, policy, budget=plan.budget_override or None)
    view = PayView(data, plan)
    by_institution = totals(view, "institution")
    by_tier = totals(view, "tier")
    files = {
        "pay.csv": csv_text(PAY_TABLE, plan.lines),
        "funds.csv": csv_text(FUNDS_OUT, plan.funds),
        "schedule.csv": csv_text(SCHEDULE_OUT, plan.schedule),
        "totals.csv": _totals_csv(by_institution, by_tier),
        "figures.json": _json({"status": plan.status, "objective": plan.objective,
                               "figures": plan.figures, "unpaid": plan.unpaid}),
        "manifest.json": _json(plan.manifest),
        **(extra_files or {}),
    }
    with atomic_dir(Path(out)) as staging:
        for name, text in files.items():
            encoding = CSV_ENCODING if name.endswith(".csv") else "utf-8"
            (staging / name).write_text(text, encoding=encoding, newline="")
        save_book(_workbook(plan, by_institution, by_tier), staging / "pay.xlsx")
    return [*files, "pay.xlsx"]


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"


def _totals_csv(by_institution: list[dict[str, Any]], by_tier: list[dict[str, Any]]) -> str:
    rows = [{"level": "institution", **r} for r in by_institution] + \
        [{"level": "tier", **r} for r in by_tier]
    columns = list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[Any]) -> None:
    sheet = book.create_sheet(title)
    write_header(sheet, headers)
    for row in rows:
        sheet.append(row)


def _workbook(plan: PayPlan, by_institution: list[dict[str, Any]],
              by_tier: list[dict[str, Any]]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for spec, rows in ((PAY_TABLE, plan.lines), (FUNDS_OUT, plan.funds),
                       (SCHEDULE_OUT, plan.schedule)):
        _sheet(book, spec.sheet_name, [spec.bilingual_header(c) for c in spec.columns],
               [row_cells(r, spec.columns) for r in rows])
    sheets = (("机构汇总／institutions", by_institution), ("层级汇总／tiers", by_tier))
    for title, records in sheets:
        headers = list(dict.fromkeys(k for r in records for k in r))
        _sheet(book, title, headers,
               [[_number(r.get(h)) for h in headers] for r in records])
    figures: list[list[Any]] = [
        [key, json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value]
        for key, value in plan.figures.items()]
    _sheet(book, "指标／figures", ["指标 / figure", "值 / value"], figures)
    return book


def _number(value: Any) -> Any:
    """Yuan text as an exact decimal cell; everything else as it is."""
    if isinstance(value, str):
        try:
            return Yuan(value) if value.replace(".", "", 1).lstrip("-").isdigit() else value
        except ArithmeticError:
            return value
    return value


# ------------------------------------------------------------------------------ reading


def read_pay_plan(path: str | Path, instance: Instance) -> PayPlan:
    """Read a pay plan from ``pay.csv`` (or a folder holding it, with ``funds.csv``).

    Raises
    ------
    InputError
        listing every problem, each located by file, row and column: unreadable
        cells, unknown or repeated people.
    """
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    file = path / "pay.csv" if path.is_dir() else path
    if not file.is_file():
        raise InputError([Problem(str(file), "no such pay plan file", "not_found",
                                  expected="a pay.csv written by 'staffing pay' (or its folder)",
                                  message_zh="薪酬方案文件不存在",
                                  expected_zh="由 staffing pay 写出的 pay.csv（或其所在文件夹）")])
    lines, numbers = _read(file, PAY_TABLE)
    problems = []
    seen: dict[str, int] = {}
    for row, line in zip(numbers, lines):
        problems.extend(reference_problems(instance, file.name, row, line.person, line.post, seen))
    raise_if_errors(problems)
    funds: list[Any] = []
    if path.is_dir() and (folder / "funds.csv").is_file():
        funds, _ = _read(folder / "funds.csv", FUNDS_OUT)
    return PayPlan(lines=lines, funds=funds, status="given")


def _read(file: Path, spec: TableSpec) -> tuple[list[Any], list[int]]:
    text, problems = read_text(file)
    raise_if_errors(problems)
    assert text is not None
    rows, numbers, found = parse_table(spec, parse_csv_text(text, file.name, spec))
    raise_if_errors(found)
    return rows, numbers


def write_pay_infeasibility(out: Path, explanation: Any) -> None:
    """Write why no pay plan exists (``infeasibility.txt``, and ``.json`` when it has data)."""
    with atomic_dir(out) as staging:
        (staging / "infeasibility.txt").write_text(str(explanation) + "\n", encoding="utf-8")
        if hasattr(explanation, "to_dict"):
            (staging / "infeasibility.json").write_text(
                json.dumps(explanation.to_dict(), ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8")
