"""The plan-rule catalogue: one module per rule of a multi-year rotation plan.

| rule | meaning |
|---|---|
| qualification | rotations only from the pool, to places and roles the person may take |
| exclusions | nobody takes a rotation they cannot take (year or place, with a reason) |
| cool_off | no repeat rotation within the cool-off period; a candidate is sent once |
| rotation_length | every rotation lasts the policy's rotation length |
| site_capacity | a place takes rotating people only in its years, at most its number |
| department_absence | no county department loses more people at once than it may |
| team_composition | a resident team is formed whole (1 leader + 4 members) or not at all |
| grassroots_coverage | every grassroots post and required team is covered in its years |
| promotion_deadline | every candidate completes a grassroots year before their target year |

Every rule is on in every plan; a policy's ``planning.rules`` sets their
parameters (hard or soft, the cool-off years).
"""

from __future__ import annotations

from staffing.planning.rules.base import Emitter, PlanRule, PlanRuleParams, PlanView
from staffing.planning.rules.cool_off import CoolOff
from staffing.planning.rules.department_absence import DepartmentAbsence
from staffing.planning.rules.exclusions import Exclusions
from staffing.planning.rules.grassroots_coverage import GrassrootsCoverage
from staffing.planning.rules.promotion_deadline import PromotionDeadline
from staffing.planning.rules.qualification import Qualification
from staffing.planning.rules.rotation_length import RotationLength
from staffing.planning.rules.site_capacity import SiteCapacity
from staffing.planning.rules.team_composition import TeamComposition

PLAN_CATALOGUE: dict[str, type[PlanRule]] = {
    rule.name: rule
    for rule in (
        Qualification,
        Exclusions,
        CoolOff,
        RotationLength,
        SiteCapacity,
        DepartmentAbsence,
        TeamComposition,
        GrassrootsCoverage,
        PromotionDeadline,
    )
}

__all__ = ["PLAN_CATALOGUE", "Emitter", "PlanRule", "PlanRuleParams", "PlanView"]
