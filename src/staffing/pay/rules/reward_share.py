"""reward_share: reward performance pay is at least a share of the pool's performance pay.

[Guangdong]: the community sets the split between basic and reward
performance pay and should raise the reward share. Counted over the pool:
reward lines / (basic + reward lines) >= ``min_share``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from pydantic import Field

from staffing.pay.codes import Line
from staffing.pay.rules.base import LINE_MARGIN, PayParams, PayRule, Reach

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.model import PayModel
    from staffing.pay.view import PayView


class RewardShareParams(PayParams):
    min_share: float = Field(0.6, ge=0, le=1)


class RewardShare(PayRule[RewardShareParams]):
    name = "reward_share"
    label_zh = "奖励性绩效占比"
    label_en = "reward share"
    description = "reward performance pay at least a share of basic + reward performance pay"
    Params = RewardShareParams
    reach = Reach("min_share", "max", 0.0, "reward share floor", 0.01, "reward_share")

    def emit(self, model: PayModel) -> None:
        s = self.params.min_share
        basic, reward = model.performance_terms()
        terms = {v: (1 - s) * c for v, c in reward.items()}
        for v, c in basic.items():
            terms[v] = terms.get(v, 0.0) - s * c
        pool = int(model.data.pool.sum())
        model.add(self, "pool", (0.0, terms), ">=", LINE_MARGIN * pool,
                  detail=f"reward performance pay at least {s:.0%} of performance pay")

    def totals(self, view: PayView) -> tuple[int, int]:
        pool = view.data.pool
        return int(view.amount(Line.BASIC)[pool].sum()), int(view.amount(Line.REWARD)[pool].sum())

    def check(self, view: PayView) -> list[Violation]:
        basic, reward = self.totals(view)
        s = Fraction(str(self.params.min_share))
        if basic + reward <= 0 or reward >= s * (basic + reward):
            return []
        needed = s * (basic + reward)
        return [self.violation(
            f"reward performance pay is {reward / (basic + reward):.2%} of performance pay, "
            f"below the {float(s):.0%} floor", amount=int(needed - reward),
            numbers={"basic_fen": basic, "reward_fen": reward})]

    @classmethod
    def figures_when_off(cls, view: PayView) -> dict[str, Any]:
        return cls(cls.Params()).figures(view)

    def figures(self, view: PayView) -> dict[str, Any]:
        basic, reward = self.totals(view)
        share = reward / (basic + reward) if basic + reward else None
        return {"reward_share": None if share is None else round(share, 4)}
