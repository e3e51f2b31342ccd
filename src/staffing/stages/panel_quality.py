"""panel_quality: the sum of panel ranks of people placed at one of their choices (lower is
better)."""

from __future__ import annotations

import numpy as np

from staffing.domain.objective import Stage
from staffing.domain.pairs import PairKind
from staffing.domain.ranking import ChoiceTable
from staffing.rules.base import Placement
from staffing.stages.base import Minimise, ObjectiveStage, StageModel


def one_each_high(people: np.ndarray, weights: np.ndarray) -> int:
    """Largest weighted sum of pairs when each person holds at most one (weights >= 0)."""
    if not len(people):
        return 0
    best = np.zeros(int(people.max()) + 1, dtype=np.int64)
    np.maximum.at(best, people, weights.astype(np.int64))
    return int(best.sum())


class PanelQuality(ObjectiveStage):
    name = Stage.PANEL_QUALITY
    label_zh = "获志愿人员的评审名次之和（越小越好）"
    label_en = "the sum of the panel ranks of people placed at a choice (lower is better)"
    short_zh = "评审名次"
    short_en = "panel ranks"
    heading_zh = "评审排名和"
    heading_en = "panel rank sum"

    def objectives(self, model: StageModel) -> list[Minimise]:
        p = model.pairs
        choice = np.flatnonzero(p.kind == PairKind.CHOICE)
        return [Minimise(model.weighted(choice, p.panel[choice]),
                         low=0, high=one_each_high(p.person[choice], p.panel[choice]))]

    def value(self, placement: Placement, soft: int) -> int:
        table = ChoiceTable.of(placement.instance, placement.policy)
        got = placement.post_index[table.person] == table.post
        return int(table.rank[got].sum())
