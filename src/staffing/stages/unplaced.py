"""unplaced: incumbents left without a post."""

from __future__ import annotations

import numpy as np

from staffing.domain.objective import Stage
from staffing.domain.without_post import GROUPS
from staffing.rules.base import Placement
from staffing.stages.base import Minimise, ObjectiveStage, StageModel, sum_terms


class Unplaced(ObjectiveStage):
    name = Stage.UNPLACED
    label_zh = "未安排岗位的在岗人员数"
    label_en = "the number of incumbents left without a post"
    short_zh = "在岗人员均有岗位"
    short_en = "incumbents placed"
    heading_en, heading_zh = GROUPS["incumbents"]

    def objectives(self, model: StageModel) -> list[Minimise]:
        incumbents = np.flatnonzero(model.arrays.incumbent)
        return [Minimise(sum_terms([1 - model.placed(int(i)) for i in incumbents]),
                         low=0, high=len(incumbents))]

    def value(self, placement: Placement, soft: int) -> int:
        return int(np.sum(placement.instance.arrays.incumbent & (placement.post_index < 0)))
