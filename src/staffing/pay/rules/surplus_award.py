"""surplus_award: the retained insurance surplus, earmarked for grassroots performance rewards.

[Nanxun]: the community keeps what it saves of its insurance global budget and
the retained surplus goes to grassroots performance rewards. Each person of a
grassroots pay class (tiers in ``tiers``) gets weighted points x the class's
surplus point value, from the ``surplus`` fund; nobody else gets any.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from staffing.domain.enums import Tier
from staffing.errors import Invalid, Problem
from staffing.pay.codes import Fund, Line
from staffing.pay.data import fund_problem
from staffing.pay.money import fen_display
from staffing.pay.rules.base import PayParams, PayRule
from staffing.pay.rules.performance import weighted_lines

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.data import PayData
    from staffing.pay.explained import ExplainedLine
    from staffing.pay.view import PayView


class SurplusAwardParams(PayParams):
    tiers: list[Tier] = Field(default_factory=lambda: [Tier.TOWNSHIP, Tier.VILLAGE], min_length=1)
    fund: Fund = Fund.SURPLUS

    @field_validator("tiers")
    @classmethod
    def _grassroots_only(cls, tiers: list[Tier]) -> list[Tier]:
        if Tier.COUNTY in tiers:
            raise Invalid("the surplus is earmarked for grassroots: county tier not allowed",
                          "结余资金专用于基层：不能包含县级", expected="township, village",
                          expected_zh="township（乡镇）、village（村级）")
        return tiers


class SurplusAward(PayRule[SurplusAwardParams]):
    name = "surplus_award"
    label_zh = "医保结余奖励"
    label_en = "insurance-surplus award"
    description = "the retained insurance surplus paid as grassroots rewards by weighted points"
    Params = SurplusAwardParams
    kind = "line"

    def variable_lines(self) -> dict[Line, Fund]:
        return {Line.SURPLUS: self.params.fund}

    def surplus_class(self, tier: Tier) -> bool:
        return tier in self.params.tiers

    def validate(self, data: PayData) -> list[Problem]:
        return fund_problem(data, self.params.fund, "the insurance-surplus award")

    def check(self, view: PayView) -> list[Violation]:
        data = view.data
        surplus = view.amount(Line.SURPLUS)
        eligible = np.zeros(data.n, dtype=bool)
        for c in data.classes:
            if c.surplus:
                eligible[c.members] = True
        out = []
        for i in np.flatnonzero((surplus != 0) & ~eligible):
            out.append(self.violation(
                f"{data.people[i]} at {data.institution[i]} is not grassroots staff of the pool "
                f"but gets {surplus[i] / 100:.2f} yuan of the earmarked surplus",
                amount=int(surplus[i]), people=(data.people[i],)))
        for c in data.classes:
            if not c.surplus:
                continue
            value, found = view.class_value(self, c.index, surplus=True)
            out.extend(found)
            if value is None:
                continue
            m = c.members
            expected = data.weighted_line(c.index, value)
            for j in np.flatnonzero(surplus[m] != expected)[:20]:
                i = m[j]
                out.append(self.violation(
                    f"{data.people[i]}: surplus award {fen_display(int(surplus[i]))} is not "
                    f"points {data.points[i]:g} x coefficient {c.coefficient:g} x {value} = "
                    f"{fen_display(int(expected[j]))} (rounded down to the fen)",
                    amount=abs(int(surplus[i] - expected[j])), people=(data.people[i],)))
        return out

    def explain(self, view: PayView) -> list[ExplainedLine]:
        return weighted_lines(self, view, Line.SURPLUS, "结余点值", "surplus point value")
