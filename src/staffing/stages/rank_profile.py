"""rank_profile: most first choices, then most second choices, ...

Minimises, lexicographically, minus the number of people at each rank (ranks
nobody can get are skipped): one weighted objective when the weights fit
comfortably in 64 bits, otherwise one sub-stage per rank (``sub`` = the rank).
Its value is the list of counts, rank 1 first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from staffing.domain.objective import Stage
from staffing.domain.pairs import PairKind
from staffing.domain.ranking import ChoiceTable
from staffing.rules.base import Placement
from staffing.stages import base as stage_base
from staffing.stages.base import Minimise, ObjectiveStage, StageModel, sum_terms


def rank_pairs(model: StageModel) -> list[np.ndarray]:
    """The choice pairs at rank r, r = 1..max_choices."""
    p = model.pairs
    return [np.flatnonzero((p.kind == PairKind.CHOICE) & (p.choice_rank == rank))
            for rank in range(1, model.policy.max_choices + 1)]


class RankProfile(ObjectiveStage):
    name = Stage.RANK_PROFILE
    label_zh = "各志愿录取人数"
    label_en = "the number of people given their choices"
    short_zh = "志愿录取"
    short_en = "choices given"
    heading_zh = "各志愿录取人数"
    heading_en = "people at choice 1, 2, ..."

    def objectives(self, model: StageModel) -> list[Minimise]:
        by_rank = [pairs for pairs in rank_pairs(model) if len(pairs)]
        applicants = max(1, len(model.instance.choices_of))
        base = applicants + 1
        weights = [base ** (len(by_rank) - 1 - r) for r in range(len(by_rank))]
        if not weights or weights[0] * applicants < stage_base.MAX_WEIGHT:
            expr = sum_terms([-w * model.total(pairs) for w, pairs in zip(weights, by_rank)])
            return [Minimise(expr, parts=by_rank)]
        ranks = [r for r, pairs in enumerate(rank_pairs(model), start=1) if len(pairs)]
        return [Minimise(-model.total(pairs), sub=r) for r, pairs in zip(ranks, by_rank)]

    def value(self, placement: Placement, soft: int) -> list[int]:
        """People placed at their 1st, 2nd, ... choice."""
        policy = placement.policy
        table = ChoiceTable.of(placement.instance, policy)
        got = placement.post_index[table.person] == table.post
        counts = np.bincount(table.position[got], minlength=policy.max_choices + 1)
        return [int(c) for c in counts[1 : policy.max_choices + 1]]

    def objective_of(self, value: Any, sub: int | None = None) -> int | None:
        """A rank solved on its own minimises minus the people at that rank; the weighted
        profile's weights depend on the ranks the model holds, so it is not told here."""
        return -int(value[sub - 1]) if sub is not None and value else None

    def worse(self, before: Any, after: Any) -> bool:
        """Fewer people at the first rank where the two differ."""
        return list(after) < list(before)

    def change(self, before: Any, after: Any, lang: str) -> str:
        """The change at the first rank where the counts differ."""
        k = next((i for i, (b, a) in enumerate(zip(before, after)) if b != a), 0)
        b, a = before[k], after[k]
        return (f"获第{k + 1}志愿的人数将由{b}人变为{a}人" if lang == "zh" else
                f"the number of people given their choice {k + 1} would go from {b} to {a}")
