"""The pay section of a policy model: which pay lines are paid and which pay rules hold.

```yaml
pay:
  source: "..."
  post_class: grade            # like posts: same grade (or grade_discipline)
  lines:
    performance: {basic_share: 0.3, tier_coefficients: {...}, hardship_coefficients: [...]}
    family_doctor_subsidy: {per_resident: 120}
    ...
  rules:
    reward_share: {min_share: 0.6}
    tier_ratio: {target: 0.9}
    ...
```

Every line and rule has its parameters (validated by the rule's own model in
`staffing.pay.rules`) and a ``source``. ``base_pay``, ``performance``,
``budget`` and ``monotone_points`` are on unless switched off with ``null``
(``monotone_points`` only); the rest are on when present.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from staffing.pay.rules.base_pay import BasePayParams
from staffing.pay.rules.budget import BudgetParams
from staffing.pay.rules.family_doctor_subsidy import FamilyDoctorSubsidyParams
from staffing.pay.rules.graduate_subsidy import GraduateSubsidyParams
from staffing.pay.rules.income_gap import IncomeGapParams
from staffing.pay.rules.living_floor import LivingFloorParams
from staffing.pay.rules.monotone_points import MonotonePointsParams
from staffing.pay.rules.performance import PerformanceParams
from staffing.pay.rules.reward_share import RewardShareParams
from staffing.pay.rules.rotation_allowance import RotationAllowanceParams
from staffing.pay.rules.rotation_no_loss import RotationNoLossParams
from staffing.pay.rules.separate_pay import SeparatePayParams
from staffing.pay.rules.surplus_award import SurplusAwardParams
from staffing.pay.rules.tier_ratio import TierRatioParams

if TYPE_CHECKING:
    from staffing.pay.rules.base import PayRule

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class PayLines(BaseModel):
    """The pay lines paid, each with its parameters (None: not paid)."""

    model_config = _FROZEN

    base_pay: BasePayParams = BasePayParams()
    performance: PerformanceParams = PerformanceParams()
    rotation_allowance: RotationAllowanceParams | None = None
    family_doctor_subsidy: FamilyDoctorSubsidyParams | None = None
    graduate_subsidy: GraduateSubsidyParams | None = None
    surplus_award: SurplusAwardParams | None = None
    separate_pay: SeparatePayParams | None = None


class PayRules(BaseModel):
    """The pay rules that hold, each with its parameters (None: off)."""

    model_config = _FROZEN

    budget: BudgetParams = BudgetParams()
    reward_share: RewardShareParams | None = None
    tier_ratio: TierRatioParams | None = None
    income_gap: IncomeGapParams | None = None
    monotone_points: MonotonePointsParams | None = MonotonePointsParams()
    rotation_no_loss: RotationNoLossParams | None = None
    living_floor: LivingFloorParams | None = None


class PayPolicy(BaseModel):
    """The pay section of a policy model."""

    model_config = _FROZEN

    source: str = ""
    post_class: Literal["grade", "grade_discipline"] = "grade"
    lines: PayLines = PayLines()
    rules: PayRules = PayRules()

    def rule_objects(self) -> list[PayRule]:
        """The lines and rules that are on, in catalogue order."""
        from staffing.pay.rules import PAY_CATALOGUE

        out = []
        for name, rule_type in PAY_CATALOGUE.items():
            params = self.params_of(name)
            if params is not None:
                out.append(rule_type(params))
        return out

    def params_of(self, name: str) -> Any:
        """The parameters of one line or rule (None when it is off)."""
        for section in (self.lines, self.rules):
            if name in type(section).model_fields:
                return getattr(section, name)
        raise KeyError(f"unknown pay rule '{name}'")

    def with_rule(self, name: str, params: Any = None, **changes: Any) -> PayPolicy:
        """A copy with one line or rule set (to ``params``, or its current ones changed)."""
        from staffing.pay.rules import PAY_CATALOGUE

        rule_type = PAY_CATALOGUE[name]
        if params is None:
            current = self.params_of(name)
            base = current.model_dump() if current is not None else {}
            params = rule_type.Params.model_validate({**base, **changes})
        section = "lines" if name in type(self.lines).model_fields else "rules"
        updated = getattr(self, section).model_copy(update={name: params})
        return self.model_copy(update={section: updated})

    def without_rule(self, name: str) -> PayPolicy:
        """A copy with one line or rule off."""
        section = "lines" if name in type(self.lines).model_fields else "rules"
        updated = getattr(self, section).model_copy(update={name: None})
        return self.model_copy(update={section: updated})
