"""family_doctor_subsidy: a subsidy per signed insured resident per year [Luohu: 120 yuan].

Paid to people at posts with a family-doctor team role (GP, nurse, public
health, health manager), for the signed residents attributed to them in
``pay_staff.signed_residents``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from staffing.domain.enums import TeamRole
from staffing.pay.codes import Fund, Line
from staffing.pay.explained import Kind, Term, amount_term, number_term
from staffing.pay.money import Money, Yuan
from staffing.pay.rules.base import FixedLine, FundParams

if TYPE_CHECKING:
    from staffing.pay.data import PayData


class FamilyDoctorSubsidyParams(FundParams):
    per_resident: Money = Yuan("120.00")
    roles: list[TeamRole] = Field(default_factory=lambda: [
        TeamRole.GP, TeamRole.NURSE, TeamRole.PUBLIC_HEALTH, TeamRole.HEALTH_MANAGER])
    fund: Fund = Fund.FAMILY_DOCTOR


class FamilyDoctorSubsidy(FixedLine[FamilyDoctorSubsidyParams]):
    name = "family_doctor_subsidy"
    label_zh = "家庭医生签约补助"
    label_en = "family-doctor team subsidy"
    description = "a subsidy per signed resident a year for family-doctor team members"
    Params = FamilyDoctorSubsidyParams
    line = Line.FAMILY_DOCTOR
    paid_as = "the family-doctor subsidy"

    def amounts(self, data: PayData) -> np.ndarray:
        per = Yuan(self.params.per_resident).fen
        roles = set(self.params.roles)
        posts = data.instance.post_by_id
        out = np.zeros(data.n, dtype=np.int64)
        for i, pid in enumerate(data.people):
            row = data.person_rows.get(pid)
            post = data.post[i]
            if row is not None and row.signed_residents and post is not None \
                    and posts[post].team_role in roles:
                out[i] = per * row.signed_residents
        return out

    def terms(self, data: PayData, i: int, fen: int) -> tuple[Kind, list[Term], str, str]:
        row = data.person_rows[data.people[i]]
        return "product", [
            number_term("signed_residents", "签约居民数", "signed residents", row.signed_residents),
            amount_term("per_resident", "每人补助", "yuan per resident",
                        Yuan(self.params.per_resident).fen)], "", ""
