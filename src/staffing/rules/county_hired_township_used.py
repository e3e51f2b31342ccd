"""county_hired_township_used: a minimum share of new physician recruits work at township
on county headcount.

Chongqing requires that each year at least 80% of newly recruited practising
physicians are county-hired, township-used (县聘乡用). Counted among new
recruits with a physician or assistant-physician licence who are placed:
those charged to the county pool and placed at a post of ``tiers`` must be at
least ``min_share`` of them (compared in whole per-mille).
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import Field

from staffing.domain.arrays import POOLS, TIERS
from staffing.domain.enums import Pool, Tier
from staffing.domain.instance import Instance
from staffing.rules.base import Around, Placement, Rule, RuleModel, RuleParams, Violation
from staffing.rules.moves import Moves, MovesEffect
from staffing.rules.pools import charged_at


class CountyHiredParams(RuleParams):
    min_share: float = Field(0.8, ge=0, le=1)
    tiers: list[Tier] = Field(default_factory=lambda: [Tier.TOWNSHIP], min_length=1)


class CountyHiredTownshipUsed(Rule[CountyHiredParams]):
    name = "county_hired_township_used"
    label_zh = "县聘乡用"
    label_en = "county-hired, township-used"
    description = "a minimum share of new physician recruits placed at township on county headcount"
    Params = CountyHiredParams
    soft_capable = True

    def counted(self, placement: Placement) -> tuple[np.ndarray, np.ndarray]:
        """People counted: new physician recruits placed, and those of them county-hired and
        placed at a post of the rule's tiers (masks over ``instance.staff``)."""
        return self._counted(placement.instance, np.arange(len(placement.post_index)),
                             placement.post_index, placement.pool_index)

    def _counted(self, instance: Instance, people: np.ndarray, posts: np.ndarray,
                 pools: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`counted` of ``people`` at ``posts`` charged to ``pools``."""
        a = instance.arrays
        tier_posts = self.cached(instance, "tier_posts", lambda: np.isin(
            a.post_tier, [TIERS.index(t) for t in self.params.tiers]))
        placed = a.recruit[people] & a.licence_is_physician[people] & (posts >= 0)
        county = pools == POOLS.index(Pool.COUNTY)
        return placed, placed & county & tier_posts[np.maximum(posts, 0)]

    def shortfall(self, recruits: int, used: int) -> int:
        """How many more county-hired, township-used recruits the share needs (0: met)."""
        share = round(self.params.min_share * 1000)
        if 1000 * used >= share * recruits:
            return 0
        return math.ceil(share * recruits / 1000) - used

    def moves_effect(self, placement: Placement, moves: Moves) -> MovesEffect:
        """The one share, from each move's change in recruits placed and counted."""
        instance, changed = placement.instance, moves.changed
        placed, used = self.counted(placement)
        recruits, counted = int(placed.sum()), int(used.sum())
        was = self._counted(instance, changed.who, changed.post_before, changed.pool_before)
        now = self._counted(instance, changed.who, changed.post_after, changed.pool_after)
        count = len(moves)
        change = [np.bincount(changed.move, weights=n.astype(np.int64) - w, minlength=count)
                  .astype(np.int64) for w, n in zip(was, now)]
        after = np.asarray([self.shortfall(recruits + r, counted + u)
                            for r, u in zip(*(c.tolist() for c in change))], dtype=np.int64)
        if self.hard:
            return MovesEffect(np.zeros(count, dtype=np.int64),
                               (after > 0) & ((change[0] != 0) | (change[1] != 0)))
        return MovesEffect(after - self.shortfall(recruits, counted), np.zeros(count, dtype=bool))

    def check(self, placement: Placement) -> list[Violation]:
        a = placement.instance.arrays
        placed, counted = self.counted(placement)
        recruits = [a.person_ids[i] for i in np.flatnonzero(placed)]
        used = [a.person_ids[i] for i in np.flatnonzero(counted)]
        missing = self.shortfall(len(recruits), len(used))
        if not missing:
            return []
        return [
            self.violation(
                f"{len(used)} of {len(recruits)} new physician recruits are county-hired and "
                f"placed at {'/'.join(t.value for t in self.params.tiers)} tier; at least "
                f"{len(used) + missing} ({self.params.min_share:.0%}) are required",
                amount=missing,
                people=tuple(sorted(set(recruits) - set(used))),
                numbers={"recruits": len(recruits), "county_hired_township_used": len(used)},
            )
        ]

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        """The one share over all recruits (counted with arrays)."""
        return self.check(placement)

    def amount_around(self, placement: Placement, around: Around) -> int:
        if self.hard:
            return 0
        placed, counted = self.counted(placement)
        return self.shortfall(int(placed.sum()), int(counted.sum()))

    def emit(self, model: RuleModel) -> None:
        a = model.arrays
        recruits = a.recruit & a.licence_is_physician
        if not recruits.any():
            return
        placed = sum(model.placed(i) for i in np.flatnonzero(recruits))
        tier_posts = np.isin(a.post_tier, [TIERS.index(t) for t in self.params.tiers])
        used = charged_at(model, Pool.COUNTY, person_mask=recruits, post_mask=tier_posts)
        share = round(self.params.min_share * 1000)
        model.at_least(
            self, ("share",), 1000 * used - share * placed, 0, unit="recruits", scale=1000,
            detail=f"at least {self.params.min_share:.0%} of new physician recruits county-hired "
            "and township-used",
        )
