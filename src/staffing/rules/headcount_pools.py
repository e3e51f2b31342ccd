"""headcount_pools: people charged to each headcount pool stay within its approved quota.

The county and grassroots pools are approved separately but used across
institutions [Guangdong]: the pool a person is charged to is independent of
where they work. Incumbents keep the pool they hold; a new recruit without a
fixed pool is charged to one of ``recruit_pools`` when placed. City-dispatched
staff are charged to no pool. A pool's quota is the sum of its approved
headcount over all institutions (``contract_places`` for off-establishment).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from pydantic import Field

from staffing.domain.arrays import POOLS
from staffing.domain.enums import Pool
from staffing.domain.instance import Instance, Staff
from staffing.errors import Problem
from staffing.rules.base import Around, Placement, Rule, RuleModel, RuleParams, Violation
from staffing.rules.moves import Moves, MovesEffect, bound_effect, key_changes, person_effect
from staffing.rules.pools import pool_usage

_QUOTA_COLUMN = {
    Pool.COUNTY: "headcount_county",
    Pool.GRASSROOTS: "headcount_grassroots",
    Pool.OFF_ESTABLISHMENT: "contract_places",
}


class HeadcountPoolsParams(RuleParams):
    capped: list[Pool] = Field(default_factory=lambda: [Pool.COUNTY, Pool.GRASSROOTS])
    recruit_pools: list[Pool] = Field(
        default_factory=lambda: [Pool.COUNTY, Pool.GRASSROOTS], min_length=1
    )


def quota(instance: Instance, pool: Pool) -> int:
    """Approved headcount of a pool: the sum over institutions."""
    return sum(getattr(inst, _QUOTA_COLUMN[pool]) for inst in instance.institutions)


def allowed_pools(person: Staff, recruit_pools: list[Pool]) -> list[Pool]:
    """Pools a person may be charged to when placed."""
    if person.city_dispatched:
        return []
    if person.pool is not None:
        return [person.pool]
    return list(recruit_pools)


class HeadcountPools(Rule[HeadcountPoolsParams]):
    name = "headcount_pools"
    label_zh = "编制统筹使用"
    label_en = "headcount pools"
    description = "people charged to each headcount pool stay within its approved quota"
    Params = HeadcountPoolsParams

    def recruit_pools(self) -> list[Pool]:
        return list(self.params.recruit_pools)

    def allowed_matrix(self, instance: Instance) -> np.ndarray:
        """people x pools: the pools each person may be charged to when placed."""

        def build() -> np.ndarray:
            allowed = np.zeros((len(instance.staff), len(POOLS)), dtype=bool)
            for i, person in enumerate(instance.staff):
                for pool in allowed_pools(person, self.params.recruit_pools):
                    allowed[i, POOLS.index(pool)] = True
            return allowed

        return self.cached(instance, "allowed_pools", build)

    def charged(self, placement: Placement) -> np.ndarray:
        """Pool index each person uses (-1: none): incumbents always, recruits only when placed."""
        a = placement.instance.arrays
        return np.where(a.recruit & (placement.post_index < 0), -1, placement.pool_index)

    def check(self, placement: Placement) -> list[Violation]:
        return self._check(placement, np.arange(len(placement.instance.arrays.person_ids)))

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect:
        """Each changed person's own pool, and the capped pools' counts."""
        instance, changed = placement.instance, moves.changed
        a = instance.arrays
        recruit = a.recruit[changed.who]
        before = np.where(recruit & (changed.post_before < 0), -1, changed.pool_before)
        after = np.where(recruit & (changed.post_after < 0), -1, changed.pool_after)
        own = person_effect(moves, self._wrong(instance, changed.who, before, changed.post_before),
                            self._wrong(instance, changed.who, after, changed.post_after),
                            self.hard)
        charged = self.charged(placement)
        counts = np.bincount(charged[charged >= 0], minlength=len(POOLS))
        quotas = np.full(len(POOLS), np.iinfo(np.int64).max // 4, dtype=np.int64)
        for pool in self.params.capped:
            quotas[POOLS.index(pool)] = self.cached(instance, f"quota_{pool.value}",
                                                    lambda p=pool: quota(instance, p))
        pools = bound_effect(moves, key_changes(moves, counts, before, after), None, quotas,
                             self.hard, self.hard)
        return MovesEffect(own.soft + pools.soft, own.unsure | pools.unsure)

    def _wrong(self, instance: Instance, people: np.ndarray, charged: np.ndarray,
               posts: np.ndarray) -> np.ndarray:
        """Whether each person, charged to ``charged`` and at ``posts``, is charged to a pool
        they may not use, or to none while holding a post (or, an incumbent, always)."""
        allowed = self.allowed_matrix(instance)
        wrong = (charged >= 0) & ~allowed[people, np.maximum(charged, 0)]
        needs_pool = (posts >= 0) | instance.arrays.incumbent[people]
        return wrong | ((charged < 0) & allowed[people].any(axis=1) & needs_pool)

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        """The pools of the people moved, and every capped pool's count."""
        return self._check(placement, around.person_indices(placement.instance))

    def _check(self, placement: Placement, people: np.ndarray) -> list[Violation]:
        """The pool of each of ``people`` (indices, ascending), then the capped pools."""
        instance = placement.instance
        charged = self.charged(placement)
        allowed = self.allowed_matrix(instance)
        mine = charged[people]
        violations = []
        for k in np.flatnonzero(self._wrong(instance, people, mine,
                                            placement.post_index[people])):
            i = people[k]
            person = instance.staff[i]
            if mine[k] >= 0:
                valid = ", ".join(POOLS[c].value for c in np.flatnonzero(allowed[i])) or "no pool"
                violations.append(self.violation(
                    f"{person.id} is charged to the {POOLS[charged[i]].value} pool; allowed: "
                    f"{valid}", people=(person.id,)))
            else:
                violations.append(self.violation(
                    f"{person.id} holds a post but is charged to no pool", people=(person.id,)))
        counts = np.bincount(charged[charged >= 0], minlength=len(POOLS))
        for pool in self.params.capped:
            count = int(counts[POOLS.index(pool)])
            limit = self.cached(instance, f"quota_{pool.value}", lambda p=pool: quota(instance, p))
            if count > limit:
                violations.append(
                    self.violation(
                        f"the {pool.value} pool charges {count} people, quota {limit}",
                        amount=count - limit, numbers={"charged": count, "quota": limit},
                    )
                )
        return violations

    def validate_instance(self, instance: Instance) -> list[Problem]:
        held = Counter(p.pool for p in instance.staff if p.is_incumbent and p.pool)
        problems = []
        for pool in self.params.capped:
            limit = quota(instance, pool)
            if held[pool] > limit:
                problems.append(
                    Problem("institutions", f"incumbents already hold {held[pool]} places of the "
                            f"{pool.value} pool, above its quota of {limit}",
                            kind="pool_over_quota",
                            column=_QUOTA_COLUMN[pool], value=limit,
                            expected=f"a total approved headcount of at least {held[pool]}",
                            severity="warning",
                            message_zh=f"在岗人员已占用{pool.zh} {held[pool]} 个，超过核定数 "
                            f"{limit}", expected_zh=f"核定编制合计不少于 {held[pool]}")
                )
        return problems

    def emit(self, model: RuleModel) -> None:
        for pool in self.params.capped:
            limit = quota(model.instance, pool)
            model.at_most(
                self, ("pool", pool.value), pool_usage(model, pool), limit, unit="places",
                detail=f"the {pool.value} headcount pool (quota {limit})",
            )
