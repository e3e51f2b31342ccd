"""The plain-market fast path: deferred acceptance where it is the engine's exact answer.

When every rule of the policy is one that deferred acceptance over the admissible pairs
obeys by construction (rules that only forbid pairs, such as eligibility; capacity;
stability: ``Rule.kept_by_deferred_acceptance``), nobody holds a post before the round and
every panel ranks its applicants strictly, the
person-proposing deferred-acceptance roster is stable and, among stable rosters, the
unique one with the best rank profile (each person gets their best stable post; every
stable roster places the same people). It is therefore the lexicographic optimum of
every objective order in which

- each stage before ``blocking_pairs`` (when stability is soft) is constant over all
  rosters, and
- after it (from the start when stability is hard) ``rank_profile`` comes before
  ``panel_quality``, the only other stage that differs between stable rosters.

No solver is needed: the checker certifies the roster (no hard violation, no blocking
pair) before it is returned.
"""

from __future__ import annotations

import numpy as np

from staffing.allocation.deferred import Market, deferred_acceptance
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.ranking import ChoiceTable
from staffing.policy import Policy
from staffing.rules.forbidden import admissible_mask

# Stages constant over every roster of a plain market without current posts.
_CONSTANT = {Stage.CONTINUITY, Stage.SOFT_FLOORS, Stage.MOVES}
# Stages equal over every stable roster of such a market (every stable roster places the
# same people: the rural hospitals theorem); rank_profile and panel_quality differ.
_CONSTANT_WHEN_STABLE = _CONSTANT | {Stage.UNPLACED, Stage.UNPLACED_ALL}


def objective_allows(policy: Policy) -> bool:
    """Whether the person-optimal stable roster is optimal for the policy's objective order."""
    counted = policy.rules_counted_in(Stage.BLOCKING_PAIRS)
    if not counted:
        return False
    stability = counted[0]
    order = list(policy.objective)
    if not stability.hard:
        if Stage.BLOCKING_PAIRS not in order:
            return False
        blocking = order.index(Stage.BLOCKING_PAIRS)
        if any(stage not in _CONSTANT for stage in order[:blocking]):
            return False
        order = order[blocking + 1:]
    varying = [stage for stage in order if stage not in _CONSTANT_WHEN_STABLE]
    return not varying or varying[0] is Stage.RANK_PROFILE


def plain_market(instance: Instance, policy: Policy) -> Market | None:
    """The market when the fast path applies (see the module docstring), else None."""
    kept = all(rule.kept_by_deferred_acceptance() for rule in policy.rule_objects())
    if not kept or not objective_allows(policy):
        return None
    a = instance.arrays
    if (a.current_post >= 0).any():
        return None
    table = ChoiceTable.of(instance, policy)
    keep = admissible_mask(instance, policy)[table.person, table.post]
    person, post, rank = table.person[keep], table.post[keep], table.rank[keep]
    codes = post * (int(rank.max(initial=0)) + 1) + rank
    if len(np.unique(codes)) < len(codes):
        return None  # a tie at some post
    order = np.lexsort((table.position[keep], person))
    counts = np.bincount(person, minlength=len(instance.staff))
    return Market(start=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
                  post=post[order], panel=rank[order],
                  places=np.asarray(a.places, dtype=np.int64),
                  floors=np.zeros(len(a.post_ids), dtype=np.int64))


def plain_market_outcome(instance: Instance, policy: Policy) -> np.ndarray | None:
    """Each person's post index (-1 none) by deferred acceptance, or None when the fast path
    does not apply. The caller certifies the roster with the checker."""
    market = plain_market(instance, policy)
    return None if market is None else deferred_acceptance(market)
