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

The check: within a pay class every basic line is the same amount (to the
fen), every person carries the class's point value, and each reward line is
weighted points x point value to the fen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from staffing.domain.enums import Tier
from staffing.errors import Invalid, Problem
from staffing.pay.codes import Fund, Line
from staffing.pay.data import fund_problem
from staffing.pay.rules.base import PayParams, PayRule

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.data import PayData
    from staffing.pay.view import PayView

TOLERANCE_FEN = 1.0  # a rounded line moves by less than one fen


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

    def class_coefficient(self, coefficient: float, tier: Tier, hardship: int) -> float:
        return (coefficient * self.params.tier_coefficients.get(tier, 1.0)
                * self.params.hardship_coefficients[hardship])

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
            m = c.members
            if c.n and int(basic[m].max()) - int(basic[m].min()) > 1:
                lo, hi = int(np.argmin(basic[m])), int(np.argmax(basic[m]))
                out.append(self.violation(
                    f"class {c.label}: basic performance differs by more than a fen between "
                    f"{data.people[m[lo]]} and {data.people[m[hi]]}",
                    amount=int(basic[m].max() - basic[m].min()),
                    people=(data.people[m[lo]], data.people[m[hi]])))
            values = view.point_value[m]
            if c.n and np.ptp(values) > 1e-9 * max(1.0, abs(float(values.max()))):
                out.append(self.violation(
                    f"class {c.label}: members carry different point values "
                    f"({float(values.min())} to {float(values.max())})",
                    people=tuple(data.people[i] for i in m[:5])))
                continue
            expected = values * data.weight[m] * 100
            tolerance = TOLERANCE_FEN + 1e-6 * np.abs(expected) + 1e-8
            off = np.flatnonzero(np.abs(reward[m] - expected) > tolerance)
            for j in off[:20]:
                i = m[j]
                out.append(self.violation(
                    f"{data.people[i]}: reward {reward[i] / 100:.2f} is not weighted points "
                    f"{data.weight[i]:.4f} x point value {values[j]} = {expected[j] / 100:.4f}",
                    people=(data.people[i],),
                    numbers={"reward_fen": int(reward[i]), "expected_fen": float(expected[j])}))
        return out
