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
from typing import TYPE_CHECKING

from pydantic import Field

from staffing.domain.enums import Pool
from staffing.domain.instance import Instance, Staff
from staffing.errors import Problem
from staffing.rules.base import Placement, Rule, RuleParams, Violation

if TYPE_CHECKING:
    from staffing.allocation.model import AllocationModel

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


class HeadcountPools(Rule):
    name = "headcount_pools"
    label_zh = "编制统筹使用"
    label_en = "headcount pools"
    description = "people charged to each headcount pool stay within its approved quota"
    Params = HeadcountPoolsParams

    def charged_pool(self, placement: Placement, person: Staff) -> Pool | None:
        """The pool a person uses: incumbents always, recruits only when placed."""
        if person.new_recruit and placement.post_of(person.id) is None:
            return None
        return placement.pool_of(person.id)

    def check(self, placement: Placement) -> list[Violation]:
        violations = []
        counts: Counter[Pool] = Counter()
        for person in placement.instance.staff:
            pool = self.charged_pool(placement, person)
            allowed = allowed_pools(person, self.params.recruit_pools)
            placed = placement.post_of(person.id) is not None
            needs_pool = placed or person.is_incumbent
            if pool is not None and pool not in allowed:
                valid = ", ".join(p.value for p in allowed) or "no pool"
                violations.append(
                    self.violation(f"{person.id} is charged to the {pool.value} pool; allowed: {valid}",
                                   people=(person.id,))
                )
            elif pool is None and allowed and needs_pool:
                violations.append(
                    self.violation(f"{person.id} holds a post but is charged to no pool",
                                   people=(person.id,))
                )
            if pool is not None:
                counts[pool] += 1
        for pool in self.params.capped:
            limit = quota(placement.instance, pool)
            if counts[pool] > limit:
                violations.append(
                    self.violation(
                        f"the {pool.value} pool charges {counts[pool]} people, quota {limit}",
                        amount=counts[pool] - limit,
                        numbers={"charged": counts[pool], "quota": limit},
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
                            f"{pool.value} pool, above its quota of {limit}", kind="pool_over_quota",
                            column=_QUOTA_COLUMN[pool], value=limit,
                            expected=f"a total approved headcount of at least {held[pool]}",
                            severity="warning")
                )
        return problems

    def emit(self, model: AllocationModel) -> None:
        for pool in self.params.capped:
            limit = quota(model.instance, pool)
            model.at_most(
                self, ("pool", pool.value), model.pool_usage(pool), limit, unit="places",
                detail=f"the {pool.value} headcount pool (quota {limit})",
            )
