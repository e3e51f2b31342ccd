"""promotion_deadline: every promotion candidate completes a grassroots year before their target.

A health professional works one continuous year at grassroots before
promotion to associate senior [Guangdong]. A candidate (a deadline in
``plan_staff``, or a promotion candidate of the staff table, who lacks the
required months) rotates for the rotation length and completes it before the
target year (or the year they may first apply). Soft by default: candidates
not on time are the ``on_time`` stage and each is reported with the reason;
hard, a plan that leaves one late does not exist.
"""

from __future__ import annotations

import numpy as np

from staffing.domain.violation import Violation
from staffing.planning.rules.base import Emitter, PlanRule, PlanRuleParams, PlanView


class DeadlineParams(PlanRuleParams):
    hard: bool = False


class PromotionDeadline(PlanRule[DeadlineParams]):
    name = "promotion_deadline"
    label_zh = "晋升前完成基层服务"
    label_en = "grassroots year before promotion"
    description = "every promotion candidate completes a grassroots year before their target year"
    Params = DeadlineParams
    soft_capable = True
    stage = "on_time"

    def emit(self, m: Emitter) -> None:
        facts, space = m.facts, m.space
        o = space.options
        group_of = {int(space.first[g]): g for g, members in enumerate(space.groups)
                    if len(members) == 1}
        option_group = o.group
        for i in np.flatnonzero(facts.due):
            g = group_of.get(int(i))
            mine = np.flatnonzero(option_group == g) if g is not None else np.zeros(0, np.int64)
            on_time = mine[o.start[mine] <= facts.latest_start[i]]
            pid = facts.person_ids[i]
            m.at_least(self, ("candidate", pid), m.total(on_time), 1, unit="people",
                       people=(pid,), detail=f"candidate {pid} completes a grassroots year "
                       f"before {facts.deadline[i]}")

    def check(self, view: PlanView) -> list[Violation]:
        facts = view.facts
        out = []
        for i in np.flatnonzero(facts.due):
            pid = facts.person_ids[i]
            first = view.first_of(int(i))
            deadline = int(facts.deadline[i])
            if first is None:
                out.append(self.violation(
                    f"candidate {pid} (target {deadline}) is not sent to grassroots in the plan",
                    people=(pid,)))
            elif view.rotations[first].end_year >= deadline:
                rotation = view.rotations[first]
                out.append(self.violation(
                    f"candidate {pid} (target {deadline}) completes the grassroots year only at "
                    f"the end of {rotation.end_year} ({rotation.site})", people=(pid,),
                    posts=(rotation.site,)))
        return out
