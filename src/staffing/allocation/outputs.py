"""The files a solve writes: roster, vacancies, rule-by-rule audit, reasons, manifest.

Everything is written to a staging folder and moved into place only when all
files are complete. In deterministic mode no file carries a wall-clock time,
so the same inputs give byte-identical outputs. CSV files are UTF-8 with BOM (a
double-click opens them right in a Chinese-locale Excel) with column codes as
headers; ``roster.xlsx`` holds the roster, vacancies, audit and violations with
bilingual headers (``工号 / person``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from staffing.allocation.reasons import Reason
from staffing.allocation.result import AllocationResult
from staffing.check import CheckReport, audit_lines
from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.io.atomic import CSV_ENCODING, atomic_dir
from staffing.io.formulas import csv_row, guarded_cells
from staffing.io.roster_io import ROSTER_COLUMNS, ROSTER_TABLE, roster_rows
from staffing.io.spec import SHEET_SEP
from staffing.io.tables import cell_text
from staffing.policy import Policy

if TYPE_CHECKING:
    from openpyxl import Workbook

REASON_COLUMNS = ["person", "name", "kind", "code", "post", "choice_rank", "rules", "stage",
                  "detailed", "text", "text_zh"]


@dataclass(frozen=True)
class OutputTable:
    """One table of the outputs: file and sheet names, columns (code, Chinese), rows."""

    name: str
    zh: str
    columns: list[tuple[str, str]]
    rows: list[list[Any]]

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def sheet_name(self) -> str:
        return f"{self.zh}{SHEET_SEP}{self.name}"

    def csv(self) -> str:
        return table_csv([code for code, _zh in self.columns], self.rows)


VACANCY_COLUMNS = [("post", "岗位编号"), ("post_name", "岗位名称"), ("institution", "所属机构"),
                   ("institution_name", "机构名称"), ("tier", "层级"), ("discipline", "专业"),
                   ("grade", "岗位等级"), ("places", "岗位数"), ("filled", "已聘人数"),
                   ("vacant", "空岗数")]
AUDIT_COLUMNS = [("rule", "规则"), ("label_en", "英文名称"), ("label_zh", "中文名称"),
                 ("part_en", "规则部分（英文）"), ("part_zh", "规则部分"), ("kind", "刚性/弹性"),
                 ("status", "状态"), ("violations", "违规条数"), ("amount", "违规数量"),
                 ("source", "政策依据")]
VIOLATION_COLUMNS = [("rule", "规则"), ("kind", "刚性/弹性"), ("amount", "数量"),
                     ("message", "说明"), ("people", "人员"), ("posts", "岗位"),
                     ("institutions", "机构")]


def roster_table(instance: Instance, roster: Roster) -> OutputTable:
    """The roster with the names of people and posts."""
    columns = [(code, ROSTER_TABLE.zh_header(code)) for code in ROSTER_COLUMNS]
    rows = [[cell_text(getattr(row, code)) for code in ROSTER_COLUMNS]
            for row in roster_rows(roster, instance)]
    return OutputTable("roster", ROSTER_TABLE.zh, columns, rows)


def table_csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue()


def vacancy_rows(instance: Instance, roster: Roster) -> list[list[Any]]:
    rows = []
    for post in instance.posts:
        filled = len(roster.holders.get(post.id, []))
        if filled < post.places:
            inst = instance.institution_by_id[post.institution]
            rows.append([post.id, post.name, post.institution, inst.name, inst.tier.value,
                         post.discipline.value, post.grade.value, post.places, filled,
                         post.places - filled])
    return rows


def audit_rows(policy: Policy, report: CheckReport) -> list[list[Any]]:
    """The rows of ``audit.csv``: one per rule, or per part of a rule when they differ in
    hardness (`staffing.check.audit_lines`)."""
    return [[line.rule, line.label_en, line.label_zh, line.part_en, line.part_zh,
             "hard" if line.hard else "soft", line.status, len(line.violations), line.amount,
             line.source] for line in audit_lines(policy, report)]


def violation_rows(report: CheckReport) -> list[list[Any]]:
    return [[v.rule, "hard" if v.hard else "soft", v.amount, v.message, ";".join(v.people),
             ";".join(v.posts), ";".join(v.institutions)] for v in report.violations]


def reason_rows(instance: Instance, policy: Policy, reasons: list[Reason]) -> list[list[Any]]:
    names = {p.id: p.name for p in instance.staff}
    return [[r.person, names.get(r.person, ""), r.kind, r.code, r.post or "", r.choice_rank or "",
             ";".join(r.rules), r.stage or "", "yes" if r.detailed else "no", r.text, r.text_zh]
            for r in reasons]


def blocking_rows(reasons: list[Reason], instance: Instance | None = None,
                  report: CheckReport | None = None) -> list[list[Any]]:
    """Each remaining blocking pair with what forces it: a hard rule, or an earlier stage.

    With the checker's ``report``, a blocking pair whose person was given the outcome line
    alone (the time limit came first) is listed too, as ``not_explained``.
    """
    rows = []
    for r in reasons:
        if r.blocking:
            forced_by = ";".join(r.rules) if r.rules else (r.stage or "")
            rows.append([r.person, r.post, r.choice_rank, r.code, forced_by, r.text])
    if instance is None or report is None:
        return rows
    brief = {r.person for r in reasons if not r.detailed}
    for v in report.violations:
        if v.rule not in report.blocking_rules:
            continue
        for person, post in zip(v.people, v.posts):
            if person in brief:
                choices = instance.choices_of.get(person, [])
                rank = choices.index(post) + 1 if post in choices else ""
                rows.append([person, post, rank, "not_explained", "",
                             "not explained: the time limit came first"])
    return rows


def reasons_workbook(rows: list[list[Any]]) -> Workbook:
    """One sheet, a row per reason (written in openpyxl's write-only mode: a county has tens of
    thousands of reasons)."""
    from openpyxl import Workbook  # lazy: openpyxl (0.2 s to import) only when writing xlsx

    book = Workbook(write_only=True)
    sheet = book.create_sheet("原因 reasons")
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["J"].width = 90
    sheet.column_dimensions["K"].width = 90
    sheet.append(["工号 person", "姓名 name", "类别 kind", "代码 code", "岗位 post", "志愿 rank",
                  "规则 rules", "目标阶段 stage", "详细 detailed", "说明 text", "说明（中文）"])
    for row in rows:
        sheet.append(guarded_cells(sheet, row))
    return book


def roster_workbook(tables: list[OutputTable]) -> Workbook:
    """One sheet per table, bilingual headers (``工号 / person``), frozen header row (written
    in openpyxl's write-only mode)."""
    from openpyxl import Workbook  # lazy: openpyxl (0.2 s to import) only when writing xlsx

    from staffing.io.workbook import write_only_header  # lazy: imports openpyxl

    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.sheet_name)
        write_only_header(sheet, [f"{zh} / {code}" for code, zh in table.columns])
        for row in table.rows:
            sheet.append(guarded_cells(sheet, row))
    return book


def write_solve_outputs(out: Path, instance: Instance, policy: Policy, result: AllocationResult,
                        reasons: list[Reason], extra_files: dict[str, str] | None = None, *,
                        last_files: Callable[[], dict[str, str]] | None = None,
                        workbooks: bool = True) -> list[str]:
    """Write every output of a solve into ``out`` at once (atomically); return the file names.

    CSV tables are written as Excel reads them (UTF-8 with BOM); ``extra_files``
    (name -> text, e.g. the report) are written with them, as UTF-8, in the same folder move.
    ``last_files`` is called once every other file is written and gives the last ones
    (name -> text; by default ``manifest.json`` of the result), so a manifest can record
    how long the writes took. ``workbooks`` False leaves out roster.xlsx and reasons.xlsx
    (a run short of time: the CSV files hold the same tables).
    """
    roster, report = result.roster, result.report
    rows = reason_rows(instance, policy, reasons)
    tables = [
        roster_table(instance, roster),
        OutputTable("vacancies", "空岗", VACANCY_COLUMNS, vacancy_rows(instance, roster)),
        OutputTable("audit", "规则审核", AUDIT_COLUMNS, audit_rows(policy, report)),
        OutputTable("violations", "违规明细", VIOLATION_COLUMNS, violation_rows(report)),
    ]
    files = {table.file_name: table.csv() for table in tables}
    files.update({
        "reasons.csv": table_csv(REASON_COLUMNS, rows),
        "blocking_pairs.csv": table_csv(["person", "post", "choice_rank", "code", "forced_by",
                                         "text"], blocking_rows(reasons, instance, report)),
    })
    texts = dict(extra_files or {})
    with atomic_dir(out) as staging:
        for name, text in files.items():
            (staging / name).write_text(text, encoding=CSV_ENCODING)
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8")
        books = {"reasons.xlsx": lambda: reasons_workbook(rows),
                 "roster.xlsx": lambda: roster_workbook(tables)} if workbooks else {}
        for name, book in books.items():
            from staffing.io.workbook import save_book  # lazy: it imports openpyxl

            save_book(book(), staging / name)
        last = last_files() if last_files is not None else {"manifest.json": manifest_text(result)}
        for name, text in last.items():
            (staging / name).write_text(text, encoding="utf-8")
    return [*files, *texts, *books, *last]


def solve_manifest(result: AllocationResult) -> dict[str, Any]:
    """The manifest of a solve: the engine's, and the checker's figures of the roster."""
    report = result.report
    manifest = dict(result.manifest)
    manifest["check"] = {
        "hard_violations": len(report.hard_violations),
        "soft_violations": len(report.soft_violations),
        "without_post": report.without_post,
        "stages": report.stages,
        "indicators": {i.key: (round(i.value, 6) if isinstance(i.value, float) else i.value)
                       for i in report.indicators},
    }
    return manifest


def manifest_text(result: AllocationResult) -> str:
    """``manifest.json`` of a solve, as written."""
    return json_text(solve_manifest(result))


def json_text(data: Any) -> str:
    """A JSON file's text as every output writes it (UTF-8 as is, one-space indent)."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def write_infeasibility(out: Path, explanation: Any) -> None:
    """Write the explanation of an infeasible policy (no roster exists)."""
    with atomic_dir(out) as staging:
        (staging / "infeasibility.json").write_text(
            json.dumps(explanation.to_dict(), ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8")
        (staging / "infeasibility.txt").write_text(str(explanation) + "\n", encoding="utf-8")


def write_stopped(out: Path, files: Callable[[], dict[str, str]]) -> None:
    """Write the files of a run the time limit stopped before any roster (name -> text, as
    ``files`` gives them when called: its manifest), atomically."""
    with atomic_dir(out) as staging:
        for name, text in files().items():
            (staging / name).write_text(text, encoding="utf-8")
