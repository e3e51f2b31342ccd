"""capacity: a post holds at most its number of places."""

from __future__ import annotations

from staffing.domain.instance import Post
from staffing.rules.base import Around, Placement, Rule, RuleModel, RuleParams, Violation
from staffing.rules.moves import Moves, MovesEffect, bound_effect, key_changes


class Capacity(Rule[RuleParams]):
    name = "capacity"
    label_zh = "岗位数"
    label_en = "capacity"
    description = "a post holds at most its number of places"
    always_on = True

    def kept_by_deferred_acceptance(self) -> bool:
        return True

    def check(self, placement: Placement) -> list[Violation]:
        return self._check(placement, placement.instance.posts)

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        return self._check(placement, around.post_rows(placement.instance))

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect:
        """Unsure of the moves that leave a post they change over its places."""
        changed = moves.changed
        changes = key_changes(moves, placement.held, changed.post_before, changed.post_after)
        return bound_effect(moves, changes, None, placement.instance.arrays.places, True, True)

    def _check(self, placement: Placement, posts: list[Post]) -> list[Violation]:
        violations = []
        for post in posts:
            holders = placement.holders(post.id)
            if len(holders) > post.places:
                violations.append(
                    self.violation(
                        f"post {post.id} holds {len(holders)} people but has {post.places} places",
                        amount=len(holders) - post.places,
                        people=tuple(sorted(holders)),
                        posts=(post.id,),
                        numbers={"held": len(holders), "places": post.places},
                    )
                )
        return violations

    def emit(self, model: RuleModel) -> None:
        places = model.arrays.places
        for j, pairs in model.pairs_by_post():
            if len(pairs) <= places[j]:
                continue  # cannot be exceeded
            post_id = model.arrays.post_ids[j]
            model.at_most(
                self, ("post", post_id), model.total(pairs), int(places[j]), unit="places",
                detail=f"post {post_id} has {places[j]} places", posts=(post_id,),
            )
