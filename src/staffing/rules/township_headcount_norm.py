"""township_headcount_norm: established staff at each township centre within a‰–b‰ of its
population.

Chongqing raises the township norm from 1‰ to 1.2‰–1.7‰ of the resident
population. Counted here: people placed at the township centre's own posts
and charged to an established pool (county or grassroots), so county-hired
township-used staff count where they work. Bounds are ceil(a‰ x population)
and floor(b‰ x population).
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import Field, model_validator

from staffing.domain.arrays import POOLS
from staffing.domain.enums import Tier
from staffing.domain.instance import Instance, Institution
from staffing.errors import Invalid, Problem
from staffing.rules.base import Around, Placement, Rule, RuleModel, RuleParams, Violation
from staffing.rules.moves import Moves, MovesEffect, bound_effect, key_changes
from staffing.rules.pools import established_at


class TownshipHeadcountNormParams(RuleParams):
    hard: bool = False
    min_per_mille: float = Field(1.2, ge=0)
    max_per_mille: float | None = Field(1.7, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> TownshipHeadcountNormParams:
        if self.max_per_mille is not None and self.max_per_mille < self.min_per_mille:
            raise Invalid(
                f"max_per_mille {self.max_per_mille} is below min_per_mille {self.min_per_mille}",
                f"上限 max_per_mille {self.max_per_mille} 低于下限 min_per_mille "
                f"{self.min_per_mille}", expected=f"at least {self.min_per_mille}",
                expected_zh=f"不小于 {self.min_per_mille}")
        return self


class TownshipHeadcountNorm(Rule[TownshipHeadcountNormParams]):
    name = "township_headcount_norm"
    label_zh = "乡镇卫生院编制标准"
    label_en = "township headcount norm"
    description = ("established staff at each township centre between a and b per mille of "
                   "population")
    Params = TownshipHeadcountNormParams
    soft_capable = True

    def bounds(self, township: Institution) -> tuple[int, int | None]:
        """(lowest, highest) established staff for a township centre."""
        low = math.ceil(self.params.min_per_mille * township.population / 1000 - 1e-9)
        high = (
            None
            if self.params.max_per_mille is None
            else math.floor(self.params.max_per_mille * township.population / 1000 + 1e-9)
        )
        return low, high

    @staticmethod
    def townships(instance: Instance) -> list[Institution]:
        return [i for i in instance.institutions if i.tier is Tier.TOWNSHIP and i.population > 0]

    def check(self, placement: Placement) -> list[Violation]:
        return self._check(placement, self.townships(placement.instance))

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        return self._check(placement, [i for i in around.institution_rows(placement.instance)
                                       if i.tier is Tier.TOWNSHIP and i.population > 0])

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect:
        """The townships whose established staff the moves change."""
        instance, changed = placement.instance, moves.changed
        a = instance.arrays
        low, high = self._bound_arrays(instance)
        established = np.asarray([pool.is_established for pool in POOLS] + [False])
        institution = np.append(a.post_institution, -1)  # post -1: no institution
        counted = (placement.post_index >= 0) & established[placement.pool_index]
        counts = np.bincount(a.post_institution[placement.post_index[counted]],
                             minlength=len(a.institution_ids))
        changes = key_changes(moves, counts, institution[changed.post_before],
                              institution[changed.post_after],
                              established[changed.pool_before], established[changed.pool_after])
        return bound_effect(moves, changes, low, high, self.hard, self.hard)

    def _bound_arrays(self, instance: Instance) -> tuple[np.ndarray, np.ndarray]:
        """Each institution's (lowest, highest) established staff: no bound off townships."""
        def build() -> tuple[np.ndarray, np.ndarray]:
            ids = instance.arrays.institution_ids
            low = np.zeros(len(ids), dtype=np.int64)
            high = np.full(len(ids), np.iinfo(np.int64).max // 4, dtype=np.int64)
            index = {k: n for n, k in enumerate(ids)}
            for township in self.townships(instance):
                bottom, top = self.bounds(township)
                low[index[township.id]] = bottom
                if top is not None:
                    high[index[township.id]] = top
            return low, high

        return self.cached(instance, "bound_arrays", build)

    def _check(self, placement: Placement, townships: list[Institution]) -> list[Violation]:
        violations = []
        for township in townships:
            count = sum(
                1
                for person in placement.staff_at.get(township.id, [])
                if (pool := placement.pool_of(person)) is not None and pool.is_established
            )
            low, high = self.bounds(township)
            if count < low:
                violations.append(self._breach(township, count, low, high, low - count, "below"))
            elif high is not None and count > high:
                violations.append(self._breach(township, count, low, high, count - high, "above"))
        return violations

    def _breach(self, township: Institution, count: int, low: int, high: int | None, amount: int,
                side: str) -> Violation:
        band = f"{low}-{high}" if high is not None else f"at least {low}"
        return self.violation(
            f"township {township.id} has {count} established staff, {side} the norm {band} "
            f"(population {township.population})",
            amount=amount, institutions=(township.id,),
            numbers={"count": count, "low": low, "high": high, "population": township.population},
        )

    def validate_instance(self, instance: Instance) -> list[Problem]:
        problems = []
        for index, township in enumerate(instance.institutions):
            if township.tier is not Tier.TOWNSHIP or township.population <= 0:
                continue
            low, high = self.bounds(township)
            approved = township.headcount_grassroots
            if approved < low or (high is not None and approved > high):
                source, row = instance.locate("institutions", index)
                problems.append(
                    Problem(source, f"approved grassroots headcount of {township.id} is "
                            "outside the township norm", kind="township_norm", row=row,
                            column="headcount_grassroots", value=approved,
                            expected=f"{low} to {high}" if high is not None else f">= {low}",
                            severity="warning",
                            message_zh=f"{township.id} 的核定基层编制数不在乡镇编制标准范围内",
                            expected_zh=f"{low} 至 {high}" if high is not None else f"不少于 {low}")
                )
        return problems

    def emit(self, model: RuleModel) -> None:
        for township in self.townships(model.instance):
            low, high = self.bounds(township)
            expr = established_at(model, township.id)
            place = f"township {township.id} (population {township.population})"
            if low > 0:
                model.at_least(self, ("low", township.id), expr, low, unit="people",
                               detail=f"{place}: at least {low} established staff "
                                      f"({self.params.min_per_mille}‰)",
                               institutions=(township.id,))
            if high is not None:
                model.at_most(self, ("high", township.id), expr, high, unit="people",
                              detail=f"{place}: at most {high} established staff "
                                     f"({self.params.max_per_mille}‰)",
                              institutions=(township.id,))
