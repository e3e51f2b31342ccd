"""team_composition: a resident team is formed whole (its leaders and members) or not at all.

Guangdong's paired support sends resident teams of 5: 1 leader + 4 members.
In each year a team is stationed it has exactly the team shape's leaders and
members, or nobody; who may lead and who may join is the qualification rule's.
"""

from __future__ import annotations

import numpy as np

from staffing.domain.violation import Violation
from staffing.planning.facts import PlanFacts
from staffing.planning.rules.base import (
    Emitter,
    PlanRule,
    PlanRuleParams,
    PlanView,
    covered_in_plan,
)
from staffing.planning.tables import PlanRole

TEAM_ROLES = (PlanRole.LEADER, PlanRole.MEMBER)


class TeamComposition(PlanRule[PlanRuleParams]):
    name = "team_composition"
    label_zh = "驻点团队构成"
    label_en = "team composition"
    description = "a resident team is formed whole, or not at all"

    def shape(self, facts: PlanFacts) -> str:
        team = facts.team
        return f"{team.leaders} leader(s) and {team.members} member(s)"

    def emit(self, m: Emitter) -> None:
        facts = m.facts
        o = m.space.options
        for k, site in enumerate(facts.sites):
            if site.kind != "team":
                continue
            for t, year in enumerate(facts.horizon.year_list):
                if not site.is_open(t):
                    continue
                formed = m.new_bool(f"formed_{site.id}_{year}")
                for role in TEAM_ROLES:
                    slot = facts.slot_index[(k, role)]
                    here = m.total(np.flatnonzero((o.slot == slot) & o.covers(t)))
                    wanted = facts.team.needed(role)
                    detail = (f"team {site.id} in {year} has {wanted} {role.value}(s) if formed, "
                              "none otherwise")
                    for bound in (m.at_least, m.at_most):
                        bound(self, (site.id, year, role.value), here - wanted * formed, 0,
                              unit="people", where=(site.id,), detail=detail)

    def counts(self, view: PlanView, k: int, t: int) -> tuple[int, int]:
        """Leaders and members of team site ``k`` during offset ``t``."""
        return (len(view.at(k, t, PlanRole.LEADER)), len(view.at(k, t, PlanRole.MEMBER)))

    def check(self, view: PlanView) -> list[Violation]:
        facts = view.facts
        whole = (facts.team.leaders, facts.team.members)
        out = []
        for k, site in enumerate(facts.sites):
            if site.kind != "team":
                continue
            for t, year in enumerate(facts.horizon.year_list):
                leaders, members = self.counts(view, k, t)
                if (leaders, members) in ((0, 0), whole):
                    continue
                people = view.at(k, t)
                out.append(self.violation(
                    f"team {site.id} in {year} has {leaders} leader(s) and {members} member(s); "
                    f"a team is formed with {self.shape(facts)} or not at all",
                    amount=abs(leaders - whole[0]) + abs(members - whole[1]),
                    people=view.people(people), posts=(site.id,)))
        return out

    def blocking(self, view: PlanView, person: int, slot: int, start: int,
                 end: int) -> str | None:
        facts = view.facts
        k, role = facts.slots[slot]
        if role is PlanRole.POST:
            return None
        for t in covered_in_plan(facts, start, end):
            leaders, members = self.counts(view, k, t)
            if leaders + members == 0:
                return (f"team {facts.sites[k].id} is not formed in {facts.horizon.start + t}: "
                        f"it needs {self.shape(facts)} at once")
        return None
