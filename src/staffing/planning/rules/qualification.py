"""qualification: people rotate only from the pool, only to places and roles they may take.

A rotation to a grassroots post is a placement there, so the allocation
policy's hard pair rules (eligibility: discipline, licence, title) must allow
it. A resident team's leader needs the team shape's leader licence and title,
a member a member licence, and both an admissible post at the team's centre
(where the two-way selection will place them). Only the rotation pool rotates:
county staff with a professional licence, or the people listed for planning.
"""

from __future__ import annotations

import numpy as np

from staffing.domain.violation import Violation
from staffing.planning.facts import PlanFacts
from staffing.planning.rules.base import PlanRule, PlanRuleParams, PlanView
from staffing.planning.tables import PlanRole


class Qualification(PlanRule[PlanRuleParams]):
    name = "qualification"
    label_zh = "轮转资格"
    label_en = "qualification"
    description = "rotations only from the pool, to places and roles the person may take"

    def allowed_slots(self, facts: PlanFacts) -> np.ndarray:
        return facts.slot_qualified & facts.in_pool[:, None]

    def shortfall(self, facts: PlanFacts, person: int, slot: int) -> str | None:
        """What the person lacks for one slot, in words (None if qualified)."""
        if not facts.in_pool[person]:
            return f"{facts.person_ids[person]} is not in the rotation pool ({_pool(facts)})"
        if facts.slot_qualified[person, slot]:
            return None
        k, role = facts.slots[slot]
        site = facts.sites[k]
        staff = facts.instance.staff[person]
        if role is PlanRole.POST:
            return (f"{staff.id} may not hold post {site.id} ({staff.discipline.value}, "
                    f"{staff.licence.value}, {staff.title.value})")
        team = facts.team
        if role is PlanRole.LEADER:
            return (f"{staff.id} may not lead team {site.id}: a leader holds "
                    f"{' or '.join(x.value for x in team.leader_licences)} and title "
                    f"{team.leader_min_title.value} or above, and may hold a post at "
                    f"{site.institution} (holds {staff.licence.value}, {staff.title.value})")
        return (f"{staff.id} may not join team {site.id}: a member holds "
                f"{' or '.join(x.value for x in team.member_licences)} and may hold a post at "
                f"{site.institution}")

    def describe_forbidden(self, facts: PlanFacts, person: int, slot: int, start: int,
                           end: int) -> str | None:
        return self.shortfall(facts, person, slot)

    def check(self, view: PlanView) -> list[Violation]:
        facts = view.facts
        out = []
        for k in range(len(view)):
            i, slot = int(view.person[k]), int(view.slot[k])
            reason = (f"role {view.role[k].value} does not exist at {view.rotations[k].site}"
                      if slot < 0 else self.shortfall(facts, i, slot))
            if reason is not None:
                out.append(self.violation(
                    f"{reason}, but rotates there {view.rotations[k].start_year}",
                    people=(facts.person_ids[i],), posts=(view.rotations[k].site,)))
        return out


def _pool(facts: PlanFacts) -> str:
    if facts.pool_mode == "listed":
        return "people listed in plan_staff, not at grassroots"
    return "county staff with a professional licence, and people listed in plan_staff"

