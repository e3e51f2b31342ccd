"""performance: basic and reward performance pay, from the performance-pay total.

Each person in the pool is paid their pay class's basic amount and a reward of
``points x post coefficient x tier coefficient x hardship coefficient x point
value``. The class schedule (basic amount, point value) is what the solver
sets; these parameters define the plain points formula it starts from
[Guangdong: based on post, driven by performance; Nanxun: points from service
quality and health results]:

- ``basic_share``: share of the pool (net of fixed lines charged to it) the
  plain formula pays as basic performance, per head by post coefficient;
- ``tier_coefficients`` and ``hardship_coefficients`` (hardship class 0-3)
  multiply points: the tilt toward grassroots and hard posts.

The check, exact to the fen: within a pay class every basic line is the
class's one amount per head, every member carries the class's point value
(the schedule's, when the plan gives it), and each reward line is points x
the class's coefficient x point value rounded down to the fen
(`staffing.pay.rounding`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from staffing.domain.enums import Tier
from staffing.errors import Invalid, Problem
from staffing.pay.codes import Fund, Line
from staffing.pay.data import fund_problem
from staffing.pay.explained import amount_term, explained, number_term, person_name
from staffing.pay.money import Yuan, fen_display
from staffing.pay.rules.base import Factor, PayParams, PayRule

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.data import PayData
    from staffing.pay.explained import ExplainedLine
    from staffing.pay.view import PayView

MAX_SHOWN = 20  # violations reported per class and line


class PerformanceParams(PayParams):
    basic_share: float = Field(0.3, ge=0, le=1)
    tier_coefficients: dict[Tier, float] = Field(
        default_factory=lambda: {Tier.COUNTY: 1.0, Tier.TOWNSHIP: 1.0, Tier.VILLAGE: 1.0})
    hardship_coefficients: list[float] = Field(
        default_factory=lambda: [1.0, 1.0, 1.0, 1.0], min_length=4, max_length=4)

    @field_validator("tier_coefficients")
    @classmethod
    def _positive_tiers(cls, value: dict[Tier, float]) -> dict[Tier, float]:
        if any(not 0 < v <= 20 for v in value.values()):
            raise Invalid("tier coefficients must be > 0 and <= 20", "层级系数须大于 0 且不超过 20",
                          expected="a number > 0 and <= 20", expected_zh="大于 0 且不大于 20 的数")
        return {tier: value.get(tier, 1.0) for tier in Tier}

    @field_validator("hardship_coefficients")
    @classmethod
    def _positive_hardship(cls, value: list[float]) -> list[float]:
        if any(not 0 < v <= 20 for v in value):
            raise Invalid("hardship coefficients must be > 0 and <= 20",
                          "艰苦边远系数须大于 0 且不超过 20",
                          expected="a number > 0 and <= 20", expected_zh="大于 0 且不大于 20 的数")
        return value


class Performance(PayRule[PerformanceParams]):
    name = "performance"
    label_zh = "绩效工资"
    label_en = "performance pay"
    description = "basic per head and reward by weighted points, one schedule per pay class"
    Params = PerformanceParams
    kind = "line"
    always_on = True

    def variable_lines(self) -> dict[Line, Fund]:
        return {Line.BASIC: Fund.PERFORMANCE, Line.REWARD: Fund.PERFORMANCE}

    def class_factors(self, tier: Tier, hardship: int) -> list[Factor]:
        return [Factor("tier_coefficient", f"{tier.zh}系数", f"{tier.value} coefficient",
                       self.params.tier_coefficients.get(tier, 1.0)),
                Factor("hardship_coefficient", f"艰苦边远系数（{hardship}类）",
                       f"hardship coefficient (class {hardship})",
                       self.params.hardship_coefficients[hardship])]

    def basic_share(self) -> float:
        return self.params.basic_share

    def validate(self, data: PayData) -> list[Problem]:
        if not data.pool.any():
            return []
        return fund_problem(data, Fund.PERFORMANCE, "basic and reward performance pay")

    def check(self, view: PayView) -> list[Violation]:
        data = view.data
        out = []
        basic, reward = view.amount(Line.BASIC), view.amount(Line.REWARD)
        outside = np.flatnonzero(~data.pool & ((basic != 0) | (reward != 0)))
        for i in outside:
            out.append(self.violation(
                f"{data.people[i]} is paid outside the pool ({data.kind[i].value}) but has "
                "performance lines from the pool", people=(data.people[i],)))
        for c in data.classes:
            out.extend(_basic_mismatches(self, view, c.index))
            value, found = view.class_value(self, c.index)
            out.extend(found)
            if value is None:
                continue
            m = c.members
            expected = data.weighted_line(c.index, value)
            for j in np.flatnonzero(reward[m] != expected)[:MAX_SHOWN]:
                i = m[j]
                out.append(self.violation(
                    f"{data.people[i]}: reward {fen_display(int(reward[i]))} is not points "
                    f"{data.points[i]:g} x coefficient {c.coefficient:g} x point value {value} "
                    f"= {fen_display(int(expected[j]))} (rounded down to the fen)",
                    amount=abs(int(reward[i] - expected[j])), people=(data.people[i],),
                    numbers={"reward_fen": int(reward[i]), "expected_fen": int(expected[j])}))
        return out


    def explain(self, view: PayView) -> list[ExplainedLine]:
        return weighted_lines(self, view, Line.REWARD, "点值", "point value") + [
            explained(*person_name(view.data, int(i)), Line.BASIC, "given", [amount_term(
                "basic_per_head", f"基础性绩效（{c.label_zh}，每人）",
                f"basic performance (class {c.label}, a head)", int(view.amount(Line.BASIC)[i]))],
                amount_fen=int(view.amount(Line.BASIC)[i]), fund=Fund.PERFORMANCE, rule=self.name)
            for c in view.data.classes for i in c.members]


def weighted_lines(rule: PayRule, view: PayView, line: Line, value_zh: str,
                   value_en: str) -> list[ExplainedLine]:
    """Each class member's ``line`` explained: points x post, tier, hardship x point value."""
    data = view.data
    values = view.surplus_point_value if line is Line.SURPLUS else view.point_value
    amounts = view.amount(line)
    out = []
    for c in data.classes:
        if line is Line.SURPLUS and not c.surplus:
            continue
        tier_terms = [
            number_term("post_coefficient", "岗位系数", "post coefficient", c.post_coefficient),
            *(number_term(f.name, f.zh, f.en, f.value) for f in c.factors),
        ]
        for i in c.members.tolist():
            terms = [number_term("points", "绩效积分", "points", float(data.points[i])),
                     *tier_terms,
                     number_term("point_value", value_zh, value_en, values[i] or 0)]
            out.append(explained(*person_name(data, i), line, "product", terms,
                                 amount_fen=int(amounts[i]), fund=data.line_fund.get(line),
                                 rule=rule.name))
    return out


def _basic_mismatches(rule: Performance, view: PayView, k: int) -> list[Violation]:
    """Members of class ``k`` whose basic line is not the class's one amount per head."""
    data = view.data
    c = data.classes[k]
    m = c.members
    basic = view.amount(Line.BASIC)[m]
    row = view.schedule.get(c.label)
    if row is not None:
        per_head = Yuan(row.basic).fen
    else:  # no schedule given: the amount most members carry
        values, counts = np.unique(basic, return_counts=True)
        per_head = int(values[np.argmax(counts)]) if len(values) else 0
    out = []
    for j in np.flatnonzero(basic != per_head)[:MAX_SHOWN]:
        out.append(rule.violation(
            f"{data.people[m[j]]}: basic performance {fen_display(int(basic[j]))} is not the "
            f"class {c.label} amount of {fen_display(per_head)} a head",
            amount=abs(int(basic[j]) - per_head), people=(data.people[m[j]],)))
    return out
