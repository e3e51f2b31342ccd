"""department_absence: no county department loses more people at once than it may.

A department is the institution and discipline of its posts (for example the
lead hospital's surgery). In each plan year, the people of a department away
on rotation are at most its ``max_absent`` in ``plan_departments``, or, for a
department without a row, the planning section's ``department_share`` of its
staff rounded up (no limit when neither is given).
"""

from __future__ import annotations

import numpy as np

from staffing.domain.violation import Violation
from staffing.planning.rules.base import Emitter, PlanRule, PlanRuleParams, PlanView


class DepartmentAbsence(PlanRule[PlanRuleParams]):
    name = "department_absence"
    label_zh = "科室同时外派上限"
    label_en = "department absence limit"
    description = "no county department loses more people at once than it may"

    def emit(self, m: Emitter) -> None:
        facts, space = m.facts, m.space
        o = space.options
        option_department = facts.department[space.person] if len(o) else np.zeros(0, np.int64)
        for d, dept in enumerate(facts.departments):
            if dept.limit is None:
                continue
            mine = np.flatnonzero(option_department == d)
            if len(mine) == 0:
                continue
            for t, year in enumerate(facts.horizon.year_list):
                away = mine[o.covers(t)[mine]]
                m.at_most(self, (dept.id, year), m.total(away), dept.limit,
                          unit="people", where=(dept.id,),
                          detail=f"department {dept.id} has at most {dept.limit} people away "
                          f"in {year}")

    def away(self, view: PlanView, d: int, t: int) -> np.ndarray:
        """Rotations of department ``d``'s people away during offset ``t``."""
        return np.flatnonzero(view.covers(t) & (view.facts.department[view.person] == d))

    def check(self, view: PlanView) -> list[Violation]:
        facts = view.facts
        out = []
        for d, dept in enumerate(facts.departments):
            if dept.limit is None:
                continue
            for t, year in enumerate(facts.horizon.year_list):
                away = self.away(view, d, t)
                if len(away) > dept.limit:
                    out.append(self.violation(
                        f"department {dept.id} has {len(away)} people away in {year}, more "
                        f"than its limit of {dept.limit}", amount=len(away) - dept.limit,
                        people=view.people(away), institutions=(dept.institution,)))
        return out

    def blocking(self, view: PlanView, person: int, slot: int, start: int,
                 end: int) -> str | None:
        facts = view.facts
        d = int(facts.department[person])
        dept = facts.departments[d] if d >= 0 else None
        if dept is None or dept.limit is None:
            return None
        limit = dept.limit
        for t in range(max(0, start), min(end, facts.horizon.years - 1) + 1):
            away = [k for k in self.away(view, d, t) if view.person[k] != person]
            if len(away) >= limit:
                shown = ", ".join(view.people(away)) or "nobody may go"
                return (f"department {dept.id} already has {len(away)} of {dept.limit} "
                        f"away in {facts.horizon.start + t} ({shown})")
        return None

