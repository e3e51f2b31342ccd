"""The files a solve writes: roster, vacancies, rule-by-rule audit, reasons, manifest.

Everything is written to a staging folder and moved into place only when all
files are complete. In deterministic mode no file carries a wall-clock time,
so the same inputs give byte-identical outputs.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from staffing.allocation.reasons import Reason
from staffing.allocation.result import AllocationResult
from staffing.check import CheckReport
from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.io.atomic import atomic_dir
from staffing.io.roster_io import roster_csv
from staffing.io.workbook import save_book
from staffing.policy import Policy

REASON_COLUMNS = ["person", "name", "kind", "code", "post", "choice_rank", "rules", "stage",
                  "detailed", "text", "text_zh"]


def table_csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def vacancy_rows(instance: Instance, roster: Roster) -> list[list[Any]]:
    rows = []
    for post in instance.posts:
        filled = len(roster.holders.get(post.id, []))
        if filled < post.places:
            inst = instance.institution_by_id[post.institution]
            rows.append([post.id, post.institution, inst.tier.value, post.discipline.value,
                         post.grade.value, post.places, filled, post.places - filled])
    return rows


def audit_rows(policy: Policy, report: CheckReport) -> list[list[Any]]:
    by_rule = report.by_rule()
    rows = []
    for rule in policy.rule_objects():
        found = by_rule.get(rule.name, [])
        status = "ok" if not found else ("violated" if any(v.hard for v in found) else "short")
        rows.append([rule.name, rule.label_en, rule.label_zh, "hard" if rule.hard else "soft",
                     status, len(found), sum(v.amount for v in found), rule.params.source])
    return rows


def violation_rows(report: CheckReport) -> list[list[Any]]:
    return [[v.rule, "hard" if v.hard else "soft", v.amount, v.message, ";".join(v.people),
             ";".join(v.posts), ";".join(v.institutions)] for v in report.violations]


def reason_rows(instance: Instance, policy: Policy, reasons: list[Reason]) -> list[list[Any]]:
    names = {p.id: p.name for p in instance.staff}
    return [[r.person, names.get(r.person, ""), r.kind, r.code, r.post or "", r.choice_rank or "",
             ";".join(r.rules), r.stage or "", "yes" if r.detailed else "no", r.text, r.text_zh]
            for r in reasons]


def blocking_rows(reasons: list[Reason]) -> list[list[Any]]:
    """Each remaining blocking pair with what forces it: a hard rule, or an earlier stage."""
    rows = []
    for r in reasons:
        if r.blocking:
            forced_by = ";".join(r.rules) if r.rules else (r.stage or "")
            rows.append([r.person, r.post, r.choice_rank, r.code, forced_by, r.text])
    return rows


def reasons_workbook(rows: list[list[Any]]) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "原因 reasons"
    sheet.append(["工号 person", "姓名 name", "类别 kind", "代码 code", "岗位 post", "志愿 rank",
                  "规则 rules", "目标阶段 stage", "详细 detailed", "说明 text", "说明（中文）"])
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["J"].width = 90
    sheet.column_dimensions["K"].width = 90
    return book


def write_solve_outputs(out: Path, instance: Instance, policy: Policy, result: AllocationResult,
                        reasons: list[Reason],
                        extra_files: dict[str, str] | None = None) -> list[str]:
    """Write every output of a solve into ``out`` at once (atomically); return the file names.

    ``extra_files`` (name -> text) are written with them, in the same folder move.
    """
    roster, report = result.roster, result.report
    rows = reason_rows(instance, policy, reasons)
    files = {
        "roster.csv": roster_csv(roster),
        "vacancies.csv": table_csv(["post", "institution", "tier", "discipline", "grade", "places",
                                    "filled", "vacant"], vacancy_rows(instance, roster)),
        "audit.csv": table_csv(["rule", "label_en", "label_zh", "kind", "status", "violations",
                                "amount", "source"], audit_rows(policy, report)),
        "violations.csv": table_csv(["rule", "kind", "amount", "message", "people", "posts",
                                     "institutions"], violation_rows(report)),
        "reasons.csv": table_csv(REASON_COLUMNS, rows),
        "blocking_pairs.csv": table_csv(["person", "post", "choice_rank", "code", "forced_by",
                                         "text"], blocking_rows(reasons)),
        "manifest.json": manifest_text(result),
        **(extra_files or {}),
    }
    with atomic_dir(out) as staging:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        save_book(reasons_workbook(rows), staging / "reasons.xlsx")
    return [*files, "reasons.xlsx"]


def solve_manifest(result: AllocationResult) -> dict[str, Any]:
    """The manifest of a solve: the engine's, and the checker's figures of the roster."""
    report = result.report
    manifest = dict(result.manifest)
    manifest["check"] = {
        "hard_violations": len(report.hard_violations),
        "soft_violations": len(report.soft_violations),
        "stages": report.stages,
        "indicators": {i.key: (round(i.value, 6) if isinstance(i.value, float) else i.value)
                       for i in report.indicators},
    }
    return manifest


def manifest_text(result: AllocationResult) -> str:
    """``manifest.json`` of a solve, as written."""
    return json.dumps(solve_manifest(result), ensure_ascii=False, indent=1,
                      sort_keys=False) + "\n"


def write_infeasibility(out: Path, explanation: Any) -> None:
    """Write the explanation of an infeasible policy (no roster exists)."""
    with atomic_dir(out) as staging:
        (staging / "infeasibility.json").write_text(
            json.dumps(explanation.to_dict(), ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8")
        (staging / "infeasibility.txt").write_text(str(explanation) + "\n", encoding="utf-8")
