"""Which headcount pool each person is charged to, as expressions the pool rules bound.

Incumbents keep their pool; a new recruit without a fixed pool is charged to one
of the pools the policy allows recruits (one boolean per pool, created by the
model: ``model.charge``). The headcount-pool, township-norm and
county-hired-township-used rules count people through these helpers.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from staffing.domain.arrays import POOLS
from staffing.domain.enums import Pool
from staffing.rules.base import Expr, RuleModel, is_constant

DEFAULT_RECRUIT_POOLS = (Pool.COUNTY, Pool.GRASSROOTS)  # when no rule of the policy has a say


def charge_expr(model: RuleModel, i: int, pool: Pool) -> Expr:
    """1 when person i is charged to ``pool`` (0 or 1; recruits only when placed)."""
    a = model.arrays
    if a.dispatched[i]:
        return 0
    if a.pool[i] >= 0:
        held = POOLS[a.pool[i]] is pool
        if not held:
            return 0
        return model.placed(i) if a.recruit[i] else 1
    options = model.charge.get(int(i))
    if not options or pool not in options:
        return 0
    var = options[pool]
    return model.placed(i) if var is None else var


def pool_usage(model: RuleModel, pool: Pool) -> Expr:
    """People charged to a pool: incumbents always, recruits when placed."""
    a = model.arrays
    fixed = int(np.sum(a.incumbent & (a.pool == POOLS.index(pool))))
    terms = [charge_expr(model, int(i), pool) for i in np.flatnonzero(a.recruit)]
    return fixed + sum(t for t in terms if not is_constant(t)) + sum(
        t for t in terms if is_constant(t))


def charged_at(model: RuleModel, pool: Pool, *, person_mask: np.ndarray,
               post_mask: np.ndarray) -> Expr:
    """People of ``person_mask`` charged to ``pool`` and placed at a post of ``post_mask``."""
    terms = []
    for i in np.flatnonzero(person_mask):
        mine = model.person_pairs(i)
        there = model.total(mine[post_mask[model.pairs.post[mine]]])
        if is_constant(there):
            continue
        charged = charge_expr(model, int(i), pool)
        if is_constant(charged):
            if charged:
                terms.append(there)
            continue
        both = model.new_bool()
        model.model.add(both <= there)
        model.model.add(both <= charged)
        model.model.add(both >= there + charged - 1)
        terms.append(both)
    return sum(terms) if terms else 0


def established_at(model: RuleModel, institution_id: str) -> Expr:
    """People placed at an institution and charged to an established pool."""
    a = model.arrays
    pairs = model.pairs_at_institution(institution_id)
    terms = []
    for k in pairs:
        i = int(model.pairs.person[k])
        if a.dispatched[i]:
            continue
        if a.pool[i] >= 0:
            if POOLS[a.pool[i]].is_established:
                terms.append(model.x[k])
            continue
        off = model.charge.get(i, {}).get(Pool.OFF_ESTABLISHMENT, "absent")
        if off == "absent":
            terms.append(model.x[k])
        elif off is None:
            continue  # the only recruit pool is off-establishment
        else:
            both = model.new_bool()
            model.model.add(both <= model.x[k])
            model.model.add(both <= 1 - off)
            model.model.add(both >= model.x[k] - off)
            terms.append(both)
    return cp_model.LinearExpr.sum(terms) if terms else 0
