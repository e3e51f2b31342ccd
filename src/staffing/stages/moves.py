"""moves: incumbents with a current post who do not hold it after the round."""

from __future__ import annotations

import numpy as np

from staffing.domain.objective import Stage
from staffing.rules.base import Placement
from staffing.stages.base import Minimise, ObjectiveStage, StageModel, sum_terms


class Moves(ObjectiveStage):
    name = Stage.MOVES
    label_zh = "离开原岗位的在岗人员数"
    label_en = "the number of incumbents moved from their post"
    short_zh = "岗位变动最少"
    short_en = "fewest moves"
    heading_zh = "调动人数"
    heading_en = "incumbents moved"

    def objectives(self, model: StageModel) -> list[Minimise]:
        a = model.arrays
        terms = []
        for i in np.flatnonzero(a.current_post >= 0):
            terms.append(1 - model.total(model.pairs_of_person_at(int(i), int(a.current_post[i]))))
        return [Minimise(sum_terms(terms), low=0, high=len(terms))]

    def value(self, placement: Placement, soft: int) -> int:
        current = placement.instance.arrays.current_post
        return int(np.sum((current >= 0) & (placement.post_index != current)))
