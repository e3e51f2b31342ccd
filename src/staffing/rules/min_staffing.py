"""min_staffing: a post, or an institution, has at least its floor of people."""

from __future__ import annotations

import numpy as np

from staffing.domain.instance import Institution, Post
from staffing.rules.base import Around, Placement, Rule, RuleModel, RuleParams, Violation
from staffing.rules.moves import Moves, MovesEffect, bound_effect, key_changes


class MinStaffingParams(RuleParams):
    hard: bool = False


class MinStaffing(Rule[MinStaffingParams]):
    name = "min_staffing"
    label_zh = "最低配员"
    label_en = "minimum staffing"
    description = "a post or an institution has at least its floor of people"
    Params = MinStaffingParams
    soft_capable = True

    def check(self, placement: Placement) -> list[Violation]:
        return self._check(placement, placement.instance.posts, placement.instance.institutions)

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        return self._check(placement, around.post_rows(placement.instance),
                           around.institution_rows(placement.instance))

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect:
        """The floors of the posts and institutions whose head count the moves change."""
        a = placement.instance.arrays
        changed = moves.changed
        posts = key_changes(moves, placement.held, changed.post_before, changed.post_after)
        by_post = bound_effect(moves, posts, a.post_floor, None, self.hard, self.hard)
        placed = placement.post_index[placement.post_index >= 0]
        staff = np.bincount(a.post_institution[placed], minlength=len(a.institution_ids))
        institution = np.append(a.post_institution, -1)  # post -1: no institution
        at = key_changes(moves, staff, institution[changed.post_before],
                         institution[changed.post_after])
        floors = placement.instance.cached(("institution_floors",), lambda: np.asarray(
            [placement.instance.institution_by_id[k].floor for k in a.institution_ids],
            dtype=np.int64))
        by_institution = bound_effect(moves, at, floors, None, self.hard, self.hard)
        return MovesEffect(by_post.soft + by_institution.soft,
                           by_post.unsure | by_institution.unsure)

    def _check(self, placement: Placement, posts: list[Post],
               institutions: list[Institution]) -> list[Violation]:
        violations = []
        for post in posts:
            held = len(placement.holders(post.id))
            if held < post.floor:
                violations.append(
                    self.violation(
                        f"post {post.id} holds {held}, below its floor of {post.floor}",
                        amount=post.floor - held, posts=(post.id,),
                        numbers={"held": held, "floor": post.floor},
                    )
                )
        for inst in institutions:
            held = len(placement.staff_at.get(inst.id, []))
            if held < inst.floor:
                violations.append(
                    self.violation(
                        f"institution {inst.id} has {held} staff, below its floor of {inst.floor}",
                        amount=inst.floor - held, institutions=(inst.id,),
                        numbers={"held": held, "floor": inst.floor},
                    )
                )
        return violations

    def emit(self, model: RuleModel) -> None:
        floors = model.arrays.post_floor
        for j, pairs in model.pairs_by_post():
            if floors[j] > 0:
                post_id = model.arrays.post_ids[j]
                model.at_least(
                    self, ("post", post_id), model.total(pairs), int(floors[j]), unit="people",
                    detail=f"post {post_id} needs at least {floors[j]}", posts=(post_id,),
                )
        for inst in model.instance.institutions:
            if inst.floor > 0:
                model.at_least(
                    self, ("institution", inst.id),
                    model.total(model.pairs_at_institution(inst.id)),
                    inst.floor, unit="people",
                    detail=f"institution {inst.id} needs at least {inst.floor} staff",
                    institutions=(inst.id,),
                )
