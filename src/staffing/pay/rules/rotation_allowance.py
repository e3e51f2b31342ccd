"""rotation_allowance: a yearly allowance for people rotated from a county post to grassroots.

A person is rotated when their home post (``pay_staff.home_post``, else their
current post) is at county tier and the roster places them at a township or
village post. The amount depends on the tier they serve at. Guangdong and
Chongqing encourage sinking staff to grassroots with allowances; the amounts
in the policy models are local assumptions, not figures from the sources.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from staffing.domain.enums import Tier
from staffing.pay.codes import Fund, Line
from staffing.pay.data import TIERS
from staffing.pay.explained import Kind, Term, amount_term
from staffing.pay.money import Money, Yuan
from staffing.pay.rules.base import FixedLine, FundParams

if TYPE_CHECKING:
    from staffing.pay.data import PayData


def _default_annual() -> dict[Tier, Decimal]:
    return {Tier.TOWNSHIP: Yuan("6000.00"), Tier.VILLAGE: Yuan("9000.00")}


class RotationAllowanceParams(FundParams):
    annual: dict[Tier, Money] = Field(default_factory=_default_annual)
    fund: Fund = Fund.PERFORMANCE


class RotationAllowance(FixedLine[RotationAllowanceParams]):
    name = "rotation_allowance"
    label_zh = "下沉补助"
    label_en = "grassroots allowance for rotated staff"
    description = "a yearly allowance by tier for people rotated from a county post to grassroots"
    Params = RotationAllowanceParams
    line = Line.ALLOWANCE
    paid_as = "the grassroots allowance"

    def amounts(self, data: PayData) -> np.ndarray:
        annual = self.params.annual
        by_tier = np.array([Yuan(annual.get(t, Decimal(0))).fen for t in TIERS], dtype=np.int64)
        out = np.zeros(data.n, dtype=np.int64)
        rotated = np.flatnonzero(data.rotated)
        out[rotated] = by_tier[data.tier[rotated]]
        return out

    def terms(self, data: PayData, i: int, fen: int) -> tuple[Kind, list[Term], str, str]:
        tier, home = TIERS[int(data.tier[i])], data.home_post[i]
        return "given", [amount_term("allowance", f"下沉补助（{tier.zh}，自 {home} 下沉）",
                                     f"grassroots allowance ({tier.value}, rotated from {home})",
                                     fen)], "", ""
