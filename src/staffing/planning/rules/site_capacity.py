"""site_capacity: a place takes rotating people only in its years, and at most its number.

A grassroots post takes rotating people in the years ``plan_needs`` lists for
it, at most ``max`` (default: its need) in each; a resident team takes its
leaders and members in the years ``plan_teams`` lists it, at most the team
shape's number of each. Years after the plan are not limited here: the next
plan sees them.
"""

from __future__ import annotations

import numpy as np

from staffing.domain.violation import Violation
from staffing.planning.facts import PlanFacts, PlanSpace
from staffing.planning.rules.base import (
    Emitter,
    PlanRule,
    PlanRuleParams,
    PlanView,
    covered_in_plan,
)
from staffing.planning.tables import PlanRole


class SiteCapacity(PlanRule[PlanRuleParams]):
    name = "site_capacity"
    label_zh = "基层接收上限"
    label_en = "place capacity"
    description = "a place takes rotating people only in its years, at most its number"

    def places(self, facts: PlanFacts, slot: int, t: int) -> int:
        """Most rotating people of one slot during offset ``t``."""
        k, role = facts.slots[slot]
        site = facts.sites[k]
        if not site.is_open(t):
            return 0
        return site.places[t] if role is PlanRole.POST else facts.team.needed(role)

    def capacity(self, facts: PlanFacts) -> np.ndarray:
        """slots x plan years: most rotating people of each slot in each year."""
        years = facts.horizon.years
        return np.array([[self.places(facts, s, t) for t in range(years)]
                         for s in range(len(facts.slots))], dtype=np.int64).reshape(-1, years)

    def forbidden(self, facts: PlanFacts, space: PlanSpace) -> np.ndarray:
        o = space.options
        capacity = self.capacity(facts)
        closed = np.zeros(len(o), dtype=bool)
        for t in range(facts.horizon.years):
            closed |= o.covers(t) & (capacity[o.slot, t] == 0)
        return closed

    def describe_forbidden(self, facts: PlanFacts, person: int, slot: int, start: int,
                           end: int) -> str | None:
        k, role = facts.slots[slot]
        for t in covered_in_plan(facts, start, end):
            if self.places(facts, slot, t) == 0:
                return f"{_name(facts, k, role)} takes nobody in {facts.horizon.start + t}"
        return None

    def emit(self, m: Emitter) -> None:
        facts, space = m.facts, m.space
        o = space.options
        for slot, (k, role) in enumerate(facts.slots):
            mine = np.flatnonzero(o.slot == slot)
            if len(mine) == 0:
                continue
            for t, year in enumerate(facts.horizon.year_list):
                here = mine[o.covers(t)[mine]]
                if len(here) == 0:
                    continue
                places = self.places(facts, slot, t)
                m.at_most(self, (facts.sites[k].id, role.value, year), m.total(here), places,
                          unit="people", where=(facts.sites[k].id,),
                          detail=f"{_name(facts, k, role)} takes at most {places} in {year}")

    def check(self, view: PlanView) -> list[Violation]:
        facts = view.facts
        out = []
        for slot, (k, role) in enumerate(facts.slots):
            for t, year in enumerate(facts.horizon.year_list):
                here = np.flatnonzero((view.slot == slot) & view.covers(t))
                places = self.places(facts, slot, t)
                if len(here) > places:
                    what = f"takes at most {places}" if places else "takes nobody"
                    out.append(self.violation(
                        f"{_name(facts, k, role)} {what} in {year} but has {len(here)} "
                        f"({', '.join(view.people(here))})", amount=len(here) - places,
                        people=view.people(here), posts=(facts.sites[k].id,)))
        return out

    def blocking(self, view: PlanView, person: int, slot: int, start: int,
                 end: int) -> str | None:
        facts = view.facts
        k, role = facts.slots[slot]
        for t in covered_in_plan(facts, start, end):
            here = [int(j) for j in np.flatnonzero((view.slot == slot) & view.covers(t))
                    if view.person[j] != person]
            places = self.places(facts, slot, t)
            if len(here) >= places:
                return (f"{_name(facts, k, role)} takes {places} in {facts.horizon.start + t} "
                        f"and has {', '.join(view.people(here)) or 'nobody'}")
        return None


def _name(facts: PlanFacts, k: int, role: PlanRole) -> str:
    site = facts.sites[k]
    if role is PlanRole.POST:
        return f"post {site.id} ({site.institution})"
    return f"team {site.id} ({role.value}s)"
