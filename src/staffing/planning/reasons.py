"""Each promotion candidate's status in a plan, with a reason that can be checked.

| status | meaning |
|---|---|
| done | already has the continuous grassroots months a promotion needs |
| continuing | already at grassroots: completes the months where they are |
| on_time | the plan sends them and the year is complete before their target year |
| later | their target lies beyond the plan and the plan does not send them yet |
| late | the plan sends them, but the year completes only after their target |
| not_sent | the plan cannot send them in time and does not send them at all |
| not_possible | outside the rotation pool, so the plan cannot send them |

For ``late`` and ``not_sent`` the reason goes through every rotation that
would have been on time (each start year and each place and role) and says,
rule by rule, what blocks it: a rule that forbids it outright (qualification,
an exclusion with its reason code, the cool-off, a place not open that
year), or a rule the plan as it stands would break (the department already
at its limit that year, naming who is away; the place already full, naming
who holds it; a team not formed). ``code`` lists the rules that block, most
frequent first; every statement is a fact of the inputs and the plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from staffing.planning.facts import NONE, PlanFacts
from staffing.planning.policy import PlanningPolicy
from staffing.planning.rules.base import PlanRule, PlanView, years_text

STATUS_ZH = {
    "done": "已满足基层服务要求", "continuing": "正在基层服务", "on_time": "按期完成",
    "later": "目标年度在规划期之后", "late": "晚于目标年度完成", "not_sent": "规划期内未能安排",
    "not_possible": "不在轮转人员范围内",
}
SHOWN = 3  # examples per blocking rule


@dataclass
class CandidateStatus:
    """One candidate's outcome in a plan and why."""

    person: str
    name: str
    department: str
    target_year: int
    status: str
    code: str
    text: str
    text_zh: str
    start_year: int | None = None
    end_year: int | None = None
    site: str = ""
    role: str = ""
    blocked: dict[str, list[str]] = field(default_factory=dict)  # rule -> example reasons

    def row(self) -> dict[str, Any]:
        return {"person": self.person, "name": self.name, "department": self.department,
                "target_year": self.target_year, "status": self.status,
                "status_zh": STATUS_ZH[self.status], "start_year": self.start_year or "",
                "end_year": self.end_year or "", "site": self.site, "role": self.role,
                "code": self.code, "text": self.text, "text_zh": self.text_zh}


def candidate_statuses(planning: PlanningPolicy, view: PlanView) -> list[CandidateStatus]:
    """The status and reason of every person with a promotion deadline, in staff order."""
    facts = view.facts
    rules = planning.rule_objects()
    return [_status(facts, rules, view, int(i))
            for i in np.flatnonzero(facts.deadline != NONE)]


def _status(facts: PlanFacts, rules: list[PlanRule[Any]], view: PlanView,
            i: int) -> CandidateStatus:
    staff = facts.instance.staff[i]
    d = int(facts.department[i])
    base: dict[str, Any] = {
        "person": staff.id, "name": staff.name, "target_year": int(facts.deadline[i]),
        "department": facts.departments[d].id if d >= 0 else ""}
    required = facts.horizon.required_months
    if facts.done[i]:
        return CandidateStatus(**base, status="done", code="done",
                               text=f"has {facts.months[i]} continuous grassroots months "
                               f"({required} needed)",
                               text_zh=f"已连续基层服务{facts.months[i]}个月（需{required}个月）")
    if facts.continuing[i]:
        return _continuing(facts, base, i)
    if not facts.in_pool[i]:
        return CandidateStatus(**base, status="not_possible", code="not_in_pool",
                               text="is not in the rotation pool (no county post with a "
                               "professional licence, and not listed for planning)",
                               text_zh="不在轮转人员范围内（无县级岗位或无执业资格，且未列入轮转人员表）")
    first = view.first_of(i)
    deadline = int(facts.deadline[i])
    if first is not None and view.rotations[first].end_year < deadline:
        r = view.rotations[first]
        when = years_text(facts, int(view.start[first]), int(view.end[first]))
        return CandidateStatus(
            **base, status="on_time", code="on_time", start_year=r.start_year,
            end_year=r.end_year, site=r.site, role=r.role.value,
            text=f"rotates to {_where(facts, view, first)} {when}, "
            f"complete before the target year {deadline}",
            text_zh=f"{when}年到"
            f"{r.site}（{r.role.zh}）轮转，{deadline}年前完成")
    if not facts.due[i]:
        return CandidateStatus(
            **base, status="later", code="later",
            text=f"target {deadline} lies beyond this plan ({facts.horizon.label()}): the last "
            f"on-time start is {deadline - facts.horizon.span}; plan them in a later round",
            text_zh=f"目标年度{deadline}年在本规划期（{facts.horizon.label()}年）之后，"
            "留待以后安排")
    return _late(facts, rules, view, i, base, first)


def _continuing(facts: PlanFacts, base: dict[str, Any], i: int) -> CandidateStatus:
    staff = facts.instance.staff[i]
    end = facts.continuing_end(i)
    on_time = end < int(facts.deadline[i])
    code = "continuing" if on_time else "continuing_late"
    verdict = "before" if on_time else "after"
    return CandidateStatus(
        **base, status="continuing", code=code, end_year=end, site=staff.current_post or "",
        text=f"serves at grassroots post {staff.current_post} now ({facts.months[i]} months); "
        f"completes the {facts.horizon.required_months} months at the end of {end}, {verdict} "
        f"the target year {base['target_year']}",
        text_zh=f"现在基层岗位{staff.current_post}服务（已{facts.months[i]}个月），{end}年底满"
        f"{facts.horizon.required_months}个月，{'早于' if on_time else '晚于'}目标年度")


def _late(facts: PlanFacts, rules: list[PlanRule[Any]], view: PlanView, i: int,
          base: dict[str, Any], first: int | None) -> CandidateStatus:
    deadline = int(facts.deadline[i])
    others = PlanView(facts, [r for k, r in enumerate(view.rotations) if view.person[k] != i])
    blocked = on_time_blockers(facts, rules, others, i)
    counts = Counter({rule: len(found) for rule, found in blocked.items()})
    if int(facts.latest_start[i]) < 0:
        code = "too_soon"
        why = (f"the target year {deadline} is too soon: a rotation of "
               f"{facts.horizon.rotation_months} months starting in {facts.horizon.start} "
               f"completes at the end of {facts.horizon.start + facts.horizon.span - 1}")
        why_zh = (f"目标年度{deadline}年过近：{facts.horizon.start}年开始的轮转要到"
                  f"{facts.horizon.start + facts.horizon.span - 1}年底才完成")
    elif not facts.slot_qualified[i].any():
        code = "qualification"
        why = blocked["qualification"][0]
        why_zh = "没有可以承担的基层岗位或驻点团队职责（任职资格）"
    elif counts:
        code = ";".join(rule for rule, _n in counts.most_common())
        why = "no rotation could be on time: " + "; ".join(
            f"{rule} ({_options(n)}): " + " / ".join(list(dict.fromkeys(blocked[rule]))[:SHOWN])
            for rule, n in counts.most_common())
        labels = {r.name: r.label_zh for r in rules}
        why_zh = "没有可按期完成的轮转安排：" + "；".join(
            f"{labels[rule]}（{n}种安排受限）" for rule, n in counts.most_common())
    else:
        code = "unexplained"
        why = "an on-time rotation was open but not taken (the plan was not proven optimal)"
        why_zh = "存在可按期完成的安排但未采用（未证明最优）"
    if first is None:
        return CandidateStatus(**base, status="not_sent", code=code, blocked=blocked,
                               text=f"not sent in this plan: {why}",
                               text_zh=f"本规划期内未安排：{why_zh}")
    r = view.rotations[first]
    return CandidateStatus(
        **base, status="late", code=code, start_year=r.start_year, end_year=r.end_year,
        site=r.site, role=r.role.value, blocked=blocked,
        text=f"rotates to {_where(facts, view, first)} {r.start_year}, complete only at the end "
        f"of {r.end_year} (target {deadline}): {why}",
        text_zh=f"{r.start_year}年到{r.site}轮转，{r.end_year}年底完成，晚于目标年度{deadline}年："
        + why_zh)


def on_time_blockers(facts: PlanFacts, rules: list[PlanRule[Any]], others: PlanView,
                     i: int) -> dict[str, list[str]]:
    """Rule name -> why each on-time rotation of candidate ``i`` is blocked.

    Every place and role the candidate qualifies for (qualification is the reason when
    there is none) and every start year up to the last on-time one is tried against the
    plan without the candidate's own rotations: the rules that forbid it outright, or else
    every rule the plan as it stands would break (an option may count under several).
    """
    qualified = np.flatnonzero(facts.slot_qualified[i])
    if not len(qualified):
        text = (f"{facts.person_ids[i]} may take none of the plan's places (no grassroots post "
                "of their discipline needs anyone, and they may not join a team)")
        return {"qualification": [text]}
    blocked: dict[str, list[str]] = {}
    span = facts.horizon.span
    for slot in qualified:
        for start in range(0, min(int(facts.latest_start[i]), facts.horizon.years - 1) + 1):
            for rule, text in _reasons(facts, rules, others, i, int(slot), start,
                                       start + span - 1):
                blocked.setdefault(rule, []).append(text)
    return blocked


def _reasons(facts: PlanFacts, rules: list[PlanRule[Any]], others: PlanView, i: int,
             slot: int, start: int, end: int) -> list[tuple[str, str]]:
    """Every rule that forbids one rotation outright, or else every rule it would break."""
    found = [(rule.name, text) for rule in rules
             if (text := rule.describe_forbidden(facts, i, slot, start, end)) is not None]
    if found:
        return found
    return [(rule.name, text) for rule in rules
            if (text := rule.blocking(others, i, slot, start, end)) is not None]


def _options(count: int) -> str:
    return f"{count} option" + ("s" if count != 1 else "")


def _where(facts: PlanFacts, view: PlanView, k: int) -> str:
    r = view.rotations[k]
    site = facts.sites[int(view.site[k])]
    if site.kind == "post":
        return f"post {site.id} ({site.institution})"
    return f"team {site.id} at {site.institution} as {r.role.value}"
