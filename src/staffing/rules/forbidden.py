"""Pairs the hard rules of a policy forbid outright, and why (every rule asked the same way)."""

from __future__ import annotations

import numpy as np

from staffing.domain.instance import Instance
from staffing.rules.base import RuleSet


def admissible_mask(instance: Instance, policy: RuleSet) -> np.ndarray:
    """people x posts: pairs no hard rule forbids outright."""
    return instance.cached(("admissible", policy.hash()), lambda: _admissible(instance, policy))


def _admissible(instance: Instance, policy: RuleSet) -> np.ndarray:
    a = instance.arrays
    mask = np.ones((len(a.person_ids), len(a.post_ids)), dtype=bool)
    for rule in policy.rule_objects():
        forbidden = rule.forbidden_pairs(instance)
        if forbidden is not None:
            mask &= ~forbidden
    mask.flags.writeable = False
    return mask


def absolutely_allowed(instance: Instance, policy: RuleSet) -> np.ndarray:
    """people x posts: pairs no absolute rule forbids (the pairs an explaining model keeps)."""
    a = instance.arrays
    mask = np.ones((len(a.person_ids), len(a.post_ids)), dtype=bool)
    for rule in policy.rule_objects():
        forbidden = rule.forbidden_pairs(instance) if rule.absolute else None
        if forbidden is not None:
            mask &= ~forbidden
    return mask


def forbid_reasons(instance: Instance, policy: RuleSet, person: str, post: str) -> list[str]:
    """Each hard rule's reason for forbidding a pair outright (empty if allowed)."""
    reasons = []
    for rule in policy.rule_objects():
        reason = rule.forbid_reason(instance, person, post)
        if reason is not None:
            reasons.append(f"{rule.name}: {reason}")
    return reasons
