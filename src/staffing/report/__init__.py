"""Reports people read: one self-contained, offline HTML file per run, pay plan or comparison.

A report is drawn from a **view-model**, plain JSON data holding every figure and
sentence in Chinese and English (`staffing.report.view`). A solve writes it as
``report.json`` beside its other outputs and draws ``report.html`` from it; so
``staffing report RUN_DIR`` draws the page again from the run's folder alone::

    from staffing import report
    view = report.view.run_view(instance, policy, roster, check_report, reasons, manifest)
    report.save_report(run_dir, view)        # report.json and report.html
    report.write_report(run_dir, lang="en")  # report.html again, from report.json alone

and for a pay plan ``report.view.pay_view(instance, policy, plan, pay_violations, manifest)``.

The page inlines its style, script and charts (SVG drawn by matplotlib,
`staffing.report.charts`): no CDN, no font download, no request at all. It opens in
Chinese (``lang="zh"``, the default) or English, and a button switches between them;
``#en`` or ``#zh`` at the end of the address does the same. Tables of many rows are
searched and sorted in the page itself (`staffing.report.html.data_table`).

Comparisons (policy A against policy B, sweeps) reuse the same parts through
`render_comparison`::

    html = report.render_comparison(
        scenarios=["chongqing-2024", "guangdong-2019"],
        table_rows=[{"label": t("获第一志愿比例", "first-choice share"), "key": "first",
                     "values": ["61.2%", "58.0%"]}],
        charts=[{"svg": charts.both(lambda lang: charts.points(lang, ...)),
                 "caption": t("取舍曲线", "trade-off")}],
        moves=[{"person": "P0001", "name": "...", "from": "H01-IM-J", "to": "T01-GP-J",
                "note": t("...", "...")}],
        title=t("政策比较", "Policy comparison"))

The building blocks (`staffing.report.html`: `t`, `section`, `cards`, `table`,
`data_table`, `figure`, `grid`, `page`; `staffing.report.charts`: `bars`, `boxes`,
`points`, `both`) are public for other pages of the same look.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from staffing.errors import InputError, Problem
from staffing.io.atomic import write_text
from staffing.report import charts, html, view
from staffing.report.html import Text, data_table, figure, grid, page, section, t, table
from staffing.report.render import render
from staffing.report.view import pay_view, run_view
from staffing.runs import PayOutputs, SolveOutputs

REPORT_JSON = "report.json"
REPORT_HTML = "report.html"


def view_text(data: dict[str, Any]) -> str:
    """A view-model as the text of ``report.json`` (UTF-8, stable key order)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def save_view(run_dir: str | Path, data: dict[str, Any]) -> Path:
    """Write a view-model to ``RUN_DIR/report.json`` atomically."""
    target = Path(run_dir) / REPORT_JSON
    write_text(target, view_text(data))
    return target


def load_view(run_dir: str | Path) -> dict[str, Any]:
    """Read ``report.json`` from a run folder (or the file itself); located errors."""
    path = Path(run_dir)
    file = path / REPORT_JSON if path.is_dir() else path
    expected = f"a folder written by 'staffing solve' or 'staffing pay' (it holds {REPORT_JSON})"
    expected_zh = f"由 staffing solve 或 staffing pay 写出的文件夹（其中有 {REPORT_JSON}）"
    if not file.is_file():
        raise InputError([Problem(str(file), "no report data here", "not_found",
                                  expected=expected, message_zh="此处没有报告数据",
                                  expected_zh=expected_zh)])
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError([Problem(str(file), f"not readable report data: {error}", "bad_json",
                                  expected=expected, message_zh=f"无法读取的报告数据：{error}",
                                  expected_zh=expected_zh)]) from None
    if not isinstance(data, dict) or data.get("kind") not in ("run", "pay") \
            or data.get("version") != view.VIEW_VERSION:
        raise InputError([Problem(str(file), "report data of another kind or version",
                                  "bad_version", value=str(data.get("version"))
                                  if isinstance(data, dict) else None,
                                  expected=f"version {view.VIEW_VERSION} of kind run or pay; "
                                  "solve again to write it",
                                  message_zh="报告数据的类型或版本不符",
                                  expected_zh=f"版本 {view.VIEW_VERSION} 的 run 或 pay 数据；"
                                  "重新求解即可写出")])
    return data


def solve_report(lang: str = "zh") -> Callable[[SolveOutputs], dict[str, str]]:
    """The extra outputs of a solve run (`staffing.runs.solve_run`): ``report.json`` and
    ``report.html`` in ``lang``, written with the run's other files."""

    def files(run: SolveOutputs) -> dict[str, str]:
        result = run.result
        data = run_view(run.instance, run.policy, result.roster, result.report, run.reasons,
                        run.manifest)
        return {REPORT_JSON: view_text(data), REPORT_HTML: render(data, lang)}

    return files


def pay_report(lang: str = "zh") -> Callable[[PayOutputs], dict[str, str]]:
    """The extra outputs of a pay run (`staffing.runs.pay_run`): ``report.json`` and
    ``report.html`` in ``lang``."""

    def files(run: PayOutputs) -> dict[str, str]:
        plan = run.result.plan
        data = pay_view(run.instance, run.policy, plan, run.result.report.violations,
                        plan.manifest)
        return {REPORT_JSON: view_text(data), REPORT_HTML: render(data, lang)}

    return files


def write_report(run_dir: str | Path, lang: str = "zh", out: str | Path | None = None) -> Path:
    """Draw ``report.html`` from the run folder's ``report.json``; return the file written."""
    data = load_view(run_dir)
    target = Path(out) if out is not None else Path(run_dir) / REPORT_HTML
    write_text(target, render(data, lang))
    return target


def save_report(out: str | Path, data: dict[str, Any], lang: str = "zh") -> list[str]:
    """Write a view-model and its page into folder ``out``: ``report.json``, ``report.html``."""
    html_text = render(data, lang)
    save_view(out, data)
    write_text(Path(out) / REPORT_HTML, html_text)
    return [REPORT_JSON, REPORT_HTML]


def render_comparison(scenarios: list[str], table_rows: list[dict[str, Any]],
                      charts: list[dict[str, Any]], moves: list[dict[str, Any]], *,
                      title: Text, lang: str = "zh", note: Text | None = None) -> str:
    """A comparison page: indicators side by side, the trade-off charts, who moves.

    Parameters
    ----------
    scenarios
        Column names, one per compared run (policy, scenario or sweep point).
    table_rows
        ``{"label": Text, "key": str, "values": [one cell per scenario]}`` each.
    charts
        ``{"svg": {"zh": svg, "en": svg} | svg, "caption": Text}`` each; draw them with
        `staffing.report.charts` (``points`` for trade-off curves).
    moves
        ``{"person", "name", "from", "to", "note": Text | str}`` each: people whose post
        differs between the runs compared.
    title
        The page title in both languages.
    lang
        Language shown first (``zh`` or ``en``).
    """
    header: list[Text | str] = [t("指标", "indicator"), t("代码", "code"), *scenarios]
    rows = [[r["label"], r["key"], *r["values"]] for r in table_rows]
    columns: list[dict[str, Any]] = [
        {"label": t("工号", "id"), "type": "code"}, {"label": t("姓名", "name")},
        {"label": t("原岗位", "from"), "type": "code"},
        {"label": t("新岗位", "to"), "type": "code"}, {"label": t("说明", "note")}]
    move_rows = [[m["person"], m.get("name", ""), m.get("from") or "", m.get("to") or "",
                  m.get("note", "")] for m in moves]
    sections = [
        ("indicators", t("指标对比", "Indicators"),
         section("indicators", t("指标对比", "Indicators side by side"),
                 table(header, rows, kinds=["", "code", *(["num"] * len(scenarios))]), note)),
        ("charts", t("取舍", "Trade-offs"),
         section("charts", t("取舍曲线", "Trade-offs"),
                 grid([figure(c["svg"], c.get("caption")) for c in charts]))),
        ("moves", t("人员变动", "Who moves"),
         section("moves", t("人员变动", "Who moves"), data_table("moves-table", columns,
                                                                  move_rows),
                 t(f"{len(moves)} 人的岗位不同。", f"{len(moves)} people hold different posts."))),
    ]
    return page(title, sections, lang=lang)


__all__ = [
    "REPORT_HTML",
    "REPORT_JSON",
    "Text",
    "charts",
    "html",
    "load_view",
    "pay_report",
    "render",
    "render_comparison",
    "save_report",
    "save_view",
    "solve_report",
    "t",
    "view",
    "view_text",
    "write_report",
]
