"""rotation_before_senior: a promotion candidate without a year at grassroots serves there
this cycle.

A health professional must work one continuous year at grassroots before
promotion to associate senior title [Guangdong]. A promotion candidate with
fewer than ``min_months`` continuous grassroots months is placed at a post of
one of ``tiers`` this cycle: never at another tier, and never left without a
post.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from staffing.domain.arrays import TIERS
from staffing.domain.enums import Tier
from staffing.domain.instance import Instance
from staffing.rules.base import PairRule, RuleModel, RuleParams


class RotationParams(RuleParams):
    min_months: int = Field(12, ge=0)
    tiers: list[Tier] = Field(default_factory=lambda: [Tier.TOWNSHIP, Tier.VILLAGE], min_length=1)


class RotationBeforeSenior(PairRule[RotationParams]):
    name = "rotation_before_senior"
    label_zh = "晋升副高前基层服务"
    label_en = "rotation before associate senior"
    description = "a promotion candidate without enough grassroots months is placed at grassroots"
    Params = RotationParams

    def bound_mask(self, instance: Instance) -> np.ndarray:
        a = instance.arrays
        return a.promotion & (a.months < self.params.min_months)

    def allowed_posts(self, instance: Instance) -> np.ndarray:
        return np.isin(instance.arrays.post_tier, [TIERS.index(t) for t in self.params.tiers])

    def forbidden_pairs(self, instance: Instance) -> np.ndarray:
        return self.cached(instance, "forbidden", lambda: self._forbidden(instance))

    def _forbidden(self, instance: Instance) -> np.ndarray:
        return self.bound_mask(instance)[:, None] & ~self.allowed_posts(instance)[None, :]

    def directed_pairs(self, instance: Instance) -> np.ndarray:
        """A rotation-bound candidate may be directed to any post of the allowed tiers."""
        return self.bound_mask(instance)[:, None] & self.allowed_posts(instance)[None, :]

    def describe_forbidden(self, instance: Instance, person_id: str, post_id: str) -> str:
        person = instance.person_by_id[person_id]
        tier = instance.tier_of_post(post_id).value
        return (
            f"{person_id} is a promotion candidate with {person.grassroots_months} of the "
            f"{self.params.min_months} grassroots months required, so may not hold {post_id} "
            f"({tier} tier) this cycle"
        )

    def must_hold_post(self, instance: Instance) -> np.ndarray:
        return self.bound_mask(instance)

    def describe_unplaced(self, instance: Instance, person_id: str) -> str:
        person = instance.person_by_id[person_id]
        return (f"{person_id} is a promotion candidate with {person.grassroots_months} "
                f"grassroots months and must be placed at "
                f"{' or '.join(t.value for t in self.params.tiers)} tier, but holds no post")

    def emit(self, model: RuleModel) -> None:
        super().emit(model)
        for i in np.flatnonzero(self.bound_mask(model.instance)):
            person_id = model.arrays.person_ids[i]
            model.at_least(
                self, ("placed", person_id), model.placed(i), 1, unit="people",
                detail=f"promotion candidate {person_id} is placed at "
                f"{' or '.join(t.value for t in self.params.tiers)} tier", people=(person_id,),
            )
