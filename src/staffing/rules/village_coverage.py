"""village_coverage: every village clinic has a licensed (assistant) physician or village doctor.

A small village near its township centre (fewer residents than
``tour_max_population`` and at most ``tour_max_distance_km`` away) may instead
be toured by a named doctor placed at its township centre; each tour doctor
covers at most ``tour_max_villages`` villages [Guangdong, Chongqing].
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from pydantic import Field

from staffing.domain.arrays import TIERS
from staffing.domain.enums import Discipline, Tier
from staffing.domain.instance import Instance, Institution
from staffing.domain.roster import Assignment
from staffing.rules.base import Around, Placement, Rule, RuleModel, RuleParams, Violation
from staffing.rules.moves import Moves, MovesEffect, key_changes


class VillageCoverageParams(RuleParams):
    tour_max_population: int = Field(800, ge=0)
    tour_max_distance_km: float = Field(5.0, ge=0)
    tour_max_villages: int = Field(3, ge=0)


class VillageCoverage(Rule[VillageCoverageParams]):
    name = "village_coverage"
    label_zh = "村卫生室覆盖"
    label_en = "village coverage"
    description = "every village clinic has a licensed doctor, or a named township tour doctor"
    Params = VillageCoverageParams
    soft_capable = True

    def tour_exempt(self, village: Institution) -> bool:
        """Small and near enough to be served by tours instead of a resident doctor."""
        return (
            village.population < self.params.tour_max_population
            and village.distance_km <= self.params.tour_max_distance_km
            and self.params.tour_max_villages > 0
        )

    @staticmethod
    def villages(instance: Instance) -> list[Institution]:
        return [i for i in instance.institutions if i.tier is Tier.VILLAGE]

    # -- check -----------------------------------------------------------------------------

    def check(self, placement: Placement) -> list[Violation]:
        return self._check(placement, self.villages(placement.instance), None)

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        """The villages whose staff or tours the move changes, and the tour doctors of
        ``around`` (the people moved and the tour doctors of those villages)."""
        villages = [v for v in around.institution_rows(placement.instance)
                    if v.tier is Tier.VILLAGE]
        return self._check(placement, villages, set(around.people))

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect:
        """A move whose people tour no village changes no tour: only the resident coverers of
        the villages its people leave or join, so a village breaks the rule after it when it
        has no coverer left and its tour (as on the roster) does not cover it. Moves of a tour
        doctor are checked one by one."""
        instance, changed = placement.instance, moves.changed
        a = instance.arrays
        village_posts = a.post_tier == TIERS.index(Tier.VILLAGE)
        key = np.append(np.where(village_posts, a.post_institution, -1), -1)  # post -1: none
        covers = a.licence_covers_village
        resident = np.flatnonzero((placement.post_index >= 0) & covers)
        resident = resident[village_posts[placement.post_index[resident]]]
        counts = np.bincount(a.post_institution[placement.post_index[resident]],
                             minlength=len(a.institution_ids))
        mine = covers[changed.who]
        changes = key_changes(moves, counts, key[changed.post_before], key[changed.post_after],
                              mine, mine)
        uncovered = self._tour_fails(placement)[changes.key]
        before = uncovered & (changes.before == 0)
        after = uncovered & (changes.after == 0)
        count = len(moves)
        if self.hard:
            effect = MovesEffect(np.zeros(count, dtype=np.int64),
                                 changes.any_per_move(after & ~before, count))
        else:
            effect = MovesEffect(changes.per_move(after.astype(np.int64) - before, count),
                                 np.zeros(count, dtype=bool))
        touring = np.zeros(len(a.person_ids), dtype=bool)
        touring[[a.person_index[x.person] for x in placement.roster.assignments
                 if x.tour_villages]] = True
        effect.unsure[changed.move[touring[changed.who]]] = True
        return effect

    def _tour_fails(self, placement: Placement) -> np.ndarray:
        """Per institution: a village whose tour on the roster does not cover it."""
        instance = placement.instance
        index = {k: n for n, k in enumerate(instance.arrays.institution_ids)}
        fails = np.zeros(len(index), dtype=bool)
        for village in self.villages(instance):
            doctor = placement.roster.tours.get(village.id)
            fails[index[village.id]] = self.tour_problem(placement, village, doctor) is not None
        return fails

    def _check(self, placement: Placement, villages: list[Institution],
               doctors: set[str] | None) -> list[Violation]:
        """The villages' coverage, then the tour load of ``doctors`` (None: every doctor)."""
        roster = placement.roster
        violations = []
        tours_of: dict[str, list[str]] = defaultdict(list)
        for village_id, doctor in roster.tours.items():
            if doctors is None or doctor in doctors:
                tours_of[doctor].append(village_id)
        for village in villages:
            if self.resident_coverers(placement, village.id):
                continue
            tour_doctor = roster.tours.get(village.id)
            problem = self.tour_problem(placement, village, tour_doctor)
            if problem is not None:
                violations.append(
                    self.violation(
                        f"village {village.id} (population {village.population}) {problem}",
                        institutions=(village.id,),
                        people=(tour_doctor,) if tour_doctor else (),
                        numbers={"population": village.population,
                                 "distance_km": village.distance_km},
                    )
                )
        for doctor, toured in tours_of.items():
            if len(toured) > self.params.tour_max_villages:
                violations.append(
                    self.violation(
                        f"tour doctor {doctor} covers {len(toured)} village(s), more than the "
                        f"{self.params.tour_max_villages} allowed",
                        amount=len(toured) - self.params.tour_max_villages,
                        people=(doctor,), institutions=tuple(sorted(toured)),
                    )
                )
        return violations

    @staticmethod
    def resident_coverers(placement: Placement, village_id: str) -> list[str]:
        instance = placement.instance
        return [
            person
            for person in placement.staff_at.get(village_id, [])
            if instance.person_by_id[person].licence.covers_village
        ]

    def tour_problem(self, placement: Placement, village: Institution,
                     doctor: str | None) -> str | None:
        """Why a tour does not cover the village, or None if it does."""
        if doctor is None:
            return "has no licensed doctor and no tour doctor"
        if self.params.tour_max_villages == 0:
            return f"is toured by {doctor}, but the policy allows no tours"
        if not self.tour_exempt(village):
            return (
                f"is toured by {doctor} but is not eligible for tours (needs fewer than "
                f"{self.params.tour_max_population} residents and at most "
                f"{self.params.tour_max_distance_km} km to the township centre)"
            )
        person = placement.instance.person_by_id.get(doctor)
        if person is None or not person.licence.is_physician:
            return f"is toured by {doctor}, who is not a licensed (assistant) physician"
        if placement.institution_of(doctor) != village.parent:
            return (f"is toured by {doctor}, who is not placed at its township centre "
                    f"{village.parent}")
        return None

    # -- emission --------------------------------------------------------------------------

    def emit(self, model: RuleModel) -> None:
        instance, a = model.instance, model.arrays
        covers = a.licence_covers_village
        tour_vars: dict[str, list] = defaultdict(list)
        for village in self.villages(instance):
            cover_pairs = model.pairs_at_institution(village.id, person_mask=covers)
            expr = model.total(cover_pairs)
            detail = (f"village {village.id} (population {village.population}) "
                      "needs a licensed doctor")
            if self.tour_exempt(village) and village.parent:
                toured = model.new_bool(f"tour_{village.id}")
                model.tour_literals[village.id] = toured
                tour_vars[village.parent].append(toured)
                expr = expr + toured
                detail += " or a tour doctor"
            model.at_least(self, ("village", village.id), expr, 1, unit="villages", detail=detail,
                           institutions=(village.id,))
        physician = a.licence_is_physician
        for township, toured in tour_vars.items():
            doctors = model.total(model.pairs_at_institution(township, person_mask=physician))
            model.at_most(
                self, ("tours", township), sum(toured) - self.params.tour_max_villages * doctors, 0,
                unit="tour places",
                detail=f"tour doctors at {township} cover at most {self.params.tour_max_villages} "
                "villages each",
                institutions=(township,),
            )

    def finish(self, instance: Instance, assignments: list[Assignment]) -> list[Assignment]:
        """Name a tour doctor for every tour-exempt village left without a resident doctor."""
        post_of = {a.person: a.post for a in assignments}
        institution_of = {
            p: instance.post_by_id[post].institution for p, post in post_of.items() if post
        }
        covered = {
            institution_of[p]
            for p in institution_of
            if instance.person_by_id[p].licence.covers_village
        }
        doctors_at: dict[str, list[str]] = defaultdict(list)
        for person, inst in institution_of.items():
            if instance.person_by_id[person].licence.is_physician:
                doctors_at[inst].append(person)
        load: dict[str, list[str]] = defaultdict(list)
        for village in self.villages(instance):
            if village.id in covered or not self.tour_exempt(village) or not village.parent:
                continue
            candidates = sorted(
                doctors_at.get(village.parent, []),
                key=lambda p: (
                    len(load[p]),
                    instance.person_by_id[p].discipline is not Discipline.GENERAL_PRACTICE,
                    p,
                ),
            )
            free = [p for p in candidates if len(load[p]) < self.params.tour_max_villages]
            if free:
                load[free[0]].append(village.id)
        return [
            a.model_copy(update={"tour_villages": sorted(load.get(a.person, []))})
            for a in assignments
        ]
