"""rotation_length: every rotation lasts the policy's rotation length.

Rotations start at the annual selection and last ``rotation_months`` (12 by
default), so each occupies the same whole number of plan years; a shorter one
would not give a candidate their continuous year.
"""

from __future__ import annotations

from staffing.domain.violation import Violation
from staffing.planning.rules.base import PlanRule, PlanRuleParams, PlanView


class RotationLength(PlanRule[PlanRuleParams]):
    name = "rotation_length"
    label_zh = "轮转时长"
    label_en = "rotation length"
    description = "every rotation lasts the policy's rotation length"

    def check(self, view: PlanView) -> list[Violation]:
        facts = view.facts
        span = facts.horizon.span
        out = []
        for rotation in view.rotations:
            years = rotation.end_year - rotation.start_year + 1
            if years != span:
                out.append(self.violation(
                    f"{rotation.person}'s rotation to {rotation.site} lasts {years} year(s) "
                    f"({rotation.start_year}-{rotation.end_year}); a rotation of "
                    f"{facts.horizon.rotation_months} months lasts {span}",
                    people=(rotation.person,), posts=(rotation.site,)))
        return out
