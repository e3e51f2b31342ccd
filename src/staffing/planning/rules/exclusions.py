"""exclusions: nobody takes a rotation they cannot take (a year, a place, or both).

Each row of ``plan_exclusions`` names a person, a year (blank: every year), a
place (blank: every place) and a reason code (maternity, illness, study,
family, key_post, other). A rotation that covers an excluded year at an
excluded place never enters the plan.
"""

from __future__ import annotations

import numpy as np

from staffing.domain.violation import Violation
from staffing.planning.facts import PlanFacts, PlanSpace
from staffing.planning.rules.base import PlanRule, PlanRuleParams, PlanView, years_text
from staffing.planning.tables import PlanExclusion


class Exclusions(PlanRule[PlanRuleParams]):
    name = "exclusions"
    label_zh = "不可轮转"
    label_en = "exclusions"
    description = "nobody takes a rotation they cannot take"

    def hits(self, facts: PlanFacts, person: int, slot: int, start: int,
             end: int) -> list[PlanExclusion]:
        """The exclusion rows of a person that rule out one rotation."""
        rows = facts.exclusions.get(facts.person_ids[person], [])
        site = facts.sites[facts.slots[slot][0]].id
        first, last = facts.horizon.start + start, facts.horizon.start + end
        return [row for _index, row in rows
                if (row.year is None or first <= row.year <= last)
                and (row.site is None or row.site == site)]

    def forbidden(self, facts: PlanFacts, space: PlanSpace) -> np.ndarray:
        out = np.zeros(len(space.options), dtype=bool)
        if not facts.exclusions:
            return out
        o = space.options
        people = space.person
        wanted = {facts.instance.arrays.person_index[p] for p in facts.exclusions
                  if p in facts.instance.arrays.person_index}
        for k in np.flatnonzero(np.isin(people, list(wanted))):
            out[k] = bool(self.hits(facts, int(people[k]), int(o.slot[k]), int(o.start[k]),
                                    int(o.end[k])))
        return out

    def describe_forbidden(self, facts: PlanFacts, person: int, slot: int, start: int,
                           end: int) -> str | None:
        hits = self.hits(facts, person, slot, start, end)
        if not hits:
            return None
        return f"{facts.person_ids[person]} cannot rotate " + "; ".join(
            _what(row) for row in hits)

    def check(self, view: PlanView) -> list[Violation]:
        facts = view.facts
        out = []
        for k in range(len(view)):
            i = int(view.person[k])
            slot = int(view.slot[k])
            if slot < 0:
                continue
            hits = self.hits(facts, i, slot, int(view.start[k]), int(view.end[k]))
            if hits:
                out.append(self.violation(
                    f"{facts.person_ids[i]} rotates to {view.rotations[k].site} "
                    f"{years_text(facts, int(view.start[k]), int(view.end[k]))} but cannot: "
                    + "; ".join(_what(row) for row in hits),
                    people=(facts.person_ids[i],), posts=(view.rotations[k].site,)))
        return out


def _what(row: PlanExclusion) -> str:
    when = f"in {row.year}" if row.year is not None else "in any year"
    where = f" to {row.site}" if row.site is not None else ""
    note = f", {row.note}" if row.note else ""
    return f"{when}{where} ({row.reason.value} {row.reason.zh}{note})"
