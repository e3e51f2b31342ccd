"""Draw a view-model (`staffing.report.view`) into one self-contained HTML page."""

from __future__ import annotations

from typing import Any

from staffing.domain.without_post import GROUPS
from staffing.report import charts
from staffing.report.html import (
    Text,
    cards,
    data_table,
    details,
    figure,
    grid,
    heading,
    page,
    paragraph,
    section,
    t,
    table,
    tr,
)
from staffing.report.view import OUTCOMES, RULE_STATUS, STATUS, tier_text

Section = tuple[str, Text, str]


def group_label(group: str) -> Text:
    """The label of a group of people without a post, as every output words it."""
    en, zh = GROUPS[group]
    return t(zh, en)


COVERAGE: dict[str, Text] = {
    "resident": t("驻村医生", "resident doctor"),
    "tour": t("巡诊医生", "tour doctor"),
    "uncovered": t("未覆盖", "uncovered"),
}
FOOTER = t("由 staffing 生成；本文件可离线打开，不访问网络。",
           "Made by staffing; this file opens offline and makes no network request.")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def number(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return " / ".join(number(v) for v in value)
    return str(value)


def yuan(amount: Any) -> str:
    """An amount of yuan, exact to the fen, with thousands separators."""
    return "—" if amount in (None, "") else f"{float(amount):,.2f}"


def render(view: dict[str, Any], lang: str = "zh") -> str:
    """The HTML page of a view-model: a run's (``kind: run``) or a pay plan's (``kind: pay``)."""
    if view.get("kind") == "pay":
        sections = pay_sections(view["pay"])
    else:
        sections = run_sections(view)
        if view.get("pay"):  # pay sections before the people table
            sections = sections[:-1] + pay_sections(view["pay"]) + sections[-1:]
    return page(view["title"], sections, lang=lang, footer=_footer(view))


def _footer(view: dict[str, Any]) -> Text:
    inst, pol, ver = view.get("instance", {}), view.get("policy", {}), view.get("versions", {})
    facts = (f" · instance {str(inst.get('hash', ''))[:12]}"
             f" · policy {str(pol.get('hash', ''))[:12]}"
             f" · staffing {ver.get('staffing', '')} · OR-Tools {ver.get('ortools', '')}")
    return t(FOOTER["zh"] + facts, FOOTER["en"] + facts)


# ------------------------------------------------------------------------------ run


def run_sections(view: dict[str, Any]) -> list[Section]:
    return [
        ("summary", t("概况", "Summary"), summary_section(view)),
        ("fill", t("岗位填充", "Fill"), fill_section(view["fill"])),
        ("villages", t("机构与村卫生室", "Institutions"), tree_section(view["tree"])),
        ("ranks", t("志愿录取", "Choices"), ranks_section(view["ranks"])),
        ("rules", t("规则审核", "Rules"), rules_section(view["rules"])),
        ("blocking", t("不稳定配对", "Blocking pairs"), blocking_section(view["blocking"])),
        ("people", t("人员", "People"), people_section(view["people"])),
    ]


def summary_section(view: dict[str, Any]) -> str:
    s = view["summary"]
    proven = t("是", "yes") if s["proven"] else t("否", "no")
    open_stage = next((st for st in view["stages"] if st["status"] != "optimal"), None)
    if open_stage is None:
        gap: Text | str = "0"
    else:
        shown = "—" if open_stage["gap"] is None else percent(open_stage["gap"])
        gap = t(f"{shown}（{open_stage['label']['zh']}）", f"{shown} ({open_stage['label']['en']})")
    items = [
        {"key": "status", "label": t("求解状态", "status"),
         "value": STATUS.get(s["status"], t(s["status"], s["status"])),
         "tone": "good" if s["proven"] else "warn"},
        {"key": "proven", "label": t("已证明最优", "proven optimal"), "value": proven},
        {"key": "gap", "label": t("首个未证明阶段的差距", "gap of the first unproven stage"),
         "value": gap},
        {"key": "hard_violations", "label": t("硬性规则违反", "hard violations"),
         "value": str(s["hard_violations"]), "tone": "bad" if s["hard_violations"] else "good"},
        {"key": "blocking_pairs", "label": t("不稳定配对", "blocking pairs"),
         "value": str(s["blocking_pairs"]), "tone": "warn" if s["blocking_pairs"] else "good"},
        {"key": "first_choice_share", "label": t("获第一志愿比例", "first-choice share"),
         "value": percent(s["first_choice_share"])},
        {"key": "any_choice_share", "label": t("获任一志愿比例", "any-choice share"),
         "value": percent(s["any_choice_share"])},
        {"key": "vacant_places", "label": t("空缺岗位数", "vacant places"),
         "value": f"{s['vacant_places']:,}"},
        {"key": "unplaced", "label": group_label("incumbents"),
         "value": str(s["unplaced"]), "tone": "warn" if s["unplaced"] else ""},
        {"key": "recruits_unplaced", "label": group_label("new_recruits"),
         "value": str(s["recruits_unplaced"])},
        {"key": "dispatched_unplaced", "label": group_label("city_dispatched"),
         "value": str(s.get("dispatched_unplaced", 0))},
        {"key": "people", "label": t("人员", "people"), "value": f"{s['people']:,}"},
        {"key": "applicants", "label": t("报名人数", "applicants"),
         "value": f"{s['applicants']:,}"},
    ]
    stage_rows = [[st["label"], st["stage"], number(st["value"]), _bound(st),
                   "—" if st["gap"] is None else percent(st["gap"]),
                   STATUS.get(st["status"], t(st["status"], st["status"]))]
                  for st in view["stages"]]
    indicator_rows = [[i["label"], i["key"], i["text"], i["target"] or "—"]
                      for i in view["indicators"]]
    return section("summary", t("概况", "Summary"), cards(items)
                   + heading(t("目标阶段（按优先顺序）", "Objective stages, in priority order"))
                   + table([t("阶段", "stage"), t("代码", "code"), t("取值", "value"),
                            t("界", "bound"), t("差距", "gap"), t("状态", "status")], stage_rows,
                           kinds=["", "code", "num", "num", "num", ""])
                   + heading(t("指标", "Indicators"))
                   + table([t("指标", "indicator"), t("代码", "code"), t("取值", "value"),
                            t("目标", "target")], indicator_rows, kinds=["", "code", "num", ""]))


def _bound(stage: dict[str, Any]) -> str:
    """A stage's bound in its own terms (a profile's bound is the solver's encoding: not shown)."""
    if isinstance(stage["value"], list):
        return number(stage["value"]) if stage["status"] == "optimal" else "—"
    return number(stage["bound"])


def fill_section(fill: dict[str, Any]) -> str:
    tiers = fill["tiers"]
    places_name, filled_name = t("岗位数", "places"), t("已安排", "placed")
    tier_chart = charts.both(lambda lang: charts.bars(
        lang, [x["label"] for x in tiers],
        [(places_name, [x["places"] for x in tiers]), (filled_name, [x["filled"] for x in tiers])],
        title=t("各层级岗位与已安排人数", "Places and people placed by tier"),
        unit=t("人", "people")))
    insts = fill["institutions"]
    labels = [t(x["name"], x["name"]) for x in insts]
    rate = [(x["filled"] + x["village_filled"]) / max(x["places"] + x["village_places"], 1)
            for x in insts]
    inst_chart = charts.both(lambda lang: charts.bars(
        lang, labels, [(t("填充率", "fill rate"), rate)], horizontal=True, percent=True,
        title=t("各机构填充率（乡镇含所辖村）",
                "Fill rate by institution (townships with their villages)"),
        unit=t("%", "%")))
    rows = [[x["label"], number(x["places"]), number(x["filled"]),
             percent(x["filled"] / x["places"] if x["places"] else None)] for x in tiers]
    inst_rows = [[x["name"], x["id"], tier_text(x["tier"]), number(x["places"]),
                  number(x["filled"]), number(x["village_places"]), number(x["village_filled"])]
                 for x in insts]
    return section("fill", t("岗位填充", "Fill by tier and institution"),
                   grid([figure(tier_chart), figure(inst_chart)])
                   + table([t("层级", "tier"), t("岗位数", "places"), t("已安排", "placed"),
                            t("填充率", "fill rate")], rows, kinds=["", "num", "num", "num"])
                   + details(t("各机构明细", "Each institution"), table(
                       [t("机构", "institution"), t("编号", "id"), t("层级", "tier"),
                        t("岗位数", "places"), t("已安排", "placed"),
                        t("所辖村岗位数", "village places"), t("所辖村已安排", "village placed")],
                       inst_rows, kinds=["", "code", "", "num", "num", "num", "num"])))


def details_html(summary_html: str, items_html: str, open_: bool) -> str:
    state = " open" if open_ else ""
    return f"<details{state}><summary>{summary_html}</summary><ul>{items_html}</ul></details>"


def tree_section(nodes: list[dict[str, Any]]) -> str:
    counts = {"resident": 0, "tour": 0, "uncovered": 0}
    items = []
    for node in nodes:
        villages = []
        for v in node["villages"]:
            counts[v["coverage"]] += 1
            who = ", ".join(v["doctors"]) if v["doctors"] else v["tour_doctor"]
            villages.append(
                f'<li data-coverage="{v["coverage"]}">{tr(v["name"])} '
                f'<span class="muted">{tr(v["id"])} · {v["filled"]}/{v["places"]}</span>'
                f'<span class="tag {v["coverage"]}">{tr(COVERAGE[v["coverage"]])}</span> '
                f'{tr(who)}</li>')
        uncovered = sum(1 for v in node["villages"] if v["coverage"] == "uncovered")
        head = (f'{tr(node["name"])} <span class="muted">{tr(node["id"])} · '
                f'{tr(tier_text(node["tier"]))} · {node["filled"]}/{node["places"]}</span>')
        if villages:
            note = t(f"{len(villages)} 个村，{uncovered} 个未覆盖",
                     f"{len(villages)} villages, {uncovered} uncovered")
            head += f' <span class="muted">· {tr(note)}</span>'
            items.append(f"<li>{details_html(head, ''.join(villages), bool(uncovered))}</li>")
        else:
            items.append(f"<li>{head}</li>")
    note = t(f"村卫生室：{counts['resident']} 个有驻村医生，{counts['tour']} 个由乡镇巡诊医生覆盖，"
             f"{counts['uncovered']} 个未覆盖。",
             f"Village clinics: {counts['resident']} with a resident doctor, {counts['tour']} "
             f"covered by a township tour doctor, {counts['uncovered']} uncovered.")
    return section("villages", t("机构与村卫生室覆盖", "Institutions and village coverage"),
                   paragraph(note) + f'<ul class="tree">{"".join(items)}</ul>',
                   t("每个机构：已安排/岗位数。", "Each institution: people placed / places."))


def ranks_section(ranks: dict[str, Any]) -> str:
    counts = ranks["counts"]
    cats = [t(f"第{k}志愿", f"choice {k}") for k in range(1, len(counts) + 1)]
    cats.append(t("均未获得", "none of them"))
    values = [*counts, ranks["no_choice_given"]]
    chart = charts.both(lambda lang: charts.bars(
        lang, cats, [(t("人数", "people"), values)],
        title=t("报名人员获得第几志愿", "Applicants by the choice they were given"),
        unit=t("人", "people")))
    rows = [[c, number(v), percent(v / ranks["applicants"] if ranks["applicants"] else None)]
            for c, v in zip(cats, values)]
    note = t(f"{ranks['applicants']} 人报名，{ranks['did_not_apply']} 人未报名。",
             f"{ranks['applicants']} people applied, {ranks['did_not_apply']} did not.")
    return section("ranks", t("志愿录取情况", "Rank profile"),
                   grid([figure(chart), table(
                       [t("结果", "outcome"), t("人数", "people"),
                        t("占报名人数", "of applicants")],
                       rows, kinds=["", "num", "num"])]), note)


def rules_section(rules: list[dict[str, Any]]) -> str:
    rows = [[r["label"], r["rule"], t("硬性", "hard") if r["hard"] else t("软性", "soft"),
             RULE_STATUS[r["status"]], number(r["hard_violations"]),
             number(r["violations"] - r["hard_violations"]), number(r["amount"])]
            for r in rules]
    parts = [table([t("规则", "rule"), t("代码", "code"), t("类别", "kind"), t("状态", "status"),
                    t("硬性违反", "hard breaches"), t("软性未达", "soft shortfalls"),
                    t("数量", "amount")], rows,
                   kinds=["", "code", "", "", "num", "num", "num"], css="rules")]
    for r in rules:
        if not r["items"]:
            continue
        items = [[number(i["amount"]), t("硬性", "hard") if i["hard"] else t("软性", "soft"),
                  i["message"], ", ".join(i["people"][:12])
                  + (f" … +{len(i['people']) - 12}" if len(i["people"]) > 12 else ""),
                  ", ".join(i["posts"][:8] + i["institutions"][:8])] for i in r["items"]]
        more = r["violations"] - len(r["items"])
        tail = paragraph(t(f"另有 {more} 条未列出（见 violations.csv）。",
                           f"{more} more not listed (see violations.csv)."), "muted") \
            if more > 0 else ""
        parts.append(details(t(f"{r['label']['zh']}：{r['violations']} 条",
                               f"{r['label']['en']}: {r['violations']} breaches"),
                             table([t("数量", "amount"), t("类别", "kind"), t("说明", "message"),
                                    t("人员", "people"), t("岗位／机构", "posts / institutions")],
                                   items, kinds=["num", "", "", "code", "code"]) + tail))
    return section("rules", t("各规则审核", "Each rule's audit"), "".join(parts),
                   t("硬性规则也可有软性部分（如岗位结构的中级比例下限）：其未达数单列。"
                     "数量：违反或未达的规模（人、岗位或村）。",
                     "A hard rule may have a soft part (such as the intermediate-post floor of "
                     "the post structure): its shortfalls are counted apart. Amount: the size of "
                     "the breaches (people, places, villages)."))


def blocking_section(groups: list[dict[str, Any]]) -> str:
    total = sum(len(g["pairs"]) for g in groups)
    if not total:
        return section("blocking", t("不稳定配对", "Blocking pairs"),
                       paragraph(t("没有不稳定配对：没有人和岗位彼此更愿意选择对方。",
                                   "No blocking pairs: no person and post prefer each other to "
                                   "what they got.")))
    rows = [[g["label"], g["key"], number(len(g["pairs"]))] for g in groups]
    parts = [table([t("原因", "forced by"), t("代码", "code"), t("配对数", "pairs")], rows,
                   kinds=["", "code", "num"])]
    columns: list[dict[str, Any]] = [
        {"label": t("原因", "forced by")}, {"label": t("工号", "id"), "type": "code"},
        {"label": t("姓名", "name")}, {"label": t("岗位", "post"), "type": "code"},
        {"label": t("志愿", "choice"), "type": "num"}, {"label": t("说明", "reason"),
                                                       "type": "pre"}]
    pairs = [[g["label"], p["person"], p["name"], p["post"], p["choice_rank"], p["text"]]
             for g in groups for p in g["pairs"]]
    parts.append(data_table("blocking-table", columns, pairs, page=100))
    note = t(f"{total} 对人员与岗位彼此更愿意选择对方，按迫使它们存在的规则或目标分组。",
             f"{total} pairs of a person and a post that prefer each other to what they got, "
             "grouped by the rule or objective that forces them.")
    return section("blocking", t("不稳定配对（按原因分组）", "Blocking pairs by what forces them"),
                   "".join(parts), note)


def people_section(people: list[dict[str, Any]]) -> str:
    columns: list[dict[str, Any]] = [
        {"label": t("工号", "id"), "type": "code"},
        {"label": t("姓名", "name")},
        {"label": t("结果", "outcome")},
        {"label": t("结果代码", "outcome code"), "type": "code"},
        {"label": t("岗位", "post"), "type": "code"},
        {"label": t("机构", "institution")},
        {"label": t("层级", "tier")},
        {"label": t("志愿", "choice"), "type": "num"},
        {"label": t("原因", "reasons"), "type": "pre"},
    ]
    rows = [[p["person"], p["name"], OUTCOMES.get(p["outcome"], p["outcome"]), p["outcome"],
             p["post"], p["institution"], tier_text(p["tier"]) if p["tier"] else "",
             p["choice_rank"] if p["choice_rank"] is not None else "", p["reasons"]]
            for p in people]
    return section("people", t("每个人的结果与原因", "Every person's outcome and reasons"),
                   data_table("people-table", columns, rows),
                   t("在搜索框中输入工号、姓名、岗位或原因中的词；点击列标题排序。",
                     "Type an id, a name, a post or a word of a reason to filter; click a "
                     "column heading to sort."))


# ------------------------------------------------------------------------------ pay


def pay_sections(pay: dict[str, Any]) -> list[Section]:
    return [
        ("pay", t("绩效工资", "Pay"), pay_summary_section(pay)),
        ("pay-people", t("个人工资", "Pay by person"), pay_people_section(pay["people"])),
    ]


def pay_summary_section(pay: dict[str, Any]) -> str:
    target = pay["tier_ratio_target"]
    ratio = pay["tier_ratio"]
    meets = ratio is not None and target is not None and ratio >= target - 1e-9
    items = [
        {"key": "pay_status", "label": t("方案状态", "plan status"),
         "value": STATUS.get(pay["status"], t(pay["status"], pay["status"]))},
        {"key": "people_paid", "label": t("发放人数", "people paid"),
         "value": f"{pay['people_paid']:,}"},
        {"key": "total_pay", "label": t("工资总额（元）", "total pay (yuan)"),
         "value": yuan(pay["total_pay"])},
        {"key": "tier_ratio", "label": t("基层/牵头医院收入比", "grassroots / lead pay ratio"),
         "value": "—" if ratio is None else f"{ratio:.4f}",
         "tone": "" if target is None else ("good" if meets else "bad")},
        {"key": "tier_ratio_target", "label": t("收入比目标", "ratio target"),
         "value": "—" if target is None else f"≥ {target:g}"},
        {"key": "reward_share", "label": t("奖励性绩效占比", "reward share"),
         "value": percent(pay["reward_share"])},
        {"key": "gini", "label": t("基尼系数", "Gini coefficient"),
         "value": "—" if pay["gini"] is None else f"{pay['gini']:.3f}"},
        {"key": "pay_hard_violations", "label": t("工资规则违反", "pay rule violations"),
         "value": str(pay["hard_violations"]), "tone": "bad" if pay["hard_violations"] else "good"},
    ]
    funds = pay["funds"]
    fund_chart = charts.both(lambda lang: charts.bars(
        lang, [f["label"] for f in funds],
        [(t("已分配", "paid"), [float(f["paid"]) / 1e4 for f in funds]),
         (t("结余", "left over"), [float(f["left_over"]) / 1e4 for f in funds])],
        stacked=True, horizontal=True,
        title=t("各项资金：已分配与结余", "Each fund: paid and left over"),
        unit=t("万元", "10,000 yuan")))
    tiers = [tier for tier in ("county", "township", "village") if pay["tier_values"].get(tier)]
    tier_chart = charts.both(lambda lang: charts.boxes(
        lang, [tier_text(x) for x in tiers], [pay["tier_values"][x] for x in tiers],
        title=t("各层级可比收入分布", "Comparable pay by tier"), unit=t("元", "yuan")))
    classes = pay["classes"]
    class_chart = charts.both(lambda lang: charts.bars(
        lang, [c["label"] for c in classes],
        [(tier_text(x), [pay["by_tier"][x].get(c["code"], {}).get("mean", 0) / 1e4
                         for c in classes]) for x in tiers],
        title=t("各岗位类别、各层级平均可比收入", "Average comparable pay by post class and tier"),
        unit=t("万元", "10,000 yuan")))
    fund_rows = [[f["label"], f["fund"], yuan(f["budget"]), yuan(f["paid"]), yuan(f["left_over"])]
                 for f in funds]
    ratio_rows = [[r["label"], r["code"], f"{r['ratio']:.4f}"]
                  for r in pay["tier_ratio_by_post_class"]]
    rule_rows = [[r["label"], r["rule"], RULE_STATUS[r["status"]], "\n".join(r["items"])]
                 for r in pay["rules"]]
    return section("pay", t("绩效工资分配", "Performance pay"), cards(items)
                   + grid([figure(fund_chart), figure(tier_chart), figure(class_chart)])
                   + heading(t("各项资金", "Funds"))
                   + table([t("资金", "fund"), t("代码", "code"), t("预算（元）", "budget (yuan)"),
                            t("已分配（元）", "paid (yuan)"), t("结余（元）", "left over (yuan)")],
                           fund_rows, kinds=["", "code", "num", "num", "num"])
                   + heading(t("各岗位类别的基层/牵头医院收入比",
                               "Grassroots / lead ratio by post class"))
                   + table([t("岗位类别", "post class"), t("代码", "code"), t("收入比", "ratio")],
                           ratio_rows, kinds=["", "code", "num"])
                   + heading(t("工资规则", "Pay rules"))
                   + table([t("规则", "rule"), t("代码", "code"), t("状态", "status"),
                            t("说明", "details")], rule_rows, kinds=["", "code", "", "pre"]))


def pay_people_section(people: list[dict[str, Any]]) -> str:
    columns: list[dict[str, Any]] = [
        {"label": t("工号", "id"), "type": "code"}, {"label": t("姓名", "name")},
        {"label": t("岗位", "post"), "type": "code"}, {"label": t("层级", "tier")},
        {"label": t("薪酬类别", "pay class"), "type": "code"},
        {"label": t("绩效积分", "points"), "type": "num"},
        {"label": t("可比收入（元）", "comparable pay (yuan)"), "type": "num"},
        {"label": t("合计（元）", "total (yuan)"), "type": "num"},
    ]
    rows = [[p["person"], p["name"], p["post"], tier_text(p["tier"]) if p["tier"] else "",
             p["pay_class"], p["points"], p["comparable"], p["total"]] for p in people]
    return section("pay-people", t("每个人的工资", "Each person's pay"),
                   data_table("pay-table", columns, rows))
