"""The view-model of a report: every figure and sentence it shows, as plain JSON data.

A solve writes it as ``report.json`` beside its other outputs, so a report can be drawn
again from the run's folder alone (``staffing report RUN_DIR``), and another tool can
read the same figures. Texts are `Text` pairs (``{"zh": ..., "en": ...}``); codes keep
their own fields. Figures are taken from the check report and the manifest the run
wrote, so the report says what the console and ``manifest.json`` say.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from staffing.allocation.reasons import Reason
from staffing.allocation.wording import stage_label
from staffing.check import CheckReport, audit_lines
from staffing.domain.enums import Discipline, Tier, Title
from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.domain.without_post import without_post
from staffing.pay.codes import COMPARABLE, Fund
from staffing.pay.money import Yuan
from staffing.pay.plan import PayPlan
from staffing.policy import Policy
from staffing.report.html import Text, t

VIEW_VERSION = 1
ITEMS_PER_RULE = 60  # audit lines listed per rule; the rest are counted

OUTCOMES: dict[str, Text] = {
    "choice": t("获得志愿岗位", "given a choice"),
    "kept": t("留任原岗位", "kept current post"),
    "directed": t("组织调配", "directed by the organisation"),
    "no_post": t("未获得岗位", "no post"),
}
STATUS: dict[str, Text] = {
    "optimal": t("已证明最优", "proven optimal"),
    "feasible": t("可行，未证明最优", "feasible, not proven optimal"),
}
RULE_STATUS: dict[str, Text] = {
    "ok": t("满足", "holds"),
    "short": t("软性未达", "soft shortfall"),
    "violated": t("违反", "violated"),
}


FUND_EN = {
    "performance": "performance pay total",
    "surplus": "insurance surplus kept",
    "family_doctor": "family-doctor subsidy",
    "graduate": "graduate living subsidy",
    "separate": "separately set pay",
}


def fund_text(fund: str) -> Text:
    return t(Fund(fund).zh, FUND_EN.get(fund, fund.replace("_", " ")))


def tier_text(tier: Tier | str | None) -> Text:
    if tier is None or tier == "":
        return t("无", "none")
    tier = Tier(tier)
    return t(tier.zh, tier.value)


def stage_text(stage: str, sub: int | None = None) -> Text:
    zh, en = stage_label(stage, "zh", short=True), stage_label(stage, "en", short=True)
    if sub is not None:
        zh, en = f"{zh}（第{sub}志愿）", f"{en} (choice {sub})"
    return t(zh, en)


def rule_text(policy: Policy, name: str) -> Text:
    rule = policy.rule(name)
    return t(rule.label_zh, rule.label_en) if rule is not None else t(name, name)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# ------------------------------------------------------------------------------ run view


def run_view(instance: Instance, policy: Policy, roster: Roster, report: CheckReport,
             reasons: list[Reason], manifest: dict[str, Any]) -> dict[str, Any]:
    """The view-model of one solve: summary, fill, villages, ranks, rules, pairs, people."""
    by_person: dict[str, list[Reason]] = defaultdict(list)
    for reason in reasons:
        by_person[reason.person].append(reason)
    return {
        **_head("run", instance, policy, manifest, t("双向选择结果", "two-way selection")),
        "summary": summary(instance, roster, report, manifest),
        "stages": stages(manifest, report),
        "fill": fill(instance, roster),
        "tree": tree(instance, roster),
        "ranks": ranks(instance, roster, policy),
        "rules": rules(policy, report),
        "blocking": blocking(instance, policy, reasons),
        "indicators": [{"key": i.key, "label": t(i.label_zh, i.label_en), "value": i.value,
                        "text": i.text(), "target": i.target} for i in report.indicators],
        "people": people(instance, policy, roster, by_person),
    }


def _head(kind: str, instance: Instance, policy: Policy, manifest: dict[str, Any],
          what: Text) -> dict[str, Any]:
    """What every view starts with: kind, version, title, and the run's identity."""
    return {
        "kind": kind,
        "version": VIEW_VERSION,
        "title": t(f"{instance.meta.name or '人员配置'} · {policy.name} · {what['zh']}",
                   f"{instance.meta.name or 'staffing'} · {policy.name} · {what['en']}"),
        "instance": dict(manifest.get("instance", {})),
        "policy": dict(manifest.get("policy", {})),
        "versions": dict(manifest.get("versions", {})),
    }


def summary(instance: Instance, roster: Roster, report: CheckReport,
            manifest: dict[str, Any]) -> dict[str, Any]:
    """The one-screen figures; each is the manifest's or counted from the roster files."""
    check = manifest.get("check", {})
    indicators = check.get("indicators", {})
    stage_rows = manifest.get("stages", [])
    open_stage = next((s for s in stage_rows if s.get("status") != "optimal"), None)
    status = manifest.get("solver", {}).get("status", "given")
    vacancies = roster.vacancies(instance)
    counts = check.get("without_post") or report.without_post or without_post(instance, roster)
    return {
        "status": status,
        "proven": bool(stage_rows) and all(s.get("status") == "optimal" for s in stage_rows),
        "open_stage": _stage_name(open_stage) if open_stage else None,  # first stage not proven
        "gap": _gap(open_stage) if open_stage else (0.0 if stage_rows else None),
        "hard_violations": check.get("hard_violations", len(report.hard_violations)),
        "soft_violations": check.get("soft_violations", len(report.soft_violations)),
        "blocking_pairs": check.get("stages", {}).get("blocking_pairs", report.blocking_pairs),
        "first_choice_share": indicators.get("first_choice_share"),
        "any_choice_share": indicators.get("any_choice_share"),
        "vacant_places": sum(vacancies.values()),
        "vacant_posts": len(vacancies),
        "unplaced": counts["incumbents"],
        "recruits_unplaced": counts["new_recruits"],
        "dispatched_unplaced": counts["city_dispatched"],
        "people": len(instance.staff),
        "applicants": len(instance.choices_of),
        "places": sum(p.places for p in instance.posts),
    }


def _gap(stage: dict[str, Any]) -> float | None:
    """A stage's gap, None when no bound is known (a gap needs one)."""
    return stage.get("gap") if stage.get("bound") is not None else None


def stages(manifest: dict[str, Any], report: CheckReport) -> list[dict[str, Any]]:
    rows = manifest.get("stages") or [{"stage": k, "value": v} for k, v in report.stages.items()]
    return [{"stage": _stage_name(s), "label": stage_text(s["stage"], s.get("sub")),
             "value": s.get("value"), "bound": s.get("bound"), "gap": _gap(s),
             "status": s.get("status", "")}
            for s in rows]


def _stage_name(row: dict[str, Any]) -> str:
    """A manifest stage row's name: ``moves``, or ``rank_profile[2]`` for one rank."""
    return row["stage"] if row.get("sub") is None else f"{row['stage']}[{row['sub']}]"


def fill(instance: Instance, roster: Roster) -> dict[str, Any]:
    """Places and people placed by tier and by institution (villages summed per township)."""
    places: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    for post in instance.posts:
        places[post.institution] += post.places
        filled[post.institution] += len(roster.holders.get(post.id, []))
    tiers = []
    for tier in Tier:
        ids = [i.id for i in instance.institutions if i.tier is tier]
        tiers.append({"tier": tier.value, "label": tier_text(tier),
                      "places": sum(places[i] for i in ids),
                      "filled": sum(filled[i] for i in ids)})
    institutions = []
    for inst in instance.institutions:
        if inst.tier is Tier.VILLAGE:
            continue
        villages = instance.villages_of.get(inst.id, [])
        institutions.append({
            "id": inst.id, "name": inst.name or inst.id, "tier": inst.tier.value,
            "places": places[inst.id], "filled": filled[inst.id],
            "village_places": sum(places[v.id] for v in villages),
            "village_filled": sum(filled[v.id] for v in villages)})
    return {"tiers": tiers, "institutions": institutions}


def _person_label(instance: Instance, person: str) -> str:
    name = instance.person_by_id[person].name
    return f"{name}（{person}）" if name else person


def tree(instance: Instance, roster: Roster) -> list[dict[str, Any]]:
    """County institutions and township centres, each township with its villages' coverage."""
    staff_at: dict[str, list[str]] = defaultdict(list)
    for post, people in roster.holders.items():
        staff_at[instance.post_by_id[post].institution].extend(people)
    places: Counter[str] = Counter()
    for row in instance.posts:
        places[row.institution] += row.places
    nodes = []
    for inst in instance.institutions:
        if inst.tier is Tier.VILLAGE:
            continue
        node: dict[str, Any] = {"id": inst.id, "name": inst.name or inst.id,
                                "tier": inst.tier.value, "places": places[inst.id],
                                "filled": len(staff_at[inst.id]), "villages": []}
        for village in instance.villages_of.get(inst.id, []):
            doctors = [p for p in staff_at[village.id]
                       if instance.person_by_id[p].licence.covers_village]
            tour = roster.tours.get(village.id)
            coverage = "resident" if doctors else ("tour" if tour else "uncovered")
            node["villages"].append({
                "id": village.id, "name": village.name or village.id, "coverage": coverage,
                "population": village.population, "distance_km": village.distance_km,
                "places": places[village.id], "filled": len(staff_at[village.id]),
                "doctors": [_person_label(instance, p) for p in doctors],
                "tour_doctor": _person_label(instance, tour) if tour else ""})
        nodes.append(node)
    return nodes


def ranks(instance: Instance, roster: Roster, policy: Policy) -> dict[str, Any]:
    """How many applicants got their 1st, 2nd, ... choice, none of them, and who did not apply."""
    counts = [0] * policy.max_choices
    none = 0
    for person, choices in instance.choices_of.items():
        got = roster.post_of(person)
        if got in choices:
            counts[choices.index(got)] += 1
        else:
            none += 1
    return {"counts": counts, "no_choice_given": none, "applicants": len(instance.choices_of),
            "did_not_apply": len(instance.staff) - len(instance.choices_of)}


def rules(policy: Policy, report: CheckReport) -> list[dict[str, Any]]:
    """Each rule's audit line (a line per part when its parts differ in hardness), with its
    breaches (people, posts, numbers)."""
    out = []
    for line in audit_lines(policy, report):
        found = line.violations
        label = t(line.label_zh, line.label_en)
        if line.part_en:
            label = t(f"{line.label_zh}（{line.part_zh}）", f"{line.label_en} ({line.part_en})")
        out.append({
            "rule": line.rule, "label": label, "hard": line.hard,
            "status": line.status, "violations": len(found),
            "hard_violations": len(found) if line.hard else 0,
            "amount": line.amount, "source": line.source,
            "items": [{"message": v.message, "hard": v.hard, "amount": v.amount,
                       "people": list(v.people), "posts": list(v.posts),
                       "institutions": list(v.institutions)} for v in found[:ITEMS_PER_RULE]],
        })
    return out


def reason_text(reason: Reason, policy: Policy) -> Text:
    return t(reason.text_zh, reason.text)


def blocking(instance: Instance, policy: Policy, reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    """Remaining blocking pairs grouped by the hard rule or earlier stage that forces them."""
    groups: dict[str, dict[str, Any]] = {}
    for r in reasons:
        if not r.blocking:
            continue
        if r.rules:
            key, label = ";".join(r.rules), _joined([rule_text(policy, n) for n in r.rules])
        elif r.stage:
            key, label = r.stage, stage_text(r.stage)
        else:
            key, label = r.code, t("同样最优的方案", "an equally good roster")
        group = groups.setdefault(key, {"key": key, "label": label, "pairs": []})
        group["pairs"].append({"person": r.person, "name": instance.person_by_id[r.person].name,
                               "post": r.post, "choice_rank": r.choice_rank, "code": r.code,
                               "text": reason_text(r, policy)})
    return sorted(groups.values(), key=lambda g: (-len(g["pairs"]), g["key"]))


def _joined(texts: list[Text]) -> Text:
    return t("、".join(x["zh"] for x in texts), ", ".join(x["en"] for x in texts))


def people(instance: Instance, policy: Policy, roster: Roster,
           by_person: dict[str, list[Reason]]) -> list[dict[str, Any]]:
    """One row per person: outcome, post, institution, tier, choice rank and every reason."""
    out = []
    for person in instance.staff:
        own = by_person.get(person.id, [])
        outcome = next((r for r in own if r.kind == "outcome"), None)
        post = roster.post_of(person.id)
        inst = instance.institution_of_post(post) if post else None
        lines = [reason_text(r, policy) for r in own]
        out.append({
            "person": person.id, "name": person.name,
            "outcome": outcome.code if outcome else "",
            "post": post or "", "institution": inst.name or inst.id if inst else "",
            "tier": inst.tier.value if inst else "",
            "choice_rank": outcome.choice_rank if outcome and outcome.code == "choice" else None,
            "current_post": person.current_post or "",
            "blocking": sum(1 for r in own if r.blocking),
            "reasons": _lines(lines),
        })
    return out


def _lines(texts: list[Text]) -> Text:
    return t("\n".join(x["zh"] for x in texts), "\n".join(x["en"] for x in texts))


# ------------------------------------------------------------------------------ pay view


def pay_view(instance: Instance, policy: Policy, plan: PayPlan, violations: list[Any],
             manifest: dict[str, Any]) -> dict[str, Any]:
    """The view-model of a pay plan: funds, spread by tier and post class, ratio, rules, people."""
    return {**_head("pay", instance, policy, manifest, t("绩效工资分配", "performance pay")),
            "pay": pay_section(instance, policy, plan, violations)}


def comparable_yuan(line: Any) -> float:
    """A pay line's comparable pay (regular annual pay) in yuan."""
    return sum(Yuan(getattr(line, part.value)).fen for part in COMPARABLE) / 100


def pay_section(instance: Instance, policy: Policy, plan: PayPlan,
                violations: list[Any]) -> dict[str, Any]:
    figures = plan.figures
    ratio_rule = policy.pay.params_of("tier_ratio") if policy.pay is not None else None
    by_rule: dict[str, list[Any]] = defaultdict(list)
    for v in violations:
        by_rule[v.rule].append(v)
    pay_rules = policy.pay.rule_objects() if policy.pay is not None else []
    lines = sorted(plan.lines, key=lambda pl: pl.person)
    classes = sorted({_post_class(pl.pay_class) for pl in lines if pl.pay_class},
                     key=_class_order)
    spread: dict[str, dict[str, list[float]]] = {tier.value: defaultdict(list) for tier in Tier}
    for pl in lines:
        if pl.pay_class and pl.tier is not None:
            spread[Tier(pl.tier).value][_post_class(pl.pay_class)].append(comparable_yuan(pl))
    return {
        "status": plan.status,
        "people_paid": len(plan.lines),
        "people_unpaid": len(plan.unpaid),
        "total_pay": figures.get("total_pay"),
        "tier_ratio": figures.get("tier_ratio"),
        "tier_ratio_target": ratio_rule.target if ratio_rule is not None else None,
        "tier_ratio_by_post_class": [
            {"code": c, "label": post_class_text(c), "ratio": v}
            for c, v in sorted(figures.get("tier_ratio_by_post_class", {}).items(),
                               key=lambda item: _class_order(item[0]))],
        "reward_share": figures.get("reward_share"),
        "gini": figures.get("gini"),
        "max_to_min": figures.get("max_to_min"),
        "hard_violations": sum(1 for v in violations if v.hard),
        "funds": [{"fund": f.fund.value, "label": fund_text(f.fund.value),
                   "budget": str(f.budget), "paid": str(f.paid), "left_over": str(f.left_over)}
                  for f in plan.funds],
        "classes": [{"code": c, "label": post_class_text(c)} for c in classes],
        "by_tier": {tier: {c: _stats(v) for c, v in groups.items()}
                    for tier, groups in spread.items()},
        "tier_values": {tier: sorted(x for v in groups.values() for x in v)
                        for tier, groups in spread.items()},
        "rules": [{"rule": r.name, "label": t(r.label_zh, r.label_en),
                   "status": "violated" if by_rule.get(r.name) else "ok",
                   "items": [v.message for v in by_rule.get(r.name, [])[:ITEMS_PER_RULE]]}
                  for r in pay_rules],
        "people": [{"person": pl.person, "name": pl.name, "post": pl.post or "",
                    "tier": pl.tier.value if pl.tier is not None else "",
                    "pay_class": pl.pay_class, "points": pl.points,
                    "comparable": round(comparable_yuan(pl), 2), "total": str(pl.total)}
                   for pl in lines],
    }


def _post_class(pay_class: str) -> str:
    return pay_class.split("/", 1)[0]


def post_class_text(post_class: str) -> Text:
    """A post class (``grade`` or ``grade:discipline`` codes) in words."""
    grade, _, discipline = post_class.partition(":")
    if grade == Title.NONE.value:
        words = [("无职称要求", "no title required")]
    elif grade in Title._value2member_map_:
        words = [(Title(grade).zh, grade.replace("_", " "))]
    else:
        words = [(grade, grade)]
    if discipline:
        words.append((Discipline(discipline).zh, discipline.replace("_", " "))
                     if discipline in Discipline._value2member_map_ else (discipline, discipline))
    return t("·".join(w[0] for w in words), " / ".join(w[1] for w in words))


def _class_order(post_class: str) -> tuple[int, str]:
    grade = post_class.partition(":")[0]
    return (Title(grade).level if grade in Title._value2member_map_ else 99, post_class)


def _stats(values: list[float]) -> dict[str, float]:
    return {"people": len(values), "mean": round(sum(values) / len(values), 2),
            "min": min(values), "max": max(values)}
