"""The comparison table: one row per scenario, bilingual headers, CSV and xlsx.

Columns, in order: the scenario and its values; status (proven / feasible at
the limit / infeasible with the rules named); whether the roster passes the
checker; each objective stage's value; blocking pairs, first-choice share,
unplaced people and moves against the base; the planners' indicators; each
institution's senior and intermediate shares; the hard rules that bind; the
pay plan's total, grassroots / lead ratio and the extra budget needed; and the
time taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from staffing.domain.without_post import GROUPS
from staffing.io.atomic import CSV_ENCODING, atomic_path
from staffing.io.formulas import guard_frame
from staffing.io.workbook import save_book
from staffing.scenarios.execute import ScenarioOutcome
from staffing.stages import stage_named

# (key, English, Chinese) of the fixed columns
HEAD = [
    ("scenario", "scenario", "情景"),
    ("description", "description", "说明"),
]
STATUS = [
    ("status", "status", "求解状态"),
    ("infeasible_rules", "rules that make it infeasible", "导致不可行的规则"),
    ("explanation", "infeasibility explanation", "不可行原因"),
    ("check", "checker on the roster", "独立校验"),
]
OUTCOME = [
    ("blocking_pairs", "blocking pairs", "阻塞对数"),
    ("first_choice_share", "applicants given their first choice", "获第一志愿比例"),
    ("unplaced", *GROUPS["incumbents"]),
    ("moves_vs_base", "people placed differently from the base", "与基准相比调整人数"),
]
INDICATORS = ["fill_county", "fill_township", "fill_village", "villages_staffed",
              "villages_toured", "villages_uncovered", "gp_per_10k", "grassroots_per_1k",
              "doctor_nurse", "college_share", "bachelor_share", "intermediate_share",
              "senior_share", "county_hired_township_used", "any_choice_share"]
BINDING = [
    ("binding_rules", "hard rules that bind (slack 0)", "起约束作用的硬性规则"),
    ("not_binding", "hard rules that do not bind", "未起约束作用的硬性规则"),
]
PAY = [
    ("pay_status", "pay plan", "绩效分配"),
    ("total_pay", "total pay (yuan)", "薪酬总额(元)"),
    ("tier_ratio", "grassroots / lead pay ratio", "基层与牵头医院薪酬比"),
    ("reward_share", "reward share of performance pay", "奖励性绩效占比"),
    ("gini", "Gini of comparable pay", "可比薪酬基尼系数"),
    ("extra_budget", "extra budget needed (yuan)", "所需追加预算(元)"),
]
TAIL = [
    ("warm_started", "warm-started from the base roster", "以基准方案热启动"),
    ("attempts", "attempts", "运行次数"),
    ("seconds", "seconds", "用时(秒)"),
    ("overrides", "overrides", "调整项"),
]


def header(english: str, chinese: str) -> str:
    """A bilingual column header, as the project's workbooks write them."""
    return f"{chinese} / {english}"


def _rank_text(value: Any) -> Any:
    return "/".join(str(v) for v in value) if isinstance(value, list) else value


def _round(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def columns(outcomes: Sequence[ScenarioOutcome],
            stages: Sequence[str]) -> list[tuple[str, str, str]]:
    """Every column of the table for these outcomes: (key, English, Chinese)."""
    axes = list(dict.fromkeys(path for o in outcomes for path in o.values))
    labels: dict[str, tuple[str, str]] = {}
    for outcome in outcomes:
        labels.update(outcome.indicator_labels)
    institutions = list(dict.fromkeys(i for o in outcomes for i in o.structure))
    out = list(HEAD) + [(f"value:{p}", p, f"参数 {p}") for p in axes] + list(STATUS)
    out += [(f"stage:{s}", f"stage {s}: {_heading(s, 'en')}", f"目标阶段 {_heading(s, 'zh')}")
            for s in stages]
    out += OUTCOME
    out += [(f"ind:{k}", *labels.get(k, (k, k))) for k in INDICATORS if k in labels]
    for inst in institutions:
        out.append((f"senior:{inst}", f"senior post share, {inst}", f"{inst} 高级岗位占比"))
        out.append((f"intermediate:{inst}", f"intermediate post share, {inst}",
                    f"{inst} 中级岗位占比"))
    return out + BINDING + PAY + TAIL


def _heading(stage: str, lang: str) -> str:
    """A stage's column heading (the name itself for a stage the catalogue does not know)."""
    entry = stage_named(stage)
    return entry.heading(lang) if entry is not None else stage


def row(outcome: ScenarioOutcome) -> dict[str, Any]:
    """The values of one scenario, by column key."""
    values: dict[str, Any] = {
        "scenario": outcome.name, "description": outcome.description,
        "status": outcome.status_text(),
        "infeasible_rules": ", ".join(outcome.infeasible_rules),
        "explanation": outcome.explanation.get("summary", ""),
        "check": ("" if outcome.hard_violations is None else
                  "passes" if outcome.hard_violations == 0
                  else f"{outcome.hard_violations} hard violations"),
        "blocking_pairs": outcome.blocking_pairs,
        "first_choice_share": _round(outcome.indicators.get("first_choice_share")),
        "unplaced": outcome.unplaced, "moves_vs_base": outcome.moves_vs_base,
        "binding_rules": "; ".join(f"{b.rule} ({len(b.binding)}/{b.instances})"
                                   for b in outcome.binding if b.binds),
        "not_binding": ", ".join(b.rule for b in outcome.binding if not b.binds),
        "pay_status": outcome.pay_status, "total_pay": outcome.pay_total,
        "tier_ratio": outcome.pay_figures.get("tier_ratio"),
        "reward_share": outcome.pay_figures.get("reward_share"),
        "gini": outcome.pay_figures.get("gini"), "extra_budget": outcome.extra_budget,
        "warm_started": outcome.warm_started, "attempts": outcome.attempts,
        "seconds": round(outcome.seconds, 2), "overrides": "; ".join(outcome.overrides),
    }
    values.update({f"value:{p}": v for p, v in outcome.values.items()})
    values.update({f"stage:{s}": _rank_text(v) for s, v in outcome.stage_values.items()})
    values.update({f"ind:{k}": _round(v) for k, v in outcome.indicators.items()})
    for inst, shares in outcome.structure.items():
        values[f"senior:{inst}"] = _round(shares["senior"])
        values[f"intermediate:{inst}"] = _round(shares["intermediate"])
    return values


def comparison_frame(outcomes: Sequence[ScenarioOutcome], stages: Sequence[str], *,
                     bilingual: bool = True) -> pd.DataFrame:
    """The comparison table; headers ``中文 / English`` (or the plain keys)."""
    cols = columns(outcomes, stages)
    rows = [row(o) for o in outcomes]
    frame = pd.DataFrame([[r.get(key) for key, _, _ in cols] for r in rows],
                         columns=[key for key, _, _ in cols])
    if bilingual:
        frame.columns = [header(en, zh) for _, en, zh in cols]
    return frame


def write_comparison(frame: pd.DataFrame, out: Path) -> list[str]:
    """``comparison.csv`` (UTF-8 with BOM, so Excel reads the Chinese) and ``comparison.xlsx``."""

    with atomic_path(out / "comparison.csv") as tmp:
        guard_frame(frame).to_csv(tmp, index=False, encoding=CSV_ENCODING)
    book = Workbook()
    sheet = book.active
    sheet.title = "对比／comparison"
    sheet.append(list(frame.columns))
    for values in frame.itertuples(index=False):
        sheet.append([None if (isinstance(v, float) and pd.isna(v)) else v for v in values])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    for letter in ("A", "B"):
        sheet.column_dimensions[letter].width = 28
    save_book(book, out / "comparison.xlsx")
    return ["comparison.csv", "comparison.xlsx"]


def binding_frame(outcomes: Sequence[ScenarioOutcome]) -> pd.DataFrame:
    """One row per scenario and hard rule: instances, how many bind, and which."""
    rows = []
    for outcome in outcomes:
        for b in outcome.binding:
            rows.append({
                header("scenario", "情景"): outcome.name,
                header("rule", "规则"): b.rule,
                header("rule (English)", "规则名称"): f"{b.label_en} / {b.label_zh}",
                header("instances", "约束实例数"): b.instances,
                header("at the bound (slack 0)", "处于上下限的实例数"): len(b.binding),
                header("binds", "是否起约束作用"): "yes" if b.binds else "no",
                header("instances at the bound", "处于上下限的实例"): "; ".join(b.binding),
            })
    return pd.DataFrame(rows)
