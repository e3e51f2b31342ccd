"""post_structure: senior posts at most, intermediate posts at least, a share of professional posts.

Counted per institution of the listed tiers, over people placed at
professional posts (grade other than none) [Chongqing: senior 10% -> 15%,
intermediate 40% -> 50% of a township centre's professional posts]. Senior
means associate senior or senior grade. With ``gp_exempt``, general
practitioners at senior posts do not count against the senior cap [Luohu].
Shares are compared in whole per-mille: 1000 x senior <= cap x professional.
``hard`` governs the senior cap; ``intermediate_floor_hard`` the floor (soft
by default: its shortfall counts in the soft-floor stage).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from staffing.domain.enums import Discipline, Tier, Title
from staffing.domain.instance import Institution, Instance
from staffing.rules.base import Placement, Rule, RuleParams, Violation

if TYPE_CHECKING:
    from staffing.allocation.model import AllocationModel


class PostStructureParams(RuleParams):
    tiers: list[Tier] = Field(default_factory=lambda: [Tier.TOWNSHIP], min_length=1)
    senior_max_share: float | None = Field(0.15, ge=0, le=1)
    intermediate_min_share: float | None = Field(0.5, ge=0, le=1)
    gp_exempt: bool = False
    intermediate_floor_hard: bool = False


def per_mille(share: float) -> int:
    return round(share * 1000)


class PostStructure(Rule):
    name = "post_structure"
    label_zh = "岗位结构比例"
    label_en = "post structure"
    description = "senior posts at most, intermediate posts at least, a share of professional posts"
    Params = PostStructureParams
    soft_capable = True

    def institutions(self, instance: Instance) -> list[Institution]:
        return [i for i in instance.institutions if i.tier in self.params.tiers]

    def counts(self, placement: Placement, institution_id: str) -> tuple[int, int, int]:
        """(professional, senior counted against the cap, intermediate) at one institution."""
        instance = placement.instance
        professional = senior = intermediate = 0
        for post in instance.posts_of_institution.get(institution_id, []):
            if not post.is_professional:
                continue
            holders = placement.holders(post.id)
            professional += len(holders)
            if post.grade.is_senior:
                senior += sum(1 for p in holders if not self.exempt(instance, p))
            elif post.grade is Title.INTERMEDIATE:
                intermediate += len(holders)
        return professional, senior, intermediate

    def exempt(self, instance: Instance, person_id: str) -> bool:
        return (
            self.params.gp_exempt
            and instance.person_by_id[person_id].discipline is Discipline.GENERAL_PRACTICE
        )

    def check(self, placement: Placement) -> list[Violation]:
        violations = []
        cap, floor = self.params.senior_max_share, self.params.intermediate_min_share
        for inst in self.institutions(placement.instance):
            professional, senior, intermediate = self.counts(placement, inst.id)
            numbers = {"professional": professional, "senior": senior, "intermediate": intermediate}
            if cap is not None and 1000 * senior > per_mille(cap) * professional:
                allowed = per_mille(cap) * professional // 1000
                violations.append(
                    Violation(
                        self.name,
                        f"{inst.id}: {senior} of {professional} professional staff at senior posts, "
                        f"above the {cap:.0%} cap (at most {allowed})",
                        hard=self.hard, amount=senior - allowed, institutions=(inst.id,),
                        numbers=numbers,
                    )
                )
            if floor is not None and 1000 * intermediate < per_mille(floor) * professional:
                needed = math.ceil(per_mille(floor) * professional / 1000)
                violations.append(
                    Violation(
                        self.name,
                        f"{inst.id}: {intermediate} of {professional} professional staff at "
                        f"intermediate posts, below the {floor:.0%} floor (at least {needed})",
                        hard=self.params.intermediate_floor_hard, amount=needed - intermediate,
                        institutions=(inst.id,), numbers=numbers,
                    )
                )
        return violations

    def emit(self, model: "AllocationModel") -> None:
        a = model.arrays
        cap, floor = self.params.senior_max_share, self.params.intermediate_min_share
        professional_post = a.post_grade > Title.NONE.level
        senior_post = a.post_grade >= Title.ASSOCIATE_SENIOR.level
        intermediate_post = a.post_grade == Title.INTERMEDIATE.level
        counted = ~a.is_gp if self.params.gp_exempt else np.ones(len(a.person_ids), dtype=bool)
        for inst in self.institutions(model.instance):
            professional = model.total(model.pairs_at_institution(inst.id, post_mask=professional_post))
            if cap is not None:
                senior = model.total(
                    model.pairs_at_institution(inst.id, post_mask=senior_post, person_mask=counted)
                )
                model.at_most(
                    self, ("senior", inst.id), 1000 * senior - per_mille(cap) * professional, 0,
                    unit="senior places", scale=1000, institutions=(inst.id,),
                    detail=f"{inst.id}: senior posts at most {cap:.0%} of professional posts",
                )
            if floor is not None:
                intermediate = model.total(
                    model.pairs_at_institution(inst.id, post_mask=intermediate_post)
                )
                model.at_least(
                    self, ("intermediate", inst.id),
                    1000 * intermediate - per_mille(floor) * professional, 0,
                    unit="intermediate places", scale=1000, institutions=(inst.id,),
                    hard=self.params.intermediate_floor_hard,
                    detail=f"{inst.id}: intermediate posts at least {floor:.0%} of professional posts",
                )

