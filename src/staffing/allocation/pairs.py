"""Candidate (person, post) pairs: the only places a person may end up, built vectorised.

- CHOICE: a post the person ranked, if no hard rule forbids it outright.
- STAY: the person's current post (kept by non-applicants; the fallback of
  applicants when the continuity rule allows it).
- DIRECTED: a post the organisation may direct the person to because a rule
  needs it (each rule's ``directed_pairs``: continuity's own area, rotation
  to grassroots, placing city-dispatched staff).

Pairs forbidden by eligibility never exist. Pairs forbidden by other hard
rules are left out too, except when building a model that explains an
infeasible policy (``keep_forbidden``), where those rules must be able to
appear in the conflict. Choices that no stable roster can contain
(`staffing.allocation.pruning.dominated_choices`) may be pruned by the engine.
"""

from __future__ import annotations

import numpy as np

from staffing.domain.instance import Instance
from staffing.domain.pairs import PairKind, Pairs
from staffing.domain.ranking import TENURE, UNRANKED, ChoiceTable
from staffing.policy import Policy
from staffing.rules.forbidden import absolutely_allowed, admissible_mask


def choice_arrays(instance: Instance, policy: Policy) -> tuple[np.ndarray, ...]:
    """(person, post, choice rank, panel rank) of every choice, in input order."""
    table = ChoiceTable.of(instance, policy)
    return table.person, table.post, table.position, table.rank


def build_pairs(instance: Instance, policy: Policy, *, keep_forbidden: bool = False) -> Pairs:
    """Every candidate pair of the instance under the policy."""
    a = instance.arrays
    n_people, n_posts = len(a.person_ids), len(a.post_ids)
    allowed = absolutely_allowed(instance, policy) if keep_forbidden else admissible_mask(
        instance, policy)

    c_person, c_post, c_rank, c_panel = choice_arrays(instance, policy)
    keep = allowed[c_person, c_post] if len(c_person) else np.zeros(0, dtype=bool)
    taken = np.zeros((n_people, n_posts), dtype=bool)
    taken[c_person[keep], c_post[keep]] = True

    stay_person, stay_post, stay_panel = _stay_pairs(instance, policy, allowed, taken)
    taken[stay_person, stay_post] = True

    directed = np.zeros((n_people, n_posts), dtype=bool)
    for rule in policy.rule_objects():
        mask = rule.directed_pairs(instance)
        if mask is not None:
            directed |= mask
    d_person, d_post = np.nonzero(directed & allowed & ~taken)

    person = np.concatenate([c_person[keep], stay_person, d_person])
    post = np.concatenate([c_post[keep], stay_post, d_post])
    kind = np.concatenate([
        np.full(int(keep.sum()), PairKind.CHOICE), np.full(len(stay_person), PairKind.STAY),
        np.full(len(d_person), PairKind.DIRECTED),
    ]).astype(np.int64)
    choice_rank = np.concatenate([c_rank[keep], np.zeros(len(stay_person) + len(d_person),
                                                          dtype=np.int64)])
    panel = np.concatenate([c_panel[keep], stay_panel, np.full(len(d_person), UNRANKED)])
    order = np.lexsort((person, panel, post))
    return Pairs(person[order], post[order], kind[order], choice_rank[order], panel[order])


def _stay_pairs(instance: Instance, policy: Policy, allowed: np.ndarray,
                taken: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Current-post pairs: for non-applicants always, for applicants as the continuity fallback."""
    a = instance.arrays
    fallback = policy.current_post_fallback()
    applied = np.zeros(len(a.person_ids), dtype=bool)
    for person in instance.choices_of:
        applied[a.person_index[person]] = True
    has_post = a.current_post >= 0
    wanted = has_post & (fallback | ~applied)
    people = np.flatnonzero(wanted)
    posts = a.current_post[people]
    ok = allowed[people, posts] & ~taken[people, posts]
    people, posts = people[ok], posts[ok]
    tenure = (~applied[people]) & policy.tenure
    panel = np.where(tenure, TENURE, UNRANKED).astype(np.int64)
    return people, posts, panel
