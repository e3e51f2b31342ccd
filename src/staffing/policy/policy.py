"""A policy model: which rules hold, with which parameters, and the objective order.

Policies live as YAML in ``models/`` (one file per jurisdiction) and are read
by `staffing.policy.yaml.load_policy`. Rule parameters are validated by each
rule's own ``Params`` model from the catalogue in `staffing.rules`; the pay
section by the pay catalogue (`staffing.pay.policy`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from staffing.domain.enums import Pool
from staffing.domain.objective import DEFAULT_OBJECTIVE, Stage
from staffing.domain.ranking import PanelScoring
from staffing.errors import Invalid
from staffing.pay.policy import PayPolicy
from staffing.planning.policy import PlanningPolicy
from staffing.rules import CATALOGUE
from staffing.rules.base import Rule


class Policy(BaseModel):
    """One jurisdiction's rule set, as data."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    name: str
    jurisdiction: str = ""
    year: int = Field(2024, ge=1990, le=2100)
    source: str = ""
    max_choices: int = Field(5, ge=1, le=30, description="longest choice list a person may give")
    panel_scoring: PanelScoring = PanelScoring()
    rules: dict[str, Any] = Field(default_factory=dict)
    objective: list[Stage] = Field(default_factory=lambda: list(DEFAULT_OBJECTIVE))
    pay: PayPolicy | None = None
    planning: PlanningPolicy | None = None
    _rules_by_name: dict[str, Rule] = PrivateAttr(default_factory=dict)
    _hash: str | None = PrivateAttr(default=None)

    def model_post_init(self, context: Any) -> None:
        self._rules_by_name = {name: CATALOGUE[name](params) for name, params in self.rules.items()}

    @field_validator("rules", mode="before")
    @classmethod
    def _parse_rules(cls, raw: Any) -> dict[str, Any]:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise Invalid(
                "rules must be a mapping of rule name to parameters",
                "rules 必须是“规则名: 参数”的映射")
        parsed: dict[str, Any] = {}
        for name, params in raw.items():
            if name not in CATALOGUE:
                raise Invalid(f"unknown rule '{name}'", f"未知规则“{name}”",
                              expected="one of " + ", ".join(CATALOGUE),
                              expected_zh="以下之一：" + ", ".join(CATALOGUE))
            rule_type = CATALOGUE[name]
            parsed[name] = (
                params
                if isinstance(params, rule_type.Params)
                else rule_type.Params.model_validate(params or {})
            )
        for name, rule_type in CATALOGUE.items():
            if rule_type.always_on and name not in parsed:
                parsed[name] = rule_type.Params()
        return {name: parsed[name] for name in CATALOGUE if name in parsed}

    @field_validator("objective")
    @classmethod
    def _objective_unique(cls, stages: list[Stage]) -> list[Stage]:
        if len(set(stages)) != len(stages):
            raise Invalid("each objective stage may appear once", "每个目标阶段只能出现一次")
        return stages

    def rule_objects(self) -> list[Rule]:
        """The enabled rules, in catalogue order."""
        return list(self._rules().values())

    def rule(self, name: str) -> Rule | None:
        return self._rules().get(name)

    def _rules(self) -> dict[str, Rule]:
        # rules are asked for on every check: one dict look-up, not pydantic's __getattr__
        private = self.__pydantic_private__
        assert private is not None
        rules: dict[str, Rule] = private["_rules_by_name"]
        return rules

    def has(self, name: str) -> bool:
        return name in self.rules

    # -- what the rules of the policy say, asked of every rule alike -------------------------

    @property
    def tenure(self) -> bool:
        """Whether incumbents who did not apply hold tenure at their current post."""
        return any(rule.grants_tenure for rule in self.rule_objects())

    def current_post_fallback(self) -> bool:
        """Whether applicants who get none of their choices may keep their current post."""
        return any(rule.current_post_fallback() for rule in self.rule_objects())

    def recruit_pools(self) -> Sequence[Pool] | None:
        """The pools recruits without a fixed pool may be charged to (None: no rule says)."""
        return next((pools for rule in self.rule_objects()
                     if (pools := rule.recruit_pools()) is not None), None)

    def rules_counted_in(self, stage: Stage) -> list[Rule]:
        """The enabled rules whose soft breaches the objective stage ``stage`` counts."""
        return [rule for rule in self.rule_objects() if rule.stage is stage]

    def hash(self) -> str:
        """A stable hash of the policy's content (computed once: the policy is frozen)."""
        private = self.__pydantic_private__  # one dict look-up, not pydantic's __getattr__
        assert private is not None
        if private["_hash"] is None:
            text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
            private["_hash"] = hashlib.sha256(text.encode()).hexdigest()
        digest: str = private["_hash"]
        return digest

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, a validated one (its rules and hash rebuilt from the update).

        pydantic's copy would skip validation and keep the original's rule objects and hash.
        """
        if update:
            return self.replace(**update)
        return super().model_copy(deep=deep)

    def replace(self, **fields: Any) -> Self:
        """A validated copy with some top-level fields replaced."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(fields)
        return type(self).model_validate(data)

    def with_rule(self, name: str, **changes: Any) -> Policy:
        """A copy with one rule's parameters changed (or the rule added)."""
        current = self.rules.get(name) or CATALOGUE[name].Params()
        params = CATALOGUE[name].Params.model_validate({**current.model_dump(), **changes})
        return self.replace(rules={**self.rules, name: params})

    def without_rule(self, name: str) -> Policy:
        return self.replace(rules={k: v for k, v in self.rules.items() if k != name})

    @classmethod
    def default(cls) -> Policy:
        """Every rule of the catalogue with its default parameters."""
        return cls(name="default", rules={name: {} for name in CATALOGUE})
