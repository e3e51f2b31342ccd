"""graduate_subsidy: a living subsidy for graduates joining grassroots centres, paid over years.

[Luohu]: graduates with a residency-training certificate who join community
health centres get 250,000 / 300,000 / 350,000 yuan (bachelor / master /
doctorate), paid over 5 years. The instalment of a year is the total split
into ``years`` parts exact to the fen (the first parts carry any odd fen), so
the instalments add up to the total. The first year is
``pay_staff.graduate_start_year``, else the hire year; a person is paid while
placed at a tier in ``tiers``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from staffing.domain.enums import Education, Tier
from staffing.pay.codes import Fund, Line
from staffing.pay.data import TIERS
from staffing.pay.explained import Kind, Term, amount_term
from staffing.pay.money import Money, Yuan, fen_display, instalments
from staffing.pay.rules.base import FixedLine, FundParams

if TYPE_CHECKING:
    from staffing.pay.data import PayData


def _luohu_totals() -> dict[Education, Decimal]:
    """[Luohu] bachelor / master / doctorate."""
    return {Education.BACHELOR: Yuan("250000.00"), Education.MASTER: Yuan("300000.00"),
            Education.DOCTORATE: Yuan("350000.00")}


class GraduateSubsidyParams(FundParams):
    totals: dict[Education, Money] = Field(default_factory=_luohu_totals)
    years: int = Field(5, ge=1, le=10)
    tiers: list[Tier] = Field(default_factory=lambda: [Tier.TOWNSHIP, Tier.VILLAGE], min_length=1)
    residency_certificate: bool = True
    fund: Fund = Fund.GRADUATE


class GraduateSubsidy(FixedLine[GraduateSubsidyParams]):
    name = "graduate_subsidy"
    label_zh = "毕业生生活补助"
    label_en = "graduate living subsidy"
    description = "a total by degree for graduates joining grassroots centres, paid over years"
    Params = GraduateSubsidyParams
    line = Line.GRADUATE
    paid_as = "the graduate living subsidy"

    def amounts(self, data: PayData) -> np.ndarray:
        p = self.params
        tiers = {TIERS.index(t) for t in p.tiers}
        staff = data.instance.person_by_id
        out = np.zeros(data.n, dtype=np.int64)
        for i, pid in enumerate(data.people):
            person = staff[pid]
            total = p.totals.get(person.education)
            if total is None or int(data.tier[i]) not in tiers:
                continue
            if p.residency_certificate and not person.residency_certificate:
                continue
            row = data.person_rows.get(pid)
            start = row.graduate_start_year if row is not None and row.graduate_start_year \
                else person.hire_year
            if start is None:
                continue
            k = data.year - int(start)
            if 0 <= k < p.years:
                out[i] = instalments(Yuan(total).fen, p.years)[k]
        return out

    def terms(self, data: PayData, i: int, fen: int) -> tuple[Kind, list[Term], str, str]:
        person = data.instance.person_by_id[data.people[i]]
        total = Yuan(self.params.totals[person.education])
        row = data.person_rows.get(data.people[i])
        start = row.graduate_start_year if row is not None and row.graduate_start_year \
            else person.hire_year
        k = data.year - int(start or data.year) + 1
        years = self.params.years
        return "given", [amount_term(
            "instalment", f"毕业生生活补助（{person.education.zh} {fen_display(total.fen)} 元分 "
            f"{years} 年，第 {k} 期）", f"graduate living subsidy ({person.education.value}: "
            f"{fen_display(total.fen)} over {years} years, instalment {k})", fen)], "", ""
