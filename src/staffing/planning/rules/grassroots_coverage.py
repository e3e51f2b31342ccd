"""grassroots_coverage: every grassroots post and required team is covered in its years.

A post listed in ``plan_needs`` has at least ``need`` rotating people in that
year; a team that must be stationed in a year has its full shape (leaders and
members). Soft by default: the shortfall, in people per year, is the
``coverage`` stage; hard, a plan that leaves a need open does not exist.
"""

from __future__ import annotations

import numpy as np

from staffing.domain.violation import Violation
from staffing.planning.facts import PlanFacts
from staffing.planning.rules.base import Emitter, PlanRule, PlanRuleParams, PlanView
from staffing.planning.tables import PlanRole


class CoverageParams(PlanRuleParams):
    hard: bool = False


class GrassrootsCoverage(PlanRule[CoverageParams]):
    name = "grassroots_coverage"
    label_zh = "基层岗位覆盖"
    label_en = "grassroots coverage"
    description = "every grassroots post and required team is covered in its years"
    Params = CoverageParams
    soft_capable = True
    stage = "coverage"

    def needs(self, facts: PlanFacts) -> list[tuple[int, int, int, str]]:
        """(slot, plan-year offset, people needed, what) of every need of the plan."""
        out = []
        for slot, (k, role) in enumerate(facts.slots):
            site = facts.sites[k]
            for t, year in enumerate(facts.horizon.year_list):
                if role is PlanRole.POST and site.need[t] > 0:
                    out.append((slot, t, site.need[t],
                                f"post {site.id} ({site.institution}) in {year}"))
                elif role is not PlanRole.POST and site.required and site.required[t]:
                    wanted = facts.team.needed(role)
                    if wanted > 0:
                        out.append((slot, t, wanted, f"team {site.id}'s {role.value}s in {year}"))
        return out

    def emit(self, m: Emitter) -> None:
        o = m.space.options
        for slot, t, wanted, what in self.needs(m.facts):
            here = np.flatnonzero((o.slot == slot) & o.covers(t))
            site = m.facts.sites[m.facts.slots[slot][0]].id
            m.at_least(self, (site, m.facts.slots[slot][1].value, t), m.total(here), wanted,
                       unit="people", where=(site,), detail=f"{what} has {wanted} rotating")

    def check(self, view: PlanView) -> list[Violation]:
        out = []
        for slot, t, wanted, what in self.needs(view.facts):
            here = np.flatnonzero((view.slot == slot) & view.covers(t))
            if len(here) < wanted:
                site = view.facts.sites[view.facts.slots[slot][0]].id
                out.append(self.violation(
                    f"{what} needs {wanted} rotating and has {len(here)}"
                    + (f" ({', '.join(view.people(here))})" if len(here) else ""),
                    amount=wanted - len(here), people=view.people(here), posts=(site,)))
        return out
