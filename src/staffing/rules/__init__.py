"""The rule catalogue: one module per rule, each with its parameters, check and emission.

Adding a rule: its module here (a `Rule` subclass), one line in ``CATALOGUE``,
its test module ``tests/rules/test_<name>.py`` and its row in the README's rule
table (a test keeps the four in step).

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
| directed_placements | people the organisation places this round (a rotation plan's year 1) |
| family_doctor_teams | each centre can form its teams |
| continuity | people who did not apply stay |
| stability | no blocking pairs in the two-way selection |
"""

from __future__ import annotations

from staffing.rules.base import PairRule, Placement, Rule, RuleParams, Violation
from staffing.rules.capacity import Capacity
from staffing.rules.city_dispatch import CityDispatch
from staffing.rules.continuity import Continuity
from staffing.rules.county_hired_township_used import CountyHiredTownshipUsed
from staffing.rules.directed_placements import DirectedPlacements
from staffing.rules.eligibility import Eligibility
from staffing.rules.family_doctor_teams import FamilyDoctorTeams
from staffing.rules.headcount_pools import HeadcountPools
from staffing.rules.min_staffing import MinStaffing
from staffing.rules.post_structure import PostStructure
from staffing.rules.rotation_before_senior import RotationBeforeSenior
from staffing.rules.stability import Stability
from staffing.rules.township_headcount_norm import TownshipHeadcountNorm
from staffing.rules.village_coverage import VillageCoverage

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
        DirectedPlacements,
        FamilyDoctorTeams,
        Continuity,
        Stability,
    )
}


__all__ = [
    "CATALOGUE",
    "PairRule",
    "Placement",
    "Rule",
    "RuleParams",
    "Violation",
]
