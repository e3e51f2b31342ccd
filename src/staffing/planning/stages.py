"""The stage catalogue of rotation plans: each objective stage in one place.

Stages are minimised lexicographically in the policy's order
(``planning.objective``); each knows its labels and unit, its CP-SAT
expression with a proven range, and its value recomputed from a finished plan
(what the checker reports).

| stage | minimises |
|---|---|
| on_time | promotion candidates not served on time (soft ``promotion_deadline``) |
| lateness | years late, summed over candidates (one not sent counts as sent after the plan) |
| coverage | people missing at grassroots posts and required teams, per year |
| preference | ranks of the wishes met, summed (a rotation matching no wish: last rank + 1) |
| fairness | the largest share of a department's person-years spent away, per mille |
| extra_rotations | rotations of people who need none (not promotion candidates) |
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Protocol

import numpy as np

from staffing.domain.violation import Violation
from staffing.planning.facts import PlanFacts, PlanSpace
from staffing.planning.rules import PLAN_CATALOGUE
from staffing.planning.rules.base import Expr, PlanView
from staffing.planning.tables import PlanPreference

PER_MILLE = 1000


class StageModel(Protocol):
    """What a stage sees of the plan model while building its objective."""

    facts: PlanFacts
    space: PlanSpace
    model: Any

    def total(self, options: np.ndarray) -> Expr: ...

    def weighted(self, options: np.ndarray, weights: np.ndarray) -> Expr: ...

    def stage_terms(self, stage: str) -> list[Expr]: ...


class PlanStage:
    """One objective stage: minimised in the policy's order, recomputed by the checker."""

    name: ClassVar[str]
    label_en: ClassVar[str]
    label_zh: ClassVar[str]
    unit: ClassVar[str]

    def objective(self, m: StageModel) -> tuple[Expr, int, int]:
        """The expression to minimise and its proven range (low, high)."""
        raise NotImplementedError

    def value(self, view: PlanView, violations: list[Violation]) -> int:
        """The stage's value for a finished plan, from the inputs and the plan alone."""
        raise NotImplementedError

    def describe(self, value: int) -> str:
        return f"{self.label_en}: {value} {self.unit}"


class SoftRuleStage(PlanStage):
    """A stage that counts the shortfall of the soft plan rules assigned to it."""

    def objective(self, m: StageModel) -> tuple[Expr, int, int]:
        terms = m.stage_terms(self.name)
        constant = sum(int(t) for t in terms if isinstance(t, (int, np.integer)))
        variables = [t for t in terms if not isinstance(t, (int, np.integer))]
        high = constant + sum(_upper(m, t) for t in variables)
        return (sum(variables, constant) if variables else constant), constant, high

    def value(self, view: PlanView, violations: list[Violation]) -> int:
        return sum(v.amount for v in violations
                   if not v.hard and PLAN_CATALOGUE[v.rule].stage == self.name)


class OnTime(SoftRuleStage):
    name = "on_time"
    label_en = "candidates not on time"
    label_zh = "未按期完成基层服务的晋升对象"
    unit = "people"


class Coverage(SoftRuleStage):
    name = "coverage"
    label_en = "grassroots shortfall"
    label_zh = "基层需求缺口"
    unit = "people x years"


class Lateness(PlanStage):
    name = "lateness"
    label_en = "years late, summed over candidates"
    label_zh = "晚于目标年度的年数合计"
    unit = "years"

    def objective(self, m: StageModel) -> tuple[Expr, int, int]:
        facts, space = m.facts, m.space
        o = space.options
        due = facts.due[space.person] if len(o) else np.zeros(0, dtype=bool)
        mine = np.flatnonzero(due)
        unserved = np.array([facts.unserved_late_years(int(i)) for i in np.flatnonzero(facts.due)],
                            dtype=np.int64)
        constant = int(unserved.sum())
        late = np.array([facts.late_years(int(space.person[k]), int(o.end[k])) for k in mine],
                        dtype=np.int64)
        saving = late - np.array([facts.unserved_late_years(int(space.person[k])) for k in mine],
                                 dtype=np.int64)
        return m.weighted(mine, saving) + constant if len(mine) else constant, 0, constant

    def value(self, view: PlanView, violations: list[Violation]) -> int:
        facts = view.facts
        total = 0
        for i in np.flatnonzero(facts.due):
            first = view.first_of(int(i))
            total += facts.unserved_late_years(int(i)) if first is None else facts.late_years(
                int(i), int(view.end[first]))
        return total


class Preference(PlanStage):
    name = "preference"
    label_en = "ranks of the wishes met, summed"
    label_zh = "轮转意愿序号合计"
    unit = "ranks"

    def objective(self, m: StageModel) -> tuple[Expr, int, int]:
        facts, space = m.facts, m.space
        o = space.options
        ids = facts.person_ids
        mine = np.array([k for k in range(len(o)) if ids[space.person[k]] in facts.preferences],
                        dtype=np.int64)
        if not len(mine):
            return 0, 0, 0
        cost = np.array([wish_cost(facts, int(space.person[k]), int(o.slot[k]), int(o.start[k]))
                         for k in mine], dtype=np.int64)
        high = sum(max(p.rank for p in wishes) + 1 for wishes in facts.preferences.values())
        return m.weighted(mine, cost), 0, high * max(1, facts.horizon.years)

    def value(self, view: PlanView, violations: list[Violation]) -> int:
        facts = view.facts
        return sum(wish_cost(facts, int(view.person[k]), int(view.slot[k]), int(view.start[k]))
                   for k in range(len(view))
                   if facts.person_ids[view.person[k]] in facts.preferences and view.slot[k] >= 0)


class Fairness(PlanStage):
    name = "fairness"
    label_en = "largest share of a department's person-years away"
    label_zh = "科室外派负担最大值"
    unit = "per mille"

    def objective(self, m: StageModel) -> tuple[Expr, int, int]:
        facts, space = m.facts, m.space
        o = space.options
        high = PER_MILLE * facts.horizon.years
        if not len(o) or not facts.departments:
            return 0, 0, 0
        load = m.model.new_int_var(0, high, "fairness")
        option_department = facts.department[space.person]
        years = _years_in_plan(facts, o.start, o.end)
        for d, dept in enumerate(facts.departments):
            mine = np.flatnonzero(option_department == d)
            if len(mine) and dept.size:
                m.model.add(dept.size * load >= PER_MILLE * m.weighted(mine, years[mine]))
        return load, 0, high

    def value(self, view: PlanView, violations: list[Violation]) -> int:
        facts = view.facts
        years = _years_in_plan(facts, view.start, view.end)
        worst = 0
        for d, dept in enumerate(facts.departments):
            away = int(years[facts.department[view.person] == d].sum()) if len(view) else 0
            if dept.size:
                worst = max(worst, math.ceil(PER_MILLE * away / dept.size))
        return worst


class ExtraRotations(PlanStage):
    name = "extra_rotations"
    label_en = "rotations of people who need none"
    label_zh = "非晋升对象轮转人次"
    unit = "rotations"

    def objective(self, m: StageModel) -> tuple[Expr, int, int]:
        facts, space = m.facts, m.space
        o = space.options
        mine = np.flatnonzero(~facts.candidate[space.person]) if len(o) else np.zeros(0, np.int64)
        high = int(space.size[~facts.candidate[space.first]].sum()) * facts.horizon.years \
            if len(space.groups) else 0
        return m.total(mine), 0, high

    def value(self, view: PlanView, violations: list[Violation]) -> int:
        return int((~view.facts.candidate[view.person]).sum()) if len(view) else 0


STAGE_CATALOGUE: dict[str, type[PlanStage]] = {
    stage.name: stage
    for stage in (OnTime, Lateness, Coverage, Preference, Fairness, ExtraRotations)
}
DEFAULT_PLAN_OBJECTIVE = list(STAGE_CATALOGUE)


def wish_cost(facts: PlanFacts, person: int, slot: int, start: int) -> int:
    """The rank of the best wish a rotation meets (last rank + 1 when it meets none)."""
    wishes: list[PlanPreference] = facts.preferences.get(facts.person_ids[person], [])
    if not wishes:
        return 0
    site = facts.sites[facts.slots[slot][0]].id
    year = facts.horizon.start + start
    met = [w.rank for w in wishes if (w.year is None or w.year == year)
           and (w.site is None or w.site == site)]
    return min(met) if met else max(w.rank for w in wishes) + 1


def _years_in_plan(facts: PlanFacts, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Plan years each rotation covers within the plan."""
    return np.maximum(0, np.minimum(end, facts.horizon.years - 1) - np.maximum(start, 0) + 1)


def _upper(m: StageModel, term: Any) -> int:
    domain = m.model.proto.variables[term.index].domain
    return int(domain[len(domain) - 1])  # (the proto list reads no negative index)
