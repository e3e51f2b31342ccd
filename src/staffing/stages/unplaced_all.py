"""unplaced_all: everyone left without a post, new recruits and city-dispatched staff included.

Not in the default order: a policy lists it to place as many people as
possible (with hard stability: the largest weakly stable roster).
"""

from __future__ import annotations

import numpy as np

from staffing.domain.objective import Stage
from staffing.rules.base import Placement
from staffing.stages.base import Minimise, ObjectiveStage, StageModel, sum_terms


class UnplacedAll(ObjectiveStage):
    name = Stage.UNPLACED_ALL
    label_zh = "未安排岗位的人数（含新招录人员）"
    label_en = "the number of people left without a post, new recruits included"
    short_zh = "人人有岗位"
    short_en = "everyone placed"
    heading_zh = "未安置人员（含新招录）"
    heading_en = "people without a post, recruits included"

    def objectives(self, model: StageModel) -> list[Minimise]:
        everyone = range(len(model.arrays.person_ids))
        return [Minimise(sum_terms([1 - model.placed(i) for i in everyone]),
                         low=0, high=len(model.arrays.person_ids))]

    def value(self, placement: Placement, soft: int) -> int:
        return int(np.sum(placement.post_index < 0))
