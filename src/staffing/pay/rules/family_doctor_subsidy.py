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
from staffing.errors import Problem
from staffing.pay.codes import Fund, Line
from staffing.pay.data import fund_problem
from staffing.pay.money import Money, Yuan
from staffing.pay.rules.base import PayParams, PayRule

if TYPE_CHECKING:
    from staffing.pay.check import PayView
    from staffing.pay.data import PayData
    from staffing.rules.base import Violation


class FamilyDoctorSubsidyParams(PayParams):
    per_resident: Money = Yuan("120.00")
    roles: list[TeamRole] = Field(default_factory=lambda: [
        TeamRole.GP, TeamRole.NURSE, TeamRole.PUBLIC_HEALTH, TeamRole.HEALTH_MANAGER])
    fund: Fund = Fund.FAMILY_DOCTOR


class FamilyDoctorSubsidy(PayRule):
    name = "family_doctor_subsidy"
    label_zh = "家庭医生签约补助"
    label_en = "family-doctor team subsidy"
    description = "a subsidy per signed resident a year for family-doctor team members"
    Params = FamilyDoctorSubsidyParams
    kind = "line"

    def amounts(self, data: PayData) -> np.ndarray:
        per = Yuan(self.params.per_resident).fen  # type: ignore[attr-defined]
        roles = set(self.params.roles)  # type: ignore[attr-defined]
        posts = data.instance.post_by_id
        out = np.zeros(data.n, dtype=np.int64)
        for i, pid in enumerate(data.people):
            row = data.person_rows.get(pid)
            post = data.post[i]
            if row is not None and row.signed_residents and post is not None \
                    and posts[post].team_role in roles:
                out[i] = per * row.signed_residents
        return out

    def validate(self, data: PayData) -> list[Problem]:
        if not self.amounts(data).any():
            return []
        return fund_problem(data, self.params.fund, "the family-doctor subsidy")  # type: ignore[attr-defined]

    def entitlements(self, data: PayData) -> list[tuple[Line, Fund | None, np.ndarray]]:
        return [(Line.FAMILY_DOCTOR, self.params.fund, self.amounts(data))]  # type: ignore[attr-defined]

    def check(self, view: PayView) -> list[Violation]:
        return view.fixed_mismatches(self, (Line.FAMILY_DOCTOR,))
