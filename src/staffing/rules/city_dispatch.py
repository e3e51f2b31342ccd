"""city_dispatch: staff sent by city hospitals are placed in community posts.

Each year a city hospital sends staff of intermediate title or above to a
county community for at least one year [Chongqing]. Each dispatched person
must be placed, at a post of ``tiers``; the instance must show them with at
least ``min_title`` and ``min_months`` of dispatch.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from staffing.domain.arrays import TIERS
from staffing.domain.enums import Tier, Title
from staffing.domain.instance import Instance
from staffing.errors import Problem
from staffing.rules.base import PairRule, RuleModel, RuleParams


class CityDispatchParams(RuleParams):
    min_title: Title = Title.INTERMEDIATE
    min_months: int = Field(12, ge=0)
    tiers: list[Tier] = Field(default_factory=lambda: [Tier.COUNTY, Tier.TOWNSHIP], min_length=1)


class CityDispatch(PairRule[CityDispatchParams]):
    name = "city_dispatch"
    label_zh = "市聘县用"
    label_en = "city dispatch"
    description = "staff sent by city hospitals are placed in community posts"
    Params = CityDispatchParams

    def allowed_posts(self, instance: Instance) -> np.ndarray:
        return np.isin(instance.arrays.post_tier, [TIERS.index(t) for t in self.params.tiers])

    def forbidden_pairs(self, instance: Instance) -> np.ndarray:
        return self.cached(instance, "forbidden", lambda: self._forbidden(instance))

    def _forbidden(self, instance: Instance) -> np.ndarray:
        return instance.arrays.dispatched[:, None] & ~self.allowed_posts(instance)[None, :]

    def directed_pairs(self, instance: Instance) -> np.ndarray:
        """A dispatched person may be directed to any post of the allowed tiers."""
        return instance.arrays.dispatched[:, None] & self.allowed_posts(instance)[None, :]

    def describe_forbidden(self, instance: Instance, person_id: str, post_id: str) -> str:
        return (
            f"{person_id} is dispatched by a city hospital and may only hold "
            f"{'/'.join(t.value for t in self.params.tiers)}-tier posts, not {post_id}"
        )

    def must_hold_post(self, instance: Instance) -> np.ndarray:
        return instance.arrays.dispatched

    def describe_unplaced(self, instance: Instance, person_id: str) -> str:
        return f"city-dispatched {person_id} holds no post"

    def validate_instance(self, instance: Instance) -> list[Problem]:
        problems = []
        for index, person in enumerate(instance.staff):
            if not person.city_dispatched:
                continue
            source, row = instance.locate("staff", index)
            if person.title.level < self.params.min_title.level:
                problems.append(
                    Problem(source, f"city-dispatched {person.id} is below the required title",
                            kind="dispatch_title", row=row, column="title",
                            value=person.title.value,
                            expected=f"{self.params.min_title.value} or above",
                            message_zh=f"市级下派人员 {person.id} 的职称低于要求",
                            expected_zh=f"{self.params.min_title.zh}及以上")
                )
            if person.dispatch_months < self.params.min_months:
                problems.append(
                    Problem(source, f"city dispatch of {person.id} is too short",
                            kind="dispatch_months", row=row, column="dispatch_months",
                            value=person.dispatch_months,
                            expected=f"at least {self.params.min_months} months",
                            message_zh=f"{person.id} 的市级下派时间太短",
                            expected_zh=f"至少 {self.params.min_months} 个月")
                )
        return problems

    def emit(self, model: RuleModel) -> None:
        super().emit(model)
        for i in np.flatnonzero(model.arrays.dispatched):
            person_id = model.arrays.person_ids[i]
            model.at_least(
                self, ("placed", person_id), model.placed(i), 1, unit="people",
                detail=f"city-dispatched {person_id} holds a post", people=(person_id,),
            )
