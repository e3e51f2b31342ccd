"""post_structure: senior posts at most, intermediate posts at least, a share of professional posts.

Per institution of the listed tiers [Chongqing: senior 10% -> 15%,
intermediate 40% -> 50% of a township centre's professional posts]: the
people appointed to senior posts (associate senior or senior grade) may be at
most ``senior_max_share`` of the institution's professional places (posts of
any grade other than none), and the people at intermediate posts at least
``intermediate_min_share`` of them. The shares are of the approved posts, not
of the people placed, so the floor is met by filling intermediate posts and
never by leaving junior staff without a post. With ``gp_exempt``, general
practitioners at senior posts are appointed beyond the cap [Luohu]. Limits
are whole people: floor(cap x places) and ceil(floor x places), computed in
per-mille. ``hard`` governs the senior cap; ``intermediate_floor_hard`` the
floor (soft by default: its shortfall counts in the soft-floor stage).
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import Field

from staffing.domain.enums import Discipline, Tier, Title
from staffing.domain.instance import Instance, Institution
from staffing.rules.base import (
    Around,
    Placement,
    Rule,
    RuleModel,
    RuleParams,
    RulePart,
    Violation,
)
from staffing.rules.moves import Moves, MovesEffect, bound_effect, key_changes


class PostStructureParams(RuleParams):
    tiers: list[Tier] = Field(default_factory=lambda: [Tier.TOWNSHIP], min_length=1)
    senior_max_share: float | None = Field(0.15, ge=0, le=1)
    intermediate_min_share: float | None = Field(0.5, ge=0, le=1)
    gp_exempt: bool = False
    intermediate_floor_hard: bool = False


def per_mille(share: float) -> int:
    return round(share * 1000)


class PostStructure(Rule[PostStructureParams]):
    name = "post_structure"
    label_zh = "岗位结构比例"
    label_en = "post structure"
    description = "senior posts at most, intermediate posts at least, a share of professional posts"
    Params = PostStructureParams
    soft_capable = True

    def may_break_hard(self) -> bool:
        return self.hard or self.params.intermediate_floor_hard

    def parts(self) -> list[RulePart]:
        """The senior cap (``hard``) and the intermediate floor (``intermediate_floor_hard``),
        apart when their hardness differs."""
        cap, floor = self.params.senior_max_share, self.params.intermediate_min_share
        floor_hard = self.params.intermediate_floor_hard
        if cap is None or floor is None or floor_hard == self.hard:
            return [RulePart(floor_hard if cap is None else self.hard)]
        return [RulePart(self.hard, "senior cap", "高级岗位上限"),
                RulePart(floor_hard, "intermediate floor", "中级岗位下限")]

    def institutions(self, instance: Instance) -> list[Institution]:
        return [i for i in instance.institutions if i.tier in self.params.tiers]

    @staticmethod
    def professional_places(instance: Instance, institution_id: str) -> int:
        return sum(p.places for p in instance.posts_of_institution.get(institution_id, [])
                   if p.is_professional)

    def limits(self, professional: int) -> tuple[int | None, int | None]:
        """(most senior appointments, fewest intermediate appointments) for a number of places."""
        cap, floor = self.params.senior_max_share, self.params.intermediate_min_share
        most = per_mille(cap) * professional // 1000 if cap is not None else None
        fewest = math.ceil(per_mille(floor) * professional / 1000) if floor is not None else None
        return most, fewest

    def shares(self, placement: Placement) -> dict[str, dict[str, float | None]]:
        """Senior and intermediate shares of each institution's professional places."""
        out = {}
        for inst in self.institutions(placement.instance):
            professional, senior, intermediate = self.counts(placement, inst.id)
            out[inst.id] = {
                "senior": senior / professional if professional else None,
                "intermediate": intermediate / professional if professional else None,
            }
        return out

    def counts(self, placement: Placement, institution_id: str) -> tuple[int, int, int]:
        """(professional places, senior holders counted against the cap, intermediate holders)."""
        instance = placement.instance
        professional = self.professional_places(instance, institution_id)
        senior = intermediate = 0
        for post in instance.posts_of_institution.get(institution_id, []):
            if not post.is_professional:
                continue
            holders = placement.holders(post.id)
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
        return self._check(placement, self.institutions(placement.instance))

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        return self._check(placement, [i for i in around.institution_rows(placement.instance)
                                       if i.tier in self.params.tiers])

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect:
        """The senior and intermediate counts of the institutions the moves change."""
        instance, changed = placement.instance, moves.changed
        senior, intermediate, institution, most, fewest = self._arrays(instance)
        counted = ~instance.arrays.is_gp if self.params.gp_exempt else \
            np.ones(len(placement.post_index), dtype=bool)
        key = np.append(institution, -1)  # post -1: no institution
        effects = []
        for at_post, weight, low, high, hard in (
                (senior, counted, None, most, self.hard),
                (intermediate, None, fewest, None, self.params.intermediate_floor_hard)):
            held = np.append(at_post, False)
            index = placement.post_index
            who = np.ones(len(index), dtype=bool) if weight is None else weight
            placed = np.flatnonzero(held[index] & who & (key[index] >= 0))
            counts = np.bincount(key[index[placed]], minlength=len(most))
            mine = who[changed.who]
            changes = key_changes(moves, counts, key[changed.post_before],
                                  key[changed.post_after], held[changed.post_before] & mine,
                                  held[changed.post_after] & mine)
            effects.append(bound_effect(moves, changes, low, high, hard, hard))
        return MovesEffect(effects[0].soft + effects[1].soft,
                           effects[0].unsure | effects[1].unsure)

    def _arrays(self, instance: Instance) -> tuple[np.ndarray, ...]:
        """Per post: senior professional, intermediate professional, institution index (-1: not
        of the rule's tiers); per institution: most senior, fewest intermediate (no bound: a
        bound never reached)."""
        def build() -> tuple[np.ndarray, ...]:
            a = instance.arrays
            index = {k: n for n, k in enumerate(a.institution_ids)}
            most = np.full(len(index), np.iinfo(np.int64).max // 4, dtype=np.int64)
            fewest = np.zeros(len(index), dtype=np.int64)
            governed = np.zeros(len(index), dtype=bool)
            for inst in self.institutions(instance):
                high, low = self.limits(self.professional_places(instance, inst.id))
                governed[index[inst.id]] = True
                if high is not None:
                    most[index[inst.id]] = high
                if low is not None:
                    fewest[index[inst.id]] = low
            senior = np.asarray([p.is_professional and p.grade.is_senior for p in instance.posts],
                                dtype=bool)
            intermediate = np.asarray([p.is_professional and p.grade is Title.INTERMEDIATE
                                       for p in instance.posts], dtype=bool)
            institution = np.where(governed[a.post_institution], a.post_institution, -1)
            return senior, intermediate, institution, most, fewest

        return self.cached(instance, "move_arrays", build)

    def _check(self, placement: Placement, institutions: list[Institution]) -> list[Violation]:
        violations = []
        cap, floor = self.params.senior_max_share, self.params.intermediate_min_share
        for inst in institutions:
            professional, senior, intermediate = self.counts(placement, inst.id)
            most, fewest = self.limits(professional)
            numbers = {"professional_places": professional, "senior": senior,
                       "intermediate": intermediate}
            if most is not None and senior > most:
                violations.append(
                    Violation(
                        self.name,
                        f"{inst.id}: {senior} people at senior posts, above the {cap:.0%} cap "
                        f"of its {professional} professional places (at most {most})",
                        hard=self.hard, amount=senior - most, institutions=(inst.id,),
                        numbers=numbers,
                    )
                )
            if fewest is not None and intermediate < fewest:
                violations.append(
                    Violation(
                        self.name,
                        f"{inst.id}: {intermediate} people at intermediate posts, below the "
                        f"{floor:.0%} floor of its {professional} professional places "
                        f"(at least {fewest})",
                        hard=self.params.intermediate_floor_hard, amount=fewest - intermediate,
                        institutions=(inst.id,), numbers=numbers,
                    )
                )
        return violations

    def emit(self, model: RuleModel) -> None:
        a = model.arrays
        senior_post = a.post_grade >= Title.ASSOCIATE_SENIOR.level
        intermediate_post = a.post_grade == Title.INTERMEDIATE.level
        counted = ~a.is_gp if self.params.gp_exempt else np.ones(len(a.person_ids), dtype=bool)
        for inst in self.institutions(model.instance):
            most, fewest = self.limits(self.professional_places(model.instance, inst.id))
            if most is not None:
                senior = model.total(
                    model.pairs_at_institution(inst.id, post_mask=senior_post, person_mask=counted)
                )
                model.at_most(
                    self, ("senior", inst.id), senior, most, unit="senior appointments",
                    institutions=(inst.id,),
                    detail=f"{inst.id}: at most {most} people at senior posts "
                    f"({self.params.senior_max_share:.0%} of its professional places)",
                )
            if fewest is not None:
                intermediate = model.total(
                    model.pairs_at_institution(inst.id, post_mask=intermediate_post)
                )
                model.at_least(
                    self, ("intermediate", inst.id), intermediate, fewest,
                    unit="intermediate appointments", institutions=(inst.id,),
                    hard=self.params.intermediate_floor_hard,
                    detail=f"{inst.id}: at least {fewest} people at intermediate posts "
                    f"({self.params.intermediate_min_share:.0%} of its professional places)",
                )
