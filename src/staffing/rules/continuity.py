"""continuity: people who did not apply stay where they are unless a hard rule needs them elsewhere.

A person with a current post who gave no choices keeps it: the continuity
stage (first in the usual objective order) counts such people moved, so they
move only when a hard rule cannot otherwise hold. They also hold tenure at
their post (see `staffing.domain.ranking`). With ``fallback_to_current_post``,
an applicant who wins none of their choices may stay at their current post.
With ``directed_scope`` = area, the organisation may direct an incumbent to
an eligible post in their own area (their institution, or their township
centre with its villages) when a rule needs it; ``none`` never directs.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np

from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.rules.base import Around, Placement, Rule, RuleModel, RuleParams, Violation
from staffing.rules.moves import Moves, MovesEffect, person_effect


class ContinuityParams(RuleParams):
    hard: bool = False
    fallback_to_current_post: bool = True
    directed_scope: Literal["area", "none"] = "area"


class Continuity(Rule[ContinuityParams]):
    name = "continuity"
    label_zh = "未报名人员原岗留任"
    label_en = "continuity"
    description = ("people who did not apply stay at their post unless a hard rule needs them "
                   "elsewhere")
    Params = ContinuityParams
    soft_capable = True
    stage: ClassVar[Stage] = Stage.CONTINUITY
    grants_tenure = True

    def current_post_fallback(self) -> bool:
        return self.params.fallback_to_current_post

    @staticmethod
    def stayers(instance: Instance) -> list[str]:
        """Incumbents with a current post who gave no choices."""
        return [
            p.id for p in instance.staff
            if p.current_post is not None and not instance.applied(p.id)
        ]

    def check(self, placement: Placement) -> list[Violation]:
        return self._check(placement, np.arange(len(placement.instance.arrays.person_ids)))

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        return self._check(placement, around.person_indices(placement.instance))

    def _stayer(self, instance: Instance) -> np.ndarray:
        a = instance.arrays
        return self.cached(instance, "stayers", lambda: np.isin(
            np.arange(len(a.person_ids)),
            [a.person_index[p] for p in self.stayers(instance)]))

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect:
        """A changed stayer breaks the rule away from their current post."""
        instance, changed = placement.instance, moves.changed
        stayer = self._stayer(instance)[changed.who]
        current = instance.arrays.current_post[changed.who]
        return person_effect(moves, stayer & (changed.post_before != current),
                             stayer & (changed.post_after != current), self.hard)

    def _check(self, placement: Placement, people: np.ndarray) -> list[Violation]:
        """The stayers among ``people`` (indices, ascending) who were moved."""
        instance = placement.instance
        a = instance.arrays
        stayer = self._stayer(instance)
        moved = people[stayer[people] & (placement.post_index[people] != a.current_post[people])]
        return [
            self.violation(
                f"{a.person_ids[i]} did not apply but was moved from "
                f"{a.post_ids[a.current_post[i]]} to {_post_name(a, placement.post_index[i])}",
                people=(a.person_ids[i],),
            )
            for i in moved
        ]

    def area_mask(self, instance: Instance) -> np.ndarray:
        """people x posts: posts in each incumbent's own area."""
        a = instance.arrays
        if self.params.directed_scope == "none":
            return np.zeros((len(a.person_ids), len(a.post_ids)), dtype=bool)
        area_of_institution = np.arange(len(a.institution_ids))
        index = {inst: k for k, inst in enumerate(a.institution_ids)}
        for inst in instance.institutions:
            township = instance.township_of(inst.id)
            if township is not None and township in index:
                area_of_institution[index[inst.id]] = index[township]
        post_area = area_of_institution[a.post_institution]
        has_post = a.current_post >= 0
        person_area = np.where(has_post, post_area[np.maximum(a.current_post, 0)], -1)
        return (person_area[:, None] == post_area[None, :]) & has_post[:, None]

    def directed_pairs(self, instance: Instance) -> np.ndarray:
        """Incumbents may be directed within their own area when a rule needs them."""
        return self.area_mask(instance) & instance.arrays.incumbent[:, None]

    def emit(self, model: RuleModel) -> None:
        for person in self.stayers(model.instance):
            i = model.arrays.person_index[person]
            stays = model.total(model.pairs_of_person_at(i, model.arrays.current_post[i]))
            if self.hard:
                model.at_least(self, ("stay", person), stays, 1, unit="people",
                               detail=f"{person} did not apply and stays", people=(person,))
            else:
                model.add_stage_term(Stage.CONTINUITY, 1 - stays)


def _post_name(arrays: Any, j: int) -> str:
    """A post's id, or 'no post' for -1."""
    return str(arrays.post_ids[j]) if j >= 0 else "no post"
