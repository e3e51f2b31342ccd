"""The rule catalogue: one module per rule, each with its parameters, check and emission.

| rule | meaning |
|---|---|
| eligibility | licence, discipline and title a post requires |
| capacity | a post holds at most its places |
| min_staffing | floors of posts and institutions |
| village_coverage | a licensed doctor (or a tour doctor) for every village clinic |
| headcount_pools | pool quotas, pools fixed for incumbents and chosen for recruits |
| township_headcount_norm | established township staff within a-b per mille of population |
| post_structure | senior cap (GP exemption) and intermediate floor |
| rotation_before_senior | promotion candidates without a grassroots year serve there |
| county_hired_township_used | share of new physician recruits county-hired, township-used |
| city_dispatch | city-dispatched staff are placed |
| family_doctor_teams | each centre can form its teams |
| continuity | people who did not apply stay |
| stability | no blocking pairs in the two-way selection |
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from staffing.rules.base import PairRule, Placement, Rule, RuleParams, Violation
from staffing.rules.capacity import Capacity
from staffing.rules.city_dispatch import CityDispatch
from staffing.rules.continuity import Continuity
from staffing.rules.county_hired_township_used import CountyHiredTownshipUsed
from staffing.rules.eligibility import Eligibility
from staffing.rules.family_doctor_teams import FamilyDoctorTeams
from staffing.rules.headcount_pools import HeadcountPools
from staffing.rules.min_staffing import MinStaffing
from staffing.rules.post_structure import PostStructure
from staffing.rules.rotation_before_senior import RotationBeforeSenior
from staffing.rules.stability import Stability
from staffing.rules.township_headcount_norm import TownshipHeadcountNorm
from staffing.rules.village_coverage import VillageCoverage

if TYPE_CHECKING:
    from staffing.domain.instance import Instance
    from staffing.domain.policy import Policy

CATALOGUE: dict[str, type[Rule]] = {
    rule.name: rule
    for rule in (
        Eligibility,
        Capacity,
        MinStaffing,
        VillageCoverage,
        HeadcountPools,
        TownshipHeadcountNorm,
        PostStructure,
        RotationBeforeSenior,
        CountyHiredTownshipUsed,
        CityDispatch,
        FamilyDoctorTeams,
        Continuity,
        Stability,
    )
}


def admissible_mask(instance: Instance, policy: Policy) -> np.ndarray:
    """people x posts: pairs no hard rule forbids outright."""
    return instance.cached(("admissible", policy.hash()), lambda: _admissible(instance, policy))


def _admissible(instance: Instance, policy: Policy) -> np.ndarray:
    a = instance.arrays
    mask = np.ones((len(a.person_ids), len(a.post_ids)), dtype=bool)
    for rule in policy.rule_objects():
        forbidden = rule.forbidden_pairs(instance)
        if forbidden is not None:
            mask &= ~forbidden
    mask.flags.writeable = False
    return mask


def forbid_reasons(instance: Instance, policy: Policy, person: str, post: str) -> list[str]:
    """Each hard rule's reason for forbidding a pair outright (empty if allowed)."""
    reasons = []
    for rule in policy.rule_objects():
        reason = rule.forbid_reason(instance, person, post)
        if reason is not None:
            reasons.append(f"{rule.name}: {reason}")
    return reasons


__all__ = [
    "CATALOGUE",
    "PairRule",
    "Placement",
    "Rule",
    "RuleParams",
    "Violation",
    "admissible_mask",
    "forbid_reasons",
]
