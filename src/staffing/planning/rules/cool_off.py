"""cool_off: no repeat rotation within a cool-off period; a candidate is sent once.

Someone back from a rotation is not sent again for ``years`` years: a new
rotation starts at least ``years`` full years after the last year of the
previous one (``returned_year`` in ``plan_staff`` for a rotation before the
plan). Within the plan, two rotations of one person start at least
rotation length + ``years`` apart, so they never overlap. A promotion
candidate needs one grassroots year, so the plan sends them at most once.
"""

from __future__ import annotations

import itertools

import numpy as np
from pydantic import Field

from staffing.domain.violation import Violation
from staffing.planning.facts import NONE, PlanFacts, PlanSpace
from staffing.planning.rules.base import (
    Emitter,
    PlanRule,
    PlanRuleParams,
    PlanView,
    years_text,
)


class CoolOffParams(PlanRuleParams):
    years: int = Field(2, ge=0, le=10, description="full years between two rotations")


class CoolOff(PlanRule[CoolOffParams]):
    name = "cool_off"
    label_zh = "轮转间隔"
    label_en = "cool-off between rotations"
    description = "no repeat rotation within the cool-off period; a candidate is sent once"
    Params = CoolOffParams

    def restart_gap(self, facts: PlanFacts) -> int:
        return facts.horizon.span + self.params.years

    def earliest_start(self, facts: PlanFacts, person: int) -> int | None:
        """First calendar year a person back from an earlier rotation may start again."""
        returned = int(facts.returned[person])
        return None if returned == NONE else returned + self.params.years + 1

    def forbidden(self, facts: PlanFacts, space: PlanSpace) -> np.ndarray:
        earliest = np.where(facts.returned != NONE,
                            facts.returned + self.params.years + 1 - facts.horizon.start,
                            np.iinfo(np.int64).min)
        return space.options.start < earliest[space.person]

    def describe_forbidden(self, facts: PlanFacts, person: int, slot: int, start: int,
                           end: int) -> str | None:
        earliest = self.earliest_start(facts, person)
        if earliest is None or facts.horizon.start + start >= earliest:
            return None
        return (f"{facts.person_ids[person]} came back from a rotation in "
                f"{facts.returned[person]} and may not go again before {earliest} "
                f"(cool-off of {self.params.years} years)")

    def emit(self, m: Emitter) -> None:
        facts, space = m.facts, m.space
        o = space.options
        gap = self.restart_gap(facts)
        years = facts.horizon.years
        by_group = _options_by_group(o.group, len(space.groups))
        for g, mine in enumerate(by_group):
            if len(mine) == 0:
                continue
            first = int(space.first[g])
            people = tuple(facts.person_ids[i] for i in space.groups[g])
            if facts.candidate[first]:
                m.at_most(self, ("candidate", facts.person_ids[first]), m.total(mine), 1,
                          unit="rotations", people=people,
                          detail=f"candidate {facts.person_ids[first]} is sent at most once")
                continue
            if gap <= 1:
                continue  # one rotation per group member and year: the variable's own bound
            for t0 in range(max(1, years - gap + 1)):
                window = mine[(o.start[mine] >= t0) & (o.start[mine] < t0 + gap)]
                m.at_most(self, ("window", g, t0), m.total(window), int(space.size[g]),
                          unit="rotations", people=people,
                          detail=f"{len(people)} interchangeable people start at most "
                          f"{len(people)} rotations within {gap} years from "
                          f"{facts.horizon.start + t0}")

    def check(self, view: PlanView) -> list[Violation]:
        facts = view.facts
        gap = self.restart_gap(facts)
        out = []
        for i, mine in view.of_person.items():
            pid = facts.person_ids[i]
            earliest = self.earliest_start(facts, i)
            first = view.rotations[mine[0]]
            if earliest is not None and first.start_year < earliest:
                out.append(self.violation(
                    f"{pid} came back in {facts.returned[i]} but rotates again from "
                    f"{first.start_year}, before {earliest} (cool-off {self.params.years} years)",
                    people=(pid,), posts=(first.site,)))
            if facts.candidate[i] and len(mine) > 1:
                out.append(self.violation(
                    f"promotion candidate {pid} is sent {len(mine)} times; one grassroots year "
                    "is needed", amount=len(mine) - 1, people=(pid,)))
                continue
            for before, after in itertools.pairwise(mine):
                if view.start[after] - view.start[before] < gap:
                    out.append(self.violation(
                        f"{pid} rotates {_span(view, before)} and again {_span(view, after)}: "
                        f"starts must be {gap} years apart", people=(pid,),
                        posts=(view.rotations[before].site, view.rotations[after].site)))
        return out

    def blocking(self, view: PlanView, person: int, slot: int, start: int,
                 end: int) -> str | None:
        gap = self.restart_gap(view.facts)
        for k in view.of_person.get(person, []):
            if abs(int(view.start[k]) - start) < gap or view.facts.candidate[person]:
                return (f"{view.facts.person_ids[person]} already rotates {_span(view, k)} to "
                        f"{view.rotations[k].site}")
        return None


def _span(view: PlanView, k: int) -> str:
    return years_text(view.facts, int(view.start[k]), int(view.end[k]))


def _options_by_group(group: np.ndarray, count: int) -> list[np.ndarray]:
    """Option indices of each group."""
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(count + 1))
    return [order[bounds[g]:bounds[g + 1]] for g in range(count)]
