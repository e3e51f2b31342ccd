"""The planning section of a policy model: horizon, rotation length, team shape, plan rules, order.

```yaml
planning:
  source: "..."
  horizon: 3                  # years planned (the CLI's --years overrides it)
  rotation_months: 12         # length of one rotation
  required_months: 12         # continuous grassroots months before promotion
  pool: county_professionals  # or: listed (only the people of plan_staff)
  department_share: 0.2       # limit for departments without a plan_departments row
  team: {leaders: 1, members: 4, leader_min_title: intermediate}
  rules:
    cool_off: {years: 2}
    grassroots_coverage: {hard: false}
  objective: [on_time, lateness, coverage, preference, fairness, extra_rotations]
```

Every plan rule of the catalogue is on; ``rules`` sets parameters (one key per
rule, validated by the rule's own model). ``objective`` lists the stages of the stage
catalogue in the order they are minimised; stages left out are not minimised.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    create_model,
    field_validator,
    model_validator,
)

from staffing.errors import Invalid
from staffing.planning.facts import TeamShape
from staffing.planning.rules import PLAN_CATALOGUE, PlanRule
from staffing.planning.stages import DEFAULT_PLAN_OBJECTIVE, STAGE_CATALOGUE, PlanStage

MAX_HORIZON = 10


def _soft_allowed(rule_type: type[PlanRule[Any]]) -> Any:
    def check(params: Any) -> Any:
        if not params.hard and not rule_type.soft_capable:
            raise Invalid(f"plan rule '{rule_type.name}' can only be hard",
                          f"轮转规则“{rule_type.name}”只能是刚性规则",
                          expected="hard: true", expected_zh="hard: true（或不填）")
        return params
    return AfterValidator(check)


# One field per plan rule of the catalogue, holding its parameters (validated, located).
PlanRules = create_model(  # type: ignore[call-overload]
    "PlanRules", __config__=ConfigDict(extra="forbid", frozen=True),
    **{name: (Annotated[rule_type.Params, _soft_allowed(rule_type)], rule_type.Params())
       for name, rule_type in PLAN_CATALOGUE.items()})


class PlanningPolicy(BaseModel):
    """How a policy plans rotations to grassroots over several years."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = ""
    horizon: int = Field(3, ge=1, le=MAX_HORIZON, description="years planned")
    rotation_months: int = Field(12, ge=1, le=60, description="length of one rotation")
    required_months: int = Field(
        12, ge=1, le=60, description="continuous grassroots months before promotion")
    pool: Literal["county_professionals", "listed"] = "county_professionals"
    department_share: float | None = Field(
        None, gt=0, le=1, description="absence limit (share of staff, rounded up) for "
        "departments without a plan_departments row")
    team: TeamShape = TeamShape()
    rules: PlanRules = Field(default_factory=PlanRules)
    objective: list[str] = Field(default_factory=lambda: list(DEFAULT_PLAN_OBJECTIVE))
    _rules: list[PlanRule[Any]] = PrivateAttr(default_factory=list)

    def model_post_init(self, context: Any) -> None:
        self._rules = [rule_type(getattr(self.rules, name))
                       for name, rule_type in PLAN_CATALOGUE.items()]

    @field_validator("objective")
    @classmethod
    def _known_stages(cls, stages: list[str]) -> list[str]:
        unknown = [s for s in stages if s not in STAGE_CATALOGUE]
        if unknown:
            known = ", ".join(STAGE_CATALOGUE)
            raise Invalid(f"unknown plan stage '{unknown[0]}'; known stages: {known}",
                          f"未知的轮转目标阶段“{unknown[0]}”；可用的阶段：{known}")
        if len(set(stages)) != len(stages):
            raise Invalid("each plan stage may appear once", "每个轮转目标阶段只能出现一次")
        return stages

    @model_validator(mode="after")
    def _rotation_gives_the_months(self) -> PlanningPolicy:
        if self.rotation_months < self.required_months:
            raise Invalid(f"a rotation of {self.rotation_months} months does not give the "
                          f"{self.required_months} continuous months a promotion needs",
                          f"每次轮转 {self.rotation_months} 个月，达不到晋升所需的连续 "
                          f"{self.required_months} 个月")
        return self

    def rule_objects(self) -> list[PlanRule[Any]]:
        """Every plan rule with this policy's parameters, in catalogue order."""
        return list(self._rules)

    def stage_objects(self) -> list[PlanStage]:
        """The stages minimised, in order."""
        return [STAGE_CATALOGUE[name]() for name in self.objective]

    def params_of(self, name: str) -> Any:
        """The parameters of one plan rule."""
        return getattr(self.rules, name)

    def with_rule(self, name: str, **changes: Any) -> PlanningPolicy:
        """A validated copy with one plan rule's parameters changed."""
        data = self.model_dump()
        data["rules"][name] = {**data["rules"][name], **changes}
        return type(self).model_validate(data)
