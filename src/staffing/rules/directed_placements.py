"""directed_placements: people the organisation places this round are placed there.

The optional ``directed_placements`` table (指定岗位) lists people the
organisation directs this round to a post, or to an institution (any post
there the person may hold), with where the direction comes from. Year 1 of a
rotation plan is written in this form (``staffing rotation-plan`` writes
``directed_placements.csv``; ``staffing solve --rotation-plan`` reads the plan
directly). A directed person holds one of the posts directed to and no other
post; the checker verifies it like any rule. Without the table the rule does
nothing.
"""

from __future__ import annotations

import numpy as np

from staffing.domain.instance import Instance
from staffing.io.directed import directed_rows
from staffing.rules.base import PairRule, RuleModel, RuleParams


class DirectedPlacements(PairRule[RuleParams]):
    name = "directed_placements"
    label_zh = "组织指定岗位"
    label_en = "directed placements"
    description = "people the organisation places this round hold a post directed to"
    always_on = True

    def targets(self, instance: Instance) -> np.ndarray | None:
        """people x posts: the posts each directed person may hold (None without the table)."""
        found = directed_rows(instance)
        if not found:
            return None
        a = instance.arrays
        out = np.zeros((len(a.person_ids), len(a.post_ids)), dtype=bool)
        institution = np.array([instance.posts[j].institution for j in range(len(a.post_ids))])
        for row in found:
            i = a.person_index[row.person]
            if row.post is not None:
                out[i, a.post_index[row.post]] = True
            else:
                out[i] = institution == row.institution
        return out

    def directed_mask(self, instance: Instance) -> np.ndarray:
        a = instance.arrays
        mask = np.zeros(len(a.person_ids), dtype=bool)
        for row in directed_rows(instance):
            mask[a.person_index[row.person]] = True
        return mask

    def forbidden_pairs(self, instance: Instance) -> np.ndarray | None:
        targets = self.targets(instance)
        if targets is None:
            return None
        return self.directed_mask(instance)[:, None] & ~targets

    def directed_pairs(self, instance: Instance) -> np.ndarray | None:
        return self.targets(instance)

    def describe_forbidden(self, instance: Instance, person_id: str, post_id: str) -> str:
        row = next(r for r in directed_rows(instance) if r.person == person_id)
        source = f" ({row.source})" if row.source else ""
        return f"{person_id} is directed to {row.target} this round{source}, not {post_id}"

    def must_hold_post(self, instance: Instance) -> np.ndarray | None:
        return self.directed_mask(instance) if directed_rows(instance) else None

    def describe_unplaced(self, instance: Instance, person_id: str) -> str:
        row = next(r for r in directed_rows(instance) if r.person == person_id)
        return f"{person_id} is directed to {row.target} but holds no post"

    def emit(self, model: RuleModel) -> None:
        super().emit(model)
        for row in directed_rows(model.instance):
            i = model.arrays.person_index[row.person]
            model.at_least(self, ("placed", row.person), model.placed(i), 1, unit="people",
                           detail=f"{row.person} is placed at {row.target}",
                           people=(row.person,))
