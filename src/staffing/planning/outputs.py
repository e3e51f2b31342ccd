"""The files a rotation plan writes: the plan year by year, statuses, absences, coverage.

``staffing rotation-plan`` writes a folder:

| file | content |
|---|---|
| ``rotations.csv`` | the plan, one row per rotation: person, years, place, role |
| ``by_year.csv`` | the plan year by year: one row per person and year away |
| ``candidates.csv`` | every promotion candidate's status, rotation and reason (en, zh) |
| ``departments.csv`` | each county department's people away by year, against its limit |
| ``coverage.csv`` | each grassroots post's and team's rotating people by year, against its need |
| ``directed_placements.csv`` | year 1 as directed placements of the two-way selection |
| ``audit.csv``, ``violations.csv`` | plan rule by rule: hard or soft, status, breaches |
| ``plan.xlsx`` | every table above, a sheet per plan year first, bilingual headers |
| ``manifest.json`` | input and policy hashes, versions, parameters, every stage's value and bound |

``rotations.csv`` is what ``check-plan`` and ``solve --rotation-plan`` read.
Everything is written to a staging folder and moved into place only when
complete (`staffing.io.atomic`); in deterministic mode no file carries a
wall-clock time.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from staffing.domain.instance import Instance
from staffing.io.atomic import CSV_ENCODING, atomic_dir
from staffing.io.bundle import csv_text
from staffing.io.directed import DIRECTED_TABLE
from staffing.io.formulas import csv_cell
from staffing.io.workbook import save_book, write_header
from staffing.planning.check import PlanReport
from staffing.planning.directed import year_one_placements
from staffing.planning.facts import PlanFacts
from staffing.planning.io import PLAN_FILE
from staffing.planning.policy import PlanningPolicy
from staffing.planning.rules.base import PlanView
from staffing.planning.tables import ROTATIONS_TABLE, Rotation

# column -> Chinese header of the derived tables
ZH = {
    "year": "年度", "person": "工号", "name": "姓名", "department": "科室", "site": "去向",
    "kind": "类型", "role": "角色", "institution": "机构", "tier": "层级",
    "start_year": "开始年度", "end_year": "结束年度", "target_year": "目标年度",
    "status": "状态", "status_zh": "状态（中文）", "code": "原因代码", "text": "说明",
    "text_zh": "说明（中文）", "discipline": "专业", "staff": "人数", "limit": "上限",
    "away": "外派人数", "people": "人员", "need": "需求", "places": "最多接收",
    "assigned": "已安排", "shortfall": "缺口", "rule": "规则", "label_en": "规则名称",
    "label_zh": "规则（中文）", "hard": "刚性", "violations": "违反次数", "amount": "数量",
    "source": "来源", "message": "说明",
}

def by_year_rows(view: PlanView) -> list[dict[str, Any]]:
    """One row per person and plan year away, year by year."""
    facts = view.facts
    staff = facts.instance.staff
    out = []
    for t, year in enumerate(facts.horizon.year_list):
        for k in sorted(map(int, view.covers(t).nonzero()[0]),
                        key=lambda j: (view.rotations[j].site, view.rotations[j].person)):
            r = view.rotations[k]
            site = facts.sites[int(view.site[k])]
            i = int(view.person[k])
            d = int(facts.department[i])
            out.append({"year": year, "person": r.person, "name": staff[i].name,
                        "department": facts.departments[d].id if d >= 0 else "",
                        "site": r.site, "kind": site.kind, "role": r.role.value,
                        "institution": site.institution,
                        "tier": facts.instance.institution_by_id[site.institution].tier.value,
                        "start_year": r.start_year, "end_year": r.end_year})
    return out


def audit_rows(planning: PlanningPolicy, report: PlanReport) -> list[dict[str, Any]]:
    by_rule = report.by_rule()
    out = []
    for rule in planning.rule_objects():
        found = by_rule.get(rule.name, [])
        status = "ok" if not found else ("violated" if any(v.hard for v in found) else "short")
        out.append({"rule": rule.name, "label_en": rule.label_en, "label_zh": rule.label_zh,
                    "hard": rule.hard, "status": status, "violations": len(found),
                    "amount": sum(v.amount for v in found), "source": rule.params.source})
    return out


def violation_rows(report: PlanReport) -> list[dict[str, Any]]:
    return [{"rule": v.rule, "hard": v.hard, "amount": v.amount, "message": v.message,
             "people": ";".join(v.people), "site": ";".join(v.posts)}
            for v in report.violations]


def table_text(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Rows of dicts as CSV text (columns: the given ones, or the rows' keys)."""
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def write_plan(out: str | Path, result: Any, planning: PlanningPolicy,
               instance: Instance) -> list[str]:
    """Write every output of a plan into folder ``out`` (atomically); return the file names."""
    view = PlanView(result.facts, result.rotations)
    tables = {
        "by_year": by_year_rows(view),
        "candidates": [s.row() for s in result.statuses],
        "departments": result.report.departments,
        "coverage": result.report.coverage,
        "audit": audit_rows(planning, result.report),
        "violations": violation_rows(result.report),
    }
    directed = year_one_placements(result.facts, result.rotations)
    files = {PLAN_FILE: csv_text(ROTATIONS_TABLE, result.rotations),
             **{f"{name}.csv": table_text(rows, _columns(name, rows))
                for name, rows in tables.items()},
             "directed_placements.csv": csv_text(DIRECTED_TABLE, directed),
             "manifest.json": json.dumps(result.manifest, ensure_ascii=False, indent=1) + "\n"}
    with atomic_dir(Path(out)) as staging:
        for name, text in files.items():
            (staging / name).write_text(text, encoding=CSV_ENCODING if name.endswith(".csv")
                                        else "utf-8", newline="")
        save_book(_workbook(result.facts, tables, result.rotations), staging / "plan.xlsx")
    return [*files, "plan.xlsx"]


_COLUMNS = {
    "by_year": ["year", "person", "name", "department", "site", "kind", "role", "institution",
                "tier", "start_year", "end_year"],
    "violations": ["rule", "hard", "amount", "message", "people", "site"],
}


def _columns(name: str, rows: list[dict[str, Any]]) -> list[str]:
    return _COLUMNS.get(name) or list(dict.fromkeys(k for r in rows for k in r)) or ["none"]


def _sheet(book: Workbook, title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    sheet = book.create_sheet(title)
    write_header(sheet, [f"{ZH.get(c, c)} / {c}" for c in columns])
    for row in rows:
        sheet.append([row.get(c) for c in columns])


def _workbook(facts: PlanFacts, tables: dict[str, list[dict[str, Any]]],
              rotations: list[Rotation]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    columns = _COLUMNS["by_year"]
    for year in facts.horizon.year_list:
        _sheet(book, f"{year}年／{year}", [r for r in tables["by_year"] if r["year"] == year],
               columns)
    _sheet(book, f"{ROTATIONS_TABLE.zh}／rotations",
           [{**r.model_dump(), "role": r.role.value} for r in rotations],
           list(ROTATIONS_TABLE.columns))
    titles = {"candidates": "晋升对象", "departments": "科室外派", "coverage": "基层覆盖",
              "audit": "规则核查", "violations": "违反明细"}
    for name, zh in titles.items():
        _sheet(book, f"{zh}／{name}", tables[name], _columns(name, tables[name]))
    return book

