"""Pay plan files: per-person lines (CSV and xlsx), fund use, schedule, totals, figures, manifest.

``staffing pay`` writes a folder:

| file | content |
|---|---|
| ``pay.csv`` | one row per paid person, every line in yuan (two decimals) |
| ``pay.xlsx`` | the same lines and every table below, bilingual headers |
| ``pay_explained.csv``, ``.xlsx`` | per person and line: the formula with its numbers (Chinese |
| | and English), the fund it is drawn from, for a top-up the home-post pay it restores |
| ``funds.csv`` | budget, paid and left over of each fund (paid + left over == budget) |
| ``schedule.csv`` | each pay class's basic amount and point values, beside the formula's |
| ``totals.csv`` | totals per institution and per tier |
| ``figures.json`` | ratios, gap, Gini coefficient, reward share, deviation from the formula, |
| | the unpaid people and notes (funds no line draws on) |
| ``targets.csv`` | with ``--explain-targets``: each pay rule, whether it binds, its slack, |
| | what one more unit of its target costs (`staffing.pay.sensitivity`) |
| ``manifest.json`` | input, roster and policy hashes, every parameter (budget override, ratio |
| | target, point-value places), versions, solver and its objective, timings |

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
from pydantic import ValidationError

from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.errors import InputError, Problem, raise_if_errors
from staffing.io.atomic import CSV_ENCODING, atomic_dir
from staffing.io.bundle import csv_text, parse_csv_text
from staffing.io.encoding import read_text
from staffing.io.formulas import csv_cell, guarded_cells
from staffing.io.messages import describe
from staffing.io.roster_io import reference_problems
from staffing.io.spec import TableSpec
from staffing.io.tables import parse_table, row_cells
from staffing.io.workbook import save_book, write_only_header
from staffing.pay.check import plan_data
from staffing.pay.explained import ExplainedLine, PayExplained
from staffing.pay.figures import totals
from staffing.pay.money import Yuan
from staffing.pay.plan import ClassSchedule, FundUse, PayLine, PayPlan
from staffing.pay.reasons import explain_view
from staffing.pay.view import PayView
from staffing.policy import Policy

PAY_TABLE = TableSpec("pay", PayLine, "工资明细", "one row per paid person, every line in yuan")
FUNDS_OUT = TableSpec("funds", FundUse, "资金使用", "budget, paid and left over of each fund")
SCHEDULE_OUT = TableSpec("schedule", ClassSchedule, "分配方案", "schedule of each pay class")
EXPLAINED_TABLE = TableSpec("pay_explained", PayExplained, "工资说明",
                            "each person's pay lines with their formulas and funds")


# ------------------------------------------------------------------------------ writing


def write_pay(out: str | Path, plan: PayPlan, instance: Instance, roster: Roster,
              policy: Policy, extra_files: dict[str, str] | None = None, *,
              workbooks: bool = True) -> list[str]:
    """Write every pay output into folder ``out`` (atomically); return the file names.

    ``extra_files`` (name -> text) are written with them, in the same folder move
    (``targets.csv`` of ``--explain-targets``, the report); ``workbooks`` False leaves out
    pay.xlsx and pay_explained.xlsx (a run short of time: the CSV files hold the same tables).
    """
    view = PayView(plan_data(instance, policy, roster, plan), plan)
    by_institution = totals(view, "institution")
    by_tier = totals(view, "tier")
    explained = explain_view(view)
    files = {
        "pay.csv": csv_text(PAY_TABLE, plan.lines),
        "pay_explained.csv": csv_text(EXPLAINED_TABLE, explained),
        "funds.csv": csv_text(FUNDS_OUT, plan.funds),
        "schedule.csv": csv_text(SCHEDULE_OUT, plan.schedule),
        "totals.csv": _totals_csv(by_institution, by_tier),
        "figures.json": _json({"status": plan.status, "figures": plan.figures,
                               "unpaid": plan.unpaid,
                               "notes": [n.model_dump(mode="json") for n in plan.notes]}),
        "manifest.json": _json(plan.manifest),
        **(extra_files or {}),
    }
    with atomic_dir(Path(out)) as staging:
        for name, text in files.items():
            encoding = CSV_ENCODING if name.endswith(".csv") else "utf-8"
            (staging / name).write_text(text, encoding=encoding, newline="")
        if workbooks:
            save_book(_workbook(plan, by_institution, by_tier), staging / "pay.xlsx")
            save_book(_explained_book(explained), staging / "pay_explained.xlsx")
    return [*files, *(("pay.xlsx", "pay_explained.xlsx") if workbooks else ())]


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
    """A write-only sheet: bilingual header row, then ``rows`` (formula-like texts as text)."""
    sheet = book.create_sheet(title)
    write_only_header(sheet, headers)
    for row in rows:
        sheet.append(guarded_cells(sheet, row))


def _workbook(plan: PayPlan, by_institution: list[dict[str, Any]],
              by_tier: list[dict[str, Any]]) -> Workbook:
    """pay.xlsx: the pay lines, funds, schedule, totals and figures, a sheet each (written in
    openpyxl's write-only mode: a county has 20,000 pay lines of 40 columns)."""
    book = Workbook(write_only=True)
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


EXPLAINED_SHEET = ["person", "name", "line", "amount", "fund", "formula_zh", "formula_en"]
# what a reader needs (the line in both languages; a top-up's home-post pay is in its formula);
# pay_explained.csv has every column


def _explained_book(rows: list[ExplainedLine]) -> Workbook:
    """pay_explained.xlsx: one sheet, a row per person and line, bilingual headers.

    Written in openpyxl's write-only mode (a county has 100,000 rows), columns
    `EXPLAINED_SHEET`; the numbers and the kind of arithmetic of each row are in
    pay_explained.csv.
    """
    spec = EXPLAINED_TABLE
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.sheet_name)
    sheet.freeze_panes = "A2"
    sheet.append([spec.bilingual_header(c) for c in EXPLAINED_SHEET])
    for r in rows:
        sheet.append(guarded_cells(sheet, [
            r.person, r.name, f"{r.line_zh} / {r.line}", r.amount,
            r.fund.value if r.fund is not None else None, r.formula_zh, r.formula_en]))
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
    """Read a pay plan from ``pay.csv`` (or the folder holding it) and the files beside it.

    ``funds.csv``, ``schedule.csv``, ``figures.json`` and ``manifest.json`` are read
    when present in the same folder, so that the checker judges the plan's fund
    use, schedule and figures and uses the parameters it was made with.

    Raises
    ------
    InputError
        listing every problem, each located by file, row and column: unreadable
        cells, unknown or repeated people, unreadable JSON.
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
    found: dict[str, Any] = {}
    for name, spec in (("funds", FUNDS_OUT), ("schedule", SCHEDULE_OUT)):
        if (folder / f"{name}.csv").is_file():
            found[name], _ = _read(folder / f"{name}.csv", spec)
    figures = _read_json(folder / "figures.json")
    if figures:
        found["figures"] = figures.get("figures") or {}
        found["unpaid"] = figures.get("unpaid") or []
        found["notes"] = figures.get("notes") or []
    manifest = _read_json(folder / "manifest.json")
    if manifest:
        found["manifest"] = manifest
        found["budget_override"] = (manifest.get("parameters") or {}).get("budget_override") or {}
    try:
        return PayPlan(lines=lines, status="given", **found)
    except ValidationError as error:
        raise InputError([Problem(str(folder), f"{'.'.join(map(str, e['loc']))}: "
                                  f"{describe(e).message}", e["type"],
                                  expected="the files as 'staffing pay' writes them",
                                  message_zh=f"{'.'.join(map(str, e['loc']))}："
                                  f"{describe(e).message_zh}",
                                  expected_zh="'staffing pay' 写出的文件原样")
                          for e in error.errors()]) from None


def read_pay_explained(path: str | Path) -> list[PayExplained]:
    """Read ``pay_explained.csv`` (or the plan folder holding it), every problem located."""
    path = Path(path)
    file = path / "pay_explained.csv" if path.is_dir() else path
    if not file.is_file():
        raise InputError([Problem(str(file), "no such file", "not_found",
                                  expected="a pay_explained.csv written by 'staffing pay'",
                                  message_zh="文件不存在",
                                  expected_zh="'staffing pay' 写出的 pay_explained.csv")])
    rows, _ = _read(file, EXPLAINED_TABLE)
    return rows


def _read_json(file: Path) -> dict[str, Any]:
    """A JSON object from a file beside pay.csv ({} when the file is absent)."""
    if not file.is_file():
        return {}
    text, problems = read_text(file)
    raise_if_errors(problems)
    try:
        data = json.loads(text or "")
    except json.JSONDecodeError as error:
        raise InputError([Problem(file.name, f"not valid JSON: {error.msg}", "json",
                                  row=error.lineno, expected="the file as 'staffing pay' "
                                  "writes it", message_zh=f"不是有效的 JSON：{error.msg}",
                                  expected_zh="'staffing pay' 写出的文件原样")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(file.name, "not a JSON object", "json",
                                  expected="the file as 'staffing pay' writes it",
                                  message_zh="不是 JSON 对象",
                                  expected_zh="'staffing pay' 写出的文件原样")])
    return data


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
